"""Serve the library: `python app.py` updates the index, then serves it with gunicorn.

Several worker processes (one per core by default) each answer from their own snapshot of the
same index files; each reads requests in waitress's event loop and runs the application in a
few threads (library/serving.py), and notices a finished build on its next request. Beside
them, `python -m indexer watch` rebuilds whenever a content file is saved, added or deleted,
so the change is searchable within a second or two; its findings appear in this terminal.
`flask --app app run` also works (Flask finds `create_app`) and serves whatever index exists.
Settings: LIBRARY_CONTENT_DIR, LIBRARY_INDEX_DIR, PORT (default 5000), LIBRARY_WORKERS
(processes), LIBRARY_THREADS (threads per process), LIBRARY_CONNECTIONS (connections per
process), LIBRARY_IDLE_SECONDS, LIBRARY_WATCH (0 to serve without live updates),
LIBRARY_METRICS and LIBRARY_LOG_JSON (README, "Deploying").
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

from indexer import machine
from library import create_app, metrics, requestlog, search_ext, serving

__all__ = ["create_app", "main"]
M_ARENA_MAX = -8  # mallopt's parameter number in glibc's malloc.h


def ensure_index(app) -> bool:
    """Build or update the index in a child process (the indexer loads its own dictionaries
    and worker processes; the web process stays lean). False when nothing could be served."""
    content = Path(app.config["CONTENT_DIR"])
    index = Path(app.config["INDEX_DIR"])
    command = [sys.executable, "-m", "indexer", "build", "--content", str(content)]
    result = subprocess.run([*command, "--index", str(index)], cwd=Path(__file__).parent)
    if result.returncode not in (0, 1):
        print("The index could not be updated; serving the previous one.", file=sys.stderr)
    return (index / "current").exists()


def start_watcher(app) -> Watcher | None:
    """`python -m indexer watch` in a child process that ends with this one, forked from this
    process once it has loaded the index and the analysis (see `share_with_workers`), so that
    the watcher shares those pages instead of loading its own copy."""
    if os.environ.get("LIBRARY_WATCH", "1").lower() in ("0", "false", "no", "off"):
        return None
    from indexer.__main__ import watch
    from indexer.machine import die_with_parent

    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid:
        return Watcher(pid)
    code = 1
    try:
        die_with_parent()
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the server, which ends it
        code = watch(Path(app.config["CONTENT_DIR"]), Path(app.config["INDEX_DIR"]))
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


class Watcher:
    """The forked watcher, as much of subprocess.Popen as the server needs."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                done, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:  # reaped by the server's own child handling
                self.returncode = 0
                return self.returncode
            if done:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def terminate(self) -> None:
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass


def serve(app, port: int, workers: int, limits: serving.Limits, watcher=None) -> None:
    """Serve app on 127.0.0.1:port until interrupted (library/serving.py says how)."""

    def worker_ready(worker) -> None:
        search_ext.service_of(app).warm()  # each process opens the index before serving

    def stopping(server) -> None:
        if watcher is not None and watcher.poll() is None:
            watcher.terminate()

    hooks = {"post_worker_init": worker_ready, "on_exit": stopping, **metrics.server_hooks(app)}
    serving.Server(app, serving.options(port, workers, limits, hooks)).run()


def share_with_workers(app) -> None:
    """Open the index, load the analysis and compile the templates once, here, before the
    watcher and the workers are forked, and move every object made so far out of the garbage
    collector's reach: the children then share these pages with this process instead of each
    copying them (a collection touches every object it tracks, and the first write to a page
    gives the writer its own copy)."""
    search_ext.service_of(app).warm()
    from babel import Locale

    for language in app.config["UI_LANGUAGES"]:  # the locale data numbers and dates use
        Locale.parse(language)._data  # noqa: B018 (loading is the point)
    for name in app.jinja_env.list_templates():  # compiled once, not once per worker
        if name.endswith(".html"):
            app.jinja_env.get_template(name)
    gc.collect()
    gc.freeze()
    _fewer_arenas()


def _fewer_arenas() -> None:
    """glibc gives each thread that allocates its own arena, whose free space no other thread
    reuses: with eight threads a worker grew by tens of megabytes. LIBRARY_MALLOC_ARENAS (2;
    0 leaves glibc's choice) caps them; what is free is given back before forking."""
    value = os.environ.get("LIBRARY_MALLOC_ARENAS", "")
    arenas = int(value) if value.isdigit() else 2  # 0: glibc's own choice
    if arenas:
        try:
            import ctypes

            ctypes.CDLL(None).mallopt(M_ARENA_MAX, arenas)
        except (OSError, AttributeError):
            pass  # not glibc: nothing to tune
    machine.give_back_memory()


def _logging(json_lines: bool) -> None:
    """Warnings and errors on standard error, as JSON lines when LIBRARY_LOG_JSON=1 (like the
    request lines of library/requestlog.py, so one parser reads the whole journal)."""
    handler = logging.StreamHandler()
    plain = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    handler.setFormatter(requestlog.JsonFormatter() if json_lines else plain)
    logging.basicConfig(level=logging.WARNING, handlers=[handler])


def main() -> int:
    _logging(os.environ.get("LIBRARY_LOG_JSON", "").lower() in ("1", "true", "yes", "on"))
    app = create_app()
    if not ensure_index(app):
        return 1
    port = int(os.environ.get("PORT", "5000"))
    workers = machine.setting("LIBRARY_WORKERS", machine.processes())  # one on a 1 GB server
    limits = serving.Limits(
        threads=machine.setting("LIBRARY_THREADS", serving.DEFAULT_THREADS),
        connections=machine.setting("LIBRARY_CONNECTIONS", serving.DEFAULT_CONNECTIONS),
        idle_seconds=machine.setting("LIBRARY_IDLE_SECONDS", serving.IDLE_SECONDS),
    )
    share_with_workers(app)
    watcher = start_watcher(app)
    if watcher is not None:  # the watcher indexes published files: no build in the web process
        app.config["SHARE_BUILD_AFTER_PUBLISH"] = False
    live = "; live updates on" if watcher is not None else ""
    print(
        f"Serving the library on http://127.0.0.1:{port}/ "
        f"({workers} processes × {limits.threads} threads{live}; Ctrl+C to stop)",
        flush=True,
    )
    serve(app, port, workers, limits, watcher)
    return 0


if __name__ == "__main__":
    sys.exit(main())
