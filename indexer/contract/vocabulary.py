"""The controlled vocabulary: themes, types, projects, ROMACT steps, actors and the city register.

Loaded from `vocabulary.yml` and `cities.yml` in the content folder, so editors change it without
touching code. Also owns ISO country and language codes and "did you mean" suggestions.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
import pickle
from dataclasses import dataclass, field, fields, is_dataclass
from functools import cache, lru_cache
from pathlib import Path

import yaml
from babel import Locale

from ..language.analysis import fold
from ..source.readers import ContentLoader
from .problems import WARNING, Problem

VOCABULARY_FILE = "vocabulary.yml"
# Used when a content folder brings no vocabulary of its own.
DEFAULT_DIR = Path(__file__).resolve().parent.parent.parent / "content"
CITIES_FILE = "cities.yml"
KINDS = (
    "themes",
    "types",
    "projects",
    "steps",
    "actors",
    "evidence",
    "milestones",
    "methods",
    "statuses",
    "reports",
)
FALLBACK_LANGUAGE = "en"
# Codes people write that ISO 3166-1 spells otherwise.
COUNTRY_ALIASES = {"UK": "GB", "EL": "GR"}
NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "ZZ"}
EXTRA_LANGUAGES = {"rom": "Romani"}
LANGUAGE_SCRIPTS = {"bg": "cyrillic", "el": "greek", "mk": "cyrillic", "ru": "cyrillic"}


@dataclass(frozen=True)
class Term:
    """One entry of a controlled list, with labels and search synonyms per language."""

    slug: str
    labels: dict[str, str]
    synonyms: dict[str, list[str]] = field(default_factory=dict)
    order: int | None = None
    names: list[str] = field(default_factory=list)
    parent: str | None = None
    details: dict = field(default_factory=dict)

    def label(self, language: str) -> str:
        return self.labels.get(language) or self.labels.get(FALLBACK_LANGUAGE) or self.slug


@dataclass(frozen=True)
class City:
    slug: str
    name: str
    country: str
    names: dict[str, str] = field(default_factory=dict)
    projects: list[str] = field(default_factory=list)
    source: str = ""
    lat: float | None = None
    lon: float | None = None
    region: str = ""
    # Language -> the profile written in that language (see `profiles`): its title, body and
    # structured fields. Empty for a city known only from the register.
    profiles: dict[str, dict] = field(default_factory=dict)

    def label(self, language: str) -> str:
        """The name in that language, else the local name when it is in the same script,
        else the English name (Велинград for Bulgarian readers, Velingrad for Czech ones)."""
        if language in self.names:
            return self.names[language]
        if script(self.name) == LANGUAGE_SCRIPTS.get(language, "latin"):
            return self.name
        return self.names.get(FALLBACK_LANGUAGE) or self.name


def script(text: str) -> str:
    """latin, cyrillic or greek: the script of the first Greek or Cyrillic letter, if any."""
    for char in text:
        if "\u0370" <= char <= "\u03ff" or "\u1f00" <= char <= "\u1fff":  # with polytonic
            return "greek"
        if "\u0400" <= char <= "\u04ff":
            return "cyrillic"
    return "latin"


@dataclass
class Vocabulary:
    themes: dict[str, Term] = field(default_factory=dict)
    types: dict[str, Term] = field(default_factory=dict)
    projects: dict[str, Term] = field(default_factory=dict)
    steps: dict[str, Term] = field(default_factory=dict)
    actors: dict[str, Term] = field(default_factory=dict)
    evidence: dict[str, Term] = field(default_factory=dict)  # levels of evidence of a practice
    milestones: dict[str, Term] = field(default_factory=dict)  # kinds of city milestones
    methods: dict[str, Term] = field(default_factory=dict)  # how a Roma population was counted
    statuses: dict[str, Term] = field(default_factory=dict)  # of a funding row
    reports: dict[str, Term] = field(default_factory=dict)  # what a practice reports (a facet)
    cities: dict[str, City] = field(default_factory=dict)
    ethnonyms: dict[str, list[str]] = field(default_factory=dict)
    languages: list[str] = field(default_factory=list)
    fingerprint: str = ""

    def kind(self, name: str) -> dict[str, Term]:
        return getattr(self, name)

    def resolve_city(self, value: str) -> str | None:
        """A city slug from a slug or any of its names, ignoring case and accents."""
        return _city_index(self).get(fold(str(value)).lower().strip())

    def resolve_project(self, value: str) -> str | None:
        if value in self.projects:
            return value
        key = fold(str(value)).lower().strip()
        for term in self.projects.values():
            if key in {fold(n).lower() for n in (*term.names, *term.labels.values())}:
                return term.slug
        return None

    def to_json(self) -> str:
        # The encoder walks the dataclasses itself (a third of asdict's time: no deep copy).
        return json.dumps(_fields(self), default=_fields, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Vocabulary:
        data = json.loads(text)
        vocab = cls(
            ethnonyms=data["ethnonyms"],
            languages=data["languages"],
            fingerprint=data["fingerprint"],
        )
        for kind in KINDS:
            setattr(vocab, kind, {k: Term(**v) for k, v in data.get(kind, {}).items()})
        vocab.cities = {k: City(**v) for k, v in data["cities"].items()}
        return vocab


def _fields(value) -> dict:
    """A dataclass's fields as a dict, one level deep, for json.dumps to walk."""
    if not is_dataclass(value):
        raise TypeError(f"{type(value).__name__} is not JSON serializable")
    return {f.name: getattr(value, f.name) for f in fields(value)}


