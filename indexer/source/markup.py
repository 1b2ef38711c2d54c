"""Contributed Markdown to safe HTML and to plain text.

Python-Markdown passes raw HTML, event handlers and `javascript:` links through, so its output is
always cleaned with nh3 (an allow-list sanitiser). Heading ids get a `c-` prefix so they can never
collide with the page's own ids. A bare web address in the text (a record's sources list) becomes
a link. Bump MARKUP_VERSION when the output changes (forces a rebuild).
"""

from __future__ import annotations

import html
import re
import threading
import xml.etree.ElementTree as etree

import markdown
import nh3
from markdown.treeprocessors import Treeprocessor

MARKUP_VERSION = "2"
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


# What an inline pattern's expression cannot match without: its first characters. A text that
# lacks them skips the expression (most paragraphs have no link, code, entity or emphasis), a
# third of a render; the result is the same (a test renders the library both ways).
TRIGGERS: dict[str, tuple[str, ...]] = {
    "backtick": ("`",),
    "escape": ("\\",),
    "reference": ("[",),
    "link": ("[",),
    "image_link": ("![",),
    "image_reference": ("![",),
    "short_reference": ("[",),
    "short_image_ref": ("![",),
    "autolink": ("<",),
    "automail": ("<",),
    "linebreak": ("  \n",),
    "html": ("<",),
    "entity": ("&",),
    "em_strong": ("*", "_"),
    "em_strong2": ("_",),
    "strong": ("*", "_"),
    "emphasis": ("*", "_"),
    "not_strong": ("*", "_"),
    "footnote": ("[^",),
}


# The same for block processors whose test is an expression: a heading marked with "#", a
# quote, a heading underlined on the next line.
BLOCK_TRIGGERS: dict[str, tuple[str, ...]] = {
    "hashheader": ("#",),
    "quote": (">",),
    "setextheader": ("\n=", "\n-"),
}


class _Guarded:
    """A compiled expression that answers "no match" at once for a text without any of its
    triggers, and is the expression itself otherwise."""

    def __init__(self, expression: re.Pattern, triggers: tuple[str, ...]) -> None:
        self._expression = expression
        self._triggers = triggers

    def __getattr__(self, name: str):
        return getattr(self._expression, name)

    def _absent(self, text: str) -> bool:
        return not any(trigger in text for trigger in self._triggers)

    def finditer(self, text: str, *args, **kwargs):
        return iter(()) if self._absent(text) else self._expression.finditer(text, *args, **kwargs)

    def match(self, text: str, *args, **kwargs):
        return None if self._absent(text) else self._expression.match(text, *args, **kwargs)

    def search(self, text: str, *args, **kwargs):
        return None if self._absent(text) else self._expression.search(text, *args, **kwargs)


# A bare http(s) address: parentheses inside it only in pairs (a wiki title, a CELEX number),
# so one that closes a bracket around the address is left out. \x02 and \x03 delimit
# Python-Markdown's placeholders: an escaped character (\x02 + its code + \x03, restored later
# in text and attributes alike) may be part of an address, a stashed piece of HTML may not. The
# punctuation that ends a sentence after an address (_TRAILING) is cut off the match.
_BARE_URL = re.compile(
    r"""https?://(?:[^\s<>"'()\x02\x03]|\x02\d+\x03|\([^\s<>"'()\x02\x03]*\))+""", re.IGNORECASE
)
_TRAILING = ".,;:!?]}»“”’"
_STASHED = re.compile(r"\x02wzxhzdk:(\d+)\x03")  # markdown.util.HTML_PLACEHOLDER
_RAW_OPEN = re.compile(r"<(?:a|code|pre)\b", re.IGNORECASE)
_RAW_CLOSE = re.compile(r"</(?:a|code|pre)\s*>", re.IGNORECASE)
_NOT_LINKED = {"a", "code", "pre"}


