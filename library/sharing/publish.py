"""Publishing an accepted submission: a Markdown file and its attachments in content/shared/,
then an incremental index build in the background so the resource is found seconds later.

Every path is made from a safe slug, resolved and checked to stay inside the content folder.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from indexer.contract.fields import FIELD_NAMES
from indexer.contract.vocabulary import language_codes
from indexer.writing.build import build
from indexer.writing.store import BuildLockTimeout

from . import uploads
from .queue import Submission

FOLDER = "shared"
MAX_SLUG = 80
SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")

logger = logging.getLogger(__name__)


class UnsafePath(ValueError):
    """A slug or path that could leave the content folder or name a reserved file."""


@dataclass(frozen=True)
class Published:
    path: str  # relative to the content folder, with / separators
    resource_id: str
    attachments: list[str]


def slugify(text: str) -> str:
    """Letters and digits of any script folded to ASCII, words joined by '-'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = "-".join(words)[:MAX_SLUG].strip("-")
    return slug or "practice"


def check_slug(slug: str) -> str:
    """The slug when it is safe as one file name; UnsafePath otherwise."""
    if not slug or "\x00" in slug or "/" in slug or "\\" in slug or ".." in slug:
        raise UnsafePath(f"not a safe name: {slug!r}")
    if os.path.isabs(slug) or not SLUG_RE.match(slug):
        raise UnsafePath(f"not a safe name: {slug!r} (a-z, 0-9 and '-')")
    if slug.split(".")[0] in uploads.RESERVED:
        raise UnsafePath(f"a reserved name: {slug!r}")
    return slug


def inside(content_dir: Path, relative: str) -> Path:
    """content_dir / relative, resolved; UnsafePath when it would be anywhere else."""
    if "\x00" in relative or "\\" in relative or os.path.isabs(relative):
        raise UnsafePath(f"not a relative path: {relative!r}")
    if any(part in ("", ".", "..") for part in relative.split("/")):
        raise UnsafePath(f"not a plain path: {relative!r}")
    root = content_dir.resolve()
    target = (root / relative).resolve()
    if not target.is_relative_to(root) or target == root:
        raise UnsafePath(f"outside the content folder: {relative!r}")
    return target


def _taken(folder: Path, slug: str) -> bool:
    if (folder / slug).exists():
        return True
    return any(folder.glob(f"{slug}.md")) or any(folder.glob(f"{slug}.*.md"))


def free_slug(content_dir: Path, wanted: str) -> str:
    """wanted, or wanted-2, wanted-3…: no file or folder of that name in content/shared."""
    slug = check_slug(wanted)
    folder = inside(content_dir, FOLDER)
    n = 2
    while _taken(folder, slug):
        suffix = f"-{n}"
        slug = check_slug(wanted[: MAX_SLUG - len(suffix)].rstrip("-") + suffix)
        n += 1
    return slug


def front_matter(sub: Submission, language: str, files: list[str]) -> dict:
    """The front matter of the published file: the submission's fields and its attachments."""
    order = {name: i for i, name in enumerate(FIELD_NAMES)}
    items = sorted(sub.fields.items(), key=lambda kv: order.get(kv[0], len(order)))
    meta = {k: v for k, v in items if v not in (None, "", [])}
    if language:
        meta["language"] = language
    if files:
        meta["attachments"] = files
    return meta


def markdown(meta: dict, body: str) -> str:
    head = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, default_flow_style=False)
    return f"---\n{head}---\n\n{body.strip()}\n"


