"""One segment of a large build, written from whole arrays instead of posting by posting.

Whoosh's segment writer hands every posting through three layers of Python (the field's
generator, the pool, the field writer), and its pool keeps a tuple per posting. Here a
document's words reach ``ArrayPool`` as one dictionary per field (term -> frequency, or
term -> positions for the phrase field), which it appends to two flat arrays per field (term
number, weight) and one entry per document (where its postings end). Each term is kept once
per field, as a key of a dictionary that numbers it. On flush each field's postings are put
in term order with one stable numpy sort (documents arrive in order, so they stay in order
within a term), and each term's postings go to the codec's ``TermWriter`` as arrays.

``SegmentWriter`` is Whoosh's, with that path for the ``KeyedText`` fields and Whoosh's own
for the few others (ids, facets). Files and formats are the codec's, unchanged.
"""

from __future__ import annotations

from array import array

import numpy as np
from whoosh.writing import SegmentWriter as WhooshSegmentWriter

from .. import machine
from ..language import analysis
from .codec import CompactPositions, TermWriter, field_lengths
from .schema import KeyedText


class _Numbering(dict):
    """term -> its number in one field, numbering a term the first time it is asked for."""

    def __missing__(self, term):
        number = self[term] = len(self)
        return number


class _FieldPostings:
    """The postings of one field in one segment, in arrival (document) order: each posting's
    term number and weight, and where each document's postings end (documents arrive one after
    the other, so a posting's document is known from its place)."""

    __slots__ = ("numbers", "terms", "weights", "doc_numbers", "doc_ends", "ends", "values")

    def __init__(self, positions: bool) -> None:
        self.numbers = _Numbering()
        self.terms = array("I")
        self.weights = array("H")  # frequencies: 2 bytes each, "f" once one will not fit
        self.doc_numbers = array("I")
        self.doc_ends = array("Q")
        # For the phrase field: each posting's encoded positions end to end, and their ends.
        self.ends = array("I") if positions else None
        self.values = bytearray() if positions else None

    def _ended(self, docnum: int) -> None:
        if self.doc_numbers and self.doc_numbers[-1] == docnum:
            self.doc_ends[-1] = len(self.terms)
        else:
            self.doc_numbers.append(docnum)
            self.doc_ends.append(len(self.terms))

    def add_counts(self, docnum: int, counts: dict, boost: float) -> int:
        """A document's terms with their frequencies; returns the field's length."""
        self.terms.extend(map(self.numbers.__getitem__, counts))
        self._ended(docnum)
        found = counts.values()
        self._weigh(found if boost == 1.0 else [n * boost for n in found])
        return sum(found)

    def _weigh(self, weights) -> None:
        """Appends weights, as 2-byte whole numbers while they are such."""
        size = len(self.weights)
        try:
            self.weights.extend(weights)
        except (OverflowError, TypeError):  # a fraction, or above 65,535
            del self.weights[size:]
            self.weights = array("f", self.weights)
            self.weights.extend(weights)

    def add_positions(self, docnum: int, positions: dict, boost: float, encode) -> int:
        """A document's terms with their positions; returns the field's length."""
        self.terms.extend(map(self.numbers.__getitem__, positions))
        self._ended(docnum)
        counts = [len(found) for found in positions.values()]
        self._weigh(counts if boost == 1.0 else [n * boost for n in counts])
        for found in positions.values():
            self.values += encode(found)
            self.ends.append(len(self.values))
        return sum(counts)

    def add_one(self, term, docnum: int, weight: float, value: bytes) -> None:
        self.terms.append(self.numbers[term])
        self._ended(docnum)
        self._weigh((int(weight) if float(weight).is_integer() else weight,))
        if self.values is not None:
            self.values += value
            self.ends.append(len(self.values))

    def docs(self) -> np.ndarray:
        """Each posting's document number, in arrival order."""
        ends = np.frombuffer(self.doc_ends, dtype=np.uint64).astype(np.int64)
        sizes = np.diff(ends, prepend=0)
        return np.repeat(np.frombuffer(self.doc_numbers, dtype=np.uint32), sizes)


