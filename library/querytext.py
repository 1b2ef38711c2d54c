"""What a visitor typed, taken apart: words, "quoted phrases", -excluded words, field:value filters.

Pure Python and forgiving: anything it cannot use is dropped and named, never an error.
The limits are named here and quoted in the page that explains them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .models import FACETS

MAX_QUERY_CHARS = 300
MAX_WORDS = 12
MAX_WORD_CHARS = 60
# Field names a visitor may use in `field:value`; each maps to a facet.
FIELD_ALIASES = {facet: facet for facet in FACETS} | {
    "themes": "theme",
    "cities": "city",
    "countries": "country",
    "lang": "language",
    "steps": "step",
}
_TOKEN = re.compile(r'(-?)(?:"([^"]*)"?|(\S+))')
_WORD = re.compile(r"\w+(?:['’-]\w+)*")


@dataclass
class ParsedQuery:
    words: list[str] = field(default_factory=list)
    phrases: list[list[str]] = field(default_factory=list)
    excluded: list[list[str]] = field(default_factory=list)
    filters: dict[str, list[str]] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.words or self.phrases)


def parse(q: str) -> ParsedQuery:
    parsed = ParsedQuery()
    text = (q or "")[:MAX_QUERY_CHARS]
    if len(q or "") > MAX_QUERY_CHARS:
        parsed.ignored.append(f"characters after the first {MAX_QUERY_CHARS}")
    for match in _TOKEN.finditer(text):
        negative, phrase, bare = match.group(1) == "-", match.group(2), match.group(3)
        if phrase is not None:
            _add_words(parsed, words(phrase), negative, as_phrase=True)
        elif bare and not _field_filter(parsed, bare, negative):
            _add_words(parsed, words(bare), negative, as_phrase=False)
    _limit(parsed)
    return parsed


def words(text: str) -> list[str]:
    """Word tokens, without query syntax, each at most MAX_WORD_CHARS long."""
    return [w[:MAX_WORD_CHARS] for w in _WORD.findall(text)]


def _field_filter(parsed: ParsedQuery, token: str, negative: bool) -> bool:
    name, sep, value = token.partition(":")
    facet = FIELD_ALIASES.get(name.lower())
    if not sep or facet is None:
        return False
    if negative or not value:
        parsed.ignored.append(token)
        return True
    parsed.filters.setdefault(facet, []).append(value.strip())
    return True


def _add_words(parsed: ParsedQuery, found: list[str], negative: bool, as_phrase: bool) -> None:
    if not found:
        return
    if negative:
        parsed.excluded.append(found)
    elif as_phrase and len(found) > 1:
        parsed.phrases.append(found)
    else:
        parsed.words.extend(found)


def _limit(parsed: ParsedQuery) -> None:
    if len(parsed.words) > MAX_WORDS:
        parsed.ignored.extend(parsed.words[MAX_WORDS:])
        del parsed.words[MAX_WORDS:]
    del parsed.phrases[4:]
    del parsed.excluded[8:]
