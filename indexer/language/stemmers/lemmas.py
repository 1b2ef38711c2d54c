"""The one simplemma lemmatiser shared by all languages, in fast or low-memory mode.

Fast mode loads each language's dictionary into a dict (~1.2 GB for all 15 languages).
Low-memory mode keeps each dictionary as its decompressed front-coded stream with a sparse
index of seeds. With a cache folder (every build and web process has one), the decoded stream
and its seeds are files there, read with positioned reads a few kilobytes at a time: the data
lives in the page cache, shared by the web processes, the watcher and the build's workers and
given back by the kernel when memory is short, and each process keeps only a thin index of
first keys (under 1 MB for all 15 languages, where the decoded streams took about 100 MB in
every process). Both modes return the same lemmas.
"""

from __future__ import annotations

import json
import os
import shutil
from bisect import bisect_right
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path

import numpy as np
import simplemma
from simplemma import Lemmatizer
from simplemma.strategies import DefaultStrategy
from simplemma.strategies.dictionaries import (
    DefaultDictionaryFactory,
    StreamDictionaryFactory,
    frontcode,
)
from simplemma.strategies.dictionaries.stream_dictionary_factory import StreamMap

from ...writing import store

# simplemma's own code for languages whose ISO code it does not use.
SIMPLEMMA_CODE = {"hr": "hbs"}
# The shared default factory caches only 8 dictionaries and thrashes with more languages.
CACHE_LANGUAGES = 32
# Words remembered per process: indexing sees many, the web process only query words.
WORD_CACHE = {False: 500_000, True: 20_000}


# A cached language is a folder: `stream` (the decoded front-coded stream), `firsts` (each
# block's first key, fixed width, sorted), `seeds` (per block: where it starts and ends in the
# stream and the record before it, from which front coding resumes) and `meta.json`, written
# last. Blocks are simplemma's: 32 records.
_cache: dict[str, Path | None] = {"dir": None}
FORMAT = 1
PAGE = 64  # first keys kept in memory: one in PAGE; a lookup reads the page of PAGE around it


def set_cache_dir(path: Path | None) -> None:
    """Where decoded dictionaries are kept between processes (None: nowhere).

    Decoding a dictionary and indexing its seeds takes 0.1-1.1 s per language; opening the
    result takes a millisecond, which is what keeps a one-file update quick."""
    _cache["dir"] = Path(path) if path else None


def _folder(lang: str) -> Path | None:
    base = _cache["dir"]
    return None if base is None else base / f"simplemma-{simplemma.__version__}" / lang


class FileStream(StreamMap):
    """A StreamMap read from its files with positioned reads: the same lookups, but the data
    stays in the page cache (shared by every process, dropped when memory is short) and each
    process keeps only one first key in PAGE. A lookup reads a page of first keys, one seed
    and one block: three system calls, a few kilobytes."""

    __slots__ = ("_fds", "_top", "_width", "_seed_width", "_size", "_where")

    def __init__(self, folder: Path) -> None:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT:
            raise ValueError(f"{folder}: another format")
        self._rev, self._count, self._pos = meta["rev"], meta["count"], meta["pos"]
        self._width, self._seed_width = meta["width"], 16 + 2 * meta["value_width"]
        self._size, self._where = meta["blocks"], folder
        self._fds = tuple(os.open(folder / name, os.O_RDONLY) for name in _FILES)
        firsts = os.pread(self._fds[1], self._size * self._width, 0)
        if len(firsts) != self._size * self._width or self._size == 0:
            raise ValueError(f"{folder}: first keys cut short")
        step = self._width * PAGE
        self._top = [firsts[i : i + self._width].rstrip(b"\0") for i in range(0, len(firsts), step)]
        self._data = b""  # never read whole; see _lookup

    def __del__(self) -> None:
        for fd in getattr(self, "_fds", ()):
            try:
                os.close(fd)
            except OSError:
                pass

    def _lookup(self, key: str) -> str | None:
        target = key.encode()
        if self._rev:
            target = target[::-1]
        # fixed-width first keys: a longer target cut to the width sorts after every first
        # key it exceeds and never after one it precedes, so the block found is exact
        cut = target[: self._width]
        page = bisect_right(self._top, cut) - 1
        if page < 0:
            return None
        stream, firsts, seeds = self._fds
        begin = page * PAGE
        count = min(PAGE, self._size - begin)
        keys = np.frombuffer(
            os.pread(firsts, count * self._width, begin * self._width), dtype=f"S{self._width}"
        )
        block = begin + int(keys.searchsorted(cut, "right")) - 1
        seed = os.pread(seeds, self._seed_width, block * self._seed_width)
        start, end = int.from_bytes(seed[:8], "little"), int.from_bytes(seed[8:16], "little")
        half = (self._seed_width - 16) // 2
        prev_key = seed[16 : 16 + half].rstrip(b"\0")
        prev_value = seed[16 + half :].rstrip(b"\0")
        chunk = os.pread(stream, end - start, start)
        for _, stored_key, stored_value in frontcode._iter_records(chunk, 0, prev_key, prev_value):
            if stored_key == target:
                value = stored_value[::-1] if self._rev else stored_value
                return value.decode()
            if stored_key > target:
                return None
        return None

    def __iter__(self):
        data = (self._where / "stream").read_bytes()
        for _, stored_key, _ in frontcode._iter_records(data, self._pos):
            yield (stored_key[::-1] if self._rev else stored_key).decode()


