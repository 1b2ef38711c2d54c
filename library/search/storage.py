"""The index's files opened for positioned reads, safe to share between forked processes.

``python app.py`` opens the index once, before forking its serving processes, so that they
share the snapshot's pages. A file opened with ``open()`` reads from the open file's offset,
which forked processes share: one process's seek then moves the other's read (a search read
the postings of another term, or none, about once in 4,000 requests while a build ran). Here
every read is ``os.pread`` at the reader's own position, kept in this process's memory, so no
other process, and no other file object, can move it.
"""

from __future__ import annotations

import io
import os

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile

BUFFER = 64 * 1024


class PositionedFile(io.RawIOBase):
    """A read-only file whose position lives in this object: reads are ``os.pread``."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self._fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        self._position = 0
        self.name = path

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._fd

    def readinto(self, buffer) -> int:
        data = os.pread(self._fd, len(buffer), self._position)
        size = len(data)
        buffer[:size] = data
        self._position += size
        return size

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            self._position = offset
        elif whence == io.SEEK_CUR:
            self._position += offset
        elif whence == io.SEEK_END:
            self._position = os.fstat(self._fd).st_size + offset
        else:
            raise ValueError(f"invalid whence {whence}")
        if self._position < 0:
            raise ValueError("negative seek position")
        return self._position

    def tell(self) -> int:
        return self._position

    def close(self) -> None:
        if not self.closed:
            os.close(self._fd)
        super().close()


class PositionedStorage(FileStorage):
    """Whoosh's file storage, read-only, whose files read with ``PositionedFile``."""

    def __init__(self, path: str) -> None:
        super().__init__(path, readonly=True)

    def open_file(self, name, **kwargs):
        raw = PositionedFile(self._fpath(name))
        return StructFile(io.BufferedReader(raw, BUFFER), name=name, **kwargs)


def open_index(folder: str):
    """The Whoosh index in folder, its files opened as ``PositionedFile``."""
    return PositionedStorage(folder).open_index()