def _city_index(vocab: Vocabulary) -> dict[str, str]:
    cached = vocab.__dict__.get("_city_index")
    if cached is None:
        cached = {}
        for city in vocab.cities.values():
            for name in (city.slug, city.name, *city.names.values()):
                cached.setdefault(fold(name).lower().strip(), city.slug)
        vocab.__dict__["_city_index"] = cached
    return cached


def closest(value: str, choices: list[str]) -> str | None:
    """The nearest known value to a mistyped one, or None."""
    matches = difflib.get_close_matches(str(value).lower(), choices, n=1, cutoff=0.6)
    return matches[0] if matches else None


def load(content_dir: Path) -> tuple[Vocabulary, list[Problem]]:
    """Read both vocabulary files; problems name the file and line."""
    vocab = Vocabulary()
    problems: list[Problem] = []
    digest = hashlib.sha1()
    for name in (VOCABULARY_FILE, CITIES_FILE):
        path = content_dir / name
        if not path.exists() and (DEFAULT_DIR / name).exists():
            problems.append(
                Problem(
                    name,
                    1,
                    "file",
                    f"not in {content_dir}; using the library's own {DEFAULT_DIR / name}",
                    WARNING,
                )
            )
            path = DEFAULT_DIR / name
        if not path.exists():
            problems.append(Problem(name, 1, "file", f"missing: the content folder needs {name}"))
            continue
        raw = path.read_bytes()
        digest.update(raw)
        data, found = _load_yaml(name, raw)
        problems += found
        if name == VOCABULARY_FILE:
            problems += _fill_terms(vocab, data, name)
        else:
            problems += _fill_cities(vocab, data, name)
    vocab.fingerprint = digest.hexdigest()
    return vocab, problems


# name -> (the file's bytes, what parsing them gave, pickled): a process that builds again and
# again (the watcher) parses the two files once, not on every save. A pickle, so no caller
# ever shares the kept copy.
_parsed: dict[str, tuple[bytes, bytes]] = {}


def _load_yaml(name: str, raw: bytes) -> tuple[dict, list[Problem]]:
    kept = _parsed.get(name)
    if kept is not None and kept[0] == raw:
        return pickle.loads(kept[1])
    found = _parse_yaml(name, raw)
    _parsed[name] = (raw, pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL))
    return found


