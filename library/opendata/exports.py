"""Exports of any search or filter, whole and streamed: CSV, JSON, JSON Lines and citations
(BibTeX, RIS, CSL-JSON); and the whole library as one JSON Lines file with a data description.

Same parameters as /api/search (page and per_page are ignored: an export holds every result,
in the order the pages show them). Responses are generators, so memory does not grow with the
result set.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator

from flask import Blueprint, Flask, Response, request, stream_with_context, url_for

from ..api.views import practice_json, ui_parameter
from ..models import Entry
from ..params import search_request
from ..search_ext import service
from . import citations

bp = Blueprint("exports", __name__, url_prefix="/api")
FILE_STEM = "roma-inclusion-library"
CHUNK_CHARS = 32_768
CSV_COLUMNS = (
    "id", "language", "title", "summary", "type", "projects", "cities", "countries", "themes",
    "steps", "date", "url", "source", "publisher", "period_start", "period_end", "lead",
    "partners", "target_groups", "results", "funding", "evidence", "transferability",
)  # fmt: skip
LIST_COLUMNS = ("projects", "cities", "countries", "themes", "steps", "partners", "target_groups")
PRACTICE_FIELDS = (
    ("period", "object", "when the practice ran: {start, end}"),
    ("lead", "string", "the lead organisation"),
    ("partners", "array", "partner organisations"),
    ("target_groups", "array", "the groups the practice served"),
    ("results", "array", "results: {indicator, value, unit, year, source}"),
    ("funding", "array", "funding: {title, funder, amount, currency, status, year, source}"),
    ("evidence", "object", "evidence: {level, label, by, source}"),
    ("transferability", "string", "what another town needs to do the same"),
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# How the library's own data may be reused (the texts quoted from sources keep their owners'
# terms; every record names its source).
DATA_LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}
DUMP_FIELDS = (
    ("id", "string", "the resource's identifier (shared by its translations)"),
    ("language", "string", "ISO 639-1 code of this version"),
    ("title", "string", "title"),
    ("summary", "string", "one or two sentences"),
    ("type", "string", "resource type slug from the vocabulary"),
    ("project", "string", "the first programme slug, as search results give it"),
    ("projects", "array", "programme slugs"),
    ("cities", "array", "city slugs from the city register"),
    ("countries", "array", "ISO 3166-1 alpha-2 codes"),
    ("themes", "array", "theme slugs"),
    ("steps", "array", "ROMACT process step slugs"),
    ("date", "string", "YYYY-MM-DD, YYYY-MM or YYYY"),
    ("source", "string", "address of the original source"),
    ("publisher", "string", "the organisation behind the source"),
    ("sources", "array", "the pages the body lists as sources: {url, supports}"),
    ("url", "string", "the resource's page in the library"),
    ("text", "string", "the whole text, without markup"),
    *PRACTICE_FIELDS,
)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


def resource_url(item, ui: str) -> str:
    return url_for("pages.resource", ui=ui, doc_id=item.id, language=item.language, _external=True)


def _entries() -> tuple[Iterator[Entry], str]:
    """The whole result set of this request's search (parameters checked before streaming)."""
    ui = ui_parameter()
    return service().every_hit(search_request(request.args, ui)), ui


def _joined(chunks: Iterable[str]) -> Iterator[str]:
    """Small pieces sent together, CHUNK_CHARS at a time (one write per chunk, not per row)."""
    pending, size = [], 0
    for chunk in chunks:
        pending.append(chunk)
        size += len(chunk)
        if size >= CHUNK_CHARS:
            yield "".join(pending)
            pending, size = [], 0
    if pending:
        yield "".join(pending)


def _download(chunks: Iterable[str], mimetype: str, extension: str) -> Response:
    return Response(
        stream_with_context(_joined(chunks)),
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{FILE_STEM}.{extension}"'},
    )


# -- tables ------------------------------------------------------------------------------------


