"""Every fault in a contributed file is named with path, line, field and what to do."""

from __future__ import annotations

import pytest
import yaml

from indexer.writing.build import check

EXPECTED = [
    ("rejected/invalid-yaml.md", 4, "front matter", "invalid YAML"),
    ("rejected/missing-title.md", 2, "title", "is missing"),
    ("rejected/duplicate-id.en.md", 2, "id", "already used by good/housing-karvina.en.md"),
    ("rejected/undecodable.cs.md", 4, "file", "not UTF-8"),
    ("rejected/empty.md", 1, "file", "file is empty"),
]
# A bad value of an optional field: a warning, the value left out, the resource indexed.
WARNED = [
    ("warned/unknown-theme.md", 5, "themes", "did you mean 'housing'?"),
    ("warned/unknown-type.md", 3, "type", "did you mean 'case-study'?"),
    ("warned/unknown-project.md", 3, "project", "did you mean 'roma-net'?"),
    ("warned/unknown-city.md", 3, "cities", "did you mean 'karvina'?"),
    ("warned/bad-date.md", 3, "date", "not a real date (YYYY-MM-DD, YYYY-MM or YYYY)"),
    ("warned/bad-country.md", 3, "countries", "unknown country code 'XY'"),
    ("warned/language-mismatch.cs.md", 3, "language", "the file name says 'cs'"),
    ("warned/cp1250-encoded.md", 1, "file", "saved as CP1250"),
]


@pytest.fixture(scope="module")
def report(fixture_content):
    return check(fixture_content)


@pytest.mark.parametrize("path, line, field, text", EXPECTED)
def test_fault_is_reported_with_line_field_and_fix(report, path, line, field, text):
    found = [p for p in report.problems if p.path == path and p.is_error]
    assert found, f"no error reported for {path}"
    assert any(p.line == line and p.field == field and text in p.message for p in found), [
        str(p) for p in found
    ]


@pytest.mark.parametrize("path, line, field, text", WARNED)
def test_a_bad_optional_value_is_a_warning_and_the_resource_stays(report, path, line, field, text):
    found = [p for p in report.problems if p.path == path]
    assert found and not any(p.is_error for p in found), [str(p) for p in found]
    assert any(p.line == line and p.field == field and text in p.message for p in found), [
        str(p) for p in found
    ]


def test_message_format_is_path_line_field_message(report):
    problem = next(p for p in report.problems if p.path == "warned/unknown-theme.md")
    assert str(problem) == (
        "warned/unknown-theme.md:5: warning: themes: unknown theme 'hausing' (did you mean "
        "'housing'? the list is in content/vocabulary.yml under 'themes'); left out"
    )


def test_every_rejected_file_is_counted_and_the_others_pass(report, fixture_content):
    rejected = {p.path for p in report.problems if p.is_error}
    assert rejected == {path for path, *_ in EXPECTED}
    assert report.rejected == len(EXPECTED)
    kept = [*(fixture_content / "good").rglob("*.md"), *(fixture_content / "warned").glob("*.md")]
    assert report.documents == len(kept)


def test_values_left_out_and_cities_kept_as_written(tmp_path, fixture_content):
    from indexer.contract.validate import validate
    from indexer.contract.vocabulary import load
    from indexer.source.readers import SourceFile, read

    vocab, _ = load(fixture_content)
    path = tmp_path / "x.en.md"
    path.write_text(
        "---\ntitle: Mixed\nthemes: [education, hausing]\ncities: [Karvina, Nowhereville]\n"
        "date: '2023-02-30'\n---\nSome text about schools.\n",
        "utf-8",
    )
    doc, _ = read(SourceFile("x.en.md", path))
    resource, problems = validate(doc, vocab)
    assert resource is not None
    assert resource.themes == ["education"] and resource.date is None
    assert resource.cities == ["karvina", "Nowhereville"]
    from indexer.contract.fields import city_entry, unknown_cities

    assert unknown_cities(problems) == ["Nowhereville"]
    entry = city_entry("Nowhereville")
    assert "- slug: nowhereville" in entry and 'name: "Nowhereville"' in entry
    pasted = yaml.safe_load("cities:\n" + entry)["cities"][0]
    assert pasted["slug"] == "nowhereville" and pasted["names"] == {"en": "Nowhereville"}


def test_a_resource_without_any_text_is_rejected(tmp_path, fixture_content):
    from indexer.contract.validate import validate
    from indexer.contract.vocabulary import load
    from indexer.source.readers import SourceFile, read

    vocab, _ = load(fixture_content)
    path = tmp_path / "bare.en.md"
    path.write_text("---\ntitle: Only a title\n---\n\n", "utf-8")
    doc, _ = read(SourceFile("bare.en.md", path))
    resource, problems = validate(doc, vocab)
    assert resource is None and [p.field for p in problems if p.is_error] == ["body"]


def test_unquoted_no_is_norway_with_a_warning(report):
    warnings = [p for p in report.problems if p.path == "good/norway-unquoted.en.md"]
    assert [p.is_error for p in warnings] == [False]
    assert 'write it in quotes: "NO"' in warnings[0].message


