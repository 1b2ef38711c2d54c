"""Latin-typed Bulgarian and Greek: romanisation, and search keys where spellings meet.

Owns turning Bulgarian Cyrillic and Greek words into Latin letters and the lossy *keys* that let
a word typed in Latin letters meet the native word of a document. Imports only the standard
library (never Whoosh, Flask or ``library``); every function is pure and cached.

Three steps:

* ``to_latin(lang, word)``: the official romanisation, lower-case, accents removed. Bulgarian
  uses the Streamlined System of the 2009 Transliteration Act (щ sht, ъ a, final ия ia); Greek
  uses ELOT 743 (θ th, χ ch, ξ x, η ι υ i i y, αυ ευ av ev / af ef, μπ b at the edges and mb
  inside, γγ ng ...). A word without Cyrillic (bg) or Greek (el) letters comes back unchanged.
* ``latin_key(lang, latin)``: reduces any Latin spelling, official or everyday, to a key. The
  same reduction runs on the romanised document word and on what the reader types, so the
  variants listed in ``BG_KEY`` and ``EL_KEY`` meet. Doubled letters become single. The key is
  a search key, not a spelling: it deliberately merges some different words.
* ``stem_key(lang, key)``: strips common inflectional endings from a key (see its docstring),
  so ``obshtinite`` and ``obstina`` meet.

``romanised_keys`` gives the keys of a document word: the key of its official romanisation plus
the keys of a few everyday alternatives (``BG_ALTERNATIVES`` / ``EL_ALTERNATIVES``: ъ typed u,
я ю typed ja ju, η typed e, υ typed u), as those spellings cannot share one key with the rest
(u is у, j is ж, e is ε).
``query_key`` gives the one key of a typed word.

Known limits: Bulgarian ж and з share a key (zh/j/z), as do й, и and ь (y/i); a typed ``j``
is ж, so ja ju for я ю are only reached through the alternative keys and j for й not at all
(majka would otherwise meet мъжка); ``u`` for ъ only through its alternative key. Greek ξ and χ
share a key (Greeklish ``x`` is χ, ELOT's is ξ); ε and η/ι stay apart (only the η-as-e
alternative key bridges them); ``h`` after a vowel and before a consonant is read as χ (ohto),
so ``voh8eia`` misses βοήθεια; ``u`` typed for θ is not understood (``u`` is ου/υ).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

TRANSLIT_LANGUAGES: tuple[str, ...] = ("bg", "el")

_CACHE = 200_000
_MIN_STEM = 3  # a key is never stemmed below this many letters

_COMBINING = {code: None for code in range(0x0300, 0x0370)}
_NATIVE = {
    "bg": re.compile(r"[\u0400-\u04ff]"),
    "el": re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]"),
}


def _check(lang: str) -> None:
    if lang not in TRANSLIT_LANGUAGES:
        raise ValueError(f"no transliteration for {lang!r}; have {TRANSLIT_LANGUAGES}")


def native_script(lang: str, word: str) -> bool:
    """True if ``word`` has at least one letter of the language's own script."""
    _check(lang)
    return _NATIVE[lang].search(word) is not None


# ---------------------------------------------------------------------------------------------
# Bulgarian → Latin (Streamlined System, 2009)

BG_LETTERS: dict[str, str] = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sht",
    "ъ": "a", "ь": "y", "ю": "yu", "я": "ya",
    # met in Bulgarian text: ѝ (и with a grave), and letters of neighbouring alphabets
    "ѝ": "i", "ѐ": "e", "ё": "yo", "э": "e", "ы": "y", "і": "i", "ї": "yi", "є": "ye",
}  # fmt: skip

# Everyday alternatives: each gives one more key of a document word (``romanised_keys``).
BG_ALTERNATIVES: tuple[dict[str, str], ...] = (
    {"ъ": "u"},  # България → bulgaria, път → put
    {"я": "ja", "ю": "ju"},  # the Central European j (not for й: majka would meet мъжка)
)


