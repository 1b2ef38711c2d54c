"""Atom feeds (RFC 4287) of any search, filter or browse page, newest first.

`/api/search.atom` takes the parameters of /api/search; with none it follows the newest
resources of the whole library. Titles are in the `ui` language.
"""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import islice
from xml.sax.saxutils import escape, quoteattr

from flask import Blueprint, Flask, Response, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from ..api.views import ui_parameter
from ..models import FACETS, Entry
from ..params import search_request
from ..search import facet_label
from ..search_ext import service

bp = Blueprint("feeds", __name__, url_prefix="/api")
FEED_LIMIT = 50
ATOM = "http://www.w3.org/2005/Atom"


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


@bp.route("/search.atom")
def search_atom():
    ui = ui_parameter()
    req = search_request(request.args, ui, default_sort="newest")
    search = service()
    entries_found = list(islice(search.every_hit(req), FEED_LIMIT))
    args = [(k, v) for k in request.args for v in request.args.getlist(k)]
    html_args = [(k, v) for k, v in args if k not in ("ui", "page", "per_page")]
    with force_locale(ui):
        title = feed_title(req.q, req.filters, ui)
        author = _("Roma Inclusion Library")
    self_url = url_for("feeds.search_atom", _external=True, **_grouped(args))
    page_url = url_for("pages.search", ui=ui, _external=True, **_grouped(html_args))
    stamps = [_atom_date(e.date) for e in entries_found]
    updated = max(stamps) if stamps else _built(search.stats().built)
    entries = "".join(_entry(entry, ui) for entry in entries_found)
    body = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<feed xmlns="{ATOM}" xml:lang={quoteattr(ui)}>'
        f"<title>{escape(title)}</title><id>{escape(self_url)}</id>"
        f'<link rel="self" type="application/atom+xml" href={quoteattr(self_url)}/>'
        f'<link rel="alternate" type="text/html" href={quoteattr(page_url)}/>'
        f"<updated>{updated}</updated><author><name>{escape(author)}</name></author>"
        f"{entries}</feed>\n"
    )
    return Response(body, mimetype="application/atom+xml")


def _grouped(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return grouped


def feed_title(q: str, filters: dict, ui: str) -> str:
    """'Roma Inclusion Library: housing (Bulgaria, Education)', in the current locale."""
    vocab = service().vocabulary
    labels = [facet_label(vocab, f, v, ui) for f in FACETS for v in filters.get(f, ())]
    what = ", ".join(([f"“{q}”"] if q else []) + labels)
    if not what:
        return _("Roma Inclusion Library: newest resources")
    return _("Roma Inclusion Library: %(what)s", what=what)


def _entry(entry: Entry, ui: str) -> str:
    """An entry's author is the resource's publisher (the feed's author stands in otherwise)."""
    url = url_for("pages.resource", ui=ui, doc_id=entry.id, language=entry.language, _external=True)
    source = (
        f'<link rel="related" href={quoteattr(entry.source)}/>'
        if entry.source.startswith(("http://", "https://"))
        else ""
    )
    return (
        f"<entry xml:lang={quoteattr(entry.language)}><title>{escape(entry.title)}</title>"
        f"<id>{escape(url)}</id>"
        f'<link rel="alternate" type="text/html" href={quoteattr(url)}/>{source}'
        f"<updated>{_atom_date(entry.date)}</updated>"
        + (f"<author><name>{escape(entry.publisher)}</name></author>" if entry.publisher else "")
        + "".join(f"<category term={quoteattr(t)}/>" for t in entry.themes)
        + f"<summary>{escape(entry.summary or entry.title)}</summary></entry>"
    )


def _atom_date(date: str) -> str:
    """'2012' -> '2012-01-01T00:00:00Z', '2012-05' -> '2012-05-01T00:00:00Z'."""
    parts = [p for p in (date or "").split("-") if p.isdigit()] or ["2000"]
    parts = (parts + ["01", "01"])[:3]
    return f"{parts[0]:0>4}-{parts[1]:0>2}-{parts[2]:0>2}T00:00:00Z"


def _built(stamp: str) -> str:
    return stamp or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