_FILES = ("stream", "firsts", "seeds")


def _load_cached(lang: str) -> StreamMap | None:
    """The language read from the cache folder; None when it is missing or damaged (it is
    then decoded again)."""
    folder = _folder(lang)
    if folder is None or not (folder / "meta.json").is_file():
        return None
    try:
        return FileStream(folder)
    except (OSError, ValueError, KeyError):
        return None


def _save_cached(lang: str, mapping: StreamMap) -> None:
    """Write the stream, its first keys and seeds, then meta.json; into a new folder renamed
    into place, so a reader finds one whole set or none."""
    folder = _folder(lang)
    if folder is None or not hasattr(mapping, "_blocks"):
        return
    data = bytes(mapping._data)
    blocks = mapping._blocks
    if any(b"\0" in key for key in mapping._firsts) or not blocks:
        return  # a stream these files cannot hold; it is used decoded
    width = max(len(key) for key in mapping._firsts)
    value_width = max(max(len(k), len(v)) for _, k, v in blocks) or 1
    ends = [start for start, _, _ in blocks[1:]] + [len(data)]
    firsts = b"".join(key.ljust(width, b"\0") for key in mapping._firsts)
    seeds = b"".join(
        start.to_bytes(8, "little") + end.to_bytes(8, "little")
        + key.ljust(value_width, b"\0") + value.ljust(value_width, b"\0")
        for (start, key, value), end in zip(blocks, ends, strict=True)
    )  # fmt: skip
    meta = {
        "format": FORMAT, "rev": mapping._rev, "count": mapping._count, "pos": mapping._pos,
        "width": width, "value_width": value_width, "blocks": len(blocks),
    }  # fmt: skip
    building = folder.with_name(f".{lang}.{os.getpid()}")
    try:
        shutil.rmtree(building, ignore_errors=True)
        building.mkdir(parents=True)
        for name, content in (("stream", data), ("firsts", firsts), ("seeds", seeds)):
            store.write_bytes(building / name, content)
        store.write_bytes(building / "meta.json", json.dumps(meta).encode("utf-8"))
        if folder.exists() and _load_cached(lang) is None:  # a damaged set: set it aside
            damaged = folder.with_name(f".{lang}.damaged.{os.getpid()}")
            folder.rename(damaged)
            shutil.rmtree(damaged, ignore_errors=True)
        try:
            building.rename(folder)
        except OSError:  # another process was first: its set is as good
            shutil.rmtree(building, ignore_errors=True)
    except OSError:
        shutil.rmtree(building, ignore_errors=True)  # no cache only costs time


class CachedStreamFactory(StreamDictionaryFactory):
    """simplemma's stream dictionaries, mapped from the cache folder once they were decoded
    (by this process or any before it)."""

    def _get_dictionary_uncached(self, lang: str) -> Mapping[str, str]:
        mapping = _load_cached(lang)
        if mapping is None:
            fresh = super()._get_dictionary_uncached(lang)
            _save_cached(lang, fresh)
            mapping = _load_cached(lang) or fresh  # mapped when the cache could be written
        return mapping


@lru_cache(maxsize=2)
def _lemmatizer(low_memory: bool) -> Lemmatizer:
    if low_memory:
        factory = CachedStreamFactory(cache_max_size=CACHE_LANGUAGES)
    else:
        factory = DefaultDictionaryFactory(cache_max_size=CACHE_LANGUAGES)
    strategy = DefaultStrategy(dictionary_factory=factory)
    return Lemmatizer(cache_max_size=0, lemmatization_strategy=strategy)


def _lemma(lang: str, word: str) -> str:
    code = SIMPLEMMA_CODE.get(lang, lang)
    found = _lemmatizer(_state["low_memory"]).lemmatize(word, code).lower()
    if not found or " " in found:
        return word
    return found


_state: dict = {
    "low_memory": False,
    "thin": True,
    "lemma": lru_cache(maxsize=WORD_CACHE[False])(_lemma),
}


def set_low_memory(enabled: bool, thin: bool = True) -> None:
    """Choose the dictionary backend for lemmas computed from now on, and how many words to
    remember: ``thin``, the web process's few query words, else an indexer's many."""
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
