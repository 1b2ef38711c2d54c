"""The statistics page and its JSON twin: figures that follow the page's filters, charts drawn
without script or style attributes, a table beside each, and a map whose cities stand where
they are."""

from __future__ import annotations

import re
import shutil
from xml.etree import ElementTree

import pytest
import yaml

from library import create_app
from library.config import ROOT
from library.opendata import charts, geo

SVG = "{http://www.w3.org/2000/svg}"
UI = ("en", "cs", "bg", "hu", "ro", "es", "sk", "it", "el")


def _svgs(html: str) -> list[ElementTree.Element]:
    return [ElementTree.fromstring(s) for s in re.findall(r"<svg .*?</svg>", html, re.S)]


@pytest.mark.parametrize("ui", UI)
def test_statistics_page_in_every_language(client, ui):
    response = client.get(f"/{ui}/statistics")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<html lang="{ui}">' in html
    svgs = _svgs(html)
    kinds = [s.get("class").split()[1] for s in svgs]
    assert kinds == ["chart-bars"] * 5 + ["chart-timeline", "chart-map"]
    assert all(s.get("role") == "img" and s.find(f"{SVG}title").text for s in svgs)
    assert " style=" not in html and not re.findall(r'<script(?! src="/static/)', html)
    assert html.count('class="stat-table"') >= 6


def test_figures_follow_the_filters(client):
    args = {"theme": "housing", "country": "CZ"}
    data = client.get("/api/statistics", query_string=args).json
    api = client.get("/api/search", query_string=args).json
    assert data["total"] == api["total"]
    assert {f: [(c["value"], c["count"]) for c in v] for f, v in data["facets"].items()} == {
        f: [(c["value"], c["count"]) for c in v] for f, v in api["facets"].items()
    }
    html = client.get("/en/statistics", query_string=args).get_data(as_text=True)
    assert f"{api['total']} resource" in html
    twin = re.search(r'<link rel="alternate" type="application/json" href="([^"]+)"', html)[1]
    assert client.get(twin.replace("&amp;", "&")).json == data
    assert 'class="bar selected"' in html  # the chosen values stand out


def test_statistics_follow_a_query_too(client):
    everything = client.get("/api/statistics").json["total"]
    housing = client.get("/api/statistics?q=housing").json["total"]
    assert housing == client.get("/api/search?q=housing").json["total"] < everything


def test_matrix_counts_are_the_searches_they_stand_for(client):
    matrix = client.get("/api/statistics?type=case-study").json["matrix"]
    assert matrix["row_values"] and matrix["column_values"]
    for i, theme in enumerate(matrix["row_values"]):
        for j, country in enumerate(matrix["column_values"]):
            args = {"type": "case-study", "theme": theme, "country": country}
            expected = client.get("/api/search", query_string=args).json["total"]
            assert matrix["counts"][i][j] == expected, (theme, country)


def test_chart_tables_match_the_bars(client):
    html = client.get("/en/statistics").get_data(as_text=True)
    theme_section = html.split('id="chart-theme"')[1].split("</section>")[0]
    svg = _svgs(theme_section)[0]
    bars = [int(t.text) for t in svg.iter(f"{SVG}text") if t.get("class") == "value"]
    table = [int(n) for n in re.findall(r"<td>(\d+)</td>", theme_section)]
    assert bars == table and bars == sorted(bars, reverse=True)


def test_bar_labels_are_escaped_and_shortened():
    svg = charts.bars([charts.Bar("<b>" + "x" * 60, 3, False, "/a?b=1&c=2")], "T & U")
    root = ElementTree.fromstring(str(svg))  # well-formed XML
    label = next(t for t in root.iter(f"{SVG}text") if t.get("class") == "label").text
    assert label.startswith("<b>") and label.endswith("…") and len(label) == charts.LABEL_CHARS
    assert root.find(f"{SVG}g/{SVG}title").text == "<b>" + "x" * 60 + ": 3"
    assert root.find(f".//{SVG}a") is None  # one image to assistive technology: no links


def test_timeline_keeps_years_without_resources():
    svg = ElementTree.fromstring(str(charts.timeline([(2001, 2), (2009, 5)], "Years")))
    columns = [r for r in svg.iter(f"{SVG}rect")]
    assert len(columns) == 2
    assert float(columns[1].get("x")) > float(columns[0].get("x"))
    gap = float(columns[1].get("x")) - float(columns[0].get("x"))
    room = charts.TIMELINE_WIDTH - 2 * charts.TIMELINE_PAD
    assert gap == pytest.approx(8 * room / charts.MIN_YEARS, abs=0.2)
    labels = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "value"]
    assert labels == ["2", "5"]
    assert float(columns[1].get("height")) > float(columns[0].get("height"))


