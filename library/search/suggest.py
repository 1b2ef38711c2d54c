""" "Did you mean": a correction drawn from one language's own words, only when it helps.

It is looked for only when the search found nothing, fell back to any word, or a word exists
nowhere in the library in any form (as written, unaccented or inflected; a match on the first
letters alone does not count). The query is read as the language
whose documents know most of its words (the interface language breaks ties); words found
anywhere are kept as typed, the others are replaced by that language's closest word within two
edits. The service offers the result only when it finds more resources than the query did.
"""

from __future__ import annotations

from indexer.contract.vocabulary import LANGUAGE_SCRIPTS, script
from indexer.language import analysis
from indexer.writing.schema import NEUTRAL, body_field, spell_field

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


# Letters beyond a-z that each language's spelling uses (lower case). A word written with a
# letter outside a language's set is not read as that language: `mediátoři` (ř) is Czech, not
# Romanian, though its unaccented form is a Romanian word too.
ALPHABETS = {
    "cs": "áčďéěíňóřšťúůýž",
    "sk": "áäčďéíĺľňóôŕšťúýž",
    "hu": "áéíóöőúüű",
    "ro": "ăâîșțşţ",
    "es": "áéíñóúü",
    "it": "àèéìíîòóùú",
    "en": "",
    "pl": "ąćęłńóśźż",
    "hr": "čćđšž",
    "sl": "čšžćđ",
    "de": "äöüß",
    "fr": "àâæçéèêëîïôœùûüÿ",
    "pt": "àáâãçéêíóôõú",
}
# Close calls between these are settled by the interface language (Macedonian, related to
# Bulgarian, has no analysis of its own, so no close call can arise there).
RELATED = ({"cs", "sk"}, {"hr", "sl"})


def _script_of(lang: str) -> str:
    return LANGUAGE_SCRIPTS.get(lang, "latin")


def possible(lang: str, words: list[str]) -> bool:
    """Whether every word could be written in lang: its script, and its letters beyond a-z."""
    for word in words:
        kind = script(word)
        if kind != "latin":
            if _script_of(lang) != kind:
                return False
            continue
        if _script_of(lang) != "latin":
            continue  # Latin-typed Bulgarian and Greek: any letters
        letters = ALPHABETS.get(lang)
        if letters is None:
            continue
        extra = {c for c in word.lower() if c.isalpha() and not ("a" <= c <= "z")}
        if extra - set(letters):
            return False
    return True


def _related(a: str, b: str) -> bool:
    return any(a in group and b in group for group in RELATED)


def query_language(snapshot: Snapshot, words: list[str], ui: str) -> str:
    """The language whose documents hold most of the words (folded forms), among the
    languages whose spelling the words fit; between languages that know as many, the one where
    they are commonest among its documents, then the interface language; between related
    languages (Czech and Slovak, Croatian and Slovene) the interface language settles a close
    call. Without any known word: the only language the letters fit, else the interface's."""
    sizes = snapshot.facet("language")
    scored = []
    fitting = [lang for lang in analysis.LANGUAGES if possible(lang, words)]
    for lang in fitting:
        documents = max(sizes.docs_of(lang).size, 1)
        found = [n for n in (_in_language(snapshot, lang, w) for w in words) if n]
        if found:
            scored.append(((len(found), round(sum(found) / documents, 3), lang == ui), lang))
    if not scored:
        if len(fitting) == 1:
            return fitting[0]
        return ui if ui in fitting or not fitting else fitting[0]
    scored.sort(reverse=True)
    (best_key, best) = scored[0]
    if best != ui and _related(best, ui):
        for key, lang in scored:
            if lang == ui and key[0] == best_key[0]:
                return ui
    return best


def corrections(
    snapshot: Snapshot, words: list[str], lang: str, ui: str = "en", sure: bool = True
) -> dict[str, str] | None:
    """word -> its correction, for the words no document has; None when nothing can be
    corrected. A word that matched is never corrected. When the query's language is sure (some
    of its words are known in it), corrections come from that language's own words; else each
    word takes the closest word of any language its script and letters allow (fewest edits,
    counting a swap of two neighbours as one, then the commonest, then the interface's)."""
    if sure:
        languages = [lang]
    else:  # and the words of the languages without an analysis of their own
        languages = [*(x for x in analysis.LANGUAGES if possible(x, words)), NEUTRAL]
    found: dict[str, str] = {}
    with snapshot.lock:
        for word in words:
            lower = word.lower()
            if known(snapshot, lower):
                continue
            best = _best(snapshot, lower, languages, ui)
            if best and best != lower:
                found[word] = best
    return found or None


def _best(snapshot: Snapshot, word: str, languages: list[str], ui: str) -> str | None:
    kind = script(word)
    options = []
    for lang in languages:
        name = spell_field(lang)
        if name not in snapshot.schema:
            continue
        corrector = snapshot.searcher.corrector(name)
        for option in corrector.suggest(word, limit=3, maxdist=2, prefix=1):
            if option == word or script(option) != kind:
                continue
            frequency = snapshot.term(name, option)[0].size
            options.append((distance(word, option), -frequency, lang != ui, option))
    return min(options)[-1] if options else None


def distance(a: str, b: str) -> int:
    """Edits between two words: insertions, deletions, substitutions and swaps of neighbours
    (optimal string alignment)."""
    rows = [list(range(len(b) + 1))]
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]
