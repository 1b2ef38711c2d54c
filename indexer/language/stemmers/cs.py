"""Light inflectional stemmers for Czech and Slovak (after Dolamic & Savoy's rules as used by
Lucene's Czech stemmer), with variants for text whose diacritics were already folded away.

Only inflection is stripped, never derivation, so ``škola`` and ``školka`` stay apart. Input must
be lower-case. Imports nothing from the project.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..folding import fold

# (minimum length the word must exceed, endings); the first ending that fits is removed.
Rules = Sequence[tuple[int, tuple[str, ...]]]

CS_CASE: Rules = (
    (7, ("atech",)),
    (6, ("ětem", "etem", "atům")),
    (
        5,
        (
            "ech", "ich", "ích", "ého", "ěmi", "emi", "ému", "ěte", "ete", "ěti", "eti", "ího",
            "iho", "ími", "ímu", "imu", "ách", "ata", "aty", "ých", "ama", "ami", "ové", "ovi",
            "ými",
        ),
    ),
    (4, ("em", "es", "ém", "ím", "ům", "at", "ám", "os", "us", "ým", "mi", "ou")),
    (3, tuple("aeiouůyáéíýě")),
)  # fmt: skip

SK_CASE: Rules = (
    (6, ("ieho", "iemu", "iach", "ovia")),
    (
        5,
        (
            "ami", "ách", "och", "ých", "ými", "ého", "ému", "ich", "ích", "ími", "ovi", "iam",
            "ého", "ejš",
        ),
    ),
    (4, ("om", "ou", "ej", "ám", "ia", "ie", "iu", "ím", "ým", "mi", "ho", "mu", "ať", "ov")),
    (3, tuple("aeiouyáéíýôäú")),
)  # fmt: skip

POSSESSIVE = ("ov", "in", "ův")


def _fold_rules(rules: Rules) -> Rules:
    """The same rules written without diacritics (for accent-free text), duplicates dropped."""
    folded = []
    for minimum, endings in rules:
        seen = dict.fromkeys(fold(ending) for ending in endings)
        folded.append((minimum, tuple(seen)))
    return tuple(folded)


def strip_ending(word: str, rules: Rules) -> str:
    """Remove the first ending of ``rules`` that fits a word longer than its minimum."""
    for minimum, endings in rules:
        if len(word) > minimum:
            for ending in endings:
                if word.endswith(ending):
                    return word[: -len(ending)]
    return word


def _strip_possessive(word: str, endings: tuple[str, ...]) -> str:
    if len(word) > 5 and word.endswith(endings):
        return word[:-2]
    return word


def _normalise_cs(word: str, folded: bool) -> str:
    """Undo the consonant and vowel alternations at the end of the stem (ruka/ruce, obec/obce).

    In folded text ``st`` is left alone: without the caron it would merge cesta with český.
    """
    if word.endswith("čt") or (folded and word.endswith("ct")):
        word = word[:-2] + "ck"
    elif word.endswith("št"):
        word = word[:-2] + "sk"
    elif word.endswith(("c", "č")):
        word = word[:-1] + "k"
    elif word.endswith(("z", "ž")):
        word = word[:-1] + "h"
    if len(word) > 3 and word[-2] == "e":
        return word[:-2] + word[-1]  # mobile e: obec / obce, matek / matka
    if len(word) > 2 and word[-2] == ("u" if folded else "ů"):
        return word[:-2] + "o" + word[-1]  # dům / domu
    return word


_FOLDED_CACHE: dict[str, Rules] = {}


def _rules(lang: str, folded: bool) -> Rules:
    rules = SK_CASE if lang == "sk" else CS_CASE
    if not folded:
        return rules
    if lang not in _FOLDED_CACHE:
        _FOLDED_CACHE[lang] = _fold_rules(rules)
    return _FOLDED_CACHE[lang]


def stem(word: str, lang: str = "cs", folded: bool = False) -> str:
    """Stem a lower-case Czech (``lang="cs"``) or Slovak (``"sk"``) word.

    ``folded=True`` expects and returns text without diacritics (``skolach`` → ``skol``).
    """
    word = strip_ending(word, _rules(lang, folded))
    possessive = ("ov", "in", "uv") if folded else POSSESSIVE
    word = _strip_possessive(word, possessive)
    if word and lang == "cs":
        word = _normalise_cs(word, folded)
    elif len(word) > 3 and word[-2] == "e" and word[-3] != "i":
        word = word[:-2] + word[-1]  # mobile e (deň / dňa), but not the diphthong ie
    return word
