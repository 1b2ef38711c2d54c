"""The OpenAPI description of the cities, journeys and comparison endpoints, and of the
practice fields a document carries (read by `library.api.openapi`)."""

from __future__ import annotations

from ..api.shapes import closed as _object
from ..api.shapes import nullable as _n
from ..api.shapes import ref as _ref
from ..api.shapes import strings as _strings
from ..compare.table import MAX_ITEMS, MIN_ITEMS
from .views import MAX_FILTER_VALUES

NUMBER = {"type": "number"}
URL = {"type": "string", "format": "uri"}


def schemas() -> dict:
    funding_row = _object(
        {"title": {"type": "string"}, "funder": {"type": "string"}, "amount": NUMBER,
         "currency": {"type": "string", "description": "ISO 4217"},
         "status": {"type": "string"}, "year": {"type": "integer"}, "source": URL},
        ["title"],
    )  # fmt: skip
    result_row = _object(
        {"indicator": {"type": "string"}, "value": NUMBER, "unit": {"type": "string"},
         "year": {"type": "integer"}, "source": URL},
        ["indicator", "value"],
    )  # fmt: skip
    practice = {
        "period": {
            "anyOf": [
                _object({"start": {"type": "string"}, "end": {"type": "string"}}, []),
                {"type": "null"},
            ],
            "description": "when the practice ran (YYYY[-MM[-DD]])",
        },
        "lead": _n("string"),
        "partners": _strings(),
        "target_groups": _strings(),
        "results": {"type": "array", "items": _ref("ResultRow")},
        "funding": {"type": "array", "items": _ref("FundingRow")},
        "evidence": {
            "anyOf": [
                _object(
                    {
                        "level": {"type": "string"},
                        "label": {"type": "string"},
                        "by": _n("string"),
                        "source": _n("string"),
                    }
                ),
                {"type": "null"},
            ],
            "description": "level from the vocabulary (`evidence` facet), who assessed it",
        },  # fmt: skip
        "transferability": _n("string"),
    }
    related = _object(
        {"id": {"type": "string"}, "title": {"type": "string"}, "language": {"type": "string"},
         "url": URL}
    )  # fmt: skip
    city = _object(
        {
            "slug": {"type": "string"}, "name": {"type": "string"},
            "local_name": {"type": "string"},
            "names": {"type": "object", "additionalProperties": {"type": "string"}},
            "country": _n("string"), "region": _n("string"), "kind": _n("string"),
            "lat": _n("number"), "lon": _n("number"),
            "population": {"type": "array", "items": _object(
                {"value": NUMBER, "year": _n("integer"), "source": _n("string")})},
            "roma_population": {"type": "array", "items": _object(
                {"value": NUMBER, "year": _n("integer"), "source": _n("string"),
                 "method": _n("string"), "method_label": _n("string")})},
            "programmes": {"type": "array", "items": _object(
                {"programme": {"type": "string"}, "label": {"type": "string"},
                 "role": _n("string"), "from": _n("string"), "to": _n("string"),
                 "source": _n("string")})},
            "milestones": {"type": "array", "items": _object(
                {"date": {"type": "string"}, "step": _n("string"), "kind": _n("string"),
                 "label": {"type": "string"}, "source": _n("string")}),
                "description": "sorted by date"},
            "funding": {"type": "array", "items": _object(
                {"title": {"type": "string"}, "funder": _n("string"), "amount": _n("number"),
                 "currency": _n("string"), "status": _n("string"), "year": _n("integer"),
                 "source": _n("string")})},
            "funding_totals": {"type": "array", "items": _object(
                {"currency": {"type": "string"}, "amount": NUMBER})},
            "steps": {"type": "object", "additionalProperties": {"type": "string"},
                      "description": "ROMACT step slug -> date of its first milestone"},
            "themes": _strings(), "summary": _n("string"), "source": _n("string"),
            "accessed": _n("string"), "profile_languages": _strings(), "url": URL,
            "sources": {"type": "array", "items": _ref("ListedSource"),
                        "description": "the pages the shown version's body lists"},
            "resources": {"type": "array", "items": _ref("RelatedResource")},
            "resources_total": {"type": "integer", "minimum": 0},
            "similar": {"type": "array", "items": _object(
                {"slug": {"type": "string"}, "name": {"type": "string"}})},
        },
        None,
    )  # fmt: skip
    city["required"] = [
        k for k in city["properties"] if k not in ("resources", "resources_total", "similar")
    ]
    city_row = _object(
        {"slug": {"type": "string"}, "name": {"type": "string"}, "country": _n("string"),
         "lat": _n("number"), "lon": _n("number"), "programmes": _strings(),
         "resources": {"type": "integer", "minimum": 0},
         "milestones": {"type": "integer", "minimum": 0},
         "has_profile": {"type": "boolean"}, "url": URL}
    )  # fmt: skip
    city_list = _object(
        {"total": {"type": "integer", "minimum": 0},
         "cities": {"type": "array", "items": _ref("CityRow")}}
    )  # fmt: skip
    journeys = _object(
        {
            "steps": {"type": "array", "items": _object(
                {"step": {"type": "string"}, "label": {"type": "string"}})},
            "filters": _object({"country": _strings(), "programme": _strings()}),
            "municipalities": {"type": "array", "items": _object(
                {"slug": {"type": "string"}, "name": {"type": "string"},
                 "country": {"type": "string"}, "programmes": _strings(),
                 "steps": {"type": "object", "additionalProperties": {"type": "string"}},
                 "months": {"type": "object", "additionalProperties": _n("integer"),
                            "description": "months since the previous step reached"}})},
            "durations": {"type": "array", "items": _object(
                {"from": {"type": "string"}, "to": {"type": "string"},
                 "median_months": NUMBER, "min_months": {"type": "integer"},
                 "max_months": {"type": "integer"}, "n": {"type": "integer", "minimum": 1},
                 "municipalities": _strings()})},
        }
    )  # fmt: skip
    compare = _object(
        {"kind": {"type": "string", "enum": ["resources", "cities"]},
         "items": {"type": "array", "minItems": MIN_ITEMS, "maxItems": MAX_ITEMS,
                   "items": {"anyOf": [_ref("Document"), _ref("City")]}}}
    )  # fmt: skip
    return {
        "practice": practice,
        "FundingRow": funding_row,
        "ResultRow": result_row,
        "RelatedResource": related,
        "City": city,
        "CityRow": city_row,
        "CityList": city_list,
        "Journeys": journeys,
        "Comparison": compare,
    }


