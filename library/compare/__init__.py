"""Side-by-side comparison of two to four resources or cities: the table, the page, CSV and
JSON."""
