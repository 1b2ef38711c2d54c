"""The order of results: best first, one per resource, in the version the reader should see.

Documents are ordered by score (ties by document number, as Whoosh does) or by a sort column;
the first document of each resource stands for it, and is swapped for another version of the
same resource in a preferred language (see the service: the query's when that version matched,
then the interface's, then English). Only the
top of the order is sorted: a few times the page's depth, widened until enough resources come.
"""

from __future__ import annotations

import numpy as np

from .snapshot import Snapshot

WIDEN = 4


def top(
    snapshot: Snapshot,
    docs: np.ndarray,
    keys: np.ndarray,
    limit: int,
    prefer: list[np.ndarray],
    skip: set[int] | None = None,
) -> list[int]:
    """Up to limit documents among docs (bool per document), smallest key first, one per
    resource (resources in skip left out), each shown in the first preferred version (masks in
    order of preference) that is among docs."""
    candidates = np.flatnonzero(docs)
    if not candidates.size or limit <= 0:
        return []
    skip = skip or set()
    want = limit * WIDEN + len(skip)
    while True:
        order = _smallest(candidates, keys[candidates], want)
        chosen = _first_per_resource(snapshot, order, limit, skip)
        if len(chosen) >= limit or want >= candidates.size:
            return [_preferred(snapshot, doc, docs, prefer) for doc in chosen]
        want *= WIDEN


def _smallest(candidates: np.ndarray, keys: np.ndarray, count: int) -> np.ndarray:
    """The count candidates with the smallest keys, in order (ties by document number)."""
    if count < candidates.size:
        cut = np.partition(keys, count - 1)[count - 1]
        inside = keys <= cut
        candidates, keys = candidates[inside], keys[inside]
    order = np.lexsort((candidates, keys))
    return candidates[order]


def _first_per_resource(
    snapshot: Snapshot, order: np.ndarray, limit: int, skip: set[int]
) -> list[int]:
    chosen, seen = [], set(skip)
    for doc, resource in zip(order.tolist(), snapshot.resource[order].tolist(), strict=True):
        if resource in seen:
            continue
        seen.add(resource)
        chosen.append(doc)
        if len(chosen) >= limit:
            break
    return chosen


def _preferred(snapshot: Snapshot, doc: int, docs: np.ndarray, prefer: list[np.ndarray]) -> int:
    """The first version of doc's resource that a preference mask holds (the masks say which
    versions may stand in: matched ones, or any that passes the filters), else doc."""
    versions = None
    for mask in prefer:
        if mask[doc]:
            return doc
        if versions is None:
            versions = snapshot.versions(int(snapshot.resource[doc])).tolist()
        for version in versions:
            if mask[version]:
                return version
    return doc
