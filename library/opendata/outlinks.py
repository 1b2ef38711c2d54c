"""Links from result and browse pages to the same result set elsewhere: exports, citations,
the Atom feed and the statistics page. Also the autodiscovery links every page's head carries.

A browse page's value (`/en/themes/housing`) becomes the filter it stands for (`theme=housing`),
so every link carries exactly the page's result set.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, request, url_for

from .. import i18n
from ..models import FACETS
from ..pages.presenter import FACET_BY_PAGE, Link

RESULT_ENDPOINTS = (
    "pages.search", "pages.browse_value", "pages.browse", "pages.home", "pages.statistics",
)  # fmt: skip
SEARCH_KEYS = ("q", "sort", *FACETS)
EXPORTS = (
    ("CSV", "exports.search_csv"),
    ("JSON", "exports.search_json"),
    ("JSON Lines", "exports.search_jsonl"),
)
CITATIONS = (
    ("BibTeX", "exports.search_bibtex"),
    ("RIS", "exports.search_ris"),
    ("CSL-JSON", "exports.search_csl"),
)


@dataclass(frozen=True)
class ResultLinks:
    feed: str
    statistics: str
    results: str  # the search page of the same result set
    figures: str  # the statistics of the same result set as JSON
    exports: list[Link]
    citations: list[Link]


def init_app(app: Flask) -> None:
    app.context_processor(_context)


def _context() -> dict:
    return {"result_links": result_links()}


def search_args() -> dict[str, list[str]]:
    """This page's result set as /api/search parameters (a browse value becomes its filter)."""
    args = {k: [v for v in request.args.getlist(k) if v] for k in SEARCH_KEYS}
    view_args = request.view_args or {}
    facet = FACET_BY_PAGE.get(view_args.get("section", ""))
    if request.endpoint == "pages.browse_value" and facet and view_args.get("value"):
        if view_args["value"] not in args[facet]:
            args[facet].append(view_args["value"])
    return {k: v for k, v in args.items() if v}


def result_links() -> ResultLinks | None:
    if request.endpoint not in RESULT_ENDPOINTS:
        return None
    args = search_args()
    ui = i18n.ui_language()
    api_args = args | {"ui": ui}
    return ResultLinks(
        feed=url_for("feeds.search_atom", **api_args),
        statistics=url_for("pages.statistics", **args),
        results=url_for("pages.search", **args),
        figures=url_for("statistics_api.statistics_json", **api_args),
        exports=[Link(label, url_for(endpoint, **api_args)) for label, endpoint in EXPORTS],
        citations=[Link(label, url_for(endpoint, **api_args)) for label, endpoint in CITATIONS],
    )
