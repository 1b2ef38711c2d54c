"""Bulgarian and Greek typed in Latin letters, on the real text of the shipped library. A
benchmark that prints figures, not a test.

    python -m tests.benchmarks.latin [--seed 3]

Builds content/ into a temporary index. For every Bulgarian and Greek resource it takes two or
three words of five letters or more from a sentence of its body (never a function word; the
words as they stand in the text, so inflected), writes them in Latin letters in the official
romanisation (Bulgarian: the 2009 transliteration law; Greek: ELOT 743) and as people type them
on a Latin keyboard (two habits each), searches them with the English interface, and prints the
MRR@10 of the resource, the share found first and the share missing from the top ten, per
language and writing.
"""

from __future__ import annotations

import argparse
import random
import re
import tempfile
from pathlib import Path

from indexer.language import stopwords
from indexer.writing.build import build
from library.models import SearchRequest
from library.search import SearchService

from .corpus import content_files, split_front_matter
from .variants import everyday_latin, official_latin

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content"
WORD = re.compile(r"[^\W\d_]{5,}")
SENTENCE = re.compile(r"(?<=[.!?])\s+")


def queries(lang: str, rng: random.Random) -> list[tuple[str, str]]:
    """(resource id, query in the language's own script) for each resource in lang."""
    found = []
    for path in content_files(CONTENT):
        if not path.name.endswith(f".{lang}.md"):
            continue
        meta, body = split_front_matter(path.read_text("utf-8"))
        rel = path.relative_to(CONTENT).as_posix()
        doc_id = str((meta or {}).get("id") or rel[: -len(f".{lang}.md")])
        sentences = [s for s in SENTENCE.split(re.sub(r"https?://\S+", " ", body)) if s.strip()]
        rng.shuffle(sentences)
        for sentence in sentences:
            words = [
                w
                for w in WORD.findall(sentence)
                if not stopwords.stopword_languages(w.lower()) and not w.isascii()
            ]
            if len(words) >= 3:
                start = rng.randrange(len(words) - 2)
                found.append((doc_id, " ".join(words[start : start + rng.choice((2, 3))])))
                break
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        index = Path(tmp) / "index"
        build(CONTENT, index, say=lambda _: None)
        service = SearchService(index)
        head = ("lang", "writing", "queries", "MRR@10", "first", "missed")
        print("{:5s} {:12s} {:>7s} {:>7s} {:>6s} {:>7s}".format(*head))
        for lang in ("bg", "el"):
            items = queries(lang, rng)
            writings = {
                "own script": lambda q, n: q,
                "official": lambda q, n, lang=lang: official_latin(lang, q),
                "everyday": lambda q, n, lang=lang: everyday_latin(lang, q, n),
            }
            for name, write in writings.items():
                ranks = []
                for n, (doc_id, text) in enumerate(items):
                    page = service.search(SearchRequest(q=write(text, n), ui_language="en"))
                    ids = [h.id for h in page.hits]
                    ranks.append(ids.index(doc_id) + 1 if doc_id in ids else None)
                count = max(len(ranks), 1)
                mrr = sum(1 / r for r in ranks if r) / count
                first = sum(1 for r in ranks if r == 1) / count
                missed = sum(1 for r in ranks if r is None) / count
                print(f"{lang:5s} {name:12s} {len(ranks):7d} {mrr:7.3f} {first:6.0%} {missed:7.0%}")


if __name__ == "__main__":
    main()
