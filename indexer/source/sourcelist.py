"""The sources a record's body lists: each list item that begins with a web address, with what
the page supports in the record when the item goes on after a dash (`- URL — what it supports`).

The authoring guide asks for one such line per source under the body's sources heading; the
list is read from any list in the body, so a record whose heading is in a language the library
does not know still gives its sources. Items that do not begin with an address (a document held
by the library, a book) are not sources in this sense and are left to the body.
"""

from __future__ import annotations

import re

_ITEM = re.compile(r"^[ \t]{0,3}[-*+][ \t]+(?P<rest>https?://\S.*?)[ \t]*$", re.MULTILINE)
_ADDRESS = re.compile(r"https?://\S+")
_DASH = re.compile(r"^[ \t]*[—–-][ \t]+")
_TRAILING = ".,;:"
MAX_SOURCES = 200


def listed_sources(body: str) -> list[dict]:
    """[{url, supports}] in the order the body lists them, each address once."""
    found: list[dict] = []
    seen: set[str] = set()
    for item in _ITEM.finditer(body):
        rest = item.group("rest")
        url = _ADDRESS.match(rest).group().rstrip(_TRAILING)
        supports = _DASH.sub("", rest[len(url) :].strip(), count=1).strip()
        if not any(character.isalnum() for character in supports):
            supports = ""  # only the punctuation that ended the line
        if url not in seen:
            seen.add(url)
            found.append({"url": url, "supports": supports})
        if len(found) == MAX_SOURCES:
            break
    return found
