"""City profiles, ROMACT journeys, practices in depth and comparison: the validator's policy
(warnings name file and line, only the bad value or row is left out), the contract of the API,
journeys recomputed from the milestones, the pages and the exports."""

from __future__ import annotations

import csv
import io
import json
import statistics
from pathlib import Path

import pytest

from indexer.contract.profiles import load
from indexer.writing.build import build, check
from library import create_app

GOOD_PROFILE = """---
title: Testville
name: Testovo
names: {en: Testville, bg: Тестово}
country: "BG"
milestones:
  - {date: "2019-02", step: commitment, label: "Agreement signed", source: "https://example.org/a"}
  - {date: "2019-13", step: needs-and-plans, label: "A month that does not exist"}
  - {date: "2020-01", step: no-such-step, label: "Plan adopted", source: "https://example.org/b"}
  - {step: funding, label: "No date at all"}
  - "just text"
funding:
  - {title: "Good row", amount: 1000, currency: EUR, status: approved}
  - {title: "Bad amount", amount: "a lot", currency: EUR}
  - {title: "Bad currency", amount: 5, currency: EURO}
  - {funder: "No title"}
roma_population:
  - {value: 300, year: 2011, method: census}
  - {value: 3000, year: 2016, method: guesswork}
---

Text.
"""


@pytest.fixture()
def profiles_content(content_copy: Path) -> Path:
    folder = content_copy / "cities"
    (folder / "testville.en.md").write_text(GOOD_PROFILE, encoding="utf-8")
    (folder / "untitled.en.md").write_text("---\ncountry: BG\n---\nNo title.\n", "utf-8")
    return content_copy


def _line_of(path: Path, text: str) -> int:
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if text in line:
            return number
    raise AssertionError(text)


def test_bad_values_in_a_profile_are_warnings_naming_file_and_line(profiles_content):
    vocab, problems = load(profiles_content)
    path = profiles_content / "cities" / "testville.en.md"
    mine = {(p.line, p.field): p for p in problems if p.path == "cities/testville.en.md"}
    assert all(p.severity == "warning" for p in mine.values())
    assert (_line_of(path, "2019-13"), "milestones") in mine
    assert "not a real date" in mine[(_line_of(path, "2019-13"), "milestones")].message
    step = mine[(_line_of(path, "no-such-step"), "milestones")]
    assert "unknown step 'no-such-step'" in step.message
    assert (_line_of(path, "No date at all"), "milestones") in mine
    assert (_line_of(path, "a lot"), "funding") in mine
    assert "EURO" in mine[(_line_of(path, "EURO"), "funding")].message
    assert (_line_of(path, "No title"), "funding") in mine
    assert "guesswork" in mine[(_line_of(path, "guesswork"), "roma_population")].message
    city = vocab.cities["testville"].profiles["en"]
    # The bad date and the dateless row are left out; the unknown step only loses its step.
    assert [m["date"] for m in city["milestones"]] == ["2019-02", "2020-01"]
    assert "step" not in city["milestones"][1] and city["milestones"][1]["label"] == "Plan adopted"
    assert [f["title"] for f in city["funding"]] == ["Good row", "Bad amount", "Bad currency"]
    assert "amount" not in city["funding"][1] and "currency" not in city["funding"][2]
    assert city["roma_population"][1] == {"value": 3000, "year": 2016}
    # A profile names its city for resources: any of its names resolves
    assert vocab.resolve_city("Тестово") == "testville"


def test_a_profile_without_title_is_rejected_alone(profiles_content, tmp_path):
    report = check(profiles_content)
    rejected = [p for p in report.problems if p.path == "cities/untitled.en.md"]
    assert rejected and rejected[0].is_error and rejected[0].field == "title"
    assert report.rejected == 6  # the fixture's five broken resources and this profile
    index = tmp_path / "index"
    built = build(profiles_content, index, say=lambda _: None)
    assert built.mode == "full" and built.documents > 10  # the rest is indexed
    app = create_app({"TESTING": True, "INDEX_DIR": str(index)})
    client = app.test_client()
    assert client.get("/api/cities/testville").status_code == 200
    assert client.get("/api/cities/untitled").status_code == 404


