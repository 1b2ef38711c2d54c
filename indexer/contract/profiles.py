"""City profiles: one Markdown file per city and language under `content/cities/`.

A profile carries the city's names, country, region and coordinates, dated population figures
and Roma population estimates (each with its source and, for estimates, the method), the
programmes it joined, dated milestones (a ROMACT step or another kind of event) and funded
projects, with a body in the file's language. The same policy as resources: a file without a
title or that cannot be read is rejected alone; any other bad value is a warning naming the
file and line, and only that value (or that row) is left out.

Profiles extend the register of `cities.yml`: a profile's slug, names, country, coordinates and
programmes become the city's, so resources may name the city by any of its names.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..source.markup import MARKUP_VERSION, to_html, to_text
from ..source.readers import (
    PROFILES_FOLDER,
    SUFFIX,
    RawDocument,
    SourceFile,
    read,
    split_language_suffix,
)
from ..source.sourcelist import SOURCES_VERSION, listed_sources, without_sources
from . import structured, vocabulary
from .fields import (
    PLACEHOLDER,
    Field,
    _text,
    parse_countries,
    parse_date,
    parse_language,
    parse_url,
)
from .problems import WARNING, Problem
from .validate import parse_fields, source_problems
from .vocabulary import City, Vocabulary, closest, country_codes, language_codes

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CITY_KINDS = ("city", "municipality", "region", "district", "village")
# Front-matter fields whose rows each name the page they come from, in a profile.
SOURCED_ROWS = ("population", "roma_population", "programmes", "milestones", "funding")


def _slug(value, vocab):
    text = str(value).strip()
    if not SLUG_RE.match(text) or len(text) > 80:
        return None, [(f"'{value}' is not a slug (lower-case ASCII words joined by '-')", None)]
    return text, []


def _names(value, vocab):
    if not isinstance(value, dict):
        return None, [("must be a mapping of language code to name, such as {en: Sofia}", None)]
    clean, issues = {}, []
    for lang, name in value.items():
        code = str(lang).strip().lower()
        text, wrong = structured.clean_text(name, 200)
        if code not in language_codes():
            issues.append((f"'{lang}' is not a language code (ISO 639-1)", None))
        elif wrong:
            issues.append((f"the {code} name {wrong}", None))
        else:
            clean[code] = text
    return clean, issues


def _country(value, vocab):
    if isinstance(value, list):
        return None, [("one country code, not a list", None)]
    clean, issues = parse_countries(value, vocab)
    return (clean[0] if clean else None), [(m, None) for m, _ in issues]


def _kind(value, vocab):
    text = str(value).strip().lower()
    if text not in CITY_KINDS:
        hint = closest(text, list(CITY_KINDS))
        tip = f"did you mean '{hint}'? " if hint else ""
        return None, [(f"unknown kind '{value}' ({tip}one of {', '.join(CITY_KINDS)})", None)]
    return text, []


def _coordinate(low: float, high: float):
    def parse(value, vocab):
        number, wrong = structured.clean_number(value)
        if wrong:
            return None, [(wrong, None)]
        if not low <= number <= high:
            return None, [(f"{number} is out of range ({low} to {high})", None)]
        return float(number), []

    return parse


def _themes(value, vocab):
    items = value if isinstance(value, list) else [value]
    clean, issues = [], []
    parse = structured.clean_slug("themes", "theme")
    for i, item in enumerate(items):
        slug, wrong = parse(item, vocab)
        if wrong:
            issues.append((wrong, i))
        elif slug not in clean:
            clean.append(slug)
    return clean, issues


PROFILE_FIELDS: tuple[Field, ...] = (
    Field("city", False, "the city's slug; defaults to the file name", _slug, essential=True),
    Field("title", True, "the city's name in this file's language", _text(200), essential=True),
    Field("name", False, "the local name, in the local language and script", _text(200)),
    Field("names", False, "the name per language, such as {en: Sofia, bg: София}", _names),
    Field("kind", False, "city, municipality, region, district or village", _kind),
    Field("country", False, "one ISO 3166-1 alpha-2 code, quoted", _country),
    Field("region", False, "the region or province", _text(200)),
    Field("lat", False, "latitude in decimal degrees (WGS 84)", _coordinate(-90, 90)),
    Field("lon", False, "longitude in decimal degrees (WGS 84)", _coordinate(-180, 180)),
    Field("summary", False, "one to three sentences", _text(2000)),
    Field("population", False, structured.EXPECTED["population"], structured.rows("population")),
    Field(
        "roma_population",
        False,
        structured.EXPECTED["roma_population"],
        structured.rows("roma_population"),
    ),
    Field("programmes", False, structured.EXPECTED["programmes"], structured.rows("programmes")),
    Field("milestones", False, structured.EXPECTED["milestones"], structured.rows("milestones")),
    Field("funding", False, structured.EXPECTED["funding"], structured.rows("funding")),
    Field("themes", False, "theme slugs from content/vocabulary.yml", _themes),
    Field("language", False, "an ISO 639-1 code; taken from the file name", parse_language),
    Field("source", False, "the URL of the main source", parse_url),
    Field("accessed", False, "the date the sources were read, YYYY-MM-DD", parse_date),
)
PROFILE_FIELD_NAMES = tuple(f.name for f in PROFILE_FIELDS)


@dataclass
class Profile:
    """One language version of one city's profile."""

    path: str
    slug: str
    language: str
    values: dict = field(default_factory=dict)
    html: str = ""

    def as_data(self) -> dict:
        data = {k: v for k, v in self.values.items() if k not in ("city", "language")}
        return {**data, "path": self.path, "language": self.language, "html": self.html}


