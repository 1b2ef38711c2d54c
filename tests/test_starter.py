"""Ready-to-fill files: every field of the contract, the vocabulary's values, outlines in the
file's language, and a filled file that the validator accepts without a word."""

from __future__ import annotations

import argparse
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from indexer import starter as starter_module
from indexer.contract.fields import FIELD_NAMES, FIELDS, Field
from indexer.contract.validate import validate
from indexer.contract.vocabulary import load
from indexer.source.readers import SourceFile, read
from indexer.starter import (
    HEADING_LANGUAGES,
    HEADINGS,
    HINTS,
    OUTLINES,
    Starter,
    StarterError,
    heading,
    outline,
    placeholders,
    starter,
)

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 3, 14)
# Real text per language, so that the language check has something to recognise.
SENTENCES = {
    "en": "The town opened a community centre where Roma families meet social workers.",
    "cs": "Město otevřelo komunitní centrum, kde se romské rodiny setkávají se sociálními "
    "pracovníky.",
    "bg": "Общината откри общностен център, в който ромските семейства се срещат със "
    "социални работници.",
    "el": "Ο δήμος άνοιξε ένα κοινοτικό κέντρο όπου οι οικογένειες Ρομά συναντούν "
    "κοινωνικούς λειτουργούς.",
    "hu": "A város közösségi házat nyitott, ahol a roma családok szociális munkásokkal "
    "találkoznak.",
    "pl": "Miasto otworzyło centrum społeczne, w którym romskie rodziny spotykają się z "
    "pracownikami socjalnymi.",
}
FIELD_FILLERS = {
    "id": "examples/community-centre",
    "source": "https://example.org/community-centre",
    "publisher": "Municipality of Karviná",
}
FIELD_LINE = re.compile(r"^(?:# )?(?P<name>[a-z_]+): ")


@pytest.fixture(scope="module")
def vocab():
    vocabulary, problems = load(ROOT / "content")
    assert not [p for p in problems if p.is_error]
    return vocabulary


def front_matter(text: str) -> list[str]:
    return text.split("---\n")[1].splitlines()


def fill(text: str, language: str) -> str:
    """Every [[...]] replaced: a field's own kind of value, else a sentence in the language."""
    lines = []
    for line in text.splitlines():
        found = FIELD_LINE.match(line)
        value = FIELD_FILLERS.get(found["name"], SENTENCES[language]) if found else None
        lines.append(starter_module.PLACEHOLDER.sub(value or SENTENCES[language], line))
    return "\n".join(lines) + "\n"


def uncomment_fields(text: str) -> str:
    """Every optional field switched on, as a contributor who fills them all would do."""
    names = "|".join(FIELD_NAMES)
    return re.sub(rf"^# (?=(?:{names}): )", "", text, flags=re.M)


def problems_of(text: str, vocab, relpath: str) -> list[str]:
    doc, problems = read(SourceFile(relpath, Path(relpath)), text.encode("utf-8"))
    assert doc is not None, problems
    _, more = validate(doc, vocab)
    return [str(p) for p in problems + more]


@pytest.mark.parametrize("language", sorted(SENTENCES))
def test_every_type_filled_in_passes_the_validator_without_a_word(vocab, language):
    for type_slug in vocab.types:
        request = Starter(type_slug, language, ("karvina",), today=TODAY)
        text = fill(starter(vocab, request), language)
        assert not placeholders(text)
        relpath = f"{type_slug}/karvina.{language}.md"
        assert problems_of(text, vocab, relpath) == [], text
        assert problems_of(uncomment_fields(text), vocab, relpath) == []


def test_a_file_without_cities_validates_too(vocab):
    text = fill(starter(vocab, Starter("agreement", "bg", today=TODAY)), "bg")
    assert problems_of(uncomment_fields(text), vocab, "agreement/x.bg.md") == []


def test_every_declared_field_is_written_once(vocab):
    text = starter(vocab, Starter("report", "en"))
    names = [m["name"] for line in front_matter(text) if (m := FIELD_LINE.match(line))]
    assert names == list(FIELD_NAMES)


def test_required_fields_are_live_and_optional_unknown_ones_commented(vocab):
    lines = front_matter(starter(vocab, Starter("report", "en", today=TODAY)))
    by_name = {m["name"]: line for line in lines if (m := FIELD_LINE.match(line))}
    for spec in FIELDS:
        line = by_name[spec.name]
        assert spec.expected in line, f"{spec.name} does not say what it expects"
        if spec.required:
            assert not line.startswith("#"), line
    assert by_name["summary"].startswith("# summary:")
    assert by_name["type"].startswith("type: report")
    assert by_name["language"].startswith("language: en")
    assert by_name["date"].startswith('date: "2026-03-14"')


def test_a_field_added_to_the_contract_appears_by_itself(vocab, monkeypatch):
    def parse_aliases(value, vocab):
        return list(value) if isinstance(value, list) else None, []

    extra = Field("aliases", False, "other ids this resource was known by", parse_aliases)
    monkeypatch.setattr(starter_module, "FIELDS", (*FIELDS, extra))
    lines = front_matter(starter(vocab, Starter("report", "en")))
    assert any(
        line.startswith("# aliases: []") and "other ids this resource was known by" in line
        for line in lines
    )


def test_vocabulary_fields_list_their_values_with_labels_in_the_language(vocab):
    text = starter(vocab, Starter("case-study", "cs"))
    assert f"#   housing: {vocab.themes['housing'].labels['cs']}" in text
    assert f"#   commitment: {vocab.steps['commitment'].labels['cs']}" in text
    assert f"#   roma-net: {vocab.projects['roma-net'].labels['cs']}" in text
    for slug in vocab.cities:
        assert re.search(rf"^#   .*\b{re.escape(slug)}\b", text, re.M), slug


