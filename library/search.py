"""The one door to the index on the web side: the only module of `library` that imports Whoosh.

Turns a SearchRequest into a SearchPage (words analysed for every language at once, AND with an
any-word fallback, phrases, exclusions, facet filters, theme matches through the vocabulary,
disjunctive facet counts, one hit per resource) and serves documents, related resources and
browse counts. Each thread keeps its own searcher and reopens it when the index changes.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import highlight
from whoosh import index as whoosh_index
from whoosh.query import And, Every, Or, Phrase, Query, Term

from indexer import analysis, store
from indexer.schema import FACETS, body_field, spell_field, title_field
from indexer.vocabulary import Vocabulary, country_name, language_name

from . import querytext
from .models import (
    Document,
    FacetCount,
    Hit,
    SearchPage,
    SearchRequest,
    Stats,
    Translation,
)
from .themes import matching_themes

logger = logging.getLogger(__name__)
TITLE_BOOST = 2.0
NEUTRAL_BOOST = 0.6
SNIPPET_CHARS = 220
WORD_CACHE_SIZE = 4096
RELATED_LIMIT = 5
SUGGEST_BELOW = 1
LIST_FIELDS = ("theme", "city", "country", "project", "step")


class IndexMissing(RuntimeError):
    """No index has been built yet in the configured folder."""


@dataclass
class _ThreadState:
    generation: Path | None = None
    searcher: object = None
    postings: dict = field(default_factory=dict)
    docids: list | None = None


class SearchService:
    """Search, documents and counts over the current index generation."""

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self._local = threading.local()
        self._vocab_lock = threading.Lock()
        self._vocab_key: tuple | None = None
        self._vocab = Vocabulary()
        analysis.set_low_memory(True)

    # -- opening -----------------------------------------------------------------------------

    def _state(self) -> _ThreadState:
        state = getattr(self._local, "state", None)
        if state is None:
            state = self._local.state = _ThreadState()
        generation = store.current_generation(self.index_dir)
        if generation is None:
            raise IndexMissing(str(self.index_dir))
        if generation != state.generation or state.searcher is None:
            if state.searcher is not None:
                state.searcher.close()
            state.searcher = whoosh_index.open_dir(str(generation)).searcher()
            state.generation = generation
            state.postings, state.docids = {}, None
        elif not state.searcher.up_to_date():
            state.searcher = state.searcher.refresh()
            state.postings, state.docids = {}, None
        return state

    def warm(self) -> None:
        """Load every language's analysis before the first visitor waits for it."""
        schema = self._state().searcher.schema
        for word in ("roma", "ромите", "ρομά"):
            _word_terms(schema, word)

    def available(self) -> bool:
        return store.current_generation(self.index_dir) is not None

    @property
    def vocabulary(self) -> Vocabulary:
        generation = store.current_generation(self.index_dir)
        if generation is None:
            return self._vocab
        path = generation / store.VOCABULARY_FILE
        try:
            key = (generation, path.stat().st_mtime_ns)
        except OSError:
            return self._vocab
        with self._vocab_lock:
            if key != self._vocab_key:
                self._vocab = Vocabulary.from_json(path.read_text(encoding="utf-8"))
                self._vocab_key = key
        return self._vocab

    # -- search ------------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchPage:
        state = self._state()
        searcher = state.searcher
        vocab = self.vocabulary
        parsed = querytext.parse(request.q)
        filters = _merge_filters(request.filters, parsed.filters, vocab)
        plan = _QueryPlan.make(searcher.schema, parsed, vocab)
        matched, plan = self._match(state, plan)
        filtered = self._apply_filters(state, matched, filters)
        hits = self._page_hits(state, plan, filtered, request)
        facets = {
            facet: self._facet_counts(state, facet, matched, filters, request.ui_language)
            for facet in FACETS
        }
        total = len(self._groups(state, filtered))
        suggestion = None
        if total < SUGGEST_BELOW or plan.any_word or _has_unknown_word(searcher, parsed.words):
            suggestion = _suggest(searcher, parsed.words, request.q)
        return SearchPage(
            request=request,
            total=total,
            hits=hits,
            facets=facets,
            suggestion=suggestion,
            any_word=plan.any_word,
            theme_matches=plan.themes if plan.theme_docs_added else [],
            ignored=parsed.ignored,
        )

    def _match(self, state: _ThreadState, plan: _QueryPlan) -> tuple[set[int], _QueryPlan]:
        searcher = state.searcher
        if plan.text is None:
            matched = set(searcher.reader().all_doc_ids())
        else:
            matched = set(searcher.docs_for_query(plan.text))
            if not matched and plan.any_word_query is not None:
                plan.text, plan.any_word = plan.any_word_query, True
                matched = set(searcher.docs_for_query(plan.text))
            if plan.theme is not None:
                extra = set(searcher.docs_for_query(plan.theme)) - matched
                plan.theme_docs_added = bool(extra)
                plan.theme_only = extra
                matched |= extra
        if plan.excluded is not None:
            matched -= set(searcher.docs_for_query(plan.excluded))
        return matched, plan

    def _postings(self, state: _ThreadState, facet: str, value: str) -> frozenset[int]:
        key = (facet, value)
        if key not in state.postings:
            state.postings[key] = frozenset(state.searcher.docs_for_query(Term(facet, value)))
        return state.postings[key]

    def _apply_filters(
        self, state: _ThreadState, docs: set[int], filters: dict[str, list[str]], skip: str = ""
    ) -> set[int]:
        result = docs
        for facet, values in filters.items():
            if facet == skip or not values:
                continue
            allowed: set[int] = set()
            for value in values:
                allowed |= self._postings(state, facet, value)
            result = result & allowed
        return result

    def _docids(self, state: _ThreadState) -> list:
        """The resource id of every docnum, read once per searcher from the docid column."""
        if state.docids is None:
            state.docids = list(state.searcher.reader().column_reader("docid"))
        return state.docids

    def _groups(self, state: _ThreadState, docs: set[int]) -> set:
        docids = self._docids(state)
        return {docids[d] for d in docs}

    def _facet_counts(
        self,
        state: _ThreadState,
        facet: str,
        matched: set[int],
        filters: dict[str, list[str]],
        ui: str,
    ) -> list[FacetCount]:
        base = self._apply_filters(state, matched, filters, skip=facet)
        selected = set(filters.get(facet, []))
        counts = []
        for value in state.searcher.reader().field_terms(facet):
            n = len(self._groups(state, base & self._postings(state, facet, value)))
            if n or value in selected:
                counts.append((value, n))
        for value in selected - {v for v, _ in counts}:
            counts.append((value, 0))
        vocab = self.vocabulary
        result = [
            FacetCount(value, facet_label(vocab, facet, value, ui), n, value in selected)
            for value, n in counts
        ]
        return sort_facet(facet, result, vocab)

    def _page_hits(
        self, state: _ThreadState, plan: _QueryPlan, filtered: set[int], request: SearchRequest
    ) -> list[Hit]:
        if not filtered:
            return []
        searcher = state.searcher
        limit = request.page * request.per_page
        sort = request.sort
        if sort == "relevance" and plan.text is None:
            sort = "newest"
        ranked = self._ranked(searcher, plan, filtered, request, sort, limit)
        start = (request.page - 1) * request.per_page
        return [
            self._hit(searcher, plan, docnum, score, docnum in plan.theme_only)
            for docnum, score in ranked[start:limit]
        ]

    def _ranked(self, searcher, plan, filtered, request, sort, limit) -> list[tuple[int, float]]:
        """(docnum, score) best first, one per resource, in the UI language where it matched."""
        state = self._state()
        prefer = filtered & self._postings(state, "language", request.ui_language)
        if sort == "relevance":
            text_docs = filtered - plan.theme_only
            ranked = _collapsed(searcher, plan.text, text_docs, limit, prefer=prefer & text_docs)
            if len(ranked) < limit and plan.theme_only & filtered:
                seen = self._groups_of(searcher, ranked)
                extra = _collapsed(
                    searcher,
                    Every(),
                    plan.theme_only & filtered,
                    limit - len(ranked),
                    sortedby="date_desc",
                    reverse=True,
                    skip=seen,
                    prefer=prefer,
                )
                ranked += extra
            return ranked
        field_name, reverse = {
            "newest": ("date_desc", True),
            "oldest": ("date_asc", False),
            "title": ("title_sort", False),
        }[sort]
        return _collapsed(
            searcher, Every(), filtered, limit, sortedby=field_name, reverse=reverse, prefer=prefer
        )

    def _groups_of(self, searcher, ranked) -> set:
        return {searcher.stored_fields(d)["docid"] for d, _ in ranked}

    def _hit(self, searcher, plan: _QueryPlan, docnum: int, score: float, theme_only: bool) -> Hit:
        stored = searcher.stored_fields(docnum)
        return Hit(
            **_common(stored),
            snippet=_snippet(searcher.schema, plan, stored),
            score=round(float(score), 4),
            theme_only=theme_only,
        )

    # -- documents ---------------------------------------------------------------------------

    def document(self, doc_id: str, language: str | None = None, ui: str = "en") -> Document | None:
        """One language version of a resource: the asked one, else the UI language, else any."""
        searcher = self._state().searcher
        versions = sorted(searcher.documents(docid=doc_id), key=lambda s: s["language"])
        if not versions:
            return None
        by_language = {s["language"]: s for s in versions}
        if language is not None:
            stored = by_language.get(language)
            if stored is None:
                return None
        else:
            stored = by_language.get(ui) or by_language.get("en") or versions[0]
        translations = [
            Translation(s["language"], s["title"])
            for s in versions
            if s["language"] != stored["language"]
        ]
        return _document(stored, translations)

    def languages_of(self, doc_id: str) -> list[str]:
        searcher = self._state().searcher
        return sorted(s["language"] for s in searcher.documents(docid=doc_id))

    def related(self, doc: Document, ui: str, limit: int = RELATED_LIMIT) -> list[Hit]:
        """Resources sharing themes, cities, projects or steps, one version each."""
        state = self._state()
        searcher = state.searcher
        terms = [Term("city", c, boost=3.0) for c in doc.cities]
        terms += [Term("project", p, boost=2.0) for p in doc.projects]
        terms += [Term("theme", t) for t in doc.themes]
        terms += [Term("step", s) for s in doc.steps]
        if not terms:
            return []
        query = Or(terms)
        others = set(searcher.docs_for_query(Or(terms))) - set(
            searcher.docs_for_query(Term("docid", doc.id))
        )
        prefer = others & self._postings(state, "language", ui)
        ranked = _collapsed(searcher, query, others, limit, prefer=prefer)
        empty = _QueryPlan()
        return [self._hit(searcher, empty, d, s, False) for d, s in ranked]

    # -- browsing ----------------------------------------------------------------------------

    def counts(
        self, facet: str, ui: str, filters: dict[str, list[str]] | None = None
    ) -> list[FacetCount]:
        """How many resources carry each value of a facet (within filters, when given)."""
        state = self._state()
        everything = set(state.searcher.reader().all_doc_ids())
        return self._facet_counts(state, facet, everything, filters or {}, ui)

    def stats(self) -> Stats:
        state = self._state()
        reader = state.searcher.reader()
        meta = store.read_json(state.generation / store.META_FILE)
        return Stats(
            documents=reader.doc_count(),
            resources=len(self._groups(state, set(reader.all_doc_ids()))),
            languages=len(list(reader.field_terms("language"))),
            built=meta.get("built", ""),
        )


