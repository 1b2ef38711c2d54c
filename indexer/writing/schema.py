"""The Whoosh schema: the single contract between build time (indexer) and run time (library).

Per supported language L and analysis kind K (see `analysis.FIELD_KINDS`) there is a title field
`t_K_L` and a body field `b_K_L`; a resource fills only its own language's fields. `all` is the
language-neutral field every resource fills, `spell_L` feeds "did you mean", and the facet fields
hold slugs. Bump SCHEMA_VERSION when fields change: the next build then rebuilds from scratch.
"""

from __future__ import annotations

from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from ..language import analysis
from ..language.analysis import EXTRA_KINDS, FIELD_KINDS, LANGUAGES
from ..source.markup import MARKUP_VERSION
from ..source.sourcelist import SOURCES_VERSION
from .codec import CompactPositions, Counts
from .codec import LibraryCodec as LibraryCodec  # named here by indexes before version 8

SCHEMA_VERSION = "10"
FACETS = (
    "theme",
    "city",
    "country",
    "project",
    "type",
    "language",
    "year",
    "step",
    "evidence",
    "reports",  # what a practice reports: results with figures, funding
)
NEUTRAL = "xx"  # spelling field for resources in languages without their own analysis


def title_field(kind: str, lang: str) -> str:
    return f"t_{kind}_{lang}"


def body_field(kind: str, lang: str) -> str:
    return f"b_{kind}_{lang}"


def spell_field(lang: str) -> str:
    return f"spell_{lang if lang in LANGUAGES else NEUTRAL}"


class KeyedText(TEXT):
    """A TEXT field of one language and analysis kind that indexes a whole text at once.

    Whoosh's own path runs the analyzer token by token for every field; a resource's title and
    body reach several fields, so here the text is cut into words once (see
    ``analysis.index_counts``) and each distinct word is keyed once. The terms, frequencies and
    lengths are the ones the analyzer gives; queries still go through the analyzer.
    """

    def __init__(self, lang: str, kind: str, factory, phrase: bool = False) -> None:
        super().__init__(analyzer=factory(lang) if lang != NEUTRAL else factory(), phrase=phrase)
        boost = self.format.field_boost
        self.format = CompactPositions(field_boost=boost) if phrase else Counts(field_boost=boost)
        self.lang = lang
        self.kind = kind

    def index(self, value, **kwargs):
        """(term bytes, frequency, weight, encoded value) per distinct term; value is a text or
        a tuple of texts (read as joined by spaces)."""
        if not isinstance(value, (str, tuple)) or kwargs:
            yield from super().index(value, **kwargs)
            return
        boost = self.format.field_boost
        if self.format.supports("positions"):
            encode = self.format.encode
            for term, found in self.positions_of(value).items():
                yield term.encode("utf-8"), len(found), len(found) * boost, encode(found)
        else:
            for term, n in self.counts_of(value).items():
                yield term.encode("utf-8"), n, n * boost, b""

    def counts_of(self, value: str | tuple[str, ...]) -> dict[str, int]:
        """term -> frequency in value."""
        return analysis.index_counts(self.kind, self.lang, value)

    def positions_of(self, value: str | tuple[str, ...]) -> dict[str, list[int]]:
        """term -> its positions in value."""
        return analysis.index_positions(self.kind, self.lang, value)


def kinds_of(lang: str) -> dict:
    """kind -> analyzer factory of every title and body field a language has."""
    found = dict(FIELD_KINDS)
    for kind, (factory, languages) in EXTRA_KINDS.items():
        if lang in languages:
            found[kind] = factory
    return found


def build_schema() -> Schema:
    fields = {
        "path": ID(stored=True, unique=True),
        "sha": ID(stored=True),
        "key": ID(stored=True, unique=True),
        "docid": ID(stored=True, sortable=True),  # a column: docnum -> resource id, fast
        "title": STORED(),
        "summary": STORED(),
        "html": STORED(),
        "text": STORED(),
        "source": STORED(),
        "publisher": STORED(),
        "accessed": STORED(),
        "sources": STORED(),  # JSON: the sources the body lists, [{url, supports}]
        "date": STORED(),
        "language_declared": STORED(),
        "language_confidence": STORED(),
        "date_desc": ID(sortable=True),
        "date_asc": ID(sortable=True),
        "title_sort": ID(sortable=True),
        "alias": KEYWORD(stored=True, commas=True, scorable=False),  # earlier ids
        "attachments": STORED(),  # JSON: each attached file with its text by page
        "practice": STORED(),  # JSON: period, lead, results, funding… (fields.PRACTICE_FIELDS)
        # The one field with positions: phrases are matched here, in any language.
        "all": KeyedText(NEUTRAL, "neutral", analysis.neutral_analyzer, phrase=True),
    }
    for facet in FACETS:
        fields[facet] = KEYWORD(stored=True, commas=True, scorable=False)
    for lang in LANGUAGES:
        for kind, factory in kinds_of(lang).items():
            fields[title_field(kind, lang)] = KeyedText(lang, kind, factory)
            fields[body_field(kind, lang)] = KeyedText(lang, kind, factory)
    for lang in (*LANGUAGES, NEUTRAL):
        fields[spell_field(lang)] = KeyedText(NEUTRAL, "spelling", analysis.spelling_analyzer)
    return Schema(**fields)


def readable(index_fingerprint: str) -> bool:
    """True when an index with this fingerprint has the fields and the block format this code
    reads (an older one is rebuilt from scratch by the next build, and is not served meanwhile)."""
    return index_fingerprint.split("/", 1)[0] == SCHEMA_VERSION


def fingerprint(vocabulary_fingerprint: str) -> str:
    """Changes whenever an existing index can no longer be updated in place."""
    from ..language.analysis import ANALYSIS_VERSION

    versions = (SCHEMA_VERSION, ANALYSIS_VERSION, MARKUP_VERSION, SOURCES_VERSION)
    return "/".join((*versions, vocabulary_fingerprint))
