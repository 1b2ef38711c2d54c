"""How facet values read to a visitor: labels in the interface language, their order, and the
clean form of a value typed in a URL or a query."""

from __future__ import annotations

from indexer.contract.vocabulary import Vocabulary, country_name, language_name

from .. import querytext
from ..models import FacetCount

# Facets whose values are vocabulary terms, and the vocabulary's name for their kind.
_KINDS = {
    "theme": "themes",
    "type": "types",
    "project": "projects",
    "step": "steps",
    "evidence": "evidence",
    "reports": "reports",
}


def facet_label(vocab: Vocabulary, facet: str, value: str, ui: str) -> str:
    """A facet value as the visitor should read it, in the UI language."""
    kind = _KINDS.get(facet)
    if kind is not None:
        term = vocab.kind(kind).get(value)
        return term.label(ui) if term else value
    if facet == "city":
        city = vocab.cities.get(value)
        return city.label(ui) if city else value
    if facet == "country":
        return country_name(value, ui)
    if facet == "language":
        return language_name(value, ui)
    return value


def sort_facet(facet: str, values: list[FacetCount], vocab: Vocabulary) -> list[FacetCount]:
    if facet == "year":
        return sorted(values, key=lambda v: v.value, reverse=True)
    if facet in ("step", "evidence", "reports"):
        terms = {"step": vocab.steps, "evidence": vocab.evidence, "reports": vocab.reports}[facet]
        order = {s.slug: s.order or 99 for s in terms.values()}
        return sorted(values, key=lambda v: (order.get(v.value, 99), v.label))
    return sorted(values, key=lambda v: (-v.count, v.label.casefold()))


def normalise_facet_value(vocab: Vocabulary, facet: str, value: str) -> str:
    value = str(value).strip()[: querytext.MAX_WORD_CHARS]
    if facet == "country":
        return value.upper()
    if facet == "city":
        return vocab.resolve_city(value) or value.lower()
    if facet == "project":
        return vocab.resolve_project(value) or value.lower()
    return value.lower()


def merge_filters(
    requested: dict[str, tuple[str, ...]], typed: dict[str, list[str]], vocab: Vocabulary
) -> dict[str, list[str]]:
    """Filters from the URL and from `field:value` in the query, cleaned and without repeats."""
    merged: dict[str, list[str]] = {}
    for source in (requested, typed):
        for facet, values in source.items():
            for value in values:
                clean = normalise_facet_value(vocab, facet, value)
                if clean and clean not in merged.setdefault(facet, []):
                    merged[facet].append(clean)
    return {k: v for k, v in merged.items() if v}
