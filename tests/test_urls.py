"""Remembered addresses are the addresses Flask builds, per interface language and host."""

from __future__ import annotations

from flask import url_for

from library.urls import cached_url_for


def test_remembered_addresses_equal_flasks(app):
    cases = [
        ("pages.resource", {"doc_id": "good/housing-karvina", "language": "cs"}),
        ("pages.browse_value", {"section": "cities", "value": "karvina"}),
        ("pages.browse", {"section": "themes"}),
        ("pages.search", {"q": "bydlení ve školách"}),
        ("pages.resource", {"doc_id": "good/x", "_external": True}),
    ]
    for ui in ("en", "cs", "bg"):
        for host in ("http://localhost/", "http://example.org/"):
            with app.test_request_context(f"/{ui}/search", base_url=host):
                from flask import g

                g.ui_language = ui
                for endpoint, values in cases:
                    first = cached_url_for(endpoint, **values)
                    assert first == url_for(endpoint, **values)
                    assert cached_url_for(endpoint, **values) == first
                    assert f"/{ui}/" in first


def test_unhashable_values_are_built_every_time(app):
    with app.test_request_context("/en/search"):
        assert cached_url_for("pages.search", theme=["housing", "health"]) == url_for(
            "pages.search", theme=["housing", "health"]
        )
