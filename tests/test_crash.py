"""Builds killed at any moment, and power cuts while a new generation is published: the served
index stays whole and searchable, and the next build completes with no repair by hand.

Real builds (`python -m indexer build`, with its worker processes) are killed with SIGKILL, the
whole process group at once, at delays spread over a measured uninterrupted build, so the kills
land while files are read, while segments are written and while the result is published. Power
cuts are simulated in-process: every file-system step of publishing fails in turn, and the
files a cut could leave half written (metadata, manifest) are truncated.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from indexer.writing import store
from indexer.writing.build import build
from library import create_app
from tests.benchmarks.corpus import generate

ROOT = Path(__file__).resolve().parent.parent
FILES = 80  # enough for worker processes (64), small enough for a quick build
BODY_WORDS = 120
KILL_FRACTIONS = (0.03, 0.25, 0.5, 0.75, 0.95, 1.02)
INCREMENTAL_FRACTIONS = (0.3, 0.6, 0.8, 0.95)
CHANGED = 30  # files edited by each incremental round
ADDED = 6
REMOVED = 3


# -- helpers -------------------------------------------------------------------------------------


def _start_build(content: Path, index: Path, full: bool) -> subprocess.Popen:
    command = [sys.executable, "-m", "indexer", "build", "--content", str(content)]
    command += ["--index", str(index)] + (["--full"] if full else [])
    env = {**os.environ, "LIBRARY_BUILD_WORKERS": "2"}
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the kill reaches every worker
    )


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()
    deadline = time.monotonic() + 10
    while True:  # the workers die with their parent; wait until the group is empty
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        assert time.monotonic() < deadline, "build workers outlived the killed build"
        os.killpg(process.pid, signal.SIGKILL)
        time.sleep(0.05)


def _run_build(content: Path, index: Path, full: bool) -> float:
    started = time.monotonic()
    process = _start_build(content, index, full)
    assert process.wait(timeout=300) == 0
    return time.monotonic() - started


def _served(index: Path, marker: str) -> tuple[int, int]:
    """(resources in the library, resources holding marker) as the web application serves
    them, through a freshly opened search service."""
    app = create_app({"TESTING": True, "INDEX_DIR": str(index)})
    client = app.test_client()
    everything = client.get("/api/search?per_page=1")
    marked = client.get(f"/api/search?q={marker}&per_page=1")
    assert everything.status_code == 200, everything.get_data(as_text=True)
    assert marked.status_code == 200, marked.get_data(as_text=True)
    return everything.get_json()["total"], marked.get_json()["total"]


WRITING, EARLY, LATE = "new generation half written", "before writing", "after publishing"


def _on_disk(index: Path, served_before: str) -> str:
    """Where a kill landed, from what it left behind."""
    served = os.readlink(index / store.CURRENT)
    if served != served_before:
        return LATE
    newer = [p for p in store.generations(index) if p.name > served]
    if not newer:
        return EARLY
    if any(store.is_complete(p) for p in newer):
        return "new generation complete, not yet published"
    return WRITING


def _assert_clean(index: Path) -> None:
    """No temporary files, no incomplete generation, no unused segment, lock released."""
    names = os.listdir(index)
    assert not [n for n in names if re.match(r"^\.(?!build\.lock$)", n)], names
    assert (index / store.LOCK_FILE).read_text() == ""
    for generation in store.generations(index):
        assert store.is_complete(generation), generation.name
    current = store.current_generation(index)
    assert current is not None and current.name == os.readlink(index / store.CURRENT)
    files = os.listdir(current)
    assert not [n for n in files if n.startswith(".") or n.endswith((".tmp",)) or ".toc." in n]
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC

    toc = TOC.read(FileStorage(str(current)), store.INDEX_NAME)
    used = {s.segment_id() for s in toc.segments}
    segment_files = {n.split(".")[0] for n in files if n.startswith(f"{store.INDEX_NAME}_")}
    assert segment_files - {f"{store.INDEX_NAME}_WRITELOCK"} <= used


def _edit_round(content: Path, number: int) -> str:
    """Change the library in one go: CHANGED files get a new word, ADDED files appear and
    REMOVED files go. Returns the new word."""
    # Letters only (digits split words), different from the start (prefixes are indexed).
    marker = "qwrtpsdfgh"[number] * 6 + "crash"
    files = sorted(content.rglob("resource-*.md"))
    for path in files[:CHANGED]:
        path.write_text(path.read_text("utf-8") + f"\n{marker} words\n", "utf-8")
    for i, path in enumerate(files[CHANGED : CHANGED + ADDED]):
        target = path.with_name(f"extra-{number}-{i}.{path.name.split('.')[-2]}.md")
        shutil.copy(path, target)
    for path in files[-REMOVED:]:
        path.unlink()
    return marker


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> tuple[Path, Path, float]:
    """A generated library, its index, and how long an uninterrupted full build took."""
    root = tmp_path_factory.mktemp("crash")
    content, index = root / "content", root / "index"
    generate(content, FILES, broken=0.0, seed=7)
    for path in content.rglob("*.md"):  # shorter bodies: a quicker build, the same steps
        head, _, body = path.read_text("utf-8").partition("\n---\n")
        path.write_text(f"{head}\n---\n{' '.join(body.split()[:BODY_WORDS])}\n", "utf-8")
    seconds = _run_build(content, index, full=True)
    return content, index, seconds


# -- killed builds -------------------------------------------------------------------------------


def test_killed_full_builds_leave_the_served_index_whole(library):
    content, index, seconds = library
    before = _served(index, "roma")
    landed = []
    delays = [seconds * fraction for fraction in KILL_FRACTIONS]
    while delays:
        delay = delays.pop(0)
        served_before = os.readlink(index / store.CURRENT)
        process = _start_build(content, index, full=True)
        time.sleep(delay)
        _kill_group(process)
        landed.append(_on_disk(index, served_before))
        assert store.current_generation(index) is not None
        assert _served(index, "roma") == before  # same content: old or new, the same answers
        report = build(content, index, say=lambda _: None)  # the next build, no repair
        assert report.ok and report.documents == before[0]
        _assert_clean(index)
        if not delays and WRITING not in landed and len(landed) < len(KILL_FRACTIONS) + 6:
            # This machine is slower or quicker now than when the build was timed: aim again.
            delays.append(delay * (1.5 if landed[-1] == EARLY else 0.6))
    print("full builds killed:", landed)
    assert WRITING in landed


def test_killed_incremental_builds_are_all_or_nothing(library):
    content, index, seconds = library
    for number, fraction in enumerate((None, *INCREMENTAL_FRACTIONS)):
        total, _ = _served(index, "roma")
        marker = _edit_round(content, number)
        old, new = (total, 0), (total + ADDED - REMOVED, CHANGED)
        if fraction is None:  # the first round runs to the end, to time an update
            seconds = _run_build(content, index, full=False)
            assert _served(index, marker) == new
            continue
        process = _start_build(content, index, full=False)
        time.sleep(seconds * fraction)
        _kill_group(process)
        assert _served(index, marker) in (old, new)
        report = build(content, index, say=lambda _: None)
        assert report.ok
        assert _served(index, marker) == new
        _assert_clean(index)


# -- power cuts while publishing -----------------------------------------------------------------


class PowerCut(BaseException):
    """The machine stopped here."""


class Cutter:
    """Counts the file-system steps of ``store.activate`` and cuts the power at step ``at``."""

    def __init__(self, monkeypatch, at: int) -> None:
        self.at, self.steps, self.armed, self.depth = at, 0, False, 0
        for name in ("replace", "fsync", "unlink", "symlink", "rename"):
            monkeypatch.setattr(os, name, self._wrap(getattr(os, name)))
        monkeypatch.setattr(shutil, "rmtree", self._wrap(shutil.rmtree))
        for name in ("sync_tree", "sync_dir"):
            monkeypatch.setattr(store, name, self._wrap(getattr(store, name)))
        original = store.activate

        def activate(index_dir, generation):
            self.armed = True
            try:
                original(index_dir, generation)
            finally:
                self.armed = False

        monkeypatch.setattr(store, "activate", activate)

    def _wrap(self, function):
        def step(*args, **kwargs):
            if self.armed and not self.depth:  # a step, not a part of one (rmtree's unlinks)
                self.steps += 1
                if self.steps == self.at:
                    raise PowerCut(function.__name__)
            self.depth += 1
            try:
                return function(*args, **kwargs)
            finally:
                self.depth -= 1

        return step


def _small_library(tmp_path: Path, fixture_content: Path) -> tuple[Path, Path, int]:
    """The fixture library copied and built: (content, index, documents indexed)."""
    content, index = tmp_path / "content", tmp_path / "index"
    shutil.copytree(fixture_content, content)
    return content, index, build(content, index, say=lambda _: None).documents


def _add_marker(content: Path, marker: str) -> None:
    (content / "good" / f"{marker}.en.md").write_text(
        f"---\ntitle: Power cut {marker}\n---\nA new file with {marker} in it.\n", "utf-8"
    )


def test_power_cut_at_each_step_of_publishing(tmp_path, fixture_content, monkeypatch):
    pristine_content, pristine_index, documents = _small_library(
        tmp_path / "pristine", fixture_content
    )
    build(pristine_content, pristine_index, full=True, say=lambda _: None)  # two generations
    total, _ = _served(pristine_index, "zqpower")
    at, completed = 1, False
    while not completed:
        content, index = tmp_path / f"cut-{at}" / "content", tmp_path / f"cut-{at}" / "index"
        shutil.copytree(pristine_content, content)
        shutil.copytree(pristine_index, index, symlinks=True)
        _add_marker(content, "zqpower")
        with monkeypatch.context() as patch:
            cutter = Cutter(patch, at)
            try:
                build(content, index, full=True, say=lambda _: None)
                completed = True
            except PowerCut:
                pass
        assert store.is_complete(store.current_generation(index))
        assert _served(index, "zqpower") in ((total, 0), (total + 1, 1))
        assert build(content, index, say=lambda _: None).documents == documents + 1
        assert _served(index, "zqpower") == (total + 1, 1)
        _assert_clean(index)
        at += 1
    # The generation synced, the link made and swapped, the folder synced, the oldest removed.
    assert cutter.steps >= 6


def test_publishing_syncs_the_generation_before_the_link_and_the_link_after(
    tmp_path, fixture_content, monkeypatch
):
    content, index, _ = _small_library(tmp_path, fixture_content)
    events: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        events.append(("sync", os.readlink(f"/proc/self/fd/{fd}")))
        return real_fsync(fd)

    def replace(src, dst, **kwargs):
        events.append(("rename", str(dst)))
        return real_replace(src, dst, **kwargs)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    build(content, index, full=True, say=lambda _: None)
    monkeypatch.undo()
    generation = store.current_generation(index)
    swap = events.index(("rename", str(index / store.CURRENT)))
    meta = events.index(("rename", str(generation / store.META_FILE)))
    synced_before_meta = {path for kind, path in events[:meta] if kind == "sync"}
    for name in os.listdir(generation):
        if name not in (store.META_FILE, "manifest.marshal"):
            assert str(generation / name) in synced_before_meta, name
    assert str(generation) in synced_before_meta
    assert ("sync", str(generation / f".{store.META_FILE}.{os.getpid()}")) in events[:meta]
    synced_before_swap = {path for kind, path in events[:swap] if kind == "sync"}
    assert {str(generation / name) for name in os.listdir(generation)} <= synced_before_swap
    assert ("sync", str(generation)) in events[meta:swap]
    assert ("sync", str(index.resolve())) in events[swap:]


def _two_generations(tmp_path, fixture_content) -> tuple[Path, Path, Path, Path]:
    """A library built, then rebuilt with a new file: (content, index, old, new generation)."""
    content, index, _ = _small_library(tmp_path, fixture_content)
    old = store.current_generation(index)
    _add_marker(content, "zqtwice")
    build(content, index, full=True, say=lambda _: None)
    new = store.current_generation(index)
    assert old != new and old.exists()  # the previous generation is kept for its readers
    return content, index, old, new


@pytest.mark.parametrize("damage", ["truncated", "empty", "missing", "generation gone"])
def test_an_unfinished_generation_is_never_served(tmp_path, fixture_content, damage):
    content, index, old, new = _two_generations(tmp_path, fixture_content)
    total, marked = _served(index, "zqtwice")
    assert marked == 1
    meta = new / store.META_FILE
    if damage == "truncated":
        meta.write_bytes(meta.read_bytes()[:17])
    elif damage == "empty":
        meta.write_bytes(b"")
    elif damage == "missing":
        meta.unlink()
    else:
        shutil.rmtree(new)
    assert store.current_generation(index) == old
    assert _served(index, "zqtwice") == (total - 1, 0)
    build(content, index, say=lambda _: None)
    assert _served(index, "zqtwice") == (total, 1)
    _assert_clean(index)


@pytest.mark.parametrize("name", ["manifest.marshal", "manifest-delta.marshal", "meta.json"])
def test_a_truncated_file_of_the_served_generation_costs_a_rebuild_at_most(
    tmp_path, fixture_content, name
):
    content, index, documents = _small_library(tmp_path, fixture_content)
    total, _ = _served(index, "zqhalf")
    _add_marker(content, "zqfirst")
    build(content, index, say=lambda _: None)  # an update: writes the manifest's delta
    path = store.current_generation(index) / name
    if path.exists():
        path.write_bytes(path.read_bytes()[: max(1, path.stat().st_size // 2)])
    _add_marker(content, "zqhalf")
    report = build(content, index, say=lambda _: None)
    assert report.documents == documents + 2
    assert _served(index, "zqhalf") == (total + 2, 1)
    _assert_clean(index)


def test_leftovers_of_a_dead_build_are_cleared_by_the_next(tmp_path, fixture_content):
    content, index, _ = _small_library(tmp_path, fixture_content)
    total, _ = _served(index, "zqleft")
    current = store.current_generation(index)
    (index / ".current.999999").symlink_to(current.name)
    half = index / "gen-1"
    half.mkdir()
    (half / "MAIN_half.pst").write_bytes(b"\0" * 100)
    (current / ".meta.json.999999").write_text('{"fingerprint": ')
    (current / "_MAIN_99.toc.1764600000.5").write_bytes(b"\0")
    (current / "MAIN.tmp").mkdir()
    (current / "MAIN_orphan0000000000.pst").write_bytes(b"\0" * 100)
    (index / store.LOCK_FILE).write_text("999999")  # the pid of a build that died
    _add_marker(content, "zqleft")
    build(content, index, say=lambda _: None)
    assert _served(index, "zqleft") == (total + 1, 1)
    assert not half.exists()
    _assert_clean(index)