def test_yaml_booleans_are_not_country_codes(tmp_path, fixture_content):
    import shutil

    content = tmp_path / "c"
    content.mkdir()
    for name in ("vocabulary.yml", "cities.yml"):
        shutil.copy(fixture_content / name, content / name)
    (content / "bool.md").write_text("---\ntitle: T\ncountries: [true]\n---\nx\n", "utf-8")
    result = check(content)
    assert result.rejected == 0 and result.documents == 1
    assert "is not a country code" in result.problems[0].message
    assert not result.problems[0].is_error


def test_a_folder_without_vocabulary_uses_the_librarys_own(tmp_path):
    (tmp_path / "a.en.md").write_text(
        "---\ntitle: Housing in Sopot\nthemes: [housing]\ncities: [sopot]\n---\nText.\n", "utf-8"
    )
    result = check(tmp_path)
    assert result.ok and result.documents == 1
    assert {p.path for p in result.problems} == {"vocabulary.yml", "cities.yml"}
    assert all(not p.is_error for p in result.problems)


def test_check_warns_when_the_declared_language_looks_wrong(tmp_path):
    (tmp_path / "a.md").write_text(
        "---\ntitle: Rómske deti v materských školách\nlanguage: cs\n---\n"
        "Mesto podporuje rómske rodiny, aby ich deti chodili do materskej školy pravidelne. "
        "Terénni pracovníci navštevujú domácnosti a pomáhajú rodičom s prihláškami.\n",
        "utf-8",
    )
    result = check(tmp_path)
    warnings = [p for p in result.problems if p.field == "language"]
    assert result.ok and len(warnings) == 1 and not warnings[0].is_error
    assert "'sk'" in warnings[0].message


def test_city_names_follow_the_readers_script():
    from indexer.contract.vocabulary import City

    city = City("velingrad", "Велинград", "BG", names={"en": "Velingrad"})
    assert city.label("bg") == "Велинград" and city.label("cs") == "Velingrad"
    assert City("kosice", "Košice", "SK", names={"hu": "Kassa"}).label("hu") == "Kassa"
    assert City("kosice", "Košice", "SK", names={"en": "Kosice"}).label("it") == "Košice"


