"""What search engines and browsers look for: /sitemap.xml (every page in every interface
language, with hreflang alternates), /robots.txt and the OpenSearch description.

Past SITEMAP_LIMIT addresses the sitemap becomes an index of /sitemap-<n>.xml files.
"""

from __future__ import annotations

from collections.abc import Iterator
from xml.sax.saxutils import escape, quoteattr

from flask import Blueprint, Flask, Response, abort, current_app, stream_with_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from .. import i18n
from ..api.views import ui_parameter
from ..models import FACETS
from ..pages.presenter import FACET_PAGES
from ..search_ext import service

bp = Blueprint("findable", __name__)
SITEMAP_LIMIT = 50_000  # addresses per sitemap file (the protocol's maximum)
PLACEHOLDER = "__ui__"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
OPENSEARCH_NS = "http://a9.com/-/spec/opensearch/1.1/"


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


# -- the pages ---------------------------------------------------------------------------------


def page_templates() -> Iterator[str]:
    """Every page once, as an absolute address with PLACEHOLDER where the language goes."""

    def page(endpoint: str, **values) -> str:
        return url_for(endpoint, ui=PLACEHOLDER, _external=True, **values)

    search = service()
    yield page("pages.home")
    yield page("pages.statistics")
    yield page("pages.api_reference")
    for facet in FACETS:
        section = FACET_PAGES[facet]
        yield page("pages.browse", section=section)
        for count in search.counts(facet, "en"):
            yield page("pages.browse_value", section=section, value=count.value)
    for doc_id, language in search.every_version():
        yield page("pages.resource", doc_id=doc_id, language=language)


def page_count() -> int:
    search = service()
    fixed = 3 + len(FACETS) + sum(len(search.counts(f, "en")) for f in FACETS)
    return (fixed + search.version_count()) * len(i18n.supported())


def _alternates(template: str, languages: tuple[str, ...]) -> str:
    return "".join(
        f'<xhtml:link rel="alternate" hreflang="{lang}" href={quoteattr(_in(template, lang))}/>'
        for lang in languages
    )


def _in(template: str, ui: str) -> str:
    return template.replace(f"/{PLACEHOLDER}/", f"/{ui}/", 1)


def _urlset(start: int, stop: int) -> Iterator[str]:
    """Addresses start..stop-1 of the list of every (page, language); a page's alternates are
    the same for all its languages, so they are written once per page."""
    languages = i18n.supported()
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">\n'
    )
    position = 0
    for template in page_templates():
        if position >= stop:
            break
        if position + len(languages) > start:
            alternates = _alternates(template, languages)
            for n, ui in enumerate(languages):
                if start <= position + n < stop:
                    yield f"<url><loc>{escape(_in(template, ui))}</loc>{alternates}</url>\n"
        position += len(languages)
    yield "</urlset>\n"


def _xml(chunks) -> Response:
    if not isinstance(chunks, str):
        chunks = stream_with_context(chunks)
    return Response(chunks, mimetype="application/xml")


@bp.route("/sitemap.xml")
def sitemap():
    limit = current_app.config.get("SITEMAP_LIMIT", SITEMAP_LIMIT)
    total = page_count()
    if total <= limit:
        return _xml(_urlset(0, limit))
    parts = -(-total // limit)
    body = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<sitemapindex xmlns="{SITEMAP_NS}">\n',
        *(
            f"<sitemap><loc>{escape(url_for('findable.sitemap_part', n=n, _external=True))}"
            "</loc></sitemap>\n"
            for n in range(1, parts + 1)
        ),
        "</sitemapindex>\n",
    ]
    return _xml("".join(body))


@bp.route("/sitemap-<int:n>.xml")
def sitemap_part(n: int):
    limit = current_app.config.get("SITEMAP_LIMIT", SITEMAP_LIMIT)
    if n < 1 or (n - 1) * limit >= page_count():
        abort(404)
    return _xml(_urlset((n - 1) * limit, n * limit))


@bp.route("/robots.txt")
def robots():
    lines = [
        "User-agent: *",
        "Disallow: /api/",
        "Allow: /api/openapi.json",
        f"Sitemap: {url_for('findable.sitemap', _external=True)}",
    ]
    return Response("\n".join(lines) + "\n", mimetype="text/plain")


@bp.route("/opensearch.xml")
def opensearch():
    ui = ui_parameter()
    with force_locale(ui):
        short = _("Roma Inclusion")
        description = _("Search the Roma Inclusion Library")
    html = url_for("pages.search", ui=ui, _external=True) + "?q={searchTerms}"
    atom = url_for("feeds.search_atom", _external=True) + f"?ui={ui}&q={{searchTerms}}"
    json = url_for("api.search", _external=True) + f"?ui={ui}&q={{searchTerms}}"
    own = url_for("findable.opensearch", ui=ui, _external=True)
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<OpenSearchDescription xmlns="{OPENSEARCH_NS}">'
        f"<ShortName>{escape(short[:16])}</ShortName>"
        f"<Description>{escape(description)}</Description>"
        "<InputEncoding>UTF-8</InputEncoding>"
        f"<Language>{ui}</Language>"
        f'<Url type="text/html" method="get" template={quoteattr(html)}/>'
        f'<Url type="application/atom+xml" template={quoteattr(atom)}/>'
        f'<Url type="application/json" template={quoteattr(json)}/>'
        f'<Url type="application/opensearchdescription+xml" rel="self" template={quoteattr(own)}/>'
        f'<Image height="16" width="16" type="image/svg+xml">{escape(_icon())}</Image>'
        "</OpenSearchDescription>\n"
    )
    return Response(body, mimetype="application/opensearchdescription+xml")


def _icon() -> str:
    return url_for("static", filename="icon.svg", _external=True)
