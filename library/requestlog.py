"""One JSON line per request on standard error when LIBRARY_LOG_JSON=1: time, request id,
method, path (never the query string, which holds what visitors searched for), status,
duration, client address and process. `JsonFormatter` writes any log record the same way.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from datetime import UTC, datetime

from flask import Flask, Response, g, request

from .errors import request_id

logger = logging.getLogger("library.requests")


class JsonFormatter(logging.Formatter):
    """A log record as one JSON object: time, level, logger, message and any `fields`."""

    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created, UTC)
        line = {
            "time": moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            line["traceback"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def init_app(app: Flask) -> None:
    app.config.setdefault("LOG_JSON", False)
    if not app.config["LOG_JSON"]:
        return
    if not any(getattr(handler, "library_json", False) for handler in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        handler.library_json = True
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False  # the lines are for this handler only, whatever the root logs
    app.before_request(_start)
    app.after_request(_log)


def _start() -> None:
    g.setdefault("started", time.perf_counter())


def _log(response: Response) -> Response:
    seconds = time.perf_counter() - g.get("started", time.perf_counter())
    fields = {
        "request_id": request_id(),
        "method": request.method,
        "path": request.path,
        "status": response.status_code,
        "duration_ms": round(seconds * 1000, 2),
        "client": request.remote_addr,
        "pid": os.getpid(),
    }
    logger.info("request", extra={"fields": fields})
    return response
