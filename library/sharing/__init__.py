"""Sharing: partners submit practices through the site, editors review and publish them as
Markdown files in the content folder.

Modules: ``forms`` (fields, choices, validation with the indexer's validator), ``uploads``
(attachments: limits, type by content, durable writing), ``db`` (the one module that talks
to the database, SQLite or PostgreSQL), ``queue`` (submissions and their audit trail),
``auth`` (editors), ``csrf``, ``ratelimit``, ``review`` (what editors see), ``publish``
(files into content/shared, a git commit and a background build), ``pending`` (files kept
while a form is shown again), ``notices``, ``outbox`` and ``mailer`` (e-mail through the
outbox), ``backup``, ``figures`` (counts for the metrics page), ``share_views`` and
``editor_views`` (the two blueprints). The search side never imports this package.
"""

from __future__ import annotations

import time

from flask import Flask

from . import editor_views, figures, mailer, notices, settings, share_views, state


def init_app(app: Flask) -> None:
    settings.ensure_secret_key(app)
    sharing = state.init(app)
    app.extensions[figures.EXTENSION] = lambda: figures.read(sharing.data_dir)
    for blueprint in (share_views.bp, editor_views.bp):
        app.register_blueprint(blueprint)
    app.add_template_filter(timestamp)
    mailer.init_app(app)
    notices.init_app(app)


def timestamp(seconds: float) -> str:
    """A stored time as UTC, to the minute."""
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(seconds))
