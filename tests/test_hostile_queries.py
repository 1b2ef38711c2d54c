"""Hostile queries against every endpoint the application has: no 500, no answer slower than a
second, and a 400 that names the parameter (and, for the search parameters, its limit).

Endpoints are read from the application's url_map, so an endpoint added later is covered
without touching this file: path variables get realistic and hostile values, the query string
gets the known parameters and random ones, repeated, with random and adversarial values, and
sometimes as raw bytes that are not UTF-8.
"""

from __future__ import annotations

import time
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from library import create_app, params
from library.models import FACETS

SLOWEST_ALLOWED = 1.0  # seconds: a bound on the cost of a hostile input, not a speed figure
EXAMPLES = 30
KNOWN_PARAMETERS = ("q", "page", "per_page", "sort", "ui", "language", *FACETS)
ADVERSARIAL = [
    '"', '"unbalanced', 'a "b', "a*", "*", "**", "?", "a?", "-", "--a", "NOT", "AND OR",
    "(((", ")))", "title:", "theme:", "city:", "year:99999", "x:y:z", "\\", "a\\b", "%",
    "%ff%fe", "\x00", "\x1b[31m", "\r\n", "\u202e", "\ufeff", "\ud7ff", "🙂" * 50, "ᚠᛇᚻ",
    "<script>alert(1)</script>", "{{7*7}}", "${7*7}", "../../etc/passwd", "/abs", "a\\b",
    "%2e%2e%2f", "..%2f..%2f", "-1", "0", "+1", " 1", "1.5", "1e9", "0x10", "10" * 30,
    str(10**9), str(-(10**9)), "NaN", "∞", "٣", "²", "", " ", "a" * 100_000,
    "a* " * 3000, "x " * 20_000,
]  # fmt: skip
SAMPLE_VALUES = {
    "ui": ["en", "cs", "el", "xx", "EN"],
    "doc_id": ["good/housing-karvina", "explicit-id", "nope", "../../etc/passwd"],
    "value": ["housing", "karvina", "BG", "2012", "nope"],
    "facet": [*FACETS, "nope"],
    "filename": ["style.css", "../app.py", "nope.css"],
    "rest": ["search", "resources/x", "api"],
}
_slowest: list[tuple[float, str]] = []


def _app():
    return create_app({"TESTING": True, "INDEX_DIR": "/nonexistent-for-url-map"})


def _rules(method: str = "GET"):
    """Every rule of the application answering method, static files aside."""
    return sorted(
        (r for r in _app().url_map.iter_rules() if method in r.methods and r.endpoint != "static"),
        key=lambda r: r.rule,
    )


RULES = _rules()
POST_RULES = _rules("POST")  # forms (none yet): fuzzed with hostile fields, see below
hostile_text = st.one_of(
    st.sampled_from(ADVERSARIAL),
    st.text(max_size=60),
    st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=20),
    st.integers(-(10**12), 10**12).map(str),
)
pairs = st.lists(
    st.tuples(st.one_of(st.sampled_from(KNOWN_PARAMETERS), st.text(max_size=10)), hostile_text),
    max_size=6,
)


def _path_values(rule) -> dict:
    """A strategy per path variable: its known values, its converter's choices, hostile text."""
    strategies = {}
    for name, converter in rule._converters.items():
        choices = list(getattr(converter, "items", None) or SAMPLE_VALUES.get(name, []))
        text = st.text(min_size=1, max_size=30) | st.sampled_from([a for a in ADVERSARIAL if a])
        strategies[name] = st.sampled_from(choices) | text if choices else text
    return strategies


def _url(rule, values: dict) -> str:
    path = rule.rule
    for name, converter in rule._converters.items():
        safe = "/" if type(converter).__name__ == "PathConverter" else ""
        path = _replace_variable(path, name, quote(values[name], safe=safe))
    return path


def _replace_variable(rule: str, name: str, value: str) -> str:
    """The rule with its variable `name` (`<name>` or `<conv(...):name>`) replaced."""
    end = rule.index(f"{name}>") + len(name) + 1
    start = rule.rindex("<", 0, end)
    return rule[:start] + value + rule[end:]


def _get(client, url: str):
    """GET url; the time is the quicker of two tries when the first passes the bound (a
    hostile input must be cheap; a busy machine is not its fault)."""
    started = time.perf_counter()
    response = client.get(url)
    seconds = time.perf_counter() - started
    if seconds > SLOWEST_ALLOWED:
        started = time.perf_counter()
        response = client.get(url)
        seconds = min(seconds, time.perf_counter() - started)
    _slowest.append((seconds, url[:120]))
    return response, seconds


def _required(url: str) -> set[str]:
    """Parameters an endpoint needs one of (a 400 may name them though none was sent)."""
    return {"ids", "cities"} if "/compare" in url else set()


def _check(response, seconds: float, url: str, sent: set[str]) -> None:
    assert response.status_code < 500, (url, response.status_code)
    assert seconds < SLOWEST_ALLOWED, (url, seconds)
    if response.status_code == 400:
        if response.is_json:
            data = response.get_json()
            assert data["parameter"] and data["error"], data
            assert data["parameter"] in sent | _required(url), (data, sent)
        else:
            html = response.get_data(as_text=True)
            quoted = ("“{}”", "„{}“", "«{}»")  # as each interface language quotes
            names = sent | _required(url)
            assert any(q.format(name) in html for q in quoted for name in names), url


