"""Bringing the index up to date with the content folder, in two phases and with one summary.

Phase one reads and validates (in worker processes when there are many files); phase two
writes (see `writer` for large builds, whose writer processes do both phases, each for the
files it is given). Incremental builds compare the content folder with the
generation's manifest (see `manifest`) and touch only added, changed and removed files. A full
build (asked for, first build, a changed schema, analysis or vocabulary, or an update touching
a large share of the files) writes a fresh generation and swaps it in (see `store`). Broken
files are reported and skipped; the others are indexed.
"""

from __future__ import annotations

import itertools
import json
import logging
import shutil
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.writing import LockError

from .. import machine
from ..contract import profiles, versions
from ..contract.problems import ERROR, Problem
from ..contract.validate import Resource
from ..language import analysis
from ..language.analysis import LANGUAGES, analysed_as
from ..progress import Progress
from ..source import attaching
from . import manifest, reading, store
from .codec import codec
from .lastgood import LastGood
from .schema import body_field, build_schema, fingerprint, kinds_of, spell_field, title_field
from .writer import ParallelWriter, merge_tiny

logger = logging.getLogger(__name__)
WRITER_MEMORY_MB = 256
WRITE_LOCK_TIMEOUT = 60.0
REBUILD_FROM = 2000  # an update reading more files than this (and a quarter) rebuilds instead
TITLE_SORT_LENGTH = 80


@dataclass
class BuildReport:
    mode: str = "incremental"
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    files: int = 0
    documents: int = 0
    languages: int = 0
    rejected: int = 0
    kept: int = 0  # broken files whose last good version stays in the index
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    progress: Progress | None = field(default=None, repr=False, compare=False)
    # When the build began its work (under the lock), for the duration meta.json records.
    started: float = field(default_factory=time.monotonic, repr=False, compare=False)
    # The same moment as wall-clock nanoseconds: files older than this need no syncing.
    began_ns: int = field(default_factory=time.time_ns, repr=False, compare=False)

    def strict(self) -> None:
        """Treat every warning as an error (`check --strict`)."""
        self.problems = [replace(p, severity=ERROR) for p in self.problems]

    def start_reading(self, total: int) -> None:
        if self.progress is not None:
            self.progress.start(total)

    @property
    def ok(self) -> bool:
        return self.rejected == 0 and not any(p.is_error for p in self.problems)

    def summary(self) -> str:
        what = (
            f"{self.added} added, {self.changed} changed, {self.removed} removed, "
            f"{self.unchanged} unchanged"
        )
        rejected = f"{self.rejected} file{'s' if self.rejected != 1 else ''} rejected"
        if self.kept:
            rejected += f" ({self.kept} kept at their last good version)"
        return (
            f"{self.mode.capitalize()} build: {what}; {self.documents} resources indexed "
            f"({self.files} files, {self.languages} languages); {rejected}; {self.seconds:.1f} s."
        )


def build(
    content_dir: Path,
    index_dir: Path,
    full: bool = False,
    say: Callable[[str], None] = print,
    lock_timeout: float = 600.0,
    workers: int | None = None,
    progress: Progress | None = None,
    changed: Collection[str] | None = None,
    listed: manifest.BackgroundListing | None = None,
) -> BuildReport:
    """Bring the index in index_dir up to date with content_dir (see the module docstring).

    ``workers`` processes read and write in parallel on a large build (default: one per core);
    a small incremental build runs in this process alone. ``changed`` (from a watcher that saw
    every change) limits an incremental build's look at the folder to those paths. ``listed``:
    the folder's listing, already started by the caller (a listing made while another build
    held the lock is not used).
    """
    started = time.monotonic()
    # Exact lemmas at a fraction of the fast mode's memory, so several workers fit (measured).
    analysis.set_low_memory(True, thin=False)
    analysis.set_dictionary_cache(store.cache_dir())
    waited: list[str] = []

    def say_waiting(line: str) -> None:
        waited.append(line)
        say(line)

    with store.build_lock(index_dir, lock_timeout, say_waiting):
        if waited and listed is not None:
            listed.close()  # made before the other build changed things: list again
            listed = None
        report = _build_locked(
            content_dir, index_dir, full, _workers(workers), progress, changed, listed
        )
    if progress is not None:
        progress.finish()
    report.seconds = time.monotonic() - started
    return report


