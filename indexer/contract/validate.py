"""From a raw file to a Resource, collecting every problem (path, line, field, what to do).

A file with an error is skipped by the build; warnings are reported and the file is indexed.
Only what makes a resource unusable is an error: no title, a bad id, no text at all. A bad
value of any other field is a warning and only that value is left out.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from ..language import langid
from ..source.markup import to_html, to_text
from ..source.readers import RawDocument, split_language_suffix
from ..source.sourcelist import listed_sources, without_sources
from .fields import FIELDS, PLACEHOLDER, PRACTICE_FIELDS
from .problems import WARNING, Problem
from .vocabulary import Vocabulary, closest, language_codes

UNDETERMINED = "und"
# The address the hand-written templates in content/_templates give as their example source.
TEMPLATE_SOURCE = "https://example.org/ORIGINAL-DOCUMENT"
# Front-matter fields whose rows each name the page they come from, in a resource.
SOURCED_ROWS = ("results", "funding")


@dataclass
class Resource:
    """One language version of one resource, ready to index."""

    path: str
    sha: str
    id: str
    language: str
    title: str
    summary: str = ""
    html: str = ""
    text: str = ""
    type: str | None = None
    projects: list[str] = field(default_factory=list)
    cities: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    date: str | None = None
    source: str | None = None
    publisher: str | None = None
    accessed: str | None = None  # when the source was read
    sources: list[dict] = field(default_factory=list)  # the body's list: [{url, supports}]
    language_declared: bool = True
    language_confidence: float = 1.0
    id_line: int = 1
    aliases: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)  # as written, relative to the record
    attachments_line: int = 1
    files: list[dict] = field(default_factory=list)  # the attachments' text, see `attachments`
    # A practice in depth (see fields.PRACTICE_FIELDS); empty when the file gives none.
    period: dict | None = None
    lead: str | None = None
    partners: list[str] = field(default_factory=list)
    target_groups: list[str] = field(default_factory=list)
    results: list[dict] = field(default_factory=list)
    funding: list[dict] = field(default_factory=list)
    evidence: dict | None = None
    transferability: str | None = None

    @property
    def practice(self) -> dict:
        """The practice fields the file gives, by name."""
        found = {name: getattr(self, name) for name in PRACTICE_FIELDS}
        return {name: value for name, value in found.items() if value not in (None, [], {})}

    @property
    def full_text(self) -> str:
        """Everything a search looks in besides the title: summary, text, attached files."""
        parts = [self.summary, self.text]
        parts += ["\n".join(f.get("pages", ())) for f in self.files]
        return " ".join(part for part in parts if part)

    @property
    def key(self) -> str:
        return f"{self.id}\x1f{self.language}"

    @property
    def year(self) -> int | None:
        return int(self.date[:4]) if self.date else None


def validate(doc: RawDocument, vocab: Vocabulary) -> tuple[Resource | None, list[Problem]]:
    """Check every field; return the resource (None when any error) and all problems."""
    values, problems = _parse_fields(doc, vocab)
    if any(p.is_error for p in problems):
        return None, problems
    id_, lang_from_name = _id_and_suffix(doc, values)
    if "\\" in id_ or any(ord(c) < 32 for c in id_):
        problems.append(
            Problem(
                doc.relpath,
                1,
                "id",
                f"the file name makes the id '{id_}', which cannot be an address (no '\\'); "
                "rename the file or give it an 'id'",
            )
        )
        return None, problems
    html = to_html(doc.body)
    resource = Resource(
        path=doc.relpath,
        sha=doc.sha,
        id=id_,
        language=UNDETERMINED,
        title=values["title"],
        summary=values.get("summary") or "",
        html=html,
        text=to_text(without_sources(html)),
        type=values.get("type"),
        projects=values.get("project") or [],
        cities=values.get("cities") or [],
        countries=_countries(values, vocab),
        themes=values.get("themes") or [],
        steps=values.get("steps") or [],
        date=values.get("date"),
        source=values.get("source"),
        publisher=values.get("publisher"),
        accessed=values.get("accessed"),
        sources=listed_sources(html),
        id_line=doc.line("id"),
        aliases=[a for a in values.get("aliases") or [] if a != id_],
        attachments=values.get("attachments") or [],
        attachments_line=doc.line("attachments"),
        **{name: values[name] for name in PRACTICE_FIELDS if name in values},
    )
    problems += _placeholders(doc, resource)
    problems += source_problems(doc, resource.sources, SOURCED_ROWS)
    if not (resource.text.strip() or resource.summary or resource.attachments):
        problems.append(
            Problem(
                doc.relpath,
                doc.body_line,
                "body",
                "the resource has no text (write it below the front matter, add a summary, "
                "or list its files under 'attachments')",
            )
        )
    problems += _settle_language(doc, resource, values.get("language"), lang_from_name)
    if any(p.is_error for p in problems):
        return None, problems
    return resource, problems


def _parse_fields(doc: RawDocument, vocab: Vocabulary) -> tuple[dict, list[Problem]]:
    return parse_fields(doc, vocab, FIELDS, "the fields")


def parse_fields(
    doc: RawDocument, vocab: Vocabulary, fields: tuple, listed: str
) -> tuple[dict, list[Problem]]:
    """Every declared field of a file parsed, with a problem for each unknown field (ignored,
    with the closest name), each missing required one and each bad value (see ``_issue``).
    ``listed`` names the fields' list in the authoring guide."""
    by_name = {spec.name: spec for spec in fields}
    values: dict = {}
    problems: list[Problem] = []
    for key in doc.meta:
        if str(key) not in by_name:
            hint = closest(str(key), list(by_name))
            tip = f"did you mean '{hint}'? " if hint else ""
            problems.append(
                Problem(
                    doc.relpath,
                    doc.line(str(key)),
                    str(key),
                    f"unknown field, ignored ({tip}{listed} are listed in content/README.md)",
                    WARNING,
                )
            )
    for spec in fields:
        raw = doc.meta.get(spec.name)
        if raw is None or raw == "" or raw == []:
            if spec.required:
                line = doc.line(spec.name) if spec.name in doc.meta else 2
                problems.append(
                    Problem(doc.relpath, line, spec.name, f"is missing ({spec.expected})")
                )
            continue
        value, issues = spec.parse(raw, vocab)
        for message, index in issues:
            problems.append(_issue(doc, spec, index, message))
        if value not in (None, [], {}):
            values[spec.name] = value
    return values, problems