def _table(letters: dict[str, str]) -> dict[int, str | None]:
    return {**_COMBINING, **str.maketrans(letters)}


_BG_OFFICIAL = _table(BG_LETTERS)
_BG_TABLES = (_BG_OFFICIAL, *(_table({**BG_LETTERS, **alt}) for alt in BG_ALTERNATIVES))


def _bg_latin(word: str, table: dict[int, str | None]) -> str:
    if word.endswith("ия") and table[ord("я")] == "ya":  # the Act's rule: -ия at the end is -ia
        return word[:-2].translate(table) + "ia"
    return word.translate(table)


# ---------------------------------------------------------------------------------------------
# Greek → Latin (ELOT 743)

EL_LETTERS: dict[str, str] = {
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th", "ι": "i",
    "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p", "ρ": "r", "σ": "s",
    "ς": "s", "τ": "t", "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps", "ω": "o",
    "ά": "a", "έ": "e", "ή": "i", "ί": "i", "ϊ": "i", "ΐ": "i", "ό": "o", "ύ": "y", "ϋ": "y",
    "ΰ": "y", "ώ": "o", "ϐ": "v", "ϑ": "th", "ϕ": "f", "ϲ": "s",
}  # fmt: skip

# Pairs read as one sound; the first letter carries no accent and the second no diaeresis
# (ρολόι, πλαϊνός are read letter by letter, which the single-letter table does).
EL_PAIRS: dict[str, str] = {
    "αι": "ai", "αί": "ai", "ει": "ei", "εί": "ei", "οι": "oi", "οί": "oi", "υι": "yi",
    "υί": "yi", "ου": "ou", "ού": "ou",
    "γγ": "ng", "γκ": "gk", "γξ": "nx", "γχ": "nch", "ντ": "nt",
}  # fmt: skip

# αυ ευ ηυ: v before a vowel or a voiced consonant, f before a voiceless one and at the end.
_EL_U_FIRST = {"α": "a", "ε": "e", "η": "i"}
_EL_VOICED = frozenset("αάεέηήιίϊΐοόυύϋΰωώβγδζλμνρ")

EL_ALTERNATIVES: tuple[dict[str, str], ...] = (
    {"η": "e", "ή": "e"},  # the classical η: demos
    {"υ": "u", "ύ": "u", "ϋ": "u", "ΰ": "u"},  # Greeklish u for υ: kurios
)

_EL_PAIR_RE = re.compile("|".join([*EL_PAIRS, "[αεη][υύ]", "μπ"]))
_EL_OFFICIAL = _table(EL_LETTERS)
_EL_TABLES = (_EL_OFFICIAL, *(_table({**EL_LETTERS, **alt}) for alt in EL_ALTERNATIVES))

# Polytonic to monotonic: grave and circumflex become the acute, breathings and iota
# subscript go; the acute (tonos) and the diaeresis stay, as they decide the pairs.
_EL_MONOTONIC = {
    **{code: None for code in range(0x0300, 0x0370)},
    0x0300: 0x0301, 0x0342: 0x0301, 0x0301: 0x0301, 0x0308: 0x0308,
}  # fmt: skip


def _el_pair(match: re.Match[str]) -> str:
    pair = match.group()
    if pair in EL_PAIRS:
        return EL_PAIRS[pair]
    word, start, end = match.string, match.start(), match.end()
    if pair == "μπ":
        return "mb" if 0 < start and end < len(word) else "b"
    following = word[end : end + 1]
    return _EL_U_FIRST[pair[0]] + ("v" if following and following in _EL_VOICED else "f")


def _el_latin(word: str, table: dict[int, str | None]) -> str:
    return _EL_PAIR_RE.sub(_el_pair, word).translate(table)


# ---------------------------------------------------------------------------------------------
# Native word → Latin


_Table = dict[int, str | None]
_ROMANISE: dict[str, tuple[Callable[[str, _Table], str], tuple[_Table, ...]]] = {
    "bg": (_bg_latin, _BG_TABLES),
    "el": (_el_latin, _EL_TABLES),
}
_ALTERNATIVE_LETTERS = {
    "bg": tuple(frozenset(alt) for alt in BG_ALTERNATIVES),
    "el": tuple(frozenset(alt) for alt in EL_ALTERNATIVES),
}


