"""Incremental and full builds: what they touch, what they report, and that they never break
the index being served."""

from __future__ import annotations

import calendar
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from indexer.writing import build as build_module
from indexer.writing import store
from indexer.writing.build import build

ROOT = Path(__file__).resolve().parent.parent
QUIET = {"say": lambda _: None}


def _docs(index_dir: Path) -> dict[str, str]:
    ix = whoosh_index.open_dir(str(store.current_generation(index_dir)))
    with ix.searcher() as searcher:
        return {f["path"]: f["title"] for f in searcher.reader().all_stored_fields()}


def test_first_build_is_full_and_indexes_every_valid_file(built_index):
    index_dir, report = built_index
    assert report.mode == "full"
    assert report.documents == report.added == 19
    assert report.rejected == 5
    assert "good/detected.md" in _docs(index_dir)


def test_nothing_changed_touches_nothing(content_copy, tmp_path):
    index_dir = tmp_path / "index"
    build(content_copy, index_dir, **QUIET)
    again = build(content_copy, index_dir, **QUIET)
    assert again.mode == "incremental"
    assert (again.added, again.changed, again.removed) == (0, 0, 0)
    assert again.unchanged == 19


def test_editing_one_file_updates_exactly_one_document(content_copy, tmp_path):
    index_dir = tmp_path / "index"
    build(content_copy, index_dir, **QUIET)
    generation = store.current_generation(index_dir)
    path = content_copy / "good" / "iskola.hu.md"
    path.write_text(path.read_text("utf-8").replace("Budapesten", "Nagykállóban"), "utf-8")
    report = build(content_copy, index_dir, **QUIET)
    assert (report.added, report.changed, report.removed) == (0, 1, 0)
    assert report.unchanged == 18
    assert "Changed" not in report.summary() and "1 changed" in report.summary()
    assert store.current_generation(index_dir) == generation  # updated in place
    assert _docs(index_dir)["good/iskola.hu.md"] == "Roma gyerekek az iskolákban Nagykállóban"


def test_meta_json_records_each_build_s_figures(content_copy, tmp_path):
    index_dir = tmp_path / "index"
    before = time.time()
    first = build(content_copy, index_dir, **QUIET)
    full = store.read_json(store.current_generation(index_dir) / store.META_FILE)
    assert full["mode"] == "full" and full["rejected"] == first.rejected
    (content_copy / "good" / "new.en.md").write_text("---\ntitle: New\n---\nText.\n", "utf-8")
    (content_copy / "warned" / "another-bad-date.md").write_text(
        (content_copy / "warned" / "bad-date.md").read_text("utf-8"), "utf-8"
    )
    second = build(content_copy, index_dir, **QUIET)
    meta = store.read_json(store.current_generation(index_dir) / store.META_FILE)
    assert (meta["mode"], second.mode, first.mode) == ("incremental", "incremental", "full")
    # An incremental build reports the files it read and those still rejected.
    assert meta["problems"] == len(second.problems) > 0
    assert full["problems"] == len(first.problems) > len(second.problems)
    assert "warned/another-bad-date.md" in {problem.path for problem in second.problems}
    assert meta["rejected"] == second.rejected == first.rejected == 5
    assert 0 < meta["seconds"] <= second.seconds
    assert before <= meta["finished"] <= time.time()
    built = calendar.timegm(time.strptime(meta["built"], "%Y-%m-%dT%H:%M:%SZ"))
    assert 0 <= meta["finished"] - built <= 1.001  # one moment, as text and as Unix seconds
    assert (meta["documents"], meta["languages"]) == (second.documents, second.languages)
    assert meta["fingerprint"] == full["fingerprint"]


def test_touching_a_file_without_changing_it_is_not_a_change(content_copy, tmp_path):
    index_dir = tmp_path / "index"
    build(content_copy, index_dir, **QUIET)
    path = content_copy / "good" / "iskola.hu.md"
    os.utime(path, (1, 1))
    assert build(content_copy, index_dir, **QUIET).changed == 0


