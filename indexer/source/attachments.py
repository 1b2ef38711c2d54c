"""Partners' files beside the records: PDF, Word (DOCX), OpenDocument (ODT), HTML and plain text.

Owns finding an attached file safely (inside the content folder, named by the record), taking
its text out page by page with maintained extractors (pypdf, python-docx, odfpy; never a network
service), and caching what was taken out by the file's content hash, so an unchanged PDF is
never read twice. A file that cannot give text (broken, encrypted, a scan without a text layer)
is reported and left out; the record that lists it is still indexed.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import re
import zipfile
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from ..writing import store
from . import encoding
from .readers import DOCUMENT_SUFFIXES

ATTACHED = DOCUMENT_SUFFIXES
STANDALONE = (".pdf", ".docx", ".odt")  # indexed on their own when no record lists them
MAX_BYTES = 50_000_000
MAX_CHARS = 1_000_000  # of text taken from one file; the rest is left out
MIN_CHARS_PER_PAGE = 15  # below this on average, a PDF is a scan without a text layer
CACHE_VERSION = "1"
logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings are ours to phrase


class Unreadable(ValueError):
    """A file that gives no usable text, with the reason a partner can act on."""


@dataclass
class Extract:
    """What one file holds: text per page (one page for formats without pages) and a title."""

    pages: list[str]
    title: str = ""
    truncated: bool = False


@dataclass
class Attached:
    """An attachment as the index stores it."""

    name: str  # as the record lists it
    path: str  # relative to the content folder, with / separators
    type: str  # the suffix, without its dot
    size: int
    sha: str
    pages: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return asdict(self)

    @property
    def text(self) -> str:
        return "\n".join(self.pages)


def resolve(content_dir: Path, record: str, name: str) -> tuple[str, Path]:
    """(path relative to the content folder, absolute path) of a file a record lists; raises
    Unreadable when it is missing or would lead out of the content folder."""
    folder = os.path.dirname(record)
    relpath = os.path.normpath(os.path.join(folder, name)).replace(os.sep, "/")
    if relpath.startswith("../") or relpath == ".." or os.path.isabs(relpath):
        raise Unreadable("leads out of the content folder")
    abspath = content_dir / relpath
    root = os.path.realpath(content_dir)
    if os.path.commonpath([root, os.path.realpath(abspath)]) != root:
        raise Unreadable("is a link to a file outside the content folder and is not read")
    if not abspath.is_file():
        raise Unreadable(f"no such file: {relpath}")
    return relpath, abspath


def load(content_dir: Path, record: str, name: str) -> Attached:
    """The attachment `name` of the record at `record`, its text extracted (or from cache)."""
    relpath, abspath = resolve(content_dir, record, name)
    size = abspath.stat().st_size
    if size > MAX_BYTES:
        raise Unreadable(f"is {size:,} bytes (at most {MAX_BYTES:,})")
    data = abspath.read_bytes()
    suffix = abspath.suffix.lower()
    sha = content_sha(data)
    found = extract_cached(data, suffix, sha, relpath)
    return Attached(name, relpath, suffix[1:], size, sha, found.pages)


def content_sha(data: bytes) -> str:
    """The key extracts are cached by."""
    return hashlib.sha256(data).hexdigest()


def extract_cached(data: bytes, suffix: str, sha: str, relpath: str = "") -> Extract:
    """extract(), remembered in the cache folder by content hash."""
    folder = store.cache_dir() / f"extracts-{CACHE_VERSION}"
    cached = folder / f"{sha}{suffix}.json"
    remembered = _recall(cached)
    if remembered is not None:
        if "error" in remembered:
            raise Unreadable(remembered["error"])
        return Extract(remembered["pages"], remembered["title"], remembered["truncated"])
    try:
        found = extract(data, suffix, relpath)
    except Unreadable as err:
        _remember(folder, cached, {"error": str(err)})
        raise
    _remember(folder, cached, asdict(found))
    return found


def _recall(path: Path) -> dict | None:
    """What the cache holds for a file: {"error"} or {"pages", "title", "truncated"}; None
    when there is nothing usable."""
    try:
        found = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(found, dict):
        return None
    if isinstance(found.get("error"), str):
        return {"error": found["error"]}
    if not isinstance(found.get("pages"), list):
        return None
    return {
        "pages": found["pages"],
        "title": str(found.get("title") or ""),
        "truncated": bool(found.get("truncated")),
    }


def _remember(folder: Path, path: Path, value: dict) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        store.write_bytes(path, json.dumps(value, ensure_ascii=False).encode("utf-8"))
    except OSError:
        pass  # a cache that cannot be written only costs time


def extract(data: bytes, suffix: str, relpath: str = "") -> Extract:
    """Text of a file by its type, checked by its content (a renamed file is refused)."""
    readers = {
        ".pdf": _pdf,
        ".docx": _docx,
        ".odt": _odt,
        ".html": _html,
        ".htm": _html,
        ".txt": _txt,
    }
    if suffix not in readers:
        raise Unreadable(f"is not a supported file type ({', '.join(ATTACHED)})")
    found = readers[suffix](data, relpath)
    pages = [" ".join(page.split()) for page in found.pages]
    total = 0
    for i, page in enumerate(pages):
        if total + len(page) > MAX_CHARS:
            pages[i] = page[: max(0, MAX_CHARS - total)]
            del pages[i + 1 :]
            found.truncated = True
            break
        total += len(page)
    found.pages = pages
    if not any(pages):
        raise Unreadable("holds no text")
    return found


def _pdf(data: bytes, relpath: str) -> Extract:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not data.startswith(b"%PDF-") and b"%PDF-" not in data[:1024]:
        raise Unreadable("is not a PDF (its content does not start like one)")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception as err:  # an unsupported cipher, or one needing a library
                raise Unreadable("is encrypted (attach an unprotected copy)") from err
            if not opened:
                raise Unreadable("is encrypted with a password (attach an unprotected copy)")
        pages = [page.extract_text() or "" for page in reader.pages]
        title = ""
        if reader.metadata is not None and reader.metadata.title:
            title = str(reader.metadata.title)
    except Unreadable:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as err:
        raise Unreadable(f"is a damaged PDF ({_short(err)})") from err
    except Exception as err:  # pypdf raises many kinds on broken files
        raise Unreadable(f"is a damaged PDF ({_short(err)})") from err
    if not pages:
        raise Unreadable("is a PDF without pages")
    if sum(len(p.strip()) for p in pages) < MIN_CHARS_PER_PAGE * len(pages):
        raise Unreadable(
            "is a PDF without a text layer (a scanned image): run it through OCR, or attach "
            "a version with text"
        )
    return Extract(pages, title)


def _zip(data: bytes, kind: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as err:
        raise Unreadable(f"is not a {kind} file (its content is not one)") from err


def _docx(data: bytes, relpath: str) -> Extract:
    import docx

    archive = _zip(data, "Word (DOCX)")
    if "word/document.xml" not in archive.namelist():
        raise Unreadable("is not a Word (DOCX) file (its content is not one)")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as err:  # python-docx and lxml raise many kinds on broken files
        raise Unreadable(f"is a damaged Word file ({_short(err)})") from err
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" ".join(cell.text for cell in row.cells))
    title = document.core_properties.title or ""
    return Extract(["\n".join(lines)], title)


def _odt(data: bytes, relpath: str) -> Extract:
    from odf import opendocument, teletype, text

    archive = _zip(data, "OpenDocument")
    try:
        mimetype = archive.read("mimetype").decode("ascii", "replace")
    except KeyError as err:
        raise Unreadable("is not an OpenDocument file (its content is not one)") from err
    if mimetype.strip() != "application/vnd.oasis.opendocument.text":
        raise Unreadable(f"is not an OpenDocument text ({mimetype.strip()[:60]})")
    try:
        document = opendocument.load(io.BytesIO(data))
        lines = [teletype.extractText(node) for node in document.getElementsByType(text.P)]
        lines += [teletype.extractText(node) for node in document.getElementsByType(text.H)]
        title = ""
        for node in document.meta.childNodes:
            if getattr(node, "qname", (None, None))[1] == "title":
                title = teletype.extractText(node)
    except Exception as err:  # odfpy raises many kinds on broken files
        raise Unreadable(f"is a damaged OpenDocument file ({_short(err)})") from err
    return Extract(["\n".join(lines)], title)


class _HTMLText(HTMLParser):
    SKIPPED = {"script", "style", "template", "noscript"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: list[str] = []
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self._skip += 1
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        if tag in self.SKIPPED and self._skip:
            self._skip -= 1
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title.append(data)
        elif not self._skip:
            self.parts.append(data)


def _html(data: bytes, relpath: str) -> Extract:
    parser = _HTMLText()
    parser.feed(_decoded(data, relpath))
    parser.close()
    return Extract([" ".join(parser.parts)], " ".join("".join(parser.title).split()))


def _txt(data: bytes, relpath: str) -> Extract:
    return Extract([_decoded(data, relpath)])


def _decoded(data: bytes, relpath: str) -> str:
    try:
        text = encoding.decode(data, relpath).text
    except encoding.Undecodable as err:
        raise Unreadable(str(err)) from err
    if "\x00" in text:
        raise Unreadable("is not a text file (it contains NUL bytes)")
    return text


def _short(err: Exception) -> str:
    return re.sub(r"\s+", " ", str(err) or type(err).__name__)[:120]


def title_from_name(relpath: str) -> str:
    """A readable title from a file name: 'action-plan_2015.pdf' → 'Action plan 2015'."""
    stem = os.path.splitext(os.path.basename(relpath))[0]
    words = re.sub(r"[_\-.]+", " ", stem).strip()
    return (words[:1].upper() + words[1:]) if words else relpath
