"""The HTML pages: language prefix and redirects, content, errors, and no script from content."""

from __future__ import annotations

import re

import pytest

from library.security import CSP


def test_bare_root_redirects_by_accept_language(client):
    response = client.get("/", headers={"Accept-Language": "cs-CZ,cs;q=0.9,en;q=0.5"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/cs/")
    response = client.get("/", headers={"Accept-Language": "ja"})
    assert response.headers["Location"].endswith("/en/")


def test_bare_search_redirects_and_keeps_the_query(client):
    response = client.get("/search?q=bydlen%C3%AD&theme=housing", headers={"Accept-Language": "bg"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/bg/search?q=bydlen%C3%AD&theme=housing"


@pytest.mark.parametrize(
    "url",
    [
        "/en/",
        "/cs/search?q=bydleni",
        "/en/search",
        "/en/search?q=housing&theme=housing&sort=newest",
        "/bg/resources/good/school-sopot",
        "/en/resources/good/housing-karvina?language=cs",
        "/en/themes/",
        "/en/themes/housing",
        "/en/cities/",
        "/en/cities/karvina",
        "/en/countries/CZ",
        "/en/projects/roma-net",
        "/en/types/report",
        "/en/languages/hu",
        "/en/years/2012",
        "/en/steps/commitment",
    ],
)
def test_pages_render(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.headers["Content-Security-Policy"] == CSP
    ui = url.split("/")[1]
    assert f'<html lang="{ui}">' in response.get_data(as_text=True)


def test_resource_page_has_metadata_translations_and_citation(client):
    html = client.get("/en/resources/good/housing-karvina?language=cs").get_data(as_text=True)
    assert '<article class="resource" lang="cs">' in html
    assert 'hreflang="en"' in html and "/en/cities/karvina" in html
    assert "https://example.org/karvina" in html
    assert re.search(
        r'class="citation"[^>]*>Statutární město Karviná \(2012\) Sociální bydlení', html
    )


def test_results_page_shows_total_snippet_and_highlight(client):
    html = client.get("/en/search?q=bydleni").get_data(as_text=True)
    assert "resource found" in html or "resources found" in html
    assert "<mark" in html


@pytest.mark.parametrize(
    "url, status",
    [
        ("/en/resources/nothing-here", 404),
        ("/xx/", 404),
        ("/en/themes/not-a-theme", 404),
        ("/en/search?page=abc", 400),
        ("/en/cities/atlantis", 404),
    ],
)
def test_friendly_error_pages(client, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert "<h1>" in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)


HOSTILE_QUERIES = [
    "<script>alert(1)</script>",
    '"unclosed phrase',
    "title:",
    "theme:",
    "-",
    "--",
    '""',
    "*",
    "?",
    "AND OR NOT",
    "(((",
    ")))",
    "a" * 5000,
    "x:y:z",
    "\\",
    "%00",
    "\u0000",
    "роми AND (",
    "housing^3",
    'field:"value',
    "{}[]",
    "near/3",
    "ᚠᛇᚻ",
    "🙂 🙂",
    '-"a b"',
    "city:Karviná",
]


ATTRIBUTE_HANDLER = re.compile(r"<[^>]*\\son\\w+\\s*=", re.IGNORECASE)


@pytest.mark.parametrize("q", HOSTILE_QUERIES)
def test_no_query_gives_a_500_or_runs_script(client, q):
    html = client.get("/en/search", query_string={"q": q})
    assert html.status_code == 200, q
    assert "<script" not in html.get_data(as_text=True).split("</head>")[1]
    api = client.get("/api/search", query_string={"q": q})
    assert api.status_code == 200, q
    for result in api.get_json()["results"]:  # snippets are HTML: escaped, only <mark> added
        assert "<script" not in result["snippet"]
        assert not ATTRIBUTE_HANDLER.search(result["snippet"])


def test_content_script_never_reaches_the_page(client):
    html = client.get("/en/resources/good/hostile").get_data(as_text=True)
    assert "<script" not in html.split("</head>")[1]
    assert not ATTRIBUTE_HANDLER.search(html)
    assert "javascript:" not in html
    assert "&lt;script&gt;" in html  # the title is shown as text
    assert 'href="https://example.org/ok"' in html


def test_language_switcher_keeps_page_and_query(client):
    html = client.get("/en/search?q=housing&theme=housing").get_data(as_text=True)
    assert 'href="/cs/search?q=housing&amp;theme=housing"' in html


def test_an_unexpected_error_gives_a_friendly_500(client, app, monkeypatch):
    service = app.extensions["library_search"]

    def broken(request):
        raise RuntimeError("index exploded")

    monkeypatch.setattr(service, "search", broken)
    page = client.get("/en/search?q=x")
    assert page.status_code == 500
    assert "Something went wrong" in page.get_data(as_text=True)
    assert "index exploded" not in page.get_data(as_text=True)
    api = client.get("/api/search?q=x")
    assert api.status_code == 500 and api.get_json()["error"] == "internal-error"


def test_a_missing_index_says_how_to_build_it(tmp_path):
    from library import create_app

    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "none")}).test_client()
    response = client.get("/en/search?q=x")
    assert response.status_code == 503
    assert "python -m indexer build" in response.get_data(as_text=True)


def test_a_programme_page_says_what_the_programme_is(client):
    html = client.get("/cs/projects/roma-net").get_data(as_text=True)
    assert "Období: 2009-11 – 2013-01." in html
    assert 'href="/cs/projects/urbact"' in html
    assert "Municipality of Budapest" in html and 'href="https://example.org/roma-net"' in html


def test_a_city_page_names_its_country_programmes_and_spellings(client):
    html = client.get("/en/cities/karvina").get_data(as_text=True)
    assert ">Czechia</a>" in html and '<h1 id="city-heading">Karvina</h1>' in html
    assert "<span>Karviná</span>" in html  # the local name beside the English one
    assert 'href="/en/projects/roma-net"' in html
    sopot = client.get("/cs/cities/sopot").get_data(as_text=True)
    assert 'class="names"' not in sopot  # no line that only repeats the two names shown


@pytest.mark.parametrize("path", ["/cs/contribute", "/cs/share", "/cs/statistics", "/cs/api"])
def test_every_page_in_every_language_offers_the_language_switch(client, path):
    html = client.get(path).get_data(as_text=True)
    for lang in ("en", "bg", "el"):
        assert f'href="/{lang}/{path[4:]}" hreflang="{lang}"' in html, lang


def test_facet_values_are_escaped_and_mark_the_selected_one(app):
    from library.pages.fragments import facet_values
    from library.pages.presenter import FacetValue

    values = [
        FacetValue("x", '<script>alert("a")</script>', 3, False, '/en/search?q="&theme=x'),
        FacetValue("housing", "Bydlení", 12, True, "/cs/search?q=roma"),
    ]
    with app.test_request_context("/cs/search"):
        from flask import g

        g.ui_language = "cs"
        html = str(facet_values(values))
    first, second = html.split("</li>")[:2]
    assert "<script>" not in html and "&lt;script&gt;alert(&#34;a&#34;)&lt;/script&gt;" in first
    assert 'href="/en/search?q=&#34;&amp;theme=x"' in first and "aria-current" not in first
    assert '<span class="count">3</span>' in first
    assert 'aria-current="true" class="selected"' in second
    assert '<span class="visually-hidden">Zrušit filtr: </span>' in second
    assert html.count("<li>") == 2
