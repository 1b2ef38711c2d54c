"""Structured values that resources and city profiles share: dated figures, results, funding
rows, milestones, programme memberships, periods and evidence.

Each parser takes the raw YAML value and the vocabulary and returns the clean value with a list
of (message, row index or None), like the parsers of `fields`. A row missing what makes it a row
(a milestone without a date, a result without an indicator) is left out whole; any other bad
value in a row is left out alone and the row is kept.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache

from babel.numbers import list_currencies

from .vocabulary import VOCABULARY_FILE, Vocabulary, closest

MAX_ROWS = 200
MAX_TEXT = 500
URL_RE = re.compile(r"^https?://[^\s<>\"']+$")
DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
NUMBER_RE = re.compile(r"^-?\d+(?:\.\d+)?$")

Issues = list[tuple[str, int | None]]


@cache
def currency_codes() -> frozenset[str]:
    """ISO 4217 codes."""
    return frozenset(list_currencies())


def clean_date(value) -> tuple[str | None, str | None]:
    """(YYYY[-MM[-DD]], None) or (None, what is wrong)."""
    if isinstance(value, date):
        return value.isoformat(), None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    text = str(value).strip() if isinstance(value, str) else ""
    match = DATE_RE.match(text)
    if not match:
        return None, f"'{value}' is not a date (YYYY-MM-DD, YYYY-MM or YYYY)"
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        date(year, month or 1, day or 1)
    except ValueError:
        return None, f"'{value}' is not a real date (YYYY-MM-DD, YYYY-MM or YYYY)"
    if not 1900 <= year <= 2100:
        return None, f"year {year} is out of range (1900-2100)"
    return text, None


def clean_year(value) -> tuple[int | None, str | None]:
    text = str(value).strip()
    if isinstance(value, bool) or not re.fullmatch(r"\d{4}", text):
        return None, f"'{value}' is not a year (four digits, such as 2021)"
    year = int(text)
    if not 1900 <= year <= 2100:
        return None, f"year {year} is out of range (1900-2100)"
    return year, None


def clean_number(value) -> tuple[int | float | None, str | None]:
    """A plain number; digits grouped with spaces or underscores are accepted too."""
    if isinstance(value, bool):
        return None, f"'{value}' is not a number"
    if isinstance(value, int | float):
        return value, None
    text = re.sub(r"[\s\u00a0\u202f_]", "", str(value))
    if not NUMBER_RE.match(text):
        return None, f"'{value}' is not a number (write digits only, such as 435685)"
    number = float(text)
    return (int(number) if number.is_integer() else number), None


def clean_text(value, limit: int = MAX_TEXT) -> tuple[str | None, str | None]:
    if isinstance(value, list | dict) or value is None:
        return None, "must be text"
    text = " ".join(str(value).split())
    if not text:
        return None, "is empty"
    if len(text) > limit:
        return None, f"is {len(text)} characters long (at most {limit})"
    return text, None


def clean_url(value) -> tuple[str | None, str | None]:
    text = str(value).strip()
    if not URL_RE.match(text):
        return None, f"'{value}' is not a web address (a URL starting with https://)"
    return text, None


def clean_slug(kind: str, singular: str):
    def parse(value, vocab: Vocabulary) -> tuple[str | None, str | None]:
        text = str(value).strip().lower()
        if kind == "projects":
            found = vocab.resolve_project(text)
            if found:
                return found, None
        elif text in vocab.kind(kind):
            return text, None
        hint = closest(text, list(vocab.kind(kind)))
        tip = f"did you mean '{hint}'? " if hint else ""
        where = f"the list is in content/{VOCABULARY_FILE} under '{kind}'"
        return None, f"unknown {singular} '{value}' ({tip}{where})"

    return parse


def clean_currency(value, vocab=None) -> tuple[str | None, str | None]:
    code = str(value).strip().upper()
    if code not in currency_codes():
        hint = closest(code, sorted(currency_codes()))
        tip = f", did you mean '{hint}'?" if hint else ""
        return None, f"unknown currency '{value}' (ISO 4217 such as EUR, BGN, RON{tip})"
    return code, None


def _plain(parse):
    return lambda value, vocab: parse(value)


# Row layouts: key -> (parser(value, vocab), required). A required key that is missing or bad
# leaves the whole row out.
TEXT = _plain(clean_text)
ROWS: dict[str, dict[str, tuple]] = {
    "population": {
        "value": (_plain(clean_number), True),
        "year": (_plain(clean_year), False),
        "source": (_plain(clean_url), False),
        "note": (TEXT, False),
    },
    "roma_population": {
        "value": (_plain(clean_number), True),
        "year": (_plain(clean_year), False),
        "method": (clean_slug("methods", "method"), False),
        "source": (_plain(clean_url), False),
        "note": (TEXT, False),
    },
    "programmes": {
        "programme": (clean_slug("projects", "programme"), True),
        "role": (TEXT, False),
        "from": (_plain(clean_date), False),
        "to": (_plain(clean_date), False),
        "source": (_plain(clean_url), False),
    },
    "milestones": {
        "date": (_plain(clean_date), True),
        "label": (TEXT, True),
        "step": (clean_slug("steps", "step"), False),
        "kind": (clean_slug("milestones", "milestone kind"), False),
        "source": (_plain(clean_url), False),
    },
    "funding": {
        "title": (TEXT, True),
        "funder": (TEXT, False),
        "amount": (_plain(clean_number), False),
        "currency": (clean_currency, False),
        "status": (clean_slug("statuses", "funding status"), False),
        "year": (_plain(clean_year), False),
        "source": (_plain(clean_url), False),
    },
    "results": {
        "indicator": (TEXT, True),
        "value": (_plain(clean_number), True),
        "unit": (TEXT, False),
        "year": (_plain(clean_year), False),
        "source": (_plain(clean_url), False),
    },
}
EXPECTED = {
    "population": "a list of {value, year, source}",  # a figure without a year is kept
    "roma_population": "a list of {value, year, method, source}",
    "programmes": "a list of {programme, role, from, to, source}",
    "milestones": "a list of {date, step, kind, label, source}",
    "funding": "a list of {title, funder, amount, currency, status, year, source}",
    "results": "a list of {indicator, value, unit, year, source}",
}


def rows(name: str):
    """A parser for a list of rows of the named layout."""
    layout = ROWS[name]

    def parse(value, vocab: Vocabulary) -> tuple[list[dict], Issues]:
        items = value if isinstance(value, list) else [value]
        clean: list[dict] = []
        issues: Issues = []
        for i, item in enumerate(items[:MAX_ROWS]):
            if not isinstance(item, dict):
                issues.append((f"row {i + 1} must be a mapping ({EXPECTED[name]})", i))
                continue
            row, dropped = {}, False
            for key in item:
                if str(key) not in layout:
                    hint = closest(str(key), list(layout))
                    tip = f"did you mean '{hint}'? " if hint else ""
                    issues.append((f"row {i + 1}: unknown key '{key}' ({tip}{EXPECTED[name]})", i))
            for key, (parser, required) in layout.items():
                raw = item.get(key)
                if raw is None or raw == "":
                    if required:
                        issues.append(
                            (f"row {i + 1}: '{key}' is missing, so the row is left out", i)
                        )
                        dropped = True
                    continue
                got, wrong = parser(raw, vocab)
                if wrong:
                    if required:
                        issues.append((f"row {i + 1}: {key} {wrong}; the row is left out", i))
                        dropped = True
                    else:
                        issues.append((f"row {i + 1}: {key} {wrong}", i))
                    continue
                row[key] = got
            if not dropped:
                clean.append(row)
        if name == "milestones":
            clean.sort(key=lambda r: r["date"])
        return clean, issues

    return parse


def parse_period(value, vocab) -> tuple[dict | None, Issues]:
    """{start, end} from a mapping or from 'START/END' text; either end may be open."""
    if isinstance(value, dict):
        raw = {"start": value.get("start"), "end": value.get("end")}
        unknown = [k for k in value if k not in ("start", "end")]
    elif isinstance(value, str | int | date):
        start, _, end = str(value).partition("/")
        raw, unknown = {"start": start or None, "end": end or None}, []
    else:
        return None, [("must be {start: YYYY-MM, end: YYYY-MM} or 'YYYY-MM/YYYY-MM'", None)]
    issues: Issues = [(f"unknown key '{k}' (start, end)", None) for k in unknown]
    clean = {}
    for key, raw_value in raw.items():
        if raw_value in (None, ""):
            continue
        got, wrong = clean_date(raw_value)
        if wrong:
            issues.append((f"{key} {wrong}", None))
        else:
            clean[key] = got
    if "start" in clean and "end" in clean and clean["end"] < clean["start"]:
        issues.append((f"ends ({clean['end']}) before it starts ({clean['start']})", None))
        del clean["end"]
    return (clean or None), issues


def parse_evidence(value, vocab: Vocabulary) -> tuple[dict | None, Issues]:
    """{level, by, source} from a mapping, or a level on its own."""
    raw = value if isinstance(value, dict) else {"level": value}
    issues: Issues = []
    level, wrong = clean_slug("evidence", "evidence level")(raw.get("level", ""), vocab)
    if wrong:
        return None, [(wrong, None)]
    clean = {"level": level}
    for key in raw:
        if key not in ("level", "by", "source"):
            issues.append((f"unknown key '{key}' (level, by, source)", None))
    if raw.get("by"):
        by, wrong = clean_text(raw["by"])
        if wrong:
            issues.append((f"by {wrong}", None))
        else:
            clean["by"] = by
    if raw.get("source"):
        source, wrong = clean_url(raw["source"])
        if wrong:
            issues.append((f"source {wrong}", None))
        else:
            clean["source"] = source
    return clean, issues


def parse_texts(limit: int = MAX_TEXT):
    """A list of short texts (a single text is a list of one)."""

    def parse(value, vocab) -> tuple[list[str], Issues]:
        items = value if isinstance(value, list) else [value]
        clean, issues = [], []
        for i, item in enumerate(items[:MAX_ROWS]):
            text, wrong = clean_text(item, limit)
            if wrong:
                issues.append((f"item {i + 1} {wrong}", i))
            elif text not in clean:
                clean.append(text)
        return clean, issues

    return parse


def parse_text(limit: int = MAX_TEXT):
    def parse(value, vocab) -> tuple[str | None, Issues]:
        text, wrong = clean_text(value, limit)
        return text, ([(wrong, None)] if wrong else [])

    return parse
