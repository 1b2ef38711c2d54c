"""Editors: accounts with scrypt password hashes, signing in, and the guard on editor pages.

Pages redirect to the sign-in form; anything else (POST) without a signed-in editor gets 401.
"""

from __future__ import annotations

import functools
import re
import time
from pathlib import Path

from flask import abort, redirect, request, session, url_for
from werkzeug.security import check_password_hash, generate_password_hash

from . import db

NAME_RE = re.compile(r"^[A-Za-z0-9._-]{2,40}$")
MIN_PASSWORD = 10
SESSION_KEY = "editor"
# Compared against when the name is unknown, so both cases take the same time.
_DUMMY_HASH = generate_password_hash("not a password", method="scrypt")


class BadAccount(ValueError):
    pass


def add_user(data_dir: Path, name: str, password: str) -> None:
    """Create an editor or set a new password for an existing one."""
    if not NAME_RE.match(name):
        raise BadAccount("a name is 2-40 letters, digits, '.', '_' or '-'")
    if len(password) < MIN_PASSWORD:
        raise BadAccount(f"the password needs at least {MIN_PASSWORD} characters")
    hashed = generate_password_hash(password, method="scrypt")
    db.prepare(data_dir)
    with db.connect(data_dir) as conn, db.transaction(conn):
        conn.execute(
            "INSERT INTO editors (name, password_hash, created) VALUES (?, ?, ?) "
            "ON CONFLICT(name) DO UPDATE SET password_hash = excluded.password_hash",
            (name, hashed, time.time()),
        )


def check(data_dir: Path, name: str, password: str) -> bool:
    with db.connect(data_dir) as conn:
        row = conn.execute("SELECT password_hash FROM editors WHERE name = ?", (name,)).fetchone()
    hashed = row["password_hash"] if row else _DUMMY_HASH
    good = check_password_hash(hashed, password)
    return bool(row) and good


def sign_in(name: str) -> None:
    session.clear()  # a new session: nothing set before signing in carries over
    session[SESSION_KEY] = name
    session.permanent = False


def sign_out() -> None:
    session.clear()


def current() -> str | None:
    return session.get(SESSION_KEY)


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
