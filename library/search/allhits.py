"""Every result of a search, in the order the pages show them, for exports and feeds.

The order is computed once over boolean document arrays (one small integer array for the whole
result set); the stored fields are read a batch at a time while the caller consumes them, so
an export's memory does not grow with the number of results. Must not import Flask.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from .snapshot import Snapshot

BATCH = 256


def order(snapshot: Snapshot, docs: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """The documents where docs is true, smallest key first (ties by document number), only
    the first document of each resource kept."""
    candidates = np.flatnonzero(docs)
    if not candidates.size:
        return candidates
    ranked = candidates[np.lexsort((candidates, keys[candidates]))]
    _, first = np.unique(snapshot.resource[ranked], return_index=True)
    return ranked[np.sort(first)]


def chain(snapshot: Snapshot, parts: list[np.ndarray]) -> np.ndarray:
    """Ordered parts one after the other, a resource already placed left out of later parts."""
    if not parts:
        return np.empty(0, dtype=np.int64)
    joined = np.concatenate(parts)
    _, first = np.unique(snapshot.resource[joined], return_index=True)
    return joined[np.sort(first)]


def preferred(snapshot: Snapshot, doc: int, docs: np.ndarray, prefer: list[np.ndarray]) -> int:
    """The version of doc's resource to show: the first preferred language among docs."""
    for mask in prefer:
        if mask[doc]:
            return doc
        for version in snapshot.versions(int(snapshot.resource[doc])).tolist():
            if docs[version] and mask[version]:
                return version
    return doc


def batches(ordered: np.ndarray, size: int = BATCH) -> Iterator[np.ndarray]:
    for start in range(0, ordered.size, size):
        yield ordered[start : start + size]


def full_order(
    snapshot: Snapshot, filtered: np.ndarray, sort: str, scores: np.ndarray, theme_only: np.ndarray
) -> np.ndarray:
    """The whole result set as the pages order it: by relevance, text matches first and
    resources found only through a theme after them (newest first); else by the sort column."""
    if sort != "relevance":
        return order(snapshot, filtered, snapshot.rank(sort))
    text = order(snapshot, filtered & ~theme_only, -scores)
    themed = order(snapshot, filtered & theme_only, snapshot.rank("newest"))
    return chain(snapshot, [text, themed])


def stored_in_order(
    snapshot: Snapshot, ordered: np.ndarray, docs: np.ndarray, prefer: list[np.ndarray]
) -> Iterator[tuple[int, dict]]:
    """(document, stored fields) for each resource of ordered, in its preferred version; the
    fields are read as the caller consumes them."""
    for batch in batches(ordered):
        for doc in batch.tolist():
            doc = preferred(snapshot, doc, docs, prefer)
            yield doc, snapshot.stored(doc)


def versions(snapshot: Snapshot) -> Iterator[tuple[str, str]]:
    """(resource id, language) of every live document, in index order."""
    table = snapshot.facet("language")
    language = np.empty(snapshot.size, dtype=object)
    for value, docs in zip(table.values, table.docs, strict=True):
        language[docs] = value
    for doc in snapshot.live_docs.tolist():
        yield snapshot.docids[doc], language[doc] or ""
