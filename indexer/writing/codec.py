"""The codec every writer of the index uses: Whoosh's W3 files, smaller and written faster.

The files, the block layout and Whoosh's readers are W3's; what changes is what a block holds:

- ``Counts``: a word's frequency in a document is kept once, as the posting's weight (whole
  numbers pickle in one or two bytes instead of nine for a float), with no value beside it.
- ``CompactPositions``: positions are varint-coded gaps; a block keeps its postings' counts
  and gaps as two byte strings instead of one pickled string per posting, so zlib sees them
  end to end. ``positions`` decodes a whole posting list's positions into numpy arrays.

Together they make the postings less than half the size of W3's own (the phrase field most of
all). ``LibraryCodec`` also looks each document's field length up in memory when writing: W3
reads it back from disk for every posting, which was a tenth of a build.
"""

from __future__ import annotations

import pickle
import zlib
from collections import defaultdict
from itertools import repeat

import numpy as np
from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN,
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3FieldWriter,
    W3LeafMatcher,
    W3PerDocReader,
    W3PostingsWriter,
    _lenfield,
)
from whoosh.formats import Format, Positions, tokens
from whoosh.system import pack_int
from whoosh.util.numeric import byte_to_length, length_to_byte

# Postings in blocks of 512 (Whoosh's default is 128): a search reads whole posting lists, and
# fewer, larger blocks decode with less per-block work. Every writer of the index passes it.
BLOCK_POSTINGS = 512
# A block's pickle shorter than this is stored as it is: zlib's own header and checksum take
# what it could save (W3 meant to skip small blocks and compresses every one).
RAW_BLOCK_BYTES = 64
SHORT_LIST = 32  # postings of a term added as plain lists up to this many (see add_many)
NUMPY_FROM = 24  # a block of this many postings or more is minified with numpy


# -- values ---------------------------------------------------------------------------------


def _put(n: int, out: bytearray) -> None:
    """Appends n as a varint: seven bits a byte, low bits first, high bit set on all but last."""
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)


def _take(data: bytes, at: int) -> tuple[int, int]:
    """(the varint at data[at], where the next one starts)."""
    n = shift = 0
    while True:
        byte = data[at]
        at += 1
        n |= (byte & 0x7F) << shift
        if byte < 0x80:
            return n, at
        shift += 7


def varints(data: bytes) -> np.ndarray:
    """Every varint of a byte string, decoded at once."""
    raw = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(raw < 0x80)
    if ends.size == raw.size:  # every number under 128: one byte each
        return raw.astype(np.int64)
    starts = np.empty_like(ends)
    starts[0] = 0
    starts[1:] = ends[:-1] + 1
    group = np.repeat(np.arange(ends.size), ends - starts + 1)
    shifts = (np.arange(raw.size) - starts[group]) * 7
    return np.add.reduceat((raw & 0x7F).astype(np.int64) << shifts, starts)


class Counts(Format):
    """Frequency only, carried by the weight (frequency × field boost): no value per posting.

    Whoosh's ``Frequency`` also stores the frequency as a four-byte value in every posting,
    which nothing here reads."""

    posting_size = 0
    __inittypes__ = dict(field_boost=float)

    def __init__(self, field_boost: float = 1.0, **options) -> None:
        self.field_boost = field_boost
        self.options = options

    def word_values(self, value, analyzer, **kwargs):
        found: dict[str, int] = defaultdict(int)
        for token in tokens(value, analyzer, kwargs):
            found[token.text] += 1
        return ((w, n, n * self.field_boost, b"") for w, n in found.items())

    def encode(self, value) -> bytes:
        return b""


class CompactPositions(Positions):
    """Positions as varints: the count, then the gaps between positions."""

    def encode(self, poslist) -> bytes:
        out = bytearray()
        _put(len(poslist), out)
        last = 0
        for pos in poslist:
            _put(pos - last, out)
            last = pos
        return bytes(out)

    def decode_positions(self, valuestring: bytes) -> list[int]:
        count, at = _take(valuestring, 0)
        found, position = [], 0
        for _ in range(count):
            gap, at = _take(valuestring, at)
            position += gap
            found.append(position)
        return found

    def decode_frequency(self, valuestring: bytes) -> int:
        return _take(valuestring, 0)[0]

    def decode_weight(self, valuestring: bytes) -> float:
        return self.decode_frequency(valuestring) * self.field_boost


def join_postings(values) -> tuple[bytes, bytes]:
    """CompactPositions values of a block's postings -> (their counts, their gaps)."""
    counts, gaps = bytearray(), bytearray()
    for value in values:
        first = value[0]
        if first < 0x80:  # a count under 128: one byte
            counts.append(first)
            gaps += value[1:]
        else:
            n, at = _take(value, 0)
            _put(n, counts)
            gaps += value[at:]
    return bytes(counts), bytes(gaps)


