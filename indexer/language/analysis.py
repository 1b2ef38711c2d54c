"""Text analysis: how words become index terms, per language and per field kind.

Owns tokenising, normalising, folding and the per-language pipelines; imports only Whoosh and
``indexer.stemmers`` (never searching, writing, Flask or ``library``).

Every analyzer is ``WordTokenizer | KeyFilter(lang, kind)``. The tokenizer finds words (any
script, with digits, ``Cluj-Napoca`` as its parts, elisions ``l' dell' d' qu'`` cut off,
possessive ``'s`` dropped) and normalises each one (NFC, Romanian cedilla ş ţ → comma-below ș ț,
typographic apostrophes, soft hyphens). The filter lower-cases and maps each word to its key(s):

* ``precise``: lemma → stemmer → fold. The lemmatiser (simplemma) needs the accents, so it runs
  first; the stemmer then merges lemmas the dictionary leaves apart (adjective and noun forms,
  unknown words); folding last makes accents irrelevant to the key. A query typed exactly like
  the text meets the document here. Highest boost.
* ``folded``: fold → stemmer written for accent-free text. Query side: one key from the typed
  word. Index side: that key plus the key of the folded lemma, so a query in the dictionary form
  typed without accents (``dite``) meets an irregular form in the text (``dětí``).
* ``trunc``: fold → first letters only (the length per language is in ``SPECS``). The safety
  net for forms no rule or dictionary joins. Lowest boost.

Per language: lemmatiser; stemmer of ``precise``; stemmer of ``folded``; ``trunc`` letters.
Chosen by measuring, for the words of our content, whether another inflected form typed
without accents shares a key with the document's form (figures in the commit history):

* cs: simplemma cs; light Czech (Lucene's rules, mobile e also after c/z → k/h); the same rules
  with the endings folded (``st`` not turned into ``sk``: cesta ≠ český); 5. Snowball's Czech
  was not used: it over-stems (rodina → rod).
* sk: simplemma sk; light Slovak (the Czech scheme with Slovak endings -om -ej -och -iach …);
  folded variant; 5.
* bg: simplemma bg; light Bulgarian without the ``-ища`` rule; same (no accents to lose); 5.
* hu ro es it el en pl de fr pt: simplemma; Snowball (PyStemmer); Snowball on folded text; 5.
  Snowball rules are written with accents, so the folded field reaches fewer forms for hu, ro,
  pt; the lemma key and ``trunc`` make up for it.
* hr: simplemma hbs; Snowball Serbian (Latin script, fits Croatian; it beat our own light
  rules 0.79 to 0.69 on folded forms); same; 5.
* sl: simplemma sl; light Slovene rules (no Snowball; without them the folded field met only
  14% of other forms, with them 80%); same; 5.
* anything else (``rom`` …): only the neutral field (lower-case + fold, no stemming).

``fold`` never transliterates: Cyrillic and Greek stay in their script and ``й`` stays ``й``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from whoosh.analysis import Analyzer, Filter, Token, Tokenizer

from . import translit
from .folding import fold
from .stemmers import lemmas, stemmer

ANALYSIS_VERSION = "5"

LANGUAGES: tuple[str, ...] = (
    "cs", "sk", "bg", "hu", "ro", "es", "it", "el", "en", "pl", "hr", "sl", "de", "fr", "pt",
)  # fmt: skip

# Languages analysed by a close relative's rules: Serbian and Bosnian inflect as Croatian does,
# and the Snowball stemmer behind "hr" is the Serbian one (it reads Cyrillic as Latin first).
ANALYSED_AS: dict[str, str] = {"sr": "hr", "bs": "hr"}


def analysed_as(lang: str) -> str:
    """The language whose analysis a text in ``lang`` gets: itself, or a close relative."""
    return ANALYSED_AS.get(lang, lang)


@dataclass(frozen=True)
class Spec:
    """How one language is analysed (stemmer names are resolved by ``indexer.stemmers``)."""

    lemma: bool
    precise_stem: str | None
    folded_stem: str | None
    trunc: int = 5


def _snowball(lang: str) -> Spec:
    return Spec(True, f"snowball:{lang}", f"snowball:{lang}")


SPECS: dict[str, Spec] = {
    "cs": Spec(True, "cs_light", "cs_light_folded"),
    "sk": Spec(True, "sk_light", "sk_light_folded"),
    "bg": Spec(True, "bg_light", "bg_light"),
    "hr": Spec(True, "snowball:hr", "snowball:hr"),
    "sl": Spec(True, "sl_light", "sl_light"),
    **{
        lang: _snowball(lang)
        for lang in ("hu", "ro", "es", "it", "el", "en", "pl", "de", "fr", "pt")
    },
}

# ---------------------------------------------------------------------------------------------
# Characters

_NORMALISE = str.maketrans(
    {
        "ş": "ș", "ţ": "ț", "Ş": "Ș", "Ţ": "Ț",  # Romanian: cedilla → comma below
        "’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'",
        "\u00ad": None, "\u200b": None, "\u200c": None, "\u200d": None,
        "‐": "-", "‑": "-",
    }
)  # fmt: skip


_REPLACED = tuple((chr(old), new or "") for old, new in _NORMALISE.items())


def normalise(text: str) -> str:
    """Pre-normalisation for all analysed text: NFC, ș ț with comma, plain apostrophes.

    The same as ``translate(_NORMALISE)``, a character at a time in C: no replacement makes a
    character another one replaces, and most texts hold few of them or none."""
    text = unicodedata.normalize("NFC", text)
    for old, new in _REPLACED:
        if old in text:
            text = text.replace(old, new)
    return text


# ---------------------------------------------------------------------------------------------
# Tokenizer

_LETTERS = r"(?:[^\W_][\u0300-\u036f\u00ad\u200b-\u200d]*)+"
_WORD = re.compile(rf"{_LETTERS}(?:['’ʼ‘`´\-‐‑]{_LETTERS})*")
# The same words in a text without combining marks, soft hyphens or zero-width characters (most
# texts once normalised): the letters' inner repeat is what makes _WORD slow.
_PLAIN_WORD = re.compile(r"[^\W_]+(?:['’ʼ‘`´\-‐‑][^\W_]+)*")
_MARKS = re.compile(r"[\u0300-\u036f\u00ad\u200b-\u200d]")
_PIECE = re.compile(r"[^\-‐‑]+")
_APOSTROPHES = "'’ʼ‘`´"
_JOINERS = re.compile(r"['’ʼ‘`´\-‐‑]")
ELISIONS = frozenset(
    "l d j m n s t c qu lorsqu puisqu jusqu quoiqu presqu quelqu un dell dall nell sull all coll"
    " pell quell quest bell sant tutt gl nessun buon ciascun alcun"
    .split()
)  # fmt: skip
MAX_WORD = 80


def _cut_elisions(text: str, start: int) -> tuple[str, int]:
    """``dell'integrazione`` → ``integrazione`` (with its offset); drop a possessive ``'s``."""
    while True:
        cut = min((i for i in map(text.find, _APOSTROPHES) if i > 0), default=-1)
        if cut < 0 or text[:cut].lower() not in ELISIONS:
            break
        text, start = text[cut + 1 :], start + cut + 1
    if len(text) > 2 and text[-2] in _APOSTROPHES and text[-1] in "sS":
        text = text[:-2]
    return text, start


def words(text: str) -> Iterator[tuple[str, int, int, bool]]:
    """(normalised word, start, end, is_compound) for each word; a hyphenated word comes first
    whole (flagged) and then as its parts."""
    for match in _WORD.finditer(text):
        whole = match.group()
        if not _JOINERS.search(whole):  # most words: no hyphen, no apostrophe
            word = normalise(whole)
            if len(word) <= MAX_WORD:
                yield word, match.start(), match.end(), False
            continue
        pieces = []
        for piece in _PIECE.finditer(match.group()):
            word, start = _cut_elisions(piece.group(), match.start() + piece.start())
            word = normalise(word)
            for apostrophe in _APOSTROPHES:
                word = word.replace(apostrophe, "")
            if word and len(word) <= MAX_WORD:
                pieces.append((word, start, match.start() + piece.end(), False))
        if len(pieces) > 1:
            compound = "-".join(p[0] for p in pieces)
            yield compound, pieces[0][1], pieces[-1][2], True
        yield from pieces


class WordTokenizer(Tokenizer):
    """Unicode words in any script; see ``words`` for hyphens and apostrophes."""

    def __eq__(self, other: object) -> bool:
        return self.__class__ is getattr(other, "__class__", None)

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        found = words(value) if tokenize else [(normalise(value), 0, len(value), False)]
        pos = start_pos
        for word, start, end, compound in found:
            if compound and mode != "index":
                continue  # queries search the parts; the whole is an extra index term
            t.text, t.boost, t.stopped = word, 1.0, False
            if keeporiginal:
                t.original = word
            if positions:
                t.pos = pos
            if chars:
                t.startchar, t.endchar = start_char + start, start_char + end
            if not compound:
                pos += 1
            yield t


# ---------------------------------------------------------------------------------------------
# Keys per field kind


def _precise(lang: str, word: str, index: bool) -> tuple[str, ...]:
    spec = SPECS[lang]
    base = lemmas.lemma(lang, word) if spec.lemma else word
    return (fold(stemmer(spec.precise_stem)(base)),)


def _folded(lang: str, word: str, index: bool) -> tuple[str, ...]:
    stem = stemmer(SPECS[lang].folded_stem)
    key = stem(fold(word))
    if not (index and SPECS[lang].lemma):
        return (key,)
    return tuple(dict.fromkeys((key, stem(fold(lemmas.lemma(lang, word))))))


def _trunc(lang: str, word: str, index: bool) -> tuple[str, ...]:
    size = SPECS[lang].trunc
    if "-" in word:
        return (fold(word),)  # the whole of a hyphenated name, already an extra term
    key = fold(word)[:size]
    if not (index and SPECS[lang].lemma):
        return (key,)
    return tuple(dict.fromkeys((key, fold(lemmas.lemma(lang, word))[:size])))


def _latin(lang: str, word: str, index: bool) -> tuple[str, ...]:
    """Bulgarian and Greek as typed in Latin letters: a lossy key (see ``translit``), stemmed.
    Index side: the keys of a native-script word; query side: the key of a Latin-typed word."""
    if lang not in translit.TRANSLIT_LANGUAGES:
        return ()
    native = translit.native_script(lang, word)
    if index:
        if not native:
            return ()
        found = translit.romanised_keys(lang, word)
    else:
        if native or not word.isascii():
            return ()  # typed in its own script: the other kinds match it exactly
        found = (translit.query_key(lang, word),)
    stems = (translit.stem_key(lang, k) for k in found if k)
    # Beside each stem, the whole key marked with "=": a Latin-typed word in the very form the
    # text has (obshtinskata, not obshtinski) scores twice, as its native spelling does.
    whole = (f"={k}" for k in found if k and translit.stem_key(lang, k) != k)
    return tuple(dict.fromkeys((*stems, *whole)))


def _neutral(lang: str, word: str, index: bool) -> tuple[str, ...]:
    return (fold(word),)


def _spelling(lang: str, word: str, index: bool) -> tuple[str, ...]:
    return (word,)


_KEYS: dict[str, Callable[[str, str, bool], tuple[str, ...]]] = {
    "precise": _precise,
    "folded": _folded,
    "trunc": _trunc,
    "latin": _latin,
    "neutral": _neutral,
    "spelling": _spelling,
}


def _keys(kind: str, lang: str, word: str, index: bool) -> tuple[str, ...]:
    lowered = word.lower()
    found = tuple(k for k in _KEYS[kind](lang, lowered, index) if k)
    if found or kind == "latin":
        return found
    return (fold(lowered),)


# Words remembered per process: indexing sees many, the web process only query words.
KEY_CACHE = {False: 300_000, True: 20_000}
_cached_keys = {"keys": lru_cache(maxsize=KEY_CACHE[False])(_keys)}


def keys(kind: str, lang: str, word: str, index: bool = False) -> tuple[str, ...]:
    """The index keys of one word (lower-cased here) for a field kind and language."""
    return _cached_keys["keys"](kind, lang, word, index)


class KeyFilter(Filter):
    """Replaces each token by its key(s); holds only plain data so the schema pickles."""

    def __init__(self, lang: str, kind: str) -> None:
        self.lang = lang
        self.kind = kind

    def __getstate__(self) -> dict[str, str]:
        return {"lang": self.lang, "kind": self.kind}

    def __setstate__(self, state: dict[str, str]) -> None:
        self.__dict__.update(state)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            for key in keys(self.kind, self.lang, t.text, t.mode == "index"):
                t.text = key
                yield t


# ---------------------------------------------------------------------------------------------
# Analyzers


def _analyzer(lang: str, kind: str) -> Analyzer:
    if kind not in ("neutral", "spelling") and lang not in SPECS:
        raise ValueError(f"no {kind!r} analysis for language {lang!r}; have {LANGUAGES}")
    return WordTokenizer() | KeyFilter(lang, kind)


def precise_analyzer(lang: str) -> Analyzer:
    """Accent-aware: lemma → stem → fold (see the module docstring)."""
    return _analyzer(lang, "precise")


def folded_analyzer(lang: str) -> Analyzer:
    """Accent-free typing: fold → stem with rules for unaccented text."""
    return _analyzer(lang, "folded")


def trunc_analyzer(lang: str) -> Analyzer:
    """Fold → keep the first letters only: the recall safety net."""
    return _analyzer(lang, "trunc")


def neutral_analyzer() -> Analyzer:
    """Any language: lower-case → fold, no stemming."""
    return _analyzer("xx", "neutral")


def spelling_analyzer() -> Analyzer:
    """Lower-case words as written, for did-you-mean dictionaries."""
    return _analyzer("xx", "spelling")


def latin_analyzer(lang: str) -> Analyzer:
    """Bulgarian or Greek words as keys of their Latin spellings (see ``translit``)."""
    return _analyzer(lang, "latin")


FIELD_KINDS: dict[str, Callable[[str], Analyzer]] = {
    "precise": precise_analyzer,
    "folded": folded_analyzer,
    "trunc": trunc_analyzer,
}
# Kinds only some languages have: Latin-typed Bulgarian and Greek.
EXTRA_KINDS: dict[str, tuple[Callable[[str], Analyzer], tuple[str, ...]]] = {
    "latin": (latin_analyzer, translit.TRANSLIT_LANGUAGES),
}
# Latin-typed words rank after every exact or folded match of the same word.
FIELD_BOOSTS: dict[str, float] = {"precise": 2.0, "folded": 1.0, "trunc": 0.5, "latin": 0.4}


# ---------------------------------------------------------------------------------------------
# Whole documents at build time: each text is cut into words once, each distinct word is keyed
# once per kind, and a field receives its terms already counted.

_MEMO_SIZE = 4
_memo: list[tuple[object, tuple]] = []
Table = tuple[dict[str, int], dict[str, list[int]], int]  # counts, positions, words


def _kind_for(kind: str, lang: str) -> str:
    """The kind a language really gets: languages without their own analysis use the neutral
    path."""
    if kind not in ("neutral", "spelling") and lang not in SPECS:
        return "neutral"
    return kind


def _word_table(value: str | tuple[str, ...]) -> Table:
    """(lower-cased word -> count, lower-cased word -> positions, number of positions) for the
    index side: the words ``WordTokenizer`` gives in index mode. A tuple of texts reads as the
    texts joined by spaces. The last few values are remembered: a document's title and body
    each reach several fields in a row."""
    for seen, table in _memo:
        if seen is value or seen == value:
            return table
    if isinstance(value, tuple):
        table = _joined(value)
    else:
        table = _one_table(value)
    _memo.insert(0, (value, table))
    del _memo[_MEMO_SIZE:]
    return table


def _one_table(value: str) -> Table:
    text = normalise(value).lower()
    positions: dict[str, list[int]] = {}
    at = positions.setdefault
    pos = 0
    for whole in (_WORD if _MARKS.search(text) else _PLAIN_WORD).findall(text):
        # Normalised, a word's only joiners are "-" and "'"; most words have neither.
        if "-" not in whole and "'" not in whole:
            if len(whole) <= MAX_WORD:
                at(whole, []).append(pos)
                pos += 1
            continue
        for word, _start, _end, compound in words(whole):
            at(word, []).append(pos)
            if not compound:
                pos += 1
    return {word: len(found) for word, found in positions.items()}, positions, pos


def _joined(parts: tuple[str, ...]) -> Table:
    counts: dict[str, int] = {}
    positions: dict[str, list[int]] = {}
    offset = 0
    for part in parts:
        part_counts, part_positions, length = _word_table(part)
        if not positions:  # nothing before: offset 0, the part's table as it is
            counts, positions = dict(part_counts), dict(part_positions)
            offset = length
            continue
        get = counts.get
        for word, n in part_counts.items():
            counts[word] = get(word, 0) + n
        shift = offset.__add__
        before = positions.get
        for word, found in part_positions.items():
            shifted = list(map(shift, found))
            old = before(word)
            positions[word] = shifted if old is None else old + shifted
        offset += length
    return counts, positions, offset


# Index-time keys remembered per (kind, language): one dict lookup per word, where ``keys``
# hashes four arguments for its cache. Emptied once they hold KEY_CACHE[False] words in all.
_index_memo: dict[tuple[str, str], dict[str, tuple[str, ...]]] = {}
_index_memo_words = [0]


def _index_keys(kind: str, lang: str) -> Callable[[list[str]], list[tuple[str, ...]]]:
    """words -> their index keys for kind and lang, remembered (a list at a time: most words
    are known, and are looked up at C speed)."""
    memo = _index_memo.get((kind, lang))
    if memo is None:
        memo = _index_memo[kind, lang] = {}

    def keys_of(words: list[str]) -> list[tuple[str, ...]]:
        found = list(map(memo.get, words))
        if None in found:
            for i, keys in enumerate(found):
                if keys is None:
                    word = words[i]
                    if _index_memo_words[0] >= KEY_CACHE[False]:
                        forget_index_keys()
                    keys = found[i] = _keys(kind, lang, word, True)
                    memo[word] = keys
                    _index_memo_words[0] += 1
        return found

    return keys_of


def forget_index_keys() -> None:
    """Empty the index-time memo (a writer does before it writes a segment out, when memory
    peaks; the next segment fills it again)."""
    for each in _index_memo.values():
        each.clear()
    _index_memo_words[0] = 0


def index_counts(kind: str, lang: str, value: str | tuple[str, ...]) -> dict[str, int]:
    """term -> frequency that the ``kind`` analyzer of ``lang`` gives ``value`` at index time
    (what Whoosh would count token by token, computed once per distinct word)."""
    kind = _kind_for(kind, lang)
    counts, _, _ = _word_table(value)
    result: dict[str, int] = {}
    get = result.get
    for keys, n in zip(_index_keys(kind, lang)(list(counts)), counts.values(), strict=True):
        for key in keys:
            result[key] = get(key, 0) + n
    return result


def index_positions(kind: str, lang: str, value: str | tuple[str, ...]) -> dict[str, list[int]]:
    """term -> sorted positions, for fields that serve phrases (same terms as ``index_counts``)."""
    kind = _kind_for(kind, lang)
    _, positions, _ = _word_table(value)
    result: dict[str, list[int]] = {}
    every_keys = _index_keys(kind, lang)(list(positions))
    merged = []
    for keys, found in zip(every_keys, positions.values(), strict=True):
        for key in keys:
            if key in result:
                result[key] = result[key] + found
                merged.append(key)
            else:
                result[key] = found  # one word's positions: already in order
    for key in merged:
        result[key] = sorted(result[key])
    return result


def terms(lang: str, text: str, kind: str = "precise", mode: str = "index") -> list[str]:
    """The terms the ``kind`` analyzer of ``lang`` produces for ``text`` (``mode="query"`` for
    the query side). Languages without their own analysis use the neutral path."""
    kind = _kind_for(kind, lang)
    analyzer = WordTokenizer() | KeyFilter(lang, kind)
    return [t.text for t in analyzer(text, mode=mode)]


def set_dictionary_cache(path) -> None:
    """A folder where decoded lemma dictionaries are kept for the next process (see
    ``stemmers.lemmas.set_cache_dir``)."""
    lemmas.set_cache_dir(path)


def set_low_memory(enabled: bool, thin: bool = True) -> None:
    """Lemmatiser dictionaries read from their decompressed streams (files in the cache
    folder, see ``stemmers.lemmas``) instead of dicts; ``thin``: the web process, which
    remembers fewer words than the indexer."""
    if (enabled, thin) != (lemmas.low_memory(), lemmas.thin()):
        lemmas.set_low_memory(enabled, thin)
        web = enabled and thin
        _cached_keys["keys"] = lru_cache(maxsize=KEY_CACHE[web])(_keys)
        forget_index_keys()
