"""`GET /health`: whether this process can answer, for monitors and load balancers.

JSON with the status, the index generation served, its age in seconds and the number of
resources; 503 when there is no index to serve.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from flask import Blueprint, Flask, jsonify

from .search import IndexMissing
from .search_ext import service

bp = Blueprint("health", __name__)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


@bp.route("/health")
def health():
    search = service()
    try:
        snapshot = search.snapshot()
        stats = search.stats()
    except IndexMissing:
        body = {"status": "no-index", "generation": None, "age_seconds": None, "resources": 0}
        return jsonify(body), 503
    return jsonify(
        {
            "status": "ok",
            "generation": snapshot.generation.name,
            "revision": snapshot.toc,  # grows with each incremental update of the generation
            "age_seconds": _age(stats.built),
            "resources": stats.resources,
        }
    )


def _age(built: str) -> int | None:
    """Seconds since the index was built ("2026-12-01T17:04:00Z"), None when unknown."""
    try:
        moment = datetime.strptime(built, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None
    return max(0, int(time.time() - moment.timestamp()))
