"""The sharing form: its fields (the front-matter names), its choices from the vocabulary in the
interface language, and its check by the indexer's own validator.

A submission is turned into the same RawDocument the indexer reads from a file, so the form
accepts exactly what a content file may hold, and gives the same messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import gettext as _

from indexer.contract.problems import Problem
from indexer.contract.validate import Resource, validate
from indexer.contract.vocabulary import Vocabulary, country_codes, country_name, language_name
from indexer.source.readers import RawDocument

from ..search import facet_label

TEXT_FIELDS = ("title", "summary", "type", "date", "source", "publisher", "language")
LIST_FIELDS = ("project", "cities", "countries", "themes", "steps")
# A practice in depth: plain texts, one-per-line lists, and repeatable rows whose inputs are
# named ROWS-N-KEY (results-0-indicator); a blank row is ignored, and the form always offers
# one more, so rows are added without script (the "Add a row" button re-shows the form).
PRACTICE_TEXTS = ("lead", "transferability")
PRACTICE_LINES = ("partners", "target_groups")
ROW_FIELDS = {
    "results": ("indicator", "value", "unit", "year", "source"),
    "funding": ("title", "funder", "amount", "currency", "status", "year", "source"),
}
NUMBER_KEYS = ("value", "amount", "year")
MAX_FORM_ROWS = 20
MAX_PRACTICE_CHARS = 2000
PRACTICE_FIELDS = (
    "period", *PRACTICE_TEXTS, *PRACTICE_LINES, *ROW_FIELDS, "evidence",
)  # fmt: skip
FIELDS = (*TEXT_FIELDS, *LIST_FIELDS, *PRACTICE_FIELDS)
ALIASES = {"project": "projects"}  # also accepted as the form field's name
CONTACT_FIELDS = ("organisation", "name", "email")
MAX_BODY_CHARS = 200_000
MAX_CONTACT_CHARS = 200
EXTRA_LANGUAGES = ("pl", "hr", "sl", "de", "fr", "pt", "rom")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SUGGESTION_RE = re.compile(r"did you mean '([^']+)'")
DRAFT_PATH = "shared/submission.md"


@dataclass
class Draft:
    """What the form holds: front-matter values as typed, the Markdown text, the contact."""

    fields: dict = field(default_factory=dict)
    body: str = ""
    contact: dict = field(default_factory=dict)

    def values(self, name: str) -> list[str]:
        value = self.fields.get(name)
        return value if isinstance(value, list) else ([value] if value else [])

    def rows(self, name: str) -> list[dict]:
        """The rows given, then one blank row to fill."""
        given = [r for r in self.fields.get(name) or [] if isinstance(r, dict)]
        return [*given, {}][:MAX_FORM_ROWS]

    def part(self, name: str, key: str) -> str:
        """One key of a mapping field (period start, evidence level) as text."""
        value = self.fields.get(name)
        return str(value.get(key, "")) if isinstance(value, dict) else ""


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class Note:
    """One problem, framed for the form: the field's label, the validator's message and the
    value it suggests (with its label in the interface language)."""

    field: str
    label: str
    message: str
    suggestion: str = ""
    suggestion_label: str = ""
    warning: bool = False


@dataclass
class Checked:
    resource: Resource | None
    notes: list[Note]

    @property
    def ok(self) -> bool:
        return self.resource is not None and not any(not n.warning for n in self.notes)

    def for_field(self, name: str) -> list[Note]:
        return [n for n in self.notes if n.field == name]


def from_form(form) -> Draft:
    """Read a submitted form (a MultiDict); every value is trimmed, nothing is trusted."""
    fields: dict = {}
    for name in TEXT_FIELDS:
        value = " ".join(str(form.get(name, "")).split())
        if value:
            fields[name] = value
    for name in LIST_FIELDS:
        items = form.getlist(name) or form.getlist(ALIASES.get(name, name))
        clean = list(dict.fromkeys(v.strip() for v in items if v and v.strip()))
        if clean:
            fields[name] = clean
    fields.update(_practice(form))
    body = str(form.get("body", "")).replace("\r\n", "\n").replace("\r", "\n")
    contact = {
        name: " ".join(str(form.get(f"contact_{name}", "")).split())[:MAX_CONTACT_CHARS]
        for name in CONTACT_FIELDS
    }
    contact["public"] = form.get("contact_public") == "yes"
    return Draft(fields, body, contact)


def _one_line(value) -> str:
    return " ".join(str(value or "").split())[:MAX_PRACTICE_CHARS]


def _number_or_text(text: str):
    """Digits as a number (so the published file holds 40, not '40'); anything else as typed,
    for the validator to name."""
    plain = text.replace(" ", "").replace("\u00a0", "")
    if re.fullmatch(r"-?\d+", plain):
        return int(plain)
    if re.fullmatch(r"-?\d+\.\d+", plain):
        return float(plain)
    return text


def _practice(form) -> dict:
    """The practice fields of a submitted form, in the shapes the front matter takes."""
    found: dict = {}
    period = {k: _one_line(form.get(f"period_{k}")) for k in ("start", "end")}
    if any(period.values()):
        found["period"] = {k: v for k, v in period.items() if v}
    for name in PRACTICE_TEXTS:
        value = _one_line(form.get(name))
        if value:
            found[name] = value
    for name in PRACTICE_LINES:
        lines = str(form.get(name, "")).splitlines()[:MAX_FORM_ROWS]
        clean = list(dict.fromkeys(_one_line(v) for v in lines if v.strip()))
        if clean:
            found[name] = clean
    for name, keys in ROW_FIELDS.items():
        rows = []
        for n in range(MAX_FORM_ROWS):
            row = {k: _one_line(form.get(f"{name}-{n}-{k}")) for k in keys}
            row = {k: _number_or_text(v) if k in NUMBER_KEYS else v for k, v in row.items() if v}
            if row:
                rows.append(row)
        if rows:
            found[name] = rows
    level = _one_line(form.get("evidence"))
    if level:
        by = _one_line(form.get("evidence_by"))
        found["evidence"] = {"level": level, **({"by": by} if by else {})}
    return found


def field_labels() -> dict[str, str]:
    return {
        "title": _("Title"),
        "summary": _("Summary"),
        "type": _("Type"),
        "project": _("Programme"),
        "cities": _("Cities"),
        "countries": _("Countries"),
        "themes": _("Themes"),
        "steps": _("ROMACT steps"),
        "date": _("Date"),
        "source": _("Source"),
        "publisher": _("Publisher"),
        "language": _("Language"),
        "body": _("Text"),
        "attachments": _("Attachments"),
        "contact_email": _("E-mail"),
        "period": _("Period"),
        "lead": _("Lead organisation"),
        "partners": _("Partners"),
        "target_groups": _("Target groups"),
        "results": _("Reported results"),
        "funding": _("Funding"),
        "evidence": _("Evidence"),
        "transferability": _("Transferability"),
        "slug": _("File name"),
    }


def check(draft: Draft, vocab: Vocabulary, ui: str) -> Checked:
    """Validate with the indexer's validator; notes name the form field."""
    meta = {name: value for name, value in draft.fields.items() if value}
    doc = RawDocument(relpath=DRAFT_PATH, sha="", meta=meta, body=draft.body)
    resource, problems = validate(doc, vocab)
    notes = [_note(p, vocab, ui) for p in problems]
    notes += _own_checks(draft)
    if any(not n.warning for n in notes):
        resource = None
    return Checked(resource, notes)


