"""Query-string arguments to a SearchRequest, with a named error for each bad one."""

from __future__ import annotations

from flask import current_app
from werkzeug.datastructures import MultiDict

from .models import FACETS, SORTS, SearchRequest

MAX_VALUES_PER_FACET = 20
MAX_VALUE_CHARS = 80


class BadParameter(ValueError):
    def __init__(self, name: str, message: str):
        super().__init__(f"{name}: {message}")
        self.name = name
        self.message = message


def _int(args: MultiDict, name: str, default: int, lowest: int, highest: int) -> int:
    raw = args.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(name, f"'{raw[:20]}' is not a whole number") from None
    if not lowest <= value <= highest:
        raise BadParameter(name, f"must be between {lowest} and {highest}")
    return value


def search_request(
    args: MultiDict, ui_language: str, default_sort: str = "relevance"
) -> SearchRequest:
    config = current_app.config
    sort = args.get("sort") or default_sort
    if sort not in SORTS:
        raise BadParameter("sort", f"must be one of {', '.join(SORTS)}")
    filters = {}
    for facet in FACETS:
        values = [v.strip() for v in args.getlist(facet) if v and v.strip()]
        if len(values) > MAX_VALUES_PER_FACET:
            raise BadParameter(facet, f"at most {MAX_VALUES_PER_FACET} values")
        if any(len(v) > MAX_VALUE_CHARS for v in values):
            raise BadParameter(facet, f"values are at most {MAX_VALUE_CHARS} characters")
        if values:
            filters[facet] = tuple(dict.fromkeys(values))
    return SearchRequest(
        q=(args.get("q") or "").strip(),
        filters=filters,
        page=_int(args, "page", 1, 1, config["MAX_PAGE"]),
        per_page=_int(args, "per_page", config["PER_PAGE"], 1, config["MAX_PER_PAGE"]),
        sort=sort,
        ui_language=ui_language,
    )
