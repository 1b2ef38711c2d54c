"""The OpenAPI description stays true: real responses of every operation, for valid, boundary,
invalid and seeded random parameters drawn from the description itself, have a documented
status and media type and match the documented schema; bad parameters are refused with a 400
that names them. Also: the description covers every /api route, and the reference page shows it.
"""

from __future__ import annotations

import json
import random
import re
from urllib.parse import quote

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from library.api.openapi import describe

SEED = 20261201
RANDOM_CASES = 25
KNOWN_IDS = ["good/housing-karvina", "shared/explicit", "good/hostile"]
TEXTS = ["housing", "bydlení", "жилище", '"school segregation"', "-x", "theme:health", "%",
         "a&b=c", "∅", "ö" * 90, " ", "0", "null", "<script>", "\\", "'", "x" * 400]  # fmt: skip


@pytest.fixture(scope="module")
def spec(app):
    with app.test_request_context():
        return describe()


def _operations(spec) -> list[tuple[str, dict]]:
    return [(path, item["get"]) for path, item in spec["paths"].items()]


def _json_media(media: str) -> bool:
    return media == "application/json" or media.endswith("+json")


def check(client, spec, path: str, op: dict, url: str):
    """Request url; its status, media type and body must be as the description says."""
    response = client.get(url)
    response.get_data()  # a streamed body is read whole (and its generator closed)
    status = str(response.status_code)
    assert status in op["responses"], f"{url}: undocumented status {status}"
    assert response.status_code < 500, url
    content = op["responses"][status].get("content", {})
    assert response.mimetype in content, f"{url}: {response.mimetype} not in {list(content)}"
    schema = content[response.mimetype]["schema"]
    if _json_media(response.mimetype):
        body = json.loads(response.get_data(as_text=True))
        validator = Draft202012Validator(
            {**schema, "components": spec["components"]}, format_checker=FormatChecker()
        )
        errors = sorted(validator.iter_errors(body), key=lambda e: e.path)
        assert not errors, f"{url}: {errors[0].message} at {list(errors[0].path)}"
    elif response.mimetype == "application/x-ndjson":
        line_schema = "Record" if "search" in path else "DumpLine"
        validator = Draft202012Validator(
            {"$ref": f"#/components/schemas/{line_schema}", "components": spec["components"]}
        )
        for line in response.get_data(as_text=True).splitlines():
            validator.validate(json.loads(line))
    return response


def _url(path: str, values: dict[str, str], query: list[tuple[str, str]]) -> str:
    for name, value in values.items():
        path = path.replace("{" + name + "}", quote(value, safe="/"))
    if not query:
        return path
    return path + "?" + "&".join(f"{quote(k)}={quote(v, safe='')}" for k, v in query)


def _path_values(op: dict) -> list[dict[str, str]]:
    names = [p for p in op["parameters"] if p["in"] == "path"]
    if not names:
        return [{}]
    (param,) = names
    if "enum" in param["schema"]:
        return [{param["name"]: v} for v in param["schema"]["enum"]]
    return [{param["name"]: v} for v in KNOWN_IDS + ["nothing/here", "ünïcode", "a b", ".."]]


