"""One place that turns errors into pages: JSON under /api/, HTML elsewhere; never a traceback.

Every request gets an id (a sane `X-Request-ID` header is kept, else a new one); it is echoed
in the `X-Request-ID` response header, shown on error pages and written with every error this
module logs, so a visitor's report leads to the traceback in the log.
"""

from __future__ import annotations

import logging
import re
import uuid

from flask import Flask, g, has_request_context, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from .params import BadParameter
from .search import IndexMissing

logger = logging.getLogger(__name__)
REQUEST_ID_HEADER = "X-Request-ID"
_SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")


def init_app(app: Flask) -> None:
    app.before_request(_take_request_id)
    app.after_request(_echo_request_id)
    app.context_processor(lambda: {"request_id": request_id()})
    app.register_error_handler(BadParameter, bad_parameter)
    app.register_error_handler(IndexMissing, index_missing)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, unexpected)


def request_id() -> str:
    """This request's id (made on first use, so error handlers of early failures have one)."""
    if not has_request_context():
        return ""
    if "request_id" not in g:
        given = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = given if _SANE_ID.fullmatch(given) else uuid.uuid4().hex
    return g.request_id


def _take_request_id() -> None:
    request_id()


def _echo_request_id(response):
    response.headers[REQUEST_ID_HEADER] = request_id()
    return response


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/health"


def _respond(status: int, message: str, extra: dict | None = None, explanation: str = ""):
    if _wants_json():
        body = {"error": message, "status": status} | (extra or {})
        return jsonify(body | {"request_id": request_id()}), status
    parameter = (extra or {}).get("parameter")
    return render_template(
        "error.html",
        status=status,
        message=message,
        parameter=parameter,
        explanation=explanation,
    ), status


def bad_parameter(err: BadParameter):
    return _respond(400, err.message, {"parameter": err.name}, _explain(err))


def _explain(err: BadParameter) -> str:
    """What a BadParameter says, in the interface language."""
    limits, name = err.limits, err.name
    if err.kind == "range":
        return _(
            "“%(parameter)s” must be a whole number from %(lowest)s to %(highest)s.",
            parameter=name,
            lowest=limits["lowest"],
            highest=limits["highest"],
        )
    if err.kind == "length":
        return _(
            "“%(parameter)s” is limited to %(limit)s characters.",
            parameter=name,
            limit=limits["limit"],
        )
    if err.kind == "words":
        return _(
            "“%(parameter)s” is limited to %(limit)s words.", parameter=name, limit=limits["limit"]
        )
    if err.kind == "count":
        return _(
            "“%(parameter)s” can be given at most %(limit)s times.",
            parameter=name,
            limit=limits["limit"],
        )
    if err.kind == "items":
        return _(
            "“%(parameter)s” takes from %(lowest)s to %(highest)s different values.",
            parameter=name,
            lowest=limits["lowest"],
            highest=limits["highest"],
        )
    if err.kind == "choice":
        return _(
            "“%(parameter)s” must be one of: %(choices)s.",
            parameter=name,
            choices=limits["choices"],
        )
    return ""


def index_missing(err: IndexMissing):
    logger.error("no index in %s [request %s]", err, request_id())
    return _respond(503, "index-missing")


def http_error(err: HTTPException):
    return _respond(err.code or 500, (err.name or "error").lower().replace(" ", "-"))


def unexpected(err: Exception):
    logger.exception("unexpected error on %s [request %s]", request.path, request_id())
    return _respond(500, "internal-error")
