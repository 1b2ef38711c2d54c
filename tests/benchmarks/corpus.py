"""A generated multilingual library for benchmarks: sentences of the shipped content, reshuffled
into N resources with metadata from the real vocabulary, and a share of broken files.

    python -m tests.benchmarks.corpus OUT_DIR [--files 3000] [--broken 0.02] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
from pathlib import Path

from indexer.readers import find_files, read
from indexer.vocabulary import load

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content"
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
BROKEN = [
    "---\ntitle: [unclosed\n---\nbody\n",
    "---\nsummary: no title here\n---\nbody\n",
    "---\ntitle: Bad theme\nthemes: [hausing]\n---\nbody\n",
    '---\ntitle: Bad date\ndate: "2012-13-01"\n---\nbody\n',
    "",
]


def sentences_by_language(content: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for source in find_files(content):
        raw, _ = read(source)
        lang = source.relpath.rsplit(".", 2)[-2] if source.relpath.count(".") >= 2 else None
        if raw is None or not lang or len(lang) != 2:
            continue
        body = re.sub(r"[#*_`>\[\]()|-]+", " ", raw.body)
        parts = [s.strip() for s in _SENTENCE.split(" ".join(body.split())) if len(s) > 40]
        found.setdefault(lang, []).extend(p for p in parts if "http" not in p)
    return found


def generate(out: Path, files: int, broken: float, seed: int) -> int:
    rng = random.Random(seed)
    vocab, _ = load(CONTENT)
    out.mkdir(parents=True, exist_ok=True)
    for name in ("vocabulary.yml", "cities.yml"):
        shutil.copy(CONTENT / name, out / name)
    pool = sentences_by_language(CONTENT)
    languages = sorted(pool)
    themes, types, cities = sorted(vocab.themes), sorted(vocab.types), sorted(vocab.cities)
    projects = sorted(vocab.projects)
    bad = 0
    for i in range(files):
        folder = out / f"part-{i % 20:02d}"
        folder.mkdir(exist_ok=True)
        if rng.random() < broken:
            (folder / f"broken-{i}.md").write_text(rng.choice(BROKEN), "utf-8")
            bad += 1
            continue
        lang = rng.choice(languages)
        text = rng.sample(pool[lang], min(len(pool[lang]), rng.randint(4, 14)))
        title = text[0][:120]
        meta = [
            f"title: {_quote(title)}",
            f"summary: {_quote(text[1][:300])}",
            f"type: {rng.choice(types)}",
            f"project: {rng.choice(projects)}",
            f"cities: [{', '.join(rng.sample(cities, rng.randint(0, 2)))}]",
            f"themes: [{', '.join(rng.sample(themes, rng.randint(1, 3)))}]",
            f'date: "{rng.randint(2009, 2025)}-{rng.randint(1, 12):02d}"',
            f"source: https://example.org/generated/{i}",
        ]
        body = "\n\n".join(text[2:])
        (folder / f"resource-{i}.{lang}.md").write_text(
            "---\n" + "\n".join(meta) + "\n---\n" + body + "\n", "utf-8"
        )
    return bad


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--broken", type=float, default=0.02)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    bad = generate(args.out, args.files, args.broken, args.seed)
    print(f"Wrote {args.files} files ({bad} broken) to {args.out}")


if __name__ == "__main__":
    main()
