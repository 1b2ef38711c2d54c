"""The fixed mix of queries of the speed benchmark, shared by the HTTP load (load.py) and the
SQLite FTS5 peer (fts5.py) so both answer exactly the same questions.

Six kinds, each with several concrete queries in the languages of the generated library (the
words occur in the shipped content/, from which the corpus draws its sentences): one word, two
words, a "quoted phrase", an inflected word typed without accents, words with two facet
filters, and no words at all (only filters, or nothing). Facet values exist in
content/vocabulary.yml and content/cities.yml.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

KINDS = ("one word", "two words", "phrase", "unaccented", "two filters", "no words")


@dataclass(frozen=True)
class Query:
    kind: str
    q: str
    filters: tuple[tuple[str, str], ...] = ()

    def query_string(self) -> str:
        return urlencode([("q", self.q), *self.filters])

    @property
    def label(self) -> str:
        """How the report names it: the words, then the filters in brackets."""
        filters = " ".join(f"{facet}={value}" for facet, value in self.filters)
        return (
            " ".join(part for part in (self.q, f"[{filters}]" if filters else "") if part) or "''"
        )

    def api_path(self) -> str:
        return f"/api/search?{self.query_string()}"

    def html_path(self) -> str:
        return f"/en/search?{self.query_string()}"


def _kind(kind: str, *queries: str | tuple[str, dict[str, str]]) -> list[Query]:
    made = []
    for query in queries:
        q, filters = (query, {}) if isinstance(query, str) else query
        made.append(Query(kind, q, tuple(filters.items())))
    return made


MIX: list[Query] = [
    *_kind(
        "one word",
        "housing", "bydlení", "образование", "lakhatás", "vivienda", "inclusione", "στέγαση",
        "romilor",
    ),
    *_kind(
        "two words",
        "roma communities", "incluziunea romilor", "población gitana", "ромската общност",
        "lakhatás romák", "místní bydlení",
    ),
    *_kind(
        "phrase",
        '"local action plan"', '"community action group"', '"incluziunea romilor"',
        '"población gitana"', '"ромската общност"',
    ),
    *_kind(
        "unaccented",
        "romskych deti", "bydleni", "byvania", "lakhatasi", "egeszsegugyi", "scolile",
        "locuinte", "comunitara",
    ),
    *_kind(
        "two filters",
        ("roma", {"theme": "housing", "country": "BG"}),
        ("school", {"theme": "education", "country": "RO"}),
        ("bydleni", {"theme": "housing", "country": "CZ"}),
        ("romilor", {"project": "romact", "type": "good-practice"}),
        ("vivienda", {"language": "es", "year": "2015"}),
    ),
    *_kind(
        "no words",
        ("", {"theme": "education"}),
        ("", {"country": "HU", "type": "good-practice"}),
        ("", {"language": "bg", "year": "2012"}),
        "",
    ),
]  # fmt: skip