def _prepare(lang: str, word: str) -> str:
    """Lower-case NFC; Greek also monotonic (tonos and diaeresis only)."""
    word = unicodedata.normalize("NFC", word.lower())
    if lang == "el" and not word.isascii():
        word = unicodedata.normalize("NFD", word).translate(_EL_MONOTONIC)
        word = unicodedata.normalize("NFC", word)
    return word


def _romanisations(lang: str, word: str) -> list[str]:
    """The official romanisation, then each alternative whose letters the word has."""
    convert, tables = _ROMANISE[lang]
    prepared = _prepare(lang, word)
    found = [convert(prepared, tables[0])]
    for table, letters in zip(tables[1:], _ALTERNATIVE_LETTERS[lang], strict=True):
        if not letters.isdisjoint(prepared):
            found.append(convert(prepared, table))
    return found


@lru_cache(maxsize=_CACHE)
def to_latin(lang: str, word: str) -> str:
    """The official romanisation of a Bulgarian or Greek word, lower-case, without accents:
    ``общините`` → ``obshtinite``, ``εκπαίδευση`` → ``ekpaidefsi``. A word with no letter of the
    language's script is returned unchanged."""
    if not native_script(lang, word):
        return word
    convert, tables = _ROMANISE[lang]
    return convert(_prepare(lang, word), tables[0])


# ---------------------------------------------------------------------------------------------
# Latin → key

# Letters of scholarly romanisations of Bulgarian, read before accents are dropped.
_BG_SCHOLARLY = str.maketrans({"š": "sh", "ž": "zh", "č": "ch", "ǎ": "a", "ă": "a", "ŭ": "a"})

# Bulgarian key. Spellings on the left become the key on the right. Multi-letter spellings and
# ``y`` are read by a regular expression; the single letters by ``str.translate``.
BG_KEY: dict[str, str] = {
    "sht": "st", "6t": "st",  # щ: sht, st, 6t
    "zh": "z", "j": "z",  # ж: zh, j, z (merged with з)
    "ts": "c", "tz": "c",  # ц: ts, c
    "4": "ch",  # ч: ch, 4
    "6": "sh",  # ш: sh, 6
    "kh": "h", "x": "h",  # х: h, x, kh
    "w": "v",  # в
    "ya": "ia", "q": "ia",  # я: ya, ia, q
    "yu": "iu",  # ю: yu, iu
    "yo": "io",  # ьо, йо
    "y": "i",  # й: y, i; between consonants y is ъ (pyt) and the key letter is a
}  # fmt: skip
_BG_CONSONANTS = frozenset("bcdfghjklmnprstvwxz46")

# Greek key. ``h`` and ``th`` depend on their neighbours (see ``_el_h``); after a and e the
# letters u y v f are the second half of αυ ευ (ekpaideusi, ekpaideysi, ekpaidefsi, ekpaidevsi).
EL_KEY: dict[str, str] = {
    "8": "th",  # θ: th, 8
    "ch": "x", "x": "x", "ks": "x", "3": "x",  # χ: ch, x, h; ξ: x, ks, 3 (one key letter)
    "nch": "gx", "nx": "gx", "nks": "gx", "n3": "gx",  # γχ γξ
    "ou": "u",  # ου: ou, u
    "ai": "e",  # αι: ai, e
    "ei": "i", "oi": "i", "yi": "i", "ui": "i", "y": "i",  # every i-sound: i, y, ei, oi, h
    "w": "o",  # ω: o, w
    "au": "af", "ay": "af", "av": "af", "af": "af",  # αυ
    "eu": "ef", "ey": "ef", "ev": "ef", "ef": "ef",  # ευ
    "mp": "b", "mb": "b", "v": "b",  # β: v, b; μπ: b, mp, mb
    "nt": "d", "nd": "d",  # ντ: nt, nd, d (merged with δ)
    "gg": "g", "gk": "g", "ng": "g", "nk": "g",  # γγ γκ: g, gg, gk, ng
    "c": "k", "q": "k",
}  # fmt: skip
_EL_VOWELS = frozenset("aeiouyw")
_EL_ASPIRATES = {"t": "th", "k": "x", "p": "f", "g": "g", "d": "d"}


