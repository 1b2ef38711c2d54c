"""Opens the search service once per process and hands it to the views."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from .search import SearchService

EXTENSION = "library_search"


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = SearchService(Path(app.config["INDEX_DIR"]))


def service() -> SearchService:
    return current_app.extensions[EXTENSION]


def service_of(app: Flask) -> SearchService:
    return app.extensions[EXTENSION]