def profile_files(content_dir: Path) -> list[SourceFile]:
    """The Markdown files of the profiles folder (not `_` or `.` files, not READMEs)."""
    folder = content_dir / PROFILES_FOLDER
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.rglob(f"*{SUFFIX}")):
        rel = path.relative_to(content_dir).as_posix()
        parts = rel.split("/")
        if any(p.startswith(("_", ".")) for p in parts) or parts[-1] == "README.md":
            continue
        if path.is_file():
            found.append(SourceFile(rel, path))
    return found


def is_profile_path(relpath: str) -> bool:
    parts = relpath.split("/")
    return (
        len(parts) > 1
        and parts[0] == PROFILES_FOLDER
        and parts[-1].endswith(SUFFIX)
        and parts[-1] != "README.md"
        and not any(p.startswith(("_", ".")) for p in parts)
    )


def read_profile(source: SourceFile, vocab: Vocabulary) -> tuple[Profile | None, list[Problem]]:
    """Read and check one profile file."""
    doc, problems = read(source)
    if doc is None:
        return None, problems
    values, found = _parse(doc, vocab)
    problems += found
    if any(p.is_error for p in problems):
        return None, problems
    stem, suffix = split_language_suffix(doc.relpath)
    if suffix is not None and suffix not in language_codes():
        stem, suffix = doc.relpath[: -len(SUFFIX)], None
    language = suffix or values.get("language")
    if not language:
        problems.append(
            Problem(
                doc.relpath,
                1,
                "language",
                "name the file city.LL.md (such as sofia.bg.md) or add 'language: LL'",
            )
        )
        return None, problems
    if values.get("language") and suffix and values["language"] != suffix:
        problems.append(
            Problem(
                doc.relpath,
                doc.line("language"),
                "language",
                f"'{values['language']}' but the file name says '{suffix}'; '{suffix}' is used",
                WARNING,
            )
        )
    slug = values.get("city") or unicodedata.normalize("NFC", stem.rsplit("/", 1)[-1])
    if not SLUG_RE.match(slug):
        problems.append(
            Problem(
                doc.relpath,
                1,
                "city",
                f"the file name makes the slug '{slug}', which is not lower-case ASCII words "
                "joined by '-'; rename the file or give it a 'city'",
            )
        )
        return None, problems
    problems += _placeholders(doc, values)
    if any(p.is_error for p in problems):
        return None, problems
    html = to_html(doc.body)
    values["text"] = to_text(without_sources(html))
    values["sources"] = listed_sources(html)
    problems += source_problems(doc, values["sources"], SOURCED_ROWS)
    return Profile(doc.relpath, slug, language, values, html), problems