def _el_h(word: str, start: int, end: int, token: str) -> str:
    """An ``h`` in Greeklish is χ, η, or the second letter of th ch kh ph gh dh.

    ``ch`` is always χ. After t k p g d it makes θ χ φ γ δ before a vowel (and ``th`` is θ before
    r l n: anthropos, ethnikos), else it is η after that letter (dhmos, ths). Alone, it is χ
    after or before a vowel (ehei, arhi, hora) and η between consonants (fysh, mhn); at the
    start it is χ before r and t (hronia) and η before other consonants (hlikia, hmera).
    """
    if token == "nth":
        return "n" + _el_h(word, start + 1, end, "th")
    following = word[end : end + 1]
    vowel_next = following != "" and following in _EL_VOWELS
    if token == "ch":
        return "x"
    if len(token) == 2:
        letter = token[0]
        if vowel_next or (letter == "t" and following != "" and following in "rln"):
            return _EL_ASPIRATES[letter]
        return EL_KEY.get(letter, letter) + "i"
    previous = word[start - 1 : start]
    if previous and previous not in _EL_VOWELS:
        return "x" if vowel_next else "i"
    if not previous and following and not vowel_next and following not in "rt":
        return "i"
    return "x"


def _alternation(spellings: list[str]) -> str:
    return "|".join(sorted(spellings, key=len, reverse=True))


_BG_RE = re.compile(_alternation([s for s in BG_KEY if len(s) > 1 or s == "y"]))
_BG_SINGLE = str.maketrans({s: k for s, k in BG_KEY.items() if len(s) == 1 and s != "y"})
_EL_H_TOKENS = ["nth", "th", "ch", "kh", "ph", "gh", "dh", "h"]
_EL_RE = re.compile(_alternation([s for s in EL_KEY if len(s) > 1] + _EL_H_TOKENS))
_EL_SINGLE = str.maketrans({s: k for s, k in EL_KEY.items() if len(s) == 1})
_DOUBLED = re.compile(r"(.)\1+")


def _bg_piece(match: re.Match[str]) -> str:
    piece = match.group()
    if piece == "y":
        word, start, end = match.string, match.start(), match.end()
        if word[start - 1 : start] in _BG_CONSONANTS and word[end : end + 1] in _BG_CONSONANTS:
            return "a"  # ъ written y: pyt, bylgaria (the Act never puts y between consonants)
        return "i"
    return BG_KEY[piece]


def _el_piece(match: re.Match[str]) -> str:
    piece = match.group()
    if piece.endswith("h") and piece != "nch":
        return _el_h(match.string, match.start(), match.end(), piece)
    return EL_KEY[piece]


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=_CACHE)
def latin_key(lang: str, latin: str) -> str:
    """The search key of a word written in Latin letters (official romanisation or everyday
    typing): ``obshtinite``, ``obstinite`` and ``ob6tinite`` → ``obstinite``; ``ekpaideusi`` and
    ``ekpedefsi`` → ``ekpedefsi``. A word without letters (a number) is returned lower-cased."""
    _check(lang)
    word = latin.lower()
    if lang == "bg":
        word = word.translate(_BG_SCHOLARLY)
    if not word.isascii():
        word = _fold(word)
    if not any(c.isalpha() for c in word):
        return word
    if lang == "bg":
        word = _BG_RE.sub(_bg_piece, word).translate(_BG_SINGLE)
    else:
        word = _EL_RE.sub(_el_piece, word).translate(_EL_SINGLE)
    return _DOUBLED.sub(r"\1", word)