def write(content_dir: Path, data_dir: Path, sub: Submission, language: str, body: str):
    """Write content/shared/<slug>.<lang>.md and content/shared/<slug>/<files>; never outside
    content_dir, never over an existing file."""
    slug = free_slug(content_dir, sub.slug or slugify(sub.title))
    folder = inside(content_dir, FOLDER)
    folder.mkdir(parents=True, exist_ok=True)
    files: list[str] = []
    taken: set[str] = set()
    if sub.attachments:
        target = inside(content_dir, f"{FOLDER}/{slug}")
        target.mkdir()
        for attachment in sub.attachments:
            name = uploads.unique_name(uploads.safe_name(attachment.name, attachment.kind), taken)
            taken.add(name)
            _write_new(
                inside(content_dir, f"{FOLDER}/{slug}/{name}"),
                uploads.read(data_dir, attachment.stored),
            )
            files.append(f"{slug}/{name}")
    language = language if language in language_codes() else ""
    filename = f"{slug}.{language}.md" if language else f"{slug}.md"
    relative = f"{FOLDER}/{filename}"
    text = markdown(front_matter(sub, language, files), body)
    _write_new(inside(content_dir, relative), text.encode("utf-8"))
    return Published(relative, f"{FOLDER}/{slug}", files)


def _write_new(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def start_build(content_dir: Path, index_dir: Path) -> threading.Thread:
    """An incremental build in a background thread of this process, so a published file is
    found within seconds (the build's dictionaries stay loaded for the next one). One worker:
    a serving process never forks build processes under its requests; a rebuild of the whole
    library (a changed vocabulary) is left to `python -m indexer build` or to `python app.py`.
    Builds take the index's lock, so several in a row wait for each other."""

    def run() -> None:
        try:
            report = build(content_dir, index_dir, say=logger.info, workers=1)
        except (OSError, BuildLockTimeout) as err:
            logger.error("the build after publishing failed: %s", err)
            return
        logger.info("after publishing: %s", report.summary())

    thread = threading.Thread(target=run, name="publish-build", daemon=True)
    thread.start()
    return thread


GIT_SECONDS = 30
COMMITTER = ("Roma Inclusion Library", "library@localhost")


def commit(content_dir: Path, done: Published, editor: str, email: str = "") -> bool:
    """When the content folder is the top of a git work tree, commit the published file and
    its attachments (only those) with the editor as the author. Anything else (no git, not a
    work tree, or the content folder inside another project's tree) is quietly left alone;
    a commit that fails is logged and publishing stands."""
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    top = _git(content_dir, env, "rev-parse", "--show-toplevel")
    if top is None or Path(top.strip()).resolve() != content_dir.resolve():
        return False
    if not _configured(content_dir, env):
        env |= {"GIT_COMMITTER_NAME": COMMITTER[0], "GIT_COMMITTER_EMAIL": COMMITTER[1]}
    paths = [done.path, *(f"{FOLDER}/{name}" for name in done.attachments)]
    author = f"{editor or 'editor'} <{email}>"
    if _git(content_dir, env, "add", "--", *paths) is None:
        return False
    message = f"Publish {done.path}\n\nShared through the site, reviewed by {editor}."
    done_commit = _git(
        content_dir, env, "commit", "--quiet", "--no-verify", "-m", message, f"--author={author}",
        "--", *paths,
    )  # fmt: skip
    return done_commit is not None


def _git(folder: Path, env: dict, *args: str) -> str | None:
    """Run git in folder; its output, or None when git is missing or says no."""
    try:
        result = subprocess.run(
            ["git", "-C", str(folder), *args],
            capture_output=True, text=True, env=env, timeout=GIT_SECONDS, check=False,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as err:
        logger.info("git %s in %s: %s", args[0], folder, err)
        return None
    if result.returncode != 0:
        if args[0] != "rev-parse":  # not a work tree is the ordinary case
            logger.warning("git %s in %s failed: %s", args[0], folder, result.stderr.strip())
        return None
    return result.stdout


def _configured(folder: Path, env: dict) -> bool:
    """Whether git knows who commits here (else the library signs as the committer)."""
    if "GIT_COMMITTER_EMAIL" in env:
        return True
    try:
        result = subprocess.run(
            ["git", "-C", str(folder), "config", "user.email"],
            capture_output=True, text=True, env=env, timeout=GIT_SECONDS, check=False,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return True  # git is missing: the command itself will say so
    return bool(result.stdout.strip())
