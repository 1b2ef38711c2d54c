"""What a resource page tells machines: schema.org JSON-LD, Highwire Press (`citation_*`) and
Dublin Core meta tags, and the links to its citations. Templates call `resource_metadata(doc)`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask import Flask, url_for
from markupsafe import Markup

from .. import i18n
from ..models import Document
from ..search import facet_label
from ..search_ext import service

SCHEMA_TYPES = {"report": "Report", "policy": "Report", "news-event": "NewsArticle"}
CITATION_LABELS = {"bibtex": "BibTeX", "ris": "RIS", "csl-json": "CSL-JSON"}
# Characters that could end the <script> block or start markup, written as JSON escapes.
JSON_IN_HTML = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


@dataclass(frozen=True)
class Metadata:
    json_ld: Markup
    meta: list[tuple[str, str]]  # (name, content)
    citation_links: list[tuple[str, str]]  # (label, url)


def init_app(app: Flask) -> None:
    app.jinja_env.globals["resource_metadata"] = resource_metadata


def script_json(data) -> Markup:
    """JSON safe inside <script type="application/ld+json">: no <, > or & left as such."""
    return Markup(json.dumps(data, ensure_ascii=False).translate(JSON_IN_HTML))


def json_ld(doc: Document, url: str, ui: str) -> dict:
    vocab = service().vocabulary
    data = {
        "@context": "https://schema.org",
        "@type": SCHEMA_TYPES.get(doc.type, "CreativeWork"),
        "@id": url,
        "url": url,
        "name": doc.title,
        "inLanguage": doc.language,
        "isPartOf": {"@type": "Collection", "name": "Roma Inclusion Library",
                     "url": url_for("pages.home", _external=True)},
    }  # fmt: skip
    if doc.summary:
        data["description"] = doc.summary
    if doc.date:
        data["datePublished"] = doc.date
    if doc.publisher:
        data["publisher"] = {"@type": "Organization", "name": doc.publisher}
        data["author"] = {"@type": "Organization", "name": doc.publisher}
    if doc.source:
        data["isBasedOn"] = doc.source
    if doc.themes:
        data["keywords"] = [facet_label(vocab, "theme", t, ui) for t in doc.themes]
    places = [{"@type": "City", "name": facet_label(vocab, "city", c, ui)} for c in doc.cities]
    places += [{"@type": "Country", "name": facet_label(vocab, "country", c, ui)}
               for c in doc.countries]  # fmt: skip
    if places:
        data["spatialCoverage"] = places
    data.update(_practice_ld(doc.practice))
    if doc.translations:
        data["workTranslation"] = [
            {"@type": "CreativeWork", "inLanguage": t.language, "name": t.title,
             "url": url_for("pages.resource", doc_id=doc.id, language=t.language,
                            _external=True)}
            for t in doc.translations
        ]  # fmt: skip
    return data


def _practice_ld(practice: dict) -> dict:
    """A practice in depth in schema.org terms: when, who led it, with whom, for whom, who
    paid."""
    data = {}
    period = practice.get("period") or {}
    if period:
        data["temporalCoverage"] = f"{period.get('start', '..')}/{period.get('end', '..')}"
    if practice.get("lead"):
        data["producer"] = {"@type": "Organization", "name": practice["lead"]}
    if practice.get("partners"):
        data["contributor"] = [{"@type": "Organization", "name": p} for p in practice["partners"]]
    if practice.get("target_groups"):
        data["audience"] = [{"@type": "Audience", "audienceType": g}
                            for g in practice["target_groups"]]  # fmt: skip
    funders = [row for row in practice.get("funding") or [] if row.get("funder")]
    if funders:
        data["funding"] = [
            {"@type": "Grant", "name": row["title"],
             "funder": {"@type": "Organization", "name": row["funder"]},
             **({"amount": {"@type": "MonetaryAmount", "value": row["amount"],
                            "currency": row["currency"]}}
                if row.get("amount") is not None and row.get("currency") else {})}
            for row in funders
        ]  # fmt: skip
    return data


def meta_tags(doc: Document, url: str) -> list[tuple[str, str]]:
    """Highwire Press tags (read by Google Scholar and Zotero) and Dublin Core."""
    tags = [("citation_title", doc.title)]
    if doc.publisher:
        tags += [("citation_author", doc.publisher), ("citation_publisher", doc.publisher)]
    if doc.date:
        tags.append(("citation_publication_date", doc.date.replace("-", "/")))
    tags += [("citation_language", doc.language), ("citation_public_url", url)]
    tags += [("DC.title", doc.title), ("DC.language", doc.language), ("DC.identifier", url)]
    if doc.publisher:
        tags += [("DC.creator", doc.publisher), ("DC.publisher", doc.publisher)]
    if doc.date:
        tags.append(("DC.date", doc.date))
    if doc.summary:
        tags.append(("DC.description", doc.summary))
    if doc.type:
        tags.append(("DC.type", doc.type))
    if doc.source:
        tags.append(("DC.source", doc.source))
    tags += [("DC.subject", t) for t in doc.themes]
    tags += [("DC.coverage", c) for c in (*doc.cities, *doc.countries)]
    return tags


def resource_metadata(doc: Document) -> Metadata:
    ui = i18n.ui_language()
    url = url_for("pages.resource", doc_id=doc.id, language=doc.language, _external=True)
    links = [
        (label, url_for("api.citation", doc_id=doc.id, language=doc.language, format=fmt))
        for fmt, label in CITATION_LABELS.items()
    ]
    return Metadata(script_json(json_ld(doc, url, ui)), meta_tags(doc, url), links)
