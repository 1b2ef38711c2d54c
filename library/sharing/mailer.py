"""Sending the outbox through the configured SMTP server: one drain (`python -m library
send-mail`) or a background thread per serving process, woken when a message is written.

A server that is down costs nothing: the message goes back to the outbox with a later try
(doubling from MAIL_RETRY_SECONDS up to MAIL_RETRY_MAX_SECONDS) until MAIL_GIVE_UP_HOURS after
it was written. A message is marked sent in the database as soon as the server accepted it.
"""

from __future__ import annotations

import logging
import math
import os
import secrets
import smtplib
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path

from flask import Flask, current_app

from . import db, outbox

TIMEOUT_SECONDS = 30
IMPLICIT_TLS_PORT = 465
EXTENSION = "library_mail"
TRUE = {"1", "true", "yes", "on"}
# Failures after which the server still talks to us: the next message can go on.
ANSWERED = (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused, ValueError, UnicodeError)
_starting = threading.Lock()

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Smtp:
    host: str
    port: int
    user: str
    password: str
    starttls: bool
    sender: str  # the From address
    retry_seconds: float
    retry_max_seconds: float
    give_up_seconds: float


def flag(value) -> bool:
    """A setting given as a boolean, a number or a word (LIBRARY_SMTP_STARTTLS=yes)."""
    return value if isinstance(value, bool) else str(value).strip().lower() in TRUE


def settings(config) -> Smtp | None:
    """The SMTP settings of a Flask config, or None when no SMTP_HOST is set (no mail)."""
    host = str(config.get("SMTP_HOST") or "").strip()
    if not host:
        return None
    user = str(config.get("SMTP_USER") or "")
    sender = str(config.get("MAIL_FROM") or "") or (user if "@" in user else "")
    return Smtp(
        host=host,
        port=int(config.get("SMTP_PORT") or 587),
        user=user,
        password=str(config.get("SMTP_PASSWORD") or ""),
        starttls=flag(config.get("SMTP_STARTTLS", True)),
        sender=sender or f"library@{socket.getfqdn()}",
        retry_seconds=float(config.get("MAIL_RETRY_SECONDS", 30)),
        retry_max_seconds=float(config.get("MAIL_RETRY_MAX_SECONDS", 3600)),
        give_up_seconds=float(config.get("MAIL_GIVE_UP_HOURS", 72)) * 3600,
    )


def _connect(smtp: Smtp) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if smtp.port == IMPLICIT_TLS_PORT:
        conn = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=TIMEOUT_SECONDS, context=context)
    else:
        conn = smtplib.SMTP(smtp.host, smtp.port, timeout=TIMEOUT_SECONDS)
        if smtp.starttls:
            conn.starttls(context=context)
    if smtp.user:
        conn.login(smtp.user, smtp.password)
    return conn


def email_of(smtp: Smtp, message: outbox.Claimed) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = smtp.sender
    mail["To"] = message.recipient
    mail["Subject"] = message.subject
    mail["Date"] = formatdate(message.created)
    mail["Message-ID"] = message.message_id
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(message.body)
    mail["Content-Language"] = message.language  # after set_content, which clears Content-*
    return mail


def _permanent(err: Exception) -> bool:
    """Refusals a later try will not change: a 5xx answer to the recipient or the message, or
    a message that cannot be written at all. Sign-in failures are retried (settings change)."""
    if isinstance(err, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in err.recipients.values())
    if isinstance(err, smtplib.SMTPAuthenticationError):
        return False
    if isinstance(err, smtplib.SMTPResponseException):
        return err.smtp_code >= 500
    return isinstance(err, ValueError | UnicodeError)


@dataclass
class Drained:
    sent: int = 0
    retried: int = 0
    failed: int = 0