def test_removed_file_is_gone_and_added_file_appears(content_copy, tmp_path):
    index_dir = tmp_path / "index"
    build(content_copy, index_dir, **QUIET)
    (content_copy / "good" / "scoala.ro.md").unlink()
    (content_copy / "good" / "new.en.md").write_text(
        "---\ntitle: A new resource\nthemes: [housing]\n---\nNew text about housing.\n", "utf-8"
    )
    report = build(content_copy, index_dir, **QUIET)
    assert (report.added, report.changed, report.removed) == (1, 0, 1)
    docs = _docs(index_dir)
    assert "good/scoala.ro.md" not in docs
    assert docs["good/new.en.md"] == "A new resource"


def _titles(index_dir):
    ix = whoosh_index.open_dir(str(store.current_generation(index_dir)))
    with ix.searcher() as searcher:
        return {f["path"]: f["title"] for f in searcher.all_stored_fields()}


@pytest.mark.parametrize("workers_read", [False, True])
def test_a_file_that_breaks_keeps_its_last_good_version_until_fixed(
    content_copy, tmp_path, monkeypatch, workers_read
):
    if workers_read:  # a full build as a large library's: the writer processes read the files
        from indexer.writing import reading

        monkeypatch.setattr(reading, "PARALLEL_FROM", 1)
    index_dir = tmp_path / "index"
    build(content_copy, index_dir, **QUIET)
    path = content_copy / "good" / "iskola.hu.md"
    good = path.read_text("utf-8")
    title = _titles(index_dir)["good/iskola.hu.md"]
    path.write_text(good.replace("title:", "titel:"), "utf-8")  # the title is now missing
    for full in (False, False, True):  # every build, incremental or full, says so
        report = build(content_copy, index_dir, full=full, **QUIET)
        assert report.rejected == 6 and report.kept == 1 and not report.ok
        assert _titles(index_dir)["good/iskola.hu.md"] == title
        notes = [p for p in report.problems if p.path == "good/iskola.hu.md"]
        assert any(p.is_error and p.field == "title" for p in notes)
        assert any("last good version" in p.message for p in notes)
        assert "kept at their last good version" in report.summary()
    path.write_text(good.replace(title, "Iskola, újra"), "utf-8")
    report = build(content_copy, index_dir, **QUIET)
    assert (report.kept, report.changed) == (0, 1)
    assert _titles(index_dir)["good/iskola.hu.md"] == "Iskola, újra"


def test_a_file_broken_from_the_start_is_not_indexed(content_copy, tmp_path):
    index_dir = tmp_path / "index"
    build(content_copy, index_dir, **QUIET)
    (content_copy / "good" / "new.en.md").write_text("---\ntitel: x\n---\nText.\n", "utf-8")
    report = build(content_copy, index_dir, **QUIET)
    assert report.kept == 0 and "good/new.en.md" not in _docs(index_dir)


def test_full_build_swaps_in_a_new_generation(content_copy, tmp_path):
    index_dir = tmp_path / "index"
    build(content_copy, index_dir, **QUIET)
    first = store.current_generation(index_dir)
    report = build(content_copy, index_dir, full=True, **QUIET)
    assert report.mode == "full"
    second = store.current_generation(index_dir)
    assert second != first and first.exists()  # the previous one is kept for open readers
    build(content_copy, index_dir, full=True, **QUIET)
    assert not first.exists()  # older ones are removed


def test_changed_vocabulary_forces_a_full_build(content_copy, tmp_path):
    index_dir = tmp_path / "index"
    build(content_copy, index_dir, **QUIET)
    vocab = content_copy / "vocabulary.yml"
    vocab.write_text(vocab.read_text("utf-8") + "\n# edited\n", "utf-8")
    assert build(content_copy, index_dir, **QUIET).mode == "full"


def test_a_crash_during_a_full_build_leaves_the_old_index_serving(
    content_copy, tmp_path, monkeypatch
):
    index_dir = tmp_path / "index"
    build(content_copy, index_dir, **QUIET)
    before = _docs(index_dir)
    calls = {"n": 0}
    real = build_module.document

    def exploding(resource):
        calls["n"] += 1
        if calls["n"] == 5:
            raise KeyboardInterrupt("killed")
        return real(resource)

    monkeypatch.setattr(build_module, "document", exploding)
    with pytest.raises(KeyboardInterrupt):
        build(content_copy, index_dir, full=True, **QUIET)
    assert _docs(index_dir) == before


