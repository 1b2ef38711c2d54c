"""Atom feeds (RFC 4287) of any search, filter or browse page, newest first.

`/api/search.atom` takes the parameters of /api/search; with none it follows the newest
resources of the whole library. Titles are in the `ui` language.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from xml.sax.saxutils import escape, quoteattr

from flask import Blueprint, Flask, Response, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from .api import ui_parameter
from .models import FACETS, Hit
from .params import search_request
from .search import facet_label
from .search_ext import service

bp = Blueprint("feeds", __name__, url_prefix="/api")
FEED_LIMIT = 50
ATOM = "http://www.w3.org/2005/Atom"


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


@bp.route("/search.atom")
def search_atom():
    ui = ui_parameter()
    req = replace(
        search_request(request.args, ui, default_sort="newest"), page=1, per_page=FEED_LIMIT
    )
    search = service()
    page = search.search(req)
    args = [(k, v) for k in request.args for v in request.args.getlist(k)]
    html_args = [(k, v) for k, v in args if k not in ("ui", "page", "per_page")]
    with force_locale(ui):
        title = feed_title(req.q, req.filters, ui)
        author = _("Roma Inclusion Library")
    self_url = url_for("feeds.search_atom", _external=True, **_grouped(args))
    page_url = url_for("pages.search", ui=ui, _external=True, **_grouped(html_args))
    stamps = [_atom_date(h.date) for h in page.hits]
    updated = max(stamps) if stamps else _built(search.stats().built)
    entries = "".join(_entry(hit, ui) for hit in page.hits)
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


def _entry(hit: Hit, ui: str) -> str:
    url = url_for("pages.resource", ui=ui, doc_id=hit.id, language=hit.language, _external=True)
    stamp = _atom_date(hit.date)
    author = getattr(hit, "publisher", "") or ""
    categories = "".join(f"<category term={quoteattr(t)}/>" for t in hit.themes)
    return (
        f"<entry xml:lang={quoteattr(hit.language)}><title>{escape(hit.title)}</title>"
        f"<id>{escape(url)}</id>"
        f'<link rel="alternate" type="text/html" href={quoteattr(url)}/>'
        f"<updated>{stamp}</updated>"
        + (f"<author><name>{escape(author)}</name></author>" if author else "")
        + f"{categories}<summary>{escape(hit.summary or hit.title)}</summary></entry>"
    )


def _atom_date(date: str) -> str:
    """'2012' -> '2012-01-01T00:00:00Z', '2012-05' -> '2012-05-01T00:00:00Z'."""
    parts = [p for p in (date or "").split("-") if p.isdigit()] or ["2000"]
    parts = (parts + ["01", "01"])[:3]
    return f"{parts[0]:0>4}-{parts[1]:0>2}-{parts[2]:0>2}T00:00:00Z"


def _built(stamp: str) -> str:
    return stamp or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
