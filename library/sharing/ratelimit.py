"""Attempts per client address, counted in the sharing database so that every serving process
sees the same numbers. Over the limit, the view answers 429."""

from __future__ import annotations

import time
from pathlib import Path

from . import db

# (attempts, seconds): at most that many in any window of that length, per client address.
LIMITS = {
    "login": (10, 15 * 60),
    "submit": (20, 60 * 60),
    "preview": (300, 60 * 60),
    "keep": (30, 60 * 60),  # forms shown again whose chosen files are kept (disk space)
}
KEEP_SECONDS = max(seconds for _, seconds in LIMITS.values())


def allow(data_dir: Path, bucket: str, client: str) -> bool:
    """Record one attempt; False when the client already used up the bucket's limit."""
    limit, window = LIMITS[bucket]
    now = time.time()
    with db.connect(data_dir) as conn, db.transaction(conn):
        conn.execute("DELETE FROM attempts WHERE at < ?", (now - KEEP_SECONDS,))
        (count,) = conn.execute(
            "SELECT COUNT(*) FROM attempts WHERE bucket = ? AND client = ? AND at >= ?",
            (bucket, client, now - window),
        ).fetchone()
        if count >= limit:
            return False
        conn.execute(
            "INSERT INTO attempts (bucket, client, at) VALUES (?, ?, ?)", (bucket, client, now)
        )
    return True
