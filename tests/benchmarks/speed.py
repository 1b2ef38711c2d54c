"""Speed and memory of the library as it runs in production, on a generated library, with SQLite
FTS5 on the same documents as a peer. A benchmark that prints figures, not a test.

    python -m tests.benchmarks.speed [--files 3000] [--runs 1] [--duration 15] [--keep DIR]
                                     [--skip-fts] [--server-env KEY=VALUE ...]

Owns the orchestration and the report; the pieces live beside it: corpus.py (the generated
library), procmem.py (memory of a process tree from /proc), load.py (HTTP clients, latency,
throughput), querymix.py (the queries), fts5.py and plainwhoosh.py (the peers), stats.py
(percentiles).

It prints, clearly labelled:
  a. the full build as a whole process (`python -m indexer build --full`): wall time,
     resources/s, index size on disk, peak RSS/PSS of the build process tree;
  b. incremental builds as whole processes: no change, 1 file's body changed, 10 files added,
     1 file removed (then the library is put back as generated and brought up to date);
  c. `python app.py` started as in production, time until /api/search?q=roma answers 200;
  d. latency with one keep-alive client over the query mix, /api/search and /en/search;
  e. throughput with 8 and 32 keep-alive clients for --duration seconds each;
  f. memory of the server process tree: idle, under 1/8/32 clients, idle again;
  g. the FTS5 peer: build, size, memory and in-process latency of the same query mix;
  h. the plain Whoosh peer: the same files built by Whoosh as its documentation shows, in one
     process (plainwhoosh.py): build time, size, memory;
and a final table "project vs FTS5 and plain Whoosh" with the ratios the goals are set in;
with --combined, the combined run of combined.py (a full rebuild while the server answers 8
clients, the two process trees' memory summed), with a small server's settings and this
machine's.
--runs K repeats d and e (and the peer's latency) K times and prints medians with the min-max
spread. --keep DIR keeps the corpus and the index in DIR and reuses them when they match, so a
100,000-file library is generated and built once.
The server and every child are stopped at exit, also on Ctrl+C and on errors.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import load
from .corpus import ROOT, Generator, generate
from .procmem import TreeMemory, TreeSampler, measure
from .querymix import KINDS, MIX
from .stats import ms, percentile, spread

PYTHON = sys.executable
HOST = "127.0.0.1"
READY_PATH = "/api/search?q=roma"
CORPUS_VERSION = 2  # bump when corpus.py makes other files for the same seed (--keep reuse)
LOAD_LEVELS = (8, 32)
IDLE_AFTER_LOAD = 5.0


def say(text: str = "") -> None:
    print(text, flush=True)


def progress(text: str) -> None:
    print(f"  … {text}", file=sys.stderr, flush=True)


# --- workspace and corpus -------------------------------------------------------------------------


@dataclass
class Workspace:
    root: Path
    kept: bool

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def index(self) -> Path:
        return self.root / "index"

    @property
    def marker(self) -> Path:
        return self.root / "speed-benchmark.json"

    def read_marker(self) -> dict:
        try:
            return json.loads(self.marker.read_text("utf-8"))
        except (OSError, ValueError):
            return {}

    def write_marker(self, data: dict) -> None:
        self.marker.write_text(json.dumps(data, indent=1), "utf-8")


def open_workspace(keep: Path | None, stack: contextlib.ExitStack) -> Workspace:
    if keep is None:
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="speed-benchmark-"))
        return Workspace(Path(tmp), kept=False)
    keep.mkdir(parents=True, exist_ok=True)
    return Workspace(keep.resolve(), kept=True)


def ensure_corpus(ws: Workspace, args) -> dict:
    """The corpus stats, generating the library unless the kept one was made with these options."""
    wanted = {"version": CORPUS_VERSION, "files": args.files, "seed": args.seed}
    wanted["broken"] = args.broken
    marker = ws.read_marker()
    if marker.get("corpus") == wanted and ws.content.is_dir():
        return {**marker["stats"], "reused": True}
    if ws.content.exists() and not marker:
        raise SystemExit(f"{ws.content} exists but was not made by this benchmark; pick another")
    shutil.rmtree(ws.content, ignore_errors=True)
    shutil.rmtree(ws.index, ignore_errors=True)
    progress(f"generating {args.files} files")
    stats = asdict(generate(ws.content, args.files, args.broken, args.seed))
    ws.write_marker({"corpus": wanted, "stats": stats})
    return {**stats, "reused": False}


# --- measured processes ---------------------------------------------------------------------------


@dataclass
class ProcessRun:
    seconds: float
    returncode: int
    peak_rss_kb: int
    peak_pss_kb: int | None
    samples: int
    output: str

    @property
    def last_line(self) -> str:
        lines = [line for line in self.output.splitlines() if line.strip()]
        return lines[-1] if lines else ""


# A build's memory is sampled every 200 ms, not every 50: reading the smaps of a tree of
# busy processes costs about 5 ms a time, which at 50 ms took a tenth of a core from a
# build that uses every core (and none from a one-process peer, which leaves one idle). A
# build's peaks (segments written out) last seconds.
BUILD_SAMPLING = 0.2


def run_measured(command: list[str]) -> ProcessRun:
    """Run command from the project folder; wall time and peak memory of its process tree."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        proc = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        try:
            with TreeSampler(proc.pid, BUILD_SAMPLING) as sampler:
                proc.wait()
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        seconds = time.perf_counter() - started
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    return ProcessRun(
        seconds, proc.returncode, sampler.peak_rss_kb, sampler.peak_pss_kb, sampler.samples, text
    )


