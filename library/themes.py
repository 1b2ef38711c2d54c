"""Cross-language search through the vocabulary: which themes a visitor's words name.

`bydlení`, `жилище`, `lakhatás` and `housing` are all labels or synonyms of the theme `housing`,
so a query with any of them also reaches resources tagged with it, in every language.
Words are compared folded (no accents, lower case) and allowing a different inflected ending.
"""

from __future__ import annotations

from indexer.contract.vocabulary import Vocabulary
from indexer.language.analysis import fold

from .querytext import words as split_words

MIN_STEM = 4
SHARED_PREFIX = 0.8
MEMO_SIZE = 4096  # queries remembered per vocabulary


def _key(word: str) -> str:
    return fold(word).casefold()


def same_word(a: str, b: str) -> bool:
    """True when two folded words are equal or differ only in an inflected ending."""
    if a == b:
        return True
    shorter = min(len(a), len(b))
    if shorter < MIN_STEM + 1:
        return False
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    return common >= MIN_STEM and common >= SHARED_PREFIX * shorter


def _phrases(vocab: Vocabulary) -> list[tuple[str, list[str]]]:
    cached = vocab.__dict__.get("_theme_phrases")
    if cached is None:
        cached = []
        for term in vocab.themes.values():
            names = [term.slug.replace("-", " "), *term.labels.values()]
            names += [s for terms in term.synonyms.values() for s in terms]
            for name in names:
                keys = [_key(w) for w in split_words(name)]
                if keys:
                    cached.append((term.slug, keys))
        vocab.__dict__["_theme_phrases"] = cached
    return cached


def matching_themes(vocab: Vocabulary, words: list[str], phrases: list[list[str]]) -> list[str]:
    """Theme slugs whose label or synonym is fully contained in the query's words."""
    typed = [_key(w) for w in [*words, *(w for p in phrases for w in p)]]
    if not typed:
        return []
    memo = vocab.__dict__.setdefault("_theme_matches", {})
    key = tuple(typed)
    if key not in memo:
        if len(memo) >= MEMO_SIZE:
            memo.clear()
        memo[key] = _matching(vocab, typed)
    return list(memo[key])


def _matching(vocab: Vocabulary, typed: list[str]) -> list[str]:
    found: list[str] = []
    for slug, keys in _phrases(vocab):
        if slug in found or len(keys) > len(typed):
            continue
        if all(any(same_word(k, t) for t in typed) for k in keys):
            found.append(slug)
    return found