# -- the map -----------------------------------------------------------------------------------


def _bbox(path_data: str) -> tuple[float, float, float, float]:
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path_data)]
    xs, ys = numbers[0::2], numbers[1::2]
    return min(xs), min(ys), max(xs), max(ys)


def test_outline_file_is_europe_in_the_projection():
    outline = geo.outline()
    assert outline.width == geo.WIDTH and outline.height == pytest.approx(geo.height(), abs=0.1)
    for code in ("BG", "CZ", "ES", "GB", "RO", "HU", "SK", "IT", "GR", "TR", "AL", "MK"):
        assert code in outline.countries, code
    x, y = geo.project(19.04, 47.50)  # Budapest
    left, top, right, bottom = _bbox(outline.countries["HU"])
    assert left < x < right and top < y < bottom


def test_every_registered_city_with_coordinates_lies_in_its_country():
    """Each coordinate of the register and the profiles falls inside its country's outline box
    (a wrong sign or swapped latitude and longitude would not)."""
    from indexer.contract.profiles import load

    vocab, _ = load(ROOT / "content")
    coordinates = geo.city_coordinates(vocab)
    outline = geo.outline()
    assert len(coordinates) >= 70
    for slug, (lat, lon) in coordinates.items():
        country = vocab.cities[slug].country
        x, y = geo.project(lon, lat)
        if not geo.inside(x, y):
            continue  # beyond the map's frame (eastern Turkey): drawn on no map
        left, top, right, bottom = _bbox(outline.countries[country])
        assert left - 2 <= x <= right + 2 and top - 2 <= y <= bottom + 2, slug


def test_coordinates_are_read_only_when_usable(tmp_path):
    from indexer.contract.vocabulary import load

    (tmp_path / "vocabulary.yml").write_text("languages: [en]\n", encoding="utf-8")
    (tmp_path / "cities.yml").write_text(
        "cities:\n"
        "  - {slug: a, name: A, country: CZ, lat: 49.8, lon: 18.5}\n"
        "  - {slug: b, name: B, country: CZ, lat: north, lon: 18.5}\n"
        "  - {slug: c, name: C, country: CZ, lat: 95, lon: 18.5}\n"
        "  - {slug: d, name: D, country: CZ}\n"
        "  - {slug: e, name: E, country: CZ, lat: .nan, lon: 1}\n"
        "  - just text\n",
        encoding="utf-8",
    )
    vocab, _ = load(tmp_path)
    assert geo.city_coordinates(vocab) == {"a": (49.8, 18.5)}


def test_shipped_content_with_coordinates_passes_the_check():
    from indexer.contract.vocabulary import load

    vocab, problems = load(ROOT / "content")
    assert not [p for p in problems if "cities" in str(p)]
    assert "karvina" in vocab.cities


@pytest.fixture()
def located(fixture_content, tmp_path):
    """The fixture library with coordinates for its cities (Karviná and Sopot only), built
    into an index of its own (the coordinates travel with the index's vocabulary)."""
    from indexer.writing.build import build

    content = tmp_path / "content"
    shutil.copytree(fixture_content, content)
    path = content / "cities.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    where = {"karvina": (49.854, 18.543), "sopot": (42.65, 24.75)}
    for city in data["cities"]:
        if city["slug"] in where:
            city["lat"], city["lon"] = where[city["slug"]]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    index_dir = tmp_path / "index"
    build(content, index_dir, say=lambda _: None)
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir), "CONTENT_DIR": str(content)})
    return app.test_client()


def test_map_draws_each_located_city_once(located):
    html = located.get("/en/statistics").get_data(as_text=True)
    (svg,) = [s for s in _svgs(html) if "chart-map" in s.get("class")]
    circles = list(svg.iter(f"{SVG}circle"))
    assert len(circles) == 2
    x, y = geo.project(18.543, 49.854)
    assert any(
        abs(float(c.get("cx")) - x) < 0.1 and abs(float(c.get("cy")) - y) < 0.1 for c in circles
    )
    # Budapest and Almería have no coordinates here; Karvna is a city kept as written
    assert html.count("not on the map") == 3
    cities = located.get("/api/statistics").json["cities"]
    assert {c["value"]: c["lat"] for c in cities}["karvina"] == 49.854
    only_cz = located.get("/en/statistics?country=CZ").get_data(as_text=True)
    (svg,) = [s for s in _svgs(only_cz) if "chart-map" in s.get("class")]
    assert len(list(svg.iter(f"{SVG}circle"))) == 1