def build_command(ws: Workspace, full: bool) -> list[str]:
    command = [PYTHON, "-m", "indexer", "build", "--content", str(ws.content)]
    return [*command, "--index", str(ws.index), *(["--full"] if full else [])]


def build_ok(run: ProcessRun) -> bool:
    """0: all indexed; 1: some files rejected (the generated broken ones)."""
    return run.returncode in (0, 1)


def disk_usage(path: Path) -> tuple[int, int]:
    """(allocated bytes as du counts them, apparent bytes) of a folder; links not followed."""
    seen: set[tuple[int, int]] = set()
    allocated = apparent = 0
    for folder, dirs, files in os.walk(path):
        for name in [*dirs, *files]:
            try:
                st = os.lstat(os.path.join(folder, name))
            except OSError:
                continue
            if (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                allocated += st.st_blocks * 512
                apparent += st.st_size
    return allocated, apparent


def index_parts(index: Path) -> dict[str, int]:
    """du of every top-level entry of the index folder (links not followed), largest first."""
    sizes = {}
    for entry in index.iterdir() if index.is_dir() else ():
        if entry.is_dir() and not entry.is_symlink():
            sizes[entry.name] = disk_usage(entry)[0]
        else:
            sizes[entry.name] = entry.lstat().st_blocks * 512
    return dict(sorted(sizes.items(), key=lambda item: -item[1]))


# --- a. full build --------------------------------------------------------------------------------


def full_build(ws: Workspace, corpus: dict) -> dict:
    marker = ws.read_marker()
    if ws.kept and marker.get("full_build") and (ws.index / "current").exists():
        return {**marker["full_build"], "reused": True}
    shutil.rmtree(ws.index, ignore_errors=True)
    progress("full build")
    run = run_measured(build_command(ws, full=True))
    allocated, apparent = disk_usage(ws.index)
    current = ws.index / "current"
    result = {
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "ok": build_ok(run),
        "returncode": run.returncode,
        "seconds": run.seconds,
        "rate": corpus["resources"] / run.seconds,
        "index_bytes": allocated,
        "index_apparent_bytes": apparent,
        "generation_bytes": disk_usage(current.resolve())[0] if current.exists() else 0,
        "index_parts": index_parts(ws.index),
        "peak_rss_kb": run.peak_rss_kb,
        "peak_pss_kb": run.peak_pss_kb,
        "samples": run.samples,
        "problems": max(0, len(run.output.strip().splitlines()) - 1),
        "summary": run.last_line,
        "tail": run.output.strip().splitlines()[-15:],
    }
    if result["ok"]:
        ws.write_marker({**marker, "full_build": result})
    return {**result, "reused": False}


def print_full_build(ws: Workspace, corpus: dict, result: dict) -> None:
    say("a. full build — python -m indexer build --content C --index I --full (whole process)")
    if result["reused"]:
        say(f"   not run now: the index in {ws.index} is reused; figures of {result['when']}")
    if not result["ok"]:
        say(f"   FAILED with exit code {result['returncode']}; last lines of its output:")
        for line in result["tail"]:
            say(f"     | {line}")
        return
    say(
        f"   wall time          {result['seconds']:.1f} s for {corpus['resources']} resources "
        f"= {result['rate']:.1f} resources/s (exit {result['returncode']}, "
        f"{result['problems']} problem lines for {corpus['broken']} broken files)"
    )
    say(
        f"   index on disk      {mb(result['index_bytes'])} (du of I; apparent "
        f"{mb(result['index_apparent_bytes'])}; current generation "
        f"{mb(result['generation_bytes'])})"
    )
    parts = ", ".join(
        f"{name} {mb(size)}" for name, size in result.get("index_parts", {}).items() if size
    )
    say(f"   index folder       {parts}")
    say(
        f"   peak memory        RSS {mb_kb(result['peak_rss_kb'])}, PSS "
        f"{mb_kb(result['peak_pss_kb'])} (sum over the build process tree, "
        f"{result['samples']} samples every {BUILD_SAMPLING * 1000:.0f} ms)"
    )
    say(f"   indexer said       {result['summary']}")


# --- b. incremental builds ------------------------------------------------------------------------


class CorpusChanges:
    """Edits to the generated library for incremental builds, undone by `restore`."""

    def __init__(self, content: Path, seed: int):
        self.content = content
        self.seed = seed
        self.resources = sorted(content.rglob("resource-*.md"))
        self.saved: dict[Path, bytes] = {}
        self.added: list[Path] = []

    def nothing(self) -> None:
        pass

    def edit_one(self) -> None:
        path = self.resources[0]
        self.saved[path] = path.read_bytes()
        extra = "\n\nThis paragraph was added by the speed benchmark to change the body.\n"
        path.write_bytes(self.saved[path] + extra.encode())

    def add_ten(self) -> None:
        rng = random.Random(self.seed + 1)
        generator = Generator()
        for n in range(10):
            lang, text, _ = generator.resource(rng, 1_000_000 + n)
            path = self.content / "part-00" / f"added-{n}.{lang}.md"
            path.write_text(text, "utf-8")
            self.added.append(path)

    def remove_one(self) -> None:
        path = self.resources[-1]
        self.saved[path] = path.read_bytes()
        path.unlink()

    def restore(self) -> None:
        for path in self.added:
            path.unlink(missing_ok=True)
        for path, data in self.saved.items():
            path.write_bytes(data)
        self.added, self.saved = [], {}


def incremental_builds(ws: Workspace, seed: int) -> list[tuple[str, ProcessRun]]:
    changes = CorpusChanges(ws.content, seed)
    steps = [
        ("no change", changes.nothing),
        ("1 file's body changed", changes.edit_one),
        ("10 files added", changes.add_ten),
        ("1 file removed", changes.remove_one),
    ]
    results = []
    try:
        for label, change in steps:
            progress(f"incremental build: {label}")
            change()
            results.append((label, run_measured(build_command(ws, full=False))))
    finally:
        changes.restore()
    progress("incremental build: back to the generated library")
    results.append(("back as generated (12 changes)", run_measured(build_command(ws, False))))
    return results


def print_incremental(results: list[tuple[str, ProcessRun]]) -> None:
    say("b. incremental builds — python -m indexer build --content C --index I (whole process)")
    for label, run in results:
        state = "" if build_ok(run) else f"  FAILED (exit {run.returncode})"
        summary = run.last_line.split(";")[0]
        say(
            f"   {label:32} {run.seconds:7.2f} s   peak RSS {mb_kb(run.peak_rss_kb):>7}{state}"
            f"   | {summary}"
        )


# --- c. the server --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Server:
    """`python app.py` in its own session, so the whole tree can be stopped by its group id."""

    def __init__(self, ws: Workspace, extra_env: dict[str, str], log: Path):
        self.port = free_port()
        self.env = {
            **os.environ,
            "LIBRARY_CONTENT_DIR": str(ws.content),
            "LIBRARY_INDEX_DIR": str(ws.index),
            "PORT": str(self.port),
            **extra_env,
        }
        self.log = log
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float) -> float | None:
        """Seconds until READY_PATH answers 200; None when the server died or timed out."""
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(
                [PYTHON, "app.py"],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return load.wait_until_ready(HOST, self.port, READY_PATH, timeout, self.alive)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        if not self.alive():
            return
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=wait)
                return

    def log_tail(self, lines: int = 20) -> list[str]:
        try:
            return self.log.read_text("utf-8", "replace").strip().splitlines()[-lines:]
        except OSError:
            return []


