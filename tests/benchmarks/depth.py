"""Latency of the city, journeys and comparison pages and their JSON twins over a built library,
beside the search page whose budget they share. A benchmark that prints figures, not a test.

    python -m tests.benchmarks.corpus DIR/content --files 10000
    python -m indexer build --content DIR/content --index DIR/index
    python -m tests.benchmarks.depth DIR/index [--repeat 30]

Each address is requested in-process (the Flask test client, as research.py does) --repeat
times after one warm-up request; it prints the median and the 95th percentile. The cities
compared and shown are the shipped profiles with the most milestones (the generated corpus
copies content/cities/ in), the resources compared the first of a search.
"""

from __future__ import annotations

import argparse
import time

from library import create_app

from .stats import percentile


def addresses(client) -> list[str]:
    cities = client.get("/api/cities").json["cities"]
    ranked = sorted(cities, key=lambda c: (-c["milestones"], -c["resources"], c["slug"]))
    slugs = [c["slug"] for c in ranked[:4]]
    ids = [h["id"] for h in client.get("/api/search?q=roma&per_page=4").json["results"]]
    busiest = max(cities, key=lambda c: c["resources"])["slug"]
    return [
        "/en/search?q=roma",
        "/api/search?q=roma",
        f"/en/cities/{slugs[0]}",
        f"/bg/cities/{slugs[1]}",
        f"/en/cities/{busiest}",
        f"/api/cities/{slugs[0]}",
        "/api/cities",
        "/en/journeys",
        "/en/journeys?country=BG",
        "/api/journeys",
        f"/en/compare?cities={','.join(slugs)}",
        f"/api/compare?cities={','.join(slugs)}",
        f"/en/compare?ids={','.join(ids[:4])}",
        f"/api/compare?ids={','.join(ids[:4])}",
        f"/en/compare.csv?ids={','.join(ids[:2])}",
        f"/en/resources/{ids[0]}",
    ]


TYPED = ("ro", "hou", "housi", "velin", "bydl", "bydlen", "mediat", "социал", "εκπαί",
         "school des", "romsk", "integr", "zdrav", "educa")  # fmt: skip


def typeahead(client, repeat: int) -> None:
    """The suggestion endpoint over prefixes as they are typed, all timings pooled."""
    seconds = []
    for typed in TYPED:
        for ui in ("en", "cs", "bg"):
            url = f"/api/suggest?q={typed}&ui={ui}"
            timed(client, url)
            seconds += [timed(client, url)[0] for _ in range(max(1, repeat // 3))]
    seconds.sort()
    print(
        f"{'/api/suggest (' + str(len(TYPED)) + ' prefixes x 3 interfaces)':60s} {200:6d} "
        f"{percentile(seconds, 50) * 1000:6.1f} ms {percentile(seconds, 95) * 1000:6.1f} ms"
    )


def timed(client, url: str) -> tuple[float, int]:
    start = time.perf_counter()
    response = client.get(url)
    response.get_data()
    return time.perf_counter() - start, response.status_code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    client = create_app({"INDEX_DIR": args.index}).test_client()
    client.get("/en/search?q=roma")  # open the index and warm its caches
    started = time.perf_counter()
    client.get("/api/suggest?q=ro")  # builds the title words (a server does it when warming)
    print(f"title words for suggestions built in {time.perf_counter() - started:.1f} s")
    print(f"{client.get('/api/search').json['total']:,} resources; {args.repeat} requests each")
    print(f"{'address':60s} status  median      p95")
    for url in addresses(client):
        timed(client, url)
        runs = [timed(client, url) for _ in range(args.repeat)]
        seconds = sorted(r[0] for r in runs)
        print(
            f"{url[:60]:60s} {runs[-1][1]:6d} {percentile(seconds, 50) * 1000:6.1f} ms "
            f"{percentile(seconds, 95) * 1000:6.1f} ms"
        )
    typeahead(client, args.repeat)


if __name__ == "__main__":
    main()
