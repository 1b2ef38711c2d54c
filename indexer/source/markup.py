"""Contributed Markdown to safe HTML and to plain text.

Python-Markdown passes raw HTML, event handlers and `javascript:` links through, so its output is
always cleaned with nh3 (an allow-list sanitiser). Heading ids get a `c-` prefix so they can never
collide with the page's own ids. Bump MARKUP_VERSION when the output changes (forces a rebuild).
"""

from __future__ import annotations

import html
import re
import threading

import markdown
import nh3

MARKUP_VERSION = "1"
EXTENSIONS = ["tables", "footnotes", "sane_lists", "fenced_code", "toc"]
TAGS = set(nh3.ALLOWED_TAGS) | {"sup", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "pre", "code"}
TAGS -= {"img"}  # no remote images: the site loads no external assets
ATTRIBUTES = {
    "a": {"href", "title"},
    "h1": {"id"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "h5": {"id"},
    "h6": {"id"},
    "li": {"id"},
    "sup": {"id"},
    "th": {"align"},
    "td": {"align"},
    "abbr": {"title"},
}
ALLOWED_CLASSES = {
    "a": {"footnote-ref", "footnote-backref"},
    "div": {"footnote"},
}
URL_SCHEMES = {"http", "https", "mailto"}
_SPACE = re.compile(r"\s+")


def _slugify(value: str, separator: str) -> str:
    from markdown.extensions.toc import slugify_unicode

    return "c-" + slugify_unicode(value, separator)


_renderers = threading.local()


def _renderer() -> markdown.Markdown:
    """This thread's Markdown renderer, built once (building one costs a sixth of a render)
    and reset before each document, as Python-Markdown recommends for reuse."""
    md = getattr(_renderers, "md", None)
    if md is None:
        md = _renderers.md = markdown.Markdown(
            extensions=EXTENSIONS,
            extension_configs={"toc": {"slugify": _slugify, "permalink": False}},
            output_format="html",
        )
    return md.reset()


def to_html(text: str) -> str:
    """Render Markdown and keep only safe markup."""
    raw = _renderer().convert(text)
    return nh3.clean(
        raw,
        tags=TAGS,
        attributes=ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow ugc",
        strip_comments=True,
    )


def to_text(safe_html: str) -> str:
    """Plain text of already-sanitised HTML, for indexing and snippets."""
    no_tags = nh3.clean(
        re.sub(r"<(/?)(p|h\d|li|tr|br|div|pre)\b", r" <\1\2", safe_html), tags=set()
    )
    return _SPACE.sub(" ", html.unescape(no_tags)).strip()