def _placeholders(doc: RawDocument, resource: Resource) -> list[Problem]:
    """A title still reading [[title]] is an error; other places left to fill are a warning."""
    found = []
    if PLACEHOLDER.search(resource.title):
        found.append(
            Problem(
                doc.relpath,
                doc.line("title"),
                "title",
                "is still the template's "
                f"placeholder '{resource.title}'; write the resource's real title",
            )
        )
    left = PLACEHOLDER.findall(f"{resource.summary}\n{doc.body}")
    if left:
        shown = ", ".join(f"[[{p[:40]}]]" for p in left[:3])
        found.append(
            Problem(
                doc.relpath,
                doc.body_line,
                "body",
                f"{len(left)} place(s) from the template still to fill in: {shown}",
                WARNING,
            )
        )
    return found


NamedSource = tuple[str, int | None, str]
"""A web address the front matter names: (field, row index or None, address)."""


def _named_sources(doc: RawDocument, rows: tuple[str, ...]) -> list[NamedSource]:
    """Each web address the front matter names, as (field, row index or None, address): the
    `source` field, the `source` of the evidence level and that of every row in one of `rows`."""
    named = [("source", None, doc.meta.get("source"))]
    evidence = doc.meta.get("evidence")
    if isinstance(evidence, dict):
        named.append(("evidence", None, evidence.get("source")))
    for name in rows:
        value = doc.meta.get(name)
        if isinstance(value, list):
            named += [
                (name, index, row.get("source"))
                for index, row in enumerate(value)
                if isinstance(row, dict)
            ]
    return [
        (name, index, url.strip())
        for name, index, url in named
        if isinstance(url, str) and url.strip().startswith(("http://", "https://"))
    ]


