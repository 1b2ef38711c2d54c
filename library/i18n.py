"""The interface language: taken from the URL prefix (/cs/...), chosen by Accept-Language for
bare paths, and handed to Flask-Babel."""

from __future__ import annotations

from flask import Blueprint, Flask, abort, current_app, g, request
from flask_babel import Babel


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=ui_language)


def ui_language() -> str:
    return g.get("ui_language") or current_app.config["DEFAULT_UI_LANGUAGE"]


def supported() -> tuple[str, ...]:
    return current_app.config["UI_LANGUAGES"]


def best_language() -> str:
    """The visitor's preferred interface language among those we have."""
    return (
        request.accept_languages.best_match(supported())
        or current_app.config["DEFAULT_UI_LANGUAGE"]
    )


PREFIXED: set[str] = set()  # blueprints whose pages exist in every interface language


def prefixed(bp: Blueprint) -> Blueprint:
    """Make a blueprint under `/<ui>/` take the interface language from its address (404 for
    an unsupported one) and put it back into the addresses it builds; its pages offer the
    language switch."""
    PREFIXED.add(bp.name)
    bp.url_value_preprocessor(_take_language)
    bp.url_defaults(_add_language)
    return bp


def _take_language(endpoint, values) -> None:
    ui = (values or {}).pop("ui", None)
    if ui not in supported():
        abort(404)
    g.ui_language = ui


def _add_language(endpoint, values) -> None:
    values.setdefault("ui", ui_language())
