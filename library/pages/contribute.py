"""The page for contributors, /<ui>/contribute, and its templates as downloads.

Everything on it comes from the declarations the check itself uses: the fields from
`indexer.fields`, the vocabulary the index was built with, the templates from `indexer.starter`
and the example messages from `indexer.validate`. Never talks to Whoosh.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, render_template, request, url_for
from flask_babel import gettext as _

from indexer.contract.fields import FIELDS
from indexer.contract.profiles import PROFILE_FIELDS
from indexer.contract.validate import validate
from indexer.contract.vocabulary import EXTRA_LANGUAGES, Vocabulary, language_codes
from indexer.profile_starter import city_template
from indexer.source.readers import SourceFile, read
from indexer.starter import VALUE_SOURCES, Starter, StarterError, starter

from .. import i18n
from ..params import BadParameter
from ..search import facet_label
from ..search_ext import service
from . import presenter

bp = i18n.prefixed(Blueprint("contribute", __name__, url_prefix="/<ui>"))
MAX_CITIES = 10
CITY_TEMPLATE = "city"  # /contribute/template/city.md: a city profile (content/cities/)
MAX_VALUE_CHARS = 80
# A file with typical mistakes; the page shows what the check says about it.
EXAMPLE_PATH = "practices/my-town-housing.en.md"
EXAMPLE_FILE = """---
title: Social housing with a community centre
themes: [hausing]
countries: ["UK"]
date: "2012-13"
langauge: en
---
The town built social housing next to a community centre run with Roma families.
"""
_examples: dict[str, list[str]] = {}
_examples_lock = threading.Lock()


@dataclass(frozen=True)
class FieldRow:
    name: str
    required: bool
    expected: str
    values_anchor: str | None  # the vocabulary table that lists its values
    values_title: str = ""


@dataclass(frozen=True)
class Entry:
    value: str
    label: str
    lang: str | None = None  # set when the label is not in the interface language
    note: str = ""
    written: str = ""  # how it is written in a file, when that differs from the value


@dataclass(frozen=True)
class VocabularyTable:
    anchor: str
    title: str
    field: str
    entries: list[Entry]
    note: str = ""
    note_title: str = ""  # heading of the extra column, when there is one


@dataclass(frozen=True)
class TemplateBlock:
    type: str
    label: str
    lang: str | None
    text: str
    url: str
    filename: str


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


@bp.route("/contribute")
def page():
    ui = i18n.ui_language()
    vocab = service().vocabulary
    tables = vocabulary_tables(vocab, ui)
    return render_template(
        "contribute.html",
        fields=field_rows(tables),
        tables=tables,
        templates=template_blocks(vocab, ui),
        example_errors=example_errors(vocab),
        example_command=example_command(vocab, ui),
        profile_fields=[(f.name, f.required, f.expected) for f in PROFILE_FIELDS],
        city_template=city_template(vocab, ui, min(vocab.cities) if vocab.cities else "[[city]]"),
        city_template_url=url_for("contribute.template", type_slug=CITY_TEMPLATE, language=ui),
        language_links=presenter.language_switch(
            "contribute.page", {}, request.args, i18n.supported()
        ),
    )


@bp.route("/contribute/template/<type_slug>.md")
def template(type_slug: str):
    vocab = service().vocabulary
    if type_slug not in vocab.types and type_slug != CITY_TEMPLATE:
        abort(404)
    language = (request.args.get("language") or i18n.ui_language()).strip().lower()
    if language not in language_codes():
        raise BadParameter("language", "must be an ISO 639-1 code such as 'cs'")
    cities = [c for c in request.args.getlist("city") if c.strip()]
    if len(cities) > MAX_CITIES or any(len(c) > MAX_VALUE_CHARS for c in cities):
        raise BadParameter("city", f"at most {MAX_CITIES} cities of {MAX_VALUE_CHARS} characters")
    try:
        if type_slug == CITY_TEMPLATE:
            text = city_template(vocab, language, cities[0] if cities else "[[city]]")
        else:
            text = starter(vocab, Starter(type_slug, language, tuple(cities)))
    except StarterError as err:
        raise BadParameter("city", str(err)) from None
    response = Response(text, mimetype="text/markdown")
    filename = safe_filename(f"{type_slug}.{language}.md")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def safe_filename(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "-", name)


# -- what the page shows -----------------------------------------------------------------------

TABLE_OF_SOURCE = {
    "themes": "themes",
    "types": "types",
    "projects": "programmes",
    "steps": "steps",
    "evidence": "evidence",
    "countries": "countries",
    "cities": "cities",
    "languages": "languages",
}


def anchor(table: str) -> str:
    return f"vocabulary-{table}"


def field_rows(tables: list[VocabularyTable]) -> list[FieldRow]:
    """Every declared field, in the order of the contract, linked to the table of its values."""
    titles = {table.anchor: table.title for table in tables}
    rows = []
    for spec in FIELDS:
        source = VALUE_SOURCES.get(spec.name)
        target = anchor(TABLE_OF_SOURCE[source]) if source in TABLE_OF_SOURCE else None
        rows.append(
            FieldRow(spec.name, spec.required, spec.expected, target, titles.get(target, ""))
        )
    return rows


def example_command(vocab: Vocabulary, ui: str) -> str:
    command = ["python -m indexer new", next(iter(vocab.types), "case-study"), "--language", ui]
    if vocab.cities:
        command += ["--city", min(vocab.cities)]
    return " ".join(command)


def vocabulary_tables(vocab: Vocabulary, ui: str) -> list[VocabularyTable]:
    """Themes, types, programmes, steps, countries, cities and languages, labelled in `ui`."""
    steps = sorted(vocab.steps.values(), key=lambda t: t.order or 99)
    return [
        _terms("themes", _("Themes"), "themes", vocab.themes.values(), ui),
        _terms("types", _("Types"), "type", vocab.types.values(), ui),
        _terms("programmes", _("Programmes"), "project", vocab.projects.values(), ui),
        _terms("steps", _("ROMACT steps"), "steps", steps, ui),
        _terms("evidence", _("Evidence"), "evidence", _ordered(vocab.evidence), ui),
        _terms("milestones", _("Kinds of milestone"), "milestones", vocab.milestones.values(), ui),
        _terms(
            "methods",
            _("Methods of a Roma population figure"),
            "roma_population",
            vocab.methods.values(),
            ui,
        ),  # fmt: skip
        _terms("statuses", _("Funding status"), "funding", vocab.statuses.values(), ui),
        _countries(vocab, ui),
        _cities(vocab, ui),
        _languages(vocab, ui),
    ]


def _ordered(terms: dict) -> list:
    return sorted(terms.values(), key=lambda t: t.order or 99)


def _terms(key: str, title: str, field: str, terms, ui: str) -> VocabularyTable:
    entries = []
    for term in terms:
        lang = None if ui in term.labels else "en" if "en" in term.labels else None
        entries.append(Entry(term.slug, term.label(ui), lang))
    return VocabularyTable(anchor(key), title, field, entries)


def _countries(vocab: Vocabulary, ui: str) -> VocabularyTable:
    codes = sorted({c.country for c in vocab.cities.values() if c.country})
    entries = [
        Entry(code, facet_label(vocab, "country", code, ui), written=f'"{code}"') for code in codes
    ]
    note = _(
        "Any ISO 3166-1 alpha-2 code is accepted; these are the countries of the cities below. "
        "Write each code in quotes."
    )
    return VocabularyTable(anchor("countries"), _("Countries"), "countries", entries, note)


def _cities(vocab: Vocabulary, ui: str) -> VocabularyTable:
    entries = [
        Entry(city.slug, city.label(ui), note=facet_label(vocab, "country", city.country, ui))
        for city in sorted(vocab.cities.values(), key=lambda c: c.slug)
    ]
    note = _(
        "The names in other languages are accepted too. Add a missing city to %(file)s first.",
        file="content/cities.yml",
    )
    return VocabularyTable(anchor("cities"), _("Cities"), "cities", entries, note, _("Country"))


def _languages(vocab: Vocabulary, ui: str) -> VocabularyTable:
    codes = [*vocab.languages, *EXTRA_LANGUAGES]
    entries = [Entry(code, facet_label(vocab, "language", code, ui)) for code in codes]
    note = _("Any ISO 639-1 code is accepted; these are the languages of the vocabulary.")
    return VocabularyTable(anchor("languages"), _("Languages"), "language", entries, note)


def template_blocks(vocab: Vocabulary, ui: str) -> list[TemplateBlock]:
    """A ready-to-fill file per type, in the interface language, with its download address."""
    return [
        TemplateBlock(
            slug,
            term.label(ui),
            None if ui in term.labels else "en",
            starter(vocab, Starter(slug, ui)),
            url_for("contribute.template", type_slug=slug, language=ui),
            safe_filename(f"{slug}.{ui}.md"),
        )
        for slug, term in vocab.types.items()
    ]


def example_errors(vocab: Vocabulary) -> list[str]:
    """What the check prints for EXAMPLE_FILE with this vocabulary, worked out once per
    vocabulary (the file has errors, so the validator stops before the language check)."""
    found = _examples.get(vocab.fingerprint)
    if found is None:
        doc, problems = read(SourceFile(EXAMPLE_PATH, Path(EXAMPLE_PATH)), EXAMPLE_FILE.encode())
        if doc is not None:
            problems += validate(doc, vocab)[1]
        found = [f"content/{problem}" for problem in sorted(problems)]
        with _examples_lock:
            _examples[vocab.fingerprint] = found
    return found
