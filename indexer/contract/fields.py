"""The front-matter contract: every field a content file may carry, declared once.

Each field names what it expects; `validate` uses the parsers, `content/README.md` documents
every name (a test checks it), and error messages quote the `expected` text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..language.analysis import fold
from ..source.readers import DOCUMENT_SUFFIXES
from . import structured
from .vocabulary import (
    COUNTRY_ALIASES,
    VOCABULARY_FILE,
    Vocabulary,
    closest,
    country_codes,
    language_codes,
)

MAX_TITLE = 300
MAX_SUMMARY = 2000
MAX_LIST = 50
PLACEHOLDER = re.compile(r"\[\[(.+?)\]\]")  # what a generated template leaves to fill in
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~/-]{0,199}$")

# A parser returns the clean value and a list of (message, item index or None).
Issues = list[tuple[str, int | None]]
Parser = Callable[[object, Vocabulary], tuple[object, Issues]]


@dataclass(frozen=True)
class Field:
    """One front-matter field. A bad value of an ``essential`` field rejects the file; a bad
    value of any other field is a warning and only that value is left out."""

    name: str
    required: bool
    expected: str
    parse: Parser
    essential: bool = False


def _text(limit: int) -> Parser:
    def parse(value, vocab):
        if isinstance(value, list | dict) or value is None:
            return None, [(f"must be text, not {_kind(value)} (one line of text)", None)]
        text = " ".join(str(value).split())
        if not text:
            return None, [("is empty (some text)", None)]
        if len(text) > limit:
            return None, [(f"is {len(text)} characters long (at most {limit})", None)]
        return text, []

    return parse


def _kind(value) -> str:
    if isinstance(value, bool):
        return f"'{str(value).lower()}' (YAML reads NO, yes, on as booleans only when unquoted)"
    return {list: "a list", dict: "a mapping", type(None): "empty"}.get(type(value), "a value")


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _slugs(kind: str, singular: str) -> Parser:
    def parse(value, vocab):
        known = vocab.kind(kind)
        clean, issues = [], []
        for i, item in enumerate(_as_list(value)[:MAX_LIST]):
            slug = _resolve(kind, item, vocab)
            if slug is None:
                issues.append((_unknown(singular, item, list(known), kind), i))
            elif slug not in clean:
                clean.append(slug)
        return clean, issues

    return parse


def _resolve(kind: str, item, vocab: Vocabulary) -> str | None:
    text = str(item).strip()
    if kind == "projects":
        return vocab.resolve_project(text)
    lowered = text.lower()
    return lowered if lowered in vocab.kind(kind) else None


def _unknown(singular: str, item, choices: list[str], kind: str) -> str:
    hint = closest(str(item), choices)
    where = f"the list is in content/{VOCABULARY_FILE} under '{kind}'"
    if hint:
        return f"unknown {singular} '{item}' (did you mean '{hint}'? {where})"
    return f"unknown {singular} '{item}' ({where})"


def _single_slug(kind: str, singular: str) -> Parser:
    many = _slugs(kind, singular)

    def parse(value, vocab):
        if isinstance(value, list):
            return None, [(f"one {singular}, not a list", None)]
        clean, issues = many(value, vocab)
        return (clean[0] if clean else None), [(m, None) for m, _ in issues]

    return parse


def parse_cities(value, vocab):
    """City slugs; a city not in the register is kept as written (and reported)."""
    clean, issues = [], []
    for i, item in enumerate(_as_list(value)[:MAX_LIST]):
        if isinstance(item, list | dict) or item is None or not str(item).strip():
            issues.append((f"must be a city name or slug, not {_kind(item)}", i))
            continue
        slug = vocab.resolve_city(item)
        if slug is None:
            written = " ".join(str(item).replace(",", " ").split())[:MAX_TITLE]
            hint = closest(written, list(vocab.cities))
            tip = f"did you mean '{hint}'? " if hint else ""
            issues.append(
                (
                    f"unknown city '{written}', kept as written ({tip}to give it a country, "
                    "write its profile with `python -m indexer new city --city NAME "
                    "--language LL`, or add it to content/cities.yml: `python -m indexer "
                    "check` prints an entry to paste)",
                    i,
                )
            )
            slug = written
        if slug not in clean:
            clean.append(slug)
    return clean, issues


def city_slug(name: str) -> str:
    """An ASCII, lower-case, hyphenated slug made from a city's name."""
    return re.sub(r"[^a-z0-9]+", "-", fold(name).lower()).strip("-") or "city"


