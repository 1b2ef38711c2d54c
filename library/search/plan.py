"""What a query asks of the index: each typed word as the terms it becomes in every language.

A word is analysed once per process for every language's three field kinds (``precise``,
``folded``, ``trunc``) in title and body, plus the neutral ``all`` field; each (field, term)
carries the boost of its kind and field. Phrases are matched on ``all`` by position; excluded
words and phrases remove documents; words that name a theme bring in resources tagged with it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from indexer import analysis
from indexer.schema import body_field, title_field
from indexer.vocabulary import Vocabulary

from .. import querytext
from ..themes import matching_themes

TITLE_BOOST = 2.0
NEUTRAL_BOOST = 0.6
WORD_CACHE_SIZE = 4096

Terms = tuple[tuple[str, str, float], ...]  # (field, term, boost)


@dataclass
class QueryPlan:
    words: list[Terms] = field(default_factory=list)
    phrases: list[list[str]] = field(default_factory=list)  # neutral terms, in order
    excluded_words: list[Terms] = field(default_factory=list)
    excluded_phrases: list[list[str]] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    highlight_words: list[str] = field(default_factory=list)

    @property
    def has_text(self) -> bool:
        return bool(self.words or self.phrases)

    @property
    def parts(self) -> int:
        return len(self.words) + len(self.phrases)

    @classmethod
    def make(cls, schema, parsed: querytext.ParsedQuery, vocab: Vocabulary) -> QueryPlan:
        plan = cls()
        plan.words = [t for t in (word_terms(schema, w) for w in parsed.words) if t]
        plan.phrases = [p for p in (phrase_terms(w) for w in parsed.phrases) if p]
        for excluded in parsed.excluded:
            if len(excluded) > 1:
                terms = phrase_terms(excluded)
                if terms:
                    plan.excluded_phrases.append(terms)
            else:
                terms = word_terms(schema, excluded[0])
                if terms:
                    plan.excluded_words.append(terms)
        if plan.has_text:
            plan.themes = matching_themes(vocab, parsed.words, parsed.phrases)
        plan.highlight_words = parsed.words + [w for p in parsed.phrases for w in p]
        return plan


def phrase_terms(words: list[str]) -> list[str]:
    return [t for w in words for t in analysis.terms("xx", w, "neutral", mode="query")]


_cache: dict[str, Terms] = {}
_cache_lock = threading.Lock()


def word_terms(schema, word: str) -> Terms:
    """(field, term, boost) for one typed word in every language (memoised per process)."""
    found = _cache.get(word)
    if found is None:
        found = _analyse_word(schema, word)
        with _cache_lock:
            if len(_cache) >= WORD_CACHE_SIZE:
                _cache.clear()
            _cache[word] = found
    return found


def _analyse_word(schema, word: str) -> Terms:
    found: dict[tuple[str, str], float] = {}
    for lang in analysis.LANGUAGES:
        for kind, boost in analysis.FIELD_BOOSTS.items():
            texts = analysis.terms(lang, word, kind, mode="query")
            for name, extra in (
                (title_field(kind, lang), TITLE_BOOST),
                (body_field(kind, lang), 1.0),
            ):
                if name not in schema:
                    continue
                for text in texts:
                    key = (name, text)
                    found[key] = max(found.get(key, 0.0), boost * extra)
    for text in analysis.terms("xx", word, "neutral", mode="query"):
        found[("all", text)] = NEUTRAL_BOOST
    return tuple((name, text, boost) for (name, text), boost in found.items())


def warm(schema) -> None:
    """Load every language's analysis before the first visitor waits for it."""
    for word in ("roma", "ромите", "ρομά"):
        word_terms(schema, word)
