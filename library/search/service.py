"""The search service: the web side's one door to the index.

Turns a SearchRequest into a SearchPage and serves documents, related resources and browse
counts. It keeps one Snapshot of the current index per process, shared by its threads, and
opens a new one when a build has changed the index (a new generation, or a new ``meta.json``
after an incremental update); requests that arrive meanwhile wait for it, so no answer comes
from the old state once a build has finished.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from indexer.contract.vocabulary import Vocabulary
from indexer.language import analysis
from indexer.writing import schema, store

from .. import querytext
from ..models import (
    Document,
    Entry,
    FacetCount,
    FileLink,
    Hit,
    SearchPage,
    SearchRequest,
    Stats,
    Translation,
)
from . import allhits, breakdown, facets, matching, plan, ranking, snippets, suggest, typeahead
from .labels import merge_filters
from .snapshot import Snapshot

logger = logging.getLogger(__name__)
RELATED_LIMIT = 5
RELATED_BOOSTS = {"city": 3.0, "project": 2.0, "theme": 1.0, "step": 1.0}


class IndexMissing(RuntimeError):
    """No index has been built yet in the configured folder, or only one of an earlier schema
    that the running build is replacing."""


class SearchService:
    """Search, documents and counts over the current index generation."""

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self._current: tuple[tuple, Snapshot] | None = None
        self._reload = threading.Lock()
        self._vocab_lock = threading.Lock()
        self._vocab_key: tuple | None = None
        self._vocab = Vocabulary()
        analysis.set_low_memory(True)
        analysis.set_dictionary_cache(store.cache_dir())

    # -- opening -----------------------------------------------------------------------------

    def _state_key(self) -> tuple | None:
        """What identifies the served state: the generation `current` points to and its
        metadata file, which every build rewrites last (two system calls per request)."""
        link = self.index_dir / store.CURRENT
        try:
            target = os.readlink(link)
            meta = os.stat(link / store.META_FILE)
        except OSError:
            # `current` names no finished generation (a damaged folder): serve the newest one
            # that is complete, as the next build will make `current` say.
            generation = store.current_generation(self.index_dir)
            if generation is None:
                return None
            try:
                target, meta = generation.name, os.stat(generation / store.META_FILE)
            except OSError:
                return None
        return (target, meta.st_mtime_ns, meta.st_ino)

    def snapshot(self) -> Snapshot:
        key = self._state_key()
        current = self._current
        if key is None:
            if current is not None:
                return current[1]
            raise IndexMissing(str(self.index_dir))
        if current is not None and current[0] == key:
            return current[1]
        # A build has finished: every request from now on waits for the new state (one thread
        # opens it), so no answer comes from the old one once the build is done.
        with self._reload:
            current = self._current
            if current is None or current[0] != key:
                generation = store.current_generation(self.index_dir)
                if generation is None:
                    raise IndexMissing(str(self.index_dir))
                meta = store.read_json(generation / store.META_FILE)
                if not schema.readable(str(meta.get("fingerprint", ""))):
                    raise IndexMissing(
                        f"{generation} (an earlier schema: the next build replaces it)"
                    )
                snapshot = Snapshot(generation)
                self._current = current = (key, snapshot)
                logger.info("opened %s (toc %s)", generation.name, snapshot.toc)
            return current[1]

    def warm(self) -> None:
        """Open the index and load every language's analysis before the first visitor."""
        snap = self.snapshot()
        plan.warm(snap.schema)
        for facet in ("theme", "language"):
            snap.facet(facet)
        typeahead.title_words(snap)
        self.vocabulary  # noqa: B018 (read once here: app.py shares it with its workers)

    def available(self) -> bool:
        return store.current_generation(self.index_dir) is not None

    @property
    def vocabulary(self) -> Vocabulary:
        """The vocabulary the current index was built with (read again after each build)."""
        key = self._state_key()
        if key is None:
            return self._vocab
        with self._vocab_lock:
            if key != self._vocab_key:
                path = self.index_dir / store.CURRENT / store.VOCABULARY_FILE
                try:
                    self._vocab = Vocabulary.from_json(path.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    return self._vocab
                self._vocab_key = key
        return self._vocab

    # -- search ------------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchPage:
        snap = self.snapshot()
        vocab = self.vocabulary
        parsed = querytext.parse(request.q)
        filters = merge_filters(request.filters, parsed.filters, vocab)
        query = self._plan(snap, parsed, vocab, request.ui_language)
        found = matching.match(snap, query)
        masks = facets.filter_masks(snap, filters)
        filtered = facets.apply(found.docs, masks)
        total = snap.count_resources(filtered)
        hits = self._page_hits(snap, query, found, filtered, request)
        counts = facets.all_counts(snap, found.docs, masks, filters, vocab, request.ui_language)
        suggestion, suggestion_total = None, 0
        if suggest.wanted(snap, query.content_words, total, found.any_word):
            suggestion, suggestion_total = self._suggestion(
                snap, query, parsed, request, filters, total
            )
        return SearchPage(
            request=request,
            total=total,
            hits=hits,
            facets=counts,
            suggestion=suggestion,
            suggestion_total=suggestion_total,
            any_word=found.any_word,
            theme_matches=query.themes if found.theme_only.any() else [],
            themes_named=list(query.themes),
            ignored=parsed.ignored,
        )

    def _suggestion(self, snap, query, parsed, request, filters, total) -> tuple[str | None, int]:
        """(the query with its unknown words corrected, how many resources that finds), when it
        finds more than the query did; else (None, 0)."""
        words = query.content_words
        ui = request.ui_language
        lang = query.language or suggest.query_language(snap, words, ui)
        sure = any(suggest.knows(snap, lang, w) for w in words)
        corrected = suggest.corrections(snap, words, lang, ui, sure)
        if corrected is None:
            return None, 0
        text = _replace_words(request.q, parsed.words, corrected)
        again = self._plan(snap, querytext.parse(text), self.vocabulary, request.ui_language)
        found = matching.match(snap, again)
        better = snap.count_resources(facets.apply(found.docs, facets.filter_masks(snap, filters)))
        # More resources, or as many found by the words themselves where the query's came only
        # from a looser match (the first letters, another script).
        only_loose = not any(suggest.known(snap, w.lower()) for w in words)
        if better > total or (better and better == total and only_loose):
            return text, better
        return None, 0

    @staticmethod
    def _plan(snap: Snapshot, parsed, vocab: Vocabulary, ui: str) -> plan.QueryPlan:
        return plan.QueryPlan.make(
            snap.schema,
            parsed,
            vocab,
            language_of=lambda words: suggest.query_language(snap, words, ui),
            knows=lambda lang, word: suggest.knows(snap, lang, word),
        )

    @staticmethod
    def _language_mask(snap: Snapshot, lang: str) -> np.ndarray:
        return snap.mask(snap.facet("language").docs_of(lang))

    @staticmethod
    def _relatives_mask(snap: Snapshot, lang: str) -> np.ndarray:
        """The documents in the languages that ``lang``'s analysis also reads (Serbian and
        Bosnian for Croatian); none for most languages."""
        table = snap.facet("language")
        mask = np.zeros(snap.size, dtype=bool)
        for value in table.values:
            if value != lang and analysis.analysed_as(value) == lang:
                mask |= snap.mask(table.docs_of(value))
        return mask

    def _preferences(self, snap, query, filtered, ui: str) -> list[np.ndarray]:
        """Which version of a resource the reader gets, best first: the query's language, then
        a language its analysis also reads (a Serbian version for a query read as Croatian),
        then the interface language, then English; a resource with none of them shows the
        version found. ``filtered`` holds only versions that matched the query."""
        prefer = []
        if query.language and query.content_words:
            prefer.append(filtered & self._language_mask(snap, query.language))
            relatives = self._relatives_mask(snap, query.language)
            if relatives.any():
                prefer.append(filtered & relatives)
        for lang in dict.fromkeys((ui, "en")):
            prefer.append(filtered & self._language_mask(snap, lang))
        return prefer

    def _page_hits(self, snap, query, found, filtered, request: SearchRequest) -> list[Hit]:
        if not filtered.any():
            return []
        limit = request.page * request.per_page
        sort = request.sort
        if sort == "relevance" and not query.has_text:
            sort = "newest"
        prefer = self._preferences(snap, query, filtered, request.ui_language)
        if sort == "relevance":
            text_docs = filtered & ~found.theme_only
            ranked = ranking.top(snap, text_docs, -found.scores, limit, prefer)
            themed = filtered & found.theme_only
            if len(ranked) < limit and themed.any():
                seen = {int(snap.resource[d]) for d in ranked}
                ranked += ranking.top(
                    snap, themed, snap.rank("newest"), limit - len(ranked), prefer, skip=seen
                )
        else:
            ranked = ranking.top(snap, filtered, snap.rank(sort), limit, prefer)
        start = (request.page - 1) * request.per_page
        scored = sort == "relevance"
        return [
            self._hit(snap, query, doc, found.scores[doc] if scored else 0.0, found.theme_only[doc])
            for doc in ranked[start:limit]
        ]

    def _hit(self, snap: Snapshot, query, doc: int, score: float, theme_only) -> Hit:
        stored = snap.stored(doc)
        found = snippets.snippet(stored, query.highlight_words)
        return Hit(
            **_common(stored),
            snippet=found.html,
            score=round(float(score), 4),
            theme_only=bool(theme_only),
            matched_file=found.file,
            matched_page=found.page,
        )

    def _matched(self, request: SearchRequest):
        """(snapshot, query plan, matches, documents passing the filters, filter masks)."""
        snap = self.snapshot()
        parsed = querytext.parse(request.q)
        filters = merge_filters(request.filters, parsed.filters, self.vocabulary)
        query = self._plan(snap, parsed, self.vocabulary, request.ui_language)
        found = matching.match(snap, query)
        masks = facets.filter_masks(snap, filters)
        return snap, query, found, facets.apply(found.docs, masks), masks

    def every_hit(self, request: SearchRequest) -> Iterator[Entry]:
        """The whole result set of request (page and per_page ignored), in the pages' order;
        the order is computed now, stored fields as the caller consumes the entries."""
        snap, query, found, filtered, _ = self._matched(request)
        sort = "newest" if request.sort == "relevance" and not query.has_text else request.sort
        ordered = allhits.full_order(snap, filtered, sort, found.scores, found.theme_only)
        prefer = self._preferences(snap, query, filtered, request.ui_language)
        scores = found.scores if sort == "relevance" else np.zeros(snap.size)
        return (
            _entry(stored, float(scores[doc]))
            for doc, stored in allhits.stored_in_order(snap, ordered, filtered, prefer)
        )

    def matrix(self, request: SearchRequest, rows: str, cols: str):
        """Resources per pair of values of two facets among the request's results, those two
        facets' own filters left out (as the facet counts do)."""
        snap, _, found, _, masks = self._matched(request)
        docs = found.docs
        for facet, allowed in masks.items():
            if facet not in (rows, cols):
                docs = docs & allowed
        return breakdown.matrix(snap, docs, rows, cols)

    def every_document(self) -> Iterator[Document]:
        """Every language version of every resource, in index order (for the data dump)."""
        snap = self.snapshot()
        for batch in allhits.batches(snap.live_docs):
            for doc in batch.tolist():
                yield _document(snap.stored(doc), [])

    def every_version(self) -> Iterator[tuple[str, str]]:
        """(resource id, language) of every live document, in index order (for the sitemap)."""
        return allhits.versions(self.snapshot())

    def version_count(self) -> int:
        return int(self.snapshot().live.sum())

    # -- documents ---------------------------------------------------------------------------

    def _versions(self, snap: Snapshot, doc_id: str) -> list[dict]:
        number = snap.resource_number.get(doc_id)
        if number is None:
            return []
        docs = [d for d in snap.versions(number).tolist() if snap.live[d]]
        return sorted((snap.stored(d) for d in docs), key=lambda s: s["language"])

    def document(self, doc_id: str, language: str | None = None, ui: str = "en") -> Document | None:
        """One language version of a resource: the asked one, else the UI language, else any."""
        versions = self._versions(self.snapshot(), doc_id)
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

    def canonical_id(self, old_id: str) -> str | None:
        """The id of the resource that lists old_id among its aliases (earlier ids)."""
        snap = self.snapshot()
        if old_id in snap.resource_number:
            return None
        ids, _ = snap.term("alias", old_id)
        ids = ids[snap.live[ids]]
        return snap.docids[int(ids[0])] if ids.size else None

    def attachment(self, doc_id: str, language: str, number: int) -> dict | None:
        """{name, path, type, size, sha} of a file the index lists for a resource, else None."""
        for stored in self._versions(self.snapshot(), doc_id):
            if stored["language"] == language:
                files = _files(stored)
                if 0 <= number < len(files):
                    return {k: v for k, v in files[number].items() if k != "pages"}
        return None

    def languages_of(self, doc_id: str) -> list[str]:
        return sorted(s["language"] for s in self._versions(self.snapshot(), doc_id))

    def related(self, doc: Document, ui: str, limit: int = RELATED_LIMIT) -> list[Hit]:
        """Resources sharing cities, projects, themes or steps, one version each."""
        snap = self.snapshot()
        scores = np.zeros(snap.size)
        shared = {"city": doc.cities, "project": doc.projects, "theme": doc.themes}
        shared["step"] = doc.steps
        for facet, values in shared.items():
            table = snap.facet(facet)
            for value in values:
                scores[table.docs_of(value)] += RELATED_BOOSTS[facet]
        others = scores > 0
        number = snap.resource_number.get(doc.id)
        if number is not None:
            others[snap.versions(number)] = False
        if not others.any():
            return []
        ranked = ranking.top(snap, others, -scores, limit, [others & self._language_mask(snap, ui)])
        empty = plan.QueryPlan()
        return [self._hit(snap, empty, d, scores[d], False) for d in ranked]

    def as_typed(self, typed: str, ui: str) -> list[typeahead.Suggestion]:
        """Suggestions for a search box: titles first, then cities, themes and programmes."""
        snap = self.snapshot()
        found = []
        for doc in typeahead.titles(snap, typed, ui):
            stored = snap.stored(doc)
            found.append(
                typeahead.Suggestion("title", stored["title"], stored["docid"], stored["language"])
            )
        return found + typeahead.terms(self.vocabulary, typed, ui)

    # -- browsing ----------------------------------------------------------------------------

    def counts(
        self, facet: str, ui: str, filters: dict[str, list[str]] | None = None
    ) -> list[FacetCount]:
        """How many resources carry each value of a facet (within filters, when given)."""
        snap = self.snapshot()
        filters = filters or {}
        masks = facets.filter_masks(snap, filters)
        return facets.counts(
            snap, facet, snap.live, masks, filters.get(facet, []), self.vocabulary, ui
        )

    def stats(self) -> Stats:
        snap = self.snapshot()
        meta = store.read_json(snap.generation / store.META_FILE)
        languages = snap.facet("language").resource_counts(snap.live)
        return Stats(
            documents=int(snap.live.sum()),
            resources=snap.count_resources(snap.live),
            languages=int((languages > 0).sum()),
            built=meta.get("built", ""),
        )


def _replace_words(q: str, typed: list[str], corrected: dict[str, str]) -> str:
    """q with each corrected word replaced where it stands (the rest of q kept as typed)."""
    result = q
    for word in typed:
        new = corrected.get(word)
        if new and new != word:
            result = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", new, result, count=1)
    return result


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


def _entry(stored: dict, score: float) -> Entry:
    return Entry(
        **_common(stored),
        source=stored.get("source", ""),
        publisher=stored.get("publisher", ""),
        score=round(score, 4),
        practice=_practice(stored),
    )


def _document(stored: dict, translations: list[Translation]) -> Document:
    return Document(
        **_common(stored),
        html=stored.get("html", ""),
        text=stored.get("text", ""),
        source=stored.get("source", ""),
        publisher=stored.get("publisher", ""),
        accessed=stored.get("accessed", ""),
        sources=_stored_json(stored, "sources", list),
        path=stored.get("path", ""),
        language_declared=bool(stored.get("language_declared", True)),
        language_confidence=float(stored.get("language_confidence", 1.0)),
        translations=translations,
        files=[
            FileLink(i, f["name"], f["type"], int(f["size"]), len(f.get("pages") or ()))
            for i, f in enumerate(_files(stored))
        ],
        practice=_practice(stored),
    )


def _practice(stored: dict) -> dict:
    return _stored_json(stored, "practice", dict)


def _files(stored: dict) -> list[dict]:
    return _stored_json(stored, "attachments", list)


def _stored_json(stored: dict, name: str, kind: type):
    """A stored JSON value of this kind (empty when absent, as in an index built before the
    field existed, or when it is not of the kind)."""
    try:
        found = json.loads(stored.get(name) or "null")
    except ValueError:
        return kind()
    return found if isinstance(found, kind) else kind()