def test_editing_a_milestone_updates_without_a_full_rebuild(content_copy, tmp_path):
    index = tmp_path / "index"
    build(content_copy, index, say=lambda _: None)
    path = content_copy / "cities" / "sopot.en.md"
    text = path.read_text("utf-8").replace("Council adopted the action plan", "Plan adopted")
    path.write_text(text, "utf-8")
    report = build(content_copy, index, say=lambda _: None)
    assert report.mode == "incremental"
    client = create_app({"TESTING": True, "INDEX_DIR": str(index)}).test_client()
    labels = [m["label"] for m in client.get("/api/cities/sopot").json["milestones"]]
    assert "Plan adopted" in labels


def test_unchanged_profiles_are_not_parsed_again(content_copy, tmp_path, monkeypatch):
    from indexer.contract import profiles

    index = tmp_path / "index"
    build(content_copy, index, say=lambda _: None)
    read = []
    original = profiles.read_profile
    monkeypatch.setattr(
        profiles, "read_profile", lambda source, vocab: read.append(source.relpath)
        or original(source, vocab)
    )  # fmt: skip
    build(content_copy, index, say=lambda _: None)
    assert read == []  # every profile came from the cache beside the index
    path = content_copy / "cities" / "sopot.en.md"
    path.write_text(path.read_text("utf-8") + "\nOne more line.\n", "utf-8")
    build(content_copy, index, say=lambda _: None)
    assert read == ["cities/sopot.en.md"]
    read.clear()
    monkeypatch.setattr(profiles, "MARKUP_VERSION", "rendered another way")
    build(content_copy, index, say=lambda _: None)
    assert sorted(read) == sorted(  # bodies are rendered again when the rendering changes
        p.relative_to(content_copy).as_posix() for p in (content_copy / "cities").glob("*.md")
    )


def test_city_list_contract(client):
    data = client.get("/api/cities").json
    assert data["total"] == len(data["cities"])
    rows = {c["slug"]: c for c in data["cities"]}
    keys = {"slug", "name", "country", "lat", "lon", "programmes", "resources", "milestones"}
    assert keys <= set(rows["sopot"])
    assert rows["sopot"]["milestones"] == 3 and isinstance(rows["sopot"]["resources"], int)
    assert rows["sopot"]["resources"] >= 1
    only_cz = client.get("/api/cities?country=CZ").json["cities"]
    assert {c["country"] for c in only_cz} == {"CZ"}


def test_city_profile_contract(client):
    data = client.get("/api/cities/sopot").json
    for key in ("slug", "name", "names", "country", "lat", "lon", "population",
                "roma_population", "programmes", "milestones", "funding", "resources",
                "similar"):  # fmt: skip
        assert key in data, key
    dates = [m["date"] for m in data["milestones"]]
    assert dates == sorted(dates) and dates[0] == "2016-08-08"
    assert {r["method"] for r in data["roma_population"]} == {"census", "municipal-estimate"}
    assert {(t["currency"], t["amount"]) for t in data["funding_totals"]} == {
        ("EUR", 125000.5),
        ("BGN", 50000),
    }
    assert data["steps"] == {"commitment": "2016-08-08", "needs-and-plans": "2017-03",
                             "funding": "2017-09"}  # fmt: skip
    assert any(r["id"] == "good/school-sopot" for r in data["resources"])
    assert data["sources"] == [
        {
            "url": "https://example.org/sopot",
            "supports": "the agreement of August 2016 and the action plan",
        }
    ]
    assert client.get("/api/cities/sopot?ui=bg").json["sources"] == []  # the Bulgarian lists none
    missing = client.get("/api/cities/atlantis")
    assert missing.status_code == 404 and missing.is_json