# --- d, e, f. load and memory ---------------------------------------------------------------------


@dataclass
class ServerFigures:
    ready_seconds: float | None = None
    idle: TreeMemory | None = None
    idle_after: TreeMemory | None = None
    peaks: dict[str, tuple[int, int | None]] = field(default_factory=dict)
    latency: list[load.LatencyRun] = field(default_factory=list)
    throughput: dict[int, list[load.LoadRun]] = field(default_factory=dict)


def exercise_server(server: Server, args) -> ServerFigures:
    figures = ServerFigures()
    progress(f"starting python app.py on port {server.port}")
    figures.ready_seconds = server.start(args.ready_timeout)
    if figures.ready_seconds is None:
        return figures
    figures.idle = idle_memory(server.proc.pid, 2.0)
    api_paths = [query.api_path() for query in MIX]
    for number in range(1, args.runs + 1):
        progress(f"run {number}/{args.runs}: latency, 1 client")
        with TreeSampler(server.proc.pid) as sampler:
            figures.latency.append(load.latency(HOST, server.port, MIX, args.passes))
        keep_peak(figures.peaks, "1 client", sampler)
        for clients in LOAD_LEVELS:
            progress(f"run {number}/{args.runs}: {clients} clients for {args.duration:g} s")
            with TreeSampler(server.proc.pid) as sampler:
                done = load.throughput(HOST, server.port, api_paths, clients, args.duration)
            figures.throughput.setdefault(clients, []).append(done)
            keep_peak(figures.peaks, f"{clients} clients", sampler)
    progress(f"idle {IDLE_AFTER_LOAD:g} s after the load")
    time.sleep(IDLE_AFTER_LOAD)
    figures.idle_after = idle_memory(server.proc.pid, 1.0)
    return figures