# -- query building --------------------------------------------------------------------------


@dataclass
class _QueryPlan:
    text: Query | None = None
    any_word_query: Query | None = None
    excluded: Query | None = None
    theme: Query | None = None
    themes: list[str] = field(default_factory=list)
    any_word: bool = False
    theme_docs_added: bool = False
    theme_only: set[int] = field(default_factory=set)
    highlight_words: list[str] = field(default_factory=list)

    @classmethod
    def make(cls, schema, parsed: querytext.ParsedQuery, vocab: Vocabulary) -> _QueryPlan:
        plan = cls()
        word_queries = [q for q in (_word_query(schema, w) for w in parsed.words) if q]
        phrase_queries = [q for q in (_phrase_query(schema, p) for p in parsed.phrases) if q]
        parts = word_queries + phrase_queries
        if parts:
            plan.text = And(parts) if len(parts) > 1 else parts[0]
            if len(word_queries) > 1:
                plan.any_word_query = Or(parts)
        excluded = [
            q
            for q in (
                _phrase_query(schema, w) if len(w) > 1 else _word_query(schema, w[0])
                for w in parsed.excluded
            )
            if q
        ]
        plan.excluded = Or(excluded) if excluded else None
        plan.themes = matching_themes(vocab, parsed.words, parsed.phrases)
        if plan.themes and plan.text is not None:
            plan.theme = Or([Term("theme", slug) for slug in plan.themes])
        plan.highlight_words = parsed.words + [w for p in parsed.phrases for w in p]
        return plan


