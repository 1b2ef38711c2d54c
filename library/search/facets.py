"""Facet filters and disjunctive facet counts, in resources, over boolean document arrays.

Values of one facet combine with OR, different facets with AND. A facet's counts are taken over
the documents that pass every filter but its own, so each count is what selecting that value
alone in its facet would give. Counts are of distinct resources, not language versions.
"""

from __future__ import annotations

import numpy as np

from indexer.contract.vocabulary import Vocabulary
from indexer.writing.schema import FACETS

from ..models import FacetCount
from .labels import facet_label, sort_facet
from .snapshot import Snapshot


def filter_masks(snapshot: Snapshot, filters: dict[str, list[str]]) -> dict[str, np.ndarray]:
    """facet -> documents carrying any of its selected values."""
    masks = {}
    for facet, values in filters.items():
        if not values:
            continue
        table = snapshot.facet(facet)
        allowed = np.zeros(snapshot.size, dtype=bool)
        for value in values:
            allowed[table.docs_of(value)] = True
        masks[facet] = allowed
    return masks


def apply(docs: np.ndarray, masks: dict[str, np.ndarray], skip: str = "") -> np.ndarray:
    result = docs
    for facet, allowed in masks.items():
        if facet != skip:
            result = result & allowed
    return result


def counts(
    snapshot: Snapshot,
    facet: str,
    docs: np.ndarray,
    masks: dict[str, np.ndarray],
    selected: list[str],
    vocab: Vocabulary,
    ui: str,
) -> list[FacetCount]:
    table = snapshot.facet(facet)
    found = table.resource_counts(apply(docs, masks, skip=facet))
    chosen = set(selected)
    pairs = [
        (value, int(n))
        for value, n in zip(table.values, found, strict=True)
        if n or value in chosen
    ]
    pairs += [(value, 0) for value in selected if value not in table.index]
    result = [
        FacetCount(value, facet_label(vocab, facet, value, ui), n, value in chosen)
        for value, n in pairs
    ]
    return sort_facet(facet, result, vocab)


def all_counts(
    snapshot: Snapshot,
    docs: np.ndarray,
    masks: dict[str, np.ndarray],
    filters: dict[str, list[str]],
    vocab: Vocabulary,
    ui: str,
) -> dict[str, list[FacetCount]]:
    return {
        facet: counts(snapshot, facet, docs, masks, filters.get(facet, []), vocab, ui)
        for facet in FACETS
    }