def idle_memory(pid: int, seconds: float) -> TreeMemory:
    with TreeSampler(pid) as sampler:
        time.sleep(seconds)
    now = measure(pid)
    return TreeMemory(now.processes, sampler.peak_rss_kb, sampler.peak_pss_kb)


def keep_peak(peaks: dict, label: str, sampler: TreeSampler) -> None:
    rss, pss = peaks.get(label, (0, None))
    new_pss = sampler.peak_pss_kb if pss is None else max(pss, sampler.peak_pss_kb or 0)
    peaks[label] = (max(rss, sampler.peak_rss_kb), new_pss)


def print_server(server: Server, figures: ServerFigures, args) -> None:
    extra = " ".join(f"{k}={v}" for k, v in sorted(parse_env(args.server_env).items()))
    say(
        "c. server — python app.py with LIBRARY_CONTENT_DIR=C LIBRARY_INDEX_DIR=I "
        f"PORT={server.port} {extra or '(LIBRARY_THREADS default)'}"
    )
    if figures.ready_seconds is None:
        state = "exited" if not server.alive() else f"no 200 within {args.ready_timeout:g} s"
        say(f"   NOT READY ({state}); last lines of its output:")
        for line in server.log_tail():
            say(f"     | {line}")
        return
    say(f"   ready in {figures.ready_seconds:.1f} s (first 200 on {READY_PATH})")


def print_latency(runs: list[load.LatencyRun], args) -> None:
    say(
        f"d. latency — 1 keep-alive client, 1 warm-up pass, then {plural(args.passes, 'pass')} "
        f"over {len(MIX)} queries, each as /api/search and /en/search; {plural(len(runs), 'run')}"
    )
    say(f"   {'':14}" + "".join(f"{p:>26}" for p in ("p50", "p95", "p99")))
    for label, attr in (("/api/search", "api"), ("/en/search", "html")):
        cells = [
            spread([ms(percentile(getattr(r, attr), p)) for r in runs], " ms") for p in (50, 95, 99)
        ]
        say(f"   {label:14}" + "".join(f"{c:>26}" for c in cells))
    say("   API p50 by kind of query:")
    for kind in KINDS:
        cell = spread([ms(percentile(r.api_by_kind.get(kind, []), 50)) for r in runs], " ms")
        examples = ", ".join(q.label for q in MIX if q.kind == kind)
        say(f"     {kind:12}{cell:>26}   {examples[:64]}{'…' if len(examples) > 64 else ''}")
    errors = sum(r.errors for r in runs)
    requests = sum(r.requests for r in runs)
    warmup = sum(r.warmup_errors for r in runs)
    say(f"   errors: {errors} of {requests} timed requests (warm-up: {warmup})")
    print_error_examples([e for r in runs for e in r.error_examples])


