"""HTTP load against a running server: keep-alive clients, latency and throughput.

- `latency`: ONE keep-alive connection (http.client.HTTPConnection reused) runs a warm-up pass,
  then `passes` passes over the query mix, each query as /api/search and as /en/search.
- `throughput`: N clients, each with its own keep-alive connection in its own thread, spread
  over several processes (at most THREADS_PER_PROCESS threads each) so that the GIL of one
  client process does not cap the load; each process reports its CPU time so the caller can
  see whether the client side was saturated.

A request counts as an error when it does not answer 200 or raises; errors never stop a phase.
Latencies are those of 200 responses, body read in full.
"""

from __future__ import annotations

import contextlib
import http.client
import math
import multiprocessing
import os
import threading
import time
from dataclasses import dataclass, field

from .querymix import Query

TIMEOUT = 120.0
THREADS_PER_PROCESS = 8
PAUSE_AFTER_EXCEPTION = 0.05
HEADERS = {"Accept-Encoding": "identity", "User-Agent": "speed-benchmark"}


class Client:
    """One keep-alive connection; reopened after an exception or a `Connection: close`."""

    def __init__(self, host: str, port: int, timeout: float = TIMEOUT):
        self.host, self.port, self.timeout = host, port, timeout
        self.conn: http.client.HTTPConnection | None = None

    def get(self, path: str) -> tuple[int | None, float, str]:
        """(status or None on exception, seconds, error description or '')."""
        started = time.perf_counter()
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            self.conn.request("GET", path, headers=HEADERS)
            response = self.conn.getresponse()
            response.read()
            status, error = response.status, ""
        except (OSError, http.client.HTTPException) as err:
            self.close()
            status, error = None, f"{type(err).__name__}: {err}"
        return status, time.perf_counter() - started, error

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def wait_until_ready(host: str, port: int, path: str, timeout: float, alive) -> float | None:
    """Seconds until `path` answers 200, or None when `alive()` turns false or time runs out."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if not alive():
            return None
        client = Client(host, port, timeout=10)
        status, _, _ = client.get(path)
        client.close()
        if status == 200:
            return time.monotonic() - started
        time.sleep(0.25)
    return None


# --- latency, one client --------------------------------------------------------------------------


@dataclass
class LatencyRun:
    api: list[float] = field(default_factory=list)
    html: list[float] = field(default_factory=list)
    api_by_kind: dict[str, list[float]] = field(default_factory=dict)
    requests: int = 0
    errors: int = 0
    warmup_errors: int = 0
    error_examples: list[str] = field(default_factory=list)


def latency(host: str, port: int, queries: list[Query], passes: int) -> LatencyRun:
    """One warm-up pass, then `passes` passes; API and HTML page of each query in turn."""
    client = Client(host, port)
    run = LatencyRun()
    try:
        for query in queries:
            for path in (query.api_path(), query.html_path()):
                status, _, error = client.get(path)
                if status != 200:
                    run.warmup_errors += 1
                    _remember(run, path, status, error)
        for _ in range(passes):
            for query in queries:
                _timed(client, run, query.api_path(), run.api, run.api_by_kind, query.kind)
                _timed(client, run, query.html_path(), run.html)
    finally:
        client.close()
    return run


def _timed(client, run, path, into, by_kind=None, kind=None) -> None:
    status, seconds, error = client.get(path)
    run.requests += 1
    if status != 200:
        run.errors += 1
        _remember(run, path, status, error)
        return
    into.append(seconds)
    if by_kind is not None:
        by_kind.setdefault(kind, []).append(seconds)


def _remember(run: LatencyRun, path: str, status: int | None, error: str) -> None:
    if len(run.error_examples) < 5:
        run.error_examples.append(f"{status or error} {path}")


# --- throughput, many clients ---------------------------------------------------------------------


@dataclass
class WorkerResult:
    ok: int = 0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)
    cpu_seconds: float = 0.0
    elapsed: float = 0.0
    error_examples: list[str] = field(default_factory=list)


@dataclass
class LoadRun:
    clients: int
    processes: int
    seconds: float
    ok: int
    errors: int
    latencies: list[float]
    client_cpu_seconds: float
    busiest_process_cpu_share: float  # CPU seconds / wall seconds of the busiest client process
    error_examples: list[str]

    @property
    def requests_per_second(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0


def throughput(host: str, port: int, paths: list[str], clients: int, duration: float) -> LoadRun:
    processes = math.ceil(clients / THREADS_PER_PROCESS)
    shares = [
        clients // processes + (1 if n < clients % processes else 0) for n in range(processes)
    ]
    context = multiprocessing.get_context("spawn")
    ready, results, go = context.Queue(), context.Queue(), context.Event()
    workers = []
    first = 0
    for threads in shares:
        args = (host, port, paths, first, threads, duration, ready, go, results)
        workers.append(context.Process(target=_worker, args=args, daemon=True))
        first += threads
    try:
        for worker in workers:
            worker.start()
        for _ in workers:
            ready.get(timeout=120)
        go.set()
        done = [results.get(timeout=duration + 2 * TIMEOUT + 30) for _ in workers]
        for worker in workers:
            worker.join(timeout=30)
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
                worker.join(timeout=5)
    return _combine(done, clients, processes)


def _combine(done: list[WorkerResult], clients: int, processes: int) -> LoadRun:
    return LoadRun(
        clients=clients,
        processes=processes,
        seconds=max(r.elapsed for r in done),
        ok=sum(r.ok for r in done),
        errors=sum(r.errors for r in done),
        latencies=[s for r in done for s in r.latencies],
        client_cpu_seconds=sum(r.cpu_seconds for r in done),
        busiest_process_cpu_share=max(r.cpu_seconds / r.elapsed for r in done if r.elapsed),
        error_examples=[e for r in done for e in r.error_examples][:5],
    )


def _worker(host, port, paths, first, threads, duration, ready, go, results) -> None:
    """One client process: `threads` keep-alive clients, from `go` for `duration` seconds.
    Ctrl+C reaches it too; the parent reports the interruption, so it leaves quietly."""
    with contextlib.suppress(KeyboardInterrupt):
        _work(host, port, paths, first, threads, duration, ready, go, results)


def _work(host, port, paths, first, threads, duration, ready, go, results) -> None:
    per_thread = [WorkerResult() for _ in range(threads)]
    ready.put(os.getpid())
    go.wait()
    cpu_before = _cpu_seconds()
    started = time.monotonic()
    deadline = started + duration
    pool = [
        threading.Thread(target=_client_loop, args=(host, port, paths, first + n, deadline, r))
        for n, r in enumerate(per_thread)
    ]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    merged = WorkerResult(
        ok=sum(r.ok for r in per_thread),
        errors=sum(r.errors for r in per_thread),
        latencies=[s for r in per_thread for s in r.latencies],
        cpu_seconds=_cpu_seconds() - cpu_before,
        elapsed=time.monotonic() - started,
        error_examples=[e for r in per_thread for e in r.error_examples][:5],
    )
    results.put(merged)


def _client_loop(host, port, paths, number, deadline, result: WorkerResult) -> None:
    """Cycle through the paths, client `number` starting at its own offset in the mix."""
    client = Client(host, port)
    position = number * 7
    try:
        while time.monotonic() < deadline:
            path = paths[position % len(paths)]
            position += 1
            try:
                status, seconds, error = client.get(path)
            except Exception as err:  # a load client must keep going
                status, seconds, error = None, 0.0, repr(err)
            if status == 200:
                result.ok += 1
                result.latencies.append(seconds)
                continue
            result.errors += 1
            if len(result.error_examples) < 5:
                result.error_examples.append(f"{status or error} {path}")
            if status is None:
                time.sleep(PAUSE_AFTER_EXCEPTION)
    finally:
        client.close()


def _cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system
