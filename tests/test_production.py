"""The production layout of README "Deploying", run on loopback ports: Debian's nginx with the
shipped site (library/deploy/nginx-site.conf, a self-signed certificate made with `openssl`)
in front of a real `python app.py` (two processes, LIBRARY_TRUSTED_PROXY, LIBRARY_METRICS and
LIBRARY_LOG_JSON on). nginx must be installed (`.ci/run` and `make test` install it): these
tests fail, never skip, without it."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from library.deploy import render

ROOT = Path(__file__).resolve().parent.parent
CLIENT_ADDRESS = "127.0.0.7"  # the visitor connects from here; nginx reaches the app from .1
MISSING = "{} is needed for the production tests: apt-get install {} (.ci/run does)"


def _tool(name: str, package: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if found is None:
        pytest.fail(MISSING.format(name, package))
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _certificate(folder: Path) -> tuple[Path, Path]:
    certificate, key = folder / "cert.pem", folder / "key.pem"
    command = [_tool("openssl", "openssl"), "req", "-x509", "-newkey", "ec"]
    command += ["-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2"]
    command += ["-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"]
    command += ["-keyout", str(key), "-out", str(certificate)]
    subprocess.run(command, check=True, capture_output=True)
    return certificate, key


def _nginx_conf(prefix: Path, site: Path) -> Path:
    """A main configuration of our own (pid, logs and temporary files under prefix) that
    includes the rendered site, as Debian's nginx.conf includes sites-enabled/."""
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / name).mkdir(exist_ok=True)
    user = "user root root;\n" if os.geteuid() == 0 else ""  # workers read the test's folders
    conf = prefix / "nginx.conf"
    conf.write_text(
        f"""{user}worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {site};
}}
""",
        "utf-8",
    )
    return conf


@pytest.fixture(scope="module")
def stack(tmp_path_factory, fixture_content):
    nginx = _tool("nginx", "nginx")
    base = tmp_path_factory.mktemp("production")
    content = base / "content"
    shutil.copytree(fixture_content, content)
    certificate, key = _certificate(base)
    ports = {"app": _free_port(), "http": _free_port(), "https": _free_port()}
    values = render.defaults("localhost") | {
        "HTTP_PORT": str(ports["http"]),
        "HTTPS_PORT": str(ports["https"]),
        "CERTIFICATE": str(certificate),
        "CERTIFICATE_KEY": str(key),
        "UPSTREAM": f"127.0.0.1:{ports['app']}",
        "ACME_ROOT": str(base / "acme"),
    }
    site = base / "site.conf"
    site.write_text(render.render(values), "utf-8")
    conf = _nginx_conf(base, site)
    command = [nginx, "-p", str(base), "-c", str(conf), "-e", str(base / "error.log")]
    env = {
        **os.environ,
        "LIBRARY_CONTENT_DIR": str(content),
        "LIBRARY_INDEX_DIR": str(base / "index"),
        "LIBRARY_DATA_DIR": str(base / "data"),
        "PORT": str(ports["app"]),
        "LIBRARY_WORKERS": "2",
        "LIBRARY_WATCH": "0",
        "LIBRARY_TRUSTED_PROXY": "1",
        "LIBRARY_METRICS": "1",
        "LIBRARY_LOG_JSON": "1",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    log = (base / "app.log").open("wb")
    app = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stderr=log)
    proxy = subprocess.Popen([*command, "-g", "daemon off;"], stderr=subprocess.PIPE)
    try:
        _wait_for(ports["https"], proxy)
        _wait_for_app(ports["app"], app, base / "app.log")
        yield {"ports": ports, "base": base, "command": command, "certificate": certificate}
    finally:
        proxy.terminate()
        proxy.wait(timeout=10)
        proxy.stderr.close()
        app.terminate()
        app.wait(timeout=30)
        log.close()


def _wait_for(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read().decode()
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"nginx did not listen on {port}")


