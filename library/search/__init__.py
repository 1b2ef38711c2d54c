"""The search side of the web application: the only part of ``library`` that reads the index.

``service`` answers the views (SearchService); ``snapshot`` holds one opened state of the index
as arrays; ``postings`` reads Whoosh's posting lists into them; ``plan`` turns a query into
terms; ``matching`` scores documents; ``facets`` filters and counts; ``ranking`` orders results
one per resource; ``snippets`` and ``suggest`` dress the page; ``labels`` names facet values.
"""

from .labels import facet_label, normalise_facet_value, sort_facet
from .service import IndexMissing, SearchService

__all__ = [
    "IndexMissing",
    "SearchService",
    "facet_label",
    "normalise_facet_value",
    "sort_facet",
]