@lru_cache(maxsize=_CACHE)
def romanised_keys(lang: str, word: str) -> tuple[str, ...]:
    """The key(s) of a document word: that of its official romanisation first, then those of
    the everyday alternatives where they differ (``България`` → ``balgaria``, ``bulgaria``).
    A word without native letters has the one key of ``query_key``."""
    if not native_script(lang, word):
        return (latin_key(lang, word),)
    return tuple(dict.fromkeys(latin_key(lang, latin) for latin in _romanisations(lang, word)))


def query_key(lang: str, word: str) -> str:
    """The key of a word the reader typed: Latin letters as typed, or native script (which is
    romanised first), so a native query meets the same keys."""
    return latin_key(lang, to_latin(lang, word))


# ---------------------------------------------------------------------------------------------
# Endings

# Bulgarian: up to three endings are cut, one per stage, each only if 3 letters stay:
# 1. the definite article: -iat -at -ut (-ът/-ят, also typed u), -ta after a (obshtinata),
#    -to after a vowel (uchilishteto), -te after i or e (mediatorite, domovete);
# 2. plural, gender and case: -ove -eve -en -ia -ie -io -iu and a final vowel;
# 3. what stage 2 can leave: adjective -sk (romski → rom), -n after a consonant (zdravni →
#    zdrav) and -at/-ut once more (kandidati → kandidat → kandid, like kandidat).
_BG_STAGES = (
    re.compile(r"(?:iat|at|ut|(?<=a)ta|(?<=[aeiou])to|(?<=[ie])te)$"),
    re.compile(r"(?:ove|eve|en|ia|ie|io|iu|a|e|i|o|u)$"),
    re.compile(r"(?:sk|at|ut|(?<=[^aeiou])n)$"),
)

# Greek: one ending is cut, the longest that leaves enough letters. Written as keys: ου is u,
# οι ει η are i, αι is e, ω is o. ``EL_HEAVY`` endings (-ση -σης -σεις -σεων) need 4 letters to
# stay, so θέση keeps its σ (thes) while εκπαίδευση loses it (ekpedef, as εκπαιδεύω).
EL_ENDINGS: tuple[str, ...] = (
    "atos", "aton", "ata",  # -ματα -ματος -ματων
    "ias", "ies", "ion", "iu", "ia", "io", "eon",  # -ιας -ιες -ιων -ιου -ια -ιο -εων
    "ume", "ete", "un",  # verbs: -ουμε -ετε -ουν
    "os", "us", "on", "is", "es", "as", "in",  # -ος -ους -ων/-ον -ης/-εις -ες/-αις -ας -ειν
    "a", "e", "i", "o", "u",  # -α -αι/-ε -η/-ι/-οι/-ει -ο/-ω -ου
)  # fmt: skip
EL_HEAVY: tuple[str, ...] = ("seon", "sis", "si")
_EL_CUTS = sorted(
    [(e, _MIN_STEM) for e in EL_ENDINGS] + [(e, _MIN_STEM + 1) for e in EL_HEAVY],
    key=lambda cut: len(cut[0]),
    reverse=True,
)


def _bg_stem(key: str) -> str:
    for stage in _BG_STAGES:
        match = stage.search(key)
        if match and match.start() >= _MIN_STEM:
            key = key[: match.start()]
    return key


def _el_stem(key: str) -> str:
    for ending, keep in _EL_CUTS:
        if key.endswith(ending) and len(key) - len(ending) >= keep:
            return key[: -len(ending)]
    return key


@lru_cache(maxsize=_CACHE)
def stem_key(lang: str, key: str) -> str:
    """A key without its inflectional ending(s), never shorter than 3 letters (Bulgarian: the
    article, then plural/gender, then -sk/-n; Greek: the longest case or verb ending), so
    ``obshtinite`` and ``obstina`` both give ``obstin``, ``dimos`` and ``dimou`` give ``dim``.
    Works on keys (``latin_key``), not on spellings."""
    _check(lang)
    return _bg_stem(key) if lang == "bg" else _el_stem(key)
