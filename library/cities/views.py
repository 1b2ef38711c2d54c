"""City pages and ROMACT journeys: `/<ui>/cities/<slug>` (rendered for the browse page of a
city), `/<ui>/journeys`, and their JSON twins `/api/cities`, `/api/cities/<slug>` and
`/api/journeys`.
"""

from __future__ import annotations

from flask import Blueprint, Flask, abort, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from .. import i18n
from ..api.views import ui_parameter
from ..models import SearchRequest
from ..opendata import charts, geo
from ..params import BadParameter
from ..search_ext import service
from . import journeys as journeys_
from .profiles import CityProfile, profile, similar

pages = i18n.prefixed(Blueprint("cities", __name__, url_prefix="/<ui>"))
api = Blueprint("cities_api", __name__, url_prefix="/api")
CITY_RESOURCES = 20
MAP_SPAN = 160  # SVG units of the Europe map shown around a city (about 1,500 km)
MAX_FILTER_VALUES = 20


def init_app(app: Flask) -> None:
    app.register_blueprint(pages)
    app.register_blueprint(api)


# -- data shared by the page and the API ------------------------------------------------------


def resources_of(slug: str, ui: str, limit: int = CITY_RESOURCES):
    """The newest resources about a city (one version each, the reader's) and how many."""
    page = service().search(
        SearchRequest(filters={"city": (slug,)}, per_page=limit, sort="newest", ui_language=ui)
    )
    return page.hits, page.total


def city_json(city: CityProfile, ui: str, with_resources: bool = True) -> dict:
    data = {
        "slug": city.slug,
        "name": city.name,
        "local_name": city.local_name,
        "names": city.names,
        "country": city.country or None,
        "region": city.region or None,
        "kind": city.kind or None,
        "lat": city.lat,
        "lon": city.lon,
        "population": [
            {"value": f.value, "year": f.year, "source": f.source or None} for f in city.population
        ],
        "roma_population": [
            {
                "value": f.value,
                "year": f.year,
                "source": f.source or None,
                "method": f.method or None,
                "method_label": f.method_label or None,
            }
            for f in city.roma_population
        ],
        "programmes": [
            {
                "programme": m.programme,
                "label": m.label,
                "role": m.role or None,
                "from": m.start or None,
                "to": m.end or None,
                "source": m.source or None,
            }
            for m in city.programmes
        ],
        "milestones": [
            {
                "date": m.date,
                "step": m.step or None,
                "kind": m.kind or None,
                "label": m.label,
                "source": m.source or None,
            }
            for m in city.milestones
        ],
        "funding": [
            {
                "title": f.title,
                "funder": f.funder or None,
                "amount": f.amount,
                "currency": f.currency or None,
                "status": f.status or None,
                "year": f.year,
                "source": f.source or None,
            }
            for f in city.funding
        ],
        "funding_totals": [{"currency": c, "amount": a} for c, a in city.totals],
        "steps": {s.step: s.date for s in city.steps},
        "themes": city.themes,
        "summary": city.summary or None,
        "source": city.source or None,
        "accessed": city.accessed or None,
        "sources": city.sources,
        "profile_languages": city.languages,
        "url": url_for(
            "pages.browse_value", ui=ui, section="cities", value=city.slug, _external=True
        ),
    }
    if with_resources:
        hits, total = resources_of(city.slug, ui)
        data["resources"] = [
            {
                "id": h.id,
                "title": h.title,
                "language": h.language,
                "url": url_for("api.document", doc_id=h.id, language=h.language, _external=True),
            }
            for h in hits
        ]
        data["resources_total"] = total
        vocab = service().vocabulary
        data["similar"] = [
            {"slug": c.slug, "name": c.label(ui)} for c in similar(vocab, city.slug, ui)
        ]
    return data


def small_map(city: CityProfile) -> Markup | None:
    """The country outlines with the city marked, or None without coordinates on the map."""
    if city.lat is None or city.lon is None:
        return None
    x, y = geo.project(city.lon, city.lat)
    if not geo.inside(x, y):
        return None
    window, near = geo.around(x, y, MAP_SPAN)
    point = charts.Point(city.name, 1, x, y)
    title = _("Where %(city)s is", city=city.name)
    return charts.point_map(near, window[2], window[3], [point], {city.country}, title, window)


# -- pages -------------------------------------------------------------------------------------


