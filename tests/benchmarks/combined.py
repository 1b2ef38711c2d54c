"""The whole site on a small server: `python app.py` answering clients while a full build of
the same library runs beside it, with the memory of both process trees summed. A benchmark
that prints figures, not a test.

    python -m tests.benchmarks.combined --keep DIR [--clients 8] [--small | --defaults]

DIR is a library kept by `python -m tests.benchmarks.speed --keep DIR` (its `content/` and a
built `index/`). `--small` (the default) runs with the settings a machine under 1.5 GiB gets
by itself (`indexer/machine.py`: one serving process, one build worker, segments of 2,000
documents), which this larger machine would not choose; `--defaults` with this machine's own.
The build is `python -m indexer build --full` on the served index folder: the server answers
from the old generation until the new one is published, then from the new one.

It prints the peak of the summed PSS (pages shared between forked processes count once) and
of each tree, the build's wall time, and the requests answered, failed and their p50 / p95
while the build ran.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import threading
import time
from pathlib import Path

from . import load
from .corpus import ROOT
from .procmem import measure
from .querymix import MIX
from .speed import HOST, READY_PATH, Server, Workspace, say
from .stats import ms, percentile

SMALL = {"LIBRARY_WORKERS": "1", "LIBRARY_BUILD_WORKERS": "1", "LIBRARY_SEGMENT_DOCS": "2000"}
CHUNK_SECONDS = 5.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", type=Path, required=True, help="a library kept by speed")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--defaults", action="store_true", help="this machine's own settings")
    args = parser.parse_args(argv)
    ws = Workspace(args.keep.resolve(), kept=True)
    if not (ws.content.is_dir() and (ws.index / "current").exists()):
        raise SystemExit(f"{ws.root} has no content/ and built index/: run speed --keep first")
    settings = {} if args.defaults else SMALL
    server = Server(ws, {**settings, "LIBRARY_WATCH": "0"}, ws.root / "combined-server.log")
    if server.start(timeout=120) is None:
        raise SystemExit("the server did not start: " + "\n".join(server.log_tail()))
    try:
        return run(ws, server, settings, args.clients)
    finally:
        server.stop()


def run(ws: Workspace, server: Server, settings: dict, clients: int) -> int:
    idle = measure(server.proc.pid)
    env = {**server.env, **settings}
    command = [sys.executable, "-m", "indexer", "build", "--full"]
    command += ["--content", str(ws.content), "--index", str(ws.index)]
    paths = [query.api_path() for query in MIX] + [query.html_path() for query in MIX]
    runs: list[load.LoadRun] = []
    done = threading.Event()

    def keep_asking() -> None:
        while not done.is_set():
            runs.append(load.throughput(HOST, server.port, paths, clients, CHUNK_SECONDS))

    asking = threading.Thread(target=keep_asking, daemon=True)
    asking.start()
    time.sleep(CHUNK_SECONDS)  # the load is on before the build starts
    started = time.monotonic()
    build = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    peak = peak_server = peak_build = 0
    while build.poll() is None:
        serving, building = measure(server.proc.pid), measure(build.pid)
        peak_server = max(peak_server, serving.pss_kb or 0)
        peak_build = max(peak_build, building.pss_kb or 0)
        peak = max(peak, (serving.pss_kb or 0) + (building.pss_kb or 0))
        time.sleep(0.05)
    seconds = time.monotonic() - started
    done.set()
    asking.join()
    latencies = [x for r in runs for x in r.latencies]
    ok, errors = sum(r.ok for r in runs), sum(r.errors for r in runs)
    answers = load.Client(HOST, server.port).get(READY_PATH)[0]
    say(f"combined run — {ws.root}, settings: {settings or 'this machine’s defaults'}")
    say(f"   server idle before          PSS {(idle.pss_kb or 0) / 1024:7.0f} MB")
    say(f"   server peak during build    PSS {peak_server / 1024:7.0f} MB")
    say(f"   build peak                  PSS {peak_build / 1024:7.0f} MB ({seconds:.0f} s, "
        f"exit {build.returncode})")  # fmt: skip
    say(f"   both together, peak         PSS {peak / 1024:7.0f} MB")
    say(f"   requests with {clients} clients meanwhile: {ok} answered, {errors} failed; "
        f"p50 {_ms(latencies, 50)}, p95 {_ms(latencies, 95)}")  # fmt: skip
    say(f"   after the build: {READY_PATH} answers {answers}")
    return 0 if errors == 0 and answers == 200 else 1


def _ms(latencies: list[float], p: float) -> str:
    value = ms(percentile(latencies, p))
    return "n/a" if value is None else f"{value:.1f} ms"


if __name__ == "__main__":
    sys.exit(main())