def _valid_values(param: dict) -> list[list[str]]:
    """Values the description allows: each enumerated value, the bounds, some text."""
    schema = param["schema"]
    inner = schema.get("items", schema)
    if "enum" in inner:
        values = [[v] for v in inner["enum"]]
    elif inner.get("type") == "integer":
        values = [[str(inner["minimum"])], [str(inner["maximum"])]]
    else:
        values = [["housing"], ["BG"], ["x" * inner.get("maxLength", 30)]]
    if schema.get("type") == "array":
        values.append(["health", "housing"] * (schema["maxItems"] // 2))
    return values


def _invalid_values(param: dict) -> list[list[str]]:
    """Values the description forbids."""
    schema = param["schema"]
    inner = schema.get("items", schema)
    values = []
    if "enum" in inner:
        values.append(["no-such-value"])
        if param["name"] in ("ui", "format"):  # an empty value is not a choice either
            values.append([""])
    if inner.get("type") == "integer":
        values += [[str(inner["minimum"] - 1)], [str(inner["maximum"] + 1)], ["abc"], ["1.5"]]
    if "maxLength" in inner:
        values.append(["y" * (inner["maxLength"] + 1)])
    if "maxItems" in schema:
        values.append([f"v{i}" for i in range(schema["maxItems"] + 1)])
    return values


def test_description_is_a_well_formed_openapi_document(spec):
    assert spec["openapi"].startswith("3.1")
    ids = [op["operationId"] for _, op in _operations(spec)]
    assert len(ids) == len(set(ids))
    for name, schema in spec["components"]["schemas"].items():
        Draft202012Validator.check_schema(schema), name
    text = json.dumps(spec)
    for ref in {r.split('"')[0] for r in text.split('"$ref": "')[1:]}:
        assert ref.split("/")[-1] in spec["components"]["schemas"], ref
    for path, op in _operations(spec):
        assert {"200", "400", "503"} <= set(op["responses"]), path
        declared = {p["name"] for p in op["parameters"] if p["in"] == "path"}
        assert declared == {part[1:-1] for part in path.split("/") if part.startswith("{")}
        for param in op["parameters"]:
            assert param["schema"] and param["description"], (path, param["name"])


def test_description_covers_every_api_route(app, spec):
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            path = rule.rule
            for name in rule.arguments:
                path = path.replace(f"<path:{name}>", f"{{{name}}}").replace(
                    f"<{name}>", f"{{{name}}}"
                )
            routes.add(path)
    assert routes == set(spec["paths"])


def test_served_description_is_the_described_one(client, spec):
    assert client.get("/api/openapi.json").json == json.loads(json.dumps(spec))


def test_every_operation_with_defaults_and_every_allowed_value(client, spec):
    for path, op in _operations(spec):
        for values in _path_values(op):
            check(client, spec, path, op, _url(path, values, []))
            for param in op["parameters"]:
                if param["in"] != "query":
                    continue
                for allowed in _valid_values(param):
                    url = _url(path, values, [(param["name"], v) for v in allowed])
                    response = check(client, spec, path, op, url)
                    known = not values or values.get("doc_id", "") in KNOWN_IDS or "facet" in values
                    known = known and not op.get("x-needs-known-values")
                    if known and param["name"] not in ("language",):
                        assert response.status_code == 200, url


def test_every_forbidden_value_is_a_400_naming_its_parameter(client, spec):
    for path, op in _operations(spec):
        values = _path_values(op)[0]
        for param in op["parameters"]:
            if param["in"] != "query":
                continue
            for forbidden in _invalid_values(param):
                url = _url(path, values, [(param["name"], v) for v in forbidden])
                response = check(client, spec, path, op, url)
                assert response.status_code == 400, url
                assert response.json["parameter"] == param["name"], url


def test_seeded_random_requests_stay_within_the_description(client, spec):
    rng = random.Random(SEED)
    for path, op in _operations(spec):
        query_params = [p for p in op["parameters"] if p["in"] == "query"]
        for _ in range(RANDOM_CASES):
            values = rng.choice(_path_values(op))
            query = []
            for param in rng.sample(query_params, k=min(len(query_params), rng.randint(0, 4))):
                pool = _valid_values(param) + [[rng.choice(TEXTS)]]
                if rng.random() < 0.3:
                    pool += _invalid_values(param)
                query += [(param["name"], v) for v in rng.choice(pool)]
            check(client, spec, path, op, _url(path, values, query))


def test_reference_page_shows_every_operation_and_is_in_every_footer(client, spec):
    html = client.get("/cs/api").get_data(as_text=True)
    for path, op in _operations(spec):
        assert f"GET {path}" in html
        for param in op["parameters"]:
            assert f"<code>{param['name']}</code>" in html
    assert "Parametry" in html  # the page around the reference is translated
    examples = re.findall(r'Example: <a href="([^"]+)"|Příklad: <a href="([^"]+)"', html)
    assert len(examples) == len(spec["paths"])
    for found in examples:
        url = "".join(found)
        response = client.get(url)
        response.get_data()
        assert response.status_code == 200, url
    for page in ("/en/", "/bg/search?q=x", "/el/themes/", "/hu/resources/good/hostile"):
        footer = client.get(page).get_data(as_text=True).split('class="site-footer"')[1]
        ui = page.split("/")[1]
        assert f'href="/{ui}/api"' in footer and f'href="/{ui}/statistics"' in footer


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("sort=", "sort"),
        ("page=%205", "page"),
        ("page=%D9%A5", "page"),  # an Arabic-Indic five is not a whole number here
        ("per_page=1e2", "per_page"),
        ("theme=" + "&theme=" * 20, "theme"),  # 21 values, even empty ones, are too many
        ("q=a&q=b", "q"),
    ],
)
def test_api_accepts_only_what_the_description_allows(client, query, parameter):
    for path in ("/api/search", "/api/statistics", "/api/search.csv"):
        response = client.get(f"{path}?{query}")
        if parameter in ("page", "per_page") and path != "/api/search":
            continue  # not parameters of the exports (ignored there)
        assert response.status_code == 400, (path, query)
        assert response.json["parameter"] == parameter


def test_a_wrong_method_names_the_right_ones(client):
    response = client.post("/api/search")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "HEAD"}
