"""Two to four resources, or two to four cities, side by side: one row per field.

The same rows feed the HTML table, the CSV file and (as objects) the JSON answer. Each cell is
plain text; links and labels are resolved here so the template only lays the table out.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import format_currency, format_decimal
from flask_babel import gettext as _

from indexer.contract.vocabulary import Vocabulary

from ..cities.journeys import months_between
from ..cities.profiles import CityProfile, totals
from ..search import facet_label

MIN_ITEMS = 2
MAX_ITEMS = 4


@dataclass(frozen=True)
class Column:
    key: str  # the id or slug
    title: str
    url: str
    language: str = ""


@dataclass(frozen=True)
class Row:
    label: str
    cells: list[str]


def parse_keys(values: list[str]) -> list[str]:
    """Keys from repeated and comma-separated parameters, in order, each once."""
    found: list[str] = []
    for value in values:
        for part in value.split(","):
            part = part.strip()
            if part and part not in found:
                found.append(part[:200])
    return found


def _join(values) -> str:
    return "; ".join(v for v in values if v)


def _amount(amount, currency: str) -> str:
    if amount is None:
        return ""
    if currency:
        return format_currency(amount, currency)
    return format_decimal(amount)


def _funding_cells(rows: list[dict]) -> tuple[str, str]:
    listed = _join(
        " ".join(
            x
            for x in (
                row.get("title", ""),
                f"({row['funder']})" if row.get("funder") else "",
                _amount(row.get("amount"), row.get("currency", "")),
                str(row.get("year") or ""),
            )
            if x
        )
        for row in rows
    )
    summed = totals((row.get("amount"), row.get("currency")) for row in rows)
    return listed, _join(_amount(v, c) for c, v in summed)


def resource_rows(docs: list, vocab: Vocabulary, ui: str) -> list[Row]:
    def label(facet, values):
        return _join(facet_label(vocab, facet, v, ui) for v in values)

    def period(p):
        if not p:
            return ""
        return f"{p.get('start', '…')}–{p.get('end', '')}"

    def results(rows):
        return _join(
            " ".join(
                str(x)
                for x in (
                    f"{r['indicator']}:",
                    format_decimal(r["value"]),
                    r.get("unit", ""),
                    f"({r['year']})" if r.get("year") else "",
                )
                if x
            )
            for r in rows
        )

    def evidence(e):
        if not e:
            return ""
        term = vocab.evidence.get(e.get("level", ""))
        text = term.label(ui) if term else e.get("level", "")
        return f"{text} ({e['by']})" if e.get("by") else text

    funding = [_funding_cells(d.practice.get("funding") or []) for d in docs]
    rows = [
        Row(_("Type"), [facet_label(vocab, "type", d.type, ui) if d.type else "" for d in docs]),
        Row(_("Programme"), [label("project", d.projects) for d in docs]),
        Row(_("Cities"), [label("city", d.cities) for d in docs]),
        Row(_("Countries"), [label("country", d.countries) for d in docs]),
        Row(_("Themes"), [label("theme", d.themes) for d in docs]),
        Row(_("ROMACT steps"), [label("step", d.steps) for d in docs]),
        Row(_("Period"), [period(d.practice.get("period")) for d in docs]),
        Row(_("Lead organisation"), [d.practice.get("lead", "") for d in docs]),
        Row(_("Partners"), [_join(d.practice.get("partners") or []) for d in docs]),
        Row(_("Target groups"), [_join(d.practice.get("target_groups") or []) for d in docs]),
        Row(_("Reported results"), [results(d.practice.get("results") or []) for d in docs]),
        Row(_("Funding"), [f[0] for f in funding]),
        Row(_("Funding in total"), [f[1] for f in funding]),
        Row(_("Evidence"), [evidence(d.practice.get("evidence")) for d in docs]),
        Row(_("Transferability"), [d.practice.get("transferability", "") for d in docs]),
        Row(_("Date"), [d.date for d in docs]),
        Row(_("Language"), [facet_label(vocab, "language", d.language, ui) for d in docs]),
        Row(_("Source"), [d.source for d in docs]),
    ]
    return rows


def city_rows(cities: list[CityProfile], resources: list[int], vocab: Vocabulary) -> list[Row]:
    def figures(items, with_method: bool):
        return _join(
            " ".join(
                x
                for x in (
                    format_decimal(f.value),
                    f"({f.year})" if f.year else "",
                    f"– {f.method_label}" if with_method and f.method_label else "",
                )
                if x
            )
            for f in items
        )

    def step_dates(city: CityProfile):
        return _join(f"{s.label}: {s.date}" for s in city.steps)

    def to_plan(city: CityProfile):
        dates = {s.step: s.date for s in city.steps}
        if "commitment" in dates and "needs-and-plans" in dates:
            months = months_between(dates["commitment"], dates["needs-and-plans"])
            return "" if months is None else str(months)
        return ""

    return [
        Row(_("Country"), [c.country_name for c in cities]),
        Row(_("Region"), [c.region for c in cities]),
        Row(_("Total population"), [figures(c.population, False) for c in cities]),
        Row(_("Roma population"), [figures(c.roma_population, True) for c in cities]),
        Row(
            _("Programmes"),
            [
                _join(f"{m.label} ({m.role})" if m.role else m.label for m in c.programmes)
                for c in cities
            ],
        ),
        Row(_("ROMACT steps reached"), [step_dates(c) for c in cities]),
        Row(_("Months from commitment to agreed plans"), [to_plan(c) for c in cities]),
        Row(_("Milestones"), [str(len(c.milestones)) for c in cities]),
        Row(_("Funded projects"), [str(len(c.funding)) for c in cities]),
        Row(
            _("Funding in total"),
            [_join(_amount(v, cur) for cur, v in c.totals) for c in cities],
        ),
        Row(_("Resources in the library"), [str(n) for n in resources]),
        Row(_("Source"), [c.source for c in cities]),
    ]