def _placeholders(doc: RawDocument, values: dict) -> list[Problem]:
    """A title still reading [[...]] rejects the profile; other places left to fill warn."""
    if PLACEHOLDER.search(values["title"]):
        return [
            Problem(
                doc.relpath,
                doc.line("title"),
                "title",
                f"is still the template's placeholder '{values['title']}'; write the city's name",
            )
        ]
    left = PLACEHOLDER.findall(f"{json.dumps(values, ensure_ascii=False)}\n{doc.body}")
    if not left:
        return []
    shown = ", ".join(f"[[{p[:40]}]]" for p in left[:3])
    return [
        Problem(
            doc.relpath,
            doc.body_line,
            "body",
            f"{len(left)} place(s) from the template still to fill in: {shown}",
            WARNING,
        )
    ]


def _parse(doc: RawDocument, vocab: Vocabulary) -> tuple[dict, list[Problem]]:
    return parse_fields(doc, vocab, PROFILE_FIELDS, "the profile fields")


def load_profiles(
    content_dir: Path, vocab: Vocabulary, cache: Path | None = None
) -> tuple[list[Problem], list[str]]:
    """Read every profile into vocab.cities. Returns the problems and the paths rejected.

    With `cache` (a file beside the index), a profile whose file and vocabulary are unchanged
    since the last build is taken from there instead of being parsed and rendered again: the
    profiles cost a one-file update most of its time."""
    problems: list[Problem] = []
    rejected: list[str] = []
    by_slug: dict[str, dict[str, Profile]] = {}
    earlier = _read_cache(cache, vocab.fingerprint)
    kept: dict[str, tuple] = {}
    for source in profile_files(content_dir):
        key = _stat_key(source.abspath)
        hit = earlier.get(source.relpath)
        if hit is not None and hit[0] == key:
            profile, found = hit[1], list(hit[2])
        else:
            profile, found = read_profile(source, vocab)
        kept[source.relpath] = (key, profile, found)
        problems += found
        if profile is None:
            rejected.append(source.relpath)
            continue
        versions = by_slug.setdefault(profile.slug, {})
        if profile.language in versions:
            other = versions[profile.language].path
            problems.append(
                Problem(
                    profile.path,
                    1,
                    "city",
                    f"'{profile.slug}' in '{profile.language}' is already {other}; "
                    "give each language version its own language suffix",
                )
            )
            rejected.append(profile.path)
            continue
        versions[profile.language] = profile
    for slug, versions in by_slug.items():
        vocab.cities[slug] = _merge(vocab.cities.get(slug), slug, versions)
        problems += _check_country(versions, vocab.cities[slug])
    if cache is not None and kept != earlier:
        _write_cache(cache, vocab.fingerprint, kept)
    return problems, rejected


# What a cached profile holds; bump it when that changes. MARKUP_VERSION and SOURCES_VERSION are
# part of the key too, so a change in how bodies are rendered or read parses every profile again.
CACHE_FORMAT = 4


def _stat_key(path: Path) -> tuple:
    try:
        info = path.stat()
    except OSError:
        return ()
    return (info.st_mtime_ns, info.st_size, info.st_ino)


def _read_cache(cache: Path | None, fingerprint: str) -> dict:
    """Profiles parsed by an earlier build with the same vocabulary; {} when there are none."""
    if cache is None:
        return {}
    try:
        with open(cache, "rb") as handle:
            stored = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError):
        return {}
    if not isinstance(stored, dict) or stored.get("key") != _cache_key(fingerprint):
        return {}
    return stored.get("profiles") or {}