def _word_query(schema, word: str) -> Query | None:
    terms = [Term(name, text, boost=boost) for name, text, boost in _word_terms(schema, word)]
    if not terms:
        return None
    return Or(terms)


def _word_terms(schema, word: str) -> tuple[tuple[str, str, float], ...]:
    """(field, term, boost) for one typed word in every language, memoised on the schema so the
    cache goes away with the searcher that owns it."""
    cache = schema.__dict__.setdefault("_library_word_terms", {})
    found = cache.get(word)
    if found is None:
        if len(cache) >= WORD_CACHE_SIZE:
            cache.clear()
        found = cache[word] = _analyse_word(schema, word)
    return found


def _analyse_word(schema, word: str) -> tuple[tuple[str, str, float], ...]:
    found: dict[tuple[str, str], float] = {}
    for lang in analysis.LANGUAGES:
        for kind, boost in analysis.FIELD_BOOSTS.items():
            for name, extra in (
                (title_field(kind, lang), TITLE_BOOST),
                (body_field(kind, lang), 1.0),
            ):
                if name not in schema:
                    continue
                for text in _analyse(schema, name, word):
                    key = (name, text)
                    found[key] = max(found.get(key, 0.0), boost * extra)
    for text in _analyse(schema, "all", word):
        found[("all", text)] = NEUTRAL_BOOST
    return tuple((name, text, boost) for (name, text), boost in found.items())