UNKNOWN_CITY = re.compile(r"^unknown city '(?P<name>.+)', kept as written")


def city_entry(name: str) -> str:
    """A ready-to-paste content/cities.yml entry for a city not yet in the register."""
    quoted = name.replace('"', "'")
    return (
        f'  - slug: {city_slug(name)}\n    name: "{quoted}"\n    names: {{en: "{quoted}"}}\n'
        '    country: ""  # ISO 3166-1 alpha-2, e.g. "CZ"\n'
        "    source: https://  # where the city's part is documented"
    )


def unknown_cities(problems) -> list[str]:
    """The cities that problems report as not in the register, each once, in order."""
    found: dict[str, None] = {}
    for problem in problems:
        match = UNKNOWN_CITY.match(problem.message) if problem.field == "cities" else None
        if match:
            found[match["name"]] = None
    return list(found)


def parse_countries(value, vocab):
    clean, issues = [], []
    codes = country_codes()
    for i, item in enumerate(_as_list(value)[:MAX_LIST]):
        if isinstance(item, bool):
            issues.append(
                (
                    f"'{str(item).lower()}' is not a country code; YAML reads an unquoted NO "
                    'as false: write it in quotes, "NO"',
                    i,
                )
            )
            continue
        code = str(item).strip().upper()
        if code in COUNTRY_ALIASES:
            issues.append((f"'{item}' is not ISO 3166-1 (write '{COUNTRY_ALIASES[code]}')", i))
        elif code not in codes:
            hint = closest(code, sorted(codes))
            tip = f", did you mean '{hint}'?" if hint else ""
            issues.append(
                (f"unknown country code '{item}' (ISO 3166-1 alpha-2 such as 'CZ'{tip})", i)
            )
        elif code not in clean:
            clean.append(code)
    return clean, issues


def parse_language(value, vocab):
    if isinstance(value, bool):
        return None, [
            (f"'{str(value).lower()}' is not a language code; quote it: \"no\" for Norwegian", None)
        ]
    code = str(value).strip().lower()
    if code not in language_codes():
        hint = closest(code, sorted(language_codes()))
        tip = f", did you mean '{hint}'?" if hint else ""
        return None, [(f"unknown language code '{value}' (ISO 639-1 such as 'cs'{tip})", None)]
    return code, []


def parse_date(value, vocab):
    text, wrong = structured.clean_date(value)
    return text, ([(wrong, None)] if wrong else [])


def parse_url(value, vocab):
    text, wrong = structured.clean_url(value)
    return text, ([(wrong, None)] if wrong else [])


def parse_id(value, vocab):
    text = str(value).strip()
    if not usable_id(text):
        return None, [(f"'{value}' is not a usable id (letters, digits, '-', '_', '.', '/')", None)]
    return text, []


def usable_id(text: str) -> bool:
    """Whether text can be an id: it becomes part of addresses, never of a path on disk."""
    return (
        bool(ID_RE.match(text)) and ".." not in text and "//" not in text and not text.endswith("/")
    )


def parse_aliases(value, vocab):
    """Earlier ids of a resource, so that their addresses keep working."""
    clean, issues = [], []
    for i, item in enumerate(_as_list(value)[:MAX_LIST]):
        text = str(item).strip() if isinstance(item, str | int) else ""
        if not usable_id(text):
            issues.append((f"'{item}' is not a usable id (letters, digits, '-', '_', '.', '/')", i))
        elif text not in clean:
            clean.append(text)
    return clean, issues


