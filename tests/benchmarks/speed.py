"""Speed and memory of the real build and search paths on a generated library.

    python -m tests.benchmarks.speed [--files 3000]

Prints: full build time, a one-file incremental rebuild, query latency (p50, p95, max) over
queries in several languages, and the web process's resident memory after them.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from pathlib import Path

from indexer.build import build
from library import create_app

from .corpus import generate

QUERIES = [
    "housing", "social housing", "vzdelavani romskych deti", "bydleni", "общината",
    "образование на ромските деца", "iskolakban", "lakhatas", "scoala", "mediatori scolari",
    "educacion gitanos", "vivienda", "istruzione", "οικογενειες", "εκπαιδευση", "romact funding",
    '"local action plan"', "roma -housing", "theme:health country:BG", "xyzzy", "bydlenia",
    "vzdelavanie romskych deti", "health mediators", "segregation schools", "desegregare",
]  # fmt: skip


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=3000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        content, index = Path(tmp) / "content", Path(tmp) / "index"
        generate(content, args.files, 0.02, seed=7)
        started = time.perf_counter()
        report = build(content, index, say=lambda _: None)
        full = time.perf_counter() - started
        print(
            f"full build: {report.documents} resources from {report.files} files "
            f"in {full:.1f} s ({report.documents / full:.0f} resources/s)"
        )
        one = next(content.rglob("resource-*.md"))
        one.write_text(one.read_text("utf-8").replace('summary: "', 'summary: "Edited. ', 1))
        started = time.perf_counter()
        report = build(content, index, say=lambda _: None)
        print(
            f"incremental build after editing one file: {report.changed} changed "
            f"in {time.perf_counter() - started:.2f} s"
        )
        client = create_app({"INDEX_DIR": str(index)}).test_client()
        client.get("/api/search?q=warm")
        times = []
        for q in QUERIES * 3:
            started = time.perf_counter()
            response = client.get("/api/search", query_string={"q": q})
            times.append(time.perf_counter() - started)
            assert response.status_code == 200
        times.sort()
        print(
            f"search over {len(times)} queries: p50 {_ms(statistics.median(times))}, "
            f"p95 {_ms(times[int(len(times) * 0.95) - 1])}, max {_ms(times[-1])}"
        )
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak resident memory of this process (build + search): {rss:.0f} MB")


if __name__ == "__main__":
    main()
