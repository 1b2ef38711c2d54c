"""Corrections of typos in real words of the shipped library, per language. A benchmark that
prints figures, not a test.

    python -m tests.benchmarks.typos [--per-language 40] [--seed 7]

Builds content/ into a temporary index. For every language with enough text it draws words of
seven letters or more from the titles and bodies of its files (deterministically, never a
function word), makes one typo in each (in turn: two neighbouring letters swapped, a letter
dropped, a letter doubled, an accent taken off or put on the wrong letter) and searches the
typo alone, with an interface language that is not the word's own (English, or Czech for
English words). It prints, per language: how many typos were tried, the share for which "did
you mean" offered the right word (right = the original word, ignoring case), the share for
which it offered another word (wrong), the share of typos that found nothing and offered
nothing (stuck), and the share that found nothing at all before any correction (zero).
"""

from __future__ import annotations

import argparse
import random
import re
import tempfile
import unicodedata
from collections import defaultdict
from pathlib import Path

from indexer.language import stopwords
from indexer.language.analysis import fold
from indexer.writing.build import build
from library.models import SearchRequest
from library.search import SearchService

from .corpus import content_files, split_front_matter

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content"
WORD = re.compile(r"[^\W\d_]{7,}")
_LANGUAGE = re.compile(r"\.([a-z]{2})\.md$")
KINDS = ("swap", "drop", "double", "accent")
MIN_WORDS = 20


def words_by_language(content: Path) -> dict[str, list[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for path in content_files(content):
        match = _LANGUAGE.search(path.name)
        if not match:
            continue
        meta, body = split_front_matter(path.read_text("utf-8"))
        title = str((meta or {}).get("title", ""))
        text = re.sub(r"https?://\S+", " ", f"{title} {body}")
        lang = match.group(1)
        for word in WORD.findall(text):
            if word.isupper() or stopwords.stopword_languages(word.lower()):
                continue
            found[lang].add(word.lower())
    return {lang: sorted(words) for lang, words in found.items() if len(words) >= MIN_WORDS}


def typo(word: str, kind: str, rng: random.Random) -> str | None:
    """One typo of the kind, never in the first letter; None when the word allows none."""
    spots = list(range(1, len(word) - 1))
    rng.shuffle(spots)
    if kind == "swap":
        for j in spots:
            if word[j] != word[j + 1]:
                return word[:j] + word[j + 1] + word[j] + word[j + 2 :]
    elif kind == "drop":
        j = spots[0]
        return word[:j] + word[j + 1 :]
    elif kind == "double":
        j = spots[0]
        return word[:j] + word[j] + word[j:]
    elif kind == "accent":
        for j in spots:
            plain = fold(word[j])
            if plain != word[j]:  # an accent taken off one letter, put on another
                for k in spots:
                    if k != j and word[k] in "aeiou":
                        accented = unicodedata.normalize("NFC", word[k] + "\u0301")
                        wrong = word[:j] + plain + word[j + 1 :]
                        return wrong[:k] + accented + wrong[k + 1 :]
        return None
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-language", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    words = words_by_language(CONTENT)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        index = Path(tmp) / "index"
        build(CONTENT, index, say=lambda _: None)
        service = SearchService(index)
        print(f"{'lang':5s} {'typos':>6s} {'right':>7s} {'wrong':>7s} {'stuck':>7s} {'zero':>7s}")
        totals = defaultdict(int)
        for lang in sorted(words):
            chosen = rng.sample(words[lang], min(args.per_language, len(words[lang])))
            counts = defaultdict(int)
            ui = "cs" if lang == "en" else "en"
            for n, word in enumerate(chosen):
                typed = typo(word, KINDS[n % len(KINDS)], rng) or typo(word, "swap", rng)
                if not typed or typed == word:
                    continue
                page = service.search(SearchRequest(q=typed, ui_language=ui))
                counts["typos"] += 1
                counts["zero"] += page.total == 0
                if page.suggestion is None:
                    counts["stuck"] += page.total == 0
                elif page.suggestion.lower() == word:
                    counts["right"] += 1
                else:
                    counts["wrong"] += 1
            n = max(counts["typos"], 1)
            print(
                f"{lang:5s} {counts['typos']:6d} {counts['right'] / n:7.0%} "
                f"{counts['wrong'] / n:7.0%} {counts['stuck'] / n:7.0%} {counts['zero'] / n:7.0%}"
            )
            for key, value in counts.items():
                totals[key] += value
        n = max(totals["typos"], 1)
        print(
            f"{'all':5s} {totals['typos']:6d} {totals['right'] / n:7.0%} "
            f"{totals['wrong'] / n:7.0%} {totals['stuck'] / n:7.0%} {totals['zero'] / n:7.0%}  "
            f"({len(words)} languages)"
        )


if __name__ == "__main__":
    main()
