"""What the index holds, file by file: the manifest that makes an incremental build cheap.

Each generation keeps ``manifest.marshal``: for every indexed file its size, modification and
change times, inode, SHA-1 and (id, language) key, and the Whoosh TOC generation it describes.
A file rejected for what it contains is listed too, with its problems and no key, so an
unchanged broken file is reported again without being read again.
A scan compares the content folder with it: a file whose stat is unchanged is not read at all;
a file whose stat changed is hashed, and only a different SHA-1 makes it "changed" (touching a
file is not a change). When the manifest does not describe the index's current TOC (a build
was killed between the commit and the manifest), it is rebuilt from the stored fields and
every file is hashed again: slower, never wrong.
"""

from __future__ import annotations

import marshal
import os
import stat
import threading
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import NamedTuple

from .. import machine
from ..contract.problems import Problem
from ..source import readers
from . import store

MANIFEST_FILE = "manifest.marshal"
DELTA_FILE = "manifest-delta.marshal"
DELTA_LIMIT = 2000
VERSION = 6
PART = "-"
_bases: dict[str, str] = {}  # generation -> id of the full manifest this process read or wrote
# generation -> (the manifest files' stats and TOC, entries): a process that builds again and
# again (the watcher) reads a large library's manifest once, not on every save.
_held: dict[str, tuple[tuple, dict[str, Entry]]] = {}


class Entry(NamedTuple):
    size: int
    mtime: int
    ctime: int
    inode: int
    sha: str
    key: str  # "" for a rejected file, PART for a file that is only part of records
    problems: tuple[Problem, ...] = ()
    deps: tuple[str, ...] = ()  # the attached files a record's index entry was made with

    @classmethod
    def of(
        cls,
        st: os.stat_result | None,
        sha: str,
        key: str,
        problems: tuple[Problem, ...] = (),
        deps: tuple[str, ...] = (),
    ) -> Entry:
        """The entry of a file whose stat was taken before it was read (no stat: hash it next
        time)."""
        if st is None:
            return cls(-1, 0, 0, 0, sha, key, problems, deps)
        return cls(st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, sha, key, problems, deps)

    @property
    def rejected(self) -> bool:
        return not self.key

    @property
    def is_part(self) -> bool:
        """An attached file: in the index only as part of the records that list it."""
        return self.key == PART

    @property
    def resource(self) -> bool:
        """The file is a resource in the index."""
        return bool(self.key) and self.key != PART

    def same_stat(self, st: os.stat_result) -> bool:
        return (
            self.size == st.st_size
            and self.mtime == st.st_mtime_ns
            and self.ctime == st.st_ctime_ns
            and self.inode == st.st_ino
        )


@dataclass
class Scan:
    """The content folder compared with a manifest."""

    known: dict[str, Entry]
    files: list[str] = field(default_factory=list)  # every content file, sorted
    unchanged: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    restamped: list[str] = field(default_factory=list)  # unchanged content, new stat


class Stat(NamedTuple):
    """What a scan compares of a file's stat (and its type)."""

    st_size: int
    st_mtime_ns: int
    st_ctime_ns: int
    st_ino: int
    st_mode: int


def listing(content_dir: Path) -> list[tuple[str, tuple | None]]:
    """(relative path, Stat fields or None when it cannot be stated) of every content file."""
    rows: list[tuple[str, tuple | None]] = []
    with machine.collector_paused():
        for relpath, entry in readers.content_files(content_dir):
            try:
                st = entry.stat()
            except OSError:
                rows.append((relpath, None))  # reading it will report why
                continue
            fields = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_mode)
            rows.append((relpath, fields))
    return rows