def _cell(text: str) -> str:
    """Spreadsheets run cells that start with = + - @ (or a tab or carriage return before
    them) as formulas: a leading apostrophe makes them plain text."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_row(values: Iterable[str]) -> str:
    out = io.StringIO()
    csv.writer(out).writerow([_cell(str(v)) for v in values])
    return out.getvalue()


def record(entry: Entry, ui: str) -> dict:
    """An entry as JSON: the /api/search result fields plus source and publisher."""
    return {
        "id": entry.id,
        "language": entry.language,
        "title": entry.title,
        "summary": entry.summary,
        "url": resource_url(entry, ui),
        "type": entry.type or None,
        "project": entry.projects[0] if entry.projects else None,
        "projects": entry.projects,
        "cities": entry.cities,
        "countries": entry.countries,
        "themes": entry.themes,
        "steps": entry.steps,
        "date": entry.date or None,
        "source": entry.source or None,
        "publisher": entry.publisher or None,
        "score": entry.score,
        **practice_json(entry.practice, ui),
    }


def _csv_values(entry: Entry, ui: str) -> list[str]:
    row = record(entry, ui)
    period = row["period"] or {}
    row["period_start"], row["period_end"] = period.get("start"), period.get("end")
    row["results"] = "; ".join(
        f"{r['indicator']}: {r['value']}" + (f" {r['unit']}" if r.get("unit") else "")
        + (f" ({r['year']})" if r.get("year") else "")
        for r in row["results"]
    )  # fmt: skip
    row["funding"] = "; ".join(
        " ".join(str(x) for x in (f["title"], f.get("funder"), f.get("amount"),
                                  f.get("currency"), f.get("year")) if x not in (None, ""))
        for f in row["funding"]
    )  # fmt: skip
    row["evidence"] = row["evidence"]["level"] if row["evidence"] else None
    return [
        ";".join(row[c]) if c in LIST_COLUMNS else (str(row[c]) if row[c] is not None else "")
        for c in CSV_COLUMNS
    ]


@bp.route("/search.csv")
def search_csv():
    entries, ui = _entries()

    def rows():
        yield "\ufeff" + csv_row(CSV_COLUMNS)
        for entry in entries:
            yield csv_row(_csv_values(entry, ui))

    return _download(rows(), "text/csv", "csv")


@bp.route("/search.json")
def search_json():
    entries, ui = _entries()

    def chunks():
        yield "["
        for n, entry in enumerate(entries):
            yield ("," if n else "") + "\n" + json.dumps(record(entry, ui), ensure_ascii=False)
        yield "\n]\n"

    return _download(chunks(), "application/json", "json")


@bp.route("/search.jsonl")
def search_jsonl():
    entries, ui = _entries()
    lines = (json.dumps(record(e, ui), ensure_ascii=False) + "\n" for e in entries)
    return _download(lines, "application/x-ndjson", "jsonl")


# -- citations of a result set -----------------------------------------------------------------


def _cited(entries: Iterator[Entry], ui: str) -> Iterator[citations.Citable]:
    return (citations.citable(e, resource_url(e, ui)) for e in entries)


@bp.route("/search.bib")
def search_bibtex():
    entries, ui = _entries()
    chunks = (citations.bibtex(c) + "\n" for c in _cited(entries, ui))
    return _download(chunks, citations.FORMATS["bibtex"][0], "bib")


@bp.route("/search.ris")
def search_ris():
    entries, ui = _entries()
    chunks = (citations.ris(c) for c in _cited(entries, ui))
    return _download(chunks, citations.FORMATS["ris"][0], "ris")


@bp.route("/search.csl.json")
def search_csl():
    entries, ui = _entries()

    def chunks():
        yield "["
        for n, item in enumerate(_cited(entries, ui)):
            yield ("," if n else "") + "\n" + json.dumps(citations.csl(item), ensure_ascii=False)
        yield "\n]\n"

    return _download(chunks(), citations.FORMATS["csl-json"][0], "csl.json")


# -- the whole library -------------------------------------------------------------------------


@bp.route("/library.jsonl")
def library_jsonl():
    ui = ui_parameter()
    documents = service().every_document()

    practice_names = {name for name, _, _ in PRACTICE_FIELDS}

    def lines():
        for doc in documents:
            practice = practice_json(doc.practice, ui)
            row = {
                name: resource_url(doc, ui)
                if name == "url"
                else practice[name]
                if name in practice_names
                else (doc.projects[0] if doc.projects else None)
                if name == "project"
                else getattr(doc, name)
                for name, _, _ in DUMP_FIELDS
            }
            yield json.dumps(row, ensure_ascii=False) + "\n"

    return _download(lines(), "application/x-ndjson", "jsonl")


@bp.route("/datapackage.json")
def datapackage():
    """A Frictionless Data Package describing the dump: fields, licence, index build time."""
    stats = service().stats()
    return {
        "name": FILE_STEM,
        "title": "Roma Inclusion Library",
        "description": (
            "Good practice, case studies, plans and reports on Roma inclusion in European "
            "cities: one line per language version of each resource."
        ),
        "created": stats.built or None,
        "licenses": [DATA_LICENCE],
        "resources": [
            {
                "name": "resources",
                "path": url_for("exports.library_jsonl", _external=True),
                "format": "jsonl",
                "mediatype": "application/x-ndjson",
                "encoding": "utf-8",
                "count": stats.documents,
                "schema": {
                    "fields": [{"name": n, "type": t, "description": d} for n, t, d in DUMP_FIELDS],
                    "primaryKey": ["id", "language"],
                },
            }
        ],
    }
