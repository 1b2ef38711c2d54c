"""The readable API reference, /<ui>/api: every operation of the OpenAPI description with its
parameters, limits, responses and errors, rendered on the server from library/openapi.py.

The reference text is the description's own (English); the page around it is translated.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template, url_for

from ..pages.views import bp as pages
from . import openapi


@dataclass(frozen=True)
class Parameter:
    name: str
    where: str
    kind: str
    rules: str
    description: str
    required: bool


@dataclass(frozen=True)
class Response:
    status: str
    description: str
    media: list[str]


@dataclass(frozen=True)
class Operation:
    anchor: str
    path: str
    summary: str
    description: str
    example: str
    parameters: list[Parameter]
    responses: list[Response]


def _kind(schema: dict) -> str:
    if schema.get("type") == "array":
        return f"{schema['items'].get('type', 'value')}, repeatable"
    kind = schema.get("type", "string")
    return "/".join(kind) if isinstance(kind, list) else kind


def _rules(schema: dict) -> str:
    """Enumerations, bounds and defaults, in a short line."""
    inner = schema.get("items", schema) if schema.get("type") == "array" else schema
    rules = []
    if "enum" in inner:
        rules.append("one of " + ", ".join(str(v) for v in inner["enum"]))
    if "minimum" in inner and "maximum" in inner:
        rules.append(f"{inner['minimum']}–{inner['maximum']}")
    if "maxLength" in inner:
        rules.append(f"at most {inner['maxLength']} characters")
    if "minLength" in inner:
        rules.append(f"at least {inner['minLength']} character")
    if "maxItems" in schema:
        rules.append(f"at most {schema['maxItems']} values")
    if "default" in inner:
        rules.append(f"default {inner['default']}")
    return "; ".join(rules)


def operations() -> list[Operation]:
    spec = openapi.describe()
    example_id = openapi.example_id() or "example"
    result = []
    for path, item in spec["paths"].items():
        op = item["get"]
        example = op.get("x-example") or path.replace("{doc_id}", example_id).replace(
            "{facet}", "theme"
        )
        result.append(
            Operation(
                anchor=op["operationId"],
                path=path,
                summary=op["summary"],
                description=op["description"],
                example=example,
                parameters=[
                    Parameter(
                        p["name"],
                        p["in"],
                        _kind(p["schema"]),
                        _rules(p["schema"]),
                        p.get("description", ""),
                        p.get("required", False),
                    )
                    for p in op["parameters"]
                ],  # fmt: skip
                responses=[
                    Response(status, r["description"], list(r.get("content", {})))
                    for status, r in op["responses"].items()
                ],
            )
        )
    return result


@pages.route("/api")
def api_reference():
    return render_template(
        "api.html",
        operations=operations(),
        openapi_url=url_for("openapi.openapi_json"),
        datapackage_url=url_for("exports.datapackage"),
        dump_url=url_for("exports.library_jsonl"),
    )
