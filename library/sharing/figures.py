"""What the sharing database holds, counted for the metrics page: submissions by state,
outbox messages by state and the age of the oldest message still waiting. The metrics module
never imports sharing; it calls the function the app factory registers under EXTENSION."""

from __future__ import annotations

import time
from pathlib import Path

from . import db

EXTENSION = "library_sharing_figures"
COUNTED = ("submissions", "outbox")


def read(data_dir: Path) -> dict:
    """{"submissions": {state: n}, "outbox": {state: n}, "oldest_pending_seconds": s}, with
    only what exists; {} when the database is missing or cannot be reached. Read only."""
    if not db.exists(data_dir):
        return {}
    found: dict = {}
    try:
        with db.connect(data_dir, read_only=True) as conn:
            present = db.tables(conn)
            for table in COUNTED:
                if table in present:  # an older database may lack one
                    rows = conn.execute(f"SELECT state, COUNT(*) FROM {table} GROUP BY state")
                    found[table] = {str(state): count for state, count in rows.fetchall()}
            if "outbox" in present:
                (oldest,) = conn.execute(
                    "SELECT MIN(created) FROM outbox WHERE state IN ('pending', 'sending')"
                ).fetchone()
                found["oldest_pending_seconds"] = (
                    max(0.0, time.time() - oldest) if isinstance(oldest, int | float) else 0.0
                )
    except (db.Unavailable, *db.Error):
        return {}
    return found
