"""Known-item search over the shipped library: where the resource a practitioner looks for
lands for the queries of data/shipped.yml (any language, unaccented, inflected). A benchmark
that prints figures, not a test.

    python -m tests.benchmarks.shipped

Builds content/ into a temporary index, asks /api/search for each query with the English
interface and prints the rank of the resource looked for (or "-" beyond the tenth), then
MRR@10 and the share found first and in the top ten.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml

from indexer.writing.build import build
from library import create_app

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data" / "shipped.yml"


def main() -> None:
    queries = yaml.safe_load(DATA.read_text("utf-8"))["queries"]
    with tempfile.TemporaryDirectory() as tmp:
        build(ROOT / "content", Path(tmp) / "index", say=lambda _: None)
        client = create_app({"INDEX_DIR": str(Path(tmp) / "index")}).test_client()
        ranks = []
        print(f"{'query':58s} rank")
        for item in queries:
            results = client.get("/api/search", query_string={"q": item["q"]}).json["results"]
            ids = [r["id"] for r in results]
            rank = ids.index(item["id"]) + 1 if item["id"] in ids else None
            ranks.append(rank)
            print(f"{item['q'][:58]:58s} {rank or '-'}")
    mrr = sum(1 / r for r in ranks if r) / len(ranks)
    first = sum(1 for r in ranks if r == 1) / len(ranks)
    top = sum(1 for r in ranks if r) / len(ranks)
    print(f"{len(ranks)} queries: MRR@10 {mrr:.3f}; first {first:.0%}; in the top ten {top:.0%}")


if __name__ == "__main__":
    main()
