"""Whoosh posting lists, field lengths and columns of one segment, read as numpy arrays.

Whoosh's matchers walk postings one document at a time in Python, which is what made a search
over a large library slow. A search here reads whole posting lists, so this module decodes the
codec's blocks (ids, weights and values packed as arrays by ``indexer/writing/blocks.py``)
straight into arrays. It relies on the block headers of whoosh-reloaded 2.7.5, which is pinned;
``tests/test_engine.py`` compares every reader here with Whoosh's own matchers.
"""

from __future__ import annotations

import itertools

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.columns import VarBytesColumn
from whoosh.fields import FieldType
from whoosh.reading import TermNotFound
from whoosh.util.numeric import _length_byte_cache

from indexer.writing.codec import CompactPositions, PositionLists, length_codes

# Whoosh stores a field's length per document as one byte; this is the length each byte means.
BYTE_TO_LENGTH = np.array(_length_byte_cache[:256], dtype=np.float32)
NO_IDS = np.empty(0, dtype=np.int32)
NO_WEIGHTS = np.empty(0, dtype=np.float32)


def read_postings(segment, fieldname: str, btext: bytes, positions: bool = False):
    """(ids, weights, positions) of one term in one segment (local document numbers,
    ascending); positions only when asked: indexed by posting, each a list; None when the
    segment lacks the term."""
    terms = segment._terms
    try:
        info = terms.term_info(fieldname, btext)
    except (KeyError, TermNotFound):
        return None
    format_ = segment.schema[fieldname].format
    matcher = segment._codec.postings_reader(terms._postfile, info, format_)
    if not isinstance(matcher, W3LeafMatcher):  # an inlined list: walk it, it is short
        return _walk(matcher, format_, positions)
    compact = isinstance(format_, CompactPositions)
    ids, weights, found = [], [], []
    while True:
        matcher._read_data()
        block_ids, block_weights, block_values = matcher._data
        ids.append(block_ids)
        weights.append(block_weights)
        if positions and compact:
            found.append(block_values)  # (counts, gaps) of the block
        elif positions:
            found.extend(block_values)
        if matcher._lastblock:
            break
        matcher._goto(matcher._nextoffset)
    all_ids = np.concatenate(ids).astype(np.int32) if len(ids) > 1 else ids[0].astype(np.int32)
    all_weights = np.concatenate(weights) if len(weights) > 1 else weights[0]
    if not positions:
        return all_ids, all_weights, None
    if compact:
        return all_ids, all_weights, PositionLists.of_blocks(found)
    return all_ids, all_weights, _Decoded(format_, found)


class _Decoded:
    """Positions of each posting of a format other than CompactPositions, decoded on demand."""

    def __init__(self, format_, values) -> None:
        self._format = format_
        self._values = values

    def __getitem__(self, posting: int) -> list[int]:
        return self._format.decode_positions(self._values[posting])


def _walk(matcher, format_, positions: bool):
    ids, weights, found = [], [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        if positions:
            found.append(matcher.value())
        matcher.next()
    return (
        np.asarray(ids, dtype=np.int32),
        np.asarray(weights, dtype=np.float32),
        _Decoded(format_, found) if positions else None,
    )


def field_length_codes(segment, fieldname: str) -> np.ndarray:
    """Each document's one-byte length code in fieldname (0 where the field is empty): a
    quarter of the memory of the lengths themselves, so these are what is kept per segment."""
    count = segment.doc_count_all()
    codes = np.zeros(count, dtype=np.uint8)
    stored = length_codes(segment._perdoc, fieldname)[:count]
    codes[: stored.size] = stored
    return codes


def lengths_of(codes: np.ndarray) -> np.ndarray:
    """Field lengths as Whoosh's scorer sees them, from their one-byte codes (1 where the field
    is empty, like ``doc_field_length(..., default=1)``)."""
    lengths = BYTE_TO_LENGTH[codes]
    lengths[codes == 0] = 1.0
    return lengths


def column_values(segment, fieldname: str) -> list:
    """The values of a sortable field's column, one per document (deleted ones included).

    A column of variable-length strings (IDs, dates, sort keys) is read in one piece and cut
    up here: Whoosh's reader seeks and reads once a document, a third of a second for the
    resource ids of 100,000 documents, paid whenever a new index state is opened."""
    raw = segment.column_reader(fieldname, translate=False)
    if not isinstance(raw, VarBytesColumn.Reader):
        return list(segment.column_reader(fieldname))
    lengths = raw._lengths
    data = raw._dbfile.get(raw._basepos, sum(lengths)) if len(lengths) else b""
    ends = list(itertools.accumulate(lengths))
    field = segment.schema[fieldname]
    if type(field).from_column_value is FieldType.from_column_value and (
        type(field).from_bytes is FieldType.from_bytes
    ):  # plain UTF-8 text (IDs, dates, sort keys): decoded without a call per value
        return [data[end - length : end].decode() for end, length in zip(ends, lengths)]  # noqa: B905
    decode = field.from_column_value
    return [decode(data[end - length : end]) for end, length in zip(ends, lengths, strict=True)]


def deleted(segment) -> np.ndarray:
    """Local numbers of the segment's deleted documents."""
    if not segment.has_deletions():
        return NO_IDS
    return np.fromiter(segment.deleted_docs_set, dtype=np.int32)