def _analyse(schema, field_name: str, text: str) -> list[str]:
    analyzer = schema[field_name].analyzer
    return [token.text for token in analyzer(text, mode="query")]


def _phrase_query(schema, words: list[str]) -> Query | None:
    tokens = [t for w in words for t in _analyse(schema, "all", w)]
    if not tokens:
        return None
    if len(tokens) == 1:
        return Term("all", tokens[0])
    return Phrase("all", tokens)


def _merge_filters(
    requested: dict[str, tuple[str, ...]], typed: dict[str, list[str]], vocab: Vocabulary
) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for source in (requested, typed):
        for facet, values in source.items():
            for value in values:
                clean = normalise_facet_value(vocab, facet, value)
                if clean and clean not in merged.setdefault(facet, []):
                    merged[facet].append(clean)
    return {k: v for k, v in merged.items() if v}


def normalise_facet_value(vocab: Vocabulary, facet: str, value: str) -> str:
    value = str(value).strip()[: querytext.MAX_WORD_CHARS]
    if facet == "country":
        return value.upper()
    if facet == "city":
        return vocab.resolve_city(value) or value.lower()
    if facet == "project":
        return vocab.resolve_project(value) or value.lower()
    return value.lower()


def _collapsed(
    searcher,
    query: Query,
    allowed: set[int],
    limit: int,
    sortedby=None,
    reverse=False,
    skip=(),
    prefer: set[int] = frozenset(),
) -> list[tuple[int, float]]:
    """Top `limit` documents within `allowed`, one per resource id, each shown in a `prefer`red
    version (the UI language) when that version is allowed too.

    Whoosh's own `collapse` ignores a docnum filter, so this asks for more hits until it has
    enough distinct resources or has seen every match.
    """
    if not allowed or limit <= 0:
        return []
    want = limit * 4 + len(skip)
    while True:
        results = searcher.search(
            query, filter=allowed, limit=want, sortedby=sortedby, reverse=reverse
        )
        ranked, seen = [], set(skip)
        for hit in results:
            docid = hit["docid"]
            if docid in seen:
                continue
            seen.add(docid)
            score = (hit.score or 0.0) if sortedby is None else 0.0
            ranked.append((_preferred(searcher, docid, hit.docnum, prefer), score))
            if len(ranked) >= limit:
                return ranked
        if results.scored_length() < want:
            return ranked
        want *= 4


def _preferred(searcher, docid: str, docnum: int, prefer: set[int]) -> int:
    if not prefer or docnum in prefer:
        return docnum
    versions = [d for d in searcher.docs_for_query(Term("docid", docid)) if d in prefer]
    return versions[0] if versions else docnum


# -- presentation helpers --------------------------------------------------------------------