def print_throughput(levels: dict[int, list[load.LoadRun]], args) -> None:
    say(
        f"e. throughput — API mix, {args.duration:g} s per level, one keep-alive connection per "
        f"client thread, at most {load.THREADS_PER_PROCESS} threads per client process"
    )
    for clients, runs in levels.items():
        rps = spread([r.requests_per_second for r in runs])
        p50 = spread([ms(percentile(r.latencies, 50)) for r in runs], " ms")
        p99 = spread([ms(percentile(r.latencies, 99)) for r in runs], " ms")
        cpu = spread([r.client_cpu_seconds for r in runs], " s", 2)
        busiest = max(r.busiest_process_cpu_share for r in runs)
        requests = sum(r.ok + r.errors for r in runs)
        errors = sum(r.errors for r in runs)
        say(
            f"   {clients:>2} clients  {rps} requests/s   p50 {p50}   p99 {p99}   "
            f"errors {errors} of {requests}"
        )
        say(
            f"               client CPU {cpu} in {plural(runs[0].processes, 'process')} "
            f"(busiest process: {busiest:.0%} of one core)"
        )
        if busiest > 0.7:
            say("               ! a client process used over 70% of a core: the client may limit")
        print_error_examples([e for r in runs for e in r.error_examples])


def print_server_memory(figures: ServerFigures) -> None:
    say("f. server memory — sum over python app.py and all its descendants (/proc, every 50 ms)")
    rows = [("idle after start", figures.idle)]
    rows += [(f"peak, {label}", TreeMemory(0, *peak)) for label, peak in figures.peaks.items()]
    rows.append((f"idle {IDLE_AFTER_LOAD:g} s after the load", figures.idle_after))
    for label, memory in rows:
        if memory is not None:
            say(f"   {label:28} RSS {mb_kb(memory.rss_kb):>8}   PSS {mb_kb(memory.pss_kb):>8}")


def print_error_examples(examples: list[str]) -> None:
    for example in examples[:5]:
        say(f"     error: {example[:150]}")


# --- g. FTS5 peer ---------------------------------------------------------------------------------


def run_peer(label: str, command: list[str]) -> tuple[dict | None, ProcessRun]:
    """Run a peer as its own process; (its JSON report or None, the measured run)."""
    progress(label)
    run = run_measured(command)
    try:
        return json.loads(run.last_line), run
    except ValueError:
        return None, run


def print_peer_build(title: str, result: dict | None, run: ProcessRun, size_label: str) -> bool:
    """The heading and build lines every peer prints; False (after its output) if it failed."""
    say(title)
    if result is None:
        say(f"   FAILED (exit {run.returncode}); last lines of its output:")
        for line in run.output.strip().splitlines()[-10:]:
            say(f"     | {line}")
        return False
    say(
        f"   build              {result['build_seconds']:.1f} s for {result['documents']} "
        f"documents ({result['skipped']} files skipped) = "
        f"{result['documents'] / result['build_seconds']:.0f} documents/s "
        f"(reading and parsing {result['read_seconds']:.1f} s)"
    )
    say(f"   {size_label:19}{mb(result['size_bytes'])}")
    return True


def fts5_peer(ws: Workspace, args) -> tuple[dict | None, ProcessRun]:
    command = [PYTHON, "-m", "tests.benchmarks.fts5", "--content", str(ws.content)]
    command += ["--db", str(ws.root / "fts5.sqlite"), "--runs", str(args.runs)]
    return run_peer("SQLite FTS5 peer", [*command, "--passes", str(args.passes)])


def print_fts5(result: dict | None, run: ProcessRun) -> None:
    title = "g. SQLite FTS5 peer — python -m tests.benchmarks.fts5 (own process, "
    title += "in-process queries)"
    if not print_peer_build(title, result, run, "database on disk"):
        return
    say(
        f"   peak memory        RSS {mb_kb(run.peak_rss_kb)}, PSS {mb_kb(run.peak_pss_kb)} "
        "(the whole process: build, then queries)"
    )
    runs = result["runs"]
    cells = [spread([ms(r[p]) for r in runs], " ms", 2) for p in ("p50", "p95", "p99")]
    say(
        f"   latency            p50 {cells[0]}, p95 {cells[1]}, p99 {cells[2]} "
        f"({runs[0]['count']} queries per run, {plural(len(runs), 'run')})"
    )
    say("   p50 by kind of query:")
    for kind in KINDS:
        say(f"     {kind:12} {spread([ms(r['p50_by_kind'].get(kind)) for r in runs], ' ms', 2)}")


