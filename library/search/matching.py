"""Which documents a query matches, and their scores, computed over whole arrays.

Each word's score is the sum of its terms' BM25F scores times their boosts (Whoosh's Or); the
query's score is the sum over words and phrases (Whoosh's And). All words must match; when no
document has them all, any word will do and ``any_word`` says so. Phrases match by position in
the neutral ``all`` field. Excluded words and phrases remove documents. Resources tagged with a
theme the words name are added after, as ``theme_only``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .plan import QueryPlan, Terms
from .snapshot import Snapshot

PHRASE_FIELD = "all"
_NOTHING = (np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float32))


@dataclass
class Match:
    docs: np.ndarray  # bool per document: matched (text or theme), live
    scores: np.ndarray  # float per document (0 where not matched by text)
    theme_only: np.ndarray  # bool per document: matched only through a theme
    any_word: bool = False


def match(snapshot: Snapshot, plan: QueryPlan) -> Match:
    size = snapshot.size
    no_theme = np.zeros(size, dtype=bool)
    if not plan.has_text:
        docs = snapshot.live.copy()
        return Match(_without_excluded(snapshot, plan, docs), np.zeros(size), no_theme)
    parts = [word_scores(snapshot, terms) for terms in plan.words]
    parts += [phrase_scores(snapshot, terms) for terms in plan.phrases]
    scores = np.sum(parts, axis=0) if len(parts) > 1 else parts[0]
    docs = np.logical_and.reduce([p > 0 for p in parts]) if len(parts) > 1 else parts[0] > 0
    any_word = False
    if not docs.any() and len(plan.words) > 1:
        docs = np.logical_or.reduce([p > 0 for p in parts])
        any_word = True
    docs &= snapshot.live
    for terms in plan.optional:  # function words: a little more score, never a condition
        scores = scores + word_scores(snapshot, terms)
    scores = np.where(docs, scores, 0.0)
    theme_only = no_theme
    if plan.themes:
        tagged = np.zeros(size, dtype=bool)
        table = snapshot.facet("theme")
        for slug in plan.themes:
            tagged[table.docs_of(slug)] = True
        theme_only = tagged & ~docs
        docs = docs | theme_only
    docs = _without_excluded(snapshot, plan, docs)
    return Match(docs, scores, theme_only & docs, any_word)


def word_scores(snapshot: Snapshot, terms: Terms) -> np.ndarray:
    """Per document, the summed score of every term the word becomes (0: no match)."""
    ids, values = [], []
    for fieldname, text, boost in terms:
        found, scores = snapshot.scored(fieldname, text)
        if found.size:
            ids.append(found)
            values.append(scores * boost if boost != 1.0 else scores)
    if not ids:
        return np.zeros(snapshot.size)
    return np.bincount(np.concatenate(ids), weights=np.concatenate(values), minlength=snapshot.size)


def phrase_scores(snapshot: Snapshot, terms: list[str]) -> np.ndarray:
    """Per document, the summed scores of the phrase's terms where they stand in order."""
    result = np.zeros(snapshot.size)
    docs, scores = snapshot.remembered(("phrase", *terms), lambda: _phrase(snapshot, terms))
    result[docs] = scores
    return result


def _phrase(snapshot: Snapshot, terms: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(documents, scores) of a phrase: positions are read only for documents holding every
    term, and the answer is remembered for the snapshot's life."""
    found = [snapshot.scored(PHRASE_FIELD, t) for t in terms]
    if any(not ids.size for ids, _ in found):
        return _NOTHING
    if len(terms) == 1:
        return found[0]
    candidates = found[0][0]
    for ids, _ in found[1:]:
        candidates = np.intersect1d(candidates, ids, assume_unique=True)
    if not candidates.size:
        return _NOTHING
    keep = _in_order(snapshot, terms, candidates)
    total = np.zeros(keep.size, dtype=np.float32)
    for ids, scores in found:
        total += scores[np.searchsorted(ids, keep)]
    return keep, total


def _in_order(snapshot: Snapshot, terms: list[str], candidates: np.ndarray) -> np.ndarray:
    """The candidate documents where the terms follow one another."""
    positions = [snapshot.positions(PHRASE_FIELD, t, candidates) for t in terms]
    keep = []
    for doc in candidates.tolist():
        starts = set(positions[0].get(doc, ()))
        for offset, found in enumerate(positions[1:], start=1):
            starts &= {p - offset for p in found.get(doc, ())}
            if not starts:
                break
        if starts:
            keep.append(doc)
    return np.asarray(keep, dtype=np.int32)


def _without_excluded(snapshot: Snapshot, plan: QueryPlan, docs: np.ndarray) -> np.ndarray:
    for terms in plan.excluded_words:
        docs &= word_scores(snapshot, terms) <= 0
    for terms in plan.excluded_phrases:
        docs &= phrase_scores(snapshot, terms) <= 0
    return docs
