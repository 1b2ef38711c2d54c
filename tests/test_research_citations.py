"""Citations (BibTeX, RIS, CSL-JSON) of one resource and of a result set, and what a resource
page tells machines: schema.org JSON-LD, Highwire and Dublin Core meta tags."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from library.opendata import citations

ITEM = citations.Citable(
    id="reports/odd{name}",
    language="cs",
    title="50% of {families} & kids_in #Ostrava ~ \\ ^",
    summary="Two\nlines.",
    type="report",
    date="2014-03-07",
    url="https://example.org/cs/resources/x?language=cs",
    publisher="Město & Co",
    source="https://example.org/source",
    themes=("housing", "education"),
)


def _braces_balanced(text: str) -> bool:
    depth = 0
    for i, char in enumerate(text):
        if char in "{}" and text[i - 1] == "\\":
            continue
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def test_bibtex_escapes_what_latex_would_read():
    entry = citations.bibtex(ITEM)
    assert entry.startswith("@techreport{reports-odd-name-cs-2014,")
    assert r"50\% of \{families\} \& kids\_in \#Ostrava \textasciitilde{}" in entry
    assert "\\textbackslash{}" in entry and "\\textasciicircum{}" in entry
    assert "year = {2014}" in entry and "month = {3}" in entry
    assert "author = {{Město \\& Co}}" in entry
    assert _braces_balanced(entry)
    assert "Two lines." in entry


def test_ris_has_one_tag_a_line_and_ends_the_record():
    lines = citations.ris(ITEM).split("\r\n")
    assert lines[0] == "TY  - RPRT" and lines[-2] == "ER  - " and lines[-1] == ""
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in lines[:-1])
    assert "DA  - 2014/03/07/" in lines and "PY  - 2014" in lines
    assert "AB  - Two lines." in lines
    assert [x for x in lines if x.startswith("KW")] == ["KW  - housing", "KW  - education"]


def test_csl_json_item():
    data = citations.csl(ITEM)
    assert data["type"] == "report" and data["issued"] == {"date-parts": [[2014, 3, 7]]}
    assert data["author"] == [{"literal": "Město & Co"}] and data["URL"] == ITEM.url
    assert json.loads(citations.csl_json([ITEM]))[0] == data


def test_dates_of_year_only_and_no_date():
    year = citations.Citable("a", "en", "T", "", "", "2012", "u")
    none = citations.Citable("a", "en", "T", "", "", "", "u")
    assert citations.csl(year)["issued"] == {"date-parts": [[2012]]}
    assert "issued" not in citations.csl(none) and "year" not in citations.bibtex(none)
    assert "PY  -" not in citations.ris(none)


@pytest.mark.parametrize("fmt", list(citations.FORMATS))
def test_citation_endpoint_for_each_format(client, fmt):
    response = client.get(f"/api/citation/good/housing-karvina?language=cs&format={fmt}")
    assert response.status_code == 200
    assert response.mimetype == citations.FORMATS[fmt][0]
    text = response.get_data(as_text=True)
    assert "Sociální bydlení pro romské rodiny v Karviné" in text
    assert "Statutární město Karviná" in text
    assert "/en/resources/good/housing-karvina?language=cs" in text


def test_citation_endpoint_errors(client):
    assert client.get("/api/citation/good/nothing").status_code == 404
    assert client.get("/api/citation/good/housing-karvina?language=el").status_code == 404
    bad = client.get("/api/citation/good/housing-karvina?format=endnote")
    assert bad.status_code == 400 and bad.json["parameter"] == "format"


def test_result_set_citations_hold_every_result(client):
    total = client.get("/api/search?q=housing").json["total"]
    bib = client.get("/api/search.bib?q=housing").get_data(as_text=True)
    ris = client.get("/api/search.ris?q=housing").get_data(as_text=True)
    csl = client.get("/api/search.csl.json?q=housing").json
    assert bib.count("\n@") + bib.startswith("@") == total
    assert ris.count("ER  - ") == total and len(csl) == total


class _Head(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta: list[tuple[str, str]] = []
        self.scripts: list[tuple[str, str]] = []
        self._in_script = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and "name" in attrs:
            self.meta.append((attrs["name"], attrs.get("content", "")))
        if tag == "script":
            self._in_script = attrs.get("type", "")

    def handle_data(self, data):
        if self._in_script is not None:
            self.scripts.append((self._in_script, data))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None


def _page(client, path: str) -> tuple[str, _Head]:
    html = client.get(path).get_data(as_text=True)
    parser = _Head()
    parser.feed(html)
    return html, parser


def test_resource_page_carries_json_ld_highwire_and_dublin_core(client):
    html, page = _page(client, "/en/resources/good/housing-karvina?language=cs")
    ((kind, text),) = page.scripts
    assert kind == "application/ld+json"
    data = json.loads(text)
    assert data["@context"] == "https://schema.org" and data["@type"] == "CreativeWork"
    assert data["name"] == "Sociální bydlení pro romské rodiny v Karviné"
    assert data["inLanguage"] == "cs" and data["datePublished"] == "2012-05"
    assert data["publisher"]["name"] == "Statutární město Karviná"
    assert data["workTranslation"][0]["inLanguage"] == "en"
    meta = dict(page.meta)
    assert meta["citation_title"] == data["name"]
    assert meta["citation_author"] == "Statutární město Karviná"
    assert meta["citation_publication_date"] == "2012/05"
    assert meta["citation_language"] == "cs" and meta["DC.language"] == "cs"
    assert meta["DC.title"] == data["name"]
    for fmt in citations.FORMATS:
        assert f"/api/citation/good/housing-karvina?language=cs&amp;format={fmt}" in html


def test_json_ld_cannot_close_its_script_block(client):
    html, page = _page(client, "/en/resources/good/hostile")
    ((_, text),) = page.scripts
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\\u003cscript\\u003e" in text
    assert json.loads(text)["name"].startswith("A page whose author pasted HTML <script>")
    # The JSON-LD block is the one script element besides the site's own static scripts.
    own = re.findall(r'<script src="/static/[a-z]+\.js" defer></script>', html)
    assert html.count("<script") == 1 + len(own)
