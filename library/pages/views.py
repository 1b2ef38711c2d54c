"""HTML pages under the interface-language prefix: home, search, resources and browse pages.

Views parse arguments, call the search service and render; templates get plain dataclasses.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from flask import Blueprint, Flask, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from .. import i18n
from ..cities.views import city_page
from ..models import FACETS, SearchRequest
from ..params import search_request
from ..search import facet_label
from ..search_ext import service
from . import fragments, presenter

bp = i18n.prefixed(Blueprint("pages", __name__, url_prefix="/<ui>"))
root = Blueprint("root", __name__)
HOME_NEWEST = 6


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(root)
    app.context_processor(_page_context)
    app.add_template_filter(source_host)
    app.add_template_global(fragments.facet_values)


def source_host(url: str) -> str:
    """The site a source address points to, for a short link text (www. left off)."""
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


def _page_context() -> dict:
    endpoint = request.endpoint or ""
    switch = []
    in_every_language = request.blueprint in i18n.PREFIXED and request.method == "GET"
    if in_every_language and request.view_args is not None:
        switch = presenter.language_switch(
            endpoint, request.view_args, request.args, i18n.supported()
        )
    vocab, ui = service().vocabulary, i18n.ui_language()  # one of each for the whole page
    return {
        "ui": ui,
        "language_links": switch,
        "vocab": vocab,
        "label": lambda facet, value: facet_label(vocab, facet, value, ui),
        "facet_pages": presenter.FACET_PAGES,
    }


# -- bare paths redirect to the visitor's language -------------------------------------------


@root.route("/")
def index():
    return redirect(url_for("pages.home", ui=i18n.best_language()), 302)


@root.route("/search")
def bare_search():
    return unprefixed("search")


@root.route("/<path:rest>")
def unprefixed(rest: str):
    first = rest.split("/", 1)[0]
    if first in i18n.supported() or first in ("api", "static"):
        abort(404)
    query = request.query_string.decode("latin-1")
    # Quoted again: a decoded path may hold characters a Location header cannot (%0a).
    target = f"/{i18n.best_language()}/{quote(rest, safe='/')}" + (f"?{query}" if query else "")
    return redirect(target, 302)


# -- pages -------------------------------------------------------------------------------------


@bp.route("/")
def home():
    search = service()
    ui = i18n.ui_language()
    newest = search.search(SearchRequest(sort="newest", per_page=HOME_NEWEST, ui_language=ui))
    return render_template(
        "home.html",
        stats=search.stats(),
        themes=search.counts("theme", ui),
        countries=search.counts("country", ui),
        cities=search.counts("city", ui)[:12],
        projects=search.counts("project", ui),
        newest=newest.hits,
    )


@bp.route("/search")
def search():
    return _results("pages.search", {}, heading=None)


def _results(endpoint: str, values: dict, heading: str | None, intro: dict | None = None):
    ui = i18n.ui_language()
    args = request.args
    req = search_request(args, ui)
    extra = values.get("preset")
    if extra:
        merged = dict(req.filters)
        facet, value = extra
        merged[facet] = tuple(dict.fromkeys((*merged.get(facet, ()), value)))
        req = SearchRequest(req.q, merged, req.page, req.per_page, req.sort, ui)
    page = service().search(req)
    view_values = {k: v for k, v in values.items() if k != "preset"}
    return render_template(
        "search.html",
        page=page,
        heading=heading,
        intro=intro or {},
        facets=presenter.facet_groups(page, args, endpoint, view_values),
        pages=presenter.page_links(page, args, endpoint, view_values),
        sorts=presenter.sort_links(args, req.sort, endpoint, view_values),
        action=url_for(endpoint, **view_values),
        kept_filters=[(k, v) for k in FACETS for v in args.getlist(k)],
        visible_values=presenter.VISIBLE_VALUES,
    )


@bp.route("/resources/<path:doc_id>")
def resource(doc_id: str):
    ui = i18n.ui_language()
    language = request.args.get("language") or None
    search = service()
    doc = search.document(doc_id, language, ui)
    if doc is None:
        canonical = search.canonical_id(doc_id)
        if canonical is None:
            abort(404)
        values = {"language": language} if language else {}
        return redirect(url_for("pages.resource", doc_id=canonical, **values), 301)
    return render_template(
        "resource.html",
        doc=doc,
        body=presenter.without_title(doc.html, doc.title),
        related=search.related(doc, ui),
        citation=citation(
            doc, url_for("pages.resource", doc_id=doc.id, language=doc.language, _external=True)
        ),
    )


@bp.route(
    "/<any(themes,cities,countries,projects,types,languages,years,steps,evidence,reports):section>/"
)
def browse(section: str):
    facet = presenter.FACET_BY_PAGE[section]
    counts = service().counts(facet, i18n.ui_language())
    groups = _group_cities(counts) if facet == "city" else []
    return render_template(
        "browse.html", section=section, facet=facet, counts=counts, groups=groups
    )


@bp.route(
    "/<any(themes,cities,countries,projects,types,languages,years,steps,evidence,reports):section>/<value>"
)
def browse_value(section: str, value: str):
    facet = presenter.FACET_BY_PAGE[section]
    ui = i18n.ui_language()
    vocab = service().vocabulary
    intro = {"facet": facet, "value": value}
    if facet == "city":
        return city_page(value, value in vocab.cities or _known_value(facet, value))
    elif facet == "project" and value in vocab.projects:
        intro["project"] = vocab.projects[value]
    elif not _known_value(facet, value):
        abort(404)
    heading = facet_label(vocab, facet, value, ui)
    return _results(
        "pages.browse_value",
        {"section": section, "value": value, "preset": (facet, value)},
        heading=heading,
        intro=intro,
    )


def _known_value(facet: str, value: str) -> bool:
    return any(c.value == value for c in service().counts(facet, i18n.ui_language()))


def _group_cities(counts) -> list[tuple[str, str, list]]:
    """Cities grouped by country: (code, country name, [FacetCount])."""
    vocab = service().vocabulary
    ui = i18n.ui_language()
    groups: dict[str, list] = {}
    for count in counts:
        city = vocab.cities.get(count.value)
        groups.setdefault(city.country if city else "", []).append(count)
    result = [
        (
            code,
            facet_label(vocab, "country", code, ui) if code else _("Other countries"),
            sorted(items, key=lambda c: c.label),
        )
        for code, items in groups.items()
    ]
    return sorted(result, key=lambda g: g[1])


def citation(doc, url: str) -> str:
    """A plain citation: publisher, year, title, URL of this page and of the source."""
    parts = [doc.publisher] if doc.publisher else []
    if doc.date:
        parts.append(f"({doc.date[:4]})")
    parts.append(f"{doc.title}.")
    parts.append(_("Roma Inclusion Library, %(url)s", url=url))
    if doc.source:
        parts.append(_("Source: %(source)s", source=doc.source))
    return " ".join(parts)
