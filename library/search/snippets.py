"""The passage shown under a result: where most query words meet, with those words marked.

Only the shown results get a snippet, and the whole text is never analysed word by word:

1. The text is folded letter for letter (``š`` → ``s``, offsets unchanged) and one regular
   expression finds the words that begin like a query word (first two folded letters). Only
   those are keyed as the index keys them without the lemma (folded stem, first letters,
   neutral form); the ones whose key meets the query word's are hits.
2. The window of ``SNIPPET_CHARS`` holding the most distinct query words wins (then the most
   hits, then the earliest); a second window is added when it shows words the first lacks.
3. Inside the chosen windows every word is keyed with its lemma too, so an irregular form
   (``dětí`` for ``dítě``) is marked as well; the lemmatiser sees a few dozen words at most.

Marks go around whole words as they stand in the text; function words are never marked; a
passage starts and ends on word boundaries, with "…" where the text goes on.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from indexer.language import analysis, stopwords

SNIPPET_CHARS = 220
LEAD_CHARS = 60
MAX_PASSAGES = 2
PREFIX = 2
LATIN_TYPED = frozenset(analysis.EXTRA_KINDS["latin"][1])  # Bulgarian, Greek typed in Latin
LATIN_SCAN = 3_000  # characters of a text looked at word by word for Latin-typed words
ELLIPSIS = "…"
_LETTERS = re.compile(r"(?:[^\W_][\u0300-\u036f]*)+")


class _OneLetterFold(dict):
    """``str.translate`` table: each character to the first letter of its folded, lower-case
    form, so the folded text keeps every offset of the original."""

    def __missing__(self, code: int) -> str:
        # fold drops combining marks, so a mark on its own keeps its place as itself
        char = analysis.fold(chr(code)).lower()[:1] or chr(code)
        self[code] = char
        return char


_ONE_LETTER = _OneLetterFold()


@dataclass
class _Query:
    """The query words' keys for one document language: key -> index of the word."""

    lang: str
    count: int
    cheap: dict[str, dict[str, int]]
    full: dict[str, dict[str, int]]
    finder: re.Pattern | None
    latin: dict[str, int] = field(default_factory=dict)  # Latin-typed words' keys (bg, el)


@lru_cache(maxsize=256)
def _query(lang: str, words: tuple[str, ...]) -> _Query:
    kinds = ("folded", "trunc") if lang in analysis.SPECS else ()
    cheap: dict[str, dict[str, int]] = {"neutral": {}, **{k: {} for k in kinds}}
    full: dict[str, dict[str, int]] = {}
    prefixes = set()
    for i, word in enumerate(words):
        for key in analysis.terms("xx", word, "neutral", mode="query"):
            cheap["neutral"].setdefault(key, i)
            prefixes.add(key[:PREFIX].lower())
        for kind in kinds:
            for key in analysis.terms(lang, word, kind, mode="query"):
                cheap[kind].setdefault(key, i)
        if lang in analysis.SPECS:
            for kind in ("precise", "folded", "trunc"):
                for key in analysis.terms(lang, word, kind, mode="query"):
                    full.setdefault(kind, {}).setdefault(key, i)
    prefixes.discard("")
    latin: dict[str, int] = {}
    if lang in LATIN_TYPED:
        for i, word in enumerate(words):
            if word.isascii():
                for key in analysis.terms(lang, word, "latin", mode="query"):
                    latin.setdefault(key, i)
    finder = None
    if prefixes:
        alternatives = "|".join(sorted(map(re.escape, prefixes), key=len, reverse=True))
        finder = re.compile(rf"(?<![^\W_])(?:{alternatives})(?:[^\W_][\u0300-\u036f]*)*")
    return _Query(lang, len(words), cheap, full, finder, latin)