def _filters(ui_parameter) -> list[dict]:
    return [
        {
            "name": name,
            "in": "query",
            "description": description,
            "style": "form",
            "explode": True,
            "schema": {
                "type": "array",
                "maxItems": MAX_FILTER_VALUES,
                "items": {"type": "string", "maxLength": 80},
            },
        }
        for name, description in (
            ("country", "Only these countries (ISO 3166-1 alpha-2; repeat for several)."),
            ("programme", "Only cities in these programmes (project slugs; repeat)."),
        )
    ] + [ui_parameter()]


def paths(operation, json_response, error, ui_parameter) -> dict:
    slug = {"name": "slug", "in": "path", "required": True, "description": "The city's slug.",
            "schema": {"type": "string", "minLength": 1}}  # fmt: skip
    keys = [
        {
            "name": name,
            "in": "query",
            "description": f"{MIN_ITEMS} to {MAX_ITEMS} {what}, repeated or comma-separated "
            "(give ids or cities, not both).",
            "style": "form",
            "explode": True,
            "schema": {
                "type": "array",
                "maxItems": MAX_ITEMS,
                "items": {"type": "string", "maxLength": 200},
            },
        }
        for name, what in (("ids", "resource ids"), ("cities", "city slugs"))
    ]
    compare = operation(
        "compare", "Compare resources or cities",
        "Two to four resources (each as /api/documents gives it, without `related`) or two to "
        "four cities (as /api/cities/{slug} gives them, without resources and similar cities), "
        "in the order asked. The HTML twin is /<ui>/compare, with a CSV at /<ui>/compare.csv.",
        [*keys, ui_parameter()], json_response("The items.", _ref("Comparison")),
        {"404": error("An id or slug that is not in the library; `missing` names them.")},
    )  # fmt: skip
    compare["get"]["x-needs-known-values"] = True
    known = _example_slugs()
    if len(known) >= MIN_ITEMS:
        compare["get"]["x-example"] = f"/api/compare?cities={known[0]},{known[1]}"
    found = {
        "/api/cities": operation(
            "cities", "Every city",
            "Every city, municipality or region of the register and the profiles, and every "
            "place resources name, with the number of resources and of dated milestones.",
            _filters(ui_parameter), json_response("The cities.", _ref("CityList")),
        ),
        "/api/cities/{slug}": operation(
            "city", "One city's profile",
            "Names, country, coordinates, population and Roma population figures (each with "
            "year, source and method), programmes, milestones sorted by date, funding with "
            "totals per currency, the ROMACT steps reached, resources and similar cities.",
            [slug, ui_parameter()], json_response("The profile.", _ref("City")),
            {"404": error("Unknown city.")},
        ),
        "/api/journeys": operation(
            "journeys", "ROMACT journeys",
            "For each municipality with dated steps, the date each ROMACT step was reached and "
            "the months since the previous one; across municipalities, the median, shortest "
            "and longest months between steps. Dates given only as a year are left out of the "
            "months.",
            _filters(ui_parameter), json_response("The journeys.", _ref("Journeys")),
        ),
        "/api/compare": compare,
    }  # fmt: skip
    if known:
        found["/api/cities/{slug}"]["get"]["x-example"] = f"/api/cities/{known[0]}"
        slug["example"] = known[0]
    return found


def _example_slugs() -> list[str]:
    """Cities with a profile, the most detailed first, so that examples lead somewhere."""
    from ..search import IndexMissing
    from ..search_ext import service

    try:
        cities = service().vocabulary.cities.values()
    except IndexMissing:
        return []
    ranked = sorted(
        (c for c in cities if c.profiles),
        key=lambda c: (-len(next(iter(c.profiles.values())).get("milestones", [])), c.slug),
    )
    return [c.slug for c in ranked[:2]]
