"""Whole result sets exported as CSV, JSON and JSON Lines, streamed, in the pages' order; the
whole library as one JSON Lines file with its data description."""

from __future__ import annotations

import csv
import io
import json

import pytest

from library.models import SearchRequest
from library.opendata.exports import CSV_COLUMNS, DUMP_FIELDS, _cell
from library.search.snapshot import Snapshot
from library.search_ext import service_of

SEARCHES = [
    {},
    {"q": "housing"},
    {"q": "bydleni"},
    {"q": "roma"},
    {"sort": "title"},
    {"sort": "oldest", "theme": "housing"},
    {"country": "BG", "ui": "bg"},
]


def _pages(client, args: dict) -> list[tuple[str, str]]:
    """(id, language) of every result, page by page, as the search API gives them."""
    found, page = [], 1
    while True:
        data = client.get("/api/search", query_string=args | {"page": page, "per_page": 3}).json
        found += [(r["id"], r["language"]) for r in data["results"]]
        if page >= data["pages"]:
            return found
        page += 1


@pytest.mark.parametrize("args", SEARCHES)
def test_json_lines_export_is_every_page_in_order(client, args):
    expected = _pages(client, args)
    response = client.get("/api/search.jsonl", query_string=args | {"per_page": 3})
    assert response.status_code == 200 and response.is_streamed
    lines = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert [(r["id"], r["language"]) for r in lines] == expected
    assert len(expected) == client.get("/api/search", query_string=args).json["total"]


def test_export_holds_more_than_one_page(client):
    total = client.get("/api/search").json["total"]
    rows = client.get("/api/search.json?per_page=1&page=2").json
    assert total > 3 and len(rows) == total


@pytest.mark.parametrize("args", SEARCHES[:4])
def test_csv_json_and_json_lines_hold_the_same_records(client, args):
    as_json = client.get("/api/search.json", query_string=args).json
    lines = client.get("/api/search.jsonl", query_string=args).get_data(as_text=True)
    assert as_json == [json.loads(line) for line in lines.splitlines()]
    text = client.get("/api/search.csv", query_string=args).get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert [(r["id"], r["language"], r["url"]) for r in rows] == [
        (r["id"], r["language"], r["url"]) for r in as_json
    ]
    for row, record in zip(rows, as_json, strict=True):
        assert row["themes"].split(";") == (record["themes"] or [""])


def test_csv_has_every_column_and_is_a_download(client):
    response = client.get("/api/search.csv?q=housing")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    header = next(csv.reader(io.StringIO(response.get_data(as_text=True)[1:])))
    assert tuple(header) == CSV_COLUMNS


@pytest.mark.parametrize(
    "text, expected",
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Housing", "Housing"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_are_plain_text(text, expected):
    assert _cell(text) == expected


def test_hostile_title_in_csv_stays_one_quoted_cell(client):
    text = client.get("/api/search.csv?q=pasted").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert any("<script>" in row[2] for row in rows[1:])
    assert all(len(row) == len(CSV_COLUMNS) for row in rows)


@pytest.mark.parametrize(
    "path", ["search.csv", "search.json", "search.jsonl", "search.bib", "search.ris",
             "search.csl.json"],
)  # fmt: skip
@pytest.mark.parametrize(
    "query, parameter",
    [("sort=sideways", "sort"), ("ui=xx", "ui"), ("theme=" + "x" * 81, "theme")],
)
def test_export_with_a_bad_parameter_is_a_400_naming_it(client, path, query, parameter):
    response = client.get(f"/api/{path}?{query}")
    assert response.status_code == 400
    assert response.json["parameter"] == parameter


def test_stored_fields_are_read_as_the_export_is_consumed(app, monkeypatch):
    reads = []
    original = Snapshot.stored

    def counting(self, doc):
        reads.append(doc)
        return original(self, doc)

    monkeypatch.setattr(Snapshot, "stored", counting)
    entries = service_of(app).every_hit(SearchRequest())
    assert reads == []
    first = next(entries)
    assert len(reads) == 1 and first.id
    rest = list(entries)
    assert len(reads) == 1 + len(rest)


def test_library_dump_has_every_version_with_its_text(client, app):
    stats = service_of(app).stats()
    response = client.get("/api/library.jsonl")
    assert response.is_streamed and response.mimetype == "application/x-ndjson"
    lines = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert len(lines) == stats.documents > stats.resources
    assert len({(x["id"], x["language"]) for x in lines}) == len(lines)
    assert all(set(x) == {name for name, _, _ in DUMP_FIELDS} for x in lines)
    karvina = [x for x in lines if x["id"] == "good/housing-karvina"]
    assert {x["language"] for x in karvina} == {"cs", "en"}
    assert all(x["text"] for x in karvina)
    sources = {x["language"]: x["sources"] for x in karvina}
    assert sources["cs"] == [] and [s["url"] for s in sources["en"]] == [
        "https://example.org/karvina",
        "https://example.org/karvina/results",
    ]


def test_data_package_describes_the_dump(client, app):
    package = client.get("/api/datapackage.json").json
    stats = service_of(app).stats()
    assert package["created"] == stats.built
    assert package["licenses"][0]["name"]
    (resource,) = package["resources"]
    assert resource["path"].endswith("/api/library.jsonl")
    assert resource["count"] == stats.documents
    fields = [f["name"] for f in resource["schema"]["fields"]]
    line = json.loads(client.get("/api/library.jsonl").get_data(as_text=True).splitlines()[0])
    assert fields == list(line)