MAX_ATTACHMENTS = 20


def parse_attachments(value, vocab):
    """Attached files: paths relative to the record's folder (checked again against the disk
    when the build resolves them)."""
    clean, issues = [], []
    for i, item in enumerate(_as_list(value)[:MAX_ATTACHMENTS]):
        text = str(item).strip() if isinstance(item, str) else ""
        suffix = text[text.rfind(".") :].lower() if "." in text else ""
        if not text or "\\" in text or "\x00" in text or text.startswith("/"):
            issues.append((f"'{item}' is not a relative path such as 'plan.pdf'", i))
        elif any(part == ".." for part in text.split("/")):
            issues.append((f"'{item}' leads out of the record's folder (no '..')", i))
        elif suffix not in DOCUMENT_SUFFIXES:
            kinds = ", ".join(sorted(DOCUMENT_SUFFIXES))
            issues.append((f"'{item}' is not a supported file type ({kinds})", i))
        elif text not in clean:
            clean.append(text)
    return clean, issues


FIELDS: tuple[Field, ...] = (
    Field(
        "id",
        False,
        "letters, digits, '-', '_', '/'; defaults to the file's path",
        parse_id,
        essential=True,
    ),
    Field("title", True, "one line of text", _text(MAX_TITLE), essential=True),
    Field("summary", False, "one to three sentences", _text(MAX_SUMMARY)),
    Field("type", False, "a type slug from content/vocabulary.yml", _single_slug("types", "type")),
    Field(
        "project", False, "project slugs from content/vocabulary.yml", _slugs("projects", "project")
    ),
    Field("cities", False, "city slugs or names from content/cities.yml", parse_cities),
    Field("countries", False, "ISO 3166-1 alpha-2 codes, quoted", parse_countries),
    Field("themes", False, "theme slugs from content/vocabulary.yml", _slugs("themes", "theme")),
    Field("steps", False, "ROMACT step slugs from content/vocabulary.yml", _slugs("steps", "step")),
    Field("language", False, "an ISO 639-1 code; detected when absent", parse_language),
    Field("date", False, "YYYY-MM-DD, YYYY-MM or YYYY, quoted", parse_date),
    Field("source", False, "the URL of the original source", parse_url),
    Field("publisher", False, "the organisation behind the source", _text(MAX_TITLE)),
    Field("accessed", False, "the date the source was read, YYYY-MM-DD, quoted", parse_date),
    Field(
        "attachments",
        False,
        "files beside the record (PDF, DOCX, ODT, HTML, TXT), paths relative to it",
        parse_attachments,
    ),
    # A practice in depth (all optional; see content/README.md, "Practices in depth").
    Field(
        "period",
        False,
        "when it ran: {start: YYYY-MM, end: YYYY-MM}, either may be left out",
        structured.parse_period,
    ),
    Field("lead", False, "the lead organisation", structured.parse_text(300)),
    Field("partners", False, "a list of partner organisations", structured.parse_texts(300)),
    Field("target_groups", False, "a list of the groups it served", structured.parse_texts(300)),
    Field("results", False, structured.EXPECTED["results"], structured.rows("results")),
    Field("funding", False, structured.EXPECTED["funding"], structured.rows("funding")),
    Field(
        "evidence",
        False,
        "an evidence level from content/vocabulary.yml, or {level, by, source}",
        structured.parse_evidence,
    ),
    Field(
        "transferability",
        False,
        "what another town needs to do the same",
        structured.parse_text(2000),
    ),
    Field(
        "aliases",
        False,
        "earlier ids of this resource, whose addresses redirect here",
        parse_aliases,
    ),
)
FIELD_NAMES = tuple(f.name for f in FIELDS)
PRACTICE_FIELDS = (
    "period",
    "lead",
    "partners",
    "target_groups",
    "results",
    "funding",
    "evidence",
    "transferability",
)
