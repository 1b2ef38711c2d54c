"""Exports of any search or filter: CSV for spreadsheets and Atom feeds to follow new resources.

Same parameters as /api/search; the CSV holds up to EXPORT_LIMIT rows, the feed the newest
FEED_LIMIT resources.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, datetime
from xml.sax.saxutils import escape, quoteattr

from flask import Blueprint, Flask, Response, request, url_for

from .api import ui_parameter
from .params import search_request
from .search_ext import service

bp = Blueprint("exports", __name__, url_prefix="/api")
EXPORT_LIMIT = 1000
FEED_LIMIT = 50
CSV_COLUMNS = (
    "id", "language", "title", "summary", "type", "projects", "cities", "countries", "themes",
    "steps", "date", "url",
)  # fmt: skip


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


def _resource_url(hit, ui: str) -> str:
    return url_for("pages.resource", ui=ui, doc_id=hit.id, language=hit.language, _external=True)


@bp.route("/search.csv")
def search_csv():
    ui = ui_parameter()
    req = replace(search_request(request.args, ui), page=1, per_page=EXPORT_LIMIT)
    page = service().search(req)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for hit in page.hits:
        writer.writerow(
            [
                hit.id, hit.language, _cell(hit.title), _cell(hit.summary), hit.type,
                ";".join(hit.projects), ";".join(hit.cities), ";".join(hit.countries),
                ";".join(hit.themes), ";".join(hit.steps), hit.date, _resource_url(hit, ui),
            ]
        )  # fmt: skip
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="roma-inclusion-library.csv"'},
    )


def _cell(text: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas: make them plain text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


@bp.route("/search.atom")
def search_atom():
    ui = ui_parameter()
    req = replace(
        search_request(request.args, ui, default_sort="newest"), page=1, per_page=FEED_LIMIT
    )
    page = service().search(req)
    self_url = request.url
    updated = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    title = f"Roma Inclusion Library: {req.q}" if req.q else "Roma Inclusion Library"
    entries = "".join(_entry(hit, ui) for hit in page.hits)
    body = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(title)}</title><id>{escape(self_url)}</id>"
        f'<link rel="self" href={quoteattr(self_url)}/><updated>{updated}</updated>'
        f"{entries}</feed>"
    )
    return Response(body, mimetype="application/atom+xml")


def _entry(hit, ui: str) -> str:
    url = _resource_url(hit, ui)
    stamp = _atom_date(hit.date)
    return (
        f"<entry><title>{escape(hit.title)}</title><id>{escape(url)}</id>"
        f"<link href={quoteattr(url)}/><updated>{stamp}</updated>"
        f"<summary>{escape(hit.summary)}</summary></entry>"
    )


def _atom_date(date: str) -> str:
    """'2012' -> '2012-01-01T00:00:00Z', '2012-05' -> '2012-05-01T00:00:00Z'."""
    parts = (date or "2000").split("-") + ["01", "01"]
    return f"{parts[0]}-{parts[1]}-{parts[2]}T00:00:00Z"
