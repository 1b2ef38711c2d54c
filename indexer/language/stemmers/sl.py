"""Light inflectional stemmer for Slovene (no Snowball algorithm exists for it), written for
folded (accent-free) text; its endings carry no diacritics, so accented input works too.

It runs after the lemmatiser on the precise side and on its own on the folded side, so it only
has to make the remaining forms of one word agree (``romskih`` / ``romske`` → ``romsk``).
"""

from __future__ import annotations

from .cs import Rules, strip_ending

SL_CASE: Rules = (
    (6, ("ijah", "ijam", "ijem")),
    (5, ("ega", "emu", "ima", "imi", "ama", "ami", "ovi", "ova", "ove", "ije", "iji")),
    (4, ("om", "em", "ov", "ev", "ih", "ah", "am", "im", "mi")),
    (3, tuple("aeiou")),
)


def stem(word: str) -> str:
    """Stem a lower-case Slovene word, with or without diacritics (``romskih`` → ``romsk``)."""
    return strip_ending(word, SL_CASE)
