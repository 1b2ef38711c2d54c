"""Nothing is lost when the server dies: the real `python app.py` is killed with SIGKILL right
after a submission got its "received" redirect; after a restart the submission and its
attachment are there."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess

import pytest
from urllib3 import encode_multipart_formdata

from library.sharing import db
from tests.test_serving import _free_port, start_app
from tests.test_sharing import PRACTICE, STARTED_RE, TOKEN_RE, minimal_pdf

pytestmark = pytest.mark.usefixtures("database")  # on SQLite and on PostgreSQL


def _start(env: dict) -> subprocess.Popen:
    # its own process group: the kill reaches every worker
    return start_app(env, "/en/share", start_new_session=True)


def _request(port: int, method: str, path: str, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read().decode("utf-8")
    finally:
        connection.close()


def _kill(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=30)


@pytest.fixture()
def env(tmp_path, fixture_content, database):
    import shutil

    content = tmp_path / "content"
    shutil.copytree(fixture_content, content)
    return {
        **os.environ,
        "LIBRARY_CONTENT_DIR": str(content),
        "LIBRARY_INDEX_DIR": str(tmp_path / "index"),
        "LIBRARY_DATA_DIR": str(tmp_path / "data"),
        "LIBRARY_SHARE_MIN_FILL_SECONDS": "0",
        "LIBRARY_WORKERS": "2",
        "PORT": str(_free_port()),
    }


def test_a_received_submission_survives_sigkill(env, tmp_path):
    port = int(env["PORT"])
    process = _start(env)
    try:
        status, headers, page = _request(port, "GET", "/cs/share")
        cookie = next(v for k, v in headers if k.lower() == "set-cookie").split(";", 1)[0]
        fields = dict(PRACTICE)
        fields["csrf_token"] = TOKEN_RE.search(page).group(1)
        fields["started"] = STARTED_RE.search(page).group(1)
        fields["themes"] = fields["themes"][0]
        fields["cities"] = fields["cities"][0]
        pdf = minimal_pdf("Kill test")
        body, content_type = encode_multipart_formdata(
            [*fields.items(), ("attachments", ("zprava.pdf", pdf, "application/pdf"))]
        )
        status, headers, _ = _request(
            port, "POST", "/cs/share", body, {"Content-Type": content_type, "Cookie": cookie}
        )
        assert status == 303
        location = dict((k.lower(), v) for k, v in headers)["location"]
    finally:
        _kill(process)  # right after "received": no clean shutdown, no checkpoint

    process = _start(env)
    try:
        status, _, page = _request(port, "GET", location)
        assert status == 200
        assert "Komunitní centrum v Karviné" in page and "zprava.pdf" in page
    finally:
        process.terminate()
        process.wait(timeout=30)
    data = tmp_path / "data"
    db.configure(data, env.get("LIBRARY_DATABASE_URL", ""))
    with db.connect(data) as conn:
        [(stored,)] = conn.execute("SELECT stored FROM attachments").fetchall()
    assert (data / "uploads" / stored).read_bytes() == pdf
    assert re.fullmatch(r"/cs/share/[A-Za-z0-9_-]{40,}", location)