def test_the_bulgarian_page_shows_the_bulgarian_labels_and_english_figures(client):
    html = client.get("/bg/cities/sopot").get_data(as_text=True)
    assert "Подписано споразумение с ROMACT" in html  # the bg version's own label
    assert "8,000" in html or "8 000" in html or "8\xa0000" in html  # from the en version


def test_city_page_shows_timeline_steps_funding_map_and_resources(client):
    html = client.get("/en/cities/sopot").get_data(as_text=True)
    times = [part.split('"')[0] for part in html.split('<time datetime="')[1:]]
    timeline = html.split('class="timeline"')[1].split("</ol>")[0]
    in_timeline = [p.split('"')[0] for p in timeline.split('<time datetime="')[1:]]
    assert in_timeline == ["2016-08-08", "2017-03", "2017-09"]
    assert "2016-08-08" in times
    assert "Total in EUR" in html and "Total in BGN" in html
    assert "€125,000.50" in html
    assert "chart-map" in html  # the small map
    assert "/en/resources/good/school-sopot" in html
    assert "Census (self-declared)" in html and "Municipal estimate" in html
    assert 'action="/en/compare"' in html


def test_journeys_are_recomputed_from_the_milestones(client):
    data = client.get("/api/journeys").json
    order = [s["step"] for s in data["steps"]]
    journeys = {}
    for row in client.get("/api/cities").json["cities"]:
        answer = client.get(f"/api/cities/{row['slug']}")
        if answer.status_code == 404:  # a place resources name, kept as written
            continue
        first = {}
        for m in answer.json["milestones"]:
            if m["step"] and m["step"] not in first:
                first[m["step"]] = m["date"]
        if first:
            journeys[row["slug"]] = first
    assert {m["slug"]: m["steps"] for m in data["municipalities"]} == journeys

    def months(a, b):
        if len(a) < 7 or len(b) < 7:
            return None
        n = (int(b[:4]) - int(a[:4])) * 12 + int(b[5:7]) - int(a[5:7])
        return n if n >= 0 else None

    expected = {}
    pairs = list(zip(order, order[1:], strict=False)) + [(order[0], x) for x in order[2:]]
    for a, b in pairs:
        values = [months(j[a], j[b]) for j in journeys.values() if a in j and b in j]
        values = [v for v in values if v is not None]
        if values:
            expected[(a, b)] = (statistics.median(values), min(values), max(values), len(values))
    got = {
        (d["from"], d["to"]): (d["median_months"], d["min_months"], d["max_months"], d["n"])
        for d in data["durations"]
    }
    assert got == expected
    assert got[("commitment", "needs-and-plans")] == (7, 7, 7, 1)
    html = client.get("/en/journeys").get_data(as_text=True)
    assert 'datetime="2017-03"' in html and "Building commitment" in html
    only_cz = client.get("/api/journeys?country=CZ").json["municipalities"]
    assert [m["slug"] for m in only_cz] == ["karvina"]
    assert client.get("/api/journeys?programme=romact").json["municipalities"][0]["slug"] == "sopot"
    assert client.get("/api/journeys?country=HU").json == {
        **client.get("/api/journeys?country=HU").json,
        "municipalities": [],
        "durations": [],
    }


