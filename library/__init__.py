"""The web application: browsing and search over the index that `indexer` builds.

`create_app` reads like a table of contents: settings, then each module wires itself up.
Only `library.search` talks to Whoosh.
"""

from __future__ import annotations

from flask import Flask

from .config import ROOT, Config


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder="static",
    )
    app.config.from_object(Config)
    app.config.from_prefixed_env("LIBRARY")
    if overrides:
        app.config.update(overrides)

    from . import errors, health, i18n, metrics, requestlog, search_ext, security, sharing, urls
    from .api import contract as apicontract
    from .api import docs as apidocs  # noqa: F401 (adds /<ui>/api to the pages)
    from .api import openapi
    from .api import views as api
    from .cities import views as cities
    from .compare import views as compare
    from .opendata import exports, feeds, findable, metadata, outlinks, statistics
    from .pages import contribute, files, views

    i18n.init_app(app)
    search_ext.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    requestlog.init_app(app)
    metrics.init_app(app)
    views.init_app(app)
    cities.init_app(app)
    compare.init_app(app)
    urls.init_app(app)
    api.init_app(app)
    apicontract.init_app(app)
    exports.init_app(app)
    contribute.init_app(app)
    files.init_app(app)
    sharing.init_app(app)
    feeds.init_app(app)
    findable.init_app(app)
    openapi.init_app(app)
    statistics.init_app(app)
    outlinks.init_app(app)
    metadata.init_app(app)
    health.init_app(app)
    return app
