"""Operations in process: /metrics only when asked for and only from this machine, what it
reads from the index and the sharing database, one JSON log line per request, the client's
address from a trusted proxy only, and the shipped deployment files (nginx through a real
server is tests/test_production.py)."""

from __future__ import annotations

import configparser
import io
import json
import logging
import re
import sqlite3
import time
from contextlib import closing
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from library import create_app, metrics, requestlog
from library.deploy import render
from library.sharing import db, state

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "library" / "deploy"


def _app(built_index, data_dir: Path, **settings):
    index_dir, _ = built_index
    overrides = {"TESTING": True, "INDEX_DIR": str(index_dir), "DATA_DIR": str(data_dir)}
    return create_app(overrides | settings)


@pytest.fixture(scope="module")
def metered(built_index, tmp_path_factory):
    """The one in-process application with metrics (prometheus_client keeps its files per
    process, so a second folder in the same process would not be read)."""
    data_dir = tmp_path_factory.mktemp("metered")
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv(metrics.MULTIPROC_ENV, raising=False)
        _outbox(data_dir)
        yield _app(built_index, data_dir, METRICS=True)


def _outbox(data_dir: Path) -> None:
    """The sharing database with one message waiting for 90 seconds and one sent."""
    db.prepare(data_dir)
    row = "INSERT INTO outbox (recipient, subject, body, language, message_id, state, next_try,"
    row += " created) VALUES ('e@example.org', 's', 'b', 'en', ?, ?, 0, ?)"
    with closing(sqlite3.connect(db.path_of(data_dir))) as connection, connection:
        connection.execute(row, ("<1@x>", "pending", time.time() - 90))
        connection.execute(row, ("<2@x>", "sent", time.time() - 900))


def _samples(text: str) -> dict:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_metrics_are_404_unless_turned_on(client):
    assert client.get("/metrics").status_code == 404


def test_metrics_count_requests_and_read_the_index_and_the_outbox(metered):
    client = metered.test_client()
    for _ in range(3):
        assert client.get("/api/search?q=roma").status_code == 200
    assert client.get("/api/no-such-thing").status_code == 404
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    samples = _samples(response.get_data(as_text=True))
    search = (("method", "GET"), ("route", "/api/search"), ("status", "200"))
    assert samples["library_requests_total", search] == 3
    unknown = (("method", "GET"), ("route", "/<path:rest>"), ("status", "404"))
    assert samples["library_requests_total", unknown] == 1  # by rule, never by address
    assert samples["library_search_duration_seconds_count", ()] >= 3
    assert samples["library_index_available", ()] == 1
    assert samples["library_index_size_bytes", ()] > 0
    assert samples["library_sharing_outbox_messages", (("state", "pending"),)] == 1
    assert 60 < samples["library_sharing_outbox_oldest_pending_seconds", ()] < 600


def test_metrics_show_the_figures_of_the_build_that_wrote_the_index(metered, built_index):
    index_dir, report = built_index
    meta = json.loads((index_dir / "current" / "meta.json").read_text("utf-8"))
    samples = _samples(metered.test_client().get("/metrics").get_data(as_text=True))
    assert samples["library_index_build_mode", (("mode", meta["mode"]),)] == 1
    assert meta["mode"] in ("full", "incremental")
    assert samples["library_index_build_seconds", ()] == meta["seconds"] > 0
    assert samples["library_index_build_problems", ()] == meta["problems"] == len(report.problems)
    assert samples["library_index_build_rejected_files", ()] == meta["rejected"] == report.rejected
    assert meta["rejected"] > 0 and meta["problems"] > meta["rejected"]
    finished = samples["library_index_build_finished_timestamp_seconds", ()]
    assert finished == meta["finished"] and 0 < time.time() - finished < 3600
    assert samples["library_index_documents", ()] == meta["documents"] == report.documents


