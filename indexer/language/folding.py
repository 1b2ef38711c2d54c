"""Folding: a word without its diacritics, in its own script.

One rule for the whole indexer (analysis, stop words, vocabulary, the stemmers' accent-free
rules), in a module of its own so that every part can import it without importing the
analysis pipelines.
"""

from __future__ import annotations

import unicodedata

_FOLD_SPECIAL = {
    "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ı": "i", "ß": "ss",
    "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ς": "σ",
    "й": "й", "Й": "Й", "ё": "ё", "Ё": "Ё",  # letters of their own, not и / е with a mark
}  # fmt: skip


class _FoldTable(dict):
    """``str.translate`` table filled on first sight of each character."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = _FOLD_SPECIAL.get(char)
        if folded is None:
            decomposed = unicodedata.normalize("NFKD", char)
            folded = "".join(c for c in decomposed if not unicodedata.combining(c))
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Remove diacritics, keep the script: ``Příliš`` → ``Prilis``, ``Ρομά`` → ``Ρομα``.

    Romanian ş ţ ș ț become s t; ł đ ø ı ß æ œ use a small table; ``й`` and ``ё`` are kept;
    final ς becomes σ. Case is left alone.
    """
    if text.isascii():
        return text
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).translate(_FOLD))
