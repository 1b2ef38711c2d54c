"""E-mail notices through a real SMTP server (aiosmtpd, run by the tests on a free port): who is
told what, in which language, with which links; nothing lost while the server is down; nothing
sent twice, by two senders at once or by a sender run again; nothing written without SMTP."""

from __future__ import annotations

import email
import email.policy
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from library import create_app
from library.config import ROOT
from library.sharing import mailer, outbox
from tests.test_sharing import PASSWORD, PRACTICE, command_env, form_values, rows, send

pytestmark = pytest.mark.usefixtures("database")  # on SQLite and on PostgreSQL

MAIL_FROM = "library@example.org"


class Inbox:
    """aiosmtpd's handler: every message received, parsed."""

    def __init__(self):
        self.messages: list = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def to(self, address: str) -> list:
        return [m for rcpt, m in self.messages if address in rcpt]

    def wait_for(self, count: int, seconds: float = 10.0) -> None:
        deadline = time.monotonic() + seconds
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.messages) >= count, f"{len(self.messages)} messages, not {count}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpServer:
    def __init__(self, port: int):
        self.port, self.inbox, self.controller = port, Inbox(), None

    def start(self) -> SmtpServer:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture()
def smtp():
    server = SmtpServer(free_port()).start()
    yield server
    server.stop()


def mail_config(port: int) -> dict:
    return {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": port,
        "SMTP_STARTTLS": False,
        "MAIL_FROM": MAIL_FROM,
        "MAIL_RETRY_SECONDS": 0.01,
        "MAIL_SENDER_THREAD": False,
    }


def make_app(tmp_path, built_index, content_copy, **extra):
    index_dir, _ = built_index
    config = {
        "TESTING": True,
        "INDEX_DIR": str(index_dir),
        "CONTENT_DIR": str(content_copy),
        "DATA_DIR": str(tmp_path / "data"),
        "SHARE_MIN_FILL_SECONDS": 0,
        "SHARE_BUILD_AFTER_PUBLISH": False,
    }
    return create_app(config | extra)


