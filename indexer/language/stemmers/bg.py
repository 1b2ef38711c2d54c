"""Light inflectional stemmer for Bulgarian (after Savoy's rules as used by Lucene's Bulgarian
stemmer): definite article, plural, then a final vowel.

Changed on purpose: the augmentative ``-ища`` rule is left out, because it also fires on the
ordinary plural of ``-ище`` nouns (``училища`` would become ``учил`` while ``училище`` gives
``училищ``). Input must be lower-case Cyrillic; ``й`` is a letter of its own here.
"""

from __future__ import annotations

ARTICLES = ((6, ("ият",)), (5, ("ът", "то", "те", "та", "ия")), (4, ("ят",)))


def _remove_article(word: str) -> str:
    for minimum, endings in ARTICLES:
        if len(word) > minimum:
            for ending in endings:
                if word.endswith(ending):
                    return word[: -len(ending)]
    return word


def _remove_plural(word: str) -> str:
    size = len(word)
    if size > 6:
        if word.endswith("овци"):
            return word[:-3]  # keeps the о: българовци → българо…
        if word.endswith("ове"):
            return word[:-3]
        if word.endswith("еве"):
            return word[:-3] + "й"  # краеве → край
    if size > 5:
        if word.endswith("та"):
            return word[:-2]
        if word.endswith("ци"):
            return word[:-2] + "к"  # ученици → ученик
        if word.endswith("зи"):
            return word[:-2] + "г"
        if word[-3] == "е" and word[-1] == "и":
            return word[:-3] + "я" + word[-2]  # бели → бял
    if size > 4:
        if word.endswith("си"):
            return word[:-2] + "х"
        if word.endswith("и"):
            return word[:-1]
    return word


def stem(word: str) -> str:
    """Stem a lower-case Bulgarian word (``общините`` → ``общин``)."""
    if len(word) < 4:
        return word
    word = _remove_plural(_remove_article(word))
    if len(word) > 3:
        if word.endswith("я"):
            word = word[:-1]
        if word.endswith(("а", "о", "е")):
            word = word[:-1]
    if len(word) > 4 and word.endswith("ен"):
        word = word[:-2] + "н"
    if len(word) > 5 and word[-2] == "ъ":
        word = word[:-2] + word[-1]
    return word