@pytest.fixture(scope="module")
def hostile_client(built_index, fixture_content, tmp_path_factory):
    index_dir, _ = built_index
    data = tmp_path_factory.mktemp("hostile-data")  # whatever a form stores goes here
    app = create_app(
        {
            "TESTING": True,
            "INDEX_DIR": str(index_dir),
            "CONTENT_DIR": str(fixture_content),
            "DATA_DIR": str(data),
        }
    )
    return app.test_client()


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.rule)
def test_every_endpoint_survives_hostile_parameters(hostile_client, rule):
    @settings(
        max_examples=EXAMPLES,
        deadline=None,  # timed by hand, per request (see _get)
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        database=None,
    )
    @given(
        values=st.fixed_dictionaries(_path_values(rule)), query=pairs, raw=st.binary(max_size=20)
    )
    def run(values, query, raw):
        url = _url(rule, values)
        qs = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in query)
        if raw:
            qs += ("&" if qs else "") + "q=" + "".join(f"%{b:02x}" for b in raw)
        target = f"{url}?{qs}" if qs else url
        response, seconds = _get(hostile_client, target)
        sent = {name for name, _ in query} | set(values) | ({"q"} if raw else set())
        _check(response, seconds, target, sent)

    run()


def test_every_form_survives_hostile_fields(hostile_client):
    """POST endpoints (forms) with hostile fields, repeated and unknown ones, and bodies that
    are not UTF-8: never a 500, never a second (a refusal is theirs to word)."""

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        database=None,
    )
    @given(data=st.data(), form=pairs, raw=st.binary(max_size=40))
    def run(data, form, raw):
        rule = data.draw(st.sampled_from(POST_RULES))
        url = _url(rule, data.draw(st.fixed_dictionaries(_path_values(rule))))
        started = time.perf_counter()
        if raw:
            response = hostile_client.post(
                url, data=raw, content_type="application/x-www-form-urlencoded"
            )
        else:
            response = hostile_client.post(url, data=MultiDict(form))
        seconds = time.perf_counter() - started
        _slowest.append((seconds, f"POST {url}"))
        assert response.status_code < 500, (url, form, raw)
        assert seconds < SLOWEST_ALLOWED, (url, seconds)

    if POST_RULES:
        run()
    else:  # no form yet: the rules were read, and every one of them answers GET
        assert RULES and all("GET" in r.methods for r in RULES)


LIMITS = [
    ("page=0", "page", "1000"),
    ("page=-5", "page", "1000"),
    ("page=99999999999999999999", "page", "1000"),
    ("page=1e3", "page", "1000"),
    ("per_page=1000000000", "per_page", "100"),
    ("per_page=-1", "per_page", "100"),
    (f"q={'a' * 100_000}", "q", str(params.MAX_QUERY_CHARS)),
    (f"q={'a%20' * (params.MAX_QUERY_WORDS + 1)}", "q", str(params.MAX_QUERY_WORDS)),
    ("sort=evil", "sort", "relevance"),
    ("&".join(["theme=housing"] * (params.MAX_VALUES_PER_FACET + 1)), "theme", "20"),
    (f"city={'k' * (params.MAX_VALUE_CHARS + 1)}", "city", str(params.MAX_VALUE_CHARS)),
]


@pytest.mark.parametrize("query, parameter, limit", LIMITS)
@pytest.mark.parametrize("path", ["/api/search", "/api/search.csv", "/api/search.atom"])
def test_a_limit_gives_400_json_naming_the_parameter_and_the_limit(
    hostile_client, path, query, parameter, limit
):
    response, _ = _get(hostile_client, f"{path}?{query}")
    assert response.status_code == 400
    data = response.get_json()
    assert data["parameter"] == parameter and limit in data["error"]


@pytest.mark.parametrize("query, parameter, limit", LIMITS)
@pytest.mark.parametrize("ui, quotes", [("en", "“%s”"), ("cs", "„%s“"), ("el", "«%s»")])
def test_a_limit_gives_a_400_page_in_the_interface_language(
    hostile_client, ui, quotes, query, parameter, limit
):
    response, _ = _get(hostile_client, f"/{ui}/search?{query}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert quotes % parameter in html and limit in html
    assert f'<html lang="{ui}">' in html


@pytest.mark.parametrize(
    "url",
    [
        "/api/search?q=%ff%fe%fd",
        "/en/search?q=%ff%fe&theme=%c3%28",
        "/en/resources/%ff%fe",
        "/api/documents/%ff%fe?language=%ff",
        "/en/themes/%ff",
        "/%ff%fe/search",
        "/api/search?q=a*&q=*&q=%22",
        "/api/search?unknown=1&facet=x&theme[]=y",
        "/api/search?theme=nope&city=nowhere&country=ZZ&year=abcd&step=x",
        "/en/search?q=%00%01%02%1f%7f",
        "/api/facets/%2e%2e",
    ],
)
def test_bytes_that_are_not_utf8_and_odd_parameters(hostile_client, url):
    response, seconds = _get(hostile_client, url)
    assert response.status_code in (200, 400, 404), response.status_code
    assert seconds < SLOWEST_ALLOWED


def test_zz_slowest_hostile_request_is_reported(capsys):
    """Prints the slowest hostile requests of this module (runs last: named so)."""
    worst = sorted(_slowest, reverse=True)[:3]
    with capsys.disabled():
        print(f"\nslowest of {len(_slowest)} hostile requests:")
        for seconds, url in worst:
            print(f"  {seconds * 1000:.0f} ms  {url}")
    assert not worst or worst[0][0] < SLOWEST_ALLOWED
