"""Light inflectional stemmer for Slovene and Croatian, written for folded (accent-free) text.

It runs after the lemmatiser on the precise side and on its own on the folded side, so it only
has to make the remaining forms of one word agree (``romskih`` / ``romske`` → ``romsk``).
"""

from __future__ import annotations

from .cs import Rules, strip_ending

SL_CASE: Rules = (
    (6, ("ijah", "ijam", "ijem")),
    (5, ("ega", "emu", "ima", "imi", "ama", "ami", "ovi", "ova", "ove", "ega", "ije", "iji")),
    (4, ("om", "em", "ov", "ev", "ih", "ah", "am", "im", "mi", "og", "oj", "om", "u")),
    (3, tuple("aeiou")),
)

HR_CASE: Rules = (
    (6, ("ijah", "ijam", "ijem", "ovima", "evima")),
    (5, ("ima", "ama", "ega", "emu", "ome", "omu", "ova", "ove", "ovi", "eva", "eve", "evi")),
    (4, ("om", "em", "og", "oj", "ih", "im", "am", "mi", "ju")),
    (3, tuple("aeiou")),
)


def stem(word: str, lang: str = "sl") -> str:
    """Stem a lower-case, folded Slovene (``"sl"``) or Croatian (``"hr"``) word."""
    return strip_ending(word, HR_CASE if lang == "hr" else SL_CASE)
