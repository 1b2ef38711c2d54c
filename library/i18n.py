"""The interface language: taken from the URL prefix (/cs/...), chosen by Accept-Language for
bare paths, and handed to Flask-Babel."""

from __future__ import annotations

from flask import Blueprint, Flask, abort, current_app, g, request
from flask_babel import Babel, get_locale, get_translations
from jinja2 import pass_eval_context
from markupsafe import Markup


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=ui_language)
    _install_template_gettext(app)


def _install_template_gettext(app: Flask) -> None:
    """Templates' ``_``, ``gettext``, ``ngettext`` and their ``p`` forms, as Jinja's new-style
    gettext behaves (the text made safe markup when escaping is on, then always formatted
    with the variables, escaped), but with each locale's catalogue looked up once and called
    directly: Flask-Babel's look the catalogue up at every call (its domain, the locale's
    identifier string, the cache) through two layers of Jinja calls, some 9 µs each, and a
    results page has about seventy of them."""
    catalogues: dict[tuple | None, object] = {}

    def catalogue():
        locale = get_locale()
        key = None if locale is None else _locale_key(locale)
        found = catalogues.get(key)
        if found is None:
            found = get_translations()
            if key is not None:
                catalogues[key] = found
        return found

    def formatted(eval_ctx, text: str, variables: dict):
        if eval_ctx.autoescape:
            text = Markup(text)
        # Always a format string, as in Jinja: "%%" reads "%" even without variables.
        return text % variables if variables or "%" in text else text

    @pass_eval_context
    def gettext(eval_ctx, string, **variables):
        return formatted(eval_ctx, catalogue().ugettext(string), variables)

    @pass_eval_context
    def ngettext(eval_ctx, singular, plural, num, **variables):
        variables.setdefault("num", num)
        return formatted(eval_ctx, catalogue().ungettext(singular, plural, num), variables)

    @pass_eval_context
    def pgettext(eval_ctx, context, string, **variables):
        return formatted(eval_ctx, catalogue().upgettext(context, string), variables)

    @pass_eval_context
    def npgettext(eval_ctx, context, singular, plural, num, **variables):
        variables.setdefault("num", num)
        text = catalogue().unpgettext(context, singular, plural, num)
        return formatted(eval_ctx, text, variables)

    app.jinja_env.globals.update(
        _=gettext, gettext=gettext, ngettext=ngettext, pgettext=pgettext, npgettext=npgettext
    )


def _locale_key(locale) -> tuple:
    return (locale.language, locale.territory, locale.script, locale.variant)


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