def city_page(slug: str, known_value: bool):
    """The page of one city: its profile, journey, funding, resources and similar cities.
    A city that resources name but the register does not know gets its resources only."""
    ui = i18n.ui_language()
    vocab = service().vocabulary
    city = profile(vocab, slug, ui)
    if city is None and not known_value:
        abort(404)
    hits, total = resources_of(slug, ui)
    return render_template(
        "city.html",
        slug=slug,
        city=city,
        hits=hits,
        total=total,
        similar=[(c.slug, c.label(ui)) for c in similar(vocab, slug, ui)],
        map_svg=small_map(city) if city else None,
        search_url=url_for("pages.search", city=slug),
    )


def _filters() -> tuple[tuple[str, ...], tuple[str, ...]]:
    countries = tuple(dict.fromkeys(v.strip().upper() for v in request.args.getlist("country")))
    programmes = tuple(dict.fromkeys(v.strip().lower() for v in request.args.getlist("programme")))
    for name, values in (("country", countries), ("programme", programmes)):
        if len(values) > MAX_FILTER_VALUES:
            raise BadParameter(name, f"at most {MAX_FILTER_VALUES} values")
        if any(len(v) > 80 for v in values):
            raise BadParameter(name, "a value is too long")
    return tuple(v for v in countries if v), tuple(v for v in programmes if v)


@pages.route("/journeys")
def journeys_page():
    ui = i18n.ui_language()
    vocab = service().vocabulary
    countries, programmes = _filters()
    found = journeys_.journeys(vocab, ui, countries, programmes)
    order = journeys_.step_order(vocab)
    every = journeys_.journeys(vocab, ui)
    return render_template(
        "journeys.html",
        found=found,
        order=order,
        durations=journeys_.durations(found, order),
        step_label=lambda s: vocab.steps[s].label(ui) if s in vocab.steps else s,
        countries=sorted({j.country for j in every if j.country}),
        programmes=sorted({p for j in every for p in j.programmes}),
        selected_countries=countries,
        selected_programmes=programmes,
        json_url=url_for("cities_api.journeys", country=countries, programme=programmes, ui=ui),
    )


# -- JSON --------------------------------------------------------------------------------------


@api.route("/cities")
def cities():
    ui = ui_parameter()
    countries, programmes = _filters()
    search = service()
    vocab = search.vocabulary
    counts = {c.value: c.count for c in search.counts("city", ui)}
    rows = []
    for slug in sorted({*vocab.cities, *counts}):
        city = vocab.cities.get(slug)
        if countries and (city is None or city.country not in countries):
            continue
        if programmes and (city is None or not set(programmes) & set(city.projects)):
            continue
        milestones = len(profile(vocab, slug, ui).milestones) if city else 0
        rows.append(
            {
                "slug": slug,
                "name": city.label(ui) if city else slug,
                "country": city.country if city else None,
                "lat": city.lat if city else None,
                "lon": city.lon if city else None,
                "programmes": list(city.projects) if city else [],
                "resources": counts.get(slug, 0),
                "milestones": milestones,
                "has_profile": bool(city and city.profiles),
                "url": url_for("cities_api.city", slug=slug, _external=True),
            }
        )
    return jsonify({"total": len(rows), "cities": rows})


@api.route("/cities/<path:slug>")
def city(slug: str):
    ui = ui_parameter()
    found = profile(service().vocabulary, slug, ui)
    if found is None:
        abort(404)
    return jsonify(city_json(found, ui))


@api.route("/journeys")
def journeys():
    ui = ui_parameter()
    vocab = service().vocabulary
    countries, programmes = _filters()
    found = journeys_.journeys(vocab, ui, countries, programmes)
    order = journeys_.step_order(vocab)
    return jsonify(
        {
            "steps": [{"step": s, "label": vocab.steps[s].label(ui)} for s in order],
            "filters": {"country": list(countries), "programme": list(programmes)},
            "municipalities": [
                {
                    "slug": j.slug,
                    "name": j.name,
                    "country": j.country,
                    "programmes": j.programmes,
                    "steps": j.steps,
                    "months": j.months,
                }
                for j in found
            ],
            "durations": [
                {
                    "from": d.start,
                    "to": d.end,
                    "median_months": d.median,
                    "min_months": d.shortest,
                    "max_months": d.longest,
                    "n": d.n,
                    "municipalities": d.cities,
                }
                for d in journeys_.durations(found, order)
            ],
        }
    )
