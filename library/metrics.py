"""`GET /metrics` in Prometheus's text format, only when LIBRARY_METRICS=1 and only to a client
on this machine (never through the proxy); 404 otherwise. Never imports Whoosh.

Requests and their latency by route and status, and search latency, are counted by every
serving process into files under DATA_DIR/metrics (prometheus_client's multiprocess mode), so
whichever process answers a scrape reports the sum. The index (generation age, size, documents,
the build's figures when its `meta.json` carries them) and the sharing database (review queue,
outbox backlog, when those tables exist) are read at scrape time.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import os
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, Response, abort, current_app, g, request

from .search import IndexMissing
from .search_ext import service_of

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
FOLDER = "metrics"
EXTENSION = "library_metrics"
# Numbers a build writes into meta.json (indexer/writing/build.py, `_finish`), exported when
# present (older builds have none of the build's own figures).
BUILD_FIGURES = {
    "seconds": "library_index_build_seconds",
    "problems": "library_index_build_problems",
    "rejected": "library_index_build_rejected_files",
    "finished": "library_index_build_finished_timestamp_seconds",
    "documents": "library_index_documents",
    "languages": "library_index_languages",
}
BUILD_MODES = ("full", "incremental")


def init_app(app: Flask) -> None:
    app.config.setdefault("METRICS", False)
    app.add_url_rule("/metrics", "metrics", metrics_page)  # 404 unless turned on
    if not app.config["METRICS"]:
        return
    _use_folder(folder(app))
    app.extensions[EXTENSION] = _Recorder()
    app.before_request(_start)
    app.after_request(_count)
    _time_searches(app)


def folder(app: Flask) -> Path:
    """Where the serving processes keep their counters."""
    return Path(os.environ.get(MULTIPROC_ENV) or Path(app.config["DATA_DIR"]) / FOLDER)


def _use_folder(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    os.environ[MULTIPROC_ENV] = str(path)
    from prometheus_client import values

    if values.ValueClass is values.MutexValue:
        # prometheus_client chooses per-process or shared counters when it is first imported;
        # something (a test runner) imported it before the folder was known: choose again.
        values.ValueClass = values.get_value_class()


def server_hooks(app: Flask) -> dict:
    """gunicorn hooks for `python app.py`: start from empty counters, forget dead processes."""
    if not app.config.get("METRICS"):
        return {}

    def starting(server) -> None:
        path = folder(app)
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True, exist_ok=True)

    def child_exit(server, worker) -> None:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid, str(folder(app)))

    return {"on_starting": starting, "child_exit": child_exit}


class _Recorder:
    """The counted metrics (created once per application; values live in per-process files)."""

    def __init__(self) -> None:
        from prometheus_client import Counter, Histogram

        self.requests = Counter(
            "library_requests",
            "HTTP requests answered, by route, method and status",
            ["route", "method", "status"],
            registry=None,
        )
        self.latency = Histogram(
            "library_request_duration_seconds",
            "Time to the response's headers, by route and status",
            ["route", "status"],
            registry=None,
        )
        self.search = Histogram(
            "library_search_duration_seconds",
            "Time the search service took for one result page",
            registry=None,
        )


def _start() -> None:
    g.setdefault("started", time.perf_counter())


def _count(response: Response) -> Response:
    recorder: _Recorder = current_app.extensions[EXTENSION]
    seconds = time.perf_counter() - g.get("started", time.perf_counter())
    route = request.url_rule.rule if request.url_rule is not None else "unmatched"
    status = str(response.status_code)
    recorder.requests.labels(route, request.method, status).inc()
    recorder.latency.labels(route, status).observe(seconds)
    return response


def _time_searches(app: Flask) -> None:
    """Time every result page of this application's search service (its own instance)."""
    search_service = service_of(app)
    search = search_service.search
    histogram = app.extensions[EXTENSION].search

    @functools.wraps(search)
    def timed(search_request):
        started = time.perf_counter()
        try:
            return search(search_request)
        finally:
            histogram.observe(time.perf_counter() - started)

    search_service.search = timed


def metrics_page() -> Response:
    if not current_app.config["METRICS"] or not _from_this_machine():
        abort(404)
    from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
    from prometheus_client.multiprocess import MultiProcessCollector

    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(folder(current_app)))
    registry.register(_StateCollector(current_app._get_current_object()))
    response = Response(generate_latest(registry), mimetype=None)
    response.headers["Content-Type"] = CONTENT_TYPE_LATEST
    response.headers["Cache-Control"] = "no-store"
    return response


def _from_this_machine() -> bool:
    """A loopback client that came through no proxy (a proxy adds X-Forwarded-For)."""
    if "X-Forwarded-For" in request.headers:
        return False
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


class _StateCollector:
    """Gauges read when scraped: the served index and the sharing database."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self):
        yield from _index_families(self.app)
        yield from _sharing_families(self.app)


def _gauge(name: str, documentation: str, value: float, labels: dict | None = None):
    from prometheus_client.core import GaugeMetricFamily

    family = GaugeMetricFamily(name, documentation, labels=list(labels or {}))
    family.add_metric(list((labels or {}).values()), value)
    return family


def _index_families(app: Flask):
    try:
        generation = service_of(app).snapshot().generation
    except IndexMissing:
        yield _gauge("library_index_available", "1 when an index is served", 0)
        return
    yield _gauge("library_index_available", "1 when an index is served", 1)
    meta = _read_meta(generation / "meta.json")
    age = _age(meta.get("built"))
    if age is not None:
        yield _gauge("library_index_age_seconds", "Seconds since the served index was built", age)
    size = sum(f.stat().st_size for f in generation.iterdir() if f.is_file())
    yield _gauge("library_index_size_bytes", "Bytes on disk of the served generation", size)
    for key, name in BUILD_FIGURES.items():
        if isinstance(meta.get(key), int | float) and not isinstance(meta.get(key), bool):
            yield _gauge(name, f"'{key}' of the served generation's meta.json", meta[key])
    if meta.get("mode") in BUILD_MODES:
        documentation = "1 for the mode (full or incremental) of the build that wrote the index"
        yield _gauge("library_index_build_mode", documentation, 1, {"mode": meta["mode"]})


def _read_meta(path: Path) -> dict:
    try:
        meta = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return meta if isinstance(meta, dict) else {}


def _age(built) -> float | None:
    try:
        moment = datetime.strptime(str(built), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None
    return max(0.0, time.time() - moment.timestamp())


SHARING_FAMILIES = (
    (
        "submissions",
        "library_sharing_submissions",
        "Submissions in the sharing database, by state",
    ),
    (
        "outbox",
        "library_sharing_outbox_messages",
        "Messages in the sharing outbox, by state (pending and failed ones are the backlog)",
    ),
)
SHARING_FIGURES = "library_sharing_figures"  # registered by library/sharing (figures.py)


def _sharing_families(app: Flask):
    """Counts from the sharing database (SQLite or PostgreSQL), read at scrape time through
    the function sharing registers; what is missing or cannot be reached is left out."""
    read = app.extensions.get(SHARING_FIGURES)
    found = read() if read is not None else {}
    from prometheus_client.core import GaugeMetricFamily

    for key, name, documentation in SHARING_FAMILIES:
        if key in found:
            family = GaugeMetricFamily(name, documentation, labels=["state"])
            for state, count in found[key].items():
                family.add_metric([state], count)
            yield family
    if "oldest_pending_seconds" in found:
        yield _gauge(
            "library_sharing_outbox_oldest_pending_seconds",
            "Age of the oldest message still waiting to be sent (0 when none)",
            found["oldest_pending_seconds"],
        )