def test_a_sharing_database_without_the_tables_gives_no_figures(tmp_path):
    from library.sharing import db, figures

    with closing(sqlite3.connect(db.path_of(tmp_path))) as connection:
        connection.execute("CREATE TABLE unrelated (x)")
    assert figures.read(tmp_path) == {}
    assert figures.read(tmp_path / "missing") == {}
    assert not (tmp_path / "missing").exists()  # reading never creates the database
    without_sharing = type("App", (), {"extensions": {}})()
    assert list(metrics._sharing_families(without_sharing)) == []


@pytest.mark.parametrize(
    "environ, headers",
    [
        ({"REMOTE_ADDR": "203.0.113.9"}, {}),
        ({"REMOTE_ADDR": "127.0.0.1"}, {"X-Forwarded-For": "203.0.113.9"}),
    ],
)
def test_metrics_are_only_for_this_machine(metered, environ, headers):
    response = metered.test_client().get("/metrics", environ_base=environ, headers=headers)
    assert response.status_code == 404


def test_one_json_line_per_request(built_index, tmp_path):
    app = _app(built_index, tmp_path, LOG_JSON=True)
    stream = io.StringIO()
    for handler in logging.getLogger("library.requests").handlers:
        handler.setStream(stream)
    client = app.test_client()
    client.get("/health", headers={"X-Request-ID": "probe-1"})
    client.get("/api/search?q=housing")
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [(line["request_id"], line["path"], line["status"]) for line in lines][0] == (
        "probe-1",
        "/health",
        200,
    )
    assert lines[1]["method"] == "GET" and lines[1]["path"] == "/api/search"
    assert all(line["duration_ms"] >= 0 and line["level"] == "info" for line in lines)
    assert "housing" not in stream.getvalue()  # what visitors search for stays out of logs


def test_the_json_formatter_keeps_tracebacks():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, True)
        record.exc_info = __import__("sys").exc_info()
    line = json.loads(requestlog.JsonFormatter().format(record))
    assert line["message"] == "failed" and "ValueError: boom" in line["traceback"]


@pytest.mark.parametrize("trusted, seen", [(True, "203.0.113.9"), (False, "127.0.0.1")])
def test_per_client_limits_see_the_forwarded_client_only_behind_a_trusted_proxy(
    built_index, tmp_path, trusted, seen
):
    app = _app(built_index, tmp_path, TRUSTED_PROXY=trusted)
    app.add_url_rule("/client-for-test", "client_for_test", state.client)
    forwarded = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    response = app.test_client().get("/client-for-test", headers=forwarded)
    assert response.get_data(as_text=True) == seen


def test_the_nginx_site_renders_with_every_placeholder_filled(tmp_path):
    text = render.render(render.defaults("library.example.org"))
    assert "@" not in re.sub(r"#.*", "", text)
    assert "ssl_certificate /etc/letsencrypt/live/library.example.org/fullchain.pem;" in text
    assert f"alias {ROOT / 'library' / 'static'}/;" in text
    with pytest.raises(KeyError, match="SERVER_NAME"):
        render.render({})


@pytest.mark.parametrize("unit", ["roma-library.service", "roma-library-watch.service"])
def test_the_systemd_units_run_the_site_and_the_watcher(unit):
    parser = configparser.ConfigParser(strict=True, interpolation=None)
    parser.optionxform = str
    parser.read(DEPLOY / unit)
    service = parser["Service"]
    assert service["EnvironmentFile"] == "/etc/roma-library/environment"
    assert service["User"] == "library" and service["Restart"] == "on-failure"
    expected = "app.py" if unit == "roma-library.service" else "-m indexer watch"
    assert service["ExecStart"].startswith("/srv/roma-library/.venv/bin/python ")
    assert service["ExecStart"].endswith(expected)


def test_every_setting_of_the_example_environment_is_documented():
    readme = (ROOT / "README.md").read_text("utf-8")
    example = (DEPLOY / "environment.example").read_text("utf-8")
    names = set(re.findall(r"^#? ?([A-Z][A-Z_]+)=", example, re.MULTILINE))
    assert {"LIBRARY_TRUSTED_PROXY", "LIBRARY_METRICS", "LIBRARY_LOG_JSON"} <= names
    assert [name for name in sorted(names) if f"`{name}`" not in readme] == []