def test_known_values_fill_type_language_cities_countries_and_date(vocab):
    text = starter(vocab, Starter("case-study", "bg", ("Сопот", "Karviná"), today=TODAY))
    lines = front_matter(text)
    assert any(line.startswith("cities: [sopot, karvina]") for line in lines)
    assert any(line.startswith('countries: ["BG", "CZ"]') for line in lines)
    assert any(line.startswith('date: "2026-03-14"') for line in lines)


def test_the_title_when_given_fills_the_field_and_the_first_heading(vocab):
    title = 'ROMA-NET: "Home for everyone"'
    text = starter(vocab, Starter("case-study", "en", title=title))
    doc, _ = read(SourceFile("x.en.md", Path("x.en.md")), text.encode())
    assert doc.meta["title"] == title
    assert f"# {title}\n" in text


def test_norwegian_language_code_is_quoted_so_it_stays_a_code(vocab):
    text = fill(starter(vocab, Starter("report", "no", today=TODAY)), "en")
    assert 'language: "no"' in text
    doc, _ = read(SourceFile("x.no.md", Path("x.no.md")), text.encode())
    resource, problems = validate(doc, vocab)
    assert resource is not None and resource.language == "no"


@pytest.mark.parametrize(
    "request_, words",
    [
        (Starter("agrement", "en"), ["type", "agrement", "'agreement'"]),
        (Starter("report", "cz"), ["language code", "'cz'"]),
        (Starter("report", "en", ("Kosize",)), ["city", "Kosize", "'kosice'", "cities.yml"]),
    ],
)
def test_unknown_values_are_refused_naming_the_closest_known_one(vocab, request_, words):
    with pytest.raises(StarterError) as caught:
        starter(vocab, request_)
    for word in words:
        assert word in str(caught.value)


def test_outlines_suit_the_type_in_the_interface_languages():
    assert {len(names) for names in HEADINGS.values()} == {len(HEADING_LANGUAGES)}
    assert set(HINTS) == set(HEADINGS)
    for keys in (*OUTLINES.values(), outline("a-type-added-later")):
        assert set(keys) <= set(HEADINGS) and keys[-1] == "sources"
    assert outline("local-action-plan")[1:5] == ("objectives", "measures", "budget", "indicators")
    assert heading("budget", "cs") == "Rozpočet a financování"
    assert heading("sources", "el") == "Πηγές"
    assert heading("sources", "pl") == "Sources"
    for language in HEADING_LANGUAGES[1:]:
        translated = [k for k in HEADINGS if heading(k, language) != heading(k, "en")]
        assert len(translated) > len(HEADINGS) - 3, f"{language} headings look untranslated"


def test_body_headings_follow_the_file_language(vocab):
    text = starter(vocab, Starter("agreement", "hu"))
    assert "## Felek" in text and "## Vállalások" in text and "## Források" in text


# -- the command -------------------------------------------------------------------------------


def run_new(*argv: str) -> int:
    top = argparse.ArgumentParser()
    starter_module.add_parser(top.add_subparsers(dest="command"))
    return starter_module.run(top.parse_args(["new", *argv]))


@pytest.fixture()
def content(tmp_path) -> Path:
    folder = tmp_path / "content"
    folder.mkdir()
    for name in ("vocabulary.yml", "cities.yml"):
        (folder / name).write_bytes((ROOT / "content" / name).read_bytes())
    return folder


def test_new_writes_a_default_path_and_refuses_to_overwrite(content, capsys):
    assert run_new("case-study", "-l", "cs", "--city", "karvina", "--content", str(content)) == 0
    path = content / "case-study" / "karvina-case-study.cs.md"
    assert str(path) in capsys.readouterr().out
    assert "## Kontext" in path.read_text(encoding="utf-8")
    path.write_text("mine", encoding="utf-8")
    code = run_new("case-study", "-l", "cs", "--city", "karvina", "--content", str(content))
    assert code == 2 and "--force" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == "mine"
    code = run_new(
        "case-study", "-l", "cs", "--city", "karvina", "--content", str(content), "--force"
    )
    assert code == 0 and path.read_text(encoding="utf-8") != "mine"


def test_new_names_the_file_after_the_title_and_writes_where_told(content, tmp_path, capsys):
    assert (
        run_new(
            "report", "-l", "ro", "--title", "Școala din Valea Seacă", "--content", str(content)
        )
        == 0
    )
    assert (content / "report" / "scoala-din-valea-seaca.ro.md").is_file()
    target = tmp_path / "elsewhere.ro.md"
    assert run_new("report", "-l", "ro", "-o", str(target), "--content", str(content)) == 0
    assert target.is_file()


def test_new_prints_to_standard_output_and_explains_an_unknown_city(content, capsys):
    assert run_new("toolkit", "-l", "it", "-o", "-", "--content", str(content)) == 0
    assert "## A che cosa serve" in capsys.readouterr().out
    code = run_new("toolkit", "-l", "it", "--city", "Torinoo", "--content", str(content))
    err = capsys.readouterr().err
    assert code == 2 and "'Torinoo'" in err and "closest" in err
    assert not (content / "toolkit").exists()


def test_the_request_is_resolved_before_anything_is_written(vocab):
    resolved = starter_module.resolve(vocab, Starter(" Report ", "EN", ("KARVINÁ",)))
    assert resolved == replace(resolved, type="report", language="en", cities=("karvina",))
