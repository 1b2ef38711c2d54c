"""The OpenAPI 3.1 description of the JSON API, served at /api/openapi.json and read by the
API reference page. Limits and enumerations come from the constants the code enforces, so the
description cannot drift from them; tests validate real responses against it.
"""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, jsonify

from .. import params, querytext
from ..cities.openapi import paths as depth_paths
from ..cities.openapi import schemas as depth_schemas
from ..models import FACETS, SORTS, SearchRequest
from ..opendata import citations
from ..opendata.exports import DUMP_FIELDS
from ..opendata.feeds import FEED_LIMIT
from ..pages.files import MEDIA_TYPES as FILE_TYPES
from ..search import IndexMissing
from ..search_ext import service
from .shapes import closed as _object
from .shapes import nullable as _nullable
from .shapes import ref as _ref
from .shapes import strings as _strings

bp = Blueprint("openapi", __name__, url_prefix="/api")
VERSION = "1.0.0"


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


@bp.route("/openapi.json")
def openapi_json():
    return jsonify(describe())


def example_id() -> str | None:
    """The newest resource's id, so that examples lead somewhere (None without an index)."""
    try:
        newest = service().search(SearchRequest(sort="newest", per_page=1)).hits
    except IndexMissing:
        return None
    return newest[0].id if newest else None


# -- parameters --------------------------------------------------------------------------------


def _ui_parameter() -> dict:
    return {
        "name": "ui",
        "in": "query",
        "description": "Interface language of the links and labels in the answer.",
        "schema": {"type": "string", "enum": list(current_app.config["UI_LANGUAGES"]),
                   "default": current_app.config["DEFAULT_UI_LANGUAGE"]},
    }  # fmt: skip


def search_parameters(paged: bool = True, default_sort: str = "relevance") -> list[dict]:
    config = current_app.config
    result = [
        {
            "name": "q",
            "in": "query",
            "description": (
                'Query text: all words must match (else any word); "phrases", -excluded '
                "words and facet:value filters work. Characters after the first "
                f"{querytext.MAX_QUERY_CHARS} are ignored (the answer's `ignored` says so)."
            ),
            "schema": {"type": "string"},
        },
        {
            "name": "sort",
            "in": "query",
            "description": "Order of the results.",
            "schema": {"type": "string", "enum": list(SORTS), "default": default_sort},
        },
    ]
    if paged:
        result += [
            {
                "name": "page",
                "in": "query",
                "description": "Page number.",
                "schema": {"type": "integer", "minimum": 1, "maximum": config["MAX_PAGE"],
                           "default": 1},
            },
            {
                "name": "per_page",
                "in": "query",
                "description": "Results per page.",
                "schema": {"type": "integer", "minimum": 1, "maximum": config["MAX_PER_PAGE"],
                           "default": config["PER_PAGE"]},
            },
        ]  # fmt: skip
    for facet in FACETS:
        result.append(
            {
                "name": facet,
                "in": "query",
                "description": (
                    f"Filter by {facet} (repeat for several values: values of one facet "
                    "combine with OR, different facets with AND)."
                ),
                "style": "form",
                "explode": True,
                "schema": {
                    "type": "array",
                    "maxItems": params.MAX_VALUES_PER_FACET,
                    "items": {"type": "string", "maxLength": params.MAX_VALUE_CHARS},
                },
            }
        )
    return result + [_ui_parameter()]


# -- schemas -----------------------------------------------------------------------------------


