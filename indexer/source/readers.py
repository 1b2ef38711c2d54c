"""Reading content files: finding them, decoding them and splitting YAML front matter from body.

Owns the YAML dialect of the content folder: only `true`/`false` are booleans (so `NO` stays
Norway) and dates stay strings (the validator parses them). Knows nothing about fields.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter
import yaml

from ..contract.problems import WARNING, Problem
from . import encoding

SUFFIX = ".md"
DOCUMENT_SUFFIXES = (".pdf", ".docx", ".odt", ".html", ".htm", ".txt")  # see `attachments`
IGNORED_NAMES = {"README.md"}
PROFILES_FOLDER = "cities"  # city profiles (see contract.profiles), never resources
LANG_SUFFIX = re.compile(r"^(?P<stem>.+)\.(?P<lang>[a-z]{2,3})$")
MAX_FILE_BYTES = 2_000_000
YAML11_BOOLEANS = {"yes", "no", "y", "n", "on", "off"}
MAX_NESTING = 50
NOT_TEXT = "contains NUL bytes, so it is not a text file (save it as Markdown text)"
CONTROL = re.compile(r"[\x01-\x08\x0b\x0e-\x1f\x7f]")  # never in a text file (\f is allowed)


# libyaml's parser when PyYAML was built with it (several times quicker), else PyYAML's own.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ContentLoader(_SAFE_LOADER):
    """A safe loader with YAML 1.2-style booleans and no implicit dates or times."""


def _keep_only_true_false() -> None:
    resolvers = {}
    for first, entries in yaml.SafeLoader.yaml_implicit_resolvers.items():
        kept = [
            (tag, regexp)
            for tag, regexp in entries
            if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
        ]
        if kept:
            resolvers[first] = kept
    ContentLoader.yaml_implicit_resolvers = resolvers
    ContentLoader.add_implicit_resolver(
        "tag:yaml.org,2002:bool",
        re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"),
    )


_keep_only_true_false()


@dataclass
class SourceFile:
    """A content file found on disk, before it is read."""

    relpath: str  # with / separators, relative to the content folder
    abspath: Path


@dataclass
class RawDocument:
    """A decoded file: front matter as plain data, with the line of every key and list item."""

    relpath: str
    sha: str
    meta: dict = field(default_factory=dict)
    body: str = ""
    lines: dict[str, int] = field(default_factory=dict)
    item_lines: dict[str, list[int]] = field(default_factory=dict)
    body_line: int = 1

    def line(self, key: str, index: int | None = None) -> int:
        if index is not None and index < len(self.item_lines.get(key, [])):
            return self.item_lines[key][index]
        return self.lines.get(key, 1)


def content_files(content_dir: Path) -> list[tuple[str, os.DirEntry]]:
    """(relative path with / separators, directory entry) of every Markdown file and every
    document that can be attached below content_dir, in path order, skipping READMEs,
    `_`/`.` folders and files, and the city profiles' folder. Symbolic links to folders are
    not followed. A library of 100,000 files is listed in a fraction of a second."""
    found: list[tuple[str, os.DirEntry]] = []
    pending = [("", str(content_dir))]
    while pending:
        prefix, folder = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue  # an unreadable folder holds nothing we can index
        for entry in entries:
            name = entry.name
            if name.startswith(("_", ".")) or (not prefix and name == PROFILES_FOLDER):
                continue
            if entry.is_dir(follow_symlinks=False):
                pending.append((f"{prefix}{name}/", entry.path))
            elif _content_name(name):
                found.append((prefix + name, entry))
    found.sort(key=lambda item: item[0])
    return found


def is_content_path(relpath: str) -> bool:
    """Whether content_files would list this path (relative, with / separators)."""
    parts = relpath.split("/")
    if len(parts) > 1 and parts[0] == PROFILES_FOLDER:
        return False
    return not any(part.startswith(("_", ".")) for part in parts) and _content_name(parts[-1])


def _content_name(name: str) -> bool:
    """A Markdown record (not a README) or a document that can be attached, by its name."""
    if name.endswith(SUFFIX):
        return name not in IGNORED_NAMES
    return name.lower().endswith(DOCUMENT_SUFFIXES)


def find_files(content_dir: Path) -> Iterator[SourceFile]:
    """Every Markdown file below content_dir that is a regular file (see ``content_files``)."""
    for rel, entry in content_files(content_dir):
        if rel.endswith(SUFFIX) and os.path.isfile(entry.path):
            yield SourceFile(rel, Path(entry.path))


def file_sha(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def read(source: SourceFile, data: bytes | None = None) -> tuple[RawDocument | None, list[Problem]]:
    """Decode and split one file. Returns (document, problems); document is None when unusable."""
    rel = source.relpath
    if data is None:
        data = source.abspath.read_bytes()
    if len(data) > MAX_FILE_BYTES:
        return None, [
            Problem(rel, 1, "file", f"file is {len(data):,} bytes (at most {MAX_FILE_BYTES:,})")
        ]
    sha = file_sha(data)
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [Problem(rel, 1, "file", NOT_TEXT)]
    try:
        decoded = encoding.decode(data, rel)
    except encoding.Undecodable as err:
        line = data[: err.offset].count(b"\n") + 1
        return None, [Problem(rel, line, "file", f"{err}; save the file as UTF-8")]
    text = decoded.text
    warnings = []
    if decoded.legacy:
        warnings.append(
            Problem(rel, 1, "file", encoding.save_as_utf8_tip(decoded.encoding), WARNING)
        )
    if "\x00" in text:
        return None, [Problem(rel, 1, "file", NOT_TEXT)]
    control = CONTROL.search(text)
    if control:
        line = text[: control.start()].count("\n") + 1
        code = ord(control.group())
        return None, [
            Problem(
                rel,
                line,
                "file",
                f"contains the control character U+{code:04X}, so it is not a text file "
                "(save it as Markdown text)",
            )
        ]
    if not text.strip():
        return None, [
            Problem(rel, 1, "file", "file is empty (it needs front matter with at least a title)")
        ]
    doc, problems = _split(rel, sha, text.replace("\r\n", "\n").replace("\r", "\n"))
    return doc, warnings + problems


def _split(rel: str, sha: str, text: str) -> tuple[RawDocument | None, list[Problem]]:
    handler = frontmatter.YAMLHandler()
    if not handler.detect(text):
        return None, [
            Problem(
                rel,
                1,
                "front matter",
                "no front matter (the file must start with a line '---', "
                "then 'title: ...', then a line '---')",
            )
        ]
    try:
        fm, body = handler.split(text)
    except ValueError:
        return None, [Problem(rel, 1, "front matter", "front matter is not closed (a line '---')")]
    offset = 1  # fm starts with the newline that ends the opening '---' (line 1)
    body_line = offset + fm.count("\n") + 2
    if _nesting(fm) > MAX_NESTING:
        return None, [
            Problem(
                rel,
                2,
                "front matter",
                f"nested more than {MAX_NESTING} levels deep (front matter is flat 'key: value' "
                "lines and short lists)",
            )
        ]
    try:
        node, meta = _load(fm)
    except SharedNodes as err:
        return None, [Problem(rel, 2, "front matter", f"{err}; write each value out in full")]
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + offset if mark else 1
        what = getattr(err, "problem", None) or str(err).splitlines()[0]
        context = getattr(err, "context_mark", None)
        if context is not None and context.line + offset != line:
            what += f", in what starts on line {context.line + offset}"
        return None, [
            Problem(
                rel,
                line,
                "front matter",
                f"invalid YAML: {what} (check quotes, colons and indentation)",
            )
        ]
    if not isinstance(meta, dict):
        return None, [Problem(rel, 2, "front matter", "front matter must be 'key: value' lines")]
    doc = RawDocument(rel, sha, meta, body, body_line=body_line)
    problems = _record_lines(doc, node, offset)
    return doc, problems


class SharedNodes(yaml.YAMLError):
    """Front matter that reuses a node through an anchor and alias (``&a`` … ``*a``)."""


def _load(fm: str) -> tuple[yaml.Node | None, object]:
    """(node tree with line marks, plain data) of the front matter, parsed once. Anchors and
    aliases are refused before anything is built from them: a few lines of aliases can stand
    for billions of values ("billion laughs"), and content files never need them."""
    loader = ContentLoader(fm)
    try:
        node = loader.get_single_node()
        if node is not None and _reuses_nodes(node):
            raise SharedNodes("anchors and aliases (&name, *name) are not allowed here")
        meta = loader.construct_document(node) if node is not None else {}
    finally:
        loader.dispose()
    return node, meta


def _reuses_nodes(root: yaml.Node) -> bool:
    seen: set[int] = set()
    pending = [root]
    while pending:
        node = pending.pop()
        if id(node) in seen:
            return True
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                pending += (key, value)
        elif isinstance(node, yaml.SequenceNode):
            pending += node.value
    return False


def _nesting(fm: str) -> int:
    """How deep brackets or indentation go (a bound checked before parsing: the parser recurses
    once per level)."""
    depth = deepest = 0
    for char in fm:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth = max(0, depth - 1)
    indent = max((len(line) - len(line.lstrip(" ")) for line in fm.split("\n")), default=0)
    return max(deepest, indent // 2)


def _record_lines(doc: RawDocument, node: yaml.Node, offset: int) -> list[Problem]:
    problems: list[Problem] = []
    if not isinstance(node, yaml.MappingNode):
        return problems
    for key_node, value_node in node.value:
        key = str(key_node.value)
        line = key_node.start_mark.line + offset
        if key in doc.lines:
            problems.append(
                Problem(
                    doc.relpath,
                    line,
                    key,
                    f"'{key}' is given twice (first on line {doc.lines[key]}); keep one",
                )
            )
        doc.lines[key] = line
        if isinstance(value_node, yaml.SequenceNode):
            doc.item_lines[key] = [item.start_mark.line + offset for item in value_node.value]
        problems += _unquoted_booleans(doc.relpath, key, value_node, offset)
    return problems


def _unquoted_booleans(relpath: str, key: str, node: yaml.Node, offset: int) -> list[Problem]:
    """Warn about YAML 1.1 booleans (NO, yes, off…): read here as text, elsewhere as true/false."""
    scalars = node.value if isinstance(node, yaml.SequenceNode) else [node]
    return [
        Problem(
            relpath,
            item.start_mark.line + offset,
            key,
            f"unquoted {item.value} is read as the text '{item.value}' here, but many YAML tools "
            f'read it as true/false; write it in quotes: "{item.value}"',
            WARNING,
        )
        for item in scalars
        if isinstance(item, yaml.ScalarNode)
        and not item.style  # plain (None in PyYAML, "" from libyaml)
        and item.value.lower() in YAML11_BOOLEANS
    ]


def name_problem(relpath: str) -> Problem | None:
    """An error for a file name with control characters (it cannot be shown or typed safely)."""
    if any(ord(char) < 32 or 0x7F <= ord(char) < 0xA0 for char in relpath):
        shown = relpath.encode("unicode_escape").decode("ascii")
        return Problem(
            shown,
            1,
            "file",
            "the file name contains control characters; rename it with letters, digits and '-'",
        )
    return None


def nfd_warning(relpath: str) -> Problem | None:
    """A warning for a name in another Unicode normalisation form than NFC (Č as C + ˇ)."""
    if unicodedata.is_normalized("NFC", relpath):
        return None
    return Problem(
        relpath,
        1,
        "file",
        "the file name is in decomposed Unicode (as some Mac tools save it); its id is taken "
        "in the composed form; rename the file to avoid two names that look the same",
        WARNING,
    )


def split_language_suffix(relpath: str) -> tuple[str, str | None]:
    """'a/b.cs.md' -> ('a/b', 'cs'); 'a/b.md' -> ('a/b', None)."""
    stem = relpath[: -len(SUFFIX)]
    match = LANG_SUFFIX.match(stem)
    if match and "/" not in match.group("lang"):
        return match.group("stem"), match.group("lang")
    return stem, None