def _own_checks(draft: Draft) -> list[Note]:
    labels = field_labels()
    notes = []
    if not draft.body.strip():
        notes.append(Note("body", labels["body"], _("Write the text of your practice.")))
    elif len(draft.body) > MAX_BODY_CHARS:
        message = _("The text is too long (at most %(num)s characters).", num=MAX_BODY_CHARS)
        notes.append(Note("body", labels["body"], message))
    email = draft.contact.get("email")
    if email and not EMAIL_RE.match(email):
        notes.append(
            Note("contact_email", labels["contact_email"], _("This is not an e-mail address."))
        )
    return notes


def _note(problem: Problem, vocab: Vocabulary, ui: str) -> Note:
    name = problem.field if problem.field in FIELDS else "body"
    found = SUGGESTION_RE.search(problem.message)
    suggestion = found.group(1) if found else ""
    return Note(
        field=name,
        label=field_labels().get(name, name),
        message=problem.message,
        suggestion=suggestion,
        suggestion_label=value_label(vocab, name, suggestion, ui) if suggestion else "",
        # A value the indexer would leave out is for the submitter to fix while still here.
        warning=not problem.is_error and not problem.message.endswith("; left out"),
    )


FACET_OF_FIELD = {
    "type": "type", "project": "project", "themes": "theme", "steps": "step",
    "cities": "city", "countries": "country", "language": "language",
}  # fmt: skip


def value_label(vocab: Vocabulary, name: str, value: str, ui: str) -> str:
    """A field value's name in the interface language (the value itself when unknown)."""
    if name == "countries":
        value = value.upper()
    facet = FACET_OF_FIELD.get(name)
    return facet_label(vocab, facet, value, ui) if facet else value


def choices(vocab: Vocabulary, ui: str) -> dict[str, list[Choice]]:
    """Every list the form offers, labelled and sorted in the interface language."""
    terms = {
        "type": "types",
        "project": "projects",
        "themes": "themes",
        "steps": "steps",
        "evidence": "evidence",
        "status": "statuses",
    }
    found: dict[str, list[Choice]] = {}
    for name, kind in terms.items():
        items = vocab.kind(kind).values()
        ordered = sorted(items, key=lambda t: (t.order is None, t.order or 0, t.label(ui)))
        found[name] = [Choice(t.slug, t.label(ui)) for t in ordered]
    found["cities"] = sorted(
        (Choice(c.slug, c.label(ui)) for c in vocab.cities.values()), key=lambda c: c.label
    )
    found["countries"] = sorted(
        (Choice(code, country_name(code, ui)) for code in country_codes()),
        key=lambda c: c.label,
    )
    languages = dict.fromkeys((*vocab.languages, *EXTRA_LANGUAGES))
    found["language"] = [Choice(code, language_name(code, ui)) for code in languages]
    return found
