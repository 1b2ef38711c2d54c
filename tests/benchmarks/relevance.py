"""Relevance benchmark: known-item search in 14 languages, against SQLite FTS5 as a baseline.

    python -m tests.benchmarks.relevance [--no-distractors] [--show-variants]

For every document of tests/benchmarks/data/relevance/*.yml there are queries of two or three
words (`exact`: as written in the text; `inflected`: the same words in other forms) and we also
run `inflected` without diacritics (`unaccented`). The documents are indexed with the real
indexer (with the shipped library as distractors) and searched through the real search service;
the baseline is SQLite FTS5 (unicode61, remove_diacritics 2) over the same documents. The first
table gives MRR@10 and success@10 per language for these three variants, for both engines.

A second table, "search quality", covers variants that tests/benchmarks/variants.py derives
from each `inflected` query (deterministically, with its own word lists and spelling rules):

* `function words`: one or two articles, prepositions or conjunctions of the language added;
* `latin` and `latin everyday` (Bulgarian and Greek only): typed in Latin letters, in the
  official romanisation and the way people type on a Latin keyboard;
* `typo`: one typo in the longest word. Besides its MRR@10 the table gives how often a
  "did you mean" suggestion is offered, and the suggestion's precision: the share of offered
  suggestions whose own search ranks the target in the top 10;
* false alarms: of the `exact` and `inflected` queries whose target is ranked first, the share
  for which a suggestion is offered all the same (it should be near 0).

Only this library runs these variants (FTS5 does not). Last come the query times (of the first
table's queries) and language-detection accuracy on paragraphs and stubs. --show-variants prints
the generated queries and stops before indexing anything.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from indexer.language import langid
from indexer.language.analysis import fold
from indexer.source.readers import find_files, read
from indexer.writing.build import build
from library.models import SearchRequest
from library.search import SearchService

from .variants import (
    LATIN_LANGUAGES,
    everyday_latin,
    official_latin,
    with_function_words,
    with_typo,
)

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data" / "relevance"
CONTENT = ROOT / "content"
VARIANTS = ("exact", "inflected", "unaccented")  # the first table, comparable with older runs
DERIVED = ("function words", "latin", "latin everyday", "typo")  # the "search quality" table
TOP = 10


@dataclass(frozen=True)
class Doc:
    id: str
    language: str
    title: str
    text: str
    stub: str


@dataclass(frozen=True)
class KnownItem:
    doc: str
    language: str
    variant: str
    query: str


@dataclass(frozen=True)
class Outcome:
    """What this library answered to one known-item query."""

    rank: int | None  # of the target in the top 10
    suggestion: str | None  # "did you mean", when offered
    suggestion_rank: int | None = None  # of the target when the suggestion is searched


Results = dict[tuple[str, str], list[Outcome]]  # (language, variant) -> outcomes


def load_data() -> tuple[list[Doc], list[KnownItem]]:
    docs, items = [], []
    for path in sorted(DATA.glob("*.yml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        lang = data["language"]
        for d in data["documents"]:
            docs.append(Doc(d["id"], lang, d["title"], d["text"], d.get("stub", "")))
        for position, q in enumerate(data["queries"]):
            items.extend(query_variants(lang, q, position))
    return docs, items


def query_variants(lang: str, q: dict, position: int) -> list[KnownItem]:
    """The known-item queries of one YAML query, in the order of VARIANTS then DERIVED;
    position (the query's place in its file) picks among the ways of deriving a variant."""
    inflected = q["inflected"]
    forms = [
        ("exact", q["exact"]),
        ("inflected", inflected),
        ("unaccented", fold(inflected)),
        ("function words", with_function_words(lang, inflected, position)),
    ]
    if lang in LATIN_LANGUAGES:
        forms.append(("latin", official_latin(lang, inflected)))
        forms.append(("latin everyday", everyday_latin(lang, inflected, position)))
    forms.append(("typo", with_typo(inflected, position)))
    return [KnownItem(q["doc"], lang, variant, text) for variant, text in forms]


def count_variants(items: list[KnownItem]) -> dict[str, int]:
    counts = dict.fromkeys(VARIANTS + DERIVED, 0)
    for item in items:
        counts[item.variant] += 1
    return counts


def write_library(docs: list[Doc], target: Path, distractors: bool) -> None:
    if distractors:
        shutil.copytree(CONTENT, target, ignore=shutil.ignore_patterns("_templates", "README.md"))
    else:
        target.mkdir(parents=True)
        for name in ("vocabulary.yml", "cities.yml"):
            shutil.copy(CONTENT / name, target / name)
    folder = target / "benchmark"
    folder.mkdir()
    for doc in docs:
        body = f"---\nid: bench/{doc.id}\ntitle: {_quote(doc.title)}\n---\n{doc.text}\n"
        (folder / f"{doc.id}.{doc.language}.md").write_text(body, "utf-8")


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def rank_of(ids: list[str], doc: str) -> int | None:
    """The 1-based place of the benchmark document among ids, None when it is not there."""
    target = f"bench/{doc}"
    return ids.index(target) + 1 if target in ids else None


def search_ours(service: SearchService, query: str, doc: str) -> tuple[int | None, str | None]:
    """(rank of doc in the first page of query, the suggestion offered or None)."""
    page = service.search(SearchRequest(q=query, per_page=TOP, ui_language="en"))
    return rank_of([hit.id for hit in page.hits], doc), page.suggestion


def outcome_ours(service: SearchService, item: KnownItem) -> Outcome:
    """Searches the item; for a typo that got a suggestion, searches the suggestion too."""
    rank, suggestion = search_ours(service, item.query, item.doc)
    again = None
    if suggestion is not None and item.variant == "typo":
        again, _ = search_ours(service, suggestion, item.doc)
    return Outcome(rank, suggestion, again)


def fts5_index(docs: list[Doc], content: Path) -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE d USING fts5(id UNINDEXED, title, body, "
        "tokenize = 'unicode61 remove_diacritics 2')"
    )
    rows = [(f"bench/{d.id}", d.title, d.text) for d in docs]
    for source in find_files(content):
        if source.relpath.startswith("benchmark/"):
            continue
        raw, _ = read(source)
        if raw is not None:
            rows.append((source.relpath, str(raw.meta.get("title", "")), raw.body))
    db.executemany("INSERT INTO d VALUES (?, ?, ?)", rows)
    return db


def rank_fts5(db: sqlite3.Connection, item: KnownItem) -> int | None:
    words = [w for w in item.query.replace('"', " ").split() if w]
    match = " ".join(f'"{w}"' for w in words)
    ids = [row[0] for row in db.execute(
        "SELECT id FROM d WHERE d MATCH ? ORDER BY bm25(d) LIMIT ?", (match, TOP)
    )]  # fmt: skip
    return rank_of(ids, item.doc)


def scores(ranks: list[int | None]) -> tuple[float, float]:
    mrr = statistics.fmean(1 / r if r else 0.0 for r in ranks) if ranks else 0.0
    success = statistics.fmean(1.0 if r else 0.0 for r in ranks) if ranks else 0.0
    return mrr, success


def print_table(title: str, table: dict[tuple[str, str], list[int | None]], languages) -> dict:
    print(f"\n{title}")
    print(f"{'lang':6}" + "".join(f"{v + ' MRR':>16}{'S@10':>7}" for v in VARIANTS))
    means = {v: [] for v in VARIANTS}
    for lang in languages:
        cells = ""
        for variant in VARIANTS:
            mrr, success = scores(table.get((lang, variant), []))
            means[variant].append(mrr)
            cells += f"{mrr:16.3f}{success:7.2f}"
        print(f"{lang:6}{cells}")
    summary = {v: statistics.fmean(m) for v, m in means.items() if m}
    mins = {v: min(m) for v, m in means.items() if m}
    print(f"{'mean':6}" + "".join(f"{summary[v]:16.3f}{'':7}" for v in VARIANTS))
    print(f"{'min':6}" + "".join(f"{mins[v]:16.3f}{'':7}" for v in VARIANTS))
    return summary


def share(flags: list[bool]) -> float | None:
    return statistics.fmean(flags) if flags else None


def typo_figures(outcomes: list[Outcome]) -> tuple[float | None, float | None]:
    """(share of typo queries offered a suggestion, share of the offered suggestions that rank
    the target in the top 10)."""
    offered = [o for o in outcomes if o.suggestion is not None]
    return (
        share([o.suggestion is not None for o in outcomes]),
        share([o.suggestion_rank is not None for o in offered]),
    )


def false_alarms(outcomes: list[Outcome]) -> float | None:
    """Of the outcomes whose target is ranked first, the share that were offered a suggestion."""
    return share([o.suggestion is not None for o in outcomes if o.rank == 1])


def quality_row(results: Results, lang: str) -> list[float | None]:
    """One language's cells of the "search quality" table, None where it has no such query."""
    cells: list[float | None] = []
    for variant in DERIVED:
        outcomes = results.get((lang, variant), [])
        cells.append(scores([o.rank for o in outcomes])[0] if outcomes else None)
    cells.extend(typo_figures(results.get((lang, "typo"), [])))
    plain = results.get((lang, "exact"), []) + results.get((lang, "inflected"), [])
    cells.append(false_alarms(plain))
    return cells


QUALITY_COLUMNS = (*DERIVED, "suggested", "precision", "false alarms")
WIDTHS = tuple(max(len(c) + 2, 8) for c in QUALITY_COLUMNS)


def print_quality(results: Results, languages) -> None:
    print(
        "\nsearch quality: MRR@10 of derived variants; on typos the share offered a suggestion "
        "and the share\nof suggestions finding the target in the top 10; false alarms: "
        "suggestions on exact/inflected\nqueries whose target is ranked first"
    )
    heads = zip(QUALITY_COLUMNS, WIDTHS, strict=True)
    print(f"{'lang':6}" + "".join(f"{c:>{w}}" for c, w in heads))
    columns: list[list[float]] = [[] for _ in QUALITY_COLUMNS]
    for lang in languages:
        row = quality_row(results, lang)
        for column, value in zip(columns, row, strict=True):
            if value is not None:
                column.append(value)
        print(_quality_line(lang, row))
    print(_quality_line("mean", [statistics.fmean(c) if c else None for c in columns]))


def _quality_line(label: str, values: list[float | None]) -> str:
    """The label, then each value right-aligned in its column (blank when None)."""
    cells = (
        f"{v:{w}.3f}" if v is not None else " " * w for v, w in zip(values, WIDTHS, strict=True)
    )
    return f"{label:6}" + "".join(cells)


def print_suggestion_counts(results: Results) -> None:
    typos = [o for (_, v), outs in results.items() if v == "typo" for o in outs]
    offered = [o for o in typos if o.suggestion is not None]
    right = [o for o in offered if o.suggestion_rank is not None]
    first = [
        o for (_, v), outs in results.items() if v in ("exact", "inflected") for o in outs
        if o.rank == 1
    ]  # fmt: skip
    alarms = [o for o in first if o.suggestion is not None]
    print(
        f"typos: {len(offered)}/{len(typos)} offered a suggestion, {len(right)} of them find the "
        f"target in the top 10; exact/inflected ranked first: {len(alarms)}/{len(first)} "
        "offered one"
    )


def show_variants(items: list[KnownItem]) -> None:
    """Prints every query of the derived variants, beside the inflected query it comes from."""
    source = ""
    for item in items:
        if item.variant == "inflected":
            source = item.query
        elif item.variant in DERIVED:
            print(f"{item.language:3} {item.doc:7} {item.variant:15} {source}  ->  {item.query}")


def detection(docs: list[Doc]) -> None:
    print("\nlanguage detection (right / total)")
    by_lang: dict[str, list[tuple[bool, bool]]] = {}
    for doc in docs:
        paragraph = langid.detect(f"{doc.title}. {doc.text}")[0] == doc.language
        stub = langid.detect(doc.stub)[0] == doc.language if doc.stub else True
        by_lang.setdefault(doc.language, []).append((paragraph, stub))
    total_p = total_s = n = 0
    for lang, results in sorted(by_lang.items()):
        p = sum(r[0] for r in results)
        s = sum(r[1] for r in results)
        total_p, total_s, n = total_p + p, total_s + s, n + len(results)
        print(f"{lang:6} paragraphs {p}/{len(results)}  stubs {s}/{len(results)}")
    print(f"all    paragraphs {total_p / n:.1%}  stubs {total_s / n:.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-distractors", action="store_true")
    parser.add_argument(
        "--show-variants", action="store_true", help="print the derived queries and stop"
    )
    args = parser.parse_args()
    docs, items = load_data()
    if args.show_variants:
        show_variants(items)
        return
    languages = sorted({d.language for d in docs})
    counts = count_variants(items)
    with tempfile.TemporaryDirectory() as tmp:
        content, index = Path(tmp) / "content", Path(tmp) / "index"
        write_library(docs, content, not args.no_distractors)
        report = build(content, index, say=lambda _: None)
        print(
            f"{len(docs)} known items in {len(languages)} languages, "
            f"{sum(counts[v] for v in VARIANTS)} queries; "
            f"index of {report.documents} resources"
        )
        print("queries per variant: " + ", ".join(f"{v} {n}" for v, n in counts.items()))
        service = SearchService(index)
        started = time.perf_counter()
        service.warm()
        print(
            f"start-up (loading the analysis of every language): "
            f"{time.perf_counter() - started:.1f} s"
        )
        db = fts5_index(docs, content)
        ours: Results = {}
        base: dict[tuple[str, str], list[int | None]] = {}
        times = []
        for item in items:
            key = (item.language, item.variant)
            started = time.perf_counter()
            ours.setdefault(key, []).append(outcome_ours(service, item))
            if item.variant in VARIANTS:  # time and compare only the first table's queries
                times.append(time.perf_counter() - started)
                base.setdefault(key, []).append(rank_fts5(db, item))
    ranks = {key: [o.rank for o in outcomes] for key, outcomes in ours.items()}
    print_table("this library: MRR@10 and success@10", ranks, languages)
    print_table(
        "SQLite FTS5 (unicode61, remove_diacritics 2): MRR@10 and success@10", base, languages
    )
    print_quality(ours, languages)
    print_suggestion_counts(ours)
    times.sort()
    print(
        f"\nquery time: median {statistics.median(times) * 1000:.1f} ms, "
        f"max {times[-1] * 1000:.1f} ms"
    )
    detection(docs)


if __name__ == "__main__":
    main()
