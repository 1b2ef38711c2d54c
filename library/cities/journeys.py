"""ROMACT journeys: when each municipality reached each step, and how long steps took.

A step is reached on the date of the first milestone that names it. Months between two steps
are counted from the year and month of both dates; a date given only as a year is shown but left
out of the months, and so is a pair whose later step is dated before the earlier one (the
source records the steps out of order). Across municipalities each pair of steps gets the
median, the shortest and the longest time and the number of municipalities behind them.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from indexer.contract.vocabulary import Vocabulary

from .profiles import chosen_version, field_of


@dataclass(frozen=True)
class Journey:
    slug: str
    name: str
    country: str
    programmes: list[str]
    steps: dict[str, str]  # step slug -> date, in the programme's order
    months: dict[str, int | None]  # step slug -> months since the previous step reached


@dataclass(frozen=True)
class Duration:
    start: str  # step slugs
    end: str
    median: float
    shortest: int
    longest: int
    n: int
    cities: list[str]  # the slugs behind the figures


def step_order(vocab: Vocabulary) -> list[str]:
    return [t.slug for t in sorted(vocab.steps.values(), key=lambda t: (t.order or 99, t.slug))]


def month_index(date: str) -> int | None:
    """Months since year 0 for YYYY-MM[-DD]; None for a bare year."""
    if len(date) < 7:
        return None
    return int(date[:4]) * 12 + int(date[5:7]) - 1


def months_between(start: str, end: str) -> int | None:
    a, b = month_index(start), month_index(end)
    if a is None or b is None or b < a:
        return None
    return b - a


def journeys(
    vocab: Vocabulary, ui: str, countries: tuple[str, ...] = (), programmes: tuple[str, ...] = ()
) -> list[Journey]:
    """Every city whose milestones reach at least one step, filtered by country and programme
    (values of one filter combine with OR)."""
    order = step_order(vocab)
    found = []
    for city in vocab.cities.values():
        if countries and city.country not in countries:
            continue
        if programmes and not set(programmes) & set(city.projects):
            continue
        rows = _milestones(city)
        first: dict[str, str] = {}
        for row in sorted(rows, key=lambda r: r["date"]):
            step = row.get("step")
            if step and step in vocab.steps and step not in first:
                first[step] = row["date"]
        if not first:
            continue
        steps = {step: first[step] for step in order if step in first}
        months: dict[str, int | None] = {}
        previous = None
        for step, date in steps.items():
            months[step] = months_between(previous, date) if previous else None
            previous = date
        found.append(
            Journey(city.slug, city.label(ui), city.country, list(city.projects), steps, months)
        )
    return sorted(found, key=lambda j: (j.country, j.name.casefold()))


def _milestones(city) -> list[dict]:
    return field_of(city, chosen_version(city, "en"), "milestones") or []


def pairs(order: list[str]) -> list[tuple[str, str]]:
    """Each step to the next, and the first step to every later one."""
    found = list(zip(order, order[1:], strict=False))
    found += [(order[0], later) for later in order[2:]]
    return found


def durations(found: list[Journey], order: list[str]) -> list[Duration]:
    result = []
    for start, end in pairs(order) if order else []:
        values, cities = [], []
        for journey in found:
            if start in journey.steps and end in journey.steps:
                months = months_between(journey.steps[start], journey.steps[end])
                if months is not None:
                    values.append(months)
                    cities.append(journey.slug)
        if values:
            result.append(
                Duration(
                    start,
                    end,
                    float(statistics.median(values)),
                    min(values),
                    max(values),
                    len(values),
                    cities,
                )
            )
    return result
