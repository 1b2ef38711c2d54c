"""The one simplemma lemmatiser shared by all languages, in fast or low-memory mode.

Fast mode loads each language's dictionary into a dict (indexer process: ~1.2 GB for all 15
languages). Low-memory mode keeps each dictionary as its decompressed front-coded stream with a
sparse index (web process: ~100 MB for all 15). Both modes return the same lemmas.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache

from simplemma import Lemmatizer
from simplemma.strategies import DefaultStrategy
from simplemma.strategies.dictionaries import DefaultDictionaryFactory, StreamDictionaryFactory

# simplemma's own code for languages whose ISO code it does not use.
SIMPLEMMA_CODE = {"hr": "hbs"}
# The shared default factory caches only 8 dictionaries and thrashes with more languages.
CACHE_LANGUAGES = 32
# Words remembered per process: indexing sees many, the web process only query words.
WORD_CACHE = {False: 500_000, True: 20_000}
# Low-memory mode keeps one stream seed in THIN of simplemma's (every 128 instead of 32
# entries): 54 MB less for 15 languages, about 4 ms more for a new three-word query.
THIN = 4


class CompactStreamFactory(StreamDictionaryFactory):
    """simplemma's stream dictionaries with a sparser block index (lookups stay exact: a
    lookup bisects to a seed and decodes forward until it passes the key)."""

    def _get_dictionary_uncached(self, lang: str) -> Mapping[str, str]:
        mapping = super()._get_dictionary_uncached(lang)
        if hasattr(mapping, "_firsts") and hasattr(mapping, "_blocks"):
            mapping._firsts = mapping._firsts[::THIN]
            mapping._blocks = mapping._blocks[::THIN]
        return mapping


@lru_cache(maxsize=2)
def _lemmatizer(low_memory: bool) -> Lemmatizer:
    factory_class = CompactStreamFactory if low_memory else DefaultDictionaryFactory
    strategy = DefaultStrategy(dictionary_factory=factory_class(cache_max_size=CACHE_LANGUAGES))
    return Lemmatizer(cache_max_size=0, lemmatization_strategy=strategy)


def _lemma(lang: str, word: str) -> str:
    code = SIMPLEMMA_CODE.get(lang, lang)
    found = _lemmatizer(_state["low_memory"]).lemmatize(word, code).lower()
    if not found or " " in found:
        return word
    return found


_state: dict = {"low_memory": False, "lemma": lru_cache(maxsize=WORD_CACHE[False])(_lemma)}


def set_low_memory(enabled: bool) -> None:
    """Choose the dictionary backend (and cache size) for lemmas computed from now on."""
    if enabled != _state["low_memory"]:
        _state["low_memory"] = enabled
        _state["lemma"] = lru_cache(maxsize=WORD_CACHE[enabled])(_lemma)


def low_memory() -> bool:
    return _state["low_memory"]


def lemma(lang: str, word: str) -> str:
    """The lower-case lemma of a lower-case word, or the word itself when there is no single one."""
    cached: Callable[[str, str], str] = _state["lemma"]
    return cached(lang, word)
