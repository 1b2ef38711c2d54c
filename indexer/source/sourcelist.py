"""The sources a record's body lists: each list item that begins with a link to a web page, with
what the page supports in the record when the item goes on after a dash (`- URL — what it
supports`).

They are read from the rendered, sanitised body (`markup.to_html`), so a source's address is
exactly the link the page shows, its note is plain text, and nothing in a code block or a
comment counts. The authoring guide asks for one such line per source under the body's sources
heading; any list is read, so a heading in a language the library does not know still gives
them. Items that do not begin with a link (a document held by the library, a book) are left to
the body. Bump SOURCES_VERSION when what this reads changes (it is part of the index's
fingerprint and of the profile cache's key, so both are read again).

The same items are what `without_sources` takes out of the body before it is indexed: a source
line's note (and the words a reviewer noted to bring its page up) describe another page, and
would otherwise make the record match searches about other towns and topics.
"""

from __future__ import annotations

import html
import re

from .markup import to_text

SOURCES_VERSION = "2"
# A list item whose first content is a link; the rest runs to the item's end, a nested list or
# the end of its first paragraph. The sanitiser writes attributes quoted and well-formed.
_ITEM = re.compile(
    r'<li>\s*(?:<p>\s*)?<a href="(?P<href>[^"]*)"[^>]*>.*?</a>(?P<rest>.*?)(?=</li>|<ul|<ol|</p>)',
    re.DOTALL,
)
_LEAD = re.compile(r"^[\s—–:-]+")
MAX_SOURCES = 200


def _web_address(item: re.Match) -> str | None:
    """The address of a list item `_ITEM` matched, when it is a link to a web page."""
    url = html.unescape(item.group("href"))
    return url if url.lower().startswith(("http://", "https://")) else None


def listed_sources(safe_html: str) -> list[dict]:
    """[{url, supports}] in the order the body lists them, each address once."""
    found: list[dict] = []
    seen: set[str] = set()
    if "<li>" not in safe_html:
        return found
    for item in _ITEM.finditer(safe_html):
        url = _web_address(item)
        if url is None or url in seen:
            continue
        supports = _LEAD.sub("", to_text(item.group("rest"))).strip()
        if not any(character.isalnum() for character in supports):
            supports = ""  # only the punctuation that ended the line
        seen.add(url)
        found.append({"url": url, "supports": supports})
        if len(found) == MAX_SOURCES:
            break
    return found


def without_sources(safe_html: str) -> str:
    """The body without the source lines `listed_sources` reads (each link to a web page that
    opens a list item, with its note): what a search should match is the record's own text."""
    if "<li>" not in safe_html:
        return safe_html

    def drop(item: re.Match) -> str:
        return item.group(0) if _web_address(item) is None else "<li>"

    return _ITEM.sub(drop, safe_html)
