"""The bytes of one postings block: document ids, weights and values packed as plain arrays.

W3 pickles a block as a tuple of Python numbers and compresses the pickle with zlib; writing
and reading those tuples was a tenth of a build, and a search decoded them into arrays again.
Here a block is three parts end to end, each readable with ``numpy.frombuffer``:

- ids: the first document number as a varint, then one byte giving the width (1, 2 or 4 bytes)
  of the gaps between the following ids, then the gaps, little-endian;
- weights: one byte of kind, then ``ALL_ONE``: nothing; ``ALL_SAME``: one float32;
  ``TIMES_BOOST_1`` / ``TIMES_BOOST_2``: each weight as a whole multiple of the field's boost,
  in one or two bytes (most weights are a word's count times the field boost); ``EACH``: a
  float32 each;
- values: ``CompactPositions``: the length of the counts as a varint, the counts, the gaps
  (see ``codec.join_postings``); a format without values: nothing; fixed-size values: joined;
  any other format's values: a pickled tuple.

Unpacked blocks are smaller than W3's compressed ones on the library's fields, so nothing is
compressed. The block header (length and the pickled info tuple Whoosh's matcher reads to skip
blocks) is W3's.
"""

from __future__ import annotations

import pickle
import sys
from array import array

import numpy as np

ALL_ONE, ALL_SAME, TIMES_BOOST_1, TIMES_BOOST_2, EACH = range(5)
_GAP_TYPES = {1: "B", 2: "H", 4: "I"}
_GAP_DTYPES = {1: np.dtype("<u1"), 2: np.dtype("<u2"), 4: np.dtype("<u4")}
_LITTLE = sys.byteorder == "little"
_F4 = np.dtype("<f4")


def put_varint(n: int, out: bytearray) -> None:
    """Appends n as a varint: seven bits a byte, low bits first, high bit set on all but last."""
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)


def take_varint(data, at: int) -> tuple[int, int]:
    """(the varint at data[at], where the next one starts)."""
    n = shift = 0
    while True:
        byte = data[at]
        at += 1
        n |= (byte & 0x7F) << shift
        if byte < 0x80:
            return n, at
        shift += 7


def _native(values: array) -> bytes:
    if not _LITTLE:
        values.byteswap()
    return values.tobytes()


def _width(top: int) -> int:
    return 1 if top < 0x100 else 2 if top < 0x10000 else 4


# -- packing ------------------------------------------------------------------------------------


def pack_ids(ids: list[int], out: bytearray) -> None:
    """Appends a block's ascending document ids (a list)."""
    put_varint(ids[0], out)
    gaps = [b - a for a, b in zip(ids, ids[1:])]  # noqa: B905 (one shorter on purpose)
    width = _width(max(gaps)) if gaps else 1
    out.append(width)
    out += bytes(gaps) if width == 1 else _native(array(_GAP_TYPES[width], gaps))


def pack_id_array(ids: np.ndarray, out: bytearray) -> None:
    """``pack_ids`` for a numpy array of ids."""
    put_varint(int(ids[0]), out)
    gaps = np.diff(ids)
    width = _width(int(gaps.max())) if gaps.size else 1
    out.append(width)
    out += gaps.astype(_GAP_DTYPES[width]).tobytes()


def pack_weights(weights: list[float], boost: float, out: bytearray) -> None:
    """Appends a block's weights (a list of float32 values as Python floats)."""
    first = weights[0]
    if weights.count(first) == len(weights):
        if first == 1.0:
            out.append(ALL_ONE)
        else:
            out.append(ALL_SAME)
            out += _native(array("f", (first,)))
        return
    times = [round(w / boost) for w in weights] if boost else None
    if times and min(times) >= 0 and array("f", [n * boost for n in times]) == array("f", weights):
        top = max(times)
        if top < 0x10000:
            out.append(TIMES_BOOST_1 if top < 0x100 else TIMES_BOOST_2)
            out += bytes(times) if top < 0x100 else _native(array("H", times))
            return
    out.append(EACH)
    out += _native(array("f", weights))


def pack_weight_array(weights: np.ndarray, boost: float, out: bytearray) -> None:
    """``pack_weights`` for a numpy array of float32 weights."""
    first = weights[0]
    if (weights == first).all():
        if first == 1.0:
            out.append(ALL_ONE)
        else:
            out.append(ALL_SAME)
            out += weights[:1].astype(_F4).tobytes()
        return
    if boost:
        times = np.rint(weights.astype(np.float64) / boost)
        if times.min() >= 0 and times.max() < 0x10000:
            if ((times * boost).astype(np.float32) == weights).all():  # as unpack computes
                small = times.max() < 0x100
                out.append(TIMES_BOOST_1 if small else TIMES_BOOST_2)
                out += times.astype(np.uint8 if small else "<u2").tobytes()
                return
    out.append(EACH)
    out += weights.astype(_F4).tobytes()


def pack_values(format_, values, out: bytearray, compact: bool) -> None:
    """Appends a block's values: for CompactPositions values, already joined as (counts, gaps);
    otherwise the format's encoded value per posting."""
    if compact:
        counts, gaps = values
        put_varint(len(counts), out)
        out += counts
        out += gaps
        return
    size = format_.fixed_value_size()
    if size == 0:
        return
    if size is None or size < 0:
        out += pickle.dumps(tuple(values), 2)
    else:
        out += b"".join(values)


# -- unpacking ----------------------------------------------------------------------------------


def unpack(data, count: int, format_, compact: bool):
    """(ids as int64 array, weights as float32 array, values) of a block of count postings;
    values as ``pack_values`` was given them: (counts, gaps) for CompactPositions, None for a
    format without values, the joined bytes of fixed-size values, else a tuple."""
    first, at = take_varint(data, 0)
    width = data[at]
    at += 1
    ids = np.empty(count, dtype=np.int64)
    ids[0] = first
    if count > 1:
        end = at + (count - 1) * width
        gaps = np.frombuffer(data, dtype=_GAP_DTYPES[width], count=count - 1, offset=at)
        np.cumsum(gaps, out=ids[1:])
        ids[1:] += first
        at = end
    kind = data[at]
    at += 1
    boost = getattr(format_, "field_boost", 1.0)
    if kind == ALL_ONE:
        weights = np.ones(count, dtype=np.float32)
    elif kind == ALL_SAME:
        value = np.frombuffer(data, dtype=_F4, count=1, offset=at)[0]
        weights = np.full(count, value, dtype=np.float32)
        at += 4
    elif kind == EACH:
        weights = np.frombuffer(data, dtype=_F4, count=count, offset=at).astype(np.float32)
        at += 4 * count
    else:
        dtype = np.uint8 if kind == TIMES_BOOST_1 else np.dtype("<u2")
        times = np.frombuffer(data, dtype=dtype, count=count, offset=at)
        weights = (times * boost).astype(np.float32)
        at += times.nbytes
    if compact:
        length, at = take_varint(data, at)
        values = (bytes(data[at : at + length]), bytes(data[at + length :]))
    else:
        size = format_.fixed_value_size()
        if size == 0:
            values = None
        elif size is None or size < 0:
            values = pickle.loads(data[at:])
        else:
            values = bytes(data[at:])
    return ids, weights, values
