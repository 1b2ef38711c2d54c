"""A bounded load test on loopback: many keep-alive clients for a fixed time over the query mix
(words, phrases, facets and filters, as JSON and as HTML pages), against `python app.py`.

    python -m tests.benchmarks.soak [--files N | --content DIR] [--clients 32] [--seconds 30]
                                    [--window 5] [--keep DIR]

Prints, per window of `--window` seconds, the requests answered, the errors and the p50, p95
and p99 latency; then the totals; then the memory of the whole server (RSS and PSS summed over
its processes): idle after one warm-up pass over the mix, the peak under load, and a few
seconds after the load. Without --files it serves the shipped content/. Exit status 1 when a
request failed or the memory did not come back near its idle level (see MEMORY_SLACK).

`run` is what the test suite calls for a short version (tests/test_hostile_load.py).
"""

from __future__ import annotations

import argparse
import contextlib
import math
import multiprocessing
import os
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from . import load
from .procmem import TreeMemory, TreeSampler, measure
from .querymix import MIX
from .speed import HOST, ROOT, Server
from .stats import percentile

MEMORY_SLACK = 1.25  # "back near idle": at most a quarter above the idle level...
MEMORY_SLACK_KB = 30 * 1024  # ...plus 30 MB (allocator pages the processes keep)
SETTLE_SECONDS = 3.0
READY_TIMEOUT = 900.0


@dataclass
class Sample:
    at: float  # seconds since the load started, when the answer was complete
    seconds: float
    ok: bool


@dataclass
class Window:
    start: float
    end: float
    requests: int
    errors: int
    p50: float | None
    p95: float | None
    p99: float | None


@dataclass
class SoakReport:
    clients: int
    seconds: float
    windows: list[Window] = field(default_factory=list)
    requests: int = 0
    errors: int = 0
    error_examples: list[str] = field(default_factory=list)
    p50: float | None = None
    p95: float | None = None
    p99: float | None = None
    idle: TreeMemory | None = None
    peak_rss_kb: int = 0
    peak_pss_kb: int | None = None
    after: TreeMemory | None = None

    @property
    def memory_back(self) -> bool:
        if self.idle is None or self.after is None:
            return False
        return self.after.rss_kb <= self.idle.rss_kb * MEMORY_SLACK + MEMORY_SLACK_KB


def paths() -> list[str]:
    """The mix, each query as JSON and as an HTML page (facets and filters included)."""
    return [p for query in MIX for p in (query.api_path(), query.html_path())]


def run(port: int, pid: int, clients: int, seconds: float, window: float) -> SoakReport:
    """Load the server on `port` (process tree `pid`) and measure it (see the module doc)."""
    report = SoakReport(clients=clients, seconds=seconds)
    warm = load.Client(HOST, port)
    for path in paths():
        warm.get(path)
    warm.close()
    time.sleep(1.0)
    report.idle = measure(pid)
    with TreeSampler(pid) as sampler:
        samples, examples = _load(port, paths(), clients, seconds)
    report.peak_rss_kb, report.peak_pss_kb = sampler.peak_rss_kb, sampler.peak_pss_kb
    time.sleep(SETTLE_SECONDS)
    report.after = measure(pid)
    _summarise(report, samples, window)
    report.error_examples = examples
    return report


def _summarise(report: SoakReport, samples: list[Sample], window: float) -> None:
    report.requests = len(samples)
    report.errors = sum(1 for s in samples if not s.ok)
    good = [s.seconds for s in samples if s.ok]
    report.p50, report.p95, report.p99 = (percentile(good, p) for p in (50, 95, 99))
    for number in range(math.ceil(report.seconds / window)):
        start, end = number * window, min((number + 1) * window, report.seconds)
        inside = [s for s in samples if start <= s.at < end]
        latencies = [s.seconds for s in inside if s.ok]
        report.windows.append(
            Window(
                start,
                end,
                len(inside),
                sum(1 for s in inside if not s.ok),
                *(percentile(latencies, p) for p in (50, 95, 99)),
            )
        )