class BackgroundListing:
    """The content folder listed and stated by a forked child while this process reads the
    vocabulary and the manifest: on a library of 100,000 files, each takes a good part of a
    one-file update, and the machine has a second core. Only from a process with one thread
    (forking a threaded one is unsafe); ``rows`` is then None and the scan lists the folder
    itself, as it does when the child fails."""

    def __init__(self, content_dir: Path) -> None:
        self._pid = 0
        self._fd = -1
        if threading.active_count() > 1 or not hasattr(os, "fork"):
            return
        read_end, write_end = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            return
        if pid == 0:  # the child: list, send, leave without running the parent's exit code
            code = 1
            try:
                os.close(read_end)
                machine.die_with_parent()
                data = marshal.dumps(listing(content_dir))
                with os.fdopen(write_end, "wb") as out:
                    out.write(data)
                code = 0
            finally:
                os._exit(code)
        os.close(write_end)
        self._pid, self._fd = pid, read_end

    def rows(self) -> list[tuple[str, tuple | None]] | None:
        """The child's listing (waiting for it), or None if there is none."""
        if not self._pid:
            return None
        try:
            with os.fdopen(self._fd, "rb") as pipe:
                data = pipe.read()
            self._fd = -1
            _, status = os.waitpid(self._pid, 0)
            self._pid = 0
            with machine.collector_paused():
                rows = marshal.loads(data) if status == 0 else None
        except (OSError, EOFError, ValueError, TypeError):
            rows = None
        finally:
            self.close()
        return rows if isinstance(rows, list) else None

    def close(self) -> None:
        """Stop waiting for the child (it ends on its next write) and reap it."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        if self._pid:
            try:
                os.waitpid(self._pid, 0)
            except ChildProcessError:
                pass
            self._pid = 0


def scan(
    content_dir: Path, known: dict[str, Entry], rows: list[tuple[str, tuple | None]] | None = None
) -> Scan:
    """The content folder compared with known; ``rows``: its ``listing``, if already made."""
    result = Scan(known=known)
    root = str(content_dir)
    is_regular = stat.S_ISREG
    if rows is None:
        rows = listing(content_dir)
    files, unchanged, get = result.files, result.unchanged, known.get
    with machine.collector_paused():
        for relpath, fields in rows:
            if fields is not None:
                if not is_regular(fields[4]):
                    continue
                old = get(relpath)
                # An Entry begins with the same four fields as a listing's row, in that order.
                if old is not None and old[:4] == fields[:4]:
                    files.append(relpath)
                    unchanged.append(relpath)
                    continue
            files.append(relpath)
            st = None if fields is None else Stat(*fields)
            _classify(relpath, os.path.join(root, relpath), st, known, result)
        seen = set(result.files)
        result.removed = [path for path in known if path not in seen]
    return result


def scan_paths(content_dir: Path, known: dict[str, Entry], paths) -> Scan:
    """Like ``scan``, when only ``paths`` can have changed since ``known`` (a watcher saw every
    change): those are looked at, every other known file counts as unchanged unseen. On a
    library of 100,000 files this saves listing and stating them all."""
    result = Scan(known=known)
    looked = {p for p in paths if readers.is_content_path(p)}
    for relpath in sorted(looked):
        try:
            st = os.stat(content_dir / relpath)
        except FileNotFoundError:
            st = None
            if relpath in known:
                result.removed.append(relpath)
            continue
        except OSError:
            st = None  # reading it will report why
        if st is not None and not stat.S_ISREG(st.st_mode):
            if relpath in known:
                result.removed.append(relpath)
            continue
        _classify(relpath, str(content_dir / relpath), st, known, result)
    result.unchanged += [path for path in known if path not in looked]
    gone = set(result.removed)
    result.files = sorted([p for p in known if p not in gone] + result.added)
    return result


def _classify(relpath: str, path: str, st, known: dict[str, Entry], result: Scan) -> None:
    """Added, changed or unchanged: a file the manifest lists is read only if its stat moved."""
    old = known.get(relpath)
    if old is None:
        result.added.append(relpath)
    elif st is None:
        result.changed.append(relpath)
    elif old.same_stat(st):
        result.unchanged.append(relpath)
    else:
        _compare(relpath, path, st, old, known, result)


def _compare(relpath: str, path: str, st, old: Entry, known: dict[str, Entry], result) -> None:
    """A file whose stat changed: changed only if its content did."""
    try:
        with open(path, "rb") as handle:
            sha = readers.file_sha(handle.read())
    except OSError:
        result.changed.append(relpath)
        return
    if sha == old.sha:
        known[relpath] = Entry.of(st, sha, old.key, old.problems, old.deps)
        result.unchanged.append(relpath)
        result.restamped.append(relpath)
    else:
        result.changed.append(relpath)


def toc_generation(generation: Path) -> int:
    """The generation of the index's table of contents, read from the file names alone
    (opening the index would unpickle its schema)."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC

    return TOC._latest_generation(FileStorage(str(generation)), "MAIN")


