"""Every fault in a contributed file is named with path, line, field and what to do."""

from __future__ import annotations

import pytest

from indexer.build import check

EXPECTED = [
    ("rejected/invalid-yaml.md", 4, "front matter", "invalid YAML"),
    ("rejected/missing-title.md", 2, "title", "is missing"),
    ("rejected/unknown-theme.md", 5, "themes", "did you mean 'housing'?"),
    ("rejected/unknown-type.md", 3, "type", "did you mean 'case-study'?"),
    ("rejected/unknown-project.md", 3, "project", "did you mean 'roma-net'?"),
    ("rejected/unknown-city.md", 3, "cities", "did you mean 'karvina'?"),
    ("rejected/bad-date.md", 3, "date", "not a real date (YYYY-MM-DD, YYYY-MM or YYYY)"),
    ("rejected/bad-country.md", 3, "countries", "unknown country code 'XY'"),
    ("rejected/duplicate-id.en.md", 2, "id", "already used by good/housing-karvina.en.md"),
    ("rejected/language-mismatch.cs.md", 3, "language", "the file name says 'cs'"),
    ("rejected/cp1250-encoded.md", 2, "file", "not UTF-8"),
    ("rejected/empty.md", 1, "file", "file is empty"),
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


def test_message_format_is_path_line_field_message(report):
    problem = next(p for p in report.problems if p.path == "rejected/unknown-theme.md")
    assert str(problem) == (
        "rejected/unknown-theme.md:5: themes: unknown theme 'hausing' (did you mean 'housing'? "
        "the list is in content/vocabulary.yml under 'themes')"
    )


def test_every_rejected_file_is_counted_and_the_good_ones_pass(report, fixture_content):
    rejected = {p.path for p in report.problems if p.is_error}
    assert rejected == {path for path, *_ in EXPECTED}
    assert report.rejected == len(EXPECTED)
    good = sorted((fixture_content / "good").rglob("*.md"))
    assert report.documents == len(good)


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
    assert result.rejected == 1
    assert "is not a country code" in result.problems[0].message


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
    from indexer.vocabulary import City

    city = City("velingrad", "Велинград", "BG", names={"en": "Velingrad"})
    assert city.label("bg") == "Велинград" and city.label("cs") == "Velingrad"
    assert City("kosice", "Košice", "SK", names={"hu": "Kassa"}).label("hu") == "Kassa"
    assert City("kosice", "Košice", "SK", names={"en": "Kosice"}).label("it") == "Košice"


def test_yaml_aliases_and_deep_nesting_are_refused_before_they_expand(tmp_path):
    from indexer.readers import SourceFile, read

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