def _snippet(schema, plan: _QueryPlan, stored: dict) -> str:
    text = " ".join(x for x in (stored.get("summary", ""), stored.get("text", "")) if x)
    lang = stored.get("language", "")
    formatter = highlight.HtmlFormatter(tagname="mark", between=" … ")
    fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=70)
    if plan.highlight_words:
        for name in _highlight_fields(schema, lang):
            terms = {t for w in plan.highlight_words for t in _analyse(schema, name, w)}
            if not terms:
                continue
            found = highlight.highlight(
                text, terms, schema[name].analyzer, fragmenter, formatter, top=2
            )
            if found:
                return found
    plain = stored.get("summary") or stored.get("text", "")
    cut = plain[:SNIPPET_CHARS]
    if len(plain) > SNIPPET_CHARS:
        cut = cut.rsplit(" ", 1)[0] + " …"
    return highlight.htmlescape(cut, quote=False)


def _highlight_fields(schema, lang: str) -> list[str]:
    names = [body_field(kind, lang) for kind in analysis.FIELD_BOOSTS]
    return [n for n in names if n in schema] + ["all"]


def _split(value) -> list[str]:
    return [v for v in (value or "").split(",") if v]


def _common(stored: dict) -> dict:
    """The stored fields of the Resource part of a Hit or a Document."""
    return {
        "id": stored["docid"],
        "language": stored["language"],
        "title": stored["title"],
        "summary": stored.get("summary", ""),
        "type": stored.get("type", ""),
        "projects": _split(stored.get("project")),
        "cities": _split(stored.get("city")),
        "countries": _split(stored.get("country")),
        "themes": _split(stored.get("theme")),
        "steps": _split(stored.get("step")),
        "date": stored.get("date", ""),
    }


def _document(stored: dict, translations: list[Translation]) -> Document:
    return Document(
        **_common(stored),
        html=stored.get("html", ""),
        text=stored.get("text", ""),
        source=stored.get("source", ""),
        publisher=stored.get("publisher", ""),
        path=stored.get("path", ""),
        language_declared=bool(stored.get("language_declared", True)),
        language_confidence=float(stored.get("language_confidence", 1.0)),
        translations=translations,
    )


def facet_label(vocab: Vocabulary, facet: str, value: str, ui: str) -> str:
    """A facet value as the visitor should read it, in the UI language."""
    kinds = {"theme": "themes", "type": "types", "project": "projects", "step": "steps"}
    if facet in kinds:
        term = vocab.kind(kinds[facet]).get(value)
        return term.label(ui) if term else value
    if facet == "city":
        city = vocab.cities.get(value)
        return city.label(ui) if city else value
    if facet == "country":
        return country_name(value, ui)
    if facet == "language":
        return language_name(value, ui)
    return value


def sort_facet(facet: str, values: list[FacetCount], vocab: Vocabulary) -> list[FacetCount]:
    if facet == "year":
        return sorted(values, key=lambda v: v.value, reverse=True)
    if facet == "step":
        order = {s.slug: s.order or 99 for s in vocab.steps.values()}
        return sorted(values, key=lambda v: (order.get(v.value, 99), v.label))
    return sorted(values, key=lambda v: (-v.count, v.label.casefold()))


def _has_unknown_word(searcher, words: list[str]) -> bool:
    """True when a word is in no resource, not even without its accents: likely a typo."""
    reader = searcher.reader()
    return any(
        not any(reader.doc_frequency("all", t) for t in _analyse(searcher.schema, "all", w))
        for w in words
    )


def _suggest(searcher, words: list[str], original: str) -> str | None:
    """The query with unknown words corrected from one language's own vocabulary."""
    if not words:
        return None
    reader = searcher.reader()
    best: tuple[int, int, list[str]] | None = None
    for lang in (*analysis.LANGUAGES, None):
        name = spell_field(lang or "")
        if name not in searcher.schema:
            continue
        corrected, known, weight = [], 0, 0
        for word in words:
            lower = word.lower()
            if reader.doc_frequency(name, lower):
                corrected.append(lower)
                known += 1
                continue
            options = searcher.corrector(name).suggest(lower, limit=1, maxdist=2, prefix=1)
            corrected.append(options[0] if options else lower)
            if options:
                known += 1
                weight += reader.doc_frequency(name, options[0])
        candidate = (known, weight, corrected)
        if corrected != [w.lower() for w in words] and (best is None or candidate[:2] > best[:2]):
            best = candidate
    if best is None:
        return None
    return " ".join(best[2])