def source_problems(doc: RawDocument, listed: list[dict], rows: tuple[str, ...]) -> list[Problem]:
    """The warnings about the pages a file names as its sources (`listed`: the list below the
    text; `rows`: the front-matter fields whose rows each name a page): the templates' example
    address left in, and pages the front matter names that the list leaves out."""
    named = _named_sources(doc, rows)
    return _template_source(doc, named, listed) + _unlisted_sources(doc, named, listed)


def _template_source(
    doc: RawDocument, named: list[NamedSource], listed: list[dict]
) -> list[Problem]:
    """A warning when the templates' example address is still given as a source, in the front
    matter (`source`, the evidence level's, or a row's) or in the sources list below the text:
    one per file, at the first place it is found."""
    message = (
        f"is still the template's example address {TEMPLATE_SOURCE}; "
        "give the page the facts come from"
    )
    for name, index, url in named:
        if url == TEMPLATE_SOURCE:
            return [Problem(doc.relpath, doc.line(name, index), name, message, WARNING)]
    if any(item["url"] == TEMPLATE_SOURCE for item in listed):
        return [Problem(doc.relpath, doc.body_line, "source", message, WARNING)]
    return []


def _unlisted_sources(
    doc: RawDocument, named: list[NamedSource], listed: list[dict]
) -> list[Problem]:
    """A warning for each web page the front matter names (`source`, the evidence level's, or
    the `source` of a row) that the sources list below the text leaves out: that list is where
    readers and reviewers look for what each page supports. A file with no sources list is not
    asked for one."""
    urls = {item["url"] for item in listed}
    if not urls:
        return []
    found, seen = [], set()
    for name, index, url in named:
        if url in urls or url in seen:
            continue
        seen.add(url)
        found.append(
            Problem(
                doc.relpath,
                doc.line(name, index),
                name,
                f"{url} is not in the sources list below the text; add the line "
                f"'- {url} — what this page supports'",
                WARNING,
            )
        )
    return found


def _issue(doc: RawDocument, spec, index: int | None, message: str) -> Problem:
    """An error for an essential field; otherwise a warning, the bad value left out."""
    line = doc.line(spec.name, index)
    if spec.essential:
        return Problem(doc.relpath, line, spec.name, message)
    if "kept as written" not in message and not message.endswith("left out"):
        message += "; left out"
    return Problem(doc.relpath, line, spec.name, message, WARNING)


def _id_and_suffix(doc: RawDocument, values: dict) -> tuple[str, str | None]:
    """The resource id and the language its file name gives, if any."""
    stem, suffix = split_language_suffix(doc.relpath)
    if suffix is not None and suffix not in language_codes():
        stem, suffix = doc.relpath[: -len(".md")], None
    return values.get("id") or unicodedata.normalize("NFC", stem), suffix


def _countries(values: dict, vocab: Vocabulary) -> list[str]:
    """Declared countries, plus the countries of the declared cities."""
    countries = list(values.get("countries") or [])
    for slug in values.get("cities") or []:
        city = vocab.cities.get(slug)
        country = city.country if city else None
        if country and country not in countries:
            countries.append(country)
    return countries


def _settle_language(
    doc: RawDocument, resource: Resource, declared: str | None, from_name: str | None
) -> list[Problem]:
    problems: list[Problem] = []
    sample = " ".join((resource.title, resource.summary, resource.text))
    if declared and from_name and declared != from_name:
        problems.append(
            Problem(
                doc.relpath,
                doc.line("language"),
                "language",
                f"'{declared}' but the file name says '{from_name}'; '{from_name}' is used "
                "(make them agree)",
                WARNING,
            )
        )
        declared = from_name
    chosen = declared or from_name
    if chosen:
        resource.language = chosen
        warning = langid.looks_wrong(chosen, sample)
        if warning:
            problems.append(
                Problem(doc.relpath, doc.line("language"), "language", warning, WARNING)
            )
        return problems
    detected, confidence = langid.detect(sample)
    resource.language_declared = False
    resource.language_confidence = confidence
    if detected is None:
        problems.append(
            Problem(
                doc.relpath,
                2,
                "language",
                "could not detect the language (add 'language: xx' with an ISO 639-1 code)",
                WARNING,
            )
        )
        return problems
    resource.language = detected
    return problems
