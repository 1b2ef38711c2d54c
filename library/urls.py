"""Addresses built once per process: templates' ``url_for`` with a memory.

Flask's ``url_for`` costs some 25 µs, and a results page asks for dozens of addresses that
other pages asked for before (navigation, resources, cities, programmes). The address depends
only on the endpoint, its values, the interface language the blueprint adds and the request's
script root and host, so all of these form the key. Addresses with values that cannot be
hashed (lists of query arguments) are built every time.
"""

from __future__ import annotations

import threading

from flask import Flask, g, request, url_for

from . import i18n

CACHE_SIZE = 8192
_cache: dict[tuple, str] = {}
_lock = threading.Lock()


def _request_key() -> tuple:
    """What the addresses of this request depend on besides endpoint and values (worked out
    once per request: a results page asks for some fifty addresses)."""
    found = g.get("_url_key")
    if found is None or found[2] != i18n.ui_language():
        found = g._url_key = (request.host_url, request.script_root, i18n.ui_language())
    return found


def cached_url_for(endpoint: str, **values) -> str:
    try:
        key = (*_request_key(), endpoint, tuple(sorted(values.items())))
        hash(key)
    except TypeError:
        return url_for(endpoint, **values)
    found = _cache.get(key)
    if found is None:
        found = url_for(endpoint, **values)
        with _lock:
            if len(_cache) >= CACHE_SIZE:
                _cache.clear()
            _cache[key] = found
    return found


def init_app(app: Flask) -> None:
    app.jinja_env.globals["url_for"] = cached_url_for
