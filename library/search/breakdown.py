"""Cross-counts for the statistics page: how many resources of a result set carry each pair of
values of two facets (theme × country), over boolean document arrays."""

from __future__ import annotations

import numpy as np

from .snapshot import Snapshot


def matrix(
    snapshot: Snapshot, docs: np.ndarray, rows: str, cols: str
) -> tuple[list[str], list[str], np.ndarray]:
    """(row values, column values, counts[row, col]) of distinct resources among docs; values
    that no resource among docs carries are left out."""
    row_table, col_table = snapshot.facet(rows), snapshot.facet(cols)
    counts = np.zeros((len(row_table.values), len(col_table.values)), dtype=np.int64)
    for j, col_docs in enumerate(col_table.docs):
        inside = col_docs[docs[col_docs]]
        if inside.size:
            counts[:, j] = row_table.resource_counts(snapshot.mask(inside))
    keep_rows = np.flatnonzero(counts.sum(axis=1))
    keep_cols = np.flatnonzero(counts.sum(axis=0))
    return (
        [row_table.values[i] for i in keep_rows],
        [col_table.values[j] for j in keep_cols],
        counts[np.ix_(keep_rows, keep_cols)],
    )
