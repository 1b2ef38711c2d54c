"""Relevance benchmark: known-item search in 14 languages, against SQLite FTS5 as a baseline.

    python -m tests.benchmarks.relevance [--no-distractors]

For every document of tests/benchmarks/data/relevance/*.yml there are queries of two or three
words (`exact`: as written in the text; `inflected`: the same words in other forms) and we also
run `inflected` without diacritics. The documents are indexed with the real indexer (with the
shipped library as distractors) and searched through the real search service; the baseline is
SQLite FTS5 (unicode61, remove_diacritics 2) over the same documents. Prints MRR@10 and
success@10 per language and variant, and language-detection accuracy on paragraphs and stubs.
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

from indexer import langid
from indexer.analysis import fold
from indexer.build import build
from indexer.readers import find_files, read
from library.models import SearchRequest
from library.search import SearchService

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data" / "relevance"
CONTENT = ROOT / "content"
VARIANTS = ("exact", "inflected", "unaccented")
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


def load_data() -> tuple[list[Doc], list[KnownItem]]:
    docs, items = [], []
    for path in sorted(DATA.glob("*.yml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        lang = data["language"]
        for d in data["documents"]:
            docs.append(Doc(d["id"], lang, d["title"], d["text"], d.get("stub", "")))
        for q in data["queries"]:
            items.append(KnownItem(q["doc"], lang, "exact", q["exact"]))
            items.append(KnownItem(q["doc"], lang, "inflected", q["inflected"]))
            items.append(KnownItem(q["doc"], lang, "unaccented", fold(q["inflected"])))
    return docs, items


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


def rank_ours(service: SearchService, item: KnownItem) -> int | None:
    page = service.search(SearchRequest(q=item.query, per_page=TOP, ui_language="en"))
    ids = [hit.id for hit in page.hits]
    target = f"bench/{item.doc}"
    return ids.index(target) + 1 if target in ids else None


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
    target = f"bench/{item.doc}"
    return ids.index(target) + 1 if target in ids else None


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
    args = parser.parse_args()
    docs, items = load_data()
    languages = sorted({d.language for d in docs})
    with tempfile.TemporaryDirectory() as tmp:
        content, index = Path(tmp) / "content", Path(tmp) / "index"
        write_library(docs, content, not args.no_distractors)
        report = build(content, index, say=lambda _: None)
        print(
            f"{len(docs)} known items in {len(languages)} languages, {len(items)} queries; "
            f"index of {report.documents} resources"
        )
        service = SearchService(index)
        started = time.perf_counter()
        service.warm()
        print(
            f"start-up (loading the analysis of every language): "
            f"{time.perf_counter() - started:.1f} s"
        )
        db = fts5_index(docs, content)
        ours: dict[tuple[str, str], list[int | None]] = {}
        base: dict[tuple[str, str], list[int | None]] = {}
        times = []
        for item in items:
            started = time.perf_counter()
            ours.setdefault((item.language, item.variant), []).append(rank_ours(service, item))
            times.append(time.perf_counter() - started)
            base.setdefault((item.language, item.variant), []).append(rank_fts5(db, item))
    print_table("this library: MRR@10 and success@10", ours, languages)
    print_table(
        "SQLite FTS5 (unicode61, remove_diacritics 2): MRR@10 and success@10", base, languages
    )
    times.sort()
    print(
        f"\nquery time: median {statistics.median(times) * 1000:.1f} ms, "
        f"max {times[-1] * 1000:.1f} ms"
    )
    detection(docs)


if __name__ == "__main__":
    main()
