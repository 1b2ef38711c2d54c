"""Files chosen in a form that was shown again (a preview, a validation error) are kept as
pending uploads tied to the form's hidden token, listed on the re-shown form with a "remove"
box, attached when the submission is stored, and cleaned a day later when it never is.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from . import db, uploads

FIELD = "upload_form"  # the hidden input that carries the token
REMOVE_FIELD = "remove_pending"
KEEP_SECONDS = 24 * 3600
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32}$")

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Pending:
    id: int
    name: str
    stored: str
    size: int
    kind: str


def new_token() -> str:
    return secrets.token_urlsafe(24)


def token_of(form) -> str:
    """The posted form's token when it is well made, else a new one."""
    sent = str(form.get(FIELD, ""))
    return sent if TOKEN_RE.match(sent) else new_token()


def removed_of(form) -> list[int]:
    return sorted({int(v) for v in form.getlist(REMOVE_FIELD) if v.isdigit()})


def listing(data_dir: Path, token: str) -> list[Pending]:
    with db.connect(data_dir) as conn:
        rows = conn.execute(
            "SELECT id, name, stored, size, kind FROM pending_uploads WHERE form = ? ORDER BY id",
            (token,),
        ).fetchall()
    return [Pending(*row) for row in rows]


def keep(data_dir: Path, token: str, files: list[uploads.Upload]) -> None:
    """Write the files (fsynced) and remember them for this form."""
    stored = [(upload, uploads.write(data_dir, upload)) for upload in files]
    now = time.time()
    with db.connect(data_dir) as conn, db.transaction(conn):
        for upload, path in stored:
            conn.execute(
                "INSERT INTO pending_uploads (form, name, stored, size, kind, created) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (token, upload.name, path, len(upload.data), upload.kind, now),
            )


def drop(data_dir: Path, token: str, ids: list[int]) -> None:
    """Forget the files the submitter ticked "remove" for, and delete them."""
    if not ids:
        return
    marks = ", ".join("?" for _ in ids)
    with db.connect(data_dir) as conn, db.transaction(conn):
        rows = conn.execute(
            f"SELECT stored FROM pending_uploads WHERE form = ? AND id IN ({marks})",
            (token, *ids),
        ).fetchall()
        conn.execute(
            f"DELETE FROM pending_uploads WHERE form = ? AND id IN ({marks})", (token, *ids)
        )
    _unlink(data_dir, [stored for (stored,) in rows])


def adopt(conn: db.Connection, token: str, submission_id: int) -> None:
    """Inside the submission's transaction: the form's pending files become its attachments."""
    conn.execute(
        "INSERT INTO attachments (submission_id, name, stored, size, kind) "
        "SELECT ?, name, stored, size, kind FROM pending_uploads WHERE form = ? ORDER BY id",
        (submission_id, token),
    )
    conn.execute("DELETE FROM pending_uploads WHERE form = ?", (token,))


def clean(data_dir: Path, now: float | None = None) -> int:
    """Delete pending files older than a day (forms never sent); return how many."""
    cutoff = (time.time() if now is None else now) - KEEP_SECONDS
    with db.connect(data_dir) as conn, db.transaction(conn):
        rows = conn.execute(
            "SELECT stored FROM pending_uploads WHERE created < ?", (cutoff,)
        ).fetchall()
        if rows:
            conn.execute("DELETE FROM pending_uploads WHERE created < ?", (cutoff,))
    _unlink(data_dir, [stored for (stored,) in rows])
    return len(rows)


def _unlink(data_dir: Path, names: list[str]) -> None:
    for stored in names:
        try:
            uploads.path_of(data_dir, stored).unlink(missing_ok=True)
        except (OSError, ValueError) as err:
            logger.warning("pending upload %s not deleted: %s", stored, err)
