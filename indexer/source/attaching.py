"""Joining attached files to the records that list them, and indexing files that have none.

Owns the rule that decides what an attachment-type file in the content folder is: part of the
records that list it, a resource of its own (a PDF, DOCX or ODT no record lists), or nothing
(an HTML or text file no record lists).
"""

from __future__ import annotations

import os
from pathlib import Path

from ..contract.problems import WARNING, Problem
from ..contract.validate import UNDETERMINED, Resource
from ..language import langid
from . import attachments
from .attachments import STANDALONE, Unreadable
from .readers import SUFFIX


def is_record(relpath: str) -> bool:
    return relpath.endswith(SUFFIX)


def attach(content_dir: Path, resource: Resource, problems: list[Problem]) -> None:
    """Extract every file the record lists into resource.files; report those that give none."""
    for name in resource.attachments:
        try:
            found = attachments.load(content_dir, resource.path, name)
        except (Unreadable, OSError) as err:
            reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
            problems.append(
                Problem(
                    resource.path,
                    resource.attachments_line,
                    "attachments",
                    f"'{name}' {reason}; left out",
                    WARNING,
                )
            )
            continue
        resource.files.append(found.to_json())


def deps(resource: Resource) -> tuple[str, ...]:
    """The content-folder paths a record's index entry depends on besides its own file."""
    folder = os.path.dirname(resource.path)
    return tuple(
        os.path.normpath(os.path.join(folder, name)).replace(os.sep, "/")
        for name in resource.attachments
    )


def standalone(content_dir: Path, relpath: str, data: bytes, sha: str) -> Resource:
    """A resource made of a document that no record lists (raises Unreadable)."""
    suffix = os.path.splitext(relpath)[1].lower()
    if suffix not in STANDALONE:
        raise Unreadable("is not a document that can stand alone")
    if len(data) > attachments.MAX_BYTES:
        raise Unreadable(f"is {len(data):,} bytes (at most {attachments.MAX_BYTES:,})")
    sha256 = attachments.content_sha(data)
    found = attachments.extract_cached(data, suffix, sha256, relpath)
    text = "\n".join(found.pages)
    language, confidence = langid.detect(text[:20000])
    attached = attachments.Attached(
        os.path.basename(relpath),
        relpath,
        suffix[1:],
        len(data),
        sha256,
        found.pages,
    )
    title = " ".join(found.title.split())[:300] or attachments.title_from_name(relpath)
    return Resource(
        path=relpath,
        sha=sha,
        id=os.path.splitext(relpath)[0],
        language=language or UNDETERMINED,
        title=title,
        language_declared=False,
        language_confidence=confidence,
        files=[attached.to_json()],
    )


def needs_record(resource: Resource) -> Problem:
    return Problem(
        resource.path,
        1,
        "file",
        f"has no record: indexed as '{resource.title}' in the detected language "
        f"'{resource.language}'; describe it in a .md record that lists it under 'attachments'",
        WARNING,
    )