@lru_cache(maxsize=65536)
def _cheap_keys(lang: str, lowered: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if stopwords.is_stopword(lang, lowered):
        return ()
    found = [("neutral", (analysis.fold(lowered),))]
    if lang in analysis.SPECS:
        found += [(kind, analysis.keys(kind, lang, lowered)) for kind in ("folded", "trunc")]
    return tuple(found)


@lru_cache(maxsize=16384)
def _full_keys(lang: str, lowered: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if lang not in analysis.SPECS or stopwords.is_stopword(lang, lowered):
        return ()
    return tuple(
        (kind, analysis.keys(kind, lang, lowered, True)) for kind in ("precise", "folded", "trunc")
    )


@lru_cache(maxsize=16384)
def _lowered(word: str) -> str:
    """A word of a text as analysis sees it, normalised and lower-cased (words repeat)."""
    return analysis.normalise(word).lower()


def _hit(keys, table: dict[str, dict[str, int]]) -> int:
    for kind, found in keys:
        wanted = table.get(kind)
        if wanted:
            for key in found:
                if key in wanted:
                    return wanted[key]
    return -1


@dataclass
class _Mark:
    start: int
    end: int
    word: int  # index of the query word it matches


class Snippet(NamedTuple):
    html: str  # safe HTML
    file: str = ""  # the attached file the passage comes from, if not the text itself
    page: int = 0  # its page, for a PDF


def snippet(stored: dict, words: list[str]) -> Snippet:
    """The best passage, with matched words in <mark>: from the summary and text, else from the
    first attached file (and page) where the words are."""
    text = " ".join(x for x in (stored.get("summary", ""), stored.get("text", "")) if x)
    content = [w for w in words if not stopwords.stopword_languages(w)] or words
    if content:
        query = _query(
            analysis.analysed_as(stored.get("language", "")), tuple(w.lower() for w in content)
        )
        found = _passage(text, query)
        if found:
            return Snippet(found)
        for name, kind, number, page in _pages(stored):
            found = _passage(page, query)
            if found:
                return Snippet(found, name, number if kind == "pdf" else 0)
    fallback = stored.get("summary") or stored.get("text", "")
    if not fallback:
        for _name, _kind, _number, page in _pages(stored):
            fallback = page
            break
    return Snippet(_plain(fallback))


def _passage(text: str, query: _Query) -> str:
    if not text:
        return ""
    windows = _windows(text, _cheap_marks(text, query), query.count)
    return f" {ELLIPSIS} ".join(_render(text, a, b, query) for a, b in windows)


def _pages(stored: dict) -> Iterator[tuple[str, str, int, str]]:
    """(file name, type, page number from 1, page text) of every attached file."""
    raw = stored.get("attachments")
    if not raw:
        return
    try:
        files = json.loads(raw)
    except ValueError:
        return
    for item in files:
        for number, page in enumerate(item.get("pages") or (), start=1):
            yield item.get("name", ""), item.get("type", ""), number, page


def _cheap_marks(text: str, query: _Query) -> list[_Mark]:
    marks = _prefix_marks(text, query)
    if query.latin and len({m.word for m in marks}) < query.count:
        marks += _latin_marks(text, query)
    return marks


def _prefix_marks(text: str, query: _Query) -> list[_Mark]:
    marks: list[_Mark] = []
    if query.finder is None:
        return marks
    folded = text.translate(_ONE_LETTER)
    for found in query.finder.finditer(folded):
        start, end = found.span()
        word = text[start:end]
        index = _hit(_cheap_keys(query.lang, _lowered(word)), query.cheap)
        if index >= 0:
            marks.append(_Mark(start, end, index))
    return marks


def _latin_marks(text: str, query: _Query) -> list[_Mark]:
    """Words of a Bulgarian or Greek text that a Latin-typed query word stands for (their
    Latin keys agree), from the start of a long text only."""
    marks = []
    for found in _LETTERS.finditer(text, 0, LATIN_SCAN):
        word = found.group()
        if word.isascii():
            continue
        for key in _latin_keys(query.lang, _lowered(word)):
            index = query.latin.get(key)
            if index is not None:
                marks.append(_Mark(found.start(), found.end(), index))
                break
    return marks


@lru_cache(maxsize=65536)
def _latin_keys(lang: str, lowered: str) -> tuple[str, ...]:
    return analysis.keys("latin", lang, lowered, True)


def _windows(text: str, marks: list[_Mark], wanted: int) -> list[tuple[int, int]]:
    """Up to MAX_PASSAGES (start, end) character ranges on word boundaries, in text order."""
    chosen: list[tuple[int, int]] = []
    covered: set[int] = set()
    for _ in range(MAX_PASSAGES):
        best, best_key = None, None
        for anchor in marks:
            start = _word_start(text, max(0, anchor.start - LEAD_CHARS))
            end = _word_end(text, min(len(text), start + SNIPPET_CHARS))
            if any(not (end <= a or start >= b) for a, b in chosen):
                continue
            inside = [m.word for m in marks if start <= m.start and m.end <= end]
            new = set(inside) - covered
            key = (len(new), len(inside), -start)
            if new and (best_key is None or key > best_key):
                best, best_key = (start, end, set(inside)), key
        if best is None:
            break
        chosen.append(best[:2])
        covered |= best[2]
        if len(covered) >= wanted:
            break
    return sorted(chosen)


def _word_start(text: str, at: int) -> int:
    """at, moved back to the start of the word it falls in."""
    while at > 0 and not text[at - 1].isspace():
        at -= 1
    return at


def _word_end(text: str, at: int) -> int:
    """at, moved back to the end of the last whole word before it (or to the end of text)."""
    if at >= len(text):
        return len(text)
    if text[at].isspace():
        return at
    cut = at
    while cut > 0 and not text[cut - 1].isspace():
        cut -= 1
    return cut if cut > 0 else at


def _render(text: str, start: int, end: int, query: _Query) -> str:
    part = text[start:end].rstrip()
    parts = [] if start == 0 else [ELLIPSIS + " "]
    cursor = 0
    for found in _LETTERS.finditer(part):
        lowered = _lowered(found.group())
        index = _hit(_full_keys(query.lang, lowered), query.full)
        if index < 0:
            index = _hit(_cheap_keys(query.lang, lowered), query.cheap)
        if index < 0 and query.latin and not lowered.isascii():
            index = _hit((("latin", _latin_keys(query.lang, lowered)),), {"latin": query.latin})
        if index < 0:
            continue
        parts.append(html.escape(part[cursor : found.start()], quote=False))
        parts.append(f"<mark>{html.escape(found.group(), quote=False)}</mark>")
        cursor = found.end()
    parts.append(html.escape(part[cursor:], quote=False))
    if start + len(part) < len(text.rstrip()):
        parts.append(" " + ELLIPSIS)
    return "".join(parts)


def _plain(text: str) -> str:
    cut = text[:SNIPPET_CHARS]
    if len(text) > SNIPPET_CHARS:
        cut = cut.rsplit(" ", 1)[0] + " " + ELLIPSIS
    return html.escape(cut, quote=False)
