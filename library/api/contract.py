"""Every request to the JSON API is checked against its OpenAPI description before the view
runs: enumerations, whole numbers and their bounds, how many values and how long. So what
/api/openapi.json promises is what the API accepts; a bad parameter is a 400 naming it.

The description of each operation's query parameters is read once per application. A 405
answer also gets the Allow header that the shared error handler leaves out.
"""

from __future__ import annotations

import re

from flask import Flask, Response, current_app, request

from ..params import BadParameter
from . import openapi

EXTENSION = "library_api_parameters"
WHOLE_NUMBER = re.compile(r"-?[0-9]{1,9}")


def init_app(app: Flask) -> None:
    app.before_request(check_request)
    app.after_request(allow_header)


def allow_header(response: Response) -> Response:
    """A 405 says which methods the address takes (RFC 9110), also when the error handler
    built the response anew."""
    if response.status_code == 405 and "Allow" not in response.headers:
        adapter = current_app.url_map.bind_to_environ(request.environ)
        response.headers["Allow"] = ", ".join(sorted(adapter.allowed_methods()))
    return response


def _parameters() -> dict[str, list[dict]]:
    """Path template ('/api/documents/{doc_id}') -> its query parameters."""
    found = current_app.extensions.get(EXTENSION)
    if found is None:
        spec = openapi.describe()
        found = {
            path: [p for p in item["get"]["parameters"] if p["in"] == "query"]
            for path, item in spec["paths"].items()
        }
        current_app.extensions[EXTENSION] = found
    return found


def _template(rule: str) -> str:
    """'/api/documents/<path:doc_id>' -> '/api/documents/{doc_id}'."""
    return re.sub(r"<(?:[a-z]+:)?(\w+)>", r"{\1}", rule)


def check_request() -> None:
    rule = request.url_rule
    if rule is None or not rule.rule.startswith("/api/"):
        return
    for param in _parameters().get(_template(rule.rule), []):
        values = request.args.getlist(param["name"])
        if values:
            check(param["name"], param["schema"], values)


def check(name: str, schema: dict, values: list[str]) -> None:
    """Raise BadParameter unless values (as given in the query string) fit schema."""
    if schema.get("type") == "array":
        if len(values) > schema.get("maxItems", len(values)):
            raise BadParameter(name, f"at most {schema['maxItems']} values")
        items = schema.get("items", {})
    else:
        if len(values) > 1:
            raise BadParameter(name, "give it once")
        items = schema
    for value in values:
        _check_value(name, items, value)


def _check_value(name: str, schema: dict, value: str) -> None:
    if "enum" in schema and value not in schema["enum"]:
        raise BadParameter(name, f"must be one of {', '.join(map(str, schema['enum']))}")
    if schema.get("type") == "integer":
        low, high = schema.get("minimum"), schema.get("maximum")
        bounds = f" between {low} and {high}" if low is not None and high is not None else ""
        if not WHOLE_NUMBER.fullmatch(value):
            raise BadParameter(name, f"'{value[:20]}' is not a whole number{bounds}")
        if (low is not None and int(value) < low) or (high is not None and int(value) > high):
            raise BadParameter(name, f"must be{bounds}")
    if len(value) > schema.get("maxLength", len(value)):
        raise BadParameter(name, f"values are at most {schema['maxLength']} characters")
