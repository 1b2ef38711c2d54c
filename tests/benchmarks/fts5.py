"""SQLite FTS5 peer of the speed benchmark: the same generated files in an FTS5 table plus a facet
table, and the same query mix (querymix.py) answered in-process.

    python -m tests.benchmarks.fts5 --content DIR --db FILE [--runs 1] [--passes 3]

Build: read every Markdown file, parse its front matter with yaml.safe_load, skip the files the
indexer would reject (no title, unknown theme/type/project/city, bad date, unreadable), then
insert title, summary and body into `docs` (FTS5, tokenize 'unicode61 remove_diacritics 2')
and (doc, facet, value) rows into `facets` for theme, city, country (declared plus those of the
cities), project, type, language and year; then FTS5 'optimize'. Timed as a whole.

Query: words and "phrases" become FTS5 strings (quotes doubled, implicit AND); the filters are
OR within a facet and AND across facets. One query = the top 10 by bm25 (newest first when
there are no words) with a snippet, the total, and for every facet the counts over the match
with the other facets' filters only (disjunctive counts, as the project computes them).

Prints one JSON object, so speed.py can run this as its own process and sample its memory.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import yaml

from .corpus import content_files, split_front_matter
from .querymix import MIX, Query
from .stats import percentile

FACETS = ("theme", "city", "country", "project", "type", "language", "year")
TOP = 10
BATCH = 1000
SCHEMA = """
CREATE VIRTUAL TABLE docs USING fts5(
    path UNINDEXED, date UNINDEXED, title, summary, body,
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TABLE facets(
    doc INTEGER NOT NULL, facet TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY (facet, value, doc)
) WITHOUT ROWID;
"""
_LANGUAGE = re.compile(r"\.([a-z]{2,3})\.md$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_TOKEN = re.compile(r'"([^"]*)"|(\S+)')


@dataclass
class Document:
    path: str
    date: str
    title: str
    summary: str
    body: str
    facets: list[tuple[str, str]] = field(default_factory=list)


class Register:
    """What a valid file may name: theme, type and project slugs; cities with their country."""

    def __init__(self, content: Path):
        vocab = yaml.safe_load((content / "vocabulary.yml").read_text("utf-8"))
        cities = yaml.safe_load((content / "cities.yml").read_text("utf-8"))["cities"]
        self.slugs = {kind: {e["slug"] for e in vocab[kind]} for kind in ("themes", "types")}
        self.slugs["projects"] = {e["slug"] for e in vocab["projects"]}
        self.country_of = {c["slug"]: str(c["country"]) for c in cities}


# --- build ----------------------------------------------------------------------------------------


@dataclass
class BuildStats:
    documents: int = 0
    skipped: int = 0
    read_seconds: float = 0.0  # of which reading, parsing and checking the files


def read_documents(content: Path, stats: BuildStats) -> Iterator[Document]:
    """The valid documents one by one (so memory stays flat on a large library)."""
    register = Register(content)
    for path in content_files(content):
        started = time.perf_counter()
        doc = _document(path, content, register)
        stats.read_seconds += time.perf_counter() - started
        if doc is None:
            stats.skipped += 1
        else:
            stats.documents += 1
            yield doc


def _document(path: Path, content: Path, register: Register) -> Document | None:
    try:
        meta, body = split_front_matter(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
    if not meta or not isinstance(meta.get("title"), str) or not meta["title"].strip():
        return None
    themes, cities = _list(meta.get("themes")), _list(meta.get("cities"))
    kind, project = meta.get("type"), meta.get("project")
    when = str(meta.get("date") or "")
    if (
        not set(themes) <= register.slugs["themes"]
        or not set(cities) <= register.country_of.keys()
        or (kind is not None and kind not in register.slugs["types"])
        or (project is not None and project not in register.slugs["projects"])
        or (when and not _valid_date(when))
    ):
        return None
    countries = list(
        dict.fromkeys([*_list(meta.get("countries")), *map(register.country_of.get, cities)])
    )
    language = _LANGUAGE.search(path.name)
    values = {
        "theme": themes,
        "city": cities,
        "country": countries,
        "project": [project] if project else [],
        "type": [kind] if kind else [],
        "language": [meta.get("language") or (language.group(1) if language else "")],
        "year": [when[:4]] if when else [],
    }
    facets = [(facet, str(v)) for facet, vs in values.items() for v in dict.fromkeys(vs) if v]
    return Document(
        path.relative_to(content).as_posix(),
        when,
        meta["title"],
        str(meta.get("summary") or ""),
        body,
        facets,
    )


def _list(value) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _valid_date(text: str) -> bool:
    match = _DATE.match(text)
    if not match:
        return False
    year, month, day = (int(g) if g else 1 for g in match.groups())
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def build(db_path: Path, docs: Iterator[Document]) -> None:
    """Insert in batches of BATCH documents, in one transaction; then index and optimise."""
    db = sqlite3.connect(db_path)
    try:
        db.executescript(SCHEMA)
        with db:
            number = 0
            while batch := list(itertools.islice(docs, BATCH)):
                rows = [(number + n, d) for n, d in enumerate(batch, 1)]
                number += len(batch)
                db.executemany(
                    "INSERT INTO docs(rowid, path, date, title, summary, body) "
                    "VALUES (?,?,?,?,?,?)",
                    ((n, d.path, d.date, d.title, d.summary, d.body) for n, d in rows),
                )
                db.executemany(
                    "INSERT INTO facets(doc, facet, value) VALUES (?,?,?)",
                    ((n, f, v) for n, d in rows for f, v in d.facets),
                )
            db.execute("CREATE INDEX facets_of_doc ON facets(doc)")
            db.execute("INSERT INTO docs(docs) VALUES ('optimize')")
    finally:
        db.close()


# --- query ----------------------------------------------------------------------------------------


def match_expression(q: str) -> str | None:
    """FTS5 MATCH text: every word and "phrase" as an FTS5 string, quotes doubled."""
    parts = []
    for phrase, word in _TOKEN.findall(q):
        text = " ".join((phrase or word).split())
        if re.search(r"\w", text):
            parts.append('"' + text.replace('"', '""') + '"')
    return " ".join(parts) or None


def _grouped(filters: tuple[tuple[str, str], ...]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for facet, value in filters:
        grouped.setdefault(facet, []).append(value)
    return grouped


def _where(match: str | None, filters: dict[str, list[str]]) -> tuple[str, list]:
    clauses, args = [], []
    if match:
        clauses.append("docs MATCH ?")
        args.append(match)
    for facet, values in filters.items():
        marks = ",".join("?" * len(values))
        clauses.append(f"rowid IN (SELECT doc FROM facets WHERE facet = ? AND value IN ({marks}))")
        args += [facet, *values]
    return " AND ".join(clauses) or "1", args


def search(db: sqlite3.Connection, query: Query) -> tuple[list, int, dict[str, list]]:
    """(top hits, total, disjunctive counts per facet)."""
    match = match_expression(query.q)
    filters = _grouped(query.filters)
    where, args = _where(match, filters)
    if match:
        shown = "snippet(docs, 4, '<mark>', '</mark>', '…', 16)"
        order = "bm25(docs)"
    else:
        shown, order = "substr(body, 1, 200)", "date DESC"
    hits = db.execute(
        f"SELECT rowid, path, title, summary, {shown} FROM docs WHERE {where} "
        f"ORDER BY {order} LIMIT {TOP}",
        args,
    ).fetchall()
    total = db.execute(f"SELECT count(*) FROM docs WHERE {where}", args).fetchone()[0]
    counts = {facet: _counts(db, facet, match, filters) for facet in FACETS}
    return hits, total, counts


def _counts(db, facet: str, match: str | None, filters: dict[str, list[str]]) -> list:
    others = {f: v for f, v in filters.items() if f != facet}
    where, args = _where(match, others)
    if where == "1":
        sql = "SELECT value, count(*) FROM facets WHERE facet = ? GROUP BY value"
    else:
        sql = (
            "SELECT value, count(*) FROM facets WHERE facet = ? "
            f"AND doc IN (SELECT rowid FROM docs WHERE {where}) GROUP BY value"
        )
    return db.execute(sql, [facet, *args]).fetchall()


def latency_run(db: sqlite3.Connection, queries: list[Query], passes: int) -> dict:
    """One warm-up pass, then `passes` timed passes: p50/p95/p99 overall, p50 per kind."""
    for query in queries:
        search(db, query)
    times: list[float] = []
    by_kind: dict[str, list[float]] = {}
    for _ in range(passes):
        for query in queries:
            started = time.perf_counter()
            search(db, query)
            seconds = time.perf_counter() - started
            times.append(seconds)
            by_kind.setdefault(query.kind, []).append(seconds)
    return {
        "count": len(times),
        "p50": percentile(times, 50),
        "p95": percentile(times, 95),
        "p99": percentile(times, 99),
        "p50_by_kind": {kind: percentile(ts, 50) for kind, ts in by_kind.items()},
    }


def run(content: Path, db_path: Path, runs: int, passes: int) -> dict:
    db_path.unlink(missing_ok=True)
    stats = BuildStats()
    started = time.perf_counter()
    build(db_path, read_documents(content, stats))
    seconds = time.perf_counter() - started
    db = sqlite3.connect(db_path)
    try:
        latencies = [latency_run(db, MIX, passes) for _ in range(runs)]
    finally:
        db.close()
    return {
        **asdict(stats),
        "build_seconds": seconds,
        "size_bytes": db_path.stat().st_size,
        "runs": latencies,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, required=True)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--passes", type=int, default=3)
    args = parser.parse_args()
    print(json.dumps(run(args.content, args.db, args.runs, args.passes)))


if __name__ == "__main__":
    main()
