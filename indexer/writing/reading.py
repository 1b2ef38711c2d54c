"""Phase one of a build: reading and validating files, in worker processes when there are many.

Owns turning content-folder paths into resources: each file read once (records with their
attached files, documents without a record on their own), every problem collected, each
(id, language) claimed once, and a broken file's last good version kept (see `lastgood`).
A check or an update reads in a pool of reader processes (``accepted``); a large full build
reads in its writer processes (``read_for_writing``), and the claims are decided here all the
same, in path order (``claimed``).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Iterator
from pathlib import Path

from .. import machine
from ..contract import vocabulary
from ..contract.problems import Problem
from ..contract.validate import Resource, validate
from ..language import langid
from ..source import attaching, readers
from ..source.attachments import MAX_BYTES, STANDALONE, Unreadable
from . import manifest
from .lastgood import LastGood

_worker_vocab: dict[str, vocabulary.Vocabulary] = {}
PARALLEL_FROM = 64  # fewer files than this are read in this process: starting workers costs more
CHUNK = 8
READ_WINDOW = 1024


Read = tuple[str, "Resource | None", list[Problem], "manifest.Entry | None"]


def _read_and_validate(item: tuple[str, Path]) -> Read:
    """(relpath, resource or None, problems, manifest entry of a file rejected for what it
    holds)."""
    relpath, abspath = item
    problems: list[Problem] = []
    named = readers.name_problem(relpath)
    if named is not None:
        return relpath, None, [named], None
    warned = readers.nfd_warning(relpath)
    if warned is not None:
        problems.append(warned)
    if _outside(relpath, abspath):
        problems.append(
            Problem(
                relpath,
                1,
                "file",
                "is a link to a file outside the content folder and is not read "
                "(copy the file into the folder instead)",
            )
        )
        return relpath, None, problems, None
    try:
        st = abspath.stat()  # before reading: a later edit then shows as a change next time
        limit = readers.MAX_FILE_BYTES if attaching.is_record(relpath) else MAX_BYTES
        if st.st_size > limit:  # reported without reading it
            problems.append(
                Problem(relpath, 1, "file", f"file is {st.st_size:,} bytes (at most {limit:,})")
            )
            return relpath, None, problems, manifest.Entry.of(st, "", "", tuple(problems))
        data = abspath.read_bytes()
    except OSError as err:
        problems.append(Problem(relpath, 1, "file", f"cannot be read ({err.strerror})"))
        return relpath, None, problems, None
    content_dir = Path(str(abspath)[: -len(relpath)] or ".")
    if attaching.is_record(relpath):
        source = readers.SourceFile(relpath, abspath)
        resource = _read_one(source, data, _worker_vocab["v"], problems)
        if resource is not None:
            attaching.attach(content_dir, resource, problems)
    else:
        resource = _read_document(content_dir, relpath, data, problems)
    if resource is not None:
        deps = attaching.deps(resource) if attaching.is_record(relpath) else ()
        return (
            relpath,
            resource,
            problems,
            manifest.Entry.of(st, resource.sha, resource.key, (), deps),
        )
    entry = manifest.Entry.of(st, readers.file_sha(data), "", tuple(problems))
    return relpath, None, problems, entry


def _read_document(content_dir: Path, relpath: str, data: bytes, problems) -> Resource | None:
    """A PDF, DOCX or ODT that no record lists, as a resource of its own."""
    try:
        resource = attaching.standalone(content_dir, relpath, data, readers.file_sha(data))
    except Unreadable as err:
        problems.append(Problem(relpath, 1, "file", f"{err}"))
        return None
    problems.append(attaching.needs_record(resource))
    return resource


def read_file(content_dir: Path, relpath: str, vocab) -> Read:
    """One file read and validated exactly as a build reads it."""
    _worker_vocab["v"] = vocab
    return _read_and_validate((relpath, content_dir / relpath))


def _outside(relpath: str, abspath: Path) -> bool:
    """True for a symbolic link (itself or a folder on its way) that leads out of the content
    folder: nothing outside it is ever read."""
    if not os.path.islink(abspath):
        return False
    root = str(abspath)[: -len(relpath)] or "."
    real_root = os.path.realpath(root)
    return os.path.commonpath([real_root, os.path.realpath(abspath)]) != real_root


def _read_all(content_dir: Path, paths: list[str], vocab, workers: int) -> Iterator[Read]:
    """(relpath, resource or None, problems, manifest entry) for each path, in the order given
    (see ``_read_and_validate``)."""
    _worker_vocab["v"] = vocab
    items = [(p, content_dir / p) for p in paths]
    if workers < 2 or len(items) < PARALLEL_FROM:
        yield from map(_read_and_validate, items)
        return
    had_detector = langid.loaded()
    _share_with_readers()
    try:
        with multiprocessing.get_context("fork").Pool(
            workers, initializer=machine.die_with_parent
        ) as pool:
            # A window at a time: readers are quicker than writers and would otherwise pile up
            # every resource of the library in this process's memory.
            for start in range(0, len(items), READ_WINDOW):
                window = items[start : start + READ_WINDOW]
                yield from pool.imap(_read_and_validate, window, chunksize=CHUNK)
    finally:
        gc.unfreeze()  # a long-lived watcher must not keep what later builds leave behind
        if not had_detector:  # loaded only for the readers: the writers' peak is still ahead
            langid.unload()


def _share_with_readers() -> None:
    """Load the language detector's profiles here, before the readers are forked, and keep
    the collector off everything made so far (until the readers are done): the readers then
    share those pages instead of each loading and copying its own."""
    langid.load()
    gc.collect()
    gc.freeze()


# -- reading in the writer processes (a large full build) -----------------------------------

Claim = tuple[str, str, str, int]  # a valid file's (key, id, language, line of its id)
Meta = tuple[str, "Claim | None", list[Problem], "manifest.Entry | None"]


def share_with_writers(vocab) -> None:
    """Before the writer processes that read files themselves are forked: they inherit the
    vocabulary, and the collector stays off what they share with this process. The language
    detector is not loaded for them: function words settle almost every file, and a worker
    that needs it loads it and lets it go before it writes a segment out (see ``writer``)."""
    _worker_vocab["v"] = vocab
    gc.collect()
    gc.freeze()


def done_sharing() -> None:
    gc.unfreeze()


def read_for_writing(item: tuple[str, Path]) -> tuple[Resource | None, Meta]:
    """``_read_and_validate`` in a writer process: the resource it adds, and what this process
    needs of the file (see ``claimed``), which is small to send."""
    relpath, resource, problems, entry = _read_and_validate(item)
    claim = _claim_of(resource) if resource is not None else None
    return resource, (relpath, claim, problems, entry)


def claimed(
    metas: list[Meta],
    taken: dict[str, str],
    report,  # a build.BuildReport
    entries: dict[str, manifest.Entry],
    last_good: LastGood | None = None,
) -> tuple[set[str], list[Resource]]:
    """``accepted``'s decisions, in path order (the order of metas), for files read in the
    writer processes: (the paths whose resources stay, last good versions of broken files to
    add)."""
    stay: set[str] = set()
    kept_versions: list[Resource] = []
    for relpath, claim, problems, entry in metas:
        report.problems += problems
        if claim is None:
            kept = _broken(relpath, entry, taken, report, entries, last_good)
            if kept is not None:
                kept_versions.append(kept)
            continue
        if not _take(relpath, *claim, taken, report.problems):
            report.rejected += 1  # read again next time: the other file may have gone
            continue
        entries[relpath] = entry
        stay.add(relpath)
    return stay, kept_versions


def _read_one(source, data, vocab, problems: list[Problem]) -> Resource | None:
    raw, found = readers.read(source, data)
    problems += found
    if raw is None or any(p.is_error for p in found):
        return None
    resource, found = validate(raw, vocab)
    problems += found
    return resource


def _claim_of(resource: Resource) -> Claim:
    return (resource.key, resource.id, resource.language, resource.id_line)


def _claim(resource: Resource, taken: dict[str, str], problems: list[Problem]) -> bool:
    """Reserve (id, language) for resource; False, with a problem, when a file already has it."""
    return _take(resource.path, *_claim_of(resource), taken, problems)


def _take(path: str, key: str, id_: str, language: str, line: int, taken, problems) -> bool:
    other = taken.get(key)
    if other is not None:
        problems.append(
            Problem(
                path,
                line,
                "id",
                f"'{id_}' in language '{language}' is already used by {other} "
                "(give this file another id, or another language)",
            )
        )
        return False
    taken[key] = path
    return True


def accepted(
    content_dir: Path,
    paths: list[str],
    taken: dict[str, str],
    vocab,
    report,  # a build.BuildReport
    entries: dict[str, manifest.Entry],
    workers: int,
    last_good: LastGood | None = None,
) -> Iterator[tuple[Resource, bool]]:
    """(resource, whether it is a kept last good version) of paths that are valid and claim a
    free (id, language), in path order; every problem and rejection goes into report, every
    accepted file into entries. A broken file the index held keeps its last good version."""
    for relpath, resource, problems, entry in _read_all(content_dir, paths, vocab, workers):
        if report.progress is not None:
            report.progress.step()
        report.problems += problems
        if resource is None:
            kept = _broken(relpath, entry, taken, report, entries, last_good)
            if kept is not None:
                yield kept, True
            continue
        if not _claim(resource, taken, report.problems):
            report.rejected += 1  # read again next time: the other file may have gone
            continue
        entries[relpath] = entry
        yield resource, False


def _broken(relpath, entry, taken, report, entries, last_good) -> Resource | None:
    """A file rejected for what it holds: counted, and its last good version (returned) kept
    if the index held one whose (id, language) is still free."""
    report.rejected += 1
    kept = last_good.restore(relpath) if last_good is not None else None
    if kept is not None and _claim(kept[0], taken, []):
        resource, old_entry, note = kept
        report.problems.append(note)
        report.kept += 1
        entries[relpath] = old_entry  # its stat differs: read again on every build
        return resource
    if entry is not None:
        entries[relpath] = entry  # read again only once it changes
    return None


def split(paths: list[str]) -> tuple[list[str], list[str]]:
    """(records, other documents) among content-folder paths."""
    records = [p for p in paths if attaching.is_record(p)]
    return records, [p for p in paths if not attaching.is_record(p)]


def referenced(entries: dict[str, manifest.Entry]) -> set[str]:
    found: set[str] = set()
    for entry in entries.values():
        if entry.deps and entry.resource:
            found.update(entry.deps)
    return found


def part_entry(content_dir: Path, relpath: str) -> manifest.Entry:
    """The manifest entry of a file that is only part of records (or of nothing)."""
    try:
        st = os.stat(content_dir / relpath)
    except OSError:
        st = None
    return manifest.Entry.of(st, "", manifest.PART)


def lone(paths, referenced: set[str]) -> list[str]:
    return [p for p in paths if p not in referenced and p.lower().endswith(STANDALONE)]
