"""Backups of the sharing data: the database copied into one SQLite file (a consistent
snapshot taken while the site serves: SQLite's online backup, or one repeatable-read
transaction on PostgreSQL) and the uploaded files it names, with a manifest of their sizes and
SHA-256; and restoring them into a data folder and whichever database it is configured with
(so a backup also moves a library from SQLite to PostgreSQL and back).

A backup folder: sharing.sqlite3, uploads/<files>, secret_key (when there is one) and
backup.json, written last, so a folder without it is an unfinished backup.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import db, settings

MANIFEST = "backup.json"
FORMAT = 1
DATA_TABLES = ("submissions", "attachments", "editors", "pending_uploads", "outbox")


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass
class Summary:
    submissions: int = 0
    files: int = 0
    bytes: int = 0
    missing: list[str] = field(default_factory=list)

    def line(self, verb: str, where: Path) -> str:
        text = f"{verb} {self.submissions} submissions and {self.files} files "
        text += f"({self.bytes / 1e6:.1f} MB) {'into' if verb == 'Restored' else 'to'} {where}"
        if self.missing:
            text += f"; {len(self.missing)} uploaded files were missing: {', '.join(self.missing)}"
        return text + "."


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _copy(source: Path, target: Path) -> None:
    """Copy with fsync, so a finished backup or restore is on disk."""
    with source.open("rb") as src, target.open("wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
        dst.flush()
        os.fsync(dst.fileno())
    os.chmod(target, 0o600)


def _stored_files(database: Path) -> tuple[int, list[str]]:
    """(submissions, file names under uploads/) that a database copy refers to."""
    with db.copy_file(database) as conn:
        (count,) = conn.execute("SELECT COUNT(*) FROM submissions").fetchone()
        rows = conn.execute(
            "SELECT stored FROM attachments UNION SELECT stored FROM pending_uploads"
        ).fetchall()
    return count, sorted(stored for (stored,) in rows)


def backup(data_dir: Path, target: Path) -> Summary:
    """Copy the database (a snapshot) and the files it names into target (new or empty)."""
    data_dir, target = Path(data_dir), Path(target)
    if not db.exists(data_dir):
        raise BackupError(f"{db.path_of(data_dir)} does not exist: nothing to back up")
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty: give a new or empty folder")
    (target / db.UPLOADS).mkdir(parents=True, exist_ok=True)
    db.snapshot(data_dir, target / db.DB_FILE)
    summary = Summary()
    summary.submissions, names = _stored_files(target / db.DB_FILE)
    files = {}
    for name in names:
        source = db.uploads_dir(data_dir) / name
        if not source.is_file():  # a pending upload cleaned since the snapshot
            summary.missing.append(name)
            continue
        _copy(source, target / db.UPLOADS / name)
        files[name] = {"size": source.stat().st_size, "sha256": _sha256(target / db.UPLOADS / name)}
        summary.files, summary.bytes = summary.files + 1, summary.bytes + files[name]["size"]
    secret = data_dir / settings.SECRET_FILE
    if secret.is_file():
        _copy(secret, target / settings.SECRET_FILE)
    manifest = {
        "format": FORMAT,
        "made": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "submissions": summary.submissions,
        "database_sha256": _sha256(target / db.DB_FILE),
        "files": files,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    db.fsync_dir(target / db.UPLOADS)
    db.fsync_dir(target)
    return summary


def holds_data(data_dir: Path) -> bool:
    """Whether a data folder holds anything of sharing's: a row in a data table or an
    uploaded file (an empty database made by starting the site does not count)."""
    uploads = db.uploads_dir(data_dir)
    if uploads.is_dir() and any(uploads.iterdir()):
        return True
    if not db.exists(data_dir):
        return False
    with db.connect(data_dir) as conn:
        tables = db.tables(conn)
        for table in DATA_TABLES:
            if table in tables and conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone():
                return True
    return False


def _checked_manifest(source: Path) -> dict:
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise BackupError(f"{source} is not a finished backup (no readable {MANIFEST})") from err
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{source}: unknown backup format {manifest.get('format')!r}")
    if _sha256(source / db.DB_FILE) != manifest.get("database_sha256"):
        raise BackupError(f"{source / db.DB_FILE} differs from the backup's manifest")
    for name, facts in manifest["files"].items():
        path = source / db.UPLOADS / name
        if not path.is_file() or _sha256(path) != facts["sha256"]:
            raise BackupError(f"{path} is missing or differs from the backup's manifest")
    return manifest


def restore(source: Path, data_dir: Path, force: bool = False) -> Summary:
    """Bring a backup back into data_dir; refuse a folder holding data unless force.
    Stop the servers first: the database is replaced under them."""
    source, data_dir = Path(source), Path(data_dir)
    manifest = _checked_manifest(source)
    if holds_data(data_dir) and not force:
        raise BackupError(
            f"{data_dir} already holds submissions, editors or uploads; "
            "restore into an empty data folder, or add --force to replace them"
        )
    uploads = db.uploads_dir(data_dir)
    uploads.mkdir(parents=True, exist_ok=True)
    summary = Summary(submissions=manifest["submissions"])
    for name, facts in manifest["files"].items():
        _copy(source / db.UPLOADS / name, uploads / name)
        summary.files, summary.bytes = summary.files + 1, summary.bytes + facts["size"]
    db.fsync_dir(uploads)
    db.load(source / db.DB_FILE, data_dir)
    secret = source / settings.SECRET_FILE
    if secret.is_file():  # the sessions and form stamps signed before go on working
        _copy(secret, data_dir / settings.SECRET_FILE)
    db.prepare(data_dir)  # a backup made by an earlier version gets the columns added since
    return summary
