"""The one simplemma lemmatiser shared by all languages, in fast or low-memory mode.

Fast mode loads each language's dictionary into a dict (indexer process); low-memory mode reads
the compressed streams on demand (web process). Both modes return the same lemmas.
"""

from __future__ import annotations

from functools import lru_cache

from simplemma import Lemmatizer
from simplemma.strategies import DefaultStrategy
from simplemma.strategies.dictionaries import DefaultDictionaryFactory, StreamDictionaryFactory

# simplemma's own code for languages whose ISO code it does not use.
SIMPLEMMA_CODE = {"hr": "hbs"}
# The shared default factory caches only 8 dictionaries and thrashes with more languages.
CACHE_LANGUAGES = 32
WORD_CACHE = 500_000

_state = {"low_memory": False}


@lru_cache(maxsize=2)
def _lemmatizer(low_memory: bool) -> Lemmatizer:
    factory_class = StreamDictionaryFactory if low_memory else DefaultDictionaryFactory
    strategy = DefaultStrategy(dictionary_factory=factory_class(cache_max_size=CACHE_LANGUAGES))
    return Lemmatizer(cache_max_size=0, lemmatization_strategy=strategy)


def set_low_memory(enabled: bool) -> None:
    """Choose the dictionary backend for lemmas computed from now on."""
    if enabled != _state["low_memory"]:
        _state["low_memory"] = enabled
        lemma.cache_clear()


def low_memory() -> bool:
    return _state["low_memory"]


@lru_cache(maxsize=WORD_CACHE)
def lemma(lang: str, word: str) -> str:
    """The lower-case lemma of a lower-case word, or the word itself when there is no single one."""
    code = SIMPLEMMA_CODE.get(lang, lang)
    found = _lemmatizer(_state["low_memory"]).lemmatize(word, code).lower()
    if not found or " " in found:
        return word
    return found
