"""Ready-to-fill content files, generated from the front-matter contract and the vocabulary.

Owns `python -m indexer new TYPE --language LL`: every field of `fields.FIELDS` appears (required
ones with a placeholder or a known value, optional ones commented out with what they expect and
the values the vocabulary allows), then a body outline suited to the type with its headings in
the file's language. Imports neither Flask nor `library`: the site passes its own vocabulary.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from .contract.fields import FIELDS, PLACEHOLDER, Field, city_slug
from .contract.problems import errors
from .contract.profiles import load
from .contract.vocabulary import (
    EXTRA_LANGUAGES,
    FALLBACK_LANGUAGE,
    Vocabulary,
    closest,
    language_codes,
    language_name,
)
from .language.analysis import fold
from .profile_starter import city_template
from .source.readers import PROFILES_FOLDER

# A place the contributor must fill: [[what goes here]].
COMMENT_COLUMN = 40
WRAP = 96
MAX_SLUG = 60
EXIT_USAGE = 2
# Where the values of the fields that take them from a list come from. The fields themselves
# always come from FIELDS: a field missing here is still written, without a list of values.
VALUE_SOURCES = {
    "type": "types",
    "project": "projects",
    "themes": "themes",
    "steps": "steps",
    "cities": "cities",
    "countries": "countries",
    "language": "languages",
}
# YAML words a plain value must not be (they would be read as booleans or null elsewhere).
YAML_WORDS = {"true", "false", "null", "yes", "no", "on", "off", "y", "n"}
PLAIN = re.compile(r"^[a-z][a-z0-9-]*$")

# Section headings in the interface languages, in this order (English for any other language).
HEADING_LANGUAGES = ("en", "cs", "bg", "hu", "ro", "es", "sk", "it", "el")
# fmt: off
HEADINGS: dict[str, tuple[str, ...]] = {
    "in_brief": ("In brief", "Stručně", "Накратко", "Röviden", "Pe scurt", "En resumen",
                 "Stručne", "In breve", "Με λίγα λόγια"),
    "context": ("Context", "Kontext", "Контекст", "Háttér", "Context", "Contexto", "Kontext",
                "Contesto", "Πλαίσιο"),
    "what_done": ("What was done", "Co se udělalo", "Какво беше направено", "Mi történt",
                  "Ce s-a făcut", "Qué se hizo", "Čo sa urobilo", "Che cosa è stato fatto",
                  "Τι έγινε"),
    "results": ("Results", "Výsledky", "Резултати", "Eredmények", "Rezultate", "Resultados",
                "Výsledky", "Risultati", "Αποτελέσματα"),
    "lessons": ("Lessons and conditions for transfer", "Poučení a podmínky přenosu",
                "Поуки и условия за пренасяне", "Tanulságok és az átvétel feltételei",
                "Lecții și condiții de transfer", "Lecciones y condiciones para la transferencia",
                "Poučenia a podmienky prenosu", "Lezioni e condizioni per il trasferimento",
                "Διδάγματα και προϋποθέσεις μεταφοράς"),
    "contacts": ("Contacts and documents", "Kontakty a dokumenty", "Контакти и документи",
                 "Kapcsolat és dokumentumok", "Contacte și documente", "Contactos y documentos",
                 "Kontakty a dokumenty", "Contatti e documenti", "Επαφές και έγγραφα"),
    "objectives": ("Objectives", "Cíle", "Цели", "Célok", "Obiective", "Objetivos", "Ciele",
                   "Obiettivi", "Στόχοι"),
    "measures": ("Measures", "Opatření", "Мерки", "Intézkedések", "Măsuri", "Medidas",
                 "Opatrenia", "Misure", "Μέτρα"),
    "budget": ("Budget and funding", "Rozpočet a financování", "Бюджет и финансиране",
               "Költségvetés és finanszírozás", "Buget și finanțare", "Presupuesto y financiación",
               "Rozpočet a financovanie", "Budget e finanziamento",
               "Προϋπολογισμός και χρηματοδότηση"),
    "indicators": ("Indicators and monitoring", "Ukazatele a monitorování",
                   "Показатели и мониторинг", "Mutatók és nyomon követés",
                   "Indicatori și monitorizare", "Indicadores y seguimiento",
                   "Ukazovatele a monitorovanie", "Indicatori e monitoraggio",
                   "Δείκτες και παρακολούθηση"),
    "parties": ("Parties", "Smluvní strany", "Страни", "Felek", "Părți", "Partes",
                "Zmluvné strany", "Parti", "Συμβαλλόμενα μέρη"),
    "commitments": ("Commitments", "Závazky", "Ангажименти", "Vállalások", "Angajamente",
                    "Compromisos", "Záväzky", "Impegni", "Δεσμεύσεις"),
    "timeline": ("Timeline", "Harmonogram", "График", "Ütemterv", "Calendar", "Calendario",
                 "Harmonogram", "Calendario", "Χρονοδιάγραμμα"),
    "follow_up": ("Follow-up", "Další postup", "Последващи действия", "További lépések",
                  "Acțiuni ulterioare", "Seguimiento", "Ďalší postup", "Seguito", "Συνέχεια"),
    "key_messages": ("Key messages", "Klíčová sdělení", "Основни послания", "Fő üzenetek",
                     "Mesaje-cheie", "Mensajes clave", "Kľúčové posolstvá", "Messaggi chiave",
                     "Βασικά μηνύματα"),
    "method": ("Method", "Metoda", "Метод", "Módszer", "Metodă", "Método", "Metóda", "Metodo",
               "Μέθοδος"),
    "findings": ("Main findings", "Hlavní zjištění", "Основни констатации", "Fő megállapítások",
                 "Constatări principale", "Principales conclusiones", "Hlavné zistenia",
                 "Principali constatazioni", "Κύρια ευρήματα"),
    "recommendations": ("Recommendations", "Doporučení", "Препоръки", "Ajánlások",
                        "Recomandări", "Recomendaciones", "Odporúčania", "Raccomandazioni",
                        "Συστάσεις"),
    "purpose": ("What it is for", "K čemu slouží", "За какво служи", "Mire való",
                "La ce folosește", "Para qué sirve", "Na čo slúži", "A che cosa serve",
                "Σε τι χρησιμεύει"),
    "participants": ("Who took part", "Kdo se účastnil", "Кой участва", "Kik vettek részt",
                     "Cine a participat", "Quién participó", "Kto sa zúčastnil",
                     "Chi ha partecipato", "Ποιοι συμμετείχαν"),
    "outcome": ("What was presented or decided", "Co bylo představeno nebo rozhodnuto",
                "Какво беше представено или решено", "Mit mutattak be, mit döntöttek el",
                "Ce s-a prezentat sau decis", "Qué se presentó o decidió",
                "Čo bolo predstavené alebo rozhodnuté", "Che cosa è stato presentato o deciso",
                "Τι παρουσιάστηκε ή αποφασίστηκε"),
    "local_role": ("What it asks of local authorities", "Co požaduje po obcích",
                   "Какво изисква от местните власти", "Mit vár el az önkormányzatoktól",
                   "Ce le cere autorităților locale", "Qué pide a las autoridades locales",
                   "Čo požaduje od obcí", "Che cosa chiede agli enti locali",
                   "Τι ζητά από τις τοπικές αρχές"),
    "sources": ("Sources", "Zdroje", "Източници", "Források", "Surse", "Fuentes", "Zdroje",
                "Fonti", "Πηγές"),
}
# fmt: on
# What to write under each heading (placeholder text, in English like the field descriptions).
HINTS = {
    "in_brief": "what it is, who is behind it, where and when, in two or three sentences",
    "context": "where, who lives there, what problem it addresses; figures with source and year",
    "what_done": "the actions in order: who did what, when, with which partners and money",
    "results": "what changed, with evidence; say what is not known or not measured",
    "lessons": "what helped, what did not, what another town would need to repeat it",
    "contacts": "organisation and public contact point (no private data); links to documents",
    "objectives": "what it sets out to achieve, with targets where they are given",
    "measures": "the measures or actions, who is responsible, and when",
    "budget": "cost of each measure and where the money comes from",
    "indicators": "how progress is measured, who reports and how often",
    "parties": "who signed, in which role, when and where",
    "commitments": "what each party commits to",
    "timeline": "steps and expected duration, as the document states them",
    "follow_up": "what happened next, with dates and sources",
    "key_messages": "each message in one or two sentences, in your own words",
    "method": "how it was done or how it works: steps, data, participants",
    "findings": "the main findings, with figures and their year",
    "recommendations": "what it recommends, and to whom",
    "purpose": "who it is for and which problem it helps with",
    "participants": "who took part or spoke, in which role",
    "outcome": "what was presented, agreed or decided",
    "local_role": "what it asks municipalities to do, and with what support",
    "sources": "the URL of each source, one per line, then ' — ' and what it supports",
}
OUTLINES = {
    "case-study": ("context", "what_done", "results", "lessons", "contacts", "sources"),
    "good-practice": ("in_brief", "what_done", "results", "lessons", "contacts", "sources"),
    "local-action-plan": ("context", "objectives", "measures", "budget", "indicators", "sources"),
    "agreement": ("parties", "commitments", "timeline", "follow_up", "sources"),
    "key-messages": ("context", "key_messages", "lessons", "sources"),
    "report": ("in_brief", "method", "findings", "recommendations", "sources"),
    "toolkit": ("purpose", "method", "lessons", "contacts", "sources"),
    "news-event": ("in_brief", "participants", "outcome", "contacts", "sources"),
    "policy": ("in_brief", "objectives", "local_role", "budget", "indicators", "sources"),
    "profile": ("in_brief", "objectives", "method", "results", "sources"),
}
# For a type an editor added to the vocabulary after this table was written.
DEFAULT_OUTLINE = ("in_brief", "context", "results", "sources")


class StarterError(ValueError):
    """A request the starter cannot serve; the message names the fix."""


@dataclass(frozen=True)
class Starter:
    """What to generate: a type, the file's language, and what the contributor already knows."""

    type: str
    language: str
    cities: tuple[str, ...] = ()
    title: str | None = None
    today: date | None = None


