"""Attachments sent with a submission: limits, type checked by content, durable writing.

A file's type is read from its first bytes (and, for DOCX and ODT, from the zip's entries),
never from its name or the browser's claim. Files are written and fsynced before the
submission's transaction commits, so a "received" page means the file is on disk.
"""

from __future__ import annotations

import io
import os
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from . import db

MAX_FILE_BYTES = 10 * 1024 * 1024  # one attachment
MAX_TOTAL_BYTES = 25 * 1024 * 1024  # all attachments of one submission
MAX_FILES = 5
MAX_FORM_BYTES = 3 * 1024 * 1024  # the text fields of the form (the Markdown text included)
MAX_REQUEST_BYTES = MAX_TOTAL_BYTES + MAX_FORM_BYTES  # Flask's max_content_length for the form
KINDS = ("pdf", "docx", "odt", "txt", "html")
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
# What a file's extension claims; a file whose content is another kind is refused (an HTML page
# named .pdf, a program named .docx). Text and HTML may carry each other's extension.
CLAIMS = {
    "pdf": {"pdf"},
    "docx": {"docx"},
    "odt": {"odt"},
    "txt": {"txt", "html"},
    "text": {"txt", "html"},
    "md": {"txt", "html"},
    "html": {"html", "txt"},
    "htm": {"html", "txt"},
}
RESERVED = {"con", "prn", "aux", "nul"} | {f"{p}{n}" for p in ("com", "lpt") for n in range(10)}


class Refused(ValueError):
    """An attachment that is not accepted; `reason` is one of REASONS, `name` the file."""

    def __init__(self, reason: str, name: str):
        super().__init__(f"{name}: {reason}")
        self.reason = reason
        self.name = name


@dataclass(frozen=True)
class Upload:
    name: str  # safe file name with the extension of its real type
    kind: str
    data: bytes


def sniff(data: bytes) -> str | None:
    """The kind of a file from its content, or None when it is none of KINDS."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    text = _as_text(data)
    if text is None:
        return None
    head = text.lstrip()[:512].lower()
    if head.startswith(("<!doctype html", "<html")) or "<html" in head:
        return "html"
    return "txt"


def _zip_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names and "[Content_Types].xml" in names:
                return "docx"
            if "mimetype" in names and "content.xml" in names:
                if archive.read("mimetype").strip() == ODT_MIMETYPE:
                    return "odt"
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return None
    return None


def _as_text(data: bytes) -> str | None:
    if b"\x00" in data:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    head = text[:4096]
    controls = [c for c in head if unicodedata.category(c) == "Cc" and c not in "\t\n\r\f"]
    return None if controls else text


def safe_name(filename: str, kind: str) -> str:
    """A file name made of safe characters, ending in the extension of its real kind."""
    base = unicodedata.normalize("NFKD", os.path.basename(filename.replace("\\", "/")))
    base = base.encode("ascii", "ignore").decode("ascii")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = _UNSAFE.sub("-", stem).strip("-._")[:80] or "attachment"
    if stem.lower() in RESERVED:
        stem = f"{stem}-file"
    return f"{stem}.{kind}"


def check(files: list[tuple[str, bytes]], already: int = 0, already_bytes: int = 0) -> list[Upload]:
    """Accept (filename, data) pairs or raise Refused for the first that breaks a rule."""
    accepted: list[Upload] = []
    total = already_bytes
    if already + len(files) > MAX_FILES:
        raise Refused("too-many", files[-1][0])
    taken: set[str] = set()
    for filename, data in files:
        if len(data) > MAX_FILE_BYTES:
            raise Refused("too-large", filename)
        total += len(data)
        if total > MAX_TOTAL_BYTES:
            raise Refused("too-large-total", filename)
        if not data:
            raise Refused("empty", filename)
        kind = sniff(data)
        claimed = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        if kind is None or (claimed in CLAIMS and kind not in CLAIMS[claimed]):
            raise Refused("type", filename)
        name = unique_name(safe_name(filename, kind), taken)
        taken.add(name)
        accepted.append(Upload(name, kind, data))
    return accepted


def unique_name(name: str, taken: set[str]) -> str:
    """name, or name-2, name-3… (before the extension) when it is taken."""
    stem, ext = name.rsplit(".", 1)
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{stem}-{n}.{ext}", n + 1
    return candidate


def write(data_dir: Path, upload: Upload) -> str:
    """Write one file under the uploads folder with fsync; return its path under that folder."""
    folder = db.uploads_dir(data_dir)
    stored = f"{secrets.token_hex(16)}.{upload.kind}"
    path = folder / stored
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        view = memoryview(upload.data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)
    db.fsync_dir(folder)
    return stored


def path_of(data_dir: Path, stored: str) -> Path:
    """The file of a stored upload (names are made by `write`; anything else is refused)."""
    if not re.fullmatch(r"[0-9a-f]{32}\.[a-z]{3,4}", stored):
        raise ValueError(f"not an upload: {stored!r}")
    return db.uploads_dir(data_dir) / stored


def read(data_dir: Path, stored: str) -> bytes:
    return path_of(data_dir, stored).read_bytes()
