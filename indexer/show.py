"""`python -m indexer show PATH`: what the indexer understands of one file.

Owns the plain-text description a partner reads: every parsed field, the language (declared,
detected, confidence), each attachment with the length of its text and its pages, and the
problems, all as the build would see them.
"""

from __future__ import annotations

import os
from pathlib import Path

from .contract import profiles
from .contract.fields import FIELDS
from .contract.problems import Problem
from .language import langid
from .source.readers import is_content_path
from .writing.reading import read_file

LIST_FIELDS = {"project": "projects"}


def describe(content_dir: Path, path: Path) -> tuple[str, bool]:
    """(the description, whether the file would be indexed)."""
    relpath = _relative(content_dir, path)
    if profiles.is_profile_path(relpath):
        return _describe_profile(content_dir, relpath)
    if not is_content_path(relpath):
        return (
            f"File: {relpath}\nStatus: not read by the indexer (it reads .md records, the "
            "files they attach, and PDF, DOCX and ODT files on their own, outside folders whose "
            "names start with '_' or '.'; README.md files are skipped)",
            False,
        )
    vocab, problems = profiles.load(content_dir)
    _, resource, found, _ = read_file(content_dir, relpath, vocab)
    lines = [f"File: {relpath}"]
    if resource is None:
        lines.append("Status: rejected (not indexed until the errors below are fixed)")
    else:
        lines.append(f"Status: indexed as '{resource.id}' in '{resource.language}'")
        lines += _fields(resource)
        lines += _language(resource)
        lines.append(f"Text: {len(resource.text):,} characters")
        lines += _attachments(resource)
    mine = [p for p in [*problems, *found] if p.path in (relpath, "vocabulary.yml", "cities.yml")]
    lines += _problems(mine)
    return "\n".join(lines), resource is not None


def _describe_profile(content_dir: Path, relpath: str) -> tuple[str, bool]:
    vocab, problems = profiles.load(content_dir)
    source = profiles.SourceFile(relpath, content_dir / relpath)
    profile, found = profiles.read_profile(source, vocab)
    lines = [f"File: {relpath}"]
    if profile is None:
        lines.append("Status: rejected (the city page leaves it out until the errors are fixed)")
    else:
        lines.append(f"Status: city profile of '{profile.slug}' in '{profile.language}'")
        lines.append("Fields:")
        for spec in profiles.PROFILE_FIELDS:
            value = profile.values.get(spec.name)
            if value in (None, "", [], {}):
                continue
            if isinstance(value, list) and value and isinstance(value[0], dict):
                lines.append(f"  {spec.name}: {len(value)} row{'s' if len(value) != 1 else ''}")
                lines += [f"    - {_row(row)}" for row in value]
            else:
                shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
                lines.append(f"  {spec.name}: {shown}")
        lines.append(f"Text: {len(profile.values.get('text', '')):,} characters")
    lines += _problems(found)
    return "\n".join(lines), profile is not None


def _row(row: dict) -> str:
    return "; ".join(f"{k}: {v}" for k, v in row.items())


def _relative(content_dir: Path, path: Path) -> str:
    absolute = os.path.abspath(path)
    root = os.path.abspath(content_dir)
    if os.path.commonpath([root, absolute]) != root:
        raise ValueError(f"{path} is not inside the content folder {content_dir}")
    return os.path.relpath(absolute, root).replace(os.sep, "/")


def _fields(resource) -> list[str]:
    out = []
    for spec in FIELDS:
        if spec.name == "language":
            continue
        value = getattr(resource, LIST_FIELDS.get(spec.name, spec.name), None)
        if value in (None, "", []):
            continue
        shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        out.append(f"  {spec.name}: {shown}")
    return ["Fields:", *out] if out else ["Fields: (none besides the title)"]


def _language(resource) -> list[str]:
    sample = " ".join((resource.title, resource.summary, resource.full_text))[:20000]
    detected, confidence = langid.detect(sample)
    how = "declared" if resource.language_declared else "detected"
    seen = f"{detected} ({confidence:.2f})" if detected else "undetermined"
    return [f"Language: {resource.language} ({how}); the text reads as {seen}"]


def _attachments(resource) -> list[str]:
    if not resource.files:
        return ["Attachments: none" if not resource.attachments else "Attachments: none usable"]
    out = ["Attachments:"]
    for item in resource.files:
        pages = item.get("pages") or []
        chars = sum(len(p) for p in pages)
        count = f", {len(pages)} pages" if item.get("type") == "pdf" else ""
        out.append(
            f"  {item['name']}: {item['type'].upper()}, {item['size']:,} bytes{count}, "
            f"{chars:,} characters of text"
        )
    return out


def _problems(problems: list[Problem]) -> list[str]:
    if not problems:
        return ["Problems: none"]
    return ["Problems:", *(f"  {p}" for p in sorted(problems))]