def resolve(vocab: Vocabulary, request: Starter) -> Starter:
    """The request with its type, language and cities checked against the vocabulary, and
    cities as slugs; StarterError names the closest known value of anything unknown."""
    type_slug = str(request.type).strip().lower()
    if type_slug not in vocab.types:
        raise StarterError(_unknown("type", request.type, list(vocab.types)))
    language = str(request.language).strip().lower()
    if language not in language_codes():
        raise StarterError(
            _unknown("language code", request.language, sorted(language_codes()))
            + " (an ISO 639-1 code such as 'cs')"
        )
    cities = []
    for name in request.cities:
        slug = vocab.resolve_city(name)
        if slug is None:
            raise StarterError(_unknown_city(vocab, name))
        if slug not in cities:
            cities.append(slug)
    title = " ".join(str(request.title).split()) if request.title else None
    return replace(request, type=type_slug, language=language, cities=tuple(cities), title=title)


def _unknown(what: str, value, choices: list[str]) -> str:
    hint = closest(str(value), choices)
    if hint:
        return f"unknown {what} '{value}': the closest known one is '{hint}'"
    return f"unknown {what} '{value}'"


def _unknown_city(vocab: Vocabulary, name: str) -> str:
    """Names in every language count: 'Kasa' is closest to Kassa, Košice's Hungarian name."""
    names = {}
    for city in vocab.cities.values():
        for known in (city.slug, city.name, *city.names.values()):
            names.setdefault(fold(known).lower(), city)
    hint = closest(fold(str(name)).lower(), list(names))
    if hint is None:
        return f"unknown city '{name}' (add it to content/cities.yml first)"
    city = names[hint]
    return (
        f"unknown city '{name}': the closest known one is '{city.slug}' ({city.name}); "
        "a city that is not listed must be added to content/cities.yml first"
    )