def _wait_for_app(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text("utf-8", "replace")[-3000:]
        try:
            if _http(port, "/health")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    pytest.fail("python app.py did not answer /health")


def _https(
    stack, path: str, source: str = "127.0.0.1"
) -> tuple[int, http.client.HTTPMessage, bytes]:
    context = ssl.create_default_context(cafile=str(stack["certificate"]))
    connection = http.client.HTTPSConnection(
        "localhost",
        stack["ports"]["https"],
        context=context,
        timeout=15,
        source_address=(source, 0),
    )
    return _exchange(connection, path)


def _http(port: int, path: str) -> tuple[int, http.client.HTTPMessage, bytes]:
    return _exchange(http.client.HTTPConnection("127.0.0.1", port, timeout=15), path)


def _exchange(connection, path: str) -> tuple[int, http.client.HTTPMessage, bytes]:
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def test_nginx_accepts_the_shipped_site(stack):
    result = subprocess.run([*stack["command"], "-t"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_a_search_page_over_https_through_nginx(stack):
    status, headers, body = _https(stack, "/en/search?q=roma")
    assert status == 200
    assert b"<html" in body and headers.get("X-Request-ID")
    # The app believed the proxy's X-Forwarded-Proto: it knows the visitor came over TLS.
    assert headers.get("Strict-Transport-Security")


def test_plain_http_is_sent_to_https(stack):
    status, headers, _ = _http(stack["ports"]["http"], "/en/search?q=roma")
    assert status == 301
    assert headers["Location"] == "https://127.0.0.1/en/search?q=roma"  # the default port


def test_nginx_serves_static_files_itself(stack):
    status, headers, body = _https(stack, "/static/style.css")
    assert status == 200
    assert body == (ROOT / "library" / "static" / "style.css").read_bytes()
    assert "X-Request-ID" not in headers  # the application answers every request with one
    assert headers["Content-Type"].startswith("text/css")


def test_the_app_sees_the_visitors_address(stack):
    status, headers, _ = _https(stack, "/api/search?q=roma", source=CLIENT_ADDRESS)
    assert status == 200
    line = _log_line(stack["base"] / "app.log", headers["X-Request-ID"])
    assert line["client"] == CLIENT_ADDRESS
    assert line["method"] == "GET" and line["path"] == "/api/search" and line["status"] == 200
    assert line["duration_ms"] >= 0 and "q=roma" not in json.dumps(line)


def _log_line(log: Path, request_id: str) -> dict:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        for text in log.read_text("utf-8", "replace").splitlines():
            if text.startswith("{") and json.loads(text).get("request_id") == request_id:
                return json.loads(text)
        time.sleep(0.05)
    pytest.fail(f"no JSON log line with request id {request_id}")


def test_metrics_are_not_served_through_the_proxy(stack):
    assert _https(stack, "/metrics")[0] == 404
    assert _http(stack["ports"]["app"], "/metrics")[0] == 200


def _scrape(stack) -> dict[tuple[str, tuple], float]:
    status, headers, body = _http(stack["ports"]["app"], "/metrics")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(body.decode()):
        for sample in family.samples:
            samples[sample.name, tuple(sorted(sample.labels.items()))] = sample.value
    return samples


def _value(samples: dict, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_counters_add_up_over_the_serving_processes(stack):
    health = {"route": "/health", "method": "GET", "status": "200"}
    before = _scrape(stack)
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda _: _http(stack["ports"]["app"], "/health")[0], range(60)))
    assert statuses == [200] * 60
    assert _https(stack, "/api/search?q=housing")[0] == 200
    after = _scrape(stack)
    total = "library_requests_total"
    assert _value(after, total, **health) - _value(before, total, **health) == 60
    searches = "library_search_duration_seconds_count"
    assert _value(after, searches) > _value(before, searches)
    latency = "library_request_duration_seconds_count"
    assert _value(after, latency, route="/health", status="200") >= 60
    counted = {name.split("_")[-1] for name in os.listdir(stack["base"] / "data" / "metrics")}
    assert len(counted) >= 2, "both serving processes should have counted requests"


def test_the_index_and_its_age_are_measured(stack):
    samples = _scrape(stack)
    assert _value(samples, "library_index_available") == 1
    assert 0 <= _value(samples, "library_index_age_seconds") < 3600
    assert _value(samples, "library_index_size_bytes") > 10_000
    assert _value(samples, "library_index_documents") > 5
    # The sharing database exists once a process has opened it; its queue is read if so.
    if (stack["base"] / "data" / "sharing.sqlite3").exists():
        assert ("library_sharing_outbox_oldest_pending_seconds", ()) in samples
