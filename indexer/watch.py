"""Live updates: `python -m indexer watch` rebuilds as soon as a content file is saved.

Owns noticing changes (inotify through watchdog, polling where the system offers no
notifications), gathering a burst of saves into one incremental build, and printing what that
build found in the files it touched. `python app.py` runs it beside the server, so a saved,
added or deleted file is searchable, changed or gone within a second or two.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from .contract.profiles import is_profile_path
from .source.readers import is_content_path

# A save often comes as several events (write, close; or a new file renamed over the old),
# all within a few milliseconds: wait this long for the last one. A build that still catches
# a file half-written reports it and keeps its last good version until the next event's build.
QUIET_SECONDS = 0.05
LONGEST_WAIT = 0.6  # but never longer than this after the first
VOCABULARY_SUFFIXES = (".yml", ".yaml")


class Changes:
    """Relative paths of changed content files, gathered until a build takes them."""

    def __init__(self, content_dir: Path) -> None:
        self.root = os.path.realpath(content_dir)
        self._paths: set[str] = set()
        self._whole = False  # a folder changed: the next build looks at the whole folder
        self._first = 0.0
        self._last = 0.0
        self._lock = threading.Condition()

    def add(self, abspath: str, folder: bool = False) -> None:
        rel = os.path.relpath(os.path.realpath(abspath), self.root).replace(os.sep, "/")
        if rel.startswith("..") or not (folder or relevant(rel)):
            return
        with self._lock:
            self._whole = self._whole or folder
            now = time.monotonic()
            if not self._paths:
                self._first = now
            self._paths.add(rel)
            self._last = now
            self._lock.notify()

    def take(self, stop: threading.Event) -> tuple[set[str], bool]:
        """Wait for a burst of changes to settle; return its paths (empty once stopped) and
        whether a whole folder changed."""
        with self._lock:
            while not self._paths and not stop.is_set():
                self._lock.wait(0.5)
            while self._paths and not stop.is_set():
                now = time.monotonic()
                settle = min(self._last + QUIET_SECONDS, self._first + LONGEST_WAIT) - now
                if settle <= 0:
                    break
                self._lock.wait(settle)
            taken, self._paths = self._paths, set()
            whole, self._whole = self._whole, False
            return taken, whole


def relevant(relpath: str) -> bool:
    """Whether a change to this path can change the index: a content file, a city profile or
    the vocabulary."""
    if is_profile_path(relpath):
        return True
    if relpath.endswith(VOCABULARY_SUFFIXES):
        return not any(part.startswith(("_", ".")) for part in relpath.split("/"))
    return is_content_path(relpath)


def observer(content_dir: Path, changes: Changes):
    """A started watchdog observer feeding changes (polling if notifications are unavailable)."""
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer
    from watchdog.observers.polling import PollingObserver

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event) -> None:
            if event.event_type in ("opened", "closed_no_write"):
                return
            folder = event.is_directory and event.event_type != "modified"
            changes.add(event.src_path, folder)
            if getattr(event, "dest_path", ""):
                changes.add(event.dest_path, folder)

    for kind in (Observer, PollingObserver):
        watcher = kind(timeout=0.2) if kind is PollingObserver else kind()
        watcher.schedule(Handler(), str(content_dir), recursive=True)
        try:
            watcher.start()
            return watcher
        except OSError:  # e.g. the system's limit of inotify watches
            continue
    raise OSError(f"cannot watch {content_dir}")


def watch(
    content_dir: Path,
    index_dir: Path,
    report: Callable[[object, set[str]], None],
    stop: threading.Event | None = None,
    ready: Callable[[], None] | None = None,
) -> None:
    """Build whenever content changes, until stop is set; report(build report, paths) after
    each build."""
    from .writing.build import build

    stop = stop or threading.Event()
    changes = Changes(content_dir)
    watcher = observer(content_dir, changes)
    try:
        # Whatever changed before the watch began (while the server started, say) is built
        # now: from here on every change is seen.
        first = build(content_dir, index_dir, say=lambda _line: None)
        if first.added or first.changed or first.removed:
            report(first, set())
        clashes = _clashes(first)
        if ready is not None:
            ready()
        while not stop.is_set():
            paths, whole = changes.take(stop)
            if not paths:
                continue
            # Only the saved files are looked at, unless a folder came, went or moved, or a
            # file lost an id to another (it is read again whenever the folder is looked at).
            hint = None if whole or clashes else paths
            result = build(content_dir, index_dir, say=lambda _line: None, changed=hint)
            clashes = _clashes(result)
            report(result, paths)
    finally:
        watcher.stop()
        watcher.join(timeout=5)


def _clashes(result) -> bool:
    """Whether a file was refused for an id another file holds (the manifest does not keep
    it, so only a look at the whole folder reads it again once the other file is gone)."""
    return any(p.field == "id" and "already used by" in p.message for p in result.problems)