def starter(vocab: Vocabulary, request: Starter) -> str:
    """The whole file: front matter with every field, then the body outline."""
    request = resolve(vocab, request)
    known = known_values(vocab, request)
    lines = ["---", *_header(vocab, request)]
    for spec in FIELDS:
        lines += field_lines(spec, known.get(spec.name), vocab, request.language)
    lines += ["---", "", *body(request)]
    return "\n".join(lines) + "\n"


def known_values(vocab: Vocabulary, request: Starter) -> dict[str, object]:
    """Field values the request already settles; every other field is left to fill."""
    values: dict[str, object] = {
        "type": request.type,
        "language": request.language,
        "date": (request.today or date.today()).isoformat(),
        "accessed": (request.today or date.today()).isoformat(),  # the source read today
    }
    if request.title:
        values["title"] = request.title
    if request.cities:
        values["cities"] = list(request.cities)
        countries = (vocab.cities[slug].country for slug in request.cities)
        values["countries"] = [c for c in dict.fromkeys(countries) if c]
    return values


def _header(vocab: Vocabulary, request: Starter) -> list[str]:
    label = vocab.types[request.type].label(request.language)
    language = language_name(request.language, FALLBACK_LANGUAGE)
    return [
        f"# A new {request.type} ({label}), written in {language} ({request.language}).",
        "# Replace every [[...]] with your text. Optional fields are commented out: remove the",
        '# "# " before each one you can fill and delete the others. Then run:',
        "#   python -m indexer check",
        "# Every field is described in content/README.md.",
    ]


