"""Whether the language versions of one resource agree on what is not language.

The versions of a resource (one id in several languages) are translations of each other: their
type, date, period, places, themes, programmes, steps, evidence level and the figures of their
results and funding must be the same. `python -m indexer check` compares every version with the
English one (or, without English, the first by path) and gives a warning naming the field, both
values and the other file. A field that one version leaves out is not compared: a translation may
carry less. Nothing is left out of the index for a disagreement; the warning says which to
correct.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

from .problems import WARNING, Problem
from .validate import Resource


def _period(r: Resource):
    return (r.period.get("start"), r.period.get("end")) if r.period else None


def _results(r: Resource):
    return sorted((str(x.get("value")), str(x.get("year") or "")) for x in r.results) or None


def _funding(r: Resource):
    return (
        sorted(
            (str(x.get("amount") or ""), str(x.get("currency") or ""), str(x.get("year") or ""))
            for x in r.funding
        )
        or None
    )


# field as written in the front matter -> the comparable value of a version (None: not given)
COMPARED: dict[str, Callable[[Resource], object]] = {
    "type": lambda r: r.type,
    "date": lambda r: r.date,
    "period": _period,
    "project": lambda r: sorted(r.projects) or None,
    "cities": lambda r: sorted(r.cities) or None,
    "countries": lambda r: sorted(r.countries) or None,
    "themes": lambda r: sorted(r.themes) or None,
    "steps": lambda r: sorted(r.steps) or None,
    "evidence": lambda r: r.evidence.get("level") if r.evidence else None,
    "results": _results,
    "funding": _funding,
}


def disagreements(content_dir: Path, resources: Iterable[Resource]) -> list[Problem]:
    """A warning for every field in which a version differs from its resource's reference."""
    by_id: dict[str, list[Resource]] = defaultdict(list)
    for resource in resources:
        by_id[resource.id].append(resource)
    found: list[Problem] = []
    for versions in by_id.values():
        if len(versions) < 2:
            continue
        versions.sort(key=lambda r: (r.language != "en", r.path))
        reference, others = versions[0], versions[1:]
        for other in others:
            for name, value_of in COMPARED.items():
                theirs, ours = value_of(reference), value_of(other)
                if theirs is None or ours is None or theirs == ours:
                    continue
                found.append(
                    Problem(
                        other.path,
                        _line_of(content_dir / other.path, name),
                        name,
                        f"{_shown(ours)} here but {_shown(theirs)} in {reference.path}; the "
                        "language versions of a resource are translations and must agree: "
                        "correct the one that is wrong",
                        WARNING,
                    )
                )
    return found


def _shown(value) -> str:
    if isinstance(value, list) and value and isinstance(value[0], tuple):
        value = ["/".join(part for part in row if part) for row in value]
    if isinstance(value, tuple):
        value = " to ".join(part or "…" for part in value)
    if isinstance(value, list):
        value = ", ".join(value)
    return f"'{value}'"


def _line_of(path: Path, name: str) -> int:
    """The line of the field in the file's front matter (1 when it cannot be found)."""
    try:
        lines = path.read_text("utf-8", errors="replace").splitlines()
    except OSError:
        return 1
    pattern = re.compile(rf"^{re.escape(name)}\s*:")
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            break
        if pattern.match(line):
            return number
    return 1
