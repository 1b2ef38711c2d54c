"""What a query asks of the index: each typed word as the terms it becomes in every language.

A word is analysed once per process for every language's field kinds (``precise``,
``folded``, ``trunc``, and ``latin`` for Bulgarian and Greek) in title and body, plus the neutral
``all`` field; each (field, term) carries the boost of its kind and field. Function words are
optional and read only in the languages whose function words they are. Phrases are matched on
``all`` by position; excluded words and phrases remove documents; words that name a theme bring
in resources tagged with it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from indexer.contract.vocabulary import Vocabulary
from indexer.language import analysis, stopwords
from indexer.writing.schema import body_field, title_field

from .. import querytext
from ..themes import matching_themes

TITLE_BOOST = 2.0
NEUTRAL_BOOST = 0.6
WORD_CACHE_SIZE = 4096

Terms = tuple[tuple[str, str, float], ...]  # (field, term, boost)


@dataclass
class QueryPlan:
    words: list[Terms] = field(default_factory=list)
    # Function words (``ve``, ``the``, ``на``): they add to the score where they occur but do not
    # decide what matches, and are read only in the languages they belong to.
    optional: list[Terms] = field(default_factory=list)
    content_words: list[str] = field(default_factory=list)
    language: str | None = None  # the language the query is most likely in
    phrases: list[list[str]] = field(default_factory=list)  # neutral terms, in order
    excluded_words: list[Terms] = field(default_factory=list)
    excluded_phrases: list[list[str]] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    highlight_words: list[str] = field(default_factory=list)

    @property
    def has_text(self) -> bool:
        return bool(self.words or self.phrases)

    @classmethod
    def make(
        cls,
        schema,
        parsed: querytext.ParsedQuery,
        vocab: Vocabulary,
        language_of: Callable[[list[str]], str] | None = None,
        knows: Callable[[str, str], bool] | None = None,
    ) -> QueryPlan:
        """The plan of a parsed query. ``language_of(words)`` names the language the query is
        in and ``knows(language, word)`` says whether its documents have the word; with them,
        function words are told apart (see ``function_words``)."""
        plan = cls()
        small = function_words(parsed.words, language_of, knows)
        plan.language = small.language
        content = [w for w in parsed.words if w not in small.words]
        plan.content_words = content
        plan.words = [t for t in (word_terms(schema, w) for w in content) if t]
        plan.optional = [
            t
            for t in (
                word_terms(schema, w, tuple(sorted(stopwords.stopword_languages(w))))
                for w in small.words
            )
            if t
        ]
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
            plan.themes = matching_themes(vocab, content, parsed.phrases)
        plan.highlight_words = content + [w for p in parsed.phrases for w in p]
        return plan


@dataclass
class _Small:
    words: list[str]
    language: str | None


def function_words(
    words: list[str],
    language_of: Callable[[list[str]], str] | None,
    knows: Callable[[str, str], bool] | None,
) -> _Small:
    """The words of a query that are function words, and the query's language.

    The language is read from the words that are no language's function words (all words when
    there are none). A listed word is then a function word when it is one in that language, or
    when that language's documents do not have it at all: Czech ``ve`` in a Czech query, English
    ``the`` before a Czech word; but Slovene ``les`` (wood) stays a word in a Slovene query
    though it is a French article. A query made only of function words keeps them all."""
    listed = [w for w in words if stopwords.stopword_languages(w)]
    candidates = [w for w in words if w not in listed] or words
    language = language_of(candidates) if language_of and candidates else None
    if len(listed) == len(words):
        return _Small([], language)
    small = []
    for word in listed:
        if language is None or language in stopwords.stopword_languages(word):
            small.append(word)
        elif knows is None or not knows(language, word):
            small.append(word)
    return _Small(small, language)


def phrase_terms(words: list[str]) -> list[str]:
    return [t for w in words for t in analysis.terms("xx", w, "neutral", mode="query")]


_cache: dict[tuple, Terms] = {}
_cache_lock = threading.Lock()


def word_terms(schema, word: str, languages: tuple[str, ...] = analysis.LANGUAGES) -> Terms:
    """(field, term, boost) for one typed word in the given languages (all by default),
    memoised per process."""
    key = (word, languages)
    found = _cache.get(key)
    if found is None:
        found = _analyse_word(schema, word, languages)
        with _cache_lock:
            if len(_cache) >= WORD_CACHE_SIZE:
                _cache.clear()
            _cache[key] = found
    return found


def _analyse_word(schema, word: str, languages: tuple[str, ...]) -> Terms:
    found: dict[tuple[str, str], float] = {}
    for lang in languages:
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
