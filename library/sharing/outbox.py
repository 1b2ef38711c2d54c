"""The outbox: e-mails waiting to be sent, written in the same transaction as the action that
causes them, and claimed one at a time by whichever sender (thread or command) comes first.

A row is `pending` until a sender claims it (`sending`, with the sender's name and the time),
then `sent`, or `pending` again with a later `next_try` after a failure, or `failed` for good.
A claim older than CLAIM_SECONDS belongs to a sender that died and is taken over.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from . import db

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
CLAIM_SECONDS = 10 * 60  # longer than any one SMTP conversation (its timeout is 30 s)


@dataclass(frozen=True)
class Message:
    recipient: str
    subject: str
    body: str
    language: str
    submission_id: int | None = None


@dataclass(frozen=True)
class Claimed:
    id: int
    recipient: str
    subject: str
    body: str
    language: str
    message_id: str
    attempts: int
    created: float


def enqueue(conn: db.Connection, messages: list[Message], domain: str = "library") -> None:
    """Add messages inside the caller's transaction: they exist exactly when its action does."""
    now = time.time()
    for m in messages:
        message_id = f"<{secrets.token_hex(16)}@{domain}>"
        conn.execute(
            "INSERT INTO outbox (recipient, subject, body, language, message_id, submission_id, "
            "next_try, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (m.recipient, m.subject, m.body, m.language, message_id, m.submission_id, now, now),
        )


def claim(data_dir: Path, sender: str, due_by: float, skip: frozenset = frozenset()):
    """Take the oldest message due by `due_by` (or whose sender died), leaving out the ids in
    `skip`; None when there is none. BEGIN IMMEDIATE makes the choice and the mark one step,
    so two senders never take the same row."""
    now = time.time()
    leave_out = " AND id NOT IN ({})".format(", ".join("?" * len(skip))) if skip else ""
    with db.connect(data_dir) as conn, db.transaction(conn):
        row = conn.execute(
            "SELECT * FROM outbox WHERE ((state = ? AND next_try <= ?) "
            f"OR (state = ? AND claimed_at < ?)){leave_out} ORDER BY id LIMIT 1",
            (PENDING, due_by, SENDING, now - CLAIM_SECONDS, *sorted(skip)),
        ).fetchone()
        if row is None:
            return None
        conn.execute(
            "UPDATE outbox SET state = ?, claimed_by = ?, claimed_at = ?, attempts = attempts + 1 "
            "WHERE id = ?",
            (SENDING, sender, now, row["id"]),
        )
    return Claimed(
        row["id"],
        row["recipient"],
        row["subject"],
        row["body"],
        row["language"],
        row["message_id"],
        row["attempts"] + 1,
        row["created"],
    )


def _finish(data_dir: Path, message: Claimed, sender: str, sql: str, args: tuple) -> None:
    with db.connect(data_dir) as conn, db.transaction(conn):
        conn.execute(f"{sql} WHERE id = ? AND claimed_by = ?", (*args, message.id, sender))


def mark_sent(data_dir: Path, message: Claimed, sender: str) -> None:
    _finish(
        data_dir, message, sender, "UPDATE outbox SET state = ?, sent = ?, error = ''",
        (SENT, time.time()),
    )  # fmt: skip


def mark_retry(data_dir: Path, message: Claimed, sender: str, error: str, delay: float) -> None:
    _finish(
        data_dir, message, sender,
        "UPDATE outbox SET state = ?, next_try = ?, error = ?, claimed_by = ''",
        (PENDING, time.time() + delay, error[:500]),
    )  # fmt: skip


def mark_failed(data_dir: Path, message: Claimed, sender: str, error: str) -> None:
    _finish(
        data_dir, message, sender, "UPDATE outbox SET state = ?, error = ?", (FAILED, error[:500])
    )


def counts(data_dir: Path) -> dict[str, int]:
    """Messages per state (for the command's summary and the tests)."""
    with db.connect(data_dir) as conn:
        rows = conn.execute("SELECT state, COUNT(*) FROM outbox GROUP BY state").fetchall()
    return {state: n for state, n in rows}


def next_due(data_dir: Path) -> float | None:
    """When the next pending message is due (a time), or None when nothing waits."""
    with db.connect(data_dir) as conn:
        (due,) = conn.execute(
            "SELECT MIN(next_try) FROM outbox WHERE state = ?", (PENDING,)
        ).fetchone()
    return due