def test_killed_build_process_leaves_search_working(content_copy, tmp_path):
    """SIGKILL a real full build half way; the served index still answers."""
    index_dir = tmp_path / "index"
    build(content_copy, index_dir, **QUIET)
    for i in range(300):
        (content_copy / "good" / f"bulk-{i}.en.md").write_text(
            f"---\ntitle: Bulk resource {i}\n---\nHousing and schools, resource number {i}.\n",
            "utf-8",
        )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "indexer",
            "build",
            "--full",
            "--content",
            str(content_copy),
            "--index",
            str(index_dir),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    threading.Event().wait(1.5)
    proc.kill()
    proc.wait()
    assert len(_docs(index_dir)) in (19, 319)
    again = build(content_copy, index_dir, **QUIET)
    assert again.documents == 319


def test_a_second_build_waits_for_the_lock_then_gives_up_clearly(content_copy, tmp_path):
    index_dir = tmp_path / "index"
    messages = []
    with store.build_lock(index_dir, 1, messages.append):
        with pytest.raises(store.BuildLockTimeout, match="another build is still updating"):
            build(content_copy, index_dir, say=messages.append, lock_timeout=0.5)
    assert any("waiting" in m for m in messages)


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "indexer", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_build_prints_problems_and_summary_and_exits_1(content_copy, tmp_path):
    result = _cli("build", "--content", str(content_copy), "--index", str(tmp_path / "ix"))
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert (
        f"{content_copy.as_posix()}/rejected/invalid-yaml.md:4: front matter: invalid YAML"
        in result.stdout
    )
    assert lines[-1].startswith("Full build: 19 added, 0 changed, 0 removed, 0 unchanged;")
    assert "5 files rejected" in lines[-1]


def test_cli_exits_0_when_every_file_is_valid(content_copy, tmp_path):
    import shutil

    shutil.rmtree(content_copy / "rejected")
    result = _cli("check", "--content", str(content_copy))
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("Checked 19 files: 19 valid")


def test_cli_names_a_missing_content_folder(tmp_path):
    result = _cli("check", "--content", str(tmp_path / "nope"))
    assert result.returncode == 2
    assert "does not exist" in result.stderr


