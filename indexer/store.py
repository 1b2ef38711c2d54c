"""The index folder on disk: generations, the `current` link, metadata and the build lock.

Layout: INDEX_DIR/gen-<n>/ holds one Whoosh index plus `meta.json` and `vocabulary.json`;
INDEX_DIR/current is a symlink to the generation being served. A full build fills a fresh
generation and swaps the link atomically, so readers never see a half-built index.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

CURRENT = "current"
LOCK_FILE = ".build.lock"
META_FILE = "meta.json"
VOCABULARY_FILE = "vocabulary.json"
GENERATION_PREFIX = "gen-"


class BuildLockTimeout(RuntimeError):
    """Another build held the lock for longer than we were willing to wait."""


def cache_dir() -> Path:
    """Where derived data that depends only on installed packages (decoded lemma dictionaries)
    is kept between processes and index folders: $LIBRARY_CACHE_DIR, else the user's cache."""
    configured = os.environ.get("LIBRARY_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "roma-inclusion-library"


def current_generation(index_dir: Path) -> Path | None:
    link = index_dir / CURRENT
    try:
        target = os.readlink(link)
    except OSError:
        return None
    path = (index_dir / target).resolve()
    return path if (path / META_FILE).exists() else None


def new_generation(index_dir: Path) -> Path:
    index_dir.mkdir(parents=True, exist_ok=True)
    path = index_dir / f"{GENERATION_PREFIX}{time.time_ns()}"
    path.mkdir()
    return path


def activate(index_dir: Path, generation: Path) -> None:
    """Point `current` at generation in one atomic rename, then drop stale generations."""
    previous = current_generation(index_dir)
    tmp = index_dir / f".{CURRENT}.{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(generation.name)
    os.replace(tmp, index_dir / CURRENT)
    keep = {generation.name, previous.name if previous else None}
    for path in index_dir.glob(f"{GENERATION_PREFIX}*"):
        if path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)


def read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_bytes(path: Path, data: bytes) -> None:
    """Write through a temporary file and rename, so a reader sees old or new, never half."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def write_json(path: Path, data: dict) -> None:
    write_text(path, json.dumps(data, ensure_ascii=False, indent=1))


@contextmanager
def build_lock(index_dir: Path, timeout: float, say: Callable[[str], None]) -> Iterator[None]:
    """Hold the index folder's build lock; wait for another build up to `timeout` seconds."""
    index_dir.mkdir(parents=True, exist_ok=True)
    path = index_dir / LOCK_FILE
    with open(path, "a+") as handle:
        deadline = time.monotonic() + timeout
        announced = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as err:
                if err.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if not announced:
                    handle.seek(0)
                    holder = handle.read().strip() or "?"
                    say(f"Another build (pid {holder}) is updating {index_dir}; waiting for it.")
                    announced = True
                if time.monotonic() > deadline:
                    raise BuildLockTimeout(
                        f"another build is still updating {index_dir} after {timeout:.0f} s; "
                        "try again when it has finished"
                    ) from None
                time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
