"""Cities in depth: profiles with their figures, milestones and funding, ROMACT journeys
across municipalities, and the pages and API that show them."""