def _schemas() -> dict:
    depth = depth_schemas()
    facet_value = _object(
        {"value": {"type": "string"}, "label": {"type": "string"},
         "count": {"type": "integer", "minimum": 0}, "selected": {"type": "boolean"}}
    )  # fmt: skip
    lists = {name: _strings() for name in ("projects", "cities", "countries", "themes", "steps")}
    sources = {"type": "array", "items": _ref("ListedSource")}  # each {url, supports}
    hit = _object(
        {
            "id": {"type": "string"}, "language": {"type": "string"},
            "title": {"type": "string"}, "summary": {"type": "string"},
            "url": {"type": "string", "format": "uri"},
            "snippet": {"type": "string", "description": "escaped text, <mark> around matches"},
            "type": _nullable("string"), "project": _nullable("string"), **lists,
            "date": _nullable("string"), "score": {"type": "number"},
            "theme_match_only": {"type": "boolean"},
            "matched_in": {
                "anyOf": [
                    _object({"file": {"type": "string"}, "page": _nullable("integer")}),
                    {"type": "null"},
                ],
                "description": "the attached file (and PDF page) the snippet comes from, "
                "or null when it comes from the text",
            },
        }
    )  # fmt: skip
    page = _object(
        {
            "query": {"type": "string"},
            "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1},
            "pages": {"type": "integer", "minimum": 1},
            "sort": {"type": "string", "enum": list(SORTS)},
            "results": {"type": "array", "items": _ref("Hit")},
            "facets": _object(
                {f: {"type": "array", "items": _ref("FacetCount")} for f in FACETS}, []
            ),
            "suggestion": _nullable("string"),
            "suggestion_total": _nullable("integer"),
            "any_word": {"type": "boolean"},
            "theme_matches": _strings(),
            "ignored": _strings(),
        }
    )
    translation = _object(
        {"language": {"type": "string"}, "title": {"type": "string"},
         "url": {"type": "string", "format": "uri"}}
    )  # fmt: skip
    document = _object(
        {
            "id": {"type": "string"}, "language": {"type": "string"},
            "title": {"type": "string"}, "summary": {"type": "string"},
            "type": {"type": "string"}, **lists, "date": {"type": "string"},
            "project": {**_nullable("string"),
                        "description": "the first of `projects`, as search results give it"},
            "html": {"type": "string", "description": "sanitised HTML of the body"},
            "text": {"type": "string",
                     "description": "plain text of the body as searched: without the source lines, "
                                    "which `sources` gives"},
            "source": {"type": "string"},
            "publisher": {"type": "string"}, "path": {"type": "string"},
            "accessed": {"type": "string",
                         "description": "when the source was read (YYYY-MM-DD), or empty"},
            "sources": {**sources, "description": "the pages the body lists, in its order"},
            "language_declared": {"type": "boolean"},
            "language_confidence": {"type": "number", "minimum": 0, "maximum": 1},
            "translations": {"type": "array", "items": _ref("Translation")},
            "files": {"type": "array", "items": _ref("File")},
            "url": {"type": "string", "format": "uri"},
            **depth["practice"],
            "related": {"type": "array", "items": _ref("RelatedResource")},
        }
    )  # fmt: skip
    document["required"] = [k for k in document["properties"] if k != "related"]
    attached = _object(
        {"number": {"type": "integer", "minimum": 0, "description": "its place in the list"},
         "name": {"type": "string"}, "type": {"type": "string", "enum": list(FILE_TYPES)},
         "size": {"type": "integer", "minimum": 0, "description": "bytes"},
         "pages": {"type": "integer", "minimum": 0},
         "url": {"type": "string", "format": "uri", "description": "download address"}}
    )  # fmt: skip
    listed_source = _object(
        {"url": {"type": "string", "format": "uri"},
         "supports": {"type": "string",
                      "description": "what this page supports in the record, or empty"}}
    )  # fmt: skip
    record = _object(
        {
            "id": {"type": "string"}, "language": {"type": "string"},
            "title": {"type": "string"}, "summary": {"type": "string"},
            "url": {"type": "string", "format": "uri"}, "type": _nullable("string"),
            "project": _nullable("string"), **lists, "date": _nullable("string"),
            "source": _nullable("string"), "publisher": _nullable("string"),
            "score": {"type": "number"}, **depth["practice"],
        }
    )  # fmt: skip
    dump_types = {"string": {"type": "string"}, "array": _strings()}
    special = {
        "project": _nullable("string"),
        "sources": sources,
    }
    dumped = _object(
        {
            name: depth["practice"].get(name) or special.get(name) or dump_types[kind]
            for name, kind, _ in DUMP_FIELDS
        }
    )
    error = _object(
        {"error": {"type": "string", "description": "what went wrong, as a short code or text"},
         "status": {"type": "integer"},
         "parameter": {"type": "string", "description": "the bad parameter"},
         "missing": {"type": "array", "items": {"type": "string"},
                     "description": "ids or slugs that are not in the library (compare)"},
         "request_id": {"type": "string", "description": "names the request in the logs"}},
        ["error", "status"],
    )  # fmt: skip
    csl_item = {
        "type": "object",
        "required": ["id", "type", "title", "language", "URL"],
        "properties": {"id": {"type": "string"}, "type": {"type": "string"},
                       "title": {"type": "string"}, "language": {"type": "string"},
                       "URL": {"type": "string", "format": "uri"},
                       "issued": {"type": "object", "properties": {"date-parts": {
                           "type": "array", "items": {"type": "array",
                                                      "items": {"type": "integer"}}}}}},
        "description": "A CSL-JSON item (https://citeproc-js.readthedocs.io/en/latest/csl-json/).",
    }  # fmt: skip
    from ..opendata.statistics import openapi_schemas

    return {
        "FacetCount": facet_value, "Hit": hit, "SearchPage": page, "Translation": translation,
        "Document": document, "Record": record, "DumpLine": dumped, "Error": error,
        "CslItem": csl_item, "File": attached, "ListedSource": listed_source,
        **openapi_schemas(),
        **{k: v for k, v in depth.items() if k != "practice"},
    }  # fmt: skip


