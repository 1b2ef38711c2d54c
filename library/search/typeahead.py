"""Suggestions as you type: titles, cities, themes and programmes whose words begin with what
was typed, unaccented and in any case, in the interface language.

Titles come from the index's `title_sort` column (each title folded and lower-cased): every
word of every title goes into one sorted list with, beside it, the documents whose titles have
it, so a typed prefix is two binary searches and a slice, whatever the size of the library.
Several typed words must all begin words of the title. A word that begins none is tried again
shortened by its last letters (an inflected ending: `romskych` still reaches `romske`). One
version per resource is offered, the interface language's when it has one. Cities, themes and
programmes are matched the same way against their names in every language and shown with
their label in the interface language.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

import numpy as np

from indexer.contract.vocabulary import Vocabulary
from indexer.language.analysis import fold

from .snapshot import Snapshot

TITLES = 6
TERMS = 4
MIN_PREFIX = 2
MIN_STEM = 4
ENDING = 3  # letters an inflected ending may differ by
MAX_WORDS = 6
_SPLIT = re.compile(r"[^\w]+")


@dataclass(frozen=True)
class Suggestion:
    kind: str  # title, city, theme, programme
    label: str
    value: str  # the resource id, or the slug
    language: str = ""  # of a title


def _words(text: str) -> list[str]:
    return [w for w in _SPLIT.split(fold(text).lower()) if len(w) >= MIN_PREFIX]


class TitleWords:
    """Sorted title words and the documents of each, built once per snapshot."""

    def __init__(self, snapshot: Snapshot) -> None:
        titles = snapshot.column("title_sort")
        pairs: dict[str, list[int]] = {}
        length = np.zeros(snapshot.size, dtype=np.int32)
        for doc, title in enumerate(titles):
            if not snapshot.live[doc]:
                continue
            length[doc] = len(title)
            for word in set(_words(title)):
                pairs.setdefault(word, []).append(doc)
        self.words = sorted(pairs)
        counts = np.array([len(pairs[w]) for w in self.words], dtype=np.int64)
        self.starts = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        self.docs = (
            np.concatenate([np.array(pairs[w], dtype=np.int32) for w in self.words])
            if self.words
            else np.zeros(0, dtype=np.int32)
        )
        self.length = length

    def with_prefix(self, prefix: str) -> np.ndarray:
        low = bisect_left(self.words, prefix)
        high = bisect_left(self.words, prefix + "\uffff", low)
        if low == high:
            return np.zeros(0, dtype=np.int32)
        return self.docs[self.starts[low] : self.starts[high]]


def title_words(snapshot: Snapshot) -> TitleWords:
    return snapshot.kept("typeahead", lambda: TitleWords(snapshot))


def titles(snapshot: Snapshot, typed: str, ui: str, limit: int = TITLES) -> list[int]:
    """Documents whose titles begin words with every typed word, one per resource."""
    words = _words(typed)[:MAX_WORDS]
    if not words:
        return []
    index = title_words(snapshot)
    found = None
    for word in words:
        docs = index.with_prefix(word)
        if not docs.size and len(word) > MIN_STEM:
            docs = index.with_prefix(word[: max(MIN_STEM, len(word) - ENDING)])
        docs = np.unique(docs)
        found = docs if found is None else np.intersect1d(found, docs, assume_unique=True)
        if not found.size:
            return []
    in_ui = snapshot.mask(snapshot.facet("language").docs_of(ui))
    order = np.lexsort((found, index.length[found], ~in_ui[found]))
    chosen, seen = [], set()
    for doc in found[order].tolist():
        resource = int(snapshot.resource[doc])
        if resource in seen:
            continue
        seen.add(resource)
        chosen.append(_reader_version(snapshot, doc, in_ui))
        if len(chosen) >= limit:
            break
    return chosen


def _reader_version(snapshot: Snapshot, doc: int, in_ui: np.ndarray) -> int:
    """The interface language's version of doc's resource when it has one, else doc."""
    if in_ui[doc]:
        return doc
    for version in snapshot.versions(int(snapshot.resource[doc])).tolist():
        if snapshot.live[version] and in_ui[version]:
            return version
    return doc


def terms(vocab: Vocabulary, typed: str, ui: str, limit: int = TERMS) -> list[Suggestion]:
    """Cities, themes and programmes with a name whose words begin with the typed words."""
    words = _words(typed)[:MAX_WORDS]
    if not words:
        return []
    found: list[Suggestion] = []
    for kind, slug, names in _named(vocab):
        if any(all(any(w.startswith(t) for w in name) for t in words) for name in names):
            term = vocab.cities.get(slug) if kind == "city" else _term(vocab, kind, slug)
            found.append(Suggestion(kind, term.label(ui), slug))
    found.sort(key=lambda s: (not _begins(words, s.label), len(s.label), s.label))
    return found[:limit]


def _term(vocab: Vocabulary, kind: str, slug: str):
    return (vocab.themes if kind == "theme" else vocab.projects)[slug]


def _named(vocab: Vocabulary) -> list[tuple[str, str, list[list[str]]]]:
    """(kind, slug, the words of each of its names), worked out once per vocabulary."""
    cached = vocab.__dict__.get("_typeahead_names")
    if cached is None:
        entries = [
            ("city", c.slug, [c.slug, c.name, *c.names.values()]) for c in vocab.cities.values()
        ]
        entries += [
            ("theme", t.slug, [*t.labels.values(), *_flat(t.synonyms)])
            for t in vocab.themes.values()
        ]
        entries += [("programme", t.slug, [t.slug, *t.names, *t.labels.values()])
                    for t in vocab.projects.values()]  # fmt: skip
        cached = [(kind, slug, [_words(n) for n in names]) for kind, slug, names in entries]
        vocab.__dict__["_typeahead_names"] = cached
    return cached


def _flat(synonyms: dict[str, list[str]]) -> list[str]:
    return [word for words in synonyms.values() for word in words]


def _begins(typed: list[str], name: str) -> bool:
    words = _words(name)
    return all(any(w.startswith(t) for w in words) for t in typed)
