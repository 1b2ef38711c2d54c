"""The codec every writer of the index uses: Whoosh's W3 files, written and read faster.

The postings come in blocks of ``BLOCK_POSTINGS``, and the postings writer looks each
document's field length up in memory (see ``LibraryCodec``).
"""

from __future__ import annotations

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, W3FieldWriter, W3PerDocReader, _lenfield
from whoosh.util.numeric import byte_to_length

# Postings in blocks of 512 (Whoosh's default is 128): a search reads whole posting lists, and
# fewer, larger blocks decode with less per-block work. Every writer of the index passes it.
BLOCK_POSTINGS = 512


class LibraryCodec(W3Codec):
    """Whoosh's W3 codec (same files, same readers) whose postings writer looks up each
    document's field length in memory: Whoosh's own reads it back from disk for every posting,
    which was a tenth of a build."""

    def field_writer(self, storage, segment):
        return _FieldWriter(self, storage, segment)


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
            found = self._fields[fieldname] = self._load(fieldname)
        code = found[docnum] if docnum < len(found) else 0
        return byte_to_length(code) if code else default

    def _load(self, fieldname: str) -> list[int]:
        column = self._reader._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if column is None:
            return []
        return list(column._dbfile.get(column._basepos, column._count))


def codec() -> W3Codec:
    """The codec every writer of the index uses (see BLOCK_POSTINGS and LibraryCodec)."""
    return LibraryCodec(blocklimit=BLOCK_POSTINGS)
