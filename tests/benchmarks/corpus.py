"""A generated multilingual library for benchmarks: sentences of the shipped content, reshuffled
into N resources with metadata from the real vocabulary, and a share of broken files.

    python -m tests.benchmarks.corpus OUT_DIR [--files 3000] [--broken 0.02] [--seed 1]

Owns the generated library: the same seed always gives the same files. Every resource is one
Markdown file `part-NN/resource-I.LANG.md` with front matter (title, summary, type, project,
cities or countries, themes, date, source) and a body of 150-1,500 words (drawn uniformly) made
of sentences of its language's pool (repeats allowed: some pools are small). A broken file
(`broken-I.md`) holds one of the faults of BROKEN instead.

Reads content/ with plain PyYAML, not with the indexer, so the benchmark does not depend on the
code it measures. `split_front_matter` is shared with the FTS5 peer (fts5.py).
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content"
VOCABULARY_FILES = ("vocabulary.yml", "cities.yml")
PROFILES = "cities"  # the city profiles, copied as they are
FOLDERS = 20
MIN_WORDS, MAX_WORDS = 150, 1500
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_MARKUP = re.compile(r"[#*_`>\[\]()|-]+")
_LANGUAGE = re.compile(r"\.([a-z]{2})\.md$")
BROKEN = [
    "---\ntitle: [unclosed\n---\nbody\n",
    "---\nsummary: no title here\n---\nbody\n",
    "---\ntitle: Bad theme\nthemes: [hausing]\n---\nbody\n",
    '---\ntitle: Bad date\ndate: "2012-13-01"\n---\nbody\n',
    "",
]


@dataclass
class CorpusStats:
    files: int = 0
    broken: int = 0
    resources: int = 0
    words: int = 0
    seconds: float = 0.0


def split_front_matter(text: str) -> tuple[dict | None, str]:
    """(front matter, body) of a Markdown file; (None, text) when there is no readable one."""
    text = text.replace("\r\n", "\n")
    if not text.startswith("---\n"):
        return None, text
    end = text.find("\n---\n", 3)
    if end < 0:
        return None, text
    try:
        meta = yaml.safe_load(text[4:end])
    except yaml.YAMLError:
        return None, text
    return (meta if isinstance(meta, dict) else None), text[end + 5 :]


def content_files(content: Path) -> list[Path]:
    """Markdown files the indexer would read as resources: not in `_`/`.` folders, not
    READMEs, not the city profiles of `cities/`."""
    return [
        path
        for path in sorted(content.rglob("*.md"))
        if path.name != "README.md"
        and not any(part.startswith(("_", ".")) for part in path.relative_to(content).parts)
        and path.relative_to(content).parts[0] != PROFILES
    ]


def sentences_by_language(content: Path) -> dict[str, list[str]]:
    """Sentences of at least 40 characters and no link, per language suffix of the file."""
    found: dict[str, list[str]] = {}
    for path in content_files(content):
        lang = _LANGUAGE.search(path.name)
        meta, body = split_front_matter(path.read_text("utf-8"))
        if meta is None or lang is None:
            continue
        flat = " ".join(_MARKUP.sub(" ", body).split())
        parts = [s.strip() for s in _SENTENCE.split(flat) if len(s) > 40 and "http" not in s]
        found.setdefault(lang.group(1), []).extend(parts)
    return found


def vocabulary(content: Path) -> dict[str, list[str]]:
    """Sorted slugs of themes, types, projects and cities, and the country codes of cities."""
    vocab = yaml.safe_load((content / "vocabulary.yml").read_text("utf-8"))
    cities = yaml.safe_load((content / "cities.yml").read_text("utf-8"))["cities"]
    slugs = {kind: sorted(e["slug"] for e in vocab[kind]) for kind in ("themes", "types")}
    slugs["projects"] = sorted(e["slug"] for e in vocab["projects"])
    slugs["cities"] = sorted(c["slug"] for c in cities)
    slugs["countries"] = sorted({str(c["country"]) for c in cities})
    return slugs


class Generator:
    """Makes resource files from one sentence pool and vocabulary; the caller owns the RNG."""

    def __init__(self, content: Path = CONTENT):
        pool = sentences_by_language(content)
        self.languages = sorted(pool)
        self.pool = {lang: [(s, len(s.split())) for s in pool[lang]] for lang in self.languages}
        self.vocab = vocabulary(content)

    def resource(self, rng: random.Random, number: int) -> tuple[str, str, int]:
        """(language, file text, words in the body) of resource `number`."""
        lang = rng.choice(self.languages)
        pool = self.pool[lang]
        title, summary = rng.choice(pool)[0], rng.choice(pool)[0]
        body, words = self._body(rng, pool, rng.randint(MIN_WORDS, MAX_WORDS))
        meta = "\n".join(self._meta(rng, number, title, summary))
        return lang, f"---\n{meta}\n---\n{body}\n", words

    def _meta(self, rng: random.Random, number: int, title: str, summary: str) -> list[str]:
        vocab = self.vocab
        cities = rng.sample(vocab["cities"], rng.choice((0, 0, 1, 1, 1, 2)))
        lines = [
            f"title: {_quote(_cut(title, 120))}",
            f"summary: {_quote(_cut(summary, 300))}",
            f"type: {rng.choice(vocab['types'])}",
            f"project: {rng.choice(vocab['projects'])}",
            f"cities: [{', '.join(cities)}]",
        ]
        if not cities:
            lines.append(f'countries: ["{rng.choice(vocab["countries"])}"]')
        lines += [
            f"themes: [{', '.join(rng.sample(vocab['themes'], rng.randint(1, 3)))}]",
            f'date: "{rng.randint(2009, 2025)}-{rng.randint(1, 12):02d}"',
            f"source: https://example.org/generated/{number}",
        ]
        return lines

    @staticmethod
    def _body(rng: random.Random, pool: list[tuple[str, int]], target: int) -> tuple[str, int]:
        """Paragraphs of 2-6 sentences, with a heading every few paragraphs, until `target`
        words of sentences are reached."""
        paragraphs: list[str] = []
        words = 0
        while words < target:
            if len(paragraphs) % 4 == 1:
                heading = rng.choice(pool)[0].split()[:5]
                paragraphs.append("## " + " ".join(heading).rstrip(".,;:"))
            sentences = []
            for _ in range(rng.randint(2, 6)):
                sentence, count = rng.choice(pool)
                sentences.append(sentence)
                words += count
                if words >= target:
                    break
            paragraphs.append(" ".join(sentences))
        return "\n\n".join(paragraphs), words


def generate(out: Path, files: int, broken: float = 0.02, seed: int = 1) -> CorpusStats:
    """Write `files` files into `out` (created; vocabulary and city register copied in)."""
    started = time.perf_counter()
    rng = random.Random(seed)
    generator = Generator(CONTENT)
    out.mkdir(parents=True, exist_ok=True)
    for name in VOCABULARY_FILES:
        shutil.copy(CONTENT / name, out / name)
    if (CONTENT / PROFILES).is_dir():
        shutil.copytree(CONTENT / PROFILES, out / PROFILES, dirs_exist_ok=True)
    folders = [out / f"part-{n:02d}" for n in range(min(FOLDERS, max(files, 1)))]
    for folder in folders:
        folder.mkdir(exist_ok=True)
    stats = CorpusStats(files=files)
    for number in range(files):
        folder = folders[number % len(folders)]
        if rng.random() < broken:
            (folder / f"broken-{number}.md").write_text(rng.choice(BROKEN), "utf-8")
            stats.broken += 1
            continue
        lang, text, words = generator.resource(rng, number)
        (folder / f"resource-{number}.{lang}.md").write_text(text, "utf-8")
        stats.resources += 1
        stats.words += words
    stats.seconds = time.perf_counter() - started
    return stats


def _cut(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0]


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--broken", type=float, default=0.02)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    stats = generate(args.out, args.files, args.broken, args.seed)
    print(
        f"Wrote {stats.files} files ({stats.broken} broken, {stats.resources} resources, "
        f"{stats.words / max(stats.resources, 1):.0f} words on average) to {args.out} "
        f"in {stats.seconds:.1f} s"
    )


if __name__ == "__main__":
    main()