def _parse_yaml(name: str, raw: bytes) -> tuple[dict, list[Problem]]:
    try:
        data = yaml.load(raw.decode("utf-8"), Loader=ContentLoader) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        mark = getattr(err, "problem_mark", None)
        return {}, [Problem(name, mark.line + 1 if mark else 1, "file", f"invalid YAML: {err}")]
    if not isinstance(data, dict):
        return {}, [Problem(name, 1, "file", "must be a mapping of lists")]
    return data, []


def _fill_terms(vocab: Vocabulary, data: dict, name: str) -> list[Problem]:
    problems = []
    vocab.languages = [str(x) for x in data.get("languages", [])]
    vocab.ethnonyms = {
        str(k): [str(t) for t in v]
        for k, v in (data.get("ethnonyms") or {}).items()
        if isinstance(v, list)
    }
    for kind in KINDS:
        for entry in data.get(kind) or []:
            if not isinstance(entry, dict) or not entry.get("slug"):
                problems.append(Problem(name, 1, kind, f"an entry without a slug: {entry!r:.60}"))
                continue
            term = _term(entry)
            vocab.kind(kind)[term.slug] = term
    return problems


def _term(entry: dict) -> Term:
    known = {"slug", "labels", "synonyms", "order", "names", "parent"}
    return Term(
        slug=str(entry["slug"]),
        labels={str(k): str(v) for k, v in (entry.get("labels") or {}).items()},
        synonyms={
            str(k): [str(t) for t in v]
            for k, v in (entry.get("synonyms") or {}).items()
            if isinstance(v, list)
        },
        order=entry.get("order") if isinstance(entry.get("order"), int) else None,
        names=[str(n) for n in entry.get("names") or []],
        parent=str(entry["parent"]) if entry.get("parent") else None,
        details={str(k): _plain(v) for k, v in entry.items() if k not in known},
    )


def _plain(value):
    """YAML values as JSON-safe data."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


def _fill_cities(vocab: Vocabulary, data: dict, name: str) -> list[Problem]:
    problems = []
    for entry in data.get("cities") or []:
        if not isinstance(entry, dict) or not entry.get("slug") or not entry.get("name"):
            problems.append(
                Problem(name, 1, "cities", f"a city needs slug and name: {entry!r:.60}")
            )
            continue
        country = str(entry.get("country", "")).upper()
        if country not in country_codes():
            problems.append(
                Problem(name, 1, "cities", f"{entry['slug']}: unknown country code {country!r}")
            )
        vocab.cities[str(entry["slug"])] = City(
            slug=str(entry["slug"]),
            name=str(entry["name"]),
            country=country,
            names={str(k): str(v) for k, v in (entry.get("names") or {}).items()},
            projects=[str(p) for p in entry.get("projects") or []],
            source=str(entry.get("source") or ""),
            lat=_coordinate(entry.get("lat"), 90),
            lon=_coordinate(entry.get("lon"), 180),
        )
    return problems


def _coordinate(value, limit: float) -> float | None:
    """A latitude or longitude from the register, None when absent or not a number in range."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) and -limit <= number <= limit else None


@cache
def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes (with XK for Kosovo, as the EU and the Council of Europe use it)."""
    territories = Locale("en").territories
    return frozenset(
        code
        for code in territories
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    )


@cache
def language_codes() -> frozenset[str]:
    """ISO 639-1 codes, plus 'rom' for Romani, which has no two-letter code."""
    names = Locale("en").languages
    return frozenset({c for c in names if len(c) == 2 and c.isalpha()} | set(EXTRA_LANGUAGES))


@lru_cache(maxsize=4096)
def country_name(code: str, language: str) -> str:
    """A country's name in a language (remembered: a results page names some forty)."""
    try:
        return Locale.parse(language).territories.get(code, code)
    except (ValueError, LookupError):
        return code


@lru_cache(maxsize=4096)
def language_name(code: str, language: str) -> str:
    """A language's name in a language (remembered, as ``country_name``)."""
    if code in EXTRA_LANGUAGES and language == "en":
        return EXTRA_LANGUAGES[code]
    try:
        name = Locale.parse(language).languages.get(code)
    except (ValueError, LookupError):
        name = None
    return name or EXTRA_LANGUAGES.get(code, code)