def is_list_field(spec: Field, vocab: Vocabulary) -> bool:
    """A field whose parser takes an empty list without complaint holds a list."""
    try:
        _, issues = spec.parse([], vocab)
    except (TypeError, ValueError, AttributeError, KeyError):
        return False
    return not issues


# The shape of a structured field, shown in the template (commented out like every optional
# field): the numbers and dates are there to be replaced, never published as they are.
EXAMPLES = {
    "period": '{start: "2019-01", end: "2021-12"}',
    "results": '[{indicator: "[[indicator]]", value: 0, unit: "[[unit]]", year: 2021}]',
    "funding": (
        '[{title: "[[project]]", funder: "[[funder]]", amount: 0, currency: EUR, '
        "status: approved, year: 2021}]"
    ),
    "evidence": '{level: self-reported, by: "[[who assessed it]]"}',
}


def field_lines(spec: Field, value, vocab: Vocabulary, language: str) -> list[str]:
    """The field's line (commented out when optional and unknown) and the values it allows."""
    note = f"required: {spec.expected}" if spec.required else spec.expected
    if value is None and spec.name in EXAMPLES:
        line = f"{spec.name}: {EXAMPLES[spec.name]}"
    elif value is not None:
        line = f"{spec.name}: {yaml_value(value, spec.name == 'countries')}"
    elif is_list_field(spec, vocab):
        line = f"{spec.name}: []"
    else:
        line = f'{spec.name}: "[[{spec.name}]]"'
    if value is None and not spec.required:
        line = f"# {line}"
    return [_with_note(line, note), *allowed_lines(spec.name, vocab, language)]


def _with_note(line: str, note: str) -> str:
    return f"{line.ljust(COMMENT_COLUMN - 1)} # {note}"


def yaml_value(value, quote_all: bool = False) -> str:
    """A value as YAML that reads back the same in any tool (codes like NO quoted)."""
    if isinstance(value, list):
        return "[" + ", ".join(yaml_value(v, quote_all) for v in value) + "]"
    text = str(value)
    if not quote_all and PLAIN.match(text) and text not in YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)


def allowed_lines(name: str, vocab: Vocabulary, language: str) -> list[str]:
    """Comment lines listing the values a vocabulary field accepts, labelled in the language."""
    source = VALUE_SOURCES.get(name)
    if source in ("types", "projects", "themes", "steps"):
        terms = sorted(vocab.kind(source).values(), key=lambda t: t.order or 0)
        return [f"#   {t.slug}: {t.label(language)}" for t in terms]
    if source == "cities":
        return _wrapped(sorted(vocab.cities))
    if source == "countries":
        codes = sorted({c.country for c in vocab.cities.values() if c.country})
        return _wrapped([f'"{c}"' for c in codes], "the cities' countries: ")
    if source == "languages":
        return _wrapped([*vocab.languages, *EXTRA_LANGUAGES], "for example: ")
    return []


def _wrapped(items: list[str], lead: str = "") -> list[str]:
    lines, current = [], "#   " + lead
    for i, item in enumerate(items):
        piece = item if i == len(items) - 1 else f"{item}, "
        if len(current) + len(piece) > WRAP and current.strip("# "):
            lines.append(current.rstrip())
            current = "#   "
        current += piece
    return [*lines, current.rstrip()] if current.strip("# ") else lines


def heading(key: str, language: str) -> str:
    """A section heading in the language, English for languages without their own."""
    names = HEADINGS[key]
    if language in HEADING_LANGUAGES:
        return names[HEADING_LANGUAGES.index(language)]
    return names[0]


def outline(type_slug: str) -> tuple[str, ...]:
    return OUTLINES.get(type_slug, DEFAULT_OUTLINE)


def body(request: Starter) -> list[str]:
    lines = [f"# {request.title or '[[title]]'}", ""]
    for key in outline(request.type):
        lines += [f"## {heading(key, request.language)}", ""]
        hint = f"[[{HINTS[key]}]]"
        lines += [f"- {hint}" if key == "sources" else hint, ""]
    return lines[:-1]