def _last_good(current: Path | None) -> LastGood:
    """The served generation's resources, for broken files to keep (none if it cannot be read)."""
    if current is None:
        return LastGood(None, {})
    try:
        return LastGood(current, manifest.load(current))
    except Exception:  # an index of an older schema or a damaged one: nothing to keep
        return LastGood(None, {})


def _workers(asked: int | None) -> int:
    if asked is not None:
        return max(1, asked)
    return machine.setting("LIBRARY_BUILD_WORKERS", machine.processes())


def _build_locked(
    content_dir: Path,
    index_dir: Path,
    full: bool,
    workers: int,
    progress: Progress | None,
    changed: Collection[str] | None = None,
    listed: manifest.BackgroundListing | None = None,
) -> BuildReport:
    report = BuildReport(progress=progress)
    # Listing the folder needs nothing of what follows: a child does it meanwhile.
    if listed is None and (changed is None or full):
        listed = manifest.BackgroundListing(content_dir)
    try:
        vocab, problems = profiles.load(content_dir, cache=index_dir / store.PROFILES_CACHE)
        report.problems += problems
        report.rejected += profiles.rejected_profiles(problems)
        if profiles.fatal(problems):
            report.mode = "failed"
            return report
        current = store.current_generation(index_dir)
        print_ = fingerprint(vocab.fingerprint)
        meta = {} if current is None else store.read_json(current / store.META_FILE)
        if meta.get("fingerprint") != print_:
            full = True
        known = {} if full else manifest.load(current)
        if listed is not None:
            scan = manifest.scan(content_dir, known, listed.rows())
        elif full:
            scan = manifest.scan(content_dir, known)
        else:
            scan = manifest.scan_paths(content_dir, known, changed)
    finally:
        if listed is not None:
            listed.close()
    if not full and len(scan.changed) + len(scan.added) > max(REBUILD_FROM, len(scan.files) // 4):
        full = True  # rewriting everything in parallel beats updating that much in place
    report.files = len(scan.files)
    if full:
        report.mode = "full"
        last_good = _last_good(current)
        try:
            _write_full(index_dir, content_dir, scan, vocab, print_, report, workers, last_good)
        finally:
            last_good.close()
    else:
        _write_incremental(current, content_dir, scan, vocab, report, workers)
    return report


# -- phase two: writing ------------------------------------------------------------------------


def _writer(ix, workers: int, many: bool):
    """Worker processes that read files and write segments of their own for a large build (see
    ``writer``; one beside this process even when one is all the machine gets: its array pool
    and bounded segments take less memory and time than Whoosh's own pool), Whoosh's plain
    writer otherwise."""
    if many:
        return ParallelWriter(ix, workers, codec(), read=reading.read_for_writing, prepare=document)
    return ix.writer(timeout=WRITE_LOCK_TIMEOUT, limitmb=WRITER_MEMORY_MB, codec=codec())


def _write_full(
    index_dir: Path,
    content_dir: Path,
    scan,
    vocab,
    print_: str,
    report,
    workers: int,
    last_good: LastGood | None = None,
) -> None:
    generation = store.new_generation(index_dir)
    entries: dict[str, manifest.Entry] = {}
    taken: dict[str, str] = {}
    records, others = reading.split(scan.files)
    report.start_reading(len(scan.files))
    many = len(scan.files) >= reading.PARALLEL_FROM
    try:
        ix = whoosh_index.create_in(str(generation), build_schema())
        if many:
            _write_by_workers(
                ix, content_dir, records, others, taken, vocab, report, entries, workers, last_good
            )
        else:
            writer = _writer(ix, workers, False)
            try:
                for group in _groups(content_dir, records, others, entries):
                    found = reading.accepted(
                        content_dir, group, taken, vocab, report, entries, workers, last_good
                    )
                    for resource, kept in found:
                        writer.add_document(**document(resource))
                        report.added += not kept
                writer.commit()
            except BaseException:
                writer.cancel()
                raise
        _finish(generation, vocab, print_, report)
        if report.documents != report.added + report.kept:  # never swap in one that lost any
            raise RuntimeError(
                f"new index holds {report.documents} documents, "
                f"expected {report.added + report.kept}"
            )
        manifest.save(generation, entries, ix.latest_generation())
    except BaseException:
        shutil.rmtree(generation, ignore_errors=True)  # the served generation is untouched
        raise
    store.activate(index_dir, generation)


def _groups(content_dir: Path, records: list[str], others: list[str], entries):
    """What a full build reads, in two groups: the records, then (once they are read, so their
    attachments are known) the documents no record lists. Documents read only as parts of
    records get their manifest entries here."""
    yield records
    lone = reading.lone(others, reading.referenced(entries))
    alone = set(lone)
    entries.update({p: reading.part_entry(content_dir, p) for p in others if p not in alone})
    yield lone


def _write_by_workers(
    ix, content_dir, records, others, taken, vocab, report, entries, workers, last_good
) -> None:
    """A large full build: the writer processes read and validate the files themselves, so a
    resource never crosses between processes. This one decides, batch by batch in path order
    as ``reading.accepted`` does, which of them stay (an (id, language) goes to the first file
    that claims it) and adds the last good versions of broken files."""
    reading.share_with_writers(vocab)  # before the workers are forked
    try:
        writer = _writer(ix, workers, True)
    finally:
        reading.done_sharing()
    kept: list[Resource] = []

    def decide(metas: list) -> set[str]:
        stay, restored = reading.claimed(metas, taken, report, entries, last_good)
        if report.progress is not None:
            for _ in metas:
                report.progress.step()
        report.added += len(stay)
        kept.extend(restored)
        return stay

    try:
        for group in _groups(content_dir, records, others, entries):
            writer.read_files([(p, content_dir / p) for p in group], decide)
            for resource in kept:
                writer.add_document(**document(resource))
            kept.clear()
        writer.commit()
    except BaseException:
        writer.cancel()
        raise


def _write_incremental(
    generation: Path, content_dir: Path, scan, vocab, report: BuildReport, workers: int
) -> None:
    entries = scan.known  # updated in place: a path read again gets a new entry or none
    referenced_before = reading.referenced(entries)
    records, others = reading.split(scan.changed + scan.added)
    touched_docs = {*others, *(p for p in scan.removed if not attaching.is_record(p))}
    dependents = {  # records whose attached files changed: read again too
        path
        for path in (scan.unchanged if touched_docs else ())
        if entries[path].deps and touched_docs.intersection(entries[path].deps)
    }
    unchanged = [p for p in scan.unchanged if p not in dependents] if dependents else scan.unchanged
    keys = [entry.key for entry in map(entries.__getitem__, unchanged)]  # at C speed: 100,000s
    for path in itertools.compress(unchanged, (not key for key in keys)):
        report.rejected += 1  # broken and unchanged: reported again without being read
        report.problems += entries[path].problems
    report.unchanged += len(keys) - keys.count("") - keys.count(manifest.PART)
    report.removed = sum(1 for path in scan.removed if entries[path].resource)
    records = sorted({*records, *dependents})
    changed = {p for p in (*scan.changed, *dependents) if entries[p].resource}
    if not (records or others or scan.removed):
        if scan.restamped:
            toc = manifest.toc_generation(generation)
            manifest.save(generation, entries, toc, set(scan.restamped))
        _finish(
            generation,
            vocab,
            store.read_json(generation / store.META_FILE).get("fingerprint", ""),
            report,
        )
        return
    last_good = LastGood(generation, {p: entries[p] for p in (*records, *others) if p in entries})
    report.start_reading(len(records) + len(others))
    gone = [*scan.removed, *records]
    olds = {path: entries.pop(path, None) for path in (*scan.removed, *records, *others)}
    taken = {entry.key: path for path, entry in entries.items() if entry.key}
    taken.pop(manifest.PART, None)  # parts of records are not resources
    ix = whoosh_index.open_dir(str(generation))
    try:
        writer = _writer(ix, 1, False)
    except LockError as err:
        last_good.close()
        raise store.BuildLockTimeout(f"the index in {generation} is locked: {err}") from err
    _sync_before_toc(writer, generation, report.began_ns)
    try:
        # Every path read again leaves the index first (a broken one comes back as its last
        # good version), so nothing is ever indexed twice.
        for path in gone:
            writer.delete_by_term("path", path)
        _add_all(
            writer, content_dir, records, taken, vocab, report, entries, workers, last_good, changed
        )
        referenced = reading.referenced(entries)
        # Documents that became, or stopped being, part of a record (only those still there).
        moved = referenced ^ referenced_before
        present = set(scan.files) if moved else set()
        flipped = [p for p in moved if p in present and not attaching.is_record(p)]
        documents = sorted({*others, *flipped})
        for path in documents:
            writer.delete_by_term("path", path)
            old = olds.get(path) or entries.pop(path, None)
            olds[path] = old
            if old is not None and old.resource and taken.get(old.key) == path:
                del taken[old.key]
        lone = reading.lone(documents, referenced)
        alone = set(lone)
        entries.update({p: reading.part_entry(content_dir, p) for p in documents if p not in alone})
        was = {p for p in lone if olds.get(p) is not None and olds[p].resource}
        _add_all(writer, content_dir, lone, taken, vocab, report, entries, workers, last_good, was)
        writer.commit(mergetype=merge_tiny)
    except BaseException:
        writer.cancel()  # nothing reaches the index: Whoosh commits all or nothing
        raise
    finally:
        last_good.close()
    touched = {*scan.removed, *records, *documents, *scan.restamped}
    manifest.save(generation, entries, ix.latest_generation(), touched)
    meta = store.read_json(generation / store.META_FILE)
    _finish(generation, vocab, meta.get("fingerprint", ""), report)


def _sync_before_toc(writer, generation: Path, since_ns: int) -> None:
    """Flush the new segment's files before Whoosh writes the table of contents naming them
    (Whoosh itself never syncs), so a power cut cannot leave a TOC pointing at lost data."""
    commit_toc = writer._commit_toc

    def synced(segments):
        store.sync_tree(generation, since_ns)
        return commit_toc(segments)

    writer._commit_toc = synced


def _add_all(
    writer, content_dir, paths, taken, vocab, report, entries, workers, last_good, changed
):
    found = reading.accepted(content_dir, paths, taken, vocab, report, entries, workers, last_good)
    for resource, kept in found:
        writer.add_document(**document(resource))
        if kept:
            continue
        if resource.path in changed:
            report.changed += 1
        else:
            report.added += 1


def _finish(generation: Path, vocab, print_: str, report: BuildReport) -> None:
    """Write the generation's vocabulary and its commit mark, `meta.json`: what the index holds
    and the build's figures (mode, seconds, problems, rejected files, finish time as Unix
    seconds, the same moment as `built`), which /metrics exports (library/metrics.py)."""
    ix = whoosh_index.open_dir(str(generation))
    with ix.searcher() as searcher:
        report.documents = searcher.doc_count()
        report.languages = len(list(searcher.reader().field_terms("language")))
    _write_if_changed(generation / store.VOCABULARY_FILE, vocab.to_json())
    finished = time.time()
    store.write_json(
        generation / store.META_FILE,
        {
            "fingerprint": print_,
            "documents": report.documents,
            "languages": report.languages,
            "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(finished)),
            "mode": report.mode,
            "seconds": round(time.monotonic() - report.started, 3),
            "problems": len(report.problems),
            "rejected": report.rejected,
            "finished": round(finished, 3),
        },
        since_ns=report.began_ns,
    )


def _write_if_changed(path: Path, text: str) -> None:
    """Write (and sync) a file only when its text changed: an update rarely changes it."""
    try:
        if path.read_text(encoding="utf-8") == text:
            return
    except (OSError, UnicodeDecodeError):
        pass
    store.write_text(path, text)


def document(resource: Resource) -> dict:
    """The Whoosh fields of one resource."""
    from ..language.analysis import fold

    body = resource.full_text
    # Title and body, each read once for all fields. The body comes first: joining the two
    # then shifts the title's few positions, not the body's many (phrases match within either).
    everything = (body, resource.title)
    lang = analysed_as(resource.language)
    doc = {
        "path": resource.path,
        "sha": resource.sha,
        "key": resource.key,
        "docid": resource.id,
        "title": resource.title,
        "summary": resource.summary,
        "html": resource.html,
        "text": resource.text,
        "source": resource.source or "",
        "publisher": resource.publisher or "",
        "accessed": resource.accessed or "",
        "sources": json.dumps(resource.sources, ensure_ascii=False) if resource.sources else "",
        "date": resource.date or "",
        "language_declared": resource.language_declared,
        "language_confidence": round(resource.language_confidence, 3),
        "date_desc": resource.date or "0000",
        "date_asc": resource.date or "9999",
        "title_sort": fold(resource.title).lower()[:TITLE_SORT_LENGTH],
        "all": everything,
        "theme": ",".join(resource.themes),
        "city": ",".join(resource.cities),
        "country": ",".join(resource.countries),
        "project": ",".join(resource.projects),
        "type": resource.type or "",
        "language": resource.language,
        "year": str(resource.year) if resource.year else "",
        "step": ",".join(resource.steps),
        "evidence": resource.evidence["level"] if resource.evidence else "",
        "reports": ",".join(k for k in ("results", "funding") if getattr(resource, k)),
        "practice": json.dumps(resource.practice, ensure_ascii=False) if resource.practice else "",
        "alias": ",".join(resource.aliases),
        "attachments": json.dumps(resource.files, ensure_ascii=False) if resource.files else "",
        spell_field(lang): everything,
    }
    if lang in LANGUAGES:
        for kind in kinds_of(lang):
            doc[title_field(kind, lang)] = resource.title
            doc[body_field(kind, lang)] = body
    return doc


def check(
    content_dir: Path, workers: int | None = None, progress: Progress | None = None
) -> BuildReport:
    """Validate every file without writing anything."""
    started = time.monotonic()
    report = BuildReport(mode="check", progress=progress)
    vocab, problems = profiles.load(content_dir)
    report.problems += problems
    report.rejected += profiles.rejected_profiles(problems)
    if not profiles.fatal(problems):
        scan = manifest.scan(content_dir, {})
        report.files = len(scan.files)
        languages: set[str] = set()
        entries: dict[str, manifest.Entry] = {}
        taken: dict[str, str] = {}
        records, others = reading.split(scan.files)
        report.start_reading(len(scan.files))
        jobs = _workers(workers)
        found = list(reading.accepted(content_dir, records, taken, vocab, report, entries, jobs))
        lone = reading.lone(others, reading.referenced(entries))
        found += reading.accepted(content_dir, lone, taken, vocab, report, entries, jobs)
        for resource, _kept in found:
            report.documents += 1
            languages.add(resource.language)
        report.languages = len(languages)
        report.problems += versions.disagreements(content_dir, (r for r, _ in found))
    if progress is not None:
        progress.finish()
    report.seconds = time.monotonic() - started
    return report
