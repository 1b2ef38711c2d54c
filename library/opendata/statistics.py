"""The shape of the library at a glance: /<ui>/statistics (charts by theme, country, programme,
type, language and year, a theme × country matrix, a map of the cities) and its JSON twin
/api/statistics. Both take the search parameters, so every figure follows the page's filters.

Counts per facet are those of the search's filters (a value's count is what selecting it alone
in its facet gives, so a chosen country still shows beside the others); the numbers behind each
chart are in a table beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from flask import Blueprint, Flask, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from .. import i18n
from ..api.views import ui_parameter
from ..models import SearchPage
from ..pages.views import bp as pages
from ..params import search_request
from ..search_ext import service
from . import charts, geo
from .outlinks import search_args

api = Blueprint("statistics_api", __name__, url_prefix="/api")
CHART_FACETS = ("theme", "country", "project", "type", "language")
MATRIX = ("theme", "country")
MAX_BARS = 30  # a chart shows the most frequent values; its table shows them all
HEAT_LEVELS = 5


def init_app(app: Flask) -> None:
    app.register_blueprint(api)


@dataclass(frozen=True)
class Chart:
    facet: str
    title: str
    svg: Markup
    rows: list[charts.Bar]


@dataclass(frozen=True)
class Matrix:
    rows: list[tuple[str, str]]  # (value, label)
    cols: list[tuple[str, str]]
    cells: list[list[tuple[int, int]]]  # (count, shade level 0..HEAT_LEVELS)


@dataclass(frozen=True)
class CityRow:
    label: str
    country: str
    count: int
    located: bool
    url: str


@dataclass(frozen=True)
class Figures:
    total: int
    charts: list[Chart]
    timeline: Chart
    matrix: Matrix
    map_svg: Markup
    cities: list[CityRow]


def _titles() -> dict[str, str]:
    return {
        "theme": _("Resources by theme"),
        "country": _("Resources by country"),
        "project": _("Resources by programme"),
        "type": _("Resources by type"),
        "language": _("Resources by language"),
        "year": _("Resources by year of publication"),
    }


def _search_page(ui: str) -> SearchPage:
    req = search_request(request.args, ui)
    return service().search(replace(req, page=1, per_page=1))


def _link(facet: str, value: str) -> str:
    args = search_args()
    values = args.get(facet, [])
    args[facet] = values if value in values else [*values, value]
    return url_for("pages.search", **args)


def figures(ui: str) -> Figures:
    page = _search_page(ui)
    titles = _titles()
    built = []
    for facet in CHART_FACETS:
        rows = [
            charts.Bar(c.label, c.count, c.selected, _link(facet, c.value))
            for c in sorted(page.facets.get(facet, []), key=lambda c: -c.count)
            if c.count or c.selected
        ]
        built.append(Chart(facet, titles[facet], charts.bars(rows[:MAX_BARS], titles[facet]), rows))
    years = sorted(
        (int(c.value), c.count)
        for c in page.facets.get("year", [])
        if c.value.isdigit() and c.count
    )
    year_rows = [charts.Bar(str(y), n, False, _link("year", str(y))) for y, n in years]
    timeline = Chart("year", titles["year"], charts.timeline(years, titles["year"]), year_rows)
    cities = _cities(page, ui)
    return Figures(
        total=page.total,
        charts=built,
        timeline=timeline,
        matrix=_matrix(page, ui),
        map_svg=_map(page, cities),
        cities=[row for row, _ in cities],
    )


def _matrix(page: SearchPage, ui: str) -> Matrix:
    from ..search import facet_label

    rows, cols, counts = service().matrix(page.request, *MATRIX)
    vocab = service().vocabulary
    top = int(counts.max()) if counts.size else 0
    cells = [
        [(int(n), -(-int(n) * HEAT_LEVELS // top) if top else 0) for n in line]
        for line in counts.tolist()
    ]
    return Matrix(
        [(v, facet_label(vocab, MATRIX[0], v, ui)) for v in rows],
        [(v, facet_label(vocab, MATRIX[1], v, ui)) for v in cols],
        cells,
    )


def _cities(page: SearchPage, ui: str) -> list[tuple[CityRow, tuple[float, float] | None]]:
    from ..search import facet_label

    vocab = service().vocabulary
    where = geo.city_coordinates(service().vocabulary)
    result = []
    for c in sorted(page.facets.get("city", []), key=lambda c: (-c.count, c.label)):
        if not c.count:
            continue
        city = vocab.cities.get(c.value)
        country = facet_label(vocab, "country", city.country, ui) if city else ""
        spot = where.get(c.value)
        row = CityRow(c.label, country, c.count, spot is not None, _link("city", c.value))
        result.append((row, spot))
    return result


def _map(page: SearchPage, cities) -> Markup:
    outline = geo.outline()
    points = [
        charts.Point(row.label, row.count, *geo.project(spot[1], spot[0]))
        for row, spot in cities
        if spot is not None
    ]
    shaded = {c.value for c in page.facets.get("country", []) if c.count}
    title = _("Cities in the library")
    return charts.point_map(outline.countries, outline.width, outline.height, points, shaded, title)


@pages.route("/statistics")
def statistics():
    return render_template("statistics.html", figures=figures(i18n.ui_language()))


# -- the JSON twin -----------------------------------------------------------------------------


@api.route("/statistics")
def statistics_json():
    ui = ui_parameter()
    page = _search_page(ui)
    rows, cols, counts = service().matrix(page.request, *MATRIX)
    where = geo.city_coordinates(service().vocabulary)
    return jsonify(
        {
            "total": page.total,
            "facets": {
                facet: [{"value": c.value, "label": c.label, "count": c.count} for c in counts_]
                for facet, counts_ in page.facets.items()
            },
            "matrix": {"rows": MATRIX[0], "columns": MATRIX[1], "row_values": rows,
                       "column_values": cols, "counts": counts.tolist()},
            "cities": [
                {"value": c.value, "label": c.label, "count": c.count,
                 "lat": where[c.value][0] if c.value in where else None,
                 "lon": where[c.value][1] if c.value in where else None}
                for c in page.facets.get("city", []) if c.count
            ],
        }
    )  # fmt: skip


def openapi_schemas() -> dict:
    count = {"type": "object", "additionalProperties": False,
             "required": ["value", "label", "count"],
             "properties": {"value": {"type": "string"}, "label": {"type": "string"},
                            "count": {"type": "integer", "minimum": 0}}}  # fmt: skip
    city = {"type": "object", "additionalProperties": False,
            "required": ["value", "label", "count", "lat", "lon"],
            "properties": {"value": {"type": "string"}, "label": {"type": "string"},
                           "count": {"type": "integer", "minimum": 1},
                           "lat": {"type": ["number", "null"], "minimum": -90, "maximum": 90},
                           "lon": {"type": ["number", "null"], "minimum": -180,
                                   "maximum": 180}}}  # fmt: skip
    numbers = {"type": "array", "items": {"type": "array", "items": {"type": "integer"}}}
    matrix = {"type": "object", "additionalProperties": False,
              "required": ["rows", "columns", "row_values", "column_values", "counts"],
              "properties": {"rows": {"const": MATRIX[0]}, "columns": {"const": MATRIX[1]},
                             "row_values": {"type": "array", "items": {"type": "string"}},
                             "column_values": {"type": "array", "items": {"type": "string"}},
                             "counts": numbers}}  # fmt: skip
    return {
        "StatCount": count,
        "StatCity": city,
        "Statistics": {
            "type": "object", "additionalProperties": False,
            "required": ["total", "facets", "matrix", "cities"],
            "properties": {
                "total": {"type": "integer", "minimum": 0},
                "facets": {"type": "object", "additionalProperties": {
                    "type": "array", "items": {"$ref": "#/components/schemas/StatCount"}}},
                "matrix": matrix,
                "cities": {"type": "array", "items": {"$ref": "#/components/schemas/StatCity"}},
            },
        },
    }  # fmt: skip


def openapi_path(operation, json_response, search_parameters) -> dict:
    return operation(
        "statistics", "Figures of a result set",
        "Counts per facet (as /api/search gives them), the theme × country matrix and the "
        "cities with their coordinates, for any search or filter.",
        search_parameters(paged=False),
        json_response("The figures.", {"$ref": "#/components/schemas/Statistics"}),
    )  # fmt: skip
