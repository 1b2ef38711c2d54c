"""A city's profile made ready for the page, the API and the comparison table.

The vocabulary carries each profile version as the indexer read it (see
`indexer.contract.profiles`). Here one version is chosen for the reader (the interface language,
else English, else any) and every structured field falls back to the other versions, so a
translation may carry only its text. Labels come from the vocabulary in the interface language.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from indexer.contract.vocabulary import City, Vocabulary, country_name

SIMILAR_LIMIT = 6


@dataclass(frozen=True)
class Figure:
    value: int | float
    year: int | None
    source: str
    method: str = ""
    method_label: str = ""
    note: str = ""


@dataclass(frozen=True)
class Milestone:
    date: str
    label: str
    step: str = ""
    step_label: str = ""
    kind: str = ""
    kind_label: str = ""
    source: str = ""


@dataclass(frozen=True)
class Membership:
    programme: str
    label: str
    role: str = ""
    start: str = ""
    end: str = ""
    source: str = ""


@dataclass(frozen=True)
class Funding:
    title: str
    funder: str = ""
    amount: int | float | None = None
    currency: str = ""
    status: str = ""
    status_label: str = ""
    year: int | None = None
    source: str = ""


@dataclass(frozen=True)
class StepReached:
    step: str
    label: str
    date: str


@dataclass(frozen=True)
class CityProfile:
    slug: str
    name: str  # in the interface language
    local_name: str
    names: dict[str, str]
    country: str
    country_name: str
    region: str
    kind: str
    lat: float | None
    lon: float | None
    population: list[Figure]
    roma_population: list[Figure]
    programmes: list[Membership]
    milestones: list[Milestone]
    funding: list[Funding]
    totals: list[tuple[str, int | float]]  # (currency, sum of the amounts given in it)
    steps: list[StepReached]
    themes: list[str]
    language: str  # of the text shown
    summary: str
    html: str
    source: str
    accessed: str
    languages: list[str] = field(default_factory=list)  # the profile's versions
    # The sources the shown version's body lists, each {url, supports} in its language.
    sources: list[dict] = field(default_factory=list)


def _latest(figures: list[Figure]) -> Figure | None:
    dated = [f for f in figures if f.year]
    return max(dated, key=lambda f: f.year) if dated else (figures[0] if figures else None)


def chosen_version(city: City, ui: str) -> dict:
    versions = city.profiles
    if not versions:
        return {}
    return versions.get(ui) or versions.get("en") or versions[sorted(versions)[0]]


def field_of(city: City, chosen: dict, key: str):
    """A field of the chosen version, else of the English one, else of any version."""
    if key in chosen:
        return chosen[key]
    for lang in sorted(city.profiles, key=lambda lang: (lang != "en", lang)):
        if key in city.profiles[lang]:
            return city.profiles[lang][key]
    return None


def profile(vocab: Vocabulary, slug: str, ui: str) -> CityProfile | None:
    """The profile of a city in the register, None for an unknown slug."""
    city = vocab.cities.get(slug)
    if city is None:
        return None
    chosen = chosen_version(city, ui)

    def get(key, default=None):
        found = field_of(city, chosen, key)
        return default if found is None else found

    def label(kind: str, slug: str) -> str:
        term = vocab.kind(kind).get(slug)
        return term.label(ui) if term else slug

    milestones = [
        Milestone(
            date=row["date"],
            label=row["label"],
            step=row.get("step", ""),
            step_label=label("steps", row["step"]) if row.get("step") else "",
            kind=row.get("kind", ""),
            kind_label=label("milestones", row["kind"]) if row.get("kind") else "",
            source=row.get("source", ""),
        )
        for row in sorted(get("milestones", []), key=lambda r: r["date"])
    ]
    funding = [
        Funding(
            title=row["title"],
            funder=row.get("funder", ""),
            amount=row.get("amount"),
            currency=row.get("currency", ""),
            status=row.get("status", ""),
            status_label=label("statuses", row["status"]) if row.get("status") else "",
            year=row.get("year"),
            source=row.get("source", ""),
        )
        for row in get("funding", [])
    ]
    programmes = [
        Membership(
            programme=row["programme"],
            label=label("projects", row["programme"]),
            role=row.get("role", ""),
            start=row.get("from", ""),
            end=row.get("to", ""),
            source=row.get("source", ""),
        )
        for row in get("programmes", [])
    ]
    listed = {m.programme for m in programmes}
    programmes += [
        Membership(slug_, label("projects", slug_), source=city.source)
        for slug_ in city.projects
        if slug_ not in listed
    ]
    return CityProfile(
        slug=city.slug,
        name=city.label(ui),
        local_name=city.name,
        names=dict(city.names),
        country=city.country,
        country_name=country_name(city.country, ui) if city.country else "",
        region=city.region,
        kind=get("kind", ""),
        lat=city.lat,
        lon=city.lon,
        population=_figures(get("population", []), vocab, ui),
        roma_population=_figures(get("roma_population", []), vocab, ui),
        programmes=programmes,
        milestones=milestones,
        funding=funding,
        totals=totals((f.amount, f.currency) for f in funding),
        steps=steps_reached(milestones, vocab, ui),
        themes=list(get("themes", [])),
        language=chosen.get("language", ""),
        summary=chosen.get("summary", ""),
        html=chosen.get("html", ""),
        source=get("source", "") or city.source,
        accessed=get("accessed", ""),
        languages=sorted(city.profiles),
        sources=list(chosen.get("sources") or []),
    )


def _figures(rows: list[dict], vocab: Vocabulary, ui: str) -> list[Figure]:
    found = []
    for row in rows:
        method = row.get("method", "")
        term = vocab.methods.get(method) if method else None
        found.append(
            Figure(
                value=row["value"],
                year=row.get("year"),
                source=row.get("source", ""),
                method=method,
                method_label=term.label(ui) if term else method,
                note=row.get("note", ""),
            )
        )
    return sorted(found, key=lambda f: (f.year or 0, f.method))


def totals(amounts: Iterable[tuple]) -> list[tuple[str, int | float]]:
    """The sum of (amount, currency) pairs per currency; a pair without an amount or a
    currency counts in neither. Never converted between currencies."""
    sums: dict[str, int | float] = {}
    for amount, currency in amounts:
        if amount is not None and currency:
            sums[currency] = sums.get(currency, 0) + amount
    return sorted(sums.items())


def steps_reached(milestones: list[Milestone], vocab: Vocabulary, ui: str) -> list[StepReached]:
    """Each ROMACT step with the date of its first milestone, in the programme's order."""
    first: dict[str, str] = {}
    for milestone in milestones:  # sorted by date
        if milestone.step and milestone.step not in first:
            first[milestone.step] = milestone.date
    order = {s.slug: s.order or 99 for s in vocab.steps.values()}
    return [
        StepReached(step, vocab.steps[step].label(ui) if step in vocab.steps else step, date)
        for step, date in sorted(first.items(), key=lambda kv: (order.get(kv[0], 99), kv[1]))
    ]