def save(
    generation: Path, entries: dict[str, Entry], toc: int, changed: set[str] | None = None
) -> None:
    """Write the manifest (marshal: a library of 100,000 files loads in a few milliseconds).

    With ``changed`` (the paths an update touched), only those go to a small delta file beside
    the full one, so a one-file update does not rewrite 100,000 rows; the delta is folded into
    a new full file once it holds more than DELTA_LIMIT paths."""
    base_id = _bases.get(str(generation)) if changed is not None else None  # set by ``load``
    if changed is not None and base_id:
        delta = _read(generation / DELTA_FILE)
        updates = dict(delta["updates"]) if _applies(delta, base_id) else {}
        updates.update({path: _row(entries.get(path)) for path in changed})
        if len(updates) <= DELTA_LIMIT:
            delta = {"base": base_id, "toc": toc, "updates": updates}
            store.write_bytes(generation / DELTA_FILE, marshal.dumps(delta))
            _hold(generation, toc, entries)
            return
    rows = {path: _row(entry) for path, entry in entries.items()}
    full = {"version": VERSION, "id": os.urandom(8).hex(), "toc": toc, "rows": rows}
    store.write_bytes(generation / MANIFEST_FILE, marshal.dumps(full))
    _bases[str(generation)] = full["id"]
    try:
        os.unlink(generation / DELTA_FILE)
    except FileNotFoundError:
        pass
    _hold(generation, toc, entries)


def load(generation: Path) -> dict[str, Entry]:
    """path -> Entry for every file the index in generation describes (a new dict: callers
    change it)."""
    held = _held.get(str(generation))
    if held is not None and held[0] == _state(generation):
        return dict(held[1])
    _held.pop(str(generation), None)
    with machine.collector_paused():
        return _load(generation)


def _load(generation: Path) -> dict[str, Entry]:
    base = _read(generation / MANIFEST_FILE)
    delta = _read(generation / DELTA_FILE)
    if base and base.get("version") == VERSION:
        _bases[str(generation)] = base.get("id")
        rows = base["rows"]
        toc = base["toc"]
        if _applies(delta, base.get("id")):
            rows = {**rows, **delta["updates"]}
            toc = delta["toc"]
        if toc == toc_generation(generation):
            try:
                return _entries(rows)
            except (TypeError, ValueError):
                pass  # damaged: rebuilt below
    return _from_stored_fields(generation)


def _state(generation: Path, toc: int | None = None) -> tuple:
    """What changes whenever another process writes this generation's manifest or commits to
    its index: the manifest files' identities (every write replaces a file) and the TOC."""
    found = []
    for name in (MANIFEST_FILE, DELTA_FILE):
        try:
            st = os.stat(generation / name)
        except FileNotFoundError:
            found.append(None)
            continue
        found.append((st.st_ino, st.st_mtime_ns, st.st_size))
    return (*found, toc_generation(generation) if toc is None else toc)


def _hold(generation: Path, toc: int, entries: dict[str, Entry]) -> None:
    """Keep what was just written, for the next ``load`` in this process."""
    _held.clear()  # one generation at a time: an old one's entries are of no further use
    _held[str(generation)] = (_state(generation, toc), dict(entries))


def _applies(delta: dict | None, base_id: str | None) -> bool:
    """True when delta was written on top of the full manifest with that id."""
    return bool(delta and base_id) and delta.get("base") == base_id and "updates" in delta


def _row(entry: Entry | None) -> tuple | None:
    if entry is None:
        return None
    problems = tuple((p.path, p.line, p.field, p.message, p.severity) for p in entry.problems)
    return (*entry[:6], problems, entry.deps)


def _entries(rows: dict[str, tuple | None]) -> dict[str, Entry]:
    """Entries from stored rows: made in C for the common case (a row without problems), then
    the few rows of rejected files get their Problem objects."""
    if any(row is None or len(row) != len(Entry._fields) for row in rows.values()):
        rows = {path: row for path, row in rows.items() if row is not None}
        if any(len(row) != len(Entry._fields) for row in rows.values()):
            raise ValueError("a manifest row of the wrong length")
    made = dict(zip(rows, map(partial(tuple.__new__, Entry), rows.values()), strict=True))
    for path, entry in made.items():
        if entry.problems:
            made[path] = entry._replace(problems=tuple(Problem(*p) for p in entry.problems))
    return made


def _read(path: Path) -> dict | None:
    try:
        data = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    return data if isinstance(data, dict) else None


def _from_stored_fields(generation: Path) -> dict[str, Entry]:
    """Entries with no stat (so every file is hashed) from what the index itself stores."""
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(generation))
    with ix.searcher() as searcher:
        return {
            f["path"]: Entry(-1, 0, 0, 0, f["sha"], f["key"])
            for f in searcher.reader().all_stored_fields()
        }