def split_postings(block: tuple[bytes, bytes]) -> tuple[bytes, ...]:
    """The inverse of ``join_postings``: each posting's value (for Whoosh's own matchers)."""
    counts_data, gaps_data = block
    counts = varints(counts_data).tolist()
    values, at = [], 0
    for count in counts:
        out = bytearray()
        _put(count, out)
        for _ in range(count):
            start = at
            while gaps_data[at] >= 0x80:
                at += 1
            at += 1
            out += gaps_data[start:at]
        values.append(bytes(out))
    return tuple(values)


class PositionLists:
    """Every posting's positions of one term: counts and gaps decoded at once."""

    def __init__(self, counts: np.ndarray, gaps: np.ndarray) -> None:
        self._ends = np.cumsum(counts)
        self._gaps = gaps

    @classmethod
    def of_blocks(cls, blocks: list[tuple[bytes, bytes]]) -> PositionLists:
        counts = [varints(c) for c, _ in blocks]
        gaps = [varints(g) for _, g in blocks]
        return cls(np.concatenate(counts), np.concatenate(gaps))

    def __getitem__(self, posting: int) -> list[int]:
        end = int(self._ends[posting])
        start = int(self._ends[posting - 1]) if posting else 0
        return np.cumsum(self._gaps[start:end]).tolist()


# -- the codec --------------------------------------------------------------------------------


class LibraryCodec(W3Codec):
    """Whoosh's W3 codec with the smaller blocks above and a postings writer that looks up
    each document's field length in memory."""

    def field_writer(self, storage, segment):
        return _FieldWriter(self, storage, segment)

    def postings_writer(self, dbfile, byteids=False):
        return PostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=byteids,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        if terminfo.is_inlined():
            return super().postings_reader(dbfile, terminfo, format_, term=term, scorer=scorer)
        offset, length = terminfo.extent()
        return LeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)


class PostingsWriter(W3PostingsWriter):
    """W3's postings writer with whole-number weights, CompactPositions blocks and
    ``add_many``; it counts where it writes instead of asking the file twice a term."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._at: int | None = None  # the file's position: told once, then counted

    def _position(self) -> int:
        if self._at is None:
            self._at = self._postfile.tell()
        return self._at

    def start_postings(self, format_, terminfo) -> None:
        """W3's, with the counted position."""
        if self._terminfo:
            raise RuntimeError("Called start in a term")
        self._format = format_
        self._blockcount = 0
        self._new_block()
        self._terminfo = terminfo
        self._startoffset = self._position()

    def finish_postings(self):
        """W3's, with the counted position."""
        terminfo = self._terminfo
        if not self.written() and len(self) < self._inlinelimit:
            terminfo.add_block(self)
            terminfo.set_inline(self._ids, self._weights, self._values)
        else:
            if self._ids:
                self._write_block(last=True)
            terminfo.set_extent(self._startoffset, self._position() - self._startoffset)
        self._terminfo = None
        return terminfo

    def add_many(self, ids: np.ndarray, weights: np.ndarray, values, lengths: np.ndarray) -> None:
        """A term's postings at once, as W3's ``add_posting`` one by one would leave them: full
        blocks written, the last (possibly full) block buffered for ``finish_postings``.
        lengths are the documents' field lengths as the scorer sees them (0: not counted)."""
        limit = self._blocklimit
        total = len(ids)
        if total <= min(SHORT_LIST, limit):  # most terms: plain lists beat numpy's call cost
            self._add_short(ids.tolist(), weights.tolist(), values, lengths.tolist())
            return
        for start in range(0, total, limit):
            if self._ids:
                self._write_block()
            end = min(start + limit, total)
            self._ids.frombytes(ids[start:end].astype(np.uint32).tobytes())
            block_weights = weights[start:end]
            self._weights.frombytes(block_weights.astype(np.float32).tobytes())
            if values is not None:
                self._values.extend(values[start:end])
            else:
                self._values.extend(repeat(b"", end - start))
            counted = lengths[start:end]
            counted = counted[counted > 0]
            span = (int(counted.min()), int(counted.max())) if counted.size else None
            self._note_block(span, float(block_weights.max()))

    def _write_block(self, last: bool = False) -> None:
        """W3's block (same layout, same reader) in one write; the pickle compressed only when
        it is long enough and the compressed form is shorter (the block says which)."""
        self._terminfo.add_block(self)
        data = pickle.dumps((self._mini_ids(), self._mini_weights(), self._mini_values()), 2)
        comp = 0
        if self._compression and len(data) >= RAW_BLOCK_BYTES:
            packed = zlib.compress(data, self._compression)
            if len(packed) < len(data):
                data, comp = packed, self._compression
        ids = self._ids
        info = pickle.dumps(
            (
                len(ids),
                ids[-1],
                self._maxweight,
                comp,
                length_to_byte(self._minlength),
                length_to_byte(self._maxlength),
            ),
            2,
        )
        length = len(info) + len(data)
        head = WHOOSH3_HEADER_MAGIC if not self._blockcount else b""
        block = b"".join((head, pack_int(-length if last else length), info, data))
        at = self._position()
        self._postfile.write(block)
        self._at = at + len(block)
        self._blockcount += 1
        self._new_block()

    def _add_short(self, ids: list, weights: list, values, lengths: list) -> None:
        """``add_many`` for a list shorter than a block, as lists."""
        if self._ids:
            self._write_block()
        self._ids.extend(ids)
        self._weights.extend(weights)
        self._values.extend(values if values is not None else repeat(b"", len(ids)))
        counted = [n for n in lengths if n > 0]
        self._note_block((min(counted), max(counted)) if counted else None, float(max(weights)))

    def _note_block(self, span: tuple[int, int] | None, top: float) -> None:
        """A block's statistics, as W3's ``add_posting`` keeps them: the range of the counted
        field lengths (None: none counted) and the highest weight."""
        if span is not None:
            low, high = span
            self._minlength = low if self._minlength is None else min(self._minlength, low)
            self._maxlength = max(self._maxlength, high)
        self._maxweight = max(self._maxweight, top)

    def _mini_ids(self):
        """W3's delta-encoded ids; a long block's at C speed."""
        if len(self._ids) < NUMPY_FROM or self._byteids:
            return super()._mini_ids()
        ids = np.frombuffer(self._ids, dtype=np.uint32).astype(np.int64)
        return tuple(np.diff(ids, prepend=0).tolist())

    def _mini_weights(self):
        """W3's weights (None when all are 1, one value when all are equal), whole numbers
        as ints; a long block's checked at C speed."""
        if len(self._weights) < NUMPY_FROM:
            weights = super()._mini_weights()
            if isinstance(weights, tuple) and all(w.is_integer() for w in weights):
                return tuple(int(w) for w in weights)
            return weights
        found = np.frombuffer(self._weights, dtype=np.float32)
        first = found[0]
        if (found == first).all():
            return None if first == 1.0 else self._weights[0]
        if (found == np.floor(found)).all():
            return tuple(found.astype(np.int64).tolist())
        return tuple(found.tolist())

    def _mini_values(self):
        if isinstance(self._format, CompactPositions):
            return join_postings(self._values)
        return super()._mini_values()


