"""One opened state of the index: its Whoosh reader and the arrays a search works on.

A Snapshot is made when the index changes and is then only read; a process's threads share
it. Whoosh's file readers are not safe to share between threads, so every call into Whoosh
holds ``lock``; what a search computes on (posting lists, field lengths, facet tables, resource
numbers, sort ranks) are numpy arrays read once and never changed.

Documents are numbered as in Whoosh (segment offset + local number, deleted ones included and
masked by ``live``). Each language version of a resource is a document; ``resource[doc]``
numbers the resource it belongs to, which is what one-result-per-resource and the counts use.
Work per segment (its columns, facet postings and decoded posting lists) is kept in a small
process-wide cache keyed by the segment's id, so the snapshot that follows a one-file update
reads only the new, small segment again.
"""

from __future__ import annotations

import math
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import postings, storage

K1 = 1.2
B = 0.75
SORT_COLUMNS = {"newest": "date_desc", "oldest": "date_asc", "title": "title_sort"}
RAW_CACHE_BYTES = 48 * 2**20
SCORED_CACHE_BYTES = 48 * 2**20


class ByteLRU:
    """A thread-safe least-recently-used cache bounded by the bytes of its numpy values."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key, value) -> None:
        cost = _nbytes(value)
        if cost > self.limit // 4:
            return  # one huge list would push everything else out
        with self._lock:
            if key in self._items:
                return
            self._items[key] = value
            self.size += cost
            while self.size > self.limit and self._items:
                _, old = self._items.popitem(last=False)
                self.size -= _nbytes(old)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.size = 0


def _nbytes(value) -> int:
    if isinstance(value, np.ndarray):
        return value.nbytes + 100
    if isinstance(value, tuple):
        return sum(_nbytes(v) for v in value) + 100
    return 100


_raw = ByteLRU(RAW_CACHE_BYTES)  # (segment id, field, term) -> (ids, weights), process-wide
NO_CODES = np.zeros(0, np.uint8)


class SegmentCache:
    """What is read from a segment once and never changes (a segment's files are written
    once): its columns, field-length codes and facet terms, by segment id, process-wide. Only
    the segments of the newest snapshot are kept, so it holds one index's worth at most."""

    def __init__(self) -> None:
        self._items: dict[str, dict[tuple, object]] = {}
        self._lock = threading.Lock()

    def get(self, leaf, key: tuple, compute):
        """compute() for this segment and key, once (the caller holds the snapshot's lock)."""
        segid = leaf._segid
        with self._lock:
            found = self._items.get(segid, {}).get(key)
        if found is None:
            found = compute()
            with self._lock:
                self._items.setdefault(segid, {})[key] = found
        return found

    def keep_only(self, segids: set[str]) -> None:
        with self._lock:
            for segid in [s for s in self._items if s not in segids]:
                del self._items[segid]


_segments = SegmentCache()


@dataclass
class FacetTable:
    """The values of one facet and which documents carry them.

    ``keys`` holds one entry per (document, value) pair as ``resource * len(values) + value``,
    sorted, with ``pair_doc`` beside it: counting the distinct resources per value over any set
    of documents is then a gather, a comparison with the neighbour and a bincount."""

    values: list[str]
    index: dict[str, int]
    docs: list[np.ndarray]
    keys: np.ndarray
    pair_doc: np.ndarray

    def docs_of(self, value: str) -> np.ndarray:
        found = self.index.get(value)
        return self.docs[found] if found is not None else postings.NO_IDS

    def resource_counts(self, selected: np.ndarray) -> np.ndarray:
        """How many distinct resources carry each value among the documents where selected."""
        if not len(self.values):
            return np.zeros(0, dtype=np.int64)
        keys = self.keys[selected[self.pair_doc]]
        if keys.size:
            keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
        return np.bincount(keys % len(self.values), minlength=len(self.values))