def _load(port: int, mix: list[str], clients: int, seconds: float):
    """Every client's samples: clients spread over processes of at most 8 threads each."""
    processes = math.ceil(clients / load.THREADS_PER_PROCESS)
    shares = [clients // processes + (n < clients % processes) for n in range(processes)]
    context = multiprocessing.get_context("spawn")
    ready, results, go = context.Queue(), context.Queue(), context.Event()
    workers, first = [], 0
    for threads in shares:
        args = (port, mix, first, threads, seconds, ready, go, results)
        workers.append(context.Process(target=_process, args=args, daemon=True))
        first += threads
    try:
        for worker in workers:
            worker.start()
        for _ in workers:
            ready.get(timeout=120)
        start = time.time() + 0.2
        go.set()
        done = [results.get(timeout=seconds + 2 * load.TIMEOUT + 30) for _ in workers]
    finally:
        for worker in workers:
            worker.join(timeout=30)
            if worker.is_alive():
                worker.terminate()
    samples = [Sample(at - start, took, ok) for rows, _ in done for at, took, ok in rows]
    examples = [e for _, found in done for e in found][:5]
    return samples, examples


def _process(port, mix, first, threads, seconds, ready, go, results) -> None:
    with contextlib.suppress(KeyboardInterrupt):
        ready.put(os.getpid())
        go.wait()
        deadline = time.time() + seconds
        rows: list[tuple[float, float, bool]] = []
        examples: list[str] = []
        pool = [
            threading.Thread(target=_client, args=(port, mix, first + n, deadline, rows, examples))
            for n in range(threads)
        ]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
        results.put((rows, examples[:5]))


def _client(port, mix, number, deadline, rows, examples) -> None:
    client = load.Client(HOST, port)
    position = number * 7
    try:
        while time.time() < deadline:
            path = mix[position % len(mix)]
            position += 1
            status, took, error = client.get(path)
            rows.append((time.time(), took, status == 200))  # list.append is thread-safe
            if status != 200 and len(examples) < 5:
                examples.append(f"{status or error} {path}")
            if status is None:
                time.sleep(load.PAUSE_AFTER_EXCEPTION)
    finally:
        client.close()


# -- the command -------------------------------------------------------------------------------


def _ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:.1f}"


def _mb(kb: int | None) -> str:
    return "-" if kb is None else f"{kb / 1024:.0f} MB"


def print_report(report: SoakReport) -> None:
    print(f"{report.clients} clients for {report.seconds:g} s over {len(paths())} addresses")
    print(f"{'window':>12} {'requests':>9} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for w in report.windows:
        span = f"{w.start:g}-{w.end:g} s"
        print(
            f"{span:>12} {w.requests:>9} {w.errors:>7} {_ms(w.p50):>8} {_ms(w.p95):>8} "
            f"{_ms(w.p99):>8}"
        )
    rate = report.requests / report.seconds if report.seconds else 0
    print(
        f"{'all':>12} {report.requests:>9} {report.errors:>7} {_ms(report.p50):>8} "
        f"{_ms(report.p95):>8} {_ms(report.p99):>8}   ({rate:.0f} requests/s)"
    )
    for example in report.error_examples:
        print(f"  error: {example}")
    idle, after = report.idle, report.after
    print(
        f"server memory (RSS / PSS, all processes): idle {_mb(idle.rss_kb)} / {_mb(idle.pss_kb)}, "
        f"peak {_mb(report.peak_rss_kb)} / {_mb(report.peak_pss_kb)}, "
        f"{SETTLE_SECONDS:g} s after {_mb(after.rss_kb)} / {_mb(after.pss_kb)}"
    )
    verdict = "back near idle" if report.memory_back else "NOT back near idle"
    print(f"errors: {report.errors}; memory {verdict}")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m tests.benchmarks.soak", description=__doc__)
    top.add_argument("--files", type=int, default=0, help="serve a generated library of N files")
    top.add_argument("--content", type=Path, default=ROOT / "content", help="content folder")
    top.add_argument("--clients", type=int, default=32)
    top.add_argument("--seconds", type=float, default=30.0)
    top.add_argument("--window", type=float, default=5.0)
    top.add_argument("--workers", default="", help="LIBRARY_WORKERS of the server")
    top.add_argument("--keep", type=Path, default=None, help="keep the library and index here")
    return top


def main() -> int:
    args = parser().parse_args()
    with contextlib.ExitStack() as stack:
        base = args.keep or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        base.mkdir(parents=True, exist_ok=True)
        content = args.content
        if args.files:
            from .corpus import generate

            content = base / f"content-{args.files}"
            if not content.exists():
                print(f"generating {args.files} files in {content}", file=sys.stderr)
                generate(content, args.files)
        ws = SimpleNamespace(content=content, index=base / f"index-{content.name}")
        extra = {"LIBRARY_WORKERS": args.workers} if args.workers else {}
        server = Server(ws, extra, base / "server.log")
        stack.callback(server.stop)
        print(f"building and starting python app.py on {content}", file=sys.stderr)
        if server.start(READY_TIMEOUT) is None:
            print("the server did not start; see " + str(server.log), file=sys.stderr)
            return 1
        report = run(server.port, server.proc.pid, args.clients, args.seconds, args.window)
        print_report(report)
        return 0 if report.errors == 0 and report.memory_back else 1


if __name__ == "__main__":
    sys.exit(main())