def test_a_link_to_a_file_outside_the_content_folder_is_not_read(content_copy, tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text("---\ntitle: Secret outside\n---\nPrivate words zebraquark.\n", "utf-8")
    (content_copy / "good" / "outside.en.md").symlink_to(secret)
    (content_copy / "good" / "loop.en.md").symlink_to(content_copy / "good" / "loop.en.md")
    report = build(content_copy, tmp_path / "index", **QUIET)
    messages = {p.path: p.message for p in report.problems}
    assert "outside the content folder" in messages["good/outside.en.md"]
    assert "good/loop.en.md" in messages
    docs = _docs(tmp_path / "index")
    assert "good/outside.en.md" not in docs and "good/iskola.hu.md" in docs


def test_check_strict_turns_warnings_into_errors(content_copy):
    import shutil

    shutil.rmtree(content_copy / "rejected")
    relaxed = _cli("check", "--content", str(content_copy))
    strict = _cli("check", "--strict", "--content", str(content_copy))
    assert relaxed.returncode == 0 and "warning: themes: unknown theme 'hausing'" in relaxed.stdout
    assert strict.returncode == 1
    assert "unknown-theme.md:5: themes: unknown theme 'hausing'" in strict.stdout
    assert "warning:" not in strict.stdout


def test_progress_prints_counts_rate_and_time_left(monkeypatch):
    import io

    from indexer import progress

    monkeypatch.setattr(progress, "LINE_SECONDS", 0.0)
    out = io.StringIO()
    bar = progress.Progress(out, label="Reading")
    bar.start(400)
    for _ in range(400):
        bar.step()
    bar.finish()
    lines = out.getvalue().splitlines()
    assert lines and lines[-1].startswith("Reading 400/400 files (100%)")
    assert "files/s" in lines[-1] and "left" in lines[-1] and "\r" not in out.getvalue()


def test_a_build_told_what_changed_looks_only_there_and_agrees_with_a_full_look(
    content_copy, tmp_path
):
    from indexer.writing import manifest

    index_dir = tmp_path / "index"
    build(content_copy, index_dir, **QUIET)
    edited = content_copy / "good" / "iskola.hu.md"
    edited.write_text(edited.read_text("utf-8") + "\nÚj mondat.\n", "utf-8")
    (content_copy / "good" / "fresh.en.md").write_text("---\ntitle: Fresh\n---\nNew.\n", "utf-8")
    (content_copy / "good" / "scoala.ro.md").unlink()
    paths = ["good/iskola.hu.md", "good/fresh.en.md", "good/scoala.ro.md", "good/README.md"]
    known = manifest.load(store.current_generation(index_dir))
    full, told = (
        manifest.scan(content_copy, dict(known)),
        manifest.scan_paths(content_copy, dict(known), paths),
    )
    clash = "rejected/duplicate-id.en.md"  # never remembered; the watcher then looks at all
    for kind in ("files", "changed", "added", "removed", "unchanged"):
        wanted = sorted(p for p in getattr(full, kind) if p != clash)
        assert sorted(getattr(told, kind)) == wanted, kind
    report = build(content_copy, index_dir, changed=paths, **QUIET)
    assert (report.added, report.changed, report.removed) == (1, 1, 1)
    assert report.documents == 19


def test_a_small_server_builds_and_serves_with_one_process(monkeypatch):
    import os

    from indexer import machine
    from indexer.writing.build import _workers

    pages = {"SC_PAGE_SIZE": 4096}
    monkeypatch.setattr(os, "sysconf", lambda name: pages[name])
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.delenv("LIBRARY_BUILD_WORKERS", raising=False)
    pages["SC_PHYS_PAGES"] = (1 << 30) // 4096  # 1 GiB
    assert machine.is_small() and machine.processes() == 1 and _workers(None) == 1
    pages["SC_PHYS_PAGES"] = (4 << 30) // 4096
    assert not machine.is_small() and machine.processes() == 2 and _workers(None) == 2
    assert _workers(3) == 3  # asked for: always that
    from indexer.writing import writer

    assert writer.segment_size() == writer.SEGMENT_DOCS
    pages["SC_PHYS_PAGES"] = (1 << 30) // 4096
    assert writer.segment_size() == writer.SMALL_SEGMENT_DOCS  # a smaller pool per worker
    monkeypatch.setenv("LIBRARY_SEGMENT_DOCS", "500")
    assert writer.segment_size() == 500


def test_the_manifest_kept_in_memory_is_what_a_fresh_read_finds(content_copy, tmp_path):
    """A process that builds again and again keeps the manifest it wrote; another process's
    build (here: the manifest replaced on disk) is noticed, never served stale."""
    from indexer.writing import manifest

    index_dir = tmp_path / "index"
    build(content_copy, index_dir, **QUIET)
    edited = content_copy / "good" / "iskola.hu.md"
    edited.write_text(edited.read_text("utf-8") + "\nÚj mondat.\n", "utf-8")
    build(content_copy, index_dir, changed=["good/iskola.hu.md"], **QUIET)
    generation = store.current_generation(index_dir)
    held = manifest.load(generation)
    held["good/iskola.hu.md"] = None  # a caller changes its copy, never the kept one
    manifest._held.clear()
    read = manifest.load(generation)
    assert read["good/iskola.hu.md"].sha == manifest.load(generation)["good/iskola.hu.md"].sha
    assert manifest.load(generation) == read  # kept again after the read from disk
    stale = dict(read)
    stale.pop("good/iskola.hu.md")
    # Another process rewrites the manifest: the kept copy no longer matches the files.
    manifest._hold(generation, manifest.toc_generation(generation), stale)
    store.write_bytes(generation / manifest.DELTA_FILE, b"")  # a new file, a new identity
    assert "good/iskola.hu.md" in manifest.load(generation)


def test_an_update_syncs_only_the_files_it_wrote(content_copy, tmp_path, monkeypatch):
    index_dir = tmp_path / "index"
    build(content_copy, index_dir, **QUIET)
    generation = store.current_generation(index_dir)
    old = time.time() - 3600  # the full build's files, long on disk
    for path in generation.iterdir():
        os.utime(path, (old, old))
    before = set(os.listdir(generation))
    synced: list[str] = []
    real_fsync = os.fsync

    def fsync(fd):
        name = os.readlink(f"/proc/self/fd/{fd}")
        synced.append(os.path.basename(name))
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    edited = content_copy / "good" / "iskola.hu.md"
    edited.write_text(edited.read_text("utf-8") + "\nÚj mondat.\n", "utf-8")
    report = build(content_copy, index_dir, **QUIET)
    assert report.changed == 1
    new = set(os.listdir(generation)) - before
    assert new and new <= set(synced) | {"MAIN_WRITELOCK"}  # every new segment file synced
    untouched = {n for n in before & set(os.listdir(generation)) if n not in synced}
    assert len(untouched) > len(before) // 2  # the old segments were left alone
    assert any(n.startswith(".meta.json.") for n in synced)  # the commit mark, written last


def test_a_listing_made_by_a_child_process_is_the_folder_s_listing(content_copy, monkeypatch):
    from indexer.writing import manifest

    monkeypatch.setattr(manifest.threading, "active_count", lambda: 1)  # threads of other tests
    expected = manifest.listing(content_copy)
    listed = manifest.BackgroundListing(content_copy)
    assert listed._pid  # a child did the listing
    child = listed._pid
    assert listed.rows() == expected
    with pytest.raises(ChildProcessError):
        os.waitpid(child, os.WNOHANG)  # reaped: no process left behind
    known = {}
    a, b = (
        manifest.scan(content_copy, dict(known)),
        manifest.scan(content_copy, dict(known), expected),
    )
    assert (a.files, a.added) == (b.files, b.added) and a.files


def test_a_listing_is_never_forked_from_a_threaded_process_and_can_be_abandoned(
    content_copy, monkeypatch
):
    from indexer.writing import manifest

    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert manifest.BackgroundListing(content_copy).rows() is None  # the scan lists itself
    finally:
        stop.set()
        other.join()
    monkeypatch.setattr(manifest.threading, "active_count", lambda: 1)
    listed = manifest.BackgroundListing(content_copy)
    child = listed._pid
    assert child
    listed.close()  # a build that fails before it reads the listing
    with pytest.raises(ChildProcessError):
        os.waitpid(child, os.WNOHANG)


def test_the_command_line_lists_early_only_for_an_update(content_copy, monkeypatch):
    from indexer.__main__ import early_listing
    from indexer.writing import manifest

    monkeypatch.setattr(manifest.threading, "active_count", lambda: 1)

    for argv in (["check", "--content", str(content_copy)], ["build", "--full"], []):
        assert early_listing(argv) is None
    listed = early_listing(["build", "--content", str(content_copy), "--jobs", "1"])
    try:
        assert listed is not None and listed.rows() == manifest.listing(content_copy)
    finally:
        listed.close()


def test_a_listing_made_while_another_build_held_the_lock_is_not_used(
    content_copy, tmp_path, monkeypatch
):
    from indexer.writing import manifest

    index_dir = tmp_path / "index"
    build(content_copy, index_dir, **QUIET)
    monkeypatch.setattr(manifest.threading, "active_count", lambda: 1)
    stale = manifest.BackgroundListing(content_copy)  # listed before the other build's change
    monkeypatch.undo()
    (content_copy / "good" / "fresh.en.md").write_text("---\ntitle: Fresh\n---\nNew.\n", "utf-8")
    held = threading.Event()

    def other_build() -> None:
        with store.build_lock(index_dir, 5, lambda _line: None):
            held.set()
            time.sleep(0.5)

    holder = threading.Thread(target=other_build)
    holder.start()
    held.wait(5)
    try:
        report = build(content_copy, index_dir, listed=stale, lock_timeout=30, say=lambda _: None)
    finally:
        holder.join()
    assert report.added == 1  # the new file was seen: the stale listing was set aside
    assert stale._pid == 0  # and its child reaped
