"""Editors: accounts with scrypt password hashes, signing in, and the guard on editor pages.

Pages redirect to the sign-in form; anything else (POST) without a signed-in editor gets 401.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import time
from dataclasses import dataclass
from pathlib import Path

from flask import abort, g, redirect, request, session, url_for
from werkzeug.security import check_password_hash, generate_password_hash

from . import db, state
from .forms import EMAIL_RE

NAME_RE = re.compile(r"^[A-Za-z0-9._-]{2,40}$")
MIN_PASSWORD = 10
SESSION_KEY = "editor"
FINGERPRINT_KEY = "editor_key"
# Compared against when the name is unknown, so both cases take the same time.
_DUMMY_HASH = generate_password_hash("not a password", method="scrypt")


class BadAccount(ValueError):
    pass


class UnknownEditor(LookupError):
    pass


@dataclass(frozen=True)
class Editor:
    name: str
    email: str
    language: str
    created: float


def _checked_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise BadAccount(f"the password needs at least {MIN_PASSWORD} characters")
    return generate_password_hash(password, method="scrypt")


def add_user(data_dir: Path, name: str, password: str, email: str = "", language: str = ""):
    """Create an editor or set a new password (and, when given, address and language) for an
    existing one."""
    if not NAME_RE.match(name):
        raise BadAccount("a name is 2-40 letters, digits, '.', '_' or '-'")
    if email and not EMAIL_RE.match(email):
        raise BadAccount(f"{email!r} is not an e-mail address")
    hashed = _checked_password(password)
    db.prepare(data_dir)
    with db.connect(data_dir) as conn, db.transaction(conn):
        conn.execute(
            "INSERT INTO editors (name, password_hash, created, email, language) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET "
            "password_hash = excluded.password_hash, "
            "email = CASE WHEN excluded.email != '' THEN excluded.email ELSE editors.email END, "
            "language = CASE WHEN excluded.language != '' THEN excluded.language "
            "ELSE editors.language END",
            (name, hashed, time.time(), email, language),
        )


def reset_password(data_dir: Path, name: str, password: str) -> None:
    """A new password for an existing editor; the sessions signed in with the old one end."""
    hashed = _checked_password(password)
    with db.connect(data_dir) as conn, db.transaction(conn):
        done = conn.execute(
            "UPDATE editors SET password_hash = ? WHERE name = ?", (hashed, name)
        ).rowcount
    if not done:
        raise UnknownEditor(name)


def remove_user(data_dir: Path, name: str) -> None:
    """Delete an editor; their sessions end at their next request. The audit trail keeps
    their name on what they did."""
    with db.connect(data_dir) as conn, db.transaction(conn):
        done = conn.execute("DELETE FROM editors WHERE name = ?", (name,)).rowcount
    if not done:
        raise UnknownEditor(name)


def editors(data_dir: Path) -> list[Editor]:
    with db.connect(data_dir) as conn:
        rows = conn.execute(
            "SELECT name, email, language, created FROM editors ORDER BY name"
        ).fetchall()
    return [Editor(*row) for row in rows]


def email_of(data_dir: Path, name: str | None) -> str:
    with db.connect(data_dir) as conn:
        row = conn.execute("SELECT email FROM editors WHERE name = ?", (name,)).fetchone()
    return row["email"] if row else ""


def _fingerprint(hashed: str) -> str:
    """Kept in the session: a changed password or a removed editor ends the session."""
    return hashlib.sha256(hashed.encode("utf-8")).hexdigest()[:16]


def check(data_dir: Path, name: str, password: str) -> bool:
    with db.connect(data_dir) as conn:
        row = conn.execute("SELECT password_hash FROM editors WHERE name = ?", (name,)).fetchone()
    hashed = row["password_hash"] if row else _DUMMY_HASH
    good = check_password_hash(hashed, password)
    if row and good:
        g.editor_fingerprint = _fingerprint(hashed)
    return bool(row) and good


def sign_in(name: str) -> None:
    session.clear()  # a new session: nothing set before signing in carries over
    session[SESSION_KEY] = name
    session[FINGERPRINT_KEY] = g.get("editor_fingerprint", "")
    session.permanent = False


def sign_out() -> None:
    session.clear()


def current() -> str | None:
    """The signed-in editor, while they still exist with the password they signed in with."""
    name = session.get(SESSION_KEY)
    if name is None:
        return None
    if "editor_checked" not in g:
        g.editor_checked = _still_valid(name, session.get(FINGERPRINT_KEY, ""))
        if not g.editor_checked:
            sign_out()
    return name if g.editor_checked else None


def _still_valid(name: str, fingerprint: str) -> bool:
    with db.connect(state.data_dir()) as conn:
        row = conn.execute("SELECT password_hash FROM editors WHERE name = ?", (name,)).fetchone()
    return row is not None and hmac.compare_digest(_fingerprint(row["password_hash"]), fingerprint)


def required(view):
    """Editor pages: to the sign-in form when nobody is signed in; 401 for anything but GET."""

    @functools.wraps(view)
    def guarded(*args, **kwargs):
        if current() is None:
            if request.method in ("GET", "HEAD"):
                return redirect(url_for("editor.login", next=request.path), 303)
            abort(401)
        return view(*args, **kwargs)

    return guarded


def safe_next(target: str | None) -> str:
    """Only a path on this site under /editor/ is followed after signing in."""
    if target and target.startswith("/editor/") and not target.startswith("//"):
        if "\\" not in target and target == target.strip():
            return target
    return url_for("editor.queue")
