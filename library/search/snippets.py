"""The passage shown under a result: where most query words meet, with those words marked.

Only the shown results get a snippet. Words of the text are compared with the query words as
the index compares them (same keys per language and kind), in two steps so that the
lemmatiser, the costly part, runs only on the few dozen words of the chosen passage:

1. every word is keyed without its lemma (folded stem, first letters, neutral form) and the
   window of ``SNIPPET_CHARS`` with the most distinct query words wins (then the most hits,
   then the earliest);
2. inside that window the remaining words are keyed with their lemma too, so an irregular
   form (``dětí`` for ``dítě``) is marked as well.

Marks go around whole words as they stand in the text; function words are never marked; a
passage starts and ends on word boundaries, with "…" where the text goes on.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from indexer import analysis, stopwords

SNIPPET_CHARS = 220
LEAD_CHARS = 60
MAX_PASSAGES = 2
ELLIPSIS = "…"


@dataclass
class _Word:
    start: int
    end: int
    text: str
    hit: int = -1  # index of the query word it matches


def snippet(stored: dict, words: list[str]) -> str:
    """Safe HTML: the best passage of the summary and text with matched words in <mark>."""
    text = " ".join(x for x in (stored.get("summary", ""), stored.get("text", "")) if x)
    lang = stored.get("language", "")
    content = [w for w in words if not _function_word(w)] or words
    if content and text:
        tokens = _tokens(text)
        query = [_query_keys(lang, w) for w in content]
        for token in tokens:
            token.hit = _cheap_hit(lang, token.text, query)
        passages = _passages(tokens, len(content))
        if passages:
            for first, last in passages:
                for token in tokens[first : last + 1]:
                    if token.hit < 0 and not stopwords.is_stopword(lang, token.text):
                        token.hit = _full_hit(lang, token.text, query)
            return f" {ELLIPSIS} ".join(_render(text, tokens, a, b) for a, b in passages)
    plain = stored.get("summary") or stored.get("text", "")
    return _plain(plain)


def _function_word(word: str) -> bool:
    return bool(stopwords.stopword_languages(word))


def _tokens(text: str) -> list[_Word]:
    return [_Word(s, e, w) for w, s, e, compound in analysis.words(text) if not compound]


def _kinds(lang: str) -> tuple[str, ...]:
    return ("folded", "trunc") if lang in analysis.SPECS else ()


def _query_keys(lang: str, word: str) -> dict[str, frozenset[str]]:
    keys = {"neutral": frozenset(analysis.terms("xx", word, "neutral", mode="query"))}
    for kind in (*_kinds(lang), "precise") if lang in analysis.SPECS else ():
        keys[kind] = frozenset(analysis.terms(lang, word, kind, mode="query"))
    return keys


def _cheap_hit(lang: str, word: str, query: list[dict[str, frozenset[str]]]) -> int:
    lowered = word.lower()
    if stopwords.is_stopword(lang, lowered):
        return -1
    neutral = analysis.fold(lowered)
    mine = {kind: analysis.keys(kind, lang, lowered) for kind in _kinds(lang)}
    for i, keys in enumerate(query):
        if neutral in keys["neutral"]:
            return i
        if any(k in keys[kind] for kind, found in mine.items() for k in found):
            return i
    return -1


def _full_hit(lang: str, word: str, query: list[dict[str, frozenset[str]]]) -> int:
    if lang not in analysis.SPECS:
        return -1
    lowered = word.lower()
    mine = {
        kind: analysis.keys(kind, lang, lowered, True) for kind in ("precise", "folded", "trunc")
    }
    for i, keys in enumerate(query):
        if any(k in keys[kind] for kind, found in mine.items() for k in found):
            return i
    return -1


def _passages(tokens: list[_Word], wanted: int) -> list[tuple[int, int]]:
    """Up to MAX_PASSAGES (first, last) token ranges, best first, then in text order."""
    chosen: list[tuple[int, int]] = []
    covered: set[int] = set()
    for _ in range(MAX_PASSAGES):
        best = _best_window(tokens, covered, chosen)
        if best is None:
            break
        chosen.append(best[1])
        covered |= best[0]
        if len(covered) >= wanted:
            break
    return sorted(chosen)


def _best_window(tokens, covered: set[int], taken: list[tuple[int, int]]):
    best, best_key = None, None
    hits = [i for i, t in enumerate(tokens) if t.hit >= 0]
    for anchor in hits:
        if any(a <= anchor <= b for a, b in taken):
            continue
        first = anchor
        while first > 0 and tokens[anchor].start - tokens[first - 1].start <= LEAD_CHARS:
            first -= 1
        last = first
        while (
            last + 1 < len(tokens) and tokens[last + 1].end - tokens[first].start <= SNIPPET_CHARS
        ):
            last += 1
        if any(not (last < a or first > b) for a, b in taken):
            continue
        inside = [tokens[i].hit for i in hits if first <= i <= last]
        new = set(inside) - covered
        if not new:
            continue
        key = (len(new), len(inside), -anchor)
        if best_key is None or key > best_key:
            best, best_key = (set(inside), (first, last)), key
    return best


def _render(text: str, tokens: list[_Word], first: int, last: int) -> str:
    parts = [] if first == 0 else [ELLIPSIS + " "]
    cursor = tokens[first].start
    for token in tokens[first : last + 1]:
        parts.append(html.escape(text[cursor : token.start], quote=False))
        word = html.escape(text[token.start : token.end], quote=False)
        parts.append(f"<mark>{word}</mark>" if token.hit >= 0 else word)
        cursor = token.end
    if last + 1 < len(tokens):
        parts.append(" " + ELLIPSIS)
    return "".join(parts)


def _plain(text: str) -> str:
    cut = text[:SNIPPET_CHARS]
    if len(text) > SNIPPET_CHARS:
        cut = cut.rsplit(" ", 1)[0] + " " + ELLIPSIS
    return html.escape(cut, quote=False)
