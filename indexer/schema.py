"""The Whoosh schema: the single contract between build time (indexer) and run time (library).

Per supported language L and analysis kind K (see `analysis.FIELD_KINDS`) there is a title field
`t_K_L` and a body field `b_K_L`; a resource fills only its own language's fields. `all` is the
language-neutral field every resource fills, `spell_L` feeds "did you mean", and the facet fields
hold slugs. Bump SCHEMA_VERSION when fields change: the next build then rebuilds from scratch.
"""

from __future__ import annotations

from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from .analysis import FIELD_KINDS, LANGUAGES, neutral_analyzer, spelling_analyzer
from .markup import MARKUP_VERSION

SCHEMA_VERSION = "2"
FACETS = ("theme", "city", "country", "project", "type", "language", "year", "step")
NEUTRAL = "xx"  # spelling field for resources in languages without their own analysis


def title_field(kind: str, lang: str) -> str:
    return f"t_{kind}_{lang}"


def body_field(kind: str, lang: str) -> str:
    return f"b_{kind}_{lang}"


def spell_field(lang: str) -> str:
    return f"spell_{lang if lang in LANGUAGES else NEUTRAL}"


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
        "date": STORED(),
        "language_declared": STORED(),
        "language_confidence": STORED(),
        "date_desc": ID(sortable=True),
        "date_asc": ID(sortable=True),
        "title_sort": ID(sortable=True),
        "all": TEXT(analyzer=neutral_analyzer(), phrase=True),
    }
    for facet in FACETS:
        fields[facet] = KEYWORD(stored=True, commas=True, scorable=False)
    for lang in LANGUAGES:
        for kind, factory in FIELD_KINDS.items():
            fields[title_field(kind, lang)] = TEXT(analyzer=factory(lang), phrase=True)
            fields[body_field(kind, lang)] = TEXT(analyzer=factory(lang), phrase=True)
    for lang in (*LANGUAGES, NEUTRAL):
        fields[spell_field(lang)] = TEXT(analyzer=spelling_analyzer(), phrase=False)
    return Schema(**fields)


def fingerprint(vocabulary_fingerprint: str) -> str:
    """Changes whenever an existing index can no longer be updated in place."""
    from .analysis import ANALYSIS_VERSION

    return "/".join((SCHEMA_VERSION, ANALYSIS_VERSION, MARKUP_VERSION, vocabulary_fingerprint))
