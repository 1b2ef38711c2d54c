"""Open data: exports, feeds, citations, the sitemap, statistics, charts, the map and machine-
readable metadata.
"""