class ArrayPool:
    """Whoosh's posting pool interface (``add``, ``cleanup``) over ``_FieldPostings``; the
    segment writer below writes it with ``write``."""

    def __init__(self, schema) -> None:
        self._schema = schema
        self._fields: dict[str, _FieldPostings] = {}
        self.fieldnames: set[str] = set()

    def of(self, fieldname: str) -> _FieldPostings:
        found = self._fields.get(fieldname)
        if found is None:
            format_ = self._schema[fieldname].format
            positions = format_.fixed_value_size() != 0
            found = self._fields[fieldname] = _FieldPostings(positions)
            self.fieldnames.add(fieldname)
        return found

    def add(self, item) -> None:
        """One posting from Whoosh's own path: (fieldname, term bytes, docnum, weight, value)."""
        fieldname, btext, docnum, weight, value = item
        self.of(fieldname).add_one(btext, docnum, weight, value)

    def write(self, fieldwriter, lengths_reader) -> None:
        """Every field's postings, in field and term order, through fieldwriter."""
        for fieldname in sorted(self._fields):
            lengths = field_lengths(lengths_reader, fieldname)
            fieldwriter.start_field(fieldname, self._schema[fieldname])
            _write_field(fieldwriter, self._fields.pop(fieldname), lengths)  # freed as written
            fieldwriter.finish_field()

    def cleanup(self) -> None:
        self._fields.clear()


def _write_field(fieldwriter, postings: _FieldPostings, lengths: np.ndarray) -> None:
    terms = list(postings.numbers)
    keys = [t.encode("utf-8") if isinstance(t, str) else t for t in terms]
    del terms
    numbers = np.frombuffer(postings.terms, dtype=np.uint32)
    order = np.argsort(numbers, kind="stable")  # by term; documents stay in order within one
    starts = np.zeros(len(keys) + 1, dtype=np.int64)
    np.cumsum(np.bincount(numbers, minlength=len(keys)), out=starts[1:])
    del numbers
    postings.numbers = postings.terms = None
    docs = postings.docs()[order]
    postings.doc_numbers = postings.doc_ends = None
    kind = np.uint16 if postings.weights.typecode == "H" else np.float32
    weights = np.frombuffer(postings.weights, dtype=kind)[order].astype(np.float32)
    postings.weights = None
    doc_lengths = lengths[docs] if lengths.size else np.zeros(docs.size, dtype=np.int32)
    ends = begins = data = None
    if postings.values is not None:  # each posting's encoded positions, found by its ends
        # (four-byte offsets: the phrase field's arrays are the largest a flush holds at once)
        ends = np.frombuffer(postings.ends, dtype=np.uint32)
        begins = np.zeros_like(ends)
        begins[1:] = ends[:-1]
        begins = begins[order]
        ends = ends[order]
        data = memoryview(postings.values)
    del order
    terms = TermWriter(fieldwriter)
    for number in sorted(range(len(keys)), key=keys.__getitem__):
        start, end = int(starts[number]), int(starts[number + 1])
        values = None
        if data is not None:
            values = [
                bytes(data[b:e])
                for b, e in zip(begins[start:end].tolist(), ends[start:end].tolist(), strict=True)
            ]
        terms.add(keys[number], docs[start:end], weights[start:end], values, doc_lengths[start:end])
    terms.close()


class SegmentWriter(WhooshSegmentWriter):
    """Whoosh's segment writer whose ``KeyedText`` fields go to the pool a document at a time
    and whose flush writes the pool with ``ArrayPool.write``."""

    def __init__(self, ix, codec) -> None:
        super().__init__(ix, _lk=False, codec=codec, compound=False)
        self.pool = ArrayPool(self.schema)
        self._encode = CompactPositions().encode

    def add_document(self, **fields) -> None:
        """Whoosh's ``add_document`` for this schema's kinds of field (no vectors, no separate
        spelling fields, no boosts by keyword), with the ``KeyedText`` path above."""
        self._check_state()
        schema = self.schema
        names = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, names)
        docnum = self.docnum
        perdoc = self.perdocwriter
        perdoc.start_doc(docnum)
        try:
            for name in names:
                value = fields[name]
                if value is None:
                    continue
                field = schema[name]
                length = 0
                if isinstance(field, KeyedText) and isinstance(value, (str, tuple)):
                    length = self._add_keyed(name, field, value, docnum)
                elif field.indexed:
                    postings = self.pool.of(name)
                    for btext, freq, weight, vbytes in field.index(value):
                        if field.scorable:
                            length += freq
                        postings.add_one(btext, docnum, weight, vbytes)
                perdoc.add_field(name, field, value if field.stored else None, length)
                if field.column_type:
                    column = field.to_column_value(value)
                    perdoc.add_column_value(name, field.column_type, column)
        except Exception:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def _add_keyed(self, name: str, field: KeyedText, value, docnum: int) -> int:
        boost = field.format.field_boost
        postings = self.pool.of(name)
        if postings.values is not None:
            found = field.positions_of(value)
            return postings.add_positions(docnum, found, boost, self._encode)
        return postings.add_counts(docnum, field.counts_of(value), boost)

    def _flush_segment(self):
        analysis.forget_index_keys()  # memory peaks while writing: room for the sort
        machine.give_back_memory()
        self.perdocwriter.close()
        lengths = self.per_document_reader()
        try:
            self.pool.write(self.fieldwriter, lengths)
        finally:
            self.fieldwriter.close()
            lengths.close()
