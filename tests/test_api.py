"""The JSON API keeps the shape DESIGN.md fixes, and answers bad input with 400, not 500."""

from __future__ import annotations

import pytest

RESULT_KEYS = {
    "id", "language", "title", "summary", "url", "snippet", "type", "project", "cities",
    "countries", "themes", "date", "score",
}  # fmt: skip
FACET_KEYS = {"value", "label", "count", "selected"}


def test_search_shape(client):
    data = client.get("/api/search?q=housing").get_json()
    assert {"query", "total", "page", "per_page", "results", "facets", "suggestion"} <= set(data)
    assert data["query"] == "housing" and data["page"] == 1 and data["per_page"] == 10
    assert data["total"] >= 1
    assert RESULT_KEYS <= set(data["results"][0])
    assert set(data["facets"]) == {
        "theme", "city", "country", "project", "type", "language", "year", "step", "evidence",
        "reports",
    }  # fmt: skip
    for values in data["facets"].values():
        for value in values:
            assert set(value) == FACET_KEYS


def test_result_fields_carry_metadata(client):
    data = client.get("/api/search?q=Karviná&language=en").get_json()
    hit = data["results"][0]
    assert hit["id"] == "good/housing-karvina" and hit["language"] == "en"
    assert hit["cities"] == ["karvina"] and hit["countries"] == ["CZ"]
    assert hit["themes"] == ["housing", "education"] and hit["project"] == "roma-net"
    assert hit["date"] == "2012-05" and hit["type"] == "case-study"
    assert hit["url"].endswith("/en/resources/good/housing-karvina?language=en")


def test_facet_values_of_one_facet_or_and_of_different_facets_and(client):
    one = client.get("/api/search?theme=housing").get_json()["total"]
    other = client.get("/api/search?theme=health").get_json()["total"]
    both = client.get("/api/search?theme=housing&theme=health").get_json()["total"]
    assert both == one + other  # no fixture is tagged with both
    narrowed = client.get("/api/search?theme=housing&theme=health&year=2012").get_json()
    assert 0 < narrowed["total"] < both


def test_facet_counts_match_the_results_they_lead_to(client):
    data = client.get("/api/search?q=roma").get_json()
    for facet, values in data["facets"].items():
        for value in values:
            narrowed = client.get(
                "/api/search", query_string={"q": "roma", facet: value["value"]}
            ).get_json()
            assert narrowed["total"] == value["count"], (facet, value)


def test_selected_values_are_marked(client):
    data = client.get("/api/search?theme=housing").get_json()
    selected = [v["value"] for v in data["facets"]["theme"] if v["selected"]]
    assert selected == ["housing"]


def test_one_result_per_resource_in_the_preferred_language(client):
    data = client.get("/api/search?q=Karviná&ui=cs").get_json()
    ids = [r["id"] for r in data["results"]]
    assert ids.count("good/housing-karvina") == 1
    assert data["results"][ids.index("good/housing-karvina")]["language"] == "cs"


def test_pagination(client):
    first = client.get("/api/search?per_page=3&sort=title").get_json()
    second = client.get("/api/search?per_page=3&sort=title&page=2").get_json()
    assert len(first["results"]) == 3 and first["total"] == second["total"]
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}


def test_sort_by_newest_and_oldest(client):
    newest = [
        r["date"] for r in client.get("/api/search?sort=newest&per_page=50").get_json()["results"]
    ]
    oldest = [
        r["date"] for r in client.get("/api/search?sort=oldest&per_page=50").get_json()["results"]
    ]
    dated = [d for d in newest if d]
    assert dated == sorted(dated, reverse=True)
    assert [d for d in oldest if d] == sorted(dated)


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("page=x", "page"),
        ("page=0", "page"),
        ("per_page=1000", "per_page"),
        ("sort=random", "sort"),
        ("ui=xx", "ui"),
        ("theme=" + "x" * 500, "theme"),
    ],
)
def test_bad_parameters_give_400_json(client, query, parameter):
    response = client.get(f"/api/search?{query}")
    assert response.status_code == 400
    assert response.get_json()["parameter"] == parameter


def test_document_with_translations(client):
    data = client.get("/api/documents/good/housing-karvina?language=cs").get_json()
    assert data["id"] == "good/housing-karvina" and data["language"] == "cs"
    assert data["title"].startswith("Sociální bydlení")
    assert "<h2" in data["html"] and "bydlení" in data["text"]
    assert [t["language"] for t in data["translations"]] == ["en"]


def test_document_explicit_id_and_nested_path(client):
    assert client.get("/api/documents/shared/explicit").get_json()["language"] == "it"
    assert client.get("/api/documents/good/nested/deep/mediadores").status_code == 200


def test_unknown_document_is_404_json(client):
    response = client.get("/api/documents/no/such/thing")
    assert response.status_code == 404
    assert response.get_json()["status"] == 404
    assert client.get("/api/documents/good/housing-karvina?language=el").status_code == 404


def test_detected_language_is_stored_with_confidence(client):
    data = client.get("/api/documents/good/detected").get_json()
    assert data["language"] == "en"
    assert data["language_declared"] is False
    assert 0.5 < data["language_confidence"] <= 1.0


def test_csv_export_of_a_filtered_search(client):
    import csv
    import io

    response = client.get("/api/search.csv?theme=housing")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["id", "language", "title"]
    total = client.get("/api/search?theme=housing").get_json()["total"]
    assert len(rows) - 1 == total
    assert all("housing" in row[8].split(";") for row in rows[1:])


def test_csv_cells_never_start_a_formula(client):
    from library.opendata.exports import _cell

    assert _cell("=HYPERLINK(1)") == "'=HYPERLINK(1)" and _cell("Housing") == "Housing"


def test_atom_feed_of_a_search(client):
    from xml.etree import ElementTree

    response = client.get("/api/search.atom?q=housing")
    assert response.mimetype == "application/atom+xml"
    feed = ElementTree.fromstring(response.get_data())
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = feed.findall("a:entry", ns)
    assert entries and all(e.find("a:updated", ns).text.endswith("T00:00:00Z") for e in entries)


def test_a_document_says_when_its_source_was_read(client):
    data = client.get("/api/documents/good/housing-karvina?language=cs").get_json()
    assert data["accessed"] == "2024-03-18" and data["source"] == "https://example.org/karvina"
    page = client.get("/cs/resources/good/housing-karvina?language=cs").get_data(as_text=True)
    assert "přečteno 2024-03-18" in page
    english = client.get("/api/documents/good/housing-karvina?language=en").get_json()
    assert english["accessed"] == ""  # the English version does not say