# --- h. plain Whoosh peer -------------------------------------------------------------------------


def whoosh_peer(ws: Workspace) -> tuple[dict | None, ProcessRun]:
    command = [PYTHON, "-m", "tests.benchmarks.plainwhoosh", "--content", str(ws.content)]
    return run_peer("plain Whoosh peer", [*command, "--index", str(ws.root / "plain-whoosh")])


def print_whoosh(result: dict | None, run: ProcessRun) -> None:
    title = "h. plain Whoosh peer — python -m tests.benchmarks.plainwhoosh (own process, one core)"
    if print_peer_build(title, result, run, "index on disk"):
        say(f"   peak memory        RSS {mb_kb(run.peak_rss_kb)}, PSS {mb_kb(run.peak_pss_kb)}")


# --- final table ----------------------------------------------------------------------------------


def print_comparison(
    build: dict,
    figures: ServerFigures | None,
    fts: dict | None,
    fts_run,
    plain: dict | None = None,
    plain_run=None,
):
    say(
        "project vs FTS5 and plain Whoosh (project: whole processes and HTTP; FTS5: in-process, "
        "no HTTP; plain Whoosh: build only)"
    )
    latency = figures.latency if figures else []
    built = bool(build.get("ok"))
    rows = [
        (
            "full build",
            f"{build['seconds']:.1f} s" if built else "n/a",
            f"{fts['build_seconds']:.1f} s" if fts else "n/a",
            f"{plain['build_seconds']:.1f} s" if plain else "n/a",
        ),
        (
            "documents/s",
            f"{build['rate']:.1f}" if built else "n/a",
            f"{fts['documents'] / fts['build_seconds']:.0f}" if fts else "n/a",
            f"{plain['documents'] / plain['build_seconds']:.1f}" if plain else "n/a",
        ),
        (
            "size on disk",
            f"{mb(build['index_bytes'])} (generation {mb(build['generation_bytes'])})"
            if built
            else "n/a",
            mb(fts["size_bytes"]) if fts else "n/a",
            mb(plain["size_bytes"]) if plain else "n/a",
        ),
        (
            "peak RSS, build",
            mb_kb(build.get("peak_rss_kb")),
            mb_kb(fts_run.peak_rss_kb) + " (build+queries)" if fts else "n/a",
            mb_kb(plain_run.peak_rss_kb) if plain else "n/a",
        ),
        (
            "peak PSS, build",
            mb_kb(build.get("peak_pss_kb")),
            mb_kb(fts_run.peak_pss_kb) + " (build+queries)" if fts else "n/a",
            mb_kb(plain_run.peak_pss_kb) if plain else "n/a",
        ),
    ]
    for p in (50, 95, 99):
        ours = spread([ms(percentile(r.api, p)) for r in latency], " ms")
        theirs = spread([ms(r[f"p{p}"]) for r in fts["runs"]], " ms", 2) if fts else "n/a"
        rows.append((f"query p{p}", ours, theirs, "n/a"))
    say(f"   {'':18}{'project':>32}{'SQLite FTS5':>30}{'plain Whoosh':>16}")
    for label, ours, theirs, whoosh in rows:
        say(f"   {label:18}{ours:>32}{theirs:>30}{whoosh:>16}")
    if built and plain:
        plain_rate = plain["documents"] / plain["build_seconds"]
        say(f"   build speed: {build['rate'] / plain_rate:.2f}× plain Whoosh's")
    if built and fts:
        say(f"   index size: {build['generation_bytes'] / fts['size_bytes']:.2f}× FTS5's")


# --- helpers and main -----------------------------------------------------------------------------


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "es" if noun.endswith("s") else "s")


def mb(size: int | None) -> str:
    return "n/a" if size is None else f"{size / 1_048_576:.1f} MB"


def mb_kb(kilobytes: int | None) -> str:
    return "n/a" if not kilobytes else f"{kilobytes / 1024:.0f} MB"


def parse_env(pairs: list[str]) -> dict[str, str]:
    env = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise SystemExit(f"--server-env wants KEY=VALUE, not {pair!r}")
        env[key] = value
    return env


