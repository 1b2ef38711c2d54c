"""Search results made ready for templates: every link already built, every label translated.

Templates never assemble query strings; they get FacetValue.toggle_url, page links and so on.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlencode

from flask import g, url_for
from werkzeug.datastructures import MultiDict

from indexer.language.analysis import fold

from ..models import FACETS, SORTS, FacetCount, SearchPage

FACET_PAGES = {
    "theme": "themes",
    "city": "cities",
    "country": "countries",
    "project": "projects",
    "type": "types",
    "language": "languages",
    "year": "years",
    "step": "steps",
    "evidence": "evidence",
    "reports": "reports",
}
FACET_BY_PAGE = {v: k for k, v in FACET_PAGES.items()}
VISIBLE_VALUES = 8
QUERY_SAFE = "!$'()*,/:;?@"  # what Werkzeug leaves unescaped in a query string, for the same links


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    toggle_url: str


@dataclass(frozen=True)
class FacetGroup:
    name: str
    values: list[FacetValue]
    selected: list[FacetValue]


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    current: bool = False


def _args_without(args: MultiDict, *names: str) -> MultiDict:
    kept = MultiDict()
    for key, value in args.items(multi=True):
        if key not in names:
            kept.add(key, value)
    return kept


def search_url(args: MultiDict, endpoint: str = "pages.search", **values) -> str:
    """The page's address with args as its query string (the path is built once per request:
    a results page has a link for every facet value)."""
    base = _base_path(endpoint, tuple(sorted(values.items())))
    items = [(k, v) for k in args for v in args.getlist(k) if v is not None]
    return f"{base}?{urlencode(items, safe=QUERY_SAFE)}" if items else base


def _base_path(endpoint: str, values: tuple) -> str:
    cache = g.setdefault("_base_paths", {})
    key = (endpoint, values)
    if key not in cache:
        cache[key] = url_for(endpoint, **dict(values))
    return cache[key]


def toggled(args: MultiDict, facet: str, value: str) -> MultiDict:
    """args with value added to facet, or removed when it is there; back to page 1."""
    new = _args_without(args, "page")
    current = new.getlist(facet)
    if value in current:
        new.setlist(facet, [v for v in current if v != value])
    else:
        new.add(facet, value)
    return new


def facet_groups(
    page: SearchPage, args: MultiDict, endpoint: str, values: dict
) -> list[FacetGroup]:
    groups = []
    base = _base_path(endpoint, tuple(sorted(values.items())))
    kept = [(k, v) for k in args for v in args.getlist(k) if k != "page" and v is not None]
    prefix = urlencode(kept, safe=QUERY_SAFE)
    for facet in FACETS:
        counts: list[FacetCount] = page.facets.get(facet, [])
        items = [
            FacetValue(
                c.value,
                c.label,
                c.count,
                c.selected,
                search_url(toggled(args, facet, c.value), endpoint, **values)
                if c.value in args.getlist(facet)
                else _added(base, prefix, facet, c.value),
            )
            for c in counts
        ]
        if items:
            groups.append(FacetGroup(facet, items, [i for i in items if i.selected]))
    return groups


def _added(base: str, prefix: str, facet: str, value: str) -> str:
    """The address with one more filter value (the common case, built without re-encoding
    the rest of the query for every value of every facet)."""
    pair = _pair(facet, value)
    return f"{base}?{prefix}&{pair}" if prefix else f"{base}?{pair}"


@lru_cache(maxsize=8192)
def _pair(facet: str, value: str) -> str:
    """``facet=value`` encoded for a query string (the same few hundred on every page)."""
    return urlencode([(facet, value)], safe=QUERY_SAFE)


def page_links(page: SearchPage, args: MultiDict, endpoint: str, values: dict) -> list[Link]:
    """Previous, a window of page numbers, next."""
    current, last = page.request.page, page.pages
    numbers = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
    links = []
    for n in numbers:
        new = _args_without(args, "page")
        if n > 1:
            new.add("page", str(n))
        links.append(Link(str(n), search_url(new, endpoint, **values), n == current))
    return links


def sort_links(args: MultiDict, current: str, endpoint: str, values: dict) -> list[Link]:
    links = []
    for sort in SORTS:
        new = _args_without(args, "sort", "page")
        if sort != "relevance":
            new.add("sort", sort)
        links.append(Link(sort, search_url(new, endpoint, **values), sort == current))
    return links


def language_switch(endpoint: str, view_args: dict, args: MultiDict, languages) -> list[Link]:
    """The current page in every interface language, query kept."""
    links = []
    for lang in languages:
        values = dict(view_args or {}) | {"ui": lang}
        # A query parameter never replaces a path value, nor reaches url_for's own options
        # (`_external`, `_anchor`...): `?ui=x` or `?_anchor=x` keep the links as they are.
        kept = {k: args.getlist(k) for k in args if k not in values and not k.startswith("_")}
        links.append(Link(lang, url_for(endpoint, **values, **kept)))
    return links


_LEADING_HEADING = re.compile(r"^\s*<h([12])\b[^>]*>(.*?)</h\1>\s*", re.S)
_TAG = re.compile(r"<[^>]+>")


def without_title(body: str, title: str) -> str:
    """The sanitised body without a first heading that only repeats the title (the page shows
    the title once, as its own heading)."""
    found = _LEADING_HEADING.match(body)
    if found is None:
        return body
    heading = html.unescape(_TAG.sub("", found.group(2)))
    if not repeats(heading, title):
        return body
    return body[found.end() :]


def repeats(heading: str, title: str) -> bool:
    """Whether a heading says the title again: the same words, or a shortened form of it (the
    title's beginning, or the title without what follows a colon, a dash or a bracket)."""
    a, b = _comparable(heading), _comparable(title)
    if not a:
        return False
    if a == b:
        return True
    words = a.split()
    return len(words) >= 2 and b.startswith(a) and (len(b) == len(a) or not b[len(a)].isalnum())


def _comparable(text: str) -> str:
    text = re.sub(r"[^\w\s]", " ", fold(text).casefold())
    return " ".join(text.split())