def similar(vocab: Vocabulary, slug: str, ui: str, limit: int = SIMILAR_LIMIT) -> list[City]:
    """Cities sharing programmes, country, size or themes with this one, the closest first."""
    city = vocab.cities.get(slug)
    if city is None:
        return []
    mine = _traits(city)
    scored = []
    for other in vocab.cities.values():
        if other.slug == slug:
            continue
        theirs = _traits(other)
        score = 2 * len(mine["projects"] & theirs["projects"])
        score += 1 if other.country == city.country else 0
        score += len(mine["themes"] & theirs["themes"]) * 0.5
        if mine["size"] and theirs["size"]:
            ratio = max(mine["size"], theirs["size"]) / max(min(mine["size"], theirs["size"]), 1)
            score += 1 if ratio <= 2 else 0
        if score > 0:
            scored.append((-score, not other.profiles, other.label(ui).casefold(), other))
    return [item[-1] for item in sorted(scored, key=lambda s: s[:3])[:limit]]


def _traits(city: City) -> dict:
    chosen = chosen_version(city, "en")
    figures = [
        Figure(r["value"], r.get("year"), "") for r in (field_of(city, chosen, "population") or [])
    ]
    latest = _latest(figures)
    return {
        "projects": set(city.projects),
        "themes": set(field_of(city, chosen, "themes") or []),
        "size": latest.value if latest else None,
    }