class Snapshot:
    """The index as it was when opened (see the module docstring)."""

    def __init__(self, generation: Path) -> None:
        self.generation = generation
        self.lock = threading.RLock()
        self.ix = storage.open_index(str(generation))  # safe across forked processes
        self.searcher = self.ix.searcher()
        # Threads may still be answering from a replaced snapshot, so it is never closed while
        # referenced; its files close when the last reference goes.
        weakref.finalize(self, self.searcher.close)
        self.reader = self.searcher.reader()
        self.schema = self.searcher.schema
        self.toc = self.ix.latest_generation()
        self.leaves = [(leaf, offset) for leaf, offset in self.reader.leaf_readers()]
        self.size = self.reader.doc_count_all()
        self.live = np.ones(self.size, dtype=bool)
        for leaf, offset in self.leaves:
            self.live[postings.deleted(leaf) + offset] = False
        _segments.keep_only({leaf._segid for leaf, _ in self.leaves})
        self.docids: list[str] = []
        for leaf, _ in self.leaves:
            self.docids += self._column(leaf, "docid")
        # Resources numbered in order of their first document.
        self.resource_ids: list[str] = list(dict.fromkeys(self.docids))
        numbers = {docid: n for n, docid in enumerate(self.resource_ids)}
        resource = np.fromiter(
            map(numbers.__getitem__, self.docids), dtype=np.int32, count=len(self.docids)
        )
        self.resource = resource
        self.resource_number = numbers
        self.resources = len(self.resource_ids)
        order = np.argsort(resource, kind="stable").astype(np.int32)
        self._versions = (order, np.searchsorted(resource[order], np.arange(self.resources + 1)))
        self.live_docs = np.flatnonzero(self.live).astype(np.int32)
        self._facets: dict[str, FacetTable] = {}
        self._lengths: dict[str, np.ndarray] = {}
        self._ranks: dict[str, np.ndarray] = {}
        self._scored = ByteLRU(SCORED_CACHE_BYTES)
        self._lazy = threading.Lock()
        self._kept: dict[str, object] = {}
        self._kept_lock = threading.Lock()

    # -- documents and resources ------------------------------------------------------------

    def versions(self, resource: int) -> np.ndarray:
        """The documents (live or not) of one resource, in document order."""
        order, starts = self._versions
        return order[starts[resource] : starts[resource + 1]]

    def mask(self, docs: np.ndarray) -> np.ndarray:
        result = np.zeros(self.size, dtype=bool)
        result[docs] = True
        return result

    def count_resources(self, selected: np.ndarray) -> int:
        seen = np.zeros(self.resources, dtype=bool)
        seen[self.resource[selected]] = True
        return int(seen.sum())

    def stored(self, doc: int) -> dict:
        with self.lock:
            return self.searcher.stored_fields(int(doc))

    # -- facets -----------------------------------------------------------------------------

    def facet(self, name: str) -> FacetTable:
        table = self._facets.get(name)
        if table is None:
            with self._lazy:
                table = self._facets.get(name)
                if table is None:
                    table = self._facets[name] = self._facet_table(name)
        return table

    def _facet_table(self, name: str) -> FacetTable:
        """The facet's table; empty for a facet the index predates (a generation built before
        the field existed is served until the next build replaces it)."""
        if name not in self.schema:
            values = []
        else:
            with self.lock:
                values = sorted(
                    {
                        term
                        for leaf, _ in self.leaves
                        for term in _segments.get(
                            leaf, ("terms", name), lambda leaf=leaf: list(leaf.field_terms(name))
                        )
                    }
                )
        index = {value: i for i, value in enumerate(values)}
        docs, pair_docs, pair_values = [], [], []
        for i, value in enumerate(values):
            ids, _ = self.term(name, value)
            ids = ids[self.live[ids]]
            docs.append(ids)
            pair_docs.append(ids)
            pair_values.append(np.full(ids.size, i, dtype=np.int64))
        pair_doc = np.concatenate(pair_docs) if pair_docs else postings.NO_IDS
        pair_value = np.concatenate(pair_values) if pair_values else np.empty(0, np.int64)
        keys = self.resource[pair_doc].astype(np.int64) * max(len(values), 1) + pair_value
        order = np.argsort(keys, kind="stable")
        return FacetTable(values, index, docs, keys[order], pair_doc[order].astype(np.int32))

    # -- postings and scores ----------------------------------------------------------------

    def term(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, weights) of one term over every segment (deleted included)."""
        if fieldname not in self.schema:
            return postings.NO_IDS, postings.NO_WEIGHTS
        btext = text.encode("utf-8")
        ids, weights = [], []
        for leaf, offset in self.leaves:
            key = (leaf._segid, fieldname, btext)
            found = _raw.get(key)
            if found is None:
                with self.lock:
                    read = postings.read_postings(leaf, fieldname, btext)
                found = (read[0], read[1]) if read else (postings.NO_IDS, postings.NO_WEIGHTS)
                _raw.put(key, found)
            if found[0].size:
                ids.append(found[0] + offset if offset else found[0])
                weights.append(found[1])
        if not ids:
            return postings.NO_IDS, postings.NO_WEIGHTS
        if len(ids) == 1:
            return ids[0], weights[0]
        return np.concatenate(ids), np.concatenate(weights)

    def scored(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(live document numbers, BM25F score) of one term, computed as Whoosh's BM25F does
        (idf over all documents, one-byte field lengths, B 0.75, K1 1.2)."""
        key = (fieldname, text)
        found = self._scored.get(key)
        if found is not None:
            return found
        ids, weights = self.term(fieldname, text)
        if not ids.size:
            found = (ids, np.empty(0, dtype=np.float32))
        elif not self.schema[fieldname].scorable:
            keep = self.live[ids]
            found = (ids[keep], weights[keep])
        else:
            idf = math.log(self.size / (ids.size + 1)) + 1
            average = (self.reader.field_length(fieldname) / (self.size or 1)) or 1.0
            lengths = self.lengths(fieldname, ids)
            scores = idf * (weights * (K1 + 1)) / (weights + K1 * ((1 - B) + B * lengths / average))
            keep = self.live[ids]
            found = (ids[keep], scores[keep].astype(np.float32))
        self._scored.put(key, found)
        return found

    def remembered(self, key: tuple, compute):
        """compute(), kept with the scored terms for the snapshot's life (phrases use it)."""
        found = self._scored.get(key)
        if found is None:
            found = compute()
            self._scored.put(key, found)
        return found

    def kept(self, name: str, compute):
        """compute(), once for the snapshot's life (structures built from its columns)."""
        found = self._kept.get(name)
        if found is None:
            with self._kept_lock:
                found = self._kept.get(name)
                if found is None:
                    found = self._kept[name] = compute()
        return found

    def _column(self, leaf, fieldname: str) -> list:
        with self.lock:
            return _segments.get(
                leaf, ("column", fieldname), lambda: postings.column_values(leaf, fieldname)
            )

    def column(self, fieldname: str) -> list:
        """A sortable field's values, one per document (deleted ones included)."""
        values = []
        for leaf, _ in self.leaves:
            values += self._column(leaf, fieldname)
        return values

    def lengths(self, fieldname: str, docs: np.ndarray) -> np.ndarray:
        """The field's length in each of docs, as the scorer sees it. Only the one-byte codes
        are kept (a quarter of the lengths' memory: a library of 100,000 documents and a
        hundred fields queried makes 10 MB of them, not 40, in every serving process)."""
        codes = self._lengths.get(fieldname)
        if codes is None:
            with self.lock:
                parts = [
                    _segments.get(
                        leaf,
                        ("lengths", fieldname),
                        lambda leaf=leaf: postings.field_length_codes(leaf, fieldname),
                    )
                    for leaf, _ in self.leaves
                ]
            codes = parts[0] if len(parts) == 1 else np.concatenate(parts or [NO_CODES])
            self._lengths[fieldname] = codes
        return postings.lengths_of(codes[docs])

    def positions(self, fieldname: str, text: str, docs: np.ndarray) -> dict[int, list[int]]:
        """doc -> positions of a term in fieldname, for the given (sorted) documents only."""
        result: dict[int, list[int]] = {}
        btext = text.encode("utf-8")
        for leaf, offset in self.leaves:
            local = docs[(docs >= offset) & (docs < offset + leaf.doc_count_all())] - offset
            if not local.size:
                continue
            with self.lock:
                read = postings.read_postings(leaf, fieldname, btext, positions=True)
            if read is None:
                continue
            ids, _, found = read
            where = np.searchsorted(ids, local)
            where[where >= ids.size] = 0
            hit = ids[where] == local
            for doc, at in zip(local[hit], where[hit], strict=True):
                result[int(doc) + offset] = found[int(at)]
        return result

    # -- sorting ----------------------------------------------------------------------------

    def rank(self, sort: str) -> np.ndarray:
        """Each document's place in a sort order (0 first); ties keep document order."""
        found = self._ranks.get(sort)
        if found is None:
            values = self.column(SORT_COLUMNS[sort])
            keys = np.array(values if values else [""], dtype=str)[: self.size]
            order = np.argsort(keys, kind="stable")
            if sort == "newest":
                order = _reverse_keeping_ties(keys, order)
            found = np.empty(self.size, dtype=np.int32)
            found[order] = np.arange(self.size, dtype=np.int32)
            self._ranks[sort] = found
        return found


def _reverse_keeping_ties(keys: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Descending by key, documents with equal keys still in ascending document order."""
    sorted_keys = keys[order]
    starts = np.flatnonzero(np.concatenate(([True], sorted_keys[1:] != sorted_keys[:-1])))
    groups = np.split(order, starts[1:])
    return np.concatenate(groups[::-1]) if groups else order