def test_practice_fields_in_the_api_page_and_facet(client):
    doc = client.get("/api/documents/good/housing-karvina?language=en").json
    assert doc["period"] == {"start": "2010-07", "end": "2013-01"}
    assert doc["lead"] == "City of Karviná"
    assert doc["results"][0] == {"indicator": "families rehoused", "value": 40,
                                 "unit": "families", "year": 2012,
                                 "source": "https://example.org/karvina/results"}  # fmt: skip
    assert doc["evidence"]["level"] == "promising" and doc["evidence"]["label"] == "Promising"
    assert doc["funding"][0]["amount"] == 120000
    assert isinstance(doc["related"], list) and doc["related"]
    assert all({"id", "title", "language"} <= set(r) for r in doc["related"])
    plain = client.get("/api/documents/good/school-sopot").json
    assert plain["results"] == [] and plain["evidence"] is None
    facets = client.get("/api/search?evidence=promising").json
    assert facets["total"] == 1 and facets["results"][0]["id"] == "good/housing-karvina"
    html = client.get("/en/resources/good/housing-karvina?language=en").get_data(as_text=True)
    assert 'id="glance-heading"' in html and "families rehoused" in html
    assert '<time datetime="2010-07">' in html
    assert client.get("/en/evidence/promising").status_code == 200
    reporting = client.get("/api/search?reports=results").json
    assert [r["id"] for r in reporting["results"]] == ["good/housing-karvina"]
    assert client.get("/en/reports/results").status_code == 200
    assert client.get("/cs/evidence/").status_code == 200


def test_practice_fields_in_exports_and_json_ld(client):
    rows = list(csv.DictReader(io.StringIO(
        client.get("/api/search.csv?evidence=promising").get_data(as_text=True).lstrip("\ufeff")
    )))  # fmt: skip
    assert rows[0]["lead"] == "City of Karviná" and rows[0]["evidence"] == "promising"
    assert rows[0]["period_start"] == "2010-07" and "families rehoused: 40" in rows[0]["results"]
    lines = client.get("/api/library.jsonl").get_data(as_text=True).splitlines()
    dumped = [json.loads(x) for x in lines if '"good/housing-karvina"' in x]
    assert any(d["funding"] and d["funding"][0]["currency"] == "EUR" for d in dumped)
    fields = {f["name"] for f in client.get("/api/datapackage.json").json["resources"][0]
              ["schema"]["fields"]}  # fmt: skip
    assert {"period", "results", "funding", "evidence"} <= fields
    html = client.get("/en/resources/good/housing-karvina?language=en").get_data(as_text=True)
    ld = json.loads(html.split('type="application/ld+json">')[1].split("</script>")[0])
    assert ld["temporalCoverage"] == "2010-07/2013-01"
    assert ld["funding"][0]["funder"]["name"] == "ERDF"


def test_compare_contract(client):
    data = client.get("/api/compare?ids=good/housing-karvina,good/school-sopot").json
    assert data["kind"] == "resources"
    assert [i["id"] for i in data["items"]] == ["good/housing-karvina", "good/school-sopot"]
    assert "period" in data["items"][0]
    cities = client.get("/api/compare?cities=sopot&cities=karvina").json
    assert [i["slug"] for i in cities["items"]] == ["sopot", "karvina"]
    one = client.get("/api/compare?ids=good/housing-karvina")
    assert one.status_code == 400 and one.json["parameter"] == "ids"
    five = client.get("/api/compare?cities=a,b,c,d,e")
    assert five.status_code == 400 and five.json["parameter"] == "cities"
    unknown = client.get("/api/compare?cities=sopot,atlantis")
    assert unknown.status_code == 404 and unknown.json["missing"] == ["atlantis"]


