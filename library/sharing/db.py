"""The sharing database: one SQLite file under LIBRARY_DATA_DIR, opened per request.

Owns the schema and how a connection is opened (WAL, full sync, foreign keys). The read-only
search side never imports this package; when the file cannot be opened, sharing says so and
the rest of the site works as before.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DB_FILE = "sharing.sqlite3"
UPLOADS = "uploads"
BUSY_SECONDS = 10.0

SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY,
    token TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL,
    ui TEXT NOT NULL,
    fields TEXT NOT NULL,          -- the front-matter values as JSON
    body TEXT NOT NULL,
    contact TEXT NOT NULL,         -- organisation, name, email, consent, as JSON
    message TEXT NOT NULL DEFAULT '',
    slug TEXT NOT NULL DEFAULT '',
    published_path TEXT NOT NULL DEFAULT '',
    created REAL NOT NULL,
    updated REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS attachments (
    id INTEGER PRIMARY KEY,
    submission_id INTEGER NOT NULL REFERENCES submissions(id),
    name TEXT NOT NULL,            -- a safe file name, shown and used when publishing
    stored TEXT NOT NULL,          -- path under the uploads folder
    size INTEGER NOT NULL,
    kind TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY,
    submission_id INTEGER NOT NULL REFERENCES submissions(id),
    action TEXT NOT NULL,
    actor TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS editors (
    name TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    created REAL NOT NULL,
    email TEXT NOT NULL DEFAULT '',    -- told of new and corrected submissions when set
    language TEXT NOT NULL DEFAULT ''  -- of those messages (the default interface language)
);
CREATE TABLE IF NOT EXISTS attempts (
    bucket TEXT NOT NULL,
    client TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS pending_uploads (
    id INTEGER PRIMARY KEY,
    form TEXT NOT NULL,            -- the hidden token of the form they were chosen in
    name TEXT NOT NULL,
    stored TEXT NOT NULL,          -- path under the uploads folder
    size INTEGER NOT NULL,
    kind TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    language TEXT NOT NULL,
    message_id TEXT NOT NULL,      -- the same on every try, so a receiver can drop a repeat
    submission_id INTEGER,
    state TEXT NOT NULL DEFAULT 'pending',  -- pending, sending, sent, failed
    attempts INTEGER NOT NULL DEFAULT 0,
    next_try REAL NOT NULL,
    claimed_by TEXT NOT NULL DEFAULT '',
    claimed_at REAL NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT '',
    created REAL NOT NULL,
    sent REAL
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox(state, next_try);
CREATE INDEX IF NOT EXISTS pending_by_form ON pending_uploads(form);
CREATE INDEX IF NOT EXISTS pending_by_age ON pending_uploads(created);
CREATE INDEX IF NOT EXISTS attempts_by_client ON attempts(bucket, client, at);
CREATE INDEX IF NOT EXISTS submissions_by_state ON submissions(state, updated);
"""


class Unavailable(RuntimeError):
    """The data folder or the database cannot be used; sharing is off, search is not."""


def path_of(data_dir: Path) -> Path:
    return Path(data_dir) / DB_FILE


def uploads_dir(data_dir: Path) -> Path:
    return Path(data_dir) / UPLOADS


def prepare(data_dir: Path) -> None:
    """Create the folders and the schema; raise Unavailable when that is impossible."""
    try:
        Path(data_dir).mkdir(parents=True, exist_ok=True)
        uploads_dir(data_dir).mkdir(exist_ok=True)
        with connect(data_dir) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(SCHEMA)
            with transaction(conn):  # two processes starting together: one adds the columns
                _migrate(conn)
    except (OSError, sqlite3.Error) as err:
        raise Unavailable(f"{data_dir}: {err}") from err


# Columns added after a table was first shipped: (table, column, declaration).
ADDED_COLUMNS = (
    ("editors", "email", "TEXT NOT NULL DEFAULT ''"),
    ("editors", "language", "TEXT NOT NULL DEFAULT ''"),
)


def _migrate(conn: sqlite3.Connection) -> None:
    """Bring a database made by an earlier version up to the schema (CREATE TABLE IF NOT
    EXISTS leaves an existing table as it was)."""
    for table, column, declaration in ADDED_COLUMNS:
        names = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        if column not in names:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")


@contextmanager
def connect(data_dir: Path) -> Iterator[sqlite3.Connection]:
    """A connection for one unit of work; closed at the end."""
    try:
        conn = sqlite3.connect(path_of(data_dir), timeout=BUSY_SECONDS, isolation_level=None)
    except sqlite3.Error as err:
        raise Unavailable(f"{data_dir}: {err}") from err
    try:
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys=ON")
        # FULL: a commit is on disk before the visitor is told "received" (WAL alone only
        # guarantees that after a checkpoint or on NORMAL's next sync).
        conn.execute("PRAGMA synchronous=FULL")
        yield conn
    finally:
        conn.close()


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any exception."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def fsync_dir(path: Path) -> None:
    """Make a new directory entry durable (the file's own fsync does not cover its name)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
