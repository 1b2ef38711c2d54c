"""The one simplemma lemmatiser shared by all languages, in fast or low-memory mode.

Fast mode loads each language's dictionary into a dict (indexer process: ~1.2 GB for all 15
languages). Low-memory mode keeps each dictionary as its decompressed front-coded stream with a
sparse index (web process: ~100 MB for all 15). Both modes return the same lemmas.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path

import simplemma
from simplemma import Lemmatizer
from simplemma.strategies import DefaultStrategy
from simplemma.strategies.dictionaries import DefaultDictionaryFactory, StreamDictionaryFactory
from simplemma.strategies.dictionaries.stream_dictionary_factory import StreamMap

from ...writing import store

# simplemma's own code for languages whose ISO code it does not use.
SIMPLEMMA_CODE = {"hr": "hbs"}
# The shared default factory caches only 8 dictionaries and thrashes with more languages.
CACHE_LANGUAGES = 32
# Words remembered per process: indexing sees many, the web process only query words.
WORD_CACHE = {False: 500_000, True: 20_000}
# Low-memory mode keeps one stream seed in THIN of simplemma's (every 128 instead of 32
# entries): 54 MB less for 15 languages, about 4 ms more for a new three-word query.
THIN = 4


_SLOTS = ("_data", "_pos", "_rev", "_count", "_firsts", "_blocks")
_cache: dict[str, Path | None] = {"dir": None}


def set_cache_dir(path: Path | None) -> None:
    """Where decoded dictionaries are kept between processes (None: nowhere).

    Decoding a dictionary and indexing its seeds takes 0.1-1.1 s per language; reading the
    result back takes a few milliseconds, which is what keeps a one-file update quick."""
    _cache["dir"] = Path(path) if path else None


def _cache_file(lang: str) -> Path | None:
    folder = _cache["dir"]
    if folder is None:
        return None
    return folder / f"simplemma-{simplemma.__version__}" / f"{lang}.pickle"


def _load_cached(lang: str) -> StreamMap | None:
    path = _cache_file(lang)
    if path is None:
        return None
    try:
        with open(path, "rb") as handle:
            state = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, ValueError):
        return None
    if not isinstance(state, tuple) or len(state) != len(_SLOTS):
        return None
    mapping = StreamMap.__new__(StreamMap)
    for name, value in zip(_SLOTS, state, strict=True):
        setattr(mapping, name, value)
    return mapping


def _save_cached(lang: str, mapping: StreamMap) -> None:
    path = _cache_file(lang)
    if path is None or not all(hasattr(mapping, name) for name in _SLOTS):
        return
    state = pickle.dumps(tuple(getattr(mapping, n) for n in _SLOTS), protocol=5)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        store.write_bytes(path, state)
    except OSError:
        pass  # a cache that cannot be written only costs time


class CachedStreamFactory(StreamDictionaryFactory):
    """simplemma's stream dictionaries, read from the cache folder when they were decoded
    before; ``thin`` keeps one seed in THIN (lookups stay exact: a lookup bisects to a seed and
    decodes forward until it passes the key)."""

    def __init__(self, cache_max_size: int = 8, thin: bool = False) -> None:
        super().__init__(cache_max_size)
        self._thin = thin

    def _get_dictionary_uncached(self, lang: str) -> Mapping[str, str]:
        mapping = _load_cached(lang)
        if mapping is None:
            mapping = super()._get_dictionary_uncached(lang)
            _save_cached(lang, mapping)
        if self._thin and hasattr(mapping, "_firsts") and hasattr(mapping, "_blocks"):
            mapping._firsts = mapping._firsts[::THIN]
            mapping._blocks = mapping._blocks[::THIN]
        return mapping


@lru_cache(maxsize=3)
def _lemmatizer(low_memory: bool, thin: bool) -> Lemmatizer:
    if low_memory:
        factory = CachedStreamFactory(cache_max_size=CACHE_LANGUAGES, thin=thin)
    else:
        factory = DefaultDictionaryFactory(cache_max_size=CACHE_LANGUAGES)
    strategy = DefaultStrategy(dictionary_factory=factory)
    return Lemmatizer(cache_max_size=0, lemmatization_strategy=strategy)


def _lemma(lang: str, word: str) -> str:
    code = SIMPLEMMA_CODE.get(lang, lang)
    found = _lemmatizer(_state["low_memory"], _state["thin"]).lemmatize(word, code).lower()
    if not found or " " in found:
        return word
    return found


_state: dict = {
    "low_memory": False,
    "thin": True,
    "lemma": lru_cache(maxsize=WORD_CACHE[False])(_lemma),
}


def set_low_memory(enabled: bool, thin: bool = True) -> None:
    """Choose the dictionary backend (and cache size) for lemmas computed from now on:
    ``thin`` keeps one seed in THIN of simplemma's (the web process), else simplemma's own."""
    if (enabled, thin) != (_state["low_memory"], _state["thin"]):
        _state["low_memory"], _state["thin"] = enabled, thin
        _state["lemma"] = lru_cache(maxsize=WORD_CACHE[enabled and thin])(_lemma)


def low_memory() -> bool:
    return _state["low_memory"]


def thin() -> bool:
    return _state["thin"]


def lemma(lang: str, word: str) -> str:
    """The lower-case lemma of a lower-case word, or the word itself when there is no single one."""
    cached: Callable[[str, str], str] = _state["lemma"]
    return cached(lang, word)
