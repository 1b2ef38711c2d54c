"""Whether sharing can work in this process (the data folder and database are usable), and the
small helpers every sharing view needs: the data folder, the client's address, the refusal
pages."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app, render_template, request

from . import db

EXTENSION = "library_sharing"
logger = logging.getLogger(__name__)


@dataclass
class Sharing:
    data_dir: Path
    available: bool
    reason: str = ""


def init(app: Flask) -> Sharing:
    data = Path(app.config["DATA_DIR"])
    try:
        db.configure(data, app.config.get("DATABASE_URL", ""))
        db.prepare(data)
        sharing = Sharing(data, True)
    except db.Unavailable as err:
        logger.error("sharing is unavailable: %s", err)
        sharing = Sharing(data, False, str(err))
    app.extensions[EXTENSION] = sharing
    return sharing


def sharing() -> Sharing:
    return current_app.extensions[EXTENSION]


def data_dir() -> Path:
    return sharing().data_dir


def client() -> str:
    return request.remote_addr or "unknown"


def require_available():
    """before_request: the sharing pages answer 503 when the database cannot be used (a
    folder made writable later is tried again)."""
    current = sharing()
    if not current.available:
        current = init(current_app._get_current_object())
    if not current.available:
        return unavailable(None)
    return None


def unavailable(err):
    if err is not None:
        logger.error("sharing database error on %s: %s", request.path, err)
    return render_template("share/unavailable.html"), 503


def refused(err):
    """400 (a form without its token, or a robot's), 401, 404, 409, 413 and 429 on sharing and
    editor pages, explained in the interface language."""
    code = getattr(err, "code", 400) or 400
    reason = getattr(err, "description", "") if code == 400 else ""
    return render_template("share/refused.html", status=code, reason=reason), code


def register_handlers(blueprint) -> None:
    for code in (400, 401, 403, 404, 409, 413, 429):
        blueprint.register_error_handler(code, refused)
    blueprint.register_error_handler(db.Unavailable, unavailable)
    for error in db.Error:
        blueprint.register_error_handler(error, unavailable)
    blueprint.register_error_handler(OSError, unavailable)
