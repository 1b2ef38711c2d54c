"""The index folder on disk: generations, the `current` link, metadata and the build lock.

Layout: INDEX_DIR/gen-<n>/ holds one Whoosh index plus `meta.json` and `vocabulary.json`;
INDEX_DIR/current is a symlink to the generation being served. A full build fills a fresh
generation and swaps the link atomically, so readers never see a half-built index.

Crashes and power cuts: `meta.json` is a generation's commit mark. Everything else in the
folder reaches the disk before it (``write_json`` syncs the folder first), a generation reaches
the disk before `current` points at it, and a generation without a readable mark is never
served: ``current_generation`` falls back to the newest complete one. A build that died (its
pid is still in the lock file when the next build takes the lock) leaves temporary files,
half-written generations and unreferenced segments behind; ``recover`` removes them and puts
`current` back on a complete generation before the next build starts.
"""

from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

logger = logging.getLogger(__name__)

CURRENT = "current"
LOCK_FILE = ".build.lock"
META_FILE = "meta.json"
VOCABULARY_FILE = "vocabulary.json"
PROFILES_CACHE = "profiles.cache"  # parsed city profiles, beside the generations
GENERATION_PREFIX = "gen-"
INDEX_NAME = "MAIN"  # Whoosh's default index name inside a generation
# Left behind by a killed process: our own temporary files (`.name.PID`), Whoosh's temporary
# tables of contents (`_MAIN_3.toc.1764600000.12`) and its posting-pool folder (`MAIN.tmp`).
_TEMPORARY = re.compile(r"^\..+\.\d+$|^_.+\.toc\.[\d.]+$|\.tmp$")


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


# -- which generation is served ------------------------------------------------------------------


def is_complete(generation: Path) -> bool:
    """True when generation carries a readable commit mark (a whole `meta.json`)."""
    meta = read_json(generation / META_FILE)
    return isinstance(meta.get("documents"), int) and "fingerprint" in meta


def current_generation(index_dir: Path) -> Path | None:
    """The generation `current` points to when it is complete, else the newest complete one
    (a power cut or a damaged folder never leaves readers without an index); None when there
    is none."""
    link = index_dir / CURRENT
    try:
        target = os.readlink(link)
    except OSError:
        target = None
    if target is not None:
        path = (index_dir / target).resolve()
        if is_complete(path):
            return path
    return last_complete(index_dir)


def last_complete(index_dir: Path, exclude: Path | None = None) -> Path | None:
    """The newest complete generation in index_dir (other than exclude)."""
    for path in sorted(generations(index_dir), key=_number, reverse=True):
        if path != exclude and is_complete(path):
            return path.resolve()
    return None


def generations(index_dir: Path) -> list[Path]:
    try:
        return [p for p in index_dir.iterdir() if p.name.startswith(GENERATION_PREFIX)]
    except OSError:
        return []


def _number(path: Path) -> int:
    digits = path.name[len(GENERATION_PREFIX) :]
    return int(digits) if digits.isdigit() else -1


def new_generation(index_dir: Path) -> Path:
    index_dir.mkdir(parents=True, exist_ok=True)
    path = index_dir / f"{GENERATION_PREFIX}{time.time_ns()}"
    path.mkdir()
    return path


def activate(index_dir: Path, generation: Path) -> None:
    """Point `current` at generation in one atomic rename, then drop stale generations.

    The generation's files and folder are on disk before the link is swapped, and the swap is
    on disk before anything old is removed: after a power cut at any step, `current` names a
    whole generation, the old or the new."""
    previous = current_generation(index_dir)
    sync_tree(generation)
    _point(index_dir, generation)
    keep = {generation.name, previous.name if previous else None}
    for path in generations(index_dir):
        if path.name not in keep:
            remove_generation(path)


def _point(index_dir: Path, generation: Path) -> None:
    """Swap `current` to generation (a temporary link renamed over it) and sync the folder."""
    tmp = index_dir / f".{CURRENT}.{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(generation.name)
    os.replace(tmp, index_dir / CURRENT)
    sync_dir(index_dir)


def remove_generation(path: Path) -> None:
    """Delete a generation, its commit mark first: a removal cut short never leaves a folder
    that looks complete."""
    try:
        os.unlink(path / META_FILE)
    except OSError:
        pass
    shutil.rmtree(path, ignore_errors=True)


# -- durable files -------------------------------------------------------------------------------


