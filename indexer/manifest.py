"""What the index holds, file by file: the manifest that makes an incremental build cheap.

Each generation keeps ``manifest.json``: for every indexed file its size, modification and
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

import json
import os
from dataclasses import astuple, dataclass, field
from pathlib import Path

from . import readers, store
from .problems import Problem

MANIFEST_FILE = "manifest.json"
VERSION = 2


@dataclass(frozen=True)
class Entry:
    size: int
    mtime: int
    ctime: int
    inode: int
    sha: str
    key: str  # "" for a rejected file
    problems: tuple[Problem, ...] = ()

    @classmethod
    def of(
        cls, st: os.stat_result | None, sha: str, key: str, problems: tuple[Problem, ...] = ()
    ) -> Entry:
        """The entry of a file whose stat was taken before it was read (no stat: hash it next
        time)."""
        if st is None:
            return cls(-1, 0, 0, 0, sha, key, problems)
        return cls(st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, sha, key, problems)

    @property
    def rejected(self) -> bool:
        return not self.key

    def same_stat(self, st: os.stat_result) -> bool:
        return (self.size, self.mtime, self.ctime, self.inode) == (
            st.st_size,
            st.st_mtime_ns,
            st.st_ctime_ns,
            st.st_ino,
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
    restamped: bool = False  # some unchanged file has a new stat: worth saving the manifest


def scan(content_dir: Path, known: dict[str, Entry]) -> Scan:
    result = Scan(known=known)
    for source in readers.find_files(content_dir):
        result.files.append(source.relpath)
        old = known.get(source.relpath)
        if old is None:
            result.added.append(source.relpath)
            continue
        try:
            st = source.abspath.stat()
        except OSError:
            result.changed.append(source.relpath)  # reading it will report why
            continue
        if old.same_stat(st):
            result.unchanged.append(source.relpath)
            continue
        try:
            sha = readers.file_sha(source.abspath.read_bytes())
        except OSError:
            result.changed.append(source.relpath)
            continue
        if sha == old.sha:
            known[source.relpath] = Entry.of(st, sha, old.key, old.problems)
            result.unchanged.append(source.relpath)
            result.restamped = True
        else:
            result.changed.append(source.relpath)
    seen = set(result.files)
    result.removed = [path for path in known if path not in seen]
    return result


def toc_generation(generation: Path) -> int:
    from whoosh import index as whoosh_index

    return whoosh_index.open_dir(str(generation)).latest_generation()


def save(generation: Path, entries: dict[str, Entry], toc: int) -> None:
    rows = [
        [p, e.size, e.mtime, e.ctime, e.inode, e.sha, e.key, [list(astuple(x)) for x in e.problems]]
        for p, e in entries.items()
    ]
    data = {"version": VERSION, "toc": toc, "files": rows}
    store.write_text(
        generation / MANIFEST_FILE, json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    )


def load(generation: Path) -> dict[str, Entry]:
    """path -> Entry for every document of the index in generation."""
    data = store.read_json(generation / MANIFEST_FILE)
    if data.get("version") == VERSION and data.get("toc") == toc_generation(generation):
        return {
            row[0]: Entry(*row[1:7], tuple(Problem(*x) for x in row[7])) for row in data["files"]
        }
    return _from_stored_fields(generation)


def _from_stored_fields(generation: Path) -> dict[str, Entry]:
    """Entries with no stat (so every file is hashed) from what the index itself stores."""
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(generation))
    with ix.searcher() as searcher:
        return {
            f["path"]: Entry(-1, 0, 0, 0, f["sha"], f["key"])
            for f in searcher.reader().all_stored_fields()
        }
