"""The review queue: submissions, their attachments and the audit trail of every action.

Each change is one transaction that also writes its audit row; attachments are on disk
(fsynced) before the transaction that names them commits.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import db, uploads

RECEIVED = "received"
CHANGES_REQUESTED = "changes-requested"
PUBLISHED = "published"
DECLINED = "declined"
STATES = (RECEIVED, CHANGES_REQUESTED, PUBLISHED, DECLINED)
OPEN_STATES = (RECEIVED, CHANGES_REQUESTED)
TOKEN_BYTES = 32
SUBMITTER = "submitter"


@dataclass(frozen=True)
class Attachment:
    id: int
    name: str
    stored: str
    size: int
    kind: str


@dataclass(frozen=True)
class Event:
    action: str
    actor: str
    note: str
    at: float


@dataclass(frozen=True)
class Submission:
    id: int
    token: str
    state: str
    ui: str
    fields: dict
    body: str
    contact: dict
    message: str
    slug: str
    published_path: str
    created: float
    updated: float
    attachments: list[Attachment] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    @property
    def title(self) -> str:
        return str(self.fields.get("title") or "")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def _save_files(data_dir: Path, conn, submission_id: int, files: list[uploads.Upload]) -> None:
    for upload in files:
        stored = uploads.write(data_dir, upload)
        conn.execute(
            "INSERT INTO attachments (submission_id, name, stored, size, kind) "
            "VALUES (?, ?, ?, ?, ?)",
            (submission_id, upload.name, stored, len(upload.data), upload.kind),
        )


def _audit(conn, submission_id: int, action: str, actor: str, note: str = "") -> None:
    conn.execute(
        "INSERT INTO audit (submission_id, action, actor, note, at) VALUES (?, ?, ?, ?, ?)",
        (submission_id, action, actor, note, time.time()),
    )


def submit(
    data_dir: Path, ui: str, fields: dict, body: str, contact: dict, files, *, token="", after=None
) -> str:
    """Store a new submission with its files; return its private token once committed.

    `token` may be made by the caller, who needs it before; `after(conn, submission id, token)`
    runs inside the same transaction: pending uploads adopted and notices written there exist
    exactly when the submission does."""
    token, now = token or new_token(), time.time()
    with db.connect(data_dir) as conn, db.transaction(conn):
        (submission_id,) = conn.execute(
            "INSERT INTO submissions (token, state, ui, fields, body, contact, created, updated) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (token, RECEIVED, ui, _json(fields), body, _json(contact), now, now),
        ).fetchone()
        _save_files(data_dir, conn, submission_id, files)
        _audit(conn, submission_id, "submitted", SUBMITTER)
        if after is not None:
            after(conn, submission_id, token)
    return token


def _json(value: dict) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def update(
    data_dir: Path, sub: Submission, change: dict, action: str, actor: str, note="", after=None
):
    """Change some columns (fields, body, contact, state, message, slug, published_path), add
    files (`files`) or drop some (`remove`: attachment ids), and record the action; `after`
    (a function of the connection) runs inside the same transaction."""
    columns = {k: (_json(v) if k in ("fields", "contact") else v) for k, v in change.items()}
    files = columns.pop("files", [])
    remove = columns.pop("remove", [])
    columns["updated"] = time.time()
    assignments = ", ".join(f"{name} = ?" for name in columns)
    with db.connect(data_dir) as conn, db.transaction(conn):
        conn.execute(
            f"UPDATE submissions SET {assignments} WHERE id = ?", (*columns.values(), sub.id)
        )
        for attachment_id in remove:
            conn.execute(
                "DELETE FROM attachments WHERE id = ? AND submission_id = ?",
                (attachment_id, sub.id),
            )
        _save_files(data_dir, conn, sub.id, files)
        _audit(conn, sub.id, action, actor, note)
        if after is not None:
            after(conn)


def by_token(data_dir: Path, token: str) -> Submission | None:
    if not token or len(token) > 100:
        return None
    return _one(data_dir, "token = ?", token)


def by_id(data_dir: Path, submission_id: int) -> Submission | None:
    return _one(data_dir, "id = ?", submission_id)


def _one(data_dir: Path, where: str, value) -> Submission | None:
    with db.connect(data_dir) as conn:
        row = conn.execute(f"SELECT * FROM submissions WHERE {where}", (value,)).fetchone()
        if row is None:
            return None
        files = conn.execute(
            "SELECT id, name, stored, size, kind FROM attachments WHERE submission_id = ? "
            "ORDER BY id",
            (row["id"],),
        ).fetchall()
        events = conn.execute(
            "SELECT action, actor, note, at FROM audit WHERE submission_id = ? ORDER BY id",
            (row["id"],),
        ).fetchall()
    return _submission(row, [Attachment(*f) for f in files], [Event(*e) for e in events])


def _submission(row: db.Row, files=(), events=()) -> Submission:
    return Submission(
        id=row["id"],
        token=row["token"],
        state=row["state"],
        ui=row["ui"],
        fields=json.loads(row["fields"]),
        body=row["body"],
        contact=json.loads(row["contact"]),
        message=row["message"],
        slug=row["slug"],
        published_path=row["published_path"],
        created=row["created"],
        updated=row["updated"],
        attachments=list(files),
        events=list(events),
    )


def listing(data_dir: Path, states: tuple[str, ...] = OPEN_STATES, limit: int = 200):
    marks = ", ".join("?" for _ in states)
    with db.connect(data_dir) as conn:
        rows = conn.execute(
            f"SELECT * FROM submissions WHERE state IN ({marks}) ORDER BY updated DESC LIMIT ?",
            (*states, limit),
        ).fetchall()
    return [_submission(row) for row in rows]
