"""Query-string arguments to a SearchRequest, with a named error for each bad one.

Every limit a visitor can reach is a named constant here (page and page size come from the
configuration, whose defaults are MAX_PAGE and MAX_PER_PAGE); a BadParameter names the
parameter and the limit, for the JSON error and for the error page in the interface language.
"""

from __future__ import annotations

from flask import current_app
from werkzeug.datastructures import MultiDict

from .models import FACETS, SORTS, SearchRequest

MAX_VALUES_PER_FACET = 20
MAX_VALUE_CHARS = 80
MAX_QUERY_CHARS = 10_000  # a pasted paragraph still fits; 100 KB does not
MAX_QUERY_WORDS = 40
MAX_PAGE = 1000
MAX_PER_PAGE = 100


class BadParameter(ValueError):
    """A query parameter outside its limits. ``kind`` and ``limits`` let the error page say
    the same in the interface language: "range" (lowest, highest), "length" (limit, in
    characters), "words" (limit), "count" (limit, values), "choice" (choices)."""

    def __init__(self, name: str, message: str, kind: str = "", **limits):
        super().__init__(f"{name}: {message}")
        self.name = name
        self.message = message
        self.kind = kind
        self.limits = limits


def _int(args: MultiDict, name: str, default: int, lowest: int, highest: int) -> int:
    raw = args.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw) if raw.strip().lstrip("+-").isdigit() and len(raw) <= 12 else None
    except ValueError:
        value = None
    if value is None or not lowest <= value <= highest:
        raise BadParameter(
            name,
            f"must be a whole number between {lowest} and {highest}",
            "range",
            lowest=lowest,
            highest=highest,
        )
    return value


def _choice(args: MultiDict, name: str, default: str, choices: tuple[str, ...]) -> str:
    value = args.get(name) or default
    if value not in choices:
        raise BadParameter(
            name, f"must be one of {', '.join(choices)}", "choice", choices=", ".join(choices)
        )
    return value


def query_text(args: MultiDict) -> str:
    """The `q` parameter, within MAX_QUERY_CHARS characters and MAX_QUERY_WORDS words."""
    q = (args.get("q") or "").strip()
    if len(q) > MAX_QUERY_CHARS:
        raise BadParameter(
            "q", f"is at most {MAX_QUERY_CHARS} characters", "length", limit=MAX_QUERY_CHARS
        )
    if len(q.split()) > MAX_QUERY_WORDS:
        raise BadParameter(
            "q", f"is at most {MAX_QUERY_WORDS} words", "words", limit=MAX_QUERY_WORDS
        )
    return q


def facet_values(args: MultiDict, facet: str) -> tuple[str, ...]:
    values = [v.strip() for v in args.getlist(facet) if v and v.strip()]
    if len(values) > MAX_VALUES_PER_FACET:
        raise BadParameter(
            facet, f"at most {MAX_VALUES_PER_FACET} values", "count", limit=MAX_VALUES_PER_FACET
        )
    if any(len(v) > MAX_VALUE_CHARS for v in values):
        raise BadParameter(
            facet, f"values are at most {MAX_VALUE_CHARS} characters", "length",
            limit=MAX_VALUE_CHARS,
        )  # fmt: skip
    return tuple(dict.fromkeys(values))


def search_request(
    args: MultiDict, ui_language: str, default_sort: str = "relevance"
) -> SearchRequest:
    config = current_app.config
    sort = _choice(args, "sort", default_sort, SORTS)
    filters = {}
    for facet in FACETS:
        values = facet_values(args, facet)
        if values:
            filters[facet] = values
    return SearchRequest(
        q=query_text(args),
        filters=filters,
        page=_int(args, "page", 1, 1, config.get("MAX_PAGE", MAX_PAGE)),
        per_page=_int(
            args, "per_page", config["PER_PAGE"], 1, config.get("MAX_PER_PAGE", MAX_PER_PAGE)
        ),
        sort=sort,
        ui_language=ui_language,
    )
