"""The production server of `python app.py`: gunicorn's arbiter keeps one process per core
alive, and each process serves with waitress, which reads whole requests in one event loop
before a thread sees them, so slow or idle clients cost a socket, never a thread.

gunicorn's own threaded worker gives each new connection a thread while it reads the request,
so twenty clients sending half a header stalled two processes of eight threads (measured
in README, "Deploying"). Here the settings map onto waitress: `threads` runs the application,
`worker_connections` caps the connections a process holds (more wait in the listen queue),
`keepalive` bounds how long a connection may stay silent, whether before its request is
complete or between requests.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

from gunicorn.app.base import BaseApplication
from gunicorn.workers.base import Worker
from waitress import wasyncore
from waitress.server import BaseWSGIServer, create_server

DEFAULT_THREADS = 8
DEFAULT_CONNECTIONS = 1000  # per process; waitress polls (no select() limit of 1,024)
IDLE_SECONDS = 15  # a connection silent this long is closed, mid-request or between requests
MAX_BODY_BYTES = 64 * 1024 * 1024  # above the sharing form's 25 MB of attachments
LOOP_SECONDS = 1.0  # the event loop wakes at least this often to tell the arbiter it lives


class WaitressWorker(Worker):
    """A gunicorn worker process whose connections are handled by waitress."""

    def run(self) -> None:
        channels: dict = {}
        server = create_server(
            self.wsgi,
            map=channels,
            sockets=[listener.sock for listener in self.sockets],
            threads=self.cfg.threads,
            connection_limit=self.cfg.worker_connections,
            channel_timeout=self.cfg.keepalive,
            cleanup_interval=1,
            max_request_body_size=MAX_BODY_BYTES,
            asyncore_use_poll=True,
            clear_untrusted_proxy_headers=False,  # the app decides (LIBRARY_TRUSTED_PROXY)
            ident="library",
        )
        while self.alive and self.ppid == os.getppid():
            self.notify()
            wasyncore.loop(timeout=LOOP_SECONDS, map=channels, use_poll=True, count=1)
        self._finish(server, channels)

    def _finish(self, server, channels: dict) -> None:
        """Stop accepting, let the requests already read be answered (up to the graceful
        timeout), then stop the threads."""
        for dispatcher in list(channels.values()):
            if isinstance(dispatcher, BaseWSGIServer):
                dispatcher.accepting = False
        deadline = time.monotonic() + self.cfg.graceful_timeout
        while time.monotonic() < deadline and _busy(channels):
            self.notify()
            wasyncore.loop(timeout=0.1, map=channels, use_poll=True, count=1)
        server.task_dispatcher.shutdown(cancel_pending=True, timeout=1)


def _busy(channels: dict) -> bool:
    return any(
        getattr(channel, "requests", None) or getattr(channel, "total_outbufs_len", 0)
        for channel in channels.values()
    )


class Server(BaseApplication):
    """gunicorn with WaitressWorker processes serving one already created application."""

    def __init__(self, app, options: dict) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application


@dataclass(frozen=True)
class Limits:
    """What one serving process takes on (LIBRARY_THREADS, LIBRARY_CONNECTIONS,
    LIBRARY_IDLE_SECONDS)."""

    threads: int = DEFAULT_THREADS
    connections: int = DEFAULT_CONNECTIONS
    idle_seconds: int = IDLE_SECONDS


def options(port: int, workers: int, limits: Limits, hooks: dict) -> dict:
    """gunicorn settings for `python app.py` on 127.0.0.1:port."""
    return {
        "bind": f"127.0.0.1:{port}",
        "workers": workers,
        "worker_class": WaitressWorker,
        "threads": limits.threads,
        "worker_connections": limits.connections,
        "keepalive": limits.idle_seconds,
        "timeout": 60,
        "graceful_timeout": 10,
        "proc_name": "library",
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        **hooks,
    }