def _cache_key(fingerprint: str) -> tuple:
    return (CACHE_FORMAT, MARKUP_VERSION, SOURCES_VERSION, fingerprint)


def _write_cache(cache: Path, fingerprint: str, profiles: dict) -> None:
    data = pickle.dumps({"key": _cache_key(fingerprint), "profiles": profiles}, protocol=5)
    temporary = cache.with_name(f".{cache.name}.{os.getpid()}")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, cache)
    except OSError:
        temporary.unlink(missing_ok=True)  # no cache only costs time


def _first(versions: dict[str, Profile], key: str):
    """A field from the English version, else from any version that has it."""
    order = sorted(versions.values(), key=lambda p: (p.language != "en", p.language))
    for profile in order:
        if key in profile.values:
            return profile.values[key]
    return None


def _merge(city: City | None, slug: str, versions: dict[str, Profile]) -> City:
    names = dict(city.names) if city else {}
    for profile in versions.values():
        names.update(profile.values.get("names") or {})
    for profile in versions.values():
        names.setdefault(profile.language, profile.values["title"])
    local = _first(versions, "name") or (city.name if city else None)
    if not local:
        local = names.get("en") or next(iter(versions.values())).values["title"]
    projects = list(city.projects) if city else []
    for row in _first(versions, "programmes") or []:
        if row["programme"] not in projects:
            projects.append(row["programme"])
    lat, lon = _first(versions, "lat"), _first(versions, "lon")
    return City(
        slug=slug,
        name=local,
        country=_first(versions, "country") or (city.country if city else ""),
        names=names,
        projects=projects,
        source=_first(versions, "source") or (city.source if city else ""),
        lat=lat if lat is not None else (city.lat if city else None),
        lon=lon if lon is not None else (city.lon if city else None),
        region=_first(versions, "region") or (city.region if city else ""),
        profiles={lang: p.as_data() for lang, p in sorted(versions.items())},
    )


def _check_country(versions: dict[str, Profile], city: City) -> list[Problem]:
    if city.country in country_codes():
        return []
    profile = next(iter(versions.values()))
    return [
        Problem(
            profile.path,
            1,
            "country",
            f'the city has no country; add country: "XX" (ISO 3166-1 alpha-2) to {profile.path}',
            WARNING,
        )
    ]


def register_fingerprint(vocab: Vocabulary) -> str:
    """What of the profiles changes how resources are read: slugs, names, countries and
    programmes. Milestones, figures and texts do not, so editing them never forces a rebuild."""

    rows = [
        (c.slug, c.name, sorted(c.names.items()), c.country, c.projects)
        for c in sorted(vocab.cities.values(), key=lambda c: c.slug)
        if c.profiles
    ]
    return hashlib.sha1(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()


def load(content_dir: Path, cache: Path | None = None) -> tuple[Vocabulary, list[Problem]]:
    """The whole vocabulary: `vocabulary.yml`, the `cities.yml` register and the profiles.
    Errors in a profile reject that profile alone (see `is_profile_path`); `cache`: see
    `load_profiles`."""

    vocab, problems = vocabulary.load(content_dir)
    found, _ = load_profiles(content_dir, vocab, cache)
    problems += found
    combined = f"{vocab.fingerprint}/{register_fingerprint(vocab)}"
    vocab.fingerprint = hashlib.sha1(combined.encode()).hexdigest()
    return vocab, problems


def fatal(problems: list[Problem]) -> bool:
    """Whether problems stop a build: an error in the vocabulary files, not in a profile."""
    return any(p.is_error and not is_profile_path(p.path) for p in problems)


def rejected_profiles(problems: list[Problem]) -> int:
    return len({p.path for p in problems if p.is_error and is_profile_path(p.path)})