class Drain:
    """Send every due message over one SMTP connection; stop at the first failure to reach
    the server (the rest waits for the next round rather than hammering a server that is down)."""

    def __init__(self, data_dir: Path, smtp: Smtp, name: str):
        self.data_dir, self.smtp, self.name = Path(data_dir), smtp, name
        self.conn: smtplib.SMTP | None = None
        self.result = Drained()
        self.tried: set[int] = set()  # retried in this round

    def run(self, due_by: float) -> Drained:
        """Messages due by `due_by` (a time; infinity: every waiting one), each tried once."""
        try:
            while message := outbox.claim(self.data_dir, self.name, due_by, frozenset(self.tried)):
                if not self._send(message):
                    break
        finally:
            self._close()
        return self.result

    def _send(self, message: outbox.Claimed) -> bool:
        try:
            if self.conn is None:
                self.conn = _connect(self.smtp)
            self.conn.send_message(email_of(self.smtp, message))
        except (OSError, ValueError, UnicodeError) as err:  # smtplib's errors are OSErrors
            return self._failed(message, err)
        outbox.mark_sent(self.data_dir, message, self.name)
        self.result.sent += 1
        return True

    def _failed(self, message: outbox.Claimed, err: Exception) -> bool:
        """Record the failure; True when the connection can carry the next message (the
        server answered), False when it is lost."""
        reason = f"{type(err).__name__}: {err}"
        age = time.time() - message.created
        if _permanent(err) or age > self.smtp.give_up_seconds:
            logger.error("mail to %s not sent, given up: %s", message.recipient, reason)
            outbox.mark_failed(self.data_dir, message, self.name, reason)
            self.result.failed += 1
        else:
            delay = min(
                self.smtp.retry_seconds * 2 ** (message.attempts - 1),
                self.smtp.retry_max_seconds,
            )
            logger.warning(
                "mail to %s not sent (%s); next try in %.0f s", message.recipient, reason, delay
            )
            outbox.mark_retry(self.data_dir, message, self.name, reason, delay)
            self.result.retried += 1
            self.tried.add(message.id)  # not again in this round, even when it is already due
        if isinstance(err, ANSWERED) and self.conn is not None:
            return True
        self._close()
        return False

    def _close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.quit()
            except (OSError, smtplib.SMTPException):
                pass  # the server went away; the messages are already marked
            self.conn = None


def sender_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def drain(data_dir: Path, smtp: Smtp, everything: bool = False) -> Drained:
    """Send what is due now (each round of the thread, the command), or `everything` waiting
    even if its next try is later (the command with --all)."""
    return Drain(data_dir, smtp, sender_name()).run(math.inf if everything else time.time())


class Sender(threading.Thread):
    """The background sender of one serving process: a round when woken (a message was
    written here) or every MAIL_POLL_SECONDS (messages of other processes, retries)."""

    def __init__(self, data_dir: Path, smtp: Smtp, poll_seconds: float):
        super().__init__(name="mail-sender", daemon=True)
        self.data_dir, self.smtp, self.poll_seconds = data_dir, smtp, poll_seconds
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self.pid = os.getpid()

    def run(self) -> None:
        while not self.stopping.is_set():
            self.wake.clear()
            try:
                drain(self.data_dir, self.smtp)
                due = outbox.next_due(self.data_dir)
            except (OSError, db.Unavailable, *db.Error) as err:
                logger.error("the mail sender cannot use %s: %s", self.data_dir, err)
                due = None
            wait = self.poll_seconds
            if due is not None:
                wait = max(0.05, min(wait, due - time.time()))
            self.wake.wait(wait)

    def stop(self) -> None:
        self.stopping.set()
        self.wake.set()


def init_app(app: Flask) -> None:
    """Start the sender lazily, on a process's first request: gunicorn forks its workers after
    the app is made, and a thread does not survive a fork."""
    app.before_request(ensure_started)


def ensure_started() -> None:
    app = current_app._get_current_object()
    smtp = settings(app.config)
    if smtp is None or not flag(app.config.get("MAIL_SENDER_THREAD", True)):
        return
    if _running(app):
        return
    with _starting:
        if _running(app):
            return
        poll = float(app.config.get("MAIL_POLL_SECONDS", 30))
        sender = Sender(Path(app.config["DATA_DIR"]), smtp, poll)
        app.extensions[EXTENSION] = sender
        sender.start()


def _running(app: Flask) -> bool:
    sender = app.extensions.get(EXTENSION)
    return sender is not None and sender.pid == os.getpid() and sender.is_alive()


def poke() -> None:
    """After writing messages: this process's sender starts a round now."""
    running = current_app.extensions.get(EXTENSION)
    if running is not None and running.pid == os.getpid():
        running.wake.set()
