"""A short load on the production server (`python app.py`, two processes): many keep-alive
clients over the query mix with facets and filters get no error, and the server's memory comes
back near its idle level afterwards. Timing is printed by the benchmark, never asserted here
(`python -m tests.benchmarks.soak` is the full version)."""

from __future__ import annotations

import shutil
from types import SimpleNamespace

from tests.benchmarks import soak
from tests.benchmarks.speed import Server

CLIENTS = 12
SECONDS = 4.0


def test_a_short_load_gives_no_error_and_memory_comes_back(tmp_path, fixture_content):
    content = tmp_path / "content"
    shutil.copytree(fixture_content, content)
    ws = SimpleNamespace(content=content, index=tmp_path / "index")
    server = Server(ws, {"LIBRARY_WORKERS": "2"}, tmp_path / "server.log")
    try:
        assert server.start(soak.READY_TIMEOUT) is not None, server.log_tail()
        report = soak.run(server.port, server.proc.pid, CLIENTS, SECONDS, window=1.0)
    finally:
        server.stop()
    assert report.requests > CLIENTS
    assert report.errors == 0, report.error_examples
    assert all(window.requests > 0 for window in report.windows)
    assert report.memory_back, (report.idle, report.peak_rss_kb, report.after)