def read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_bytes(path: Path, data: bytes) -> None:
    """Write through a temporary file, sync it and rename it, so a reader (and a machine that
    lost power) sees old or new, never half."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    sync_dir(path.parent)


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def write_json(path: Path, data: dict, since_ns: int | None = None) -> None:
    """Write a JSON file; a generation's `meta.json` (its commit mark) only once every other
    file of the generation is on disk (those changed since ``since_ns``, see ``sync_tree``)."""
    if path.name == META_FILE:
        sync_tree(path.parent, since_ns)
    write_text(path, json.dumps(data, ensure_ascii=False, indent=1))


# Files modified this long before a build began are taken as synced by the build that wrote
# them; the margin covers the file system's coarser clock.
SYNC_MARGIN_NS = 2_000_000_000


def sync_tree(folder: Path, since_ns: int | None = None) -> None:
    """Flush the files directly in folder, then the folder itself, to disk.

    With ``since_ns`` (a wall-clock time in nanoseconds: when an update began), only files
    modified after it, less SYNC_MARGIN_NS, are flushed: every older file was flushed by the
    build that wrote it, before that build's commit mark. An update of a large index touches a
    handful of its thousands of files."""
    cutoff = None if since_ns is None else since_ns - SYNC_MARGIN_NS
    with os.scandir(folder) as entries:
        files = [e.path for e in entries if e.is_file(follow_symlinks=False) and _since(e, cutoff)]
    for name in files:
        try:
            fd = os.open(name, os.O_RDONLY)
        except FileNotFoundError:
            continue  # removed meanwhile (Whoosh cleaning an old segment)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    sync_dir(folder)


def _since(entry: os.DirEntry, cutoff: int | None) -> bool:
    if cutoff is None:
        return True
    try:
        return entry.stat(follow_symlinks=False).st_mtime_ns >= cutoff
    except FileNotFoundError:
        return False  # removed meanwhile


def sync_dir(folder: Path) -> None:
    """Flush a folder's entries (new, renamed and removed names) to disk."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# -- recovery after a crash ----------------------------------------------------------------------


def recover(index_dir: Path, thorough: bool = True) -> list[str]:
    """Make index_dir what a build expects after another build died in it: `current` on a
    complete generation, no temporary files, no half-written generation and (``thorough``) no
    segment files the served table of contents does not list. Returns what was done. Only call
    it while holding the build lock."""
    done: list[str] = []
    for path in index_dir.iterdir():
        if _TEMPORARY.match(path.name) and not path.name.startswith(LOCK_FILE):
            _remove(path)
            done.append(f"removed {path.name}")
    served = current_generation(index_dir)
    link = index_dir / CURRENT
    if served is not None and _link_target(link) != served.name:
        _point(index_dir, served)
        done.append(f"current now points to {served.name}")
    elif served is None and (link.is_symlink() or link.exists()):
        link.unlink()  # nothing complete to serve: the next build starts from scratch
        done.append("removed current (no complete generation)")
    for path in generations(index_dir):
        if served is not None and path.name == served.name:
            continue
        if not is_complete(path):
            remove_generation(path)
            done.append(f"removed incomplete {path.name}")
    if served is not None:
        done += _clean_generation(served, thorough)
    for line in done:
        logger.warning("index recovery in %s: %s", index_dir, line)
    return done


def _link_target(link: Path) -> str | None:
    try:
        return os.readlink(link)
    except OSError:
        return None


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        try:
            path.unlink()
        except FileNotFoundError:
            pass


def _clean_generation(generation: Path, thorough: bool) -> list[str]:
    done = []
    for path in generation.iterdir():
        if _TEMPORARY.search(path.name) and path.name != META_FILE:
            _remove(path)
            done.append(f"removed {generation.name}/{path.name}")
    if thorough:
        from whoosh.filedb.filestore import FileStorage
        from whoosh.index import TOC, clean_files

        storage = FileStorage(str(generation))
        try:
            toc = TOC.read(storage, INDEX_NAME)
        except Exception as err:  # noqa: BLE001 - a damaged table of contents: leave it
            done.append(f"left {generation.name} as it is ({type(err).__name__})")
            return done
        before = set(os.listdir(generation))
        clean_files(storage, INDEX_NAME, toc.generation, toc.segments)
        gone = before - set(os.listdir(generation))
        if gone:
            done.append(f"removed {len(gone)} unused index files in {generation.name}")
    return done


# -- the build lock ------------------------------------------------------------------------------


@contextmanager
def build_lock(index_dir: Path, timeout: float, say: Callable[[str], None]) -> Iterator[None]:
    """Hold the index folder's build lock; wait for another build up to `timeout` seconds.

    The holder's pid stays in the lock file while it builds and is cleared when it ends; a pid
    found there on taking the lock means the last build died, and ``recover`` runs first."""
    index_dir.mkdir(parents=True, exist_ok=True)
    path = index_dir / LOCK_FILE
    with open(path, "a+") as handle:
        _acquire(handle, index_dir, timeout, say)
        handle.seek(0)
        died = handle.read().strip()
        recover(index_dir, thorough=bool(died))
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            handle.flush()
            fcntl.flock(handle, fcntl.LOCK_UN)


def _acquire(handle, index_dir: Path, timeout: float, say: Callable[[str], None]) -> None:
    deadline = time.monotonic() + timeout
    announced = False
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
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