class _BareLinks(Treeprocessor):
    """Wrap each bare web address in the text in a link (Python-Markdown links only the
    bracketed forms). Runs after the inline patterns, so text inside a link, code or a
    preformatted block is left as it is, whether written in Markdown or as raw HTML tags (an
    author's own ``<a href>`` keeps its text); an address that runs into an entity or other
    stashed HTML is left as text rather than linked in part."""

    def run(self, root):
        self._raw_depth = 0  # raw <a>, <code> or <pre> tags opened and not closed yet
        self._walk(root)

    def _walk(self, parent) -> None:
        if parent.tag in _NOT_LINKED:
            return
        parent.text = self._split(parent, parent.text, 0)
        position = 0
        while position < len(parent):
            child = parent[position]
            self._walk(child)
            before = len(parent)
            child.tail = self._split(parent, child.tail, position + 1)
            position += 1 + len(parent) - before

    def _raw_change(self, number: int) -> int:
        """How many <a>, <code> or <pre> tags a stashed piece of HTML leaves open: +1 for an
        opening tag, -1 for a closing one, 0 for a whole block (a fenced code block)."""
        blocks = self.md.htmlStash.rawHtmlBlocks
        block = blocks[number] if number < len(blocks) else ""
        if not isinstance(block, str):
            return 0
        return len(_RAW_OPEN.findall(block)) - len(_RAW_CLOSE.findall(block))

    def _split(self, parent, text: str | None, at: int) -> str | None:
        """Insert a link element at ``at`` in ``parent`` for each address in ``text`` (the
        text of ``parent`` or the tail of the child before ``at``); return the text left
        before the first link."""
        # Nothing to do without an address (in any case, each has "://") or a placeholder that
        # may open or close a raw tag; most texts hold neither.
        if not text or ("://" not in text and "\x02" not in text):
            return text
        changes = [(m.start(), self._raw_change(int(m.group(1)))) for m in _STASHED.finditer(text)]
        depth, seen, spans = self._raw_depth, 0, []
        for match in _BARE_URL.finditer(text):
            while seen < len(changes) and changes[seen][0] < match.start():
                depth = max(0, depth + changes[seen][1])
                seen += 1
            address = match.group().rstrip(_TRAILING)
            end = match.start() + len(address)
            if depth or not address.partition("://")[2] or _STASHED.match(text, end):
                continue
            spans.append((match.start(), end))
        for _, change in changes[seen:]:
            depth = max(0, depth + change)
        self._raw_depth = depth
        if not spans:
            return text
        tails = [start for start, _ in spans[1:]] + [len(text)]
        for (start, end), tail_end in reversed(list(zip(spans, tails, strict=True))):
            link = etree.Element("a", {"href": text[start:end]})
            link.text = markdown.util.AtomicString(text[start:end])
            link.tail = text[end:tail_end]
            parent.insert(at, link)
        return text[: spans[0][0]]


def new_renderer(guarded: bool = True) -> markdown.Markdown:
    """A Markdown renderer with the library's extensions (``guarded``: see TRIGGERS)."""
    md = markdown.Markdown(
        extensions=EXTENSIONS,
        extension_configs={"toc": {"slugify": _slugify, "permalink": False}},
        output_format="html",
    )
    # After "inline" (20), before the footnotes' "footnote-duplicate" (15) and "unescape" (0).
    md.treeprocessors.register(_BareLinks(md), "bare_links", 17)
    if guarded:
        for name, triggers in TRIGGERS.items():
            if name in md.inlinePatterns:
                pattern = md.inlinePatterns[name]
                pattern.compiled_re = _Guarded(pattern.compiled_re, triggers)
        for name, triggers in BLOCK_TRIGGERS.items():
            if name in md.parser.blockprocessors:
                processor = md.parser.blockprocessors[name]
                processor.RE = _Guarded(processor.RE, triggers)
    return md


_renderers = threading.local()


def _renderer() -> markdown.Markdown:
    """This thread's Markdown renderer, built once (building one costs a sixth of a render)
    and reset before each document, as Python-Markdown recommends for reuse."""
    md = getattr(_renderers, "md", None)
    if md is None:
        md = _renderers.md = new_renderer()
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


# A tag as the sanitiser writes it: attribute values always quoted, a "<" in text escaped.
_TAG = re.compile(r"""<(?:[^>"']|"[^"]*"|'[^']*')*>""")
_BLOCK = re.compile(r"<(/?)(p|h\d|li|tr|br|div|pre)\b")


def to_text(safe_html: str) -> str:
    """Plain text of already-sanitised HTML (``to_html``'s), for indexing and snippets: block
    tags become spaces, every tag goes, entities are decoded. The sanitiser's output is
    well-formed, so its tags are cut out by pattern (parsing it again cost a twentieth of a
    full build)."""
    no_tags = _TAG.sub("", _BLOCK.sub(r" <\1\2", safe_html))
    return _SPACE.sub(" ", html.unescape(no_tags)).strip()
