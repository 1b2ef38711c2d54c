"""The content contract: field declarations, validation, the controlled vocabulary and problems."""
