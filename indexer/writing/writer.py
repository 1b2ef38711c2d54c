"""Writing many documents into a Whoosh index with every core.

``ParallelWriter`` hands batches of documents, or of files to read first, to worker
processes. Each worker analyses its documents and writes them into segments of its own (a
new one every ``SEGMENT_DOCS`` documents, so memory stays bounded), with the segment writer
of ``segments`` (flat arrays of postings, written a term at a time) and the library's codec.
The parent then commits one table of contents that lists every new segment: the index
changes all at once, or not at all when anything failed.

``merge_tiny`` is the merge policy of incremental updates: it folds only segments of a few
hundred documents into the new one, so an update never rewrites a large segment.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import shutil
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import TOC, clean_files
from whoosh.reading import SegmentReader
from whoosh.writing import LockError

from .. import machine
from ..language import langid
from . import store
from .segments import SegmentWriter

SEGMENT_DOCS = 8000  # documents per segment a worker writes before starting the next
SMALL_SEGMENT_DOCS = 2000  # the same on a small server: a worker's posting pool grows with it
BATCH = 50  # documents per job
READ_BATCH = 25  # files per job when the workers read them
TIERS = (50, 500)  # segments below these many documents are merged by incremental updates
MERGE_AT = 8  # once there are this many of them in a tier (each update adds one)
RESULT_TIMEOUT = 3600.0


def _segment_writer(ix, codec) -> SegmentWriter:
    return SegmentWriter(ix, codec)


def _finish_segment(writer: SegmentWriter):
    # The temporary folder is shared by every worker (Whoosh names it after the index): the
    # parent removes it when all are done.
    if langid.loaded():  # loaded for some file's language check: writing out is the peak
        langid.unload()
    return writer._finalize_segment()


def _work(path: str, codec, segment_docs: int, jobs, results, read, prepare, me, verdicts):
    """A worker process: write every batch it receives into segments, report them.

    A job is ("docs", documents' fields) or ("read", files, batch number). Files are read with
    ``read`` (a resource or None, and what the parent needs of the file, sent back at once);
    their resources wait here until the parent's verdict on the batch names those that stay
    (an (id, language) is claimed in path order, across every worker), and are then made into
    fields with ``prepare`` and added."""
    machine.die_with_parent()
    try:
        ix = whoosh_index.open_dir(path)
        segments: list = []
        writer, count = None, 0
        waiting: dict[int, list] = {}

        def add(fields: dict) -> None:
            nonlocal writer, count
            if writer is None:
                writer, count = _segment_writer(ix, codec), 0
            writer.add_document(**fields)
            count += 1
            if count >= segment_docs:
                segments.append(_finish_segment(writer))
                writer = None

        def settle(block: bool) -> None:
            while waiting and (block or not verdicts.empty()):
                number, staying = verdicts.get()
                for relpath, resource in waiting.pop(number):
                    if relpath in staying:
                        add(prepare(resource))

        while True:
            job = jobs.get()
            if job is None:
                settle(block=True)
                break
            if job[0] == "read":
                _, batch, number = job
                metas, found = [], []
                for item in batch:
                    resource, meta = read(item)
                    metas.append(meta)
                    if resource is not None:
                        found.append((meta[0], resource))
                waiting[number] = found
                results.put(("read", (me, number, metas)))
            else:
                for fields in job[1]:
                    add(fields)
            settle(block=False)
        if writer is not None:
            segments.append(_finish_segment(writer))
        results.put(("ok", segments))
    except BaseException as err:  # reported to the parent, which cancels the build
        results.put(("error", f"{type(err).__name__}: {err}"))
        raise


def segment_size() -> int:
    """LIBRARY_SEGMENT_DOCS, else SMALL_SEGMENT_DOCS on a small server, else SEGMENT_DOCS."""
    configured = os.environ.get("LIBRARY_SEGMENT_DOCS", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return SMALL_SEGMENT_DOCS if machine.is_small() else SEGMENT_DOCS


class ParallelWriter:
    """Adds documents to ix with ``procs`` worker processes (see the module docstring); with
    ``read`` and ``prepare`` the workers can also read the files themselves (``read_files``),
    so that a resource never travels between processes."""

    def __init__(
        self, ix, procs: int, codec, segment_docs: int | None = None, read=None, prepare=None
    ) -> None:
        self.ix = ix
        segment_docs = segment_docs or segment_size()
        self.path = str(Path(ix.storage.folder))
        context = multiprocessing.get_context("fork")
        self._jobs = context.Queue(procs * 2)
        self._results = context.Queue()
        self._batch: list[dict] = []
        self._lock = ix.lock("WRITELOCK")
        if not self._lock.acquire():
            raise LockError("the index is locked by another writer")
        self._verdicts = [context.SimpleQueue() for _ in range(procs)]
        self._procs = [
            context.Process(
                target=_work,
                args=(
                    self.path,
                    codec,
                    segment_docs,
                    self._jobs,
                    self._results,
                    read,
                    prepare,
                    me,
                    self._verdicts[me],
                ),
                daemon=True,
            )
            for me in range(procs)
        ]
        for process in self._procs:
            process.start()

    def add_document(self, **fields) -> None:
        self._batch.append(fields)
        if len(self._batch) >= BATCH:
            self._send()

    def _send(self) -> None:
        self._put(("docs", self._batch))
        self._batch = []

    def _put(self, job, meanwhile=None) -> None:
        while True:
            try:
                self._jobs.put(job, timeout=0.05 if meanwhile else 1.0)
                return
            except queue.Full:
                if meanwhile is not None:
                    meanwhile()
                self._check_alive()

    def read_files(self, items: list[tuple[str, Path]], decide) -> None:
        """Has the workers read and validate these (relative path, path) files, a batch at a
        time; ``decide`` gets each batch's reports in the order given (what ``read`` said of
        each file) and returns the paths whose resources stay, which the worker then adds."""
        if self._batch:
            self._send()
        batches = [items[start : start + READ_BATCH] for start in range(0, len(items), READ_BATCH)]
        arrived: dict[int, tuple[int, list]] = {}
        decided = 0  # batches whose verdict has been sent, in order

        def receive(block: bool) -> None:
            nonlocal decided
            while decided < len(batches) and (block or not self._results.empty()):
                worker, number, metas = self._report()
                arrived[number] = (worker, metas)
                while decided in arrived:
                    worker, metas = arrived.pop(decided)
                    self._verdicts[worker].put((decided, decide(metas)))
                    decided += 1
                block = False

        for number, batch in enumerate(batches):
            self._put(("read", batch, number), meanwhile=lambda: receive(False))
            receive(False)
        while decided < len(batches):
            receive(True)

    def _report(self) -> tuple:
        while True:
            try:
                status, found = self._results.get(timeout=1.0)
                break
            except queue.Empty:
                self._check_alive()
        if status != "read":
            raise RuntimeError(f"an index writer process failed: {found}")
        return found

    def _check_alive(self) -> None:
        for process in self._procs:
            if process.exitcode not in (None, 0):
                reason = f"exit code {process.exitcode}"
                try:
                    status, found = self._results.get(timeout=1.0)
                    if status == "error":
                        reason = found
                except queue.Empty:
                    pass
                raise RuntimeError(f"an index writer process failed: {reason}")

    def commit(self) -> None:
        """Wait for the workers and publish all their segments in one table of contents."""
        try:
            if self._batch:
                self._send()
            for _ in self._procs:
                self._jobs.put(None)
            segments = []
            for _ in self._procs:
                status, found = self._results.get(timeout=RESULT_TIMEOUT)
                if status != "ok":
                    raise RuntimeError(f"an index writer process failed: {found}")
                segments += found
            for process in self._procs:
                process.join()
            toc = self.ix._read_toc()
            segments = list(toc.segments) + segments
            generation = toc.generation + 1
            store.sync_tree(Path(self.path))  # the segments are on disk before the TOC names them
            TOC(toc.schema, segments, generation).write(self.ix.storage, self.ix.indexname)
            clean_files(self.ix.storage, self.ix.indexname, generation, segments)
        finally:
            self._stop()

    def cancel(self) -> None:
        self._stop()

    def _stop(self) -> None:
        for process in self._procs:
            if process.is_alive():
                process.kill()
            process.join()
        for channel in (self._jobs, self._results):
            channel.cancel_join_thread()  # never wait at exit to feed a process that is gone
            channel.close()
        for channel in self._verdicts:
            channel.close()
        shutil.rmtree(Path(self.path) / f"{self.ix.indexname}.tmp", ignore_errors=True)
        self._lock.release()


def merge_tiny(writer, segments):
    """Merge policy for updates, in tiers: once MERGE_AT segments of fewer than 50 documents
    have piled up, fold them into the writer's new segment (likewise for segments of 50 to 499
    documents, which pile up far more slowly); before that, fold only small segments that are
    mostly deleted documents. A segment whose documents are all deleted is simply dropped.
    Larger segments are kept as they are. So a one-file update writes one small segment and
    rewrites only a few small ones every MERGE_AT-th time, never a whole small library."""
    live = [s for s in segments if _live(s) > 0]
    merged: list = []
    for low, high in zip((0, *TIERS), TIERS, strict=False):
        tier = [s for s in live if low <= _live(s) < high]
        if len(tier) >= MERGE_AT:
            merged = tier
            break
    else:
        merged = [s for s in live if _live(s) < TIERS[-1] and _mostly_deleted(s)]
    for segment in merged:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    gone = {id(s) for s in merged}
    return [s for s in live if id(s) not in gone]


def _mostly_deleted(segment) -> bool:
    return segment.deleted_count() * 2 > segment.doc_count_all()


def _live(segment) -> int:
    return segment.doc_count_all() - segment.deleted_count()
