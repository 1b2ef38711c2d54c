"""Query variants that the relevance benchmark derives from its hand-written queries.

Every function here is pure and deterministic: the same query and position always give the same
variant, so figures can be compared from run to run. The module imports nothing from indexer or
library, because the benchmark must not share word lists or spelling rules with what it measures.

* ``with_function_words(lang, query, position)``: one or two articles, prepositions or
  conjunctions of the query's language put into it (before the last word, and for every second
  query also at the start), drawn from ``FUNCTION_WORDS``.
* ``official_latin(lang, query)``: Bulgarian in the Streamlined System of 2009, Greek after
  ELOT 743; lower-case, without accents.
* ``everyday_latin(lang, query, position)``: how people type these languages on a Latin
  keyboard. Two habits alternate from query to query: for Bulgarian ъ as u, ж as zh, ц as c
  versus ъ as a, ж as j, щ as st (both with я ю as ia iu); for Greek "phonetic" Greeklish
  (θ th, χ x, ου ou, η υ i) versus "visual" Greeklish (θ 8, ου u, η h, ω w, υ y).
* ``with_typo(query, position)``: the longest word gets one typo in its middle, two neighbouring
  letters swapped or (every second query) one letter dropped; the first letter always stays.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

# A few common articles, prepositions and conjunctions per language, written for this benchmark.
FUNCTION_WORDS: dict[str, tuple[str, ...]] = {
    "bg": ("на", "в", "за", "и", "с", "от"),
    "cs": ("ve", "a", "pro", "na", "s", "z"),
    "de": ("die", "der", "im", "und", "für", "mit"),
    "el": ("του", "στο", "και", "της", "με", "για"),
    "en": ("the", "of", "in", "and", "for", "with"),
    "es": ("el", "de", "en", "la", "y", "para"),
    "fr": ("le", "des", "dans", "la", "et", "pour"),
    "hr": ("u", "na", "i", "za", "s", "od"),
    "hu": ("a", "az", "és", "egy", "hogy", "is"),
    "it": ("il", "di", "nel", "la", "e", "per"),
    "pl": ("w", "na", "i", "z", "do", "dla"),
    "pt": ("o", "de", "na", "a", "e", "para"),
    "ro": ("în", "și", "la", "de", "cu", "pentru"),
    "sk": ("v", "na", "pre", "a", "s", "z"),
    "sl": ("v", "na", "in", "za", "z", "pri"),
}

LATIN_LANGUAGES = ("bg", "el")


# -- function words ---------------------------------------------------------------------------


def with_function_words(lang: str, query: str, position: int) -> str:
    """The query with a function word before its last word; queries at odd positions get a
    second, different one at the start. Both are picked from the list by position, so that
    consecutive queries get different words."""
    choices = FUNCTION_WORDS[lang]
    words = query.split()
    inner = choices[position % len(choices)]
    words.insert(len(words) - 1, inner)
    if position % 2:
        start = position // 2
        if choices[start % len(choices)] == inner:
            start += 1
        words.insert(0, choices[start % len(choices)])
    return " ".join(words)


# -- Bulgarian in Latin letters ---------------------------------------------------------------

_BG_COMMON = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "з": "z", "и": "i", "к": "k",
    "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "h", "ч": "ch", "ш": "sh",
}  # fmt: skip

# Streamlined System (Transliteration Act 2009); a word-final ия is written ia.
_BG_OFFICIAL = _BG_COMMON | {
    "ж": "zh", "й": "y", "ц": "ts", "щ": "sht", "ъ": "a", "ь": "y", "ю": "yu", "я": "ya",
}  # fmt: skip

# Two everyday habits: ъ as u and ж as zh, or ъ as a, ж as j and щ as st.
_BG_EVERYDAY = (
    _BG_COMMON | {
        "ж": "zh", "й": "i", "ц": "c", "щ": "sht", "ъ": "u", "ь": "i", "ю": "iu", "я": "ia",
    },
    _BG_COMMON | {
        "ж": "j", "й": "y", "ц": "c", "щ": "st", "ъ": "a", "ь": "y", "ю": "iu", "я": "ia",
    },
)  # fmt: skip


def _bulgarian(query: str, table: dict[str, str], official: bool) -> str:
    """Each Cyrillic letter through table. Officially a word-final ия is written ia; in everyday
    writing я and ю after и lose their i wherever they are (ия ia, ию iu)."""
    out = []
    for word in query.lower().split():
        if official and len(word) > 2 and word.endswith("ия"):
            out.append(_bg_letters(word[:-2], table) + "ia")
        elif official:
            out.append(_bg_letters(word, table))
        else:
            out.append(_bg_letters(word.replace("ия", "иа").replace("ию", "иу"), table))
    return " ".join(out)


def _bg_letters(word: str, table: dict[str, str]) -> str:
    return "".join(table.get(c, c) for c in word)


# -- Greek in Latin letters -------------------------------------------------------------------

_GR_VOWELS = set("αεηιουω")
_GR_VOICED = set("βγδζλμνρ")  # with the vowels: αυ ευ ηυ are read av ev iv before these


@dataclass(frozen=True)
class GreekStyle:
    """How one way of writing Greek in Latin letters spells letters and letter pairs."""

    letters: dict[str, str]
    pairs: dict[str, str] = field(default_factory=dict)
    # vowel before υ -> (spelling before a vowel or voiced consonant, spelling elsewhere)
    upsilon: dict[str, tuple[str, str]] = field(default_factory=dict)
    mp_edge: str = "mp"  # μπ at the start or end of a word


_GR_BASE = {
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "ι": "i", "κ": "k", "λ": "l",
    "μ": "m", "ν": "n", "ο": "o", "π": "p", "ρ": "r", "σ": "s", "ς": "s", "τ": "t", "φ": "f",
    "ψ": "ps",
}  # fmt: skip

_ELOT = GreekStyle(
    letters=_GR_BASE | {"η": "i", "θ": "th", "ξ": "x", "υ": "y", "χ": "ch", "ω": "o"},
    pairs={"ου": "ou", "γγ": "ng", "γκ": "gk", "γξ": "nx", "γχ": "nch", "μπ": "mp"},
    upsilon={"α": ("av", "af"), "ε": ("ev", "ef"), "η": ("iv", "if")},
    mp_edge="b",
)

_GREEKLISH = (
    GreekStyle(  # "phonetic": spelled as it sounds
        letters=_GR_BASE | {"η": "i", "θ": "th", "ξ": "ks", "υ": "i", "χ": "x", "ω": "o"},
        pairs={"ου": "ou", "γγ": "gg", "γκ": "gk", "μπ": "mp"},
        upsilon={"α": ("av", "af"), "ε": ("ev", "ef"), "η": ("iv", "if")},
    ),
    GreekStyle(  # "visual": Latin letters that look like the Greek ones
        letters=_GR_BASE | {"η": "h", "θ": "8", "ξ": "ks", "υ": "y", "χ": "x", "ω": "w"},
        pairs={"ου": "u", "μπ": "mp"},
        upsilon={"α": ("au", "au"), "ε": ("eu", "eu")},
    ),
)


def _greek_letters(word: str) -> list[tuple[str, bool]]:
    """The word's letters, lower-case and without accents, each with whether it had a
    diaeresis (which keeps it apart from the vowel before it)."""
    letters: list[tuple[str, bool]] = []
    for char in unicodedata.normalize("NFD", word.lower()):
        if char == "\u0308" and letters:
            letters[-1] = (letters[-1][0], True)
        elif not unicodedata.combining(char):
            letters.append((char, False))
    return letters


def _greek_word(word: str, style: GreekStyle) -> str:
    letters = _greek_letters(word)
    plain = "".join(c for c, _ in letters)
    out, i = [], 0
    while i < len(letters):
        char = plain[i]
        pair = plain[i : i + 2]
        apart = i + 1 < len(letters) and letters[i + 1][1]
        if char in style.upsilon and pair[1:] == "υ" and not apart:
            after = plain[i + 2 : i + 3]
            soft, hard = style.upsilon[char]
            out.append(soft if after and after in _GR_VOWELS | _GR_VOICED else hard)
            i += 2
        elif pair == "μπ" and (i == 0 or i + 2 == len(letters)):
            out.append(style.mp_edge)
            i += 2
        elif pair in style.pairs and not apart:
            out.append(style.pairs[pair])
            i += 2
        else:
            out.append(style.letters.get(char, char))
            i += 1
    return "".join(out)


def _greek(query: str, style: GreekStyle) -> str:
    return " ".join(_greek_word(word, style) for word in query.split())


# -- both -------------------------------------------------------------------------------------


def official_latin(lang: str, query: str) -> str:
    """The query in the official romanisation of bg or el."""
    if lang == "bg":
        return _bulgarian(query, _BG_OFFICIAL, official=True)
    if lang == "el":
        return _greek(query, _ELOT)
    raise ValueError(f"no romanisation for {lang}")


def everyday_latin(lang: str, query: str, position: int) -> str:
    """The query as typed on a Latin keyboard; the habit alternates with the position."""
    habit = position % 2
    if lang == "bg":
        return _bulgarian(query, _BG_EVERYDAY[habit], official=False)
    if lang == "el":
        return _greek(query, _GREEKLISH[habit])
    raise ValueError(f"no romanisation for {lang}")


# -- typos ------------------------------------------------------------------------------------


def with_typo(query: str, position: int) -> str:
    """The query with one typo in its (first) longest word: at even positions two neighbouring
    letters in the middle swapped, at odd ones the middle letter dropped."""
    words = query.split()
    longest = max(range(len(words)), key=lambda k: len(words[k]))
    word = words[longest]
    words[longest] = _dropped(word) if position % 2 else _swapped(word)
    return " ".join(words)


def _swapped(word: str) -> str:
    """Two different neighbouring letters swapped, as near the middle as possible and never
    the first letter; a word without such a pair loses a letter instead."""
    middle = max(1, len(word) // 2 - 1)
    spots = sorted(range(1, len(word) - 1), key=lambda j: (abs(j - middle), j))
    for j in spots:
        if word[j] != word[j + 1]:
            return word[:j] + word[j + 1] + word[j] + word[j + 2 :]
    return _dropped(word)


def _dropped(word: str) -> str:
    """The word without its middle letter (a short word gets its last letter doubled)."""
    if len(word) < 3:
        return word + word[-1]
    j = len(word) // 2
    return word[:j] + word[j + 1 :]
