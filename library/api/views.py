"""The JSON API: /api/search, /api/documents/<id>, /api/facets/<facet> in the shape DESIGN.md
fixes, and /api/citation/<id>. /api/openapi.json describes it all (library/openapi.py).

Bad parameters give 400 JSON naming the parameter; unknown documents 404 JSON.
"""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, Flask, Response, abort, jsonify, request, url_for

from indexer.contract.fields import PRACTICE_FIELDS

from .. import i18n
from ..models import FACETS, Hit, SearchPage
from ..opendata import citations
from ..params import BadParameter, search_request
from ..search_ext import service

bp = Blueprint("api", __name__, url_prefix="/api")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


def ui_parameter() -> str:
    """The `ui` query parameter: which interface language links and labels use."""
    lang = request.args.get("ui", "en")  # given but empty is as wrong as unknown
    if lang not in i18n.supported():
        raise BadParameter("ui", f"must be one of {', '.join(i18n.supported())}")
    return lang


def hit_json(hit: Hit, ui: str) -> dict:
    return {
        "id": hit.id,
        "language": hit.language,
        "title": hit.title,
        "summary": hit.summary,
        "url": url_for(
            "pages.resource", ui=ui, doc_id=hit.id, language=hit.language, _external=True
        ),
        "snippet": hit.snippet,
        "matched_in": (
            {"file": hit.matched_file, "page": hit.matched_page or None}
            if hit.matched_file
            else None
        ),
        "type": hit.type or None,
        "project": hit.projects[0] if hit.projects else None,
        "projects": hit.projects,
        "cities": hit.cities,
        "countries": hit.countries,
        "themes": hit.themes,
        "steps": hit.steps,
        "date": hit.date or None,
        "score": hit.score,
        "theme_match_only": hit.theme_only,
    }


def page_json(page: SearchPage, ui: str) -> dict:
    req = page.request
    return {
        "query": req.q,
        "total": page.total,
        "page": req.page,
        "per_page": req.per_page,
        "pages": page.pages,
        "sort": req.sort,
        "results": [hit_json(h, ui) for h in page.hits],
        "facets": {
            facet: [
                {"value": v.value, "label": v.label, "count": v.count, "selected": v.selected}
                for v in values
            ]
            for facet, values in page.facets.items()
        },
        "suggestion": page.suggestion,
        "suggestion_total": page.suggestion_total if page.suggestion else None,
        "any_word": page.any_word,
        "theme_matches": page.theme_matches,
        "ignored": page.ignored,
    }


@bp.route("/search")
def search():
    ui = ui_parameter()
    page = service().search(search_request(request.args, ui))
    return jsonify(page_json(page, ui))


@bp.route("/documents/<path:doc_id>")
def document(doc_id: str):
    ui = ui_parameter()
    language = request.args.get("language") or None
    doc = service().document(doc_id, language, ui)
    if doc is None:
        abort(404)
    return jsonify(document_json(doc, ui))


PRACTICE_LISTS = ("partners", "target_groups", "results", "funding")


def practice_json(practice: dict, ui: str) -> dict:
    """The practice fields under their contract names, each present (null or [] when the
    resource gives none); evidence with its label in the interface language."""
    vocab = service().vocabulary
    data = {
        name: practice.get(name, [] if name in PRACTICE_LISTS else None) for name in PRACTICE_FIELDS
    }
    evidence = data["evidence"]
    if evidence:
        term = vocab.evidence.get(evidence.get("level", ""))
        data["evidence"] = {
            "level": evidence.get("level"),
            "label": term.label(ui) if term else evidence.get("level"),
            "by": evidence.get("by"),
            "source": evidence.get("source"),
        }
    return data


def document_json(doc, ui: str, with_related: bool = True) -> dict:
    """A resource as /api/documents/<id> gives it (compare uses the same)."""
    data = asdict(doc)
    data.pop("practice", None)
    data["project"] = doc.projects[0] if doc.projects else None  # as /api/search names it
    data.update(practice_json(doc.practice, ui))
    data["translations"] = [
        {
            "language": t.language,
            "title": t.title,
            "url": url_for("api.document", doc_id=doc.id, language=t.language, _external=True),
        }
        for t in doc.translations
    ]
    data["url"] = url_for(
        "pages.resource", ui=ui, doc_id=doc.id, language=doc.language, _external=True
    )
    for item in data["files"]:
        item["url"] = url_for(
            "files.download",
            number=item["number"],
            language=doc.language,
            doc_id=doc.id,
            _external=True,
        )
    if with_related:
        data["related"] = [
            {
                "id": hit.id,
                "title": hit.title,
                "language": hit.language,
                "url": url_for(
                    "api.document", doc_id=hit.id, language=hit.language, _external=True
                ),
            }
            for hit in service().related(doc, ui)
        ]
    return data


MAX_TYPED = 100


@bp.route("/suggest")
def suggest():
    """Suggestions as you type: `{"query", "suggestions": [{"kind", "label", "value", "url",
    "language"}]}`; kind is title, city, theme or programme."""
    ui = ui_parameter()
    typed = request.args.get("q", "")
    if len(typed) > MAX_TYPED:
        raise BadParameter("q", f"at most {MAX_TYPED} characters", "length", limit=MAX_TYPED)
    sections = {"city": "cities", "theme": "themes", "programme": "projects"}
    items = []
    for s in service().as_typed(typed, ui):
        if s.kind == "title":
            url = url_for("pages.resource", ui=ui, doc_id=s.value, language=s.language)
        else:
            url = url_for("pages.browse_value", ui=ui, section=sections[s.kind], value=s.value)
        items.append(
            {"kind": s.kind, "label": s.label, "value": s.value, "url": url,
             "language": s.language or None}
        )  # fmt: skip
    response = jsonify({"query": typed, "suggestions": items})
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


@bp.route("/facets/<facet>")
def facet_counts(facet: str):
    if facet not in FACETS:
        abort(404)
    ui = ui_parameter()
    return jsonify([asdict(c) for c in service().counts(facet, ui)])


@bp.route("/citation/<path:doc_id>")
def citation(doc_id: str):
    """One resource as BibTeX, RIS or CSL-JSON (`format`), to download or paste."""
    fmt = request.args.get("format", "bibtex")
    if fmt not in citations.FORMATS:
        raise BadParameter("format", f"must be one of {', '.join(citations.FORMATS)}")
    ui = ui_parameter()
    doc = service().document(doc_id, request.args.get("language") or None, ui)
    if doc is None:
        abort(404)
    url = url_for("pages.resource", ui=ui, doc_id=doc.id, language=doc.language, _external=True)
    media, extension = citations.FORMATS[fmt]
    item = citations.citable(doc, url)
    name = f"{citations.bibtex_key(item)}.{extension}"
    return Response(
        citations.render(fmt, item),
        mimetype=media,
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )
