"""The codec every writer of the index uses: Whoosh's W3 files, smaller and written faster.

The files and the block headers are W3's, so Whoosh's readers find their way; what changes is
what a block holds and how it is written:

- ``Counts``: a word's frequency in a document is kept once, as the posting's weight, with no
  value beside it.
- ``CompactPositions``: positions are varint-coded gaps; a block keeps its postings' counts
  and gaps as two byte strings instead of one string per posting. ``PositionLists`` decodes a
  whole posting list's positions into numpy arrays.
- A block's ids, weights and values are packed as plain arrays (``blocks``), not pickled
  and compressed; ``LeafMatcher`` reads them for Whoosh.
- ``TermWriter`` writes a field's terms straight to the postings file and terms table, the
  bytes W3's writers would write term by term; ``PostingsWriter`` stays for Whoosh's own
  writer, which merges segments posting by posting.

Together they make the postings smaller than W3's compressed ones and a build's writing a
fraction of what it was. ``LibraryCodec`` also looks each document's field length up in memory
when writing: W3 reads it back from disk for every posting.
"""

from __future__ import annotations

import pickle
import struct
from collections import defaultdict

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
from whoosh.system import pack_int, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte

from . import blocks
from .blocks import put_varint, take_varint

# Postings in blocks of 512 (Whoosh's default is 128): a search reads whole posting lists, and
# fewer, larger blocks decode with less per-block work. Every writer of the index passes it.
BLOCK_POSTINGS = 512
SHORT_LIST = 48  # a term's postings written as Python lists up to this many, else as arrays


# -- values ---------------------------------------------------------------------------------


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
        put_varint(len(poslist), out)
        last = 0
        for pos in poslist:
            put_varint(pos - last, out)
            last = pos
        return bytes(out)

    def decode_positions(self, valuestring: bytes) -> list[int]:
        count, at = take_varint(valuestring, 0)
        found, position = [], 0
        for _ in range(count):
            gap, at = take_varint(valuestring, at)
            position += gap
            found.append(position)
        return found

    def decode_frequency(self, valuestring: bytes) -> int:
        return take_varint(valuestring, 0)[0]

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
            n, at = take_varint(value, 0)
            put_varint(n, counts)
            gaps += value[at:]
    return bytes(counts), bytes(gaps)


def split_postings(block: tuple[bytes, bytes]) -> tuple[bytes, ...]:
    """The inverse of ``join_postings``: each posting's value (for Whoosh's own matchers)."""
    counts_data, gaps_data = block
    counts = varints(counts_data).tolist()
    values, at = [], 0
    for count in counts:
        out = bytearray()
        put_varint(count, out)
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
    """W3's postings writer, posting by posting (Whoosh's own writer uses it when it merges
    segments), with blocks packed by ``blocks``; it counts where it writes instead of asking
    the file for every block."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self._byteids:
            raise ValueError("term vectors are not used by the library's index")
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
        """W3's, with the counted position (W3's inlining never happens: its limit is one)."""
        terminfo = self._terminfo
        if self._ids:
            self._write_block(last=True)
        terminfo.set_extent(self._startoffset, self._position() - self._startoffset)
        self._terminfo = None
        return terminfo

    def _write_block(self, last: bool = False) -> None:
        """W3's block header and statistics, its data packed by ``blocks``, in one write."""
        self._terminfo.add_block(self)
        data = _block_data(self._format, self._ids.tolist(), self._weights.tolist(), self._values)
        block = _block(
            data,
            len(self._ids),
            self._ids[-1],
            self._maxweight,
            self._minlength,
            self._maxlength,
            first=not self._blockcount,
            last=last,
        )
        at = self._position()
        self._postfile.write(block)
        self._at = at + len(block)
        self._blockcount += 1
        self._new_block()


def _block_data(format_, ids, weights, values) -> bytearray:
    """A block's data packed by ``blocks``: ids and float32 weights as lists (or as numpy
    arrays, for a long list), and the postings' encoded values (None for a format without)."""
    boost = getattr(format_, "field_boost", 1.0)
    compact = isinstance(format_, CompactPositions)
    data = bytearray()
    if isinstance(ids, np.ndarray):
        blocks.pack_id_array(ids, data)
        blocks.pack_weight_array(weights, boost, data)
    else:
        blocks.pack_ids(ids, data)
        blocks.pack_weights(weights, boost, data)
    blocks.pack_values(format_, join_postings(values) if compact else values, data, compact)
    return data


def _block(data, count, last_id, top, low, high, first: bool, last: bool) -> bytes:
    """A whole block as W3's matcher reads it: the term's magic (first block only), the length
    (negative for the last block), the pickled statistics, the data. low and high are the
    range of the counted field lengths (low None: none counted); compression is always 0."""
    # W3's matcher reads a block's statistics as a pickled tuple
    info = pickle.dumps((count, last_id, top, 0, length_to_byte(low), length_to_byte(high)), 2)
    length = len(info) + len(data)
    head = WHOOSH3_HEADER_MAGIC if first else b""
    return b"".join((head, pack_int(-length if last else length), info, data))


_TERM_INFO = struct.Struct("!BfIBBfII")  # W3TermInfo's, followed by the extent
_EXTENT = struct.Struct("!qi")
_KEY_VALUE = struct.Struct("!ii")  # the terms table's lengths before a key and its value


class TermWriter:
    """Writes one field's terms, in key order, straight to the segment's postings file and
    terms table: the bytes W3's field writer, postings writer and term info objects would
    write term by term, without the half-dozen calls and objects each term cost there.
    ``tests/test_engine.py`` compares the files both ways, byte for byte."""

    def __init__(self, fieldwriter) -> None:
        self._postfile = fieldwriter._postfile
        self._table = fieldwriter._tindex
        self._prefix = pack_ushort(fieldwriter._fieldid)
        self._format = fieldwriter._format
        self._limit = fieldwriter._codec._blocklimit
        self._post_at = self._postfile.tell()
        self._table_at = self._table.dbfile.tell()
        self._key = b""

    def add(self, btext: bytes, ids: np.ndarray, weights: np.ndarray, values, lengths) -> None:
        """One term's postings: ids ascending, float32 weights, the postings' encoded values
        (None for a format without values), and each document's counted field length (0: not
        counted), all as arrays but values."""
        count = len(ids)
        if count <= SHORT_LIST:
            id_list = ids.tolist()
            weight_list = weights.tolist()
            counted = [n for n in lengths.tolist() if n > 0]
            low, high = (min(counted), max(counted)) if counted else (None, 0)
            top = max(weight_list)
            data = _block_data(self._format, id_list, weight_list, values)
            block = _block(data, count, id_list[-1], top, low, high, True, True)
            total = sum(weight_list)
            first, final = id_list[0], id_list[-1]
        else:
            block, total, top, low, high = self._long(ids, weights, values, lengths)
            first, final = int(ids[0]), int(ids[-1])
        start = self._post_at
        self._postfile.write(block)
        self._post_at += len(block)
        info = _TERM_INFO.pack(
            0, total, count, length_to_byte(low), length_to_byte(high), top, first, final
        ) + _EXTENT.pack(start, len(block))
        self._table_row(self._prefix + btext, info)

    def _long(self, ids, weights, values, lengths):
        """A list of more than SHORT_LIST postings: its blocks at C speed, and the term's total
        weight, top weight and range of counted lengths."""
        parts, total, top, low, high = [], 0.0, 0.0, None, 0
        limit = self._limit
        for start in range(0, len(ids), limit):
            end = min(start + limit, len(ids))
            block_weights = weights[start:end]
            counted = lengths[start:end]
            counted = counted[counted > 0]
            block_low, block_high = (
                (int(counted.min()), int(counted.max())) if counted.size else (None, 0)
            )
            block_top = float(block_weights.max())
            found = values[start:end] if values is not None else None
            data = _block_data(self._format, ids[start:end], block_weights, found)
            last_id = int(ids[end - 1])
            parts.append(
                _block(
                    data,
                    end - start,
                    last_id,
                    block_top,
                    block_low,
                    block_high,
                    first=not start,
                    last=end == len(ids),
                )
            )
            total += sum(block_weights.tolist())
            top = max(top, block_top)
            if block_low is not None:
                low = block_low if low is None else min(low, block_low)
            high = max(high, block_high)
        return b"".join(parts), total, top, low, high

    def _table_row(self, key: bytes, value: bytes) -> None:
        """``OrderedHashWriter.add`` with the position counted."""
        table = self._table
        at = self._table_at
        table.index.append(at)
        row = b"".join((_KEY_VALUE.pack(len(key), len(value)), key, value))
        table.dbfile.write(row)
        self._table_at = at + len(row)
        hashed = table.hashfn(key)
        table.buckets[hashed & 255].append((hashed, at))
        self._key = key

    def close(self) -> None:
        """Leaves the terms table as its own ``add`` would have (the last key, for order)."""
        if self._key:
            self._table.lastkey = self._key


class LeafMatcher(W3LeafMatcher):
    """W3's matcher over blocks packed by ``blocks``."""

    def _read_data(self):
        data = self._postfile.get(self._dataoffset, self._nextoffset - self._dataoffset)
        compact = isinstance(self.format, CompactPositions)
        self._data = blocks.unpack(data, self._blocklength, self.format, compact)

    def _read_ids(self):
        if self._data is None:
            self._read_data()
        self._ids = self._data[0].tolist()

    def _read_weights(self):
        if self._data is None:
            self._read_data()
        self._weights = self._data[1].tolist()

    def _read_values(self):
        if self._data is None:
            self._read_data()
        values = self._data[2]
        if isinstance(self.format, CompactPositions):
            self._values = split_postings(values)
        elif values is None:
            self._values = (None,) * self._blocklength
        elif isinstance(values, bytes):
            size = self._fixedsize
            self._values = tuple(values[i : i + size] for i in range(0, len(values), size))
        else:
            self._values = values


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
    return LibraryCodec(blocklimit=BLOCK_POSTINGS, compression=0)  # blocks are never compressed
