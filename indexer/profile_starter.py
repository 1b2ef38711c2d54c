"""`python -m indexer new city --language LL --city CITY`: a ready-to-fill city profile.

What the register already knows of the city (names, country, coordinates, programmes) is
filled in; every structured list is shown as one commented-out example row to copy, so that
nothing is published until a partner writes it from a source.
"""

from __future__ import annotations

from datetime import date

from .contract.fields import city_slug
from .contract.vocabulary import Vocabulary, language_name

ROW_EXAMPLES = (
    ("population", '{value: 0, year: 2021, source: "https://[[source]]"}'),
    (
        "roma_population",
        '{value: 0, year: 2021, method: census, source: "https://[[source]]"}',
    ),
    (
        "programmes",
        '{programme: romact, role: "[[role]]", from: "2020-03", source: "https://[[source]]"}',
    ),
    (
        "milestones",
        '{date: "2020-03-01", step: commitment, kind: agreement-signed, '
        'label: "[[what happened]]", '
        'source: "https://[[source]]"}',
    ),
    (
        "funding",
        '{title: "[[project]]", funder: "[[funder]]", amount: 0, currency: EUR, status: approved, '
        'year: 2021, source: "https://[[source]]"}',
    ),
)


def city_template(vocab: Vocabulary, language: str, city: str, today: date | None = None) -> str:
    """The profile file for a city of the register (by slug or any name) or a new one."""
    slug = vocab.resolve_city(city) or city_slug(city)
    known = vocab.cities.get(slug)
    title = known.label(language) if known else city
    lines = [
        "---",
        f"# The profile of {title} ({slug}), written in {language_name(language, 'en')}.",
        "# Fill what a source gives, each row with its source; leave out what no source gives.",
        "# Uncomment a row, copy it for each figure, milestone or project. Then run:",
        "#   python -m indexer check",
        f'title: "{_quoted(title)}"',
    ]
    if known:
        lines.append(f'name: "{_quoted(known.name)}"')
        names = ", ".join(f'{k}: "{_quoted(v)}"' for k, v in sorted(known.names.items()))
        if names:
            lines.append(f"names: {{{names}}}")
        if known.country:
            lines.append(f'country: "{known.country}"')
        if known.lat is not None and known.lon is not None:
            lines += [f"lat: {known.lat}", f"lon: {known.lon}"]
    else:
        lines += [f'name: "{_quoted(city)}"', '# country: "XX"', "# lat: 0.0", "# lon: 0.0"]
    lines += ["# kind: municipality", '# region: "[[region]]"']
    for name, row in ROW_EXAMPLES:
        lines += [f"{name}:", f"#  - {row}"]
    lines += [
        "# themes: [housing]",
        '# source: "https://[[source]]"',
        f'accessed: "{(today or date.today()).isoformat()}"',
        "---",
        "",
        "[[Two to five short paragraphs: where the town is, who lives there (figures with their "
        "year and source), what the municipality did, what came of it.]]",
        "",
        "## Sources",
        "",
        "- [[the URL of each source]] — [[what it supports]]",
    ]
    return "\n".join(lines) + "\n"


def _quoted(text: str) -> str:
    return str(text).replace("\\", "\\\\").replace('"', '\\"')
