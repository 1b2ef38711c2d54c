"""Plain Whoosh peer of the speed benchmark: the same generated files in a Whoosh index built
the way Whoosh's documentation shows, in one process, as a baseline for the project's build.

    python -m tests.benchmarks.plainwhoosh --content DIR --index DIR

Reads the same valid files as the FTS5 peer (fts5.read_documents: front matter parsed with
yaml.safe_load, the files the indexer would reject skipped) and adds each to one index with
Whoosh's default writer and codec: path, date and facets as ID and KEYWORD fields, title,
summary and body as TEXT with Whoosh's StandardAnalyzer (positions kept, so phrases work) and
stored, as the project and FTS5 keep the text for snippets. One commit at the end.

Prints one JSON object (build seconds, documents, skipped files, size on disk), so speed.py
can run it as its own process and sample its memory.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.fields import ID, KEYWORD, TEXT, Schema

from .fts5 import FACETS, BuildStats, read_documents


def schema() -> Schema:
    fields = {
        "path": ID(stored=True, unique=True),
        "date": ID(stored=True),
        "title": TEXT(stored=True),
        "summary": TEXT(stored=True),
        "body": TEXT(stored=True),
    }
    for facet in FACETS:
        fields[facet] = KEYWORD(stored=True, commas=True)
    return Schema(**fields)


def build(content: Path, folder: Path) -> dict:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    stats = BuildStats()
    started = time.perf_counter()
    ix = whoosh_index.create_in(str(folder), schema())
    writer = ix.writer()
    for doc in read_documents(content, stats):
        facets: dict[str, list[str]] = {}
        for facet, value in doc.facets:
            facets.setdefault(facet, []).append(value)
        writer.add_document(
            path=doc.path,
            date=doc.date,
            title=doc.title,
            summary=doc.summary,
            body=doc.body,
            **{facet: ",".join(values) for facet, values in facets.items()},
        )
    writer.commit()
    seconds = time.perf_counter() - started
    size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
    return {
        "build_seconds": seconds,
        "documents": stats.documents,
        "skipped": stats.skipped,
        "read_seconds": stats.read_seconds,
        "size_bytes": size,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, required=True)
    parser.add_argument("--index", type=Path, required=True, help="folder (replaced)")
    args = parser.parse_args()
    print(json.dumps(build(args.content, args.index)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
