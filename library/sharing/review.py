"""What an editor looks at: the submission as its resource page will show it, the validator's
findings, and resources already in the library that may be the same practice."""

from __future__ import annotations

import functools
import logging
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from indexer.contract.profiles import load as load_vocabulary
from indexer.contract.vocabulary import Vocabulary

from .. import i18n
from ..models import Document, Hit, SearchRequest
from ..search import IndexMissing
from ..search_ext import service
from . import forms
from .queue import Submission

SIMILAR = 5
logger = logging.getLogger(__name__)


def vocabulary() -> Vocabulary:
    """The vocabulary the served index was built with, else the content folder's own."""
    vocab = service().vocabulary
    if vocab.themes or vocab.types:
        return vocab
    return _content_vocabulary(current_app.config["CONTENT_DIR"])


@functools.cache
def _content_vocabulary(content_dir: str) -> Vocabulary:
    return load_vocabulary(Path(content_dir))[0]


def draft_of(sub: Submission) -> forms.Draft:
    return forms.Draft(dict(sub.fields), sub.body, dict(sub.contact))


def public_body(draft: forms.Draft, language: str) -> str:
    """The Markdown text as it will be published: with the contact details only when the
    submitter agreed to show them."""
    contact = draft.contact
    shown = [contact.get(k) for k in ("organisation", "name", "email") if contact.get(k)]
    if not (contact.get("public") and shown):
        return draft.body
    locale = language if language in i18n.supported() else i18n.ui_language()
    with force_locale(locale):
        heading = _("Contact")
    lines = "\n".join(f"- {_escape(value)}" for value in shown)
    return f"{draft.body.rstrip()}\n\n## {heading}\n\n{lines}\n"


def _escape(text: str) -> str:
    return "".join(f"\\{c}" if c in "\\`*_{}[]()#+-.!<>|" else c for c in text)


def checked(sub: Submission) -> forms.Checked:
    draft = draft_of(sub)
    draft.body = public_body(draft, str(sub.fields.get("language") or ""))
    return forms.check(draft, vocabulary(), i18n.ui_language())


def as_document(resource, sub: Submission) -> Document:
    """The dataclass the resource page renders, made from the validated submission."""
    return Document(
        id=f"shared/{sub.slug or 'new'}",
        language=resource.language,
        title=resource.title,
        summary=resource.summary,
        type=resource.type or "",
        projects=resource.projects,
        cities=resource.cities,
        countries=resource.countries,
        themes=resource.themes,
        steps=resource.steps,
        date=resource.date or "",
        html=resource.html,
        text=resource.text,
        source=resource.source or "",
        publisher=resource.publisher or "",
        path="",
        language_declared=resource.language_declared,
        language_confidence=resource.language_confidence,
        translations=[],
    )


def similar(title: str) -> list[Hit]:
    """The library's best matches for the submission's title (possible duplicates)."""
    if not title:
        return []
    request = SearchRequest(q=title, per_page=SIMILAR, ui_language=i18n.ui_language())
    try:
        return service().search(request).hits
    except IndexMissing:
        return []
