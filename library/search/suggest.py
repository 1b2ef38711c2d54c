""" "Did you mean": a correction drawn from one language's own words, only when it helps.

It is looked for only when the search found nothing, fell back to any word, or a word exists
nowhere in the library in any form (as written, unaccented or inflected; a match on the first
letters alone does not count). The query is read as the language
whose documents know most of its words (the interface language breaks ties); words found
anywhere are kept as typed, the others are replaced by that language's closest word within two
edits. The service offers the result only when it finds more resources than the query did.
"""

from __future__ import annotations

from indexer.language import analysis
from indexer.writing.schema import body_field, spell_field

from .plan import word_terms
from .snapshot import Snapshot

SUGGEST_BELOW = 1


def wanted(snapshot: Snapshot, words: list[str], total: int, any_word: bool) -> bool:
    if not words:
        return False
    return total < SUGGEST_BELOW or any_word or any(not known(snapshot, w) for w in words)


# Kinds too loose to say the word itself was found: first letters only, Latin-typed keys.
_LOOSE = ("trunc", "latin")


def known(snapshot: Snapshot, word: str) -> bool:
    """True when some document has the word in some form: as written, without accents, or
    inflected (its lemma or stem in any language). Such a word is never "corrected"."""
    for fieldname, text, _ in word_terms(snapshot.schema, word):
        if any(f"_{kind}_" in fieldname for kind in _LOOSE):
            continue
        if snapshot.term(fieldname, text)[0].size:
            return True
    return False


def _in_language(snapshot: Snapshot, lang: str, word: str) -> int:
    """How many documents in lang have the word (its folded key; 0: none)."""
    field = body_field("folded", lang)
    return max(
        (
            snapshot.term(field, t)[0].size
            for t in analysis.terms(lang, word, "folded", mode="query")
        ),
        default=0,
    )


def knows(snapshot: Snapshot, lang: str, word: str) -> bool:
    """True when documents in lang have the word (its folded key)."""
    return _in_language(snapshot, lang, word) > 0


def query_language(snapshot: Snapshot, words: list[str], ui: str) -> str:
    """The language whose documents hold most of the words (folded forms); between languages
    that know as many, the one where they are commonest among its documents, then the
    interface language."""
    best, best_key = None, None
    sizes = snapshot.facet("language")
    for lang in analysis.LANGUAGES:
        documents = max(sizes.docs_of(lang).size, 1)
        found = [n for n in (_in_language(snapshot, lang, w) for w in words) if n]
        key = (len(found), round(sum(found) / documents, 3), lang == ui)
        if found and (best_key is None or key > best_key):
            best, best_key = lang, key
    return best or (ui if ui in analysis.LANGUAGES else "en")


def corrections(snapshot: Snapshot, words: list[str], lang: str) -> dict[str, str] | None:
    """word -> its correction from lang's own words, for the words no document has; None when
    nothing can be corrected. A word that matched is never corrected."""
    name = spell_field(lang)
    if name not in snapshot.schema:
        return None
    found: dict[str, str] = {}
    with snapshot.lock:
        corrector = snapshot.searcher.corrector(name)
        for word in words:
            lower = word.lower()
            if known(snapshot, lower):
                continue
            options = corrector.suggest(lower, limit=1, maxdist=2, prefix=1)
            if options and options[0] != lower:
                found[word] = options[0]
    return found or None