def library_command(data_dir: Path, *args: str, stdin: str = "", env: dict | None = None):
    return subprocess.run(
        [sys.executable, "-m", "library", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=command_env(data_dir) | (env or {}),
        check=False,
    )


def add_editor(data_dir: Path, name: str, address: str, *more: str) -> None:
    result = library_command(
        data_dir, "users", "add", name, "--email", address, *more, stdin=PASSWORD + "\n"
    )
    assert result.returncode == 0, result.stderr


def sign_in(client, name: str = "anna") -> None:
    data = form_values(client, "/editor/login") | {"name": name, "password": PASSWORD}
    assert client.post("/editor/login", data=data).status_code == 303


def drain(app, everything: bool = False) -> mailer.Drained:
    return mailer.drain(Path(app.config["DATA_DIR"]), mailer.settings(app.config), everything)


def editor_post(client, path: str, **data):
    token = form_values(client, "/editor/")["csrf_token"]
    return client.post(path, data={"csrf_token": token, **data})


def body_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def test_submitter_and_editors_are_told_in_their_languages(
    tmp_path, built_index, content_copy, smtp
):
    app = make_app(tmp_path, built_index, content_copy, **mail_config(smtp.port))
    data_dir = Path(app.config["DATA_DIR"])
    add_editor(data_dir, "anna", "anna@example.org")
    add_editor(data_dir, "petr", "petr@example.org", "--language", "cs")
    client = app.test_client()
    location = send(client, contact_email="obec@example.cz").headers["Location"]
    assert drain(app).sent == 3
    [received] = smtp.inbox.to("obec@example.cz")
    assert received["From"] == MAIL_FROM and received["Content-Language"] == "cs"
    assert received["Subject"] == "Přijali jsme vaši praxi „Komunitní centrum v Karviné“"
    assert f"http://localhost{location}" in body_of(received)
    [to_anna] = smtp.inbox.to("anna@example.org")
    assert to_anna["Subject"] == "New submission: “Komunitní centrum v Karviné”"
    assert "http://localhost/editor/submissions/1" in body_of(to_anna)
    [to_petr] = smtp.inbox.to("petr@example.org")
    assert to_petr["Subject"].startswith("Nový příspěvek")

    sign_in(client)
    editor_post(client, "/editor/submissions/1/request-changes", message="Doplňte rok.")
    assert drain(app).sent == 1
    changes = smtp.inbox.to("obec@example.cz")[-1]
    assert "Doplňte rok." in body_of(changes) and f"http://localhost{location}" in body_of(changes)
    assert changes["Subject"] == "Redakce žádá o úpravy příspěvku „Komunitní centrum v Karviné“"

    data = form_values(client, location) | PRACTICE
    data |= {"date": "2019-06", "contact_email": "obec@example.cz"}
    assert client.post(location, data=data).status_code == 303
    assert drain(app).sent == 2  # both editors
    assert smtp.inbox.to("anna@example.org")[-1]["Subject"].startswith("Corrected submission")

    assert editor_post(client, "/editor/submissions/1/publish").status_code == 303
    assert drain(app).sent == 1
    published = smtp.inbox.to("obec@example.cz")[-1]
    assert "http://localhost/cs/resources/shared/komunitni-centrum-v-karvine" in body_of(published)
    assert published["Subject"] == "„Komunitní centrum v Karviné“ je zveřejněna"
    assert len(smtp.inbox.messages) == 7


def test_a_declined_submission_tells_the_reason_and_no_address_means_no_mail(
    tmp_path, built_index, content_copy, smtp
):
    app = make_app(tmp_path, built_index, content_copy, **mail_config(smtp.port))
    add_editor(Path(app.config["DATA_DIR"]), "anna", "anna@example.org")
    client = app.test_client()
    send(client, ui="en", contact_email="town@example.org")
    send(client, ui="en", title="Without an address")
    sign_in(client)
    editor_post(client, "/editor/submissions/1/decline", message="Already in the library.")
    editor_post(client, "/editor/submissions/2/decline", message="Out of scope.")
    drain(app)
    to_town = smtp.inbox.to("town@example.org")
    assert [m["Subject"] for m in to_town] == [
        "We received your practice “Komunitní centrum v Karviné”",
        "“Komunitní centrum v Karviné” was not published",
    ]
    assert "Already in the library." in body_of(to_town[1])
    assert len(smtp.inbox.to("anna@example.org")) == 2
    assert len(smtp.inbox.messages) == 4  # the second submitter gave no address


def test_submissions_made_while_the_server_is_down_are_delivered_once_it_is_up(
    tmp_path, built_index, content_copy
):
    server = SmtpServer(free_port())  # not started: nothing listens on its port
    app = make_app(tmp_path, built_index, content_copy, **mail_config(server.port))
    data_dir = Path(app.config["DATA_DIR"])
    client = app.test_client()
    for n in range(3):
        assert (
            send(client, title=f"Praxe {n}", contact_email=f"s{n}@example.org").status_code == 303
        )
    first = drain(app)
    assert (first.sent, first.retried) == (0, 1)  # one failed try; the rest waits
    assert outbox.counts(data_dir) == {"pending": 3}
    server.start()
    try:
        time.sleep(0.05)  # past the first retry's wait
        assert drain(app).sent == 3
        assert drain(app, everything=True).sent == 0  # run again: nothing twice
        assert sorted(r[0] for r, _ in server.inbox.messages) == [
            "s0@example.org",
            "s1@example.org",
            "s2@example.org",
        ]
        assert outbox.counts(data_dir) == {"sent": 3}
        [(attempts,)] = rows(app, "SELECT MAX(attempts) FROM outbox")
        assert attempts == 2
    finally:
        server.stop()


def test_two_senders_at_once_never_send_a_message_twice(tmp_path, built_index, content_copy, smtp):
    app = make_app(tmp_path, built_index, content_copy, **mail_config(smtp.port))
    data_dir = Path(app.config["DATA_DIR"])
    client = app.test_client()
    for n in range(12):
        send(client, title=f"Praxe {n}", contact_email=f"s{n}@example.org")
    env = {
        "LIBRARY_SMTP_HOST": "127.0.0.1",
        "LIBRARY_SMTP_PORT": str(smtp.port),
        "LIBRARY_SMTP_STARTTLS": "false",
        "LIBRARY_MAIL_FROM": MAIL_FROM,
    }
    command = [sys.executable, "-m", "library", "send-mail"]
    environment = command_env(data_dir) | env
    senders = [
        subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    outputs = [p.communicate(timeout=60)[0] for p in senders]
    assert all(p.returncode == 0 for p in senders), outputs
    ids = [m["Message-ID"] for _, m in smtp.inbox.messages]
    assert len(ids) == 12 and len(set(ids)) == 12
    again = library_command(data_dir, "send-mail", env=env)
    assert again.returncode == 0 and again.stdout.startswith("Sent 0 messages")
    assert len(smtp.inbox.messages) == 12


def test_the_background_sender_delivers_without_a_command(
    tmp_path, built_index, content_copy, smtp
):
    config = mail_config(smtp.port) | {"MAIL_SENDER_THREAD": True, "MAIL_POLL_SECONDS": 0.2}
    app = make_app(tmp_path, built_index, content_copy, **config)
    client = app.test_client()
    send(client, ui="en", contact_email="town@example.org")
    smtp.inbox.wait_for(1)
    assert smtp.inbox.to("town@example.org")[0]["Subject"].startswith("We received")
    sender = app.extensions[mailer.EXTENSION]
    assert sender.pid == os.getpid() and sender.is_alive()
    sender.stop()
    sender.join(5)


def test_without_smtp_settings_nothing_is_written_or_sent(tmp_path, built_index, content_copy):
    app = make_app(tmp_path, built_index, content_copy)
    add_editor(Path(app.config["DATA_DIR"]), "anna", "anna@example.org")
    client = app.test_client()
    assert send(client, contact_email="town@example.org").status_code == 303
    assert rows(app, "SELECT COUNT(*) FROM outbox") == [(0,)]
    assert mailer.EXTENSION not in app.extensions
    result = library_command(Path(app.config["DATA_DIR"]), "send-mail")
    assert result.returncode == 2 and "LIBRARY_SMTP_HOST" in result.stderr


@pytest.mark.parametrize(
    "value, expected", [(True, True), ("false", False), ("yes", True), (0, False), ("1", True)]
)
def test_starttls_setting_reads_words_and_numbers(value, expected):
    smtp = mailer.settings({"SMTP_HOST": "mail.example.org", "SMTP_STARTTLS": value})
    assert smtp.starttls is expected and smtp.port == 587
    assert mailer.settings({"SMTP_HOST": ""}) is None


class Bouncing(Inbox):
    """Refuses one recipient for good (550), as a real server does for an unknown mailbox."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("bounce@"):
            return "550 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_refused_recipient_is_given_up_and_the_others_still_go(
    tmp_path, built_index, content_copy
):
    server = SmtpServer(free_port())
    server.inbox = Bouncing()
    server.start()
    try:
        app = make_app(tmp_path, built_index, content_copy, **mail_config(server.port))
        client = app.test_client()
        send(client, title="First", contact_email="bounce@example.org")
        send(client, title="Second", contact_email="town@example.org")
        done = drain(app)
        assert (done.sent, done.failed, done.retried) == (1, 1, 0)
        assert [r for r, _ in server.inbox.messages] == [["town@example.org"]]
        [(state, error)] = rows(app, "SELECT state, error FROM outbox WHERE recipient LIKE 'b%'")
        assert state == "failed" and "550" in error
        assert drain(app, everything=True).sent == 0
    finally:
        server.stop()


def test_the_messages_belong_to_the_action_s_transaction(
    tmp_path, built_index, content_copy, smtp, monkeypatch
):
    """When the action fails after its messages were written, neither stays."""
    from library.sharing import notices

    app = make_app(tmp_path, built_index, content_copy, **mail_config(smtp.port))
    app.config["PROPAGATE_EXCEPTIONS"] = False
    written = notices.write

    def write_then_fail(conn, event, about):
        written(conn, event, about)
        assert conn.execute("SELECT COUNT(*) FROM outbox").fetchone()[0] == 1
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(notices, "write", write_then_fail)
    response = send(app.test_client(), contact_email="town@example.org")
    assert response.status_code == 503
    assert rows(app, "SELECT COUNT(*) FROM submissions") == [(0,)]
    assert rows(app, "SELECT COUNT(*) FROM outbox") == [(0,)]


def test_the_background_sender_delivers_once_the_server_comes_up(
    tmp_path, built_index, content_copy
):
    server = SmtpServer(free_port())  # down at first
    config = mail_config(server.port) | {
        "MAIL_SENDER_THREAD": True,
        "MAIL_POLL_SECONDS": 0.2,
        "MAIL_RETRY_MAX_SECONDS": 0.3,
    }
    app = make_app(tmp_path, built_index, content_copy, **config)
    client = app.test_client()
    send(client, ui="en", contact_email="town@example.org")
    deadline = time.monotonic() + 10
    while not rows(app, "SELECT attempts FROM outbox WHERE attempts > 0"):
        assert time.monotonic() < deadline, "the sender never tried"
        time.sleep(0.05)
    server.start()
    try:
        server.inbox.wait_for(1)
        time.sleep(0.5)  # a few more rounds of the sender: nothing more arrives
        assert len(server.inbox.messages) == 1
        assert rows(app, "SELECT state FROM outbox") == [("sent",)]
    finally:
        app.extensions[mailer.EXTENSION].stop()
        server.stop()


PUBLIC_URL = "https://library.example.org"


def test_with_a_public_address_every_notice_links_to_it_not_to_the_request_s_host(
    tmp_path, built_index, content_copy, smtp
):
    config = mail_config(smtp.port) | {"PUBLIC_URL": f"{PUBLIC_URL}/"}
    app = make_app(tmp_path, built_index, content_copy, **config)
    add_editor(Path(app.config["DATA_DIR"]), "anna", "anna@example.org")
    client = app.test_client()  # the requests come to http://localhost
    location = send(client, contact_email="obec@example.cz").headers["Location"]
    sign_in(client)
    assert editor_post(client, "/editor/submissions/1/publish").status_code == 303
    assert drain(app).sent == 3
    received, published = (body_of(m) for m in smtp.inbox.to("obec@example.cz"))
    [to_anna] = (body_of(m) for m in smtp.inbox.to("anna@example.org"))
    assert f"{PUBLIC_URL}{location}" in received and location.startswith("/cs/share/")
    assert f"Review it: {PUBLIC_URL}/editor/submissions/1" in to_anna.splitlines()
    assert f"{PUBLIC_URL}/cs/resources/shared/komunitni-centrum-v-karvine" in published
    assert all("localhost" not in body for body in (received, published, to_anna))


def test_the_public_address_comes_from_the_environment_and_replaces_a_proxy_s_prefix(
    tmp_path, built_index, content_copy, monkeypatch
):
    from library.sharing import notices

    monkeypatch.setenv("LIBRARY_PUBLIC_URL", f"{PUBLIC_URL}/library")
    app = make_app(tmp_path, built_index, content_copy)
    with app.test_request_context("/", base_url="http://10.0.0.5:5000/internal/"):
        address = notices.public_link("editor.submission", submission_id=7)
    assert address == f"{PUBLIC_URL}/library/editor/submissions/7"


@pytest.mark.parametrize("value", ["library.example.org", "ftp://library.example.org", "https://"])
def test_a_public_address_that_cannot_start_a_link_stops_the_start(
    tmp_path, built_index, content_copy, value
):
    with pytest.raises(ValueError, match="LIBRARY_PUBLIC_URL must be the site's address"):
        make_app(tmp_path, built_index, content_copy, PUBLIC_URL=value)