def test_compare_page_csv_and_link(client):
    html = client.get("/en/compare?cities=sopot,karvina").get_data(as_text=True)
    assert "<table" in html and "Roma population" in html and "Sopot" in html
    assert "http://localhost/en/compare?cities=sopot,karvina" in html  # reproduces it
    text = client.get("/en/compare.csv?ids=good/housing-karvina,good/school-sopot")
    rows = list(csv.reader(io.StringIO(text.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[1] == ["id", "good/housing-karvina", "good/school-sopot"]
    lead = next(r for r in rows if r[0] == "Lead organisation")
    assert lead[1] == "City of Karviná"
    assert client.get("/en/compare").status_code == 200  # how to compare
    assert client.get("/en/compare?ids=good/housing-karvina").status_code == 400
    assert client.get("/en/compare?cities=sopot,atlantis").status_code == 404
    results = client.get("/en/search?q=housing").get_data(as_text=True)
    assert 'name="ids" value="good/housing-karvina"' in results  # tick boxes, no script


def test_new_city_writes_a_profile_the_check_accepts(tmp_path, fixture_content):
    import shutil

    from indexer.__main__ import main

    content = tmp_path / "content"
    shutil.copytree(fixture_content, content)
    assert main(["new", "city", "--language", "bg", "--city", "Sopot", "--content",
                 str(content), "--force"]) == 0  # fmt: skip
    written = content / "cities" / "sopot.bg.md"
    text = written.read_text("utf-8")
    assert 'country: "BG"' in text and "#  - {date:" in text
    _, problems = load(content)
    mine = [p for p in problems if p.path == "cities/sopot.bg.md"]
    assert not [p for p in mine if p.is_error]
    assert [p.field for p in mine] == ["body"]  # only the places still to fill
    assert main(["new", "city", "--language", "xx", "--city", "Sopot",
                 "--content", str(content)]) == 2  # fmt: skip


def test_contributor_page_describes_profiles_and_serves_the_city_template(client):
    html = client.get("/en/contribute").get_data(as_text=True)
    assert 'id="profile-field-milestones"' in html and 'id="profile-field-roma_population"' in html
    assert 'id="vocabulary-evidence"' in html
    template = client.get("/en/contribute/template/city.md?language=bg&city=Sopot")
    assert template.status_code == 200 and 'country: "BG"' in template.get_data(as_text=True)
    assert client.get("/en/contribute/template/city.md?language=zz").status_code == 400


def test_a_profile_row_whose_page_is_missing_from_its_sources_list_warns(content_copy):
    path = content_copy / "cities" / "listville.en.md"
    path.write_text(
        '---\ntitle: Listville\ncountry: "BG"\nmilestones:\n'
        '  - {date: "2019-02", label: "Agreement signed", source: "https://example.org/a"}\n'
        '  - {date: "2020-01", label: "Plan adopted", source: "https://example.org/b"}\n'
        "---\n\nText.\n\n## Sources\n\n- https://example.org/a — agreement of February 2019\n",
        "utf-8",
    )
    _, problems = load(content_copy)
    mine = [p for p in problems if p.path == "cities/listville.en.md"]
    assert [(p.line, p.field, p.severity) for p in mine] == [
        (_line_of(path, "example.org/b"), "milestones", "warning")
    ]
    assert "https://example.org/b is not in the sources list" in mine[0].message


def test_a_profile_still_giving_the_templates_example_address_warns(content_copy):
    from indexer.contract.validate import TEMPLATE_SOURCE

    template = Path(__file__).parents[1] / "content" / "_templates" / "profile.md"
    assert TEMPLATE_SOURCE in template.read_text("utf-8")
    cases = {
        "rowville": (
            f'milestones:\n  - {{date: "2019-02", label: "Signed", source: "{TEMPLATE_SOURCE}"}}\n',
            f"\n## Sources\n\n- {TEMPLATE_SOURCE} — agreement\n",
        ),
        "listville": ("", f"\n## Sources\n\n- {TEMPLATE_SOURCE} — what this page supports\n"),
        "realville": ("", "\n## Sources\n\n- https://example.org/real — the census\n"),
    }
    for slug, (front, sources) in cases.items():
        (content_copy / "cities" / f"{slug}.en.md").write_text(
            f'---\ntitle: {slug.title()}\ncountry: "BG"\n{front}---\n\nText.\n{sources}', "utf-8"
        )
    _, problems = load(content_copy)
    warned = {p.path: p for p in problems if "template's example address" in p.message}
    assert set(warned) == {"cities/rowville.en.md", "cities/listville.en.md"}
    row = warned["cities/rowville.en.md"]
    assert (row.line, row.field, row.severity) == (
        _line_of(content_copy / "cities" / "rowville.en.md", TEMPLATE_SOURCE),
        "milestones",
        "warning",
    )