def test_yaml_aliases_and_deep_nesting_are_refused_before_they_expand(tmp_path):
    from indexer.source.readers import SourceFile, read

    laughs = ["title: Bomb", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for this, last in zip("bcdefgh", "abcdefg", strict=True):
        laughs.append(f"{this}: &{this} [{', '.join([f'*{last}'] * 9)}]")
    laughs.append("themes: *h")
    deep = "title: Deep\nthemes: " + "[" * 5000 + "]" * 5000
    for name, front in (("bomb.en.md", "\n".join(laughs)), ("deep.en.md", deep)):
        path = tmp_path / name
        path.write_text(f"---\n{front}\n---\nBody.\n", "utf-8")
        doc, problems = read(SourceFile(name, path))
        assert doc is None and problems and problems[0].field == "front matter"
        assert len(problems[0].message) < 300  # not the expanded values


def test_an_unfilled_template_is_not_published(tmp_path, fixture_content):
    from indexer.contract.validate import validate
    from indexer.contract.vocabulary import load
    from indexer.source.readers import SourceFile, read
    from indexer.starter import Starter, starter

    vocab, _ = load(fixture_content)
    path = tmp_path / "new.en.md"
    path.write_text(starter(vocab, Starter("case-study", "en")), "utf-8")
    doc, _ = read(SourceFile("new.en.md", path))
    resource, problems = validate(doc, vocab)
    assert resource is None
    assert [p.field for p in problems if p.is_error] == ["title"]
    assert any(p.field == "body" and "still to fill in" in p.message for p in problems)


def test_the_day_a_source_was_read_is_a_date_or_a_warning(tmp_path, fixture_content):
    from indexer.contract.validate import validate
    from indexer.contract.vocabulary import load
    from indexer.source.readers import SourceFile, read

    vocab, _ = load(fixture_content)
    found = {}
    for name, accessed in (("good", "2026-12-07"), ("bad", "yesterday")):
        path = tmp_path / f"{name}.en.md"
        path.write_text(
            f"---\ntitle: Read\nsource: https://example.org/a\naccessed: '{accessed}'\n---\n"
            "Some text about schools.\n",
            "utf-8",
        )
        doc, _ = read(SourceFile(f"{name}.en.md", path))
        found[name] = validate(doc, vocab)
    (good, good_problems), (bad, bad_problems) = found["good"], found["bad"]
    assert good.accessed == "2026-12-07" and not good_problems
    assert bad is not None and bad.accessed is None
    [problem] = bad_problems
    assert problem.field == "accessed" and problem.line == 4 and not problem.is_error


def test_language_versions_that_disagree_on_dates_or_figures_are_warned(content_copy):
    """The versions of one resource are translations: a date, a theme or a result figure that
    differs from the English version is a warning on the other file, naming the field, both
    values and the English file; a field one version leaves out is not compared."""
    english = content_copy / "good" / "housing-karvina.en.md"
    czech = content_copy / "good" / "housing-karvina.cs.md"
    assert not [p for p in check(content_copy).problems if "must agree" in p.message]

    czech.write_text(
        czech.read_text("utf-8")
        .replace('date: "2012-05"', 'date: "2012-06"')
        .replace("themes: [housing, education]", "themes: [housing]")
        .replace(
            "accessed:",
            "results:\n  - {indicator: rodiny, value: 14, unit: rodin, year: 2012}\naccessed:",
        ),
        "utf-8",
    )
    found = {
        p.field: p
        for p in check(content_copy).problems
        if p.path == "good/housing-karvina.cs.md" and "must agree" in p.message
    }
    assert set(found) == {"date", "themes", "results"}
    date = found["date"]
    assert not date.is_error and date.line == 8
    assert "'2012-06' here but '2012-05' in good/housing-karvina.en.md" in date.message
    assert "'14/2012' here but '40/2012'" in found["results"].message
    on_english = [p for p in check(content_copy).problems if p.path == "good/housing-karvina.en.md"]
    assert english.exists() and not [p for p in on_english if "must agree" in p.message]


def test_the_templates_example_source_left_in_a_record_warns(tmp_path, fixture_content):
    from indexer.contract.validate import TEMPLATE_SOURCE, validate
    from indexer.contract.vocabulary import load
    from indexer.source.readers import SourceFile, read

    templates = fixture_content.parents[2] / "content" / "_templates"
    assert all(TEMPLATE_SOURCE in t.read_text("utf-8") for t in templates.glob("*.md"))
    vocab, _ = load(fixture_content)
    for name, front, body in [
        ("a.en.md", f"source: {TEMPLATE_SOURCE}\n", "Text about schools.\n"),
        ("b.en.md", "", f"Text about schools.\n\n## Sources\n\n- {TEMPLATE_SOURCE} — x\n"),
        ("c.en.md", "source: https://example.org/real\n", "Text about schools.\n"),
    ]:
        path = tmp_path / name
        path.write_text(f"---\ntitle: Copied\n{front}---\n{body}", "utf-8")
        resource, problems = validate(read(SourceFile(name, path))[0], vocab)
        assert resource is not None
        warned = [p for p in problems if "template's example address" in p.message]
        assert len(warned) == (0 if name == "c.en.md" else 1), name
        if name == "a.en.md":
            assert warned[0].line == 3 and warned[0].field == "source"


def test_a_page_the_front_matter_names_but_the_sources_list_leaves_out_warns(
    tmp_path, fixture_content
):
    from indexer.contract.validate import validate
    from indexer.contract.vocabulary import load
    from indexer.source.readers import SourceFile, read

    vocab, _ = load(fixture_content)
    listed, missing = "https://example.org/listed", "https://example.org/missing"
    front = (
        f"source: {listed}\n"
        "results:\n"
        f'  - {{indicator: pupils, value: 40, source: "{listed}"}}\n'
        f'  - {{indicator: flats, value: 12, source: "{missing}"}}\n'
    )
    cases = [
        ("all.en.md", front, f"- {listed} — pupils\n- {missing} — flats\n", []),
        ("row.en.md", front, f"- {listed} — pupils\n", [(6, "results", missing)]),
        ("main.en.md", f"source: {missing}\n", f"- {listed} — pupils\n", [(3, "source", missing)]),
        (
            "evidence.en.md",
            f'type: good-practice\nevidence: {{level: promising, source: "{missing}"}}\n',
            f"- {listed} — pupils\n",
            [(4, "evidence", missing)],
        ),
        ("none.en.md", front, None, []),  # no sources list: nothing is asked for
    ]
    for name, head, sources, expected in cases:
        body = "Text about schools.\n" + (f"\n## Sources\n\n{sources}" if sources else "")
        path = tmp_path / name
        path.write_text(f"---\ntitle: Schools\n{head}---\n{body}", "utf-8")
        resource, problems = validate(read(SourceFile(name, path))[0], vocab)
        assert resource is not None, name
        warned = [p for p in problems if "is not in the sources list" in p.message]
        assert [(p.line, p.field) for p in warned] == [(line, f) for line, f, _ in expected], name
        for problem, (_, _, url) in zip(warned, expected, strict=True):
            assert problem.severity == "warning" and f"- {url} — " in problem.message


def test_the_templates_example_source_in_a_result_row_warns_at_its_line(tmp_path, fixture_content):
    from indexer.contract.validate import TEMPLATE_SOURCE, validate
    from indexer.contract.vocabulary import load
    from indexer.source.readers import SourceFile, read

    vocab, _ = load(fixture_content)
    path = tmp_path / "row.en.md"
    path.write_text(
        "---\ntitle: Rows\ntype: good-practice\nresults:\n"
        f'  - {{value: 12, unit: "families housed", source: "{TEMPLATE_SOURCE}"}}\n'
        "---\nText about housing.\n",
        "utf-8",
    )
    resource, problems = validate(read(SourceFile("row.en.md", path))[0], vocab)
    assert resource is not None
    warned = [p for p in problems if "template's example address" in p.message]
    assert [(p.line, p.field, p.severity) for p in warned] == [(5, "results", "warning")]
