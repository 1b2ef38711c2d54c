"""The indexer: reads the Markdown content folder, validates it and builds the Whoosh index.

It owns the content contract (fields, vocabulary), the analysis and the index schema.
It never imports Flask or the web application (`library`).
"""
