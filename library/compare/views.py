"""`/<ui>/compare?ids=a,b` or `?cities=a,b` (HTML, printable), `/<ui>/compare.csv` and
`/api/compare`: two to four resources or cities side by side.

Fewer than two or more than four is a 400 naming the parameter; an unknown id or slug is a 404
naming it. The page's address reproduces the table.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, jsonify, render_template, request, url_for
from flask_babel import gettext as _

from .. import i18n
from ..api.views import document_json, ui_parameter
from ..cities.profiles import profile
from ..cities.views import city_json
from ..opendata.exports import csv_row
from ..params import BadParameter
from ..search_ext import service
from .table import MAX_ITEMS, MIN_ITEMS, Column, city_rows, parse_keys, resource_rows

pages = i18n.prefixed(Blueprint("compare", __name__, url_prefix="/<ui>"))
api = Blueprint("compare_api", __name__, url_prefix="/api")


def init_app(app: Flask) -> None:
    app.register_blueprint(pages)
    app.register_blueprint(api)


class Unknown(LookupError):
    def __init__(self, parameter: str, missing: list[str]):
        super().__init__(", ".join(missing))
        self.parameter = parameter
        self.missing = missing


def _keys() -> tuple[str, list[str]]:
    """('ids' or 'cities', the keys), checked for count."""
    ids = parse_keys(request.args.getlist("ids"))
    cities = parse_keys(request.args.getlist("cities"))
    if ids and cities:
        raise BadParameter("ids", "compare resources or cities, not both at once")
    name, keys = ("cities", cities) if cities else ("ids", ids)
    if not MIN_ITEMS <= len(keys) <= MAX_ITEMS:
        raise BadParameter(
            name,
            f"give from {MIN_ITEMS} to {MAX_ITEMS} different values",
            "items",
            lowest=MIN_ITEMS,
            highest=MAX_ITEMS,
        )
    return name, keys


def _documents(keys: list[str], ui: str) -> list:
    search = service()
    docs = [search.document(key, None, ui) for key in keys]
    missing = [key for key, doc in zip(keys, docs, strict=True) if doc is None]
    if missing:
        raise Unknown("ids", missing)
    return docs


def _cities(keys: list[str], ui: str) -> list:
    vocab = service().vocabulary
    found = [profile(vocab, key, ui) for key in keys]
    missing = [key for key, city in zip(keys, found, strict=True) if city is None]
    if missing:
        raise Unknown("cities", missing)
    return found


def _table(ui: str):
    name, keys = _keys()
    vocab = service().vocabulary
    if name == "ids":
        docs = _documents(keys, ui)
        columns = [
            Column(
                d.id,
                d.title,
                url_for("pages.resource", doc_id=d.id, language=d.language),
                d.language,
            )
            for d in docs
        ]
        return name, keys, columns, resource_rows(docs, vocab, ui)
    cities = _cities(keys, ui)
    counts = {c.value: c.count for c in service().counts("city", ui)}
    columns = [
        Column(c.slug, c.name, url_for("pages.browse_value", section="cities", value=c.slug))
        for c in cities
    ]
    return name, keys, columns, city_rows(cities, [counts.get(c.slug, 0) for c in cities], vocab)


def _missing_page(err: Unknown):
    message = _("Not in the library: %(missing)s", missing=", ".join(err.missing))
    return render_template(
        "error.html", status=404, message="not-found", parameter=err.parameter, explanation=message
    ), 404


@pages.route("/compare")
def page():
    ui = i18n.ui_language()
    if not (request.args.getlist("ids") or request.args.getlist("cities")):
        return render_template("compare.html", kind=None, columns=[], rows=[])
    try:
        name, keys, columns, rows = _table(ui)
    except Unknown as err:
        return _missing_page(err)
    args = {name: ",".join(keys)}
    return render_template(
        "compare.html",
        kind=name,
        columns=columns,
        rows=rows,
        csv_url=url_for("compare.csv_file", **args),
        json_url=url_for("compare_api.compare", ui=ui, **args),
        self_url=url_for("compare.page", _external=True, **args),
    )


@pages.route("/compare.csv")
def csv_file():
    ui = i18n.ui_language()
    try:
        _name, keys, columns, rows = _table(ui)
    except Unknown as err:
        return _missing_page(err)
    lines = [csv_row(["", *(c.title for c in columns)]), csv_row(["id", *(c.key for c in columns)])]
    lines += [csv_row([row.label, *row.cells]) for row in rows]
    return Response(
        "\ufeff" + "".join(lines),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="compare.csv"'},
    )


@api.route("/compare")
def compare():
    ui = ui_parameter()
    name, keys = _keys()
    try:
        if name == "ids":
            items = [document_json(d, ui, with_related=False) for d in _documents(keys, ui)]
        else:
            items = [city_json(c, ui, with_resources=False) for c in _cities(keys, ui)]
    except Unknown as err:
        body = {
            "error": "not-found",
            "status": 404,
            "parameter": err.parameter,
            "missing": err.missing,
        }
        return jsonify(body), 404
    return jsonify({"kind": "resources" if name == "ids" else "cities", "items": items})
