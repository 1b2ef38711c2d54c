"""Slow clients against `python app.py`: hundreds of connections that send half a request
header, a body a byte at a time, or nothing after their first answer, while normal `/health`
and `/api/search` requests are timed; prints the figures (`tests/test_slow_clients.py`
asserts them).

    python -m tests.benchmarks.slowclients [--content DIR] [--slow 300] [--seconds 10]
        [--kinds header,body,idle] [--workers 2]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import socket
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from .speed import HOST, Server

ROOT = Path(__file__).resolve().parent.parent.parent

PROBES = ("/health", "/api/search?q=roma")
KINDS = ("header", "body", "idle")
TRICKLE_SECONDS = 1.0
PROBE_TIMEOUT = 15.0
MAX_PROBES = 2000
READY_TIMEOUT = 300.0


@dataclass
class Slow:
    kind: str
    sock: socket.socket
    sent: int = 0
    closed: bool = False


@dataclass
class SlowReport:
    slow: int = 0  # connections opened
    held: int = 0  # still open at the end (the server neither answered nor closed them)
    open_seconds: float = 0.0
    probes: list[tuple[str, int | None, float]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def worst(self) -> float:
        return max((seconds for _, _, seconds in self.probes), default=0.0)

    def percentile(self, share: float) -> float:
        times = sorted(seconds for _, _, seconds in self.probes)
        return times[min(len(times) - 1, int(share * len(times)))] if times else 0.0


def _open(port: int, kind: str) -> Slow:
    sock = socket.create_connection((HOST, port), timeout=10)
    if kind == "header":  # half a header, then one more header line every second
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow-0: 1\r\n")
    elif kind == "body":  # a whole header announcing a body that comes a byte a second
        sock.sendall(
            b"POST /api/search HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\nq"
        )
    else:  # one whole request (answered in _answered), then nothing more
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
    return Slow(kind, sock)


def _answered(slow: list[Slow], deadline: float, errors: list[str]) -> None:
    """Read the answer of each idle connection's one request (all sent before any is read)."""
    for one in slow:
        if one.kind != "idle":
            continue
        try:
            one.sock.settimeout(max(0.01, deadline - time.monotonic()))
            response = http.client.HTTPResponse(one.sock)
            response.begin()
            response.read()
        except (OSError, http.client.HTTPException) as err:
            one.closed = True
            errors.append(f"idle connection got no answer: {err!r}")


def _trickle(slow: list[Slow], stop: threading.Event) -> None:
    """Keep the slow ones slow: a header line or a byte of body each, every second."""
    while not stop.wait(TRICKLE_SECONDS):
        for one in slow:
            if one.closed or one.kind == "idle":
                continue
            one.sent += 1
            data = f"X-Slow-{one.sent}: 1\r\n".encode() if one.kind == "header" else b"x"
            try:
                one.sock.sendall(data)
            except OSError:
                one.closed = True


def _still_open(one: Slow) -> bool:
    """False when the server closed the connection or answered a request never finished."""
    if one.closed:
        return False
    one.sock.setblocking(False)
    try:
        one.sock.recv(1)  # b"" when closed; anything else is an answer
    except BlockingIOError:
        return True
    except OSError:
        pass
    return False


def _probe(port: int, path: str) -> tuple[str, int | None, float]:
    started = time.perf_counter()
    connection = http.client.HTTPConnection(HOST, port, timeout=PROBE_TIMEOUT)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        status = response.status
    except (OSError, http.client.HTTPException):
        status = None
    finally:
        connection.close()
    return path, status, time.perf_counter() - started


def run(port: int, slow_count: int, seconds: float, kinds: tuple[str, ...] = KINDS) -> SlowReport:
    """Open slow_count slow connections (as many of each kind), then time normal requests one
    after another for `seconds`, then count the slow connections still open."""
    report = SlowReport()
    slow: list[Slow] = []
    stop = threading.Event()
    trickler = threading.Thread(target=_trickle, args=(slow, stop), daemon=True)
    started = time.perf_counter()
    try:
        for number in range(slow_count):
            try:
                slow.append(_open(port, kinds[number % len(kinds)]))
            except (OSError, http.client.HTTPException) as err:
                report.errors.append(f"slow connection {number}: {err!r}")
        _answered(slow, time.monotonic() + PROBE_TIMEOUT, report.errors)
        report.slow, report.open_seconds = len(slow), time.perf_counter() - started
        trickler.start()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and len(report.probes) < MAX_PROBES:
            for path in PROBES:
                report.probes.append(_probe(port, path))
        report.held = sum(_still_open(one) for one in slow)
    finally:
        stop.set()
        for one in slow:
            one.sock.close()
    return report


def print_report(report: SlowReport) -> None:
    answered = sum(status == 200 for _, status, _ in report.probes)
    print(f"slow connections opened: {report.slow} in {report.open_seconds:.2f} s")
    print(f"slow connections still open at the end: {report.held}")
    print(
        f"normal requests meanwhile: {len(report.probes)}, {answered} answered 200; "
        f"p50 {report.percentile(0.5) * 1000:.0f} ms, p95 {report.percentile(0.95) * 1000:.0f} ms,"
        f" worst {report.worst * 1000:.0f} ms"
    )
    for error in report.errors[:5]:
        print("  " + error)


def main() -> int:
    arguments = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    arguments.add_argument("--content", type=Path, default=ROOT / "content")
    arguments.add_argument("--slow", type=int, default=300)
    arguments.add_argument("--seconds", type=float, default=10.0)
    arguments.add_argument("--workers", default="2")
    arguments.add_argument("--kinds", default=",".join(KINDS), help="header, body and idle")
    args = arguments.parse_args()
    with contextlib.ExitStack() as stack:
        base = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        ws = SimpleNamespace(content=args.content, index=base / "index")
        server = Server(ws, {"LIBRARY_WORKERS": args.workers}, base / "server.log")
        stack.callback(server.stop)
        if server.start(READY_TIMEOUT) is None:
            print("\n".join(["the server did not start:", *server.log_tail()]), file=sys.stderr)
            return 1
        report = run(server.port, args.slow, args.seconds, tuple(args.kinds.split(",")))
        print_report(report)
        ok = all(status == 200 for _, status, _ in report.probes)
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
