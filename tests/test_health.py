"""Operating the site: request ids in headers, error pages and logs; the health endpoint; no
traceback or debugger for a visitor; the security headers on every response."""

from __future__ import annotations

import json
import logging
import re
import shutil

import pytest

from indexer.writing import store
from indexer.writing.build import build
from indexer.writing.schema import SCHEMA_VERSION
from library import create_app


def test_every_response_carries_a_request_id(client):
    first = client.get("/en/").headers["X-Request-ID"]
    second = client.get("/en/").headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first) and first != second


@pytest.mark.parametrize(
    "given, kept",
    [
        ("abc-123.DEF:7", True),
        ("a" * 64, True),
        ("a" * 65, False),
        ("<script>", False),
        ("id with spaces", False),
        ("-starts-with-dash", False),
    ],
)
def test_a_sane_request_id_header_is_kept(client, given, kept):
    echoed = client.get("/en/", headers={"X-Request-ID": given}).headers["X-Request-ID"]
    assert (echoed == given) is kept


def test_health_names_the_generation_its_age_and_size(client, built_index):
    index_dir, _ = built_index
    response = client.get("/health")
    assert response.status_code == 200
    data = response.get_json()
    assert data["status"] == "ok"
    assert data["generation"] == (index_dir / "current").resolve().name
    assert 0 <= data["age_seconds"] < 24 * 3600
    assert data["resources"] == client.get("/api/search").get_json()["total"] > 0


def test_health_is_503_without_an_index(tmp_path):
    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "none")}).test_client()
    response = client.get("/health")
    assert response.status_code == 503
    assert response.get_json()["status"] == "no-index"


def test_an_index_of_an_earlier_schema_is_not_served_until_it_is_rebuilt(
    tmp_path, built_index, fixture_content
):
    """Its blocks are in a format this code does not read: searches answer 503 (no index)
    instead of failing, and the next build replaces it."""
    index_dir = tmp_path / "index"
    shutil.copytree(built_index[0], index_dir, symlinks=True)
    meta_path = store.current_generation(index_dir) / store.META_FILE
    meta = json.loads(meta_path.read_text("utf-8"))
    meta["fingerprint"] = "earlier/" + meta["fingerprint"].split("/", 1)[1]
    meta_path.write_text(json.dumps(meta), "utf-8")
    client = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()
    assert client.get("/api/search?q=roma").status_code == 503
    assert client.get("/en/search?q=roma").status_code == 503
    assert client.get("/health").get_json()["status"] == "no-index"
    report = build(fixture_content, index_dir, say=lambda _: None)
    assert report.documents > 0
    fingerprint = store.read_json(store.current_generation(index_dir) / store.META_FILE)
    assert fingerprint["fingerprint"].startswith(SCHEMA_VERSION + "/")
    answer = client.get("/api/search?q=roma")
    assert answer.status_code == 200 and answer.get_json()["total"] > 0


@pytest.fixture()
def failing_client(built_index, fixture_content):
    index_dir, _ = built_index
    app = create_app({"INDEX_DIR": str(index_dir), "CONTENT_DIR": str(fixture_content)})

    @app.route("/en/explode")
    def explode():
        raise RuntimeError("secret detail of the failure")

    @app.route("/api/explode")
    def explode_api():
        raise KeyError("secret detail of the failure")

    return app.test_client()


@pytest.mark.parametrize("path", ["/en/explode", "/api/explode"])
def test_an_unexpected_error_shows_its_id_and_logs_the_traceback(failing_client, path, caplog):
    with caplog.at_level(logging.ERROR, logger="library.errors"):
        response = failing_client.get(path, headers={"X-Request-ID": "report-me-42"})
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "report-me-42" in body and response.headers["X-Request-ID"] == "report-me-42"
    assert "Traceback" not in body and "secret detail" not in body and "explode" not in body
    assert "Werkzeug Debugger" not in body
    record = next(r for r in caplog.records if "report-me-42" in r.getMessage())
    assert record.exc_info is not None and "secret detail" in str(record.exc_info[1])


def test_the_error_page_names_the_limit_in_the_interface_language(client):
    response = client.get("/cs/search?per_page=1000000000")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "„per_page“ musí být celé číslo od 1 do 100." in html
    assert "X-Request-ID" in response.headers and response.headers["X-Request-ID"] in html


def test_the_json_error_names_the_parameter_and_the_limit(client):
    data = client.get("/api/search?page=-3").get_json()
    assert data["parameter"] == "page" and "1000" in data["error"] and data["request_id"]


def test_security_headers_on_every_response(client):
    for path in ("/en/", "/api/search?q=roma", "/health", "/en/nowhere", "/static/style.css"):
        response = client.get(path)
        response.close()  # a static file is streamed from an open file
        headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert "script-src 'self'" in csp
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "camera=()" in headers["Permissions-Policy"]
        assert "Strict-Transport-Security" not in headers, path


def test_hsts_only_over_tls_or_from_a_trusted_proxy(built_index):
    index_dir, _ = built_index
    plain = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()
    forwarded = {"X-Forwarded-Proto": "https"}
    assert "Strict-Transport-Security" not in plain.get("/health", headers=forwarded).headers
    assert "Strict-Transport-Security" in plain.get("/health", base_url="https://localhost").headers
    trusting = create_app(
        {"TESTING": True, "INDEX_DIR": str(index_dir), "TRUSTED_PROXY": True}
    ).test_client()
    assert "Strict-Transport-Security" in trusting.get("/health", headers=forwarded).headers
    assert "Strict-Transport-Security" not in trusting.get("/health").headers


def test_the_debugger_is_off(app):
    assert not app.debug
