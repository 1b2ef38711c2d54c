"""Plain dataclasses passed between the search service, the views and the templates.

Templates and JSON views see only these, never Whoosh objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from indexer.writing.schema import FACETS as SCHEMA_FACETS

FACETS = SCHEMA_FACETS  # the index's facet fields, one list for both sides
SORTS = ("relevance", "newest", "oldest", "title")


@dataclass(frozen=True)
class SearchRequest:
    q: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    page: int = 1
    per_page: int = 10
    sort: str = "relevance"
    ui_language: str = "en"


@dataclass(frozen=True)
class Resource:
    """What every view of a resource carries: identity and the facet values."""

    id: str
    language: str
    title: str
    summary: str
    type: str
    projects: list[str]
    cities: list[str]
    countries: list[str]
    themes: list[str]
    steps: list[str]
    date: str


@dataclass(frozen=True)
class Hit(Resource):
    snippet: str  # safe HTML: escaped text with <mark> around matched words
    score: float
    theme_only: bool = False
    matched_file: str = ""  # the attached file the snippet comes from, if any
    matched_page: int = 0  # and its page (PDF), from 1


@dataclass(frozen=True)
class Entry(Resource):
    """One resource of a whole result set, as exports and citations need it."""

    source: str
    publisher: str
    score: float
    practice: dict = field(default_factory=dict)  # see Document.practice


@dataclass(frozen=True)
class FacetCount:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class SearchPage:
    request: SearchRequest
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetCount]]
    suggestion: str | None = None
    suggestion_total: int = 0  # resources the suggestion finds (always more than total)
    any_word: bool = False  # no resource had every word; showing those with any
    theme_matches: list[str] = field(default_factory=list)  # themes whose words were in q
    themes_named: list[str] = field(default_factory=list)  # the same, whether or not they added
    ignored: list[str] = field(default_factory=list)  # parts of q that could not be used

    @property
    def pages(self) -> int:
        per = max(self.request.per_page, 1)
        return max(1, -(-self.total // per))


@dataclass(frozen=True)
class Translation:
    language: str
    title: str


@dataclass(frozen=True)
class FileLink:
    """An attached file offered for download."""

    number: int  # its place in the record's list, which the download address names
    name: str
    type: str  # the suffix: pdf, docx, odt, html, htm, txt
    size: int  # bytes
    pages: int


@dataclass(frozen=True)
class Document(Resource):
    html: str  # sanitised at build time
    text: str
    source: str
    publisher: str
    path: str
    language_declared: bool
    language_confidence: float
    translations: list[Translation]
    files: list[FileLink] = field(default_factory=list)
    # A practice in depth, as the file gives it: period {start, end}, lead, partners,
    # target_groups, results [{indicator, value, unit, year, source}], funding [{title, funder,
    # amount, currency, status, year, source}], evidence {level, by, source}, transferability.
    practice: dict = field(default_factory=dict)
    accessed: str = ""  # when the source was read (YYYY-MM-DD), if the file says
    # The sources the body lists, each {url, supports}: what that page supports in the record.
    sources: list[dict] = field(default_factory=list)

    @property
    def evidence(self) -> str:
        return (self.practice.get("evidence") or {}).get("level", "")


@dataclass(frozen=True)
class Stats:
    documents: int
    resources: int
    languages: int
    built: str
