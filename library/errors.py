"""One place that turns errors into pages: JSON under /api/, HTML elsewhere; never a traceback."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from .params import BadParameter
from .search import IndexMissing

logger = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    app.register_error_handler(BadParameter, bad_parameter)
    app.register_error_handler(IndexMissing, index_missing)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, unexpected)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _respond(status: int, message: str, extra: dict | None = None):
    if _wants_json():
        body = {"error": message, "status": status} | (extra or {})
        return jsonify(body), status
    parameter = (extra or {}).get("parameter")
    return render_template(
        "error.html", status=status, message=message, parameter=parameter
    ), status


def bad_parameter(err: BadParameter):
    return _respond(400, err.message, {"parameter": err.name})


def index_missing(err: IndexMissing):
    logger.error("no index in %s", err)
    return _respond(503, "index-missing")


def http_error(err: HTTPException):
    return _respond(err.code or 500, (err.name or "error").lower().replace(" ", "-"))


def unexpected(err: Exception):
    logger.exception("unexpected error on %s", request.path)
    return _respond(500, "internal-error")