# -- operations --------------------------------------------------------------------------------


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


def _json(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _text(description: str, media: str) -> dict:
    return {"description": description, "content": {media: {"schema": {"type": "string"}}}}


def _operation(op_id: str, summary: str, description: str, parameters: list, ok: dict,
               errors: dict | None = None) -> dict:  # fmt: skip
    responses = {"200": ok, "400": _error("A bad parameter; `parameter` names it.")}
    responses |= errors or {}
    responses["503"] = _error("No index has been built yet.")
    return {"get": {"operationId": op_id, "summary": summary, "description": description,
                    "parameters": parameters, "responses": responses}}  # fmt: skip


CSL_MEDIA = citations.FORMATS["csl-json"][0]
# path, operation id, media type, what the body is, its schema (JSON bodies only)
EXPORTS = (
    ("search.csv", "exportCsv", "text/csv",
     "CSV (UTF-8 with a byte order mark; list fields joined with `;`; cells that a spreadsheet "
     "would run as a formula start with an apostrophe).", None),
    ("search.json", "exportJson", "application/json", "A JSON array of records (the Record "
     "schema).", {"type": "array", "items": _ref("Record")}),
    ("search.jsonl", "exportJsonLines", "application/x-ndjson",
     "JSON Lines: one record (the Record schema) a line.", None),
    ("search.bib", "citeBibtex", citations.FORMATS["bibtex"][0], "BibTeX entries.", None),
    ("search.ris", "citeRis", citations.FORMATS["ris"][0], "RIS records.", None),
    ("search.csl.json", "citeCsl", CSL_MEDIA, "CSL-JSON items.",
     {"type": "array", "items": _ref("CslItem")}),
)  # fmt: skip


def _paths() -> dict:
    not_found = {"404": _error("Unknown resource, language version or facet.")}
    doc_id = {"name": "doc_id", "in": "path", "required": True,
              "description": "The resource's id (it may contain `/`).",
              "schema": {"type": "string", "minLength": 1}}  # fmt: skip
    example = example_id()
    if example:
        doc_id["example"] = example
    language = {"name": "language", "in": "query",
                "description": "Which language version (ISO 639-1); default: the `ui` language "
                "when there is one, else English, else any.",
                "schema": {"type": "string"}}  # fmt: skip
    paths = {
        "/api/search": _operation(
            "search", "Search and filter",
            "One page of results (one per resource), facet counts over the whole result set "
            "(disjunctive: a value's count is what selecting it alone in its facet gives), and "
            "a spelling suggestion when nothing or little was found.",
            search_parameters(), _json("One page of results.", _ref("SearchPage")),
        ),
        "/api/documents/{doc_id}": _operation(
            "document", "One resource",
            "A resource's metadata, sanitised HTML, text and its other language versions.",
            [doc_id, language, _ui_parameter()], _json("The resource.", _ref("Document")),
            not_found,
        ),
        "/api/citation/{doc_id}": _operation(
            "citation", "Cite one resource",
            "The resource as BibTeX, RIS or CSL-JSON.",
            [doc_id, language, _ui_parameter(),
             {"name": "format", "in": "query", "description": "Citation format.",
              "schema": {"type": "string", "enum": list(citations.FORMATS),
                         "default": "bibtex"}}],
            {"description": "The citation.",
             "content": {media: {"schema": {"type": "array", "items": _ref("CslItem")}
                                 if media == CSL_MEDIA else {"type": "string"}}
                         for media, _ in citations.FORMATS.values()}},
            not_found,
        ),
        "/api/facets/{facet}": _operation(
            "facet", "Counts of one facet",
            "How many resources carry each value of a facet over the whole library.",
            [{"name": "facet", "in": "path", "required": True, "description": "The facet.",
              "schema": {"type": "string", "enum": list(FACETS)}}, _ui_parameter()],
            _json("Values with their counts.", {"type": "array", "items": _ref("FacetCount")}),
            not_found,
        ),
    }  # fmt: skip
    for path, op_id, media, what, schema in EXPORTS:
        paths[f"/api/{path}"] = _operation(
            op_id,
            f"Export a result set: {path.split('.', 1)[1]}",
            f"Every result of a search or filter (not one page), streamed, in the order the "
            f"pages show them. {what}",
            search_parameters(paged=False),
            {
                "description": "The whole result set.",
                "content": {media: {"schema": schema or {"type": "string"}}},
            },  # fmt: skip
        )
    suggestion = _object(
        {"kind": {"type": "string", "enum": ["title", "city", "theme", "programme"]},
         "label": {"type": "string"}, "value": {"type": "string"},
         "url": {"type": "string"}, "language": _nullable("string")}
    )  # fmt: skip
    paths["/api/suggest"] = _operation(
        "suggest",
        "Suggestions as you type",
        "Titles (one version per resource, the `ui` language's when there is one), cities, "
        "themes and programmes whose words begin with the typed words, unaccented and in any "
        "case; a word that begins none is tried without its last letters (an inflected "
        "ending). Labels in the `ui` language.",
        [
            {"name": "q", "in": "query", "description": "What has been typed so far.",
             "schema": {"type": "string", "maxLength": 100}},
            _ui_parameter(),
        ],
        _json("The suggestions.", _object(
            {"query": {"type": "string"},
             "suggestions": {"type": "array", "items": suggestion}})),
    )  # fmt: skip
    paths["/api/search.atom"] = _operation(
        "feed",
        "Atom feed of a search or filter",
        f"The newest {FEED_LIMIT} resources of a search or filter as an Atom feed (RFC 4287); "
        "without parameters, the newest resources of the library.",
        search_parameters(paged=False, default_sort="newest"),
        _text("An Atom feed.", "application/atom+xml"),
    )
    paths["/api/library.jsonl"] = _operation(
        "dump",
        "The whole library",
        "Every language version of every resource with its text, one JSON object a line "
        "(fields: see /api/datapackage.json and the DumpLine schema).",
        [_ui_parameter()],
        _text("JSON Lines.", "application/x-ndjson"),
    )
    paths["/api/datapackage.json"] = _operation(
        "datapackage",
        "Data description of the dump",
        "A Frictionless Data Package: fields, licence and when the index was built.",
        [],
        _json("The data package.", {"type": "object"}),
    )
    from ..opendata.statistics import openapi_path

    paths["/api/statistics"] = openapi_path(_operation, _json, search_parameters)
    paths.update(depth_paths(_operation, _json, _error, _ui_parameter))
    paths["/api/openapi.json"] = _operation(
        "openapi",
        "This description",
        "The OpenAPI 3.1 description of the API.",
        [],
        _json("OpenAPI 3.1.", {"type": "object"}),
    )
    return paths


def describe() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Roma Inclusion Library API",
            "version": VERSION,
            "description": (
                "Search, filter, export and cite the library's resources. Read-only, no key. "
                'Bad parameters give 400 with `{"error", "status", "parameter"}`; unknown '
                "resources 404 JSON."
            ),
        },
        "servers": [{"url": "/"}],
        "paths": _paths(),
        "components": {"schemas": _schemas()},
    }