def git_state() -> str:
    try:
        done = subprocess.run(
            ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True
        )
    except OSError:
        return "unknown"
    return done.stdout.strip() or "unknown"


def print_header(ws: Workspace, corpus: dict, args) -> None:
    say(
        f"Speed benchmark — {time.strftime('%Y-%m-%d %H:%M')}, commit {git_state()}, Python "
        f"{platform.python_version()}, {os.cpu_count()} CPUs, {platform.platform()}"
    )
    state = "reused from" if corpus["reused"] else "generated in"
    say(
        f"corpus: {corpus['files']} files, {corpus['resources']} resources "
        f"({corpus['words'] / max(corpus['resources'], 1):.0f} words on average), "
        f"{corpus['broken']} broken; seed {args.seed}; {state} {ws.content}"
        + ("" if corpus["reused"] else f" in {corpus['seconds']:.1f} s")
    )
    say()


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    top.add_argument("--files", type=int, default=3000, help="files in the generated library")
    top.add_argument("--runs", type=int, default=1, help="repeat latency and throughput K times")
    top.add_argument("--duration", type=float, default=15.0, help="seconds per throughput level")
    top.add_argument("--passes", type=int, default=3, help="timed passes over the query mix")
    top.add_argument("--keep", type=Path, help="keep (and reuse) corpus and index in DIR")
    top.add_argument("--skip-fts", action="store_true", help="do not run the SQLite FTS5 peer")
    top.add_argument("--skip-whoosh", action="store_true", help="do not run the Whoosh peer")
    top.add_argument(
        "--combined",
        action="store_true",
        help="then rebuild the library while the server answers 8 clients (tests.benchmarks."
        "combined), with a small server's settings and with this machine's",
    )
    top.add_argument(
        "--server-env", action="append", default=[], metavar="KEY=VALUE", help="server env"
    )
    top.add_argument("--seed", type=int, default=7)
    top.add_argument("--broken", type=float, default=0.02, help="share of broken files")
    top.add_argument("--ready-timeout", type=float, default=300.0, help="seconds to wait")
    return top


def benchmark(args, stack: contextlib.ExitStack) -> bool:
    """Run and print every phase; False when one of them failed (its output says which)."""
    ws = open_workspace(args.keep, stack)
    corpus = ensure_corpus(ws, args)
    print_header(ws, corpus, args)
    build = full_build(ws, corpus)
    print_full_build(ws, corpus, build)
    say()
    incremental = incremental_builds(ws, args.seed)
    print_incremental(incremental)
    say()
    server = Server(ws, parse_env(args.server_env), ws.root / "server.log")
    stack.callback(server.stop)
    figures = exercise_server(server, args)
    server.stop()
    print_server(server, figures, args)
    if figures.ready_seconds is not None:
        say()
        print_latency(figures.latency, args)
        say()
        print_throughput(figures.throughput, args)
        say()
        print_server_memory(figures)
    fts, fts_run = None, None
    if not args.skip_fts:
        fts, fts_run = fts5_peer(ws, args)
        say()
        print_fts5(fts, fts_run)
    plain, plain_run = None, None
    if not args.skip_whoosh:
        plain, plain_run = whoosh_peer(ws)
        say()
        print_whoosh(plain, plain_run)
    if not args.skip_fts or not args.skip_whoosh:
        say()
        print_comparison(build, figures, fts, fts_run, plain, plain_run)
    combined_ok = True
    if args.combined and build["ok"]:
        from . import combined  # it builds on this module's Server and Workspace

        for extra in ([], ["--defaults"]):  # a small server's settings, then this machine's
            say()
            arguments = ["--keep", str(ws.root), "--clients", str(LOAD_LEVELS[0]), *extra]
            combined_ok = combined.main(arguments) == 0 and combined_ok
    return (
        combined_ok
        and build["ok"]
        and all(build_ok(run) for _, run in incremental)
        and figures.ready_seconds is not None
        and (args.skip_fts or fts is not None)
        and (args.skip_whoosh or plain is not None)
    )


def main() -> int:
    args = parser().parse_args()
    parse_env(args.server_env)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started with it ignored
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    with contextlib.ExitStack() as stack:
        try:
            ok = benchmark(args, stack)
        except KeyboardInterrupt:
            print("\ninterrupted; stopping the server and cleaning up", file=sys.stderr)
            return 130
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
