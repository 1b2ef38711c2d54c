""" "Did you mean": a correction drawn from one language's own words, only when it helps.

It is looked for only when the search found nothing, fell back to any word, or a word exists
nowhere in the library (not even without its accents). The query is read as the language
whose documents know most of its words (the interface language breaks ties); words that
language knows are kept as typed, the others are replaced by its closest word within two edits.
"""

from __future__ import annotations

from indexer import analysis
from indexer.schema import body_field, spell_field

from .snapshot import Snapshot

SUGGEST_BELOW = 1


def wanted(snapshot: Snapshot, words: list[str], total: int, any_word: bool) -> bool:
    if not words:
        return False
    return total < SUGGEST_BELOW or any_word or any(not known(snapshot, w) for w in words)


def known(snapshot: Snapshot, word: str) -> bool:
    """True when some document has the word, at least without its accents."""
    return any(
        snapshot.term("all", t)[0].size for t in analysis.terms("xx", word, "neutral", mode="query")
    )


def query_language(snapshot: Snapshot, words: list[str], ui: str) -> str:
    """The language whose documents hold most of the words (folded forms)."""
    best, best_key = None, None
    for lang in analysis.LANGUAGES:
        field = body_field("folded", lang)
        known = sum(
            1
            for w in words
            if any(
                snapshot.term(field, t)[0].size
                for t in analysis.terms(lang, w, "folded", mode="query")
            )
        )
        key = (known, lang == ui)
        if known and (best_key is None or key > best_key):
            best, best_key = lang, key
    return best or (ui if ui in analysis.LANGUAGES else "en")


def suggestion(snapshot: Snapshot, words: list[str], lang: str) -> str | None:
    """The words with unknown ones corrected from lang's own words, or None if none changes."""
    name = spell_field(lang)
    if name not in snapshot.schema:
        return None
    corrected = []
    with snapshot.lock:
        reader = snapshot.reader
        corrector = snapshot.searcher.corrector(name)
        for word in words:
            lower = word.lower()
            if reader.doc_frequency(name, lower) or known(snapshot, lower):
                corrected.append(lower)
                continue
            options = corrector.suggest(lower, limit=1, maxdist=2, prefix=1)
            corrected.append(options[0] if options else lower)
    if corrected == [w.lower() for w in words]:
        return None
    return " ".join(corrected)