def placeholders(text: str) -> list[str]:
    """What is still to fill in a generated file."""
    return PLACEHOLDER.findall(text)


# -- the command -------------------------------------------------------------------------------


def add_parser(subparsers) -> argparse.ArgumentParser:
    """`new TYPE --language LL [--city CITY ...] [--title T] [--output PATH] [--force]`."""
    cmd = subparsers.add_parser("new", help="write a ready-to-fill file for a resource type")
    cmd.add_argument(
        "type",
        metavar="TYPE",
        help="a type slug from content/vocabulary.yml, e.g. case-study, or 'city' for a profile",
    )
    cmd.add_argument(
        "--language", "-l", metavar="LL", required=True, help="ISO 639-1 code of the text"
    )
    cmd.add_argument(
        "--city",
        dest="cities",
        metavar="CITY",
        action="extend",
        nargs="+",
        default=[],
        help="city slugs or names",
    )
    cmd.add_argument("--title", help="the title, if you know it (also names the file)")
    cmd.add_argument(
        "--output",
        "-o",
        type=Path,
        metavar="PATH",
        help="file or folder to write, '-' for standard output",
    )
    cmd.add_argument("--force", action="store_true", help="overwrite an existing file")
    cmd.add_argument("--content", type=Path, metavar="DIR", default=None, help="content folder")
    return cmd


def run(args: argparse.Namespace) -> int:
    content_dir = args.content or Path(os.environ.get("LIBRARY_CONTENT_DIR") or "content")
    vocab, problems = load(content_dir)
    if errors(problems):
        for problem in errors(problems):
            print(f"{content_dir.as_posix().rstrip('/')}/{problem}", file=sys.stderr)
        return EXIT_USAGE
    if str(args.type).strip().lower() == "city":
        return _run_city(args, content_dir, vocab)
    request = Starter(args.type, args.language, tuple(args.cities), args.title)
    try:
        request = resolve(vocab, request)
        text = starter(vocab, request)
    except StarterError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_USAGE
    if args.output is not None and str(args.output) == "-":
        sys.stdout.write(text)
        return 0
    path = output_path(content_dir, request, args.output)
    if path.exists() and not args.force:
        print(
            f"error: {path} exists; choose another --output or --title, or add --force",
            file=sys.stderr,
        )
        return EXIT_USAGE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(
        f"Wrote {path}: fill the {len(placeholders(text))} places marked [[...]], "
        "then run: python -m indexer check"
    )
    return 0


def _run_city(args: argparse.Namespace, content_dir: Path, vocab: Vocabulary) -> int:
    """`new city --language LL --city CITY`: a city profile under content/cities/."""
    language = str(args.language).strip().lower()
    if language not in language_codes():
        print(f"error: {_unknown('language code', args.language, sorted(language_codes()))}",
              file=sys.stderr)  # fmt: skip
        return EXIT_USAGE
    if len(args.cities) != 1:
        print("error: name the city with one --city (a slug or a name)", file=sys.stderr)
        return EXIT_USAGE
    city = args.cities[0]
    text = city_template(vocab, language, city)
    if args.output is not None and str(args.output) == "-":
        sys.stdout.write(text)
        return 0
    slug = vocab.resolve_city(city) or city_slug(city)
    path = args.output or content_dir / PROFILES_FOLDER / f"{slug}.{language}.md"
    if path.exists() and not args.force:
        print(f"error: {path} exists; choose another --output, or add --force", file=sys.stderr)
        return EXIT_USAGE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"Wrote {path}: fill it from your sources, then run: python -m indexer check")
    return 0


def output_path(content_dir: Path, request: Starter, output: Path | None) -> Path:
    """The path given, a default name inside the folder given, or
    `CONTENT/TYPE/NAME.LANG.md` with NAME from the title, else the city and type."""
    name = f"{file_stem(request)}.{request.language}.md"
    if output is None:
        return content_dir / request.type / name
    return output / name if output.is_dir() else output


def file_stem(request: Starter) -> str:
    from_title = slugify(request.title or "")
    if from_title:
        return from_title
    return "-".join((*request.cities[:1], request.type))


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens (letters of other scripts are left out)."""
    words = re.findall(r"[a-z0-9]+", fold(text).lower())
    return "-".join(words)[:MAX_SLUG].strip("-")


def main(argv: list[str] | None = None) -> int:
    top = argparse.ArgumentParser(prog="python -m indexer.starter")
    add_parser(top.add_subparsers(dest="command", required=True))
    return run(top.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
