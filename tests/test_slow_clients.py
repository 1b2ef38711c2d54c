"""Slow clients cannot starve the production server: with 240 connections that send half a
header, a body a byte a second, or nothing after their first answer, held open against a real
`python app.py` (two processes), normal `/health` and `/api/search` requests are all answered
200 within a few seconds (`python -m tests.benchmarks.slowclients` prints the same figures);
and a connection that stops mid-request is closed after LIBRARY_IDLE_SECONDS."""

from __future__ import annotations

import shutil
import socket
import time
from types import SimpleNamespace

from tests.benchmarks import slowclients
from tests.benchmarks.speed import Server

SLOW = 240
SECONDS = 5.0
WORST_SECONDS = 3.0


def test_normal_requests_are_answered_while_hundreds_of_clients_are_slow(tmp_path, fixture_content):
    content = tmp_path / "content"
    shutil.copytree(fixture_content, content)
    ws = SimpleNamespace(content=content, index=tmp_path / "index")
    server = Server(ws, {"LIBRARY_WORKERS": "2", "LIBRARY_WATCH": "0"}, tmp_path / "server.log")
    try:
        assert server.start(slowclients.READY_TIMEOUT) is not None, server.log_tail()
        report = slowclients.run(server.port, SLOW, SECONDS)
    finally:
        server.stop()
    slowclients.print_report(report)
    assert report.errors == []
    assert report.slow == SLOW
    assert report.held >= 200, "the server closed slow connections it should still be holding"
    statuses = {path: set() for path in slowclients.PROBES}
    for path, status, _ in report.probes:
        statuses[path].add(status)
    assert statuses == {path: {200} for path in slowclients.PROBES}
    assert len(report.probes) >= 20
    assert report.worst < WORST_SECONDS, f"slowest normal request: {report.worst:.2f} s"


def test_a_connection_silent_mid_request_is_closed_after_the_idle_limit(tmp_path, fixture_content):
    ws = SimpleNamespace(content=fixture_content, index=tmp_path / "index")
    settings = {"LIBRARY_WORKERS": "1", "LIBRARY_WATCH": "0", "LIBRARY_IDLE_SECONDS": "2"}
    server = Server(ws, settings, tmp_path / "server.log")
    try:
        assert server.start(slowclients.READY_TIMEOUT) is not None, server.log_tail()
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\n")  # and no more
            started = time.monotonic()
            assert sock.recv(100) == b""  # closed, without an answer
            assert 1.5 < time.monotonic() - started < 5
    finally:
        server.stop()