class LeafMatcher(W3LeafMatcher):
    """W3's matcher over blocks that may hold CompactPositions' (counts, gaps)."""

    def _read_values(self):
        if isinstance(self.format, CompactPositions):
            if self._data is None:
                self._read_data()
            self._values = split_postings(self._data[2])
        else:
            super()._read_values()


class _FieldWriter(W3FieldWriter):
    def add_postings(self, schema, lengths, items):
        if isinstance(lengths, W3PerDocReader):
            lengths = _Lengths(lengths)
        return super().add_postings(schema, lengths, items)


class _Lengths:
    """``doc_field_length`` over one segment's length columns, each read once."""

    def __init__(self, reader: W3PerDocReader) -> None:
        self._reader = reader
        self._fields: dict[str, list[int]] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        found = self._fields.get(fieldname)
        if found is None:
            found = self._fields[fieldname] = length_codes(self._reader, fieldname).tolist()
        code = found[docnum] if docnum < len(found) else 0
        return byte_to_length(code) if code else default


# The length each one-byte code stands for (0: the document has none).
_LENGTH_OF_CODE = np.array([byte_to_length(code) if code else 0 for code in range(256)], np.int32)


def length_codes(reader: W3PerDocReader, fieldname: str) -> np.ndarray:
    """Each document's one-byte length code in fieldname (W3 quantises field lengths to a
    byte), from a segment's per-document reader; as many as the column holds (none when the
    field has no column), which may be fewer than the segment's documents."""
    column = reader._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is None or not column._count:
        return np.zeros(0, dtype=np.uint8)
    return np.frombuffer(column._dbfile.get(column._basepos, column._count), dtype=np.uint8)


def field_lengths(reader: W3PerDocReader, fieldname: str) -> np.ndarray:
    """Each document's length in fieldname as the scorer sees it (the one-byte code decoded;
    0 where the document has none), from a segment's per-document reader."""
    return _LENGTH_OF_CODE[length_codes(reader, fieldname)]


def codec() -> W3Codec:
    """The codec every writer of the index uses (see BLOCK_POSTINGS and LibraryCodec)."""
    return LibraryCodec(blocklimit=BLOCK_POSTINGS, compression=1)
