"""Time, size and peak memory of the researchers' features over a built library: whole result
sets exported (CSV, JSON Lines, citations), the library dump, the sitemap parts, the statistics
page and feeds. A benchmark that prints figures, not a test.

    python -m tests.benchmarks.corpus DIR/content --files 10000
    python -m indexer build --content DIR/content --index DIR/index
    python -m tests.benchmarks.research DIR/index DIR/content [--repeat 3]

Each address is requested in-process (the Flask test client, body read chunk by chunk as a
server would send it); it prints the best of --repeat runs: total time, time to the first
chunk, bytes, and the peak of memory allocated meanwhile (tracemalloc, numpy included), which
is what shows whether memory grows with the size of the answer.
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc

from library import create_app

ADDRESSES = (
    "/api/search?q=roma&per_page=10",
    "/api/search.csv",
    "/api/search.csv?q=roma",
    "/api/search.jsonl",
    "/api/search.json?theme=housing",
    "/api/search.bib",
    "/api/search.csl.json",
    "/api/library.jsonl",
    "/api/search.atom",
    "/api/search.atom?q=school&country=BG",
    "/en/statistics",
    "/en/statistics?theme=housing&country=BG",
    "/api/statistics",
    "/sitemap.xml",
    "/sitemap-1.xml",
    "/en/api",
    "/api/openapi.json",
)


def measure(client, url: str) -> tuple[float, float, int, int, int]:
    tracemalloc.start()
    start = time.perf_counter()
    response = client.get(url, buffered=False)
    size, first = 0, None
    for chunk in response.response:
        first = first if first is not None else time.perf_counter() - start
        size += len(chunk)
    response.close()
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return elapsed, first or elapsed, size, peak, response.status_code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index")
    parser.add_argument("content")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    app = create_app({"INDEX_DIR": args.index, "CONTENT_DIR": args.content})
    client = app.test_client()
    client.get("/en/statistics")  # open the index and warm its caches
    print(f"{client.get('/api/search').json['total']:,} resources")
    print(f"{'address':44s} status    total  first chunk        size  peak memory")
    for url in ADDRESSES:
        elapsed, first, size, peak, status = min(measure(client, url) for _ in range(args.repeat))
        print(
            f"{url:44s} {status:6d} {elapsed * 1000:6.0f} ms {first * 1000:8.0f} ms "
            f"{size / 1e6:8.2f} MB {peak / 1e6:8.1f} MB"
        )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10
    print(f"peak RSS of this process: {rss} MB")


if __name__ == "__main__":
    main()
