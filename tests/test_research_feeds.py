"""Atom feeds with autodiscovery, links to exports from result and browse pages, the sitemap
(split past its limit), robots.txt and the OpenSearch description."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import pytest

from library import create_app
from library.opendata import findable

ATOM = {"a": "http://www.w3.org/2005/Atom"}
SITEMAP = {"s": findable.SITEMAP_NS, "x": findable.XHTML_NS}
UI = ("en", "cs", "bg", "hu", "ro", "es", "sk", "it", "el")


def _links(html: str, rel: str, kind: str | None = None) -> list[str]:
    found = []
    for tag in re.findall(r"<link [^>]*>", html):
        if f'rel="{rel}"' in tag and (kind is None or f'type="{kind}"' in tag):
            found.append(unescape(re.search(r'href="([^"]*)"', tag)[1]))
    return found


def _feed(client, url: str) -> ElementTree.Element:
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    return ElementTree.fromstring(response.get_data())


def test_atom_feed_has_what_rfc_4287_requires(client):
    feed = _feed(client, "/api/search.atom?theme=housing&ui=cs")
    for name in ("title", "id", "updated", "author/a:name"):
        assert feed.find(f"a:{name}", ATOM).text, name
    assert "Bydlení" in feed.find("a:title", ATOM).text  # the filter's label, in Czech
    entries = feed.findall("a:entry", ATOM)
    assert entries
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert entry.find(f"a:{name}", ATOM).text, name
        assert entry.find("a:link[@rel='alternate']", ATOM).get("href").startswith("http")
    authors = {e.find("a:id", ATOM).text: e.find("a:author/a:name", ATOM) for e in entries}
    karvina = "http://localhost/cs/resources/good/housing-karvina?language=cs"
    assert authors[karvina].text == "Statutární město Karviná"  # the publisher
    stamps = [e.find("a:updated", ATOM).text for e in entries]
    assert feed.find("a:updated", ATOM).text == max(stamps)
    assert stamps == sorted(stamps, reverse=True)  # newest first
    self_link = feed.find("a:link[@rel='self']", ATOM).get("href")
    assert parse_qs(urlsplit(self_link).query) == {"theme": ["housing"], "ui": ["cs"]}


def test_feed_without_parameters_is_the_newest_of_the_library(client):
    feed = _feed(client, "/api/search.atom")
    total = client.get("/api/search").json["total"]
    assert len(feed.findall("a:entry", ATOM)) == min(total, 50)


def test_empty_feed_is_still_valid(client):
    feed = _feed(client, "/api/search.atom?q=zzyzxqwv")
    assert feed.find("a:updated", ATOM).text and not feed.findall("a:entry", ATOM)


@pytest.mark.parametrize(
    "path, expected",
    [
        ("/en/", {}),
        ("/en/search?q=housing", {"q": ["housing"]}),
        ("/cs/themes/housing", {"theme": ["housing"]}),
        ("/en/countries/BG?theme=health", {"country": ["BG"], "theme": ["health"]}),
    ],
)
def test_result_pages_announce_their_feed(client, path, expected):
    html = client.get(path).get_data(as_text=True)
    (feed_url,) = _links(html, "alternate", "application/atom+xml")
    query = parse_qs(urlsplit(feed_url).query)
    ui = path.split("/")[1]
    assert query == expected | {"ui": [ui]}
    feed = _feed(client, feed_url)
    api = client.get("/api/search", query_string=query | {"sort": "newest", "per_page": 50}).json
    titles = [e.find("a:title", ATOM).text for e in feed.findall("a:entry", ATOM)]
    assert titles == [r["title"] for r in api["results"]]


@pytest.mark.parametrize("path", ["/en/search?q=housing", "/en/themes/housing", "/en/themes/"])
def test_result_and_browse_pages_link_to_every_export(client, path):
    html = unescape(client.get(path).get_data(as_text=True))
    for target in ("search.csv", "search.json", "search.jsonl", "search.bib", "search.ris",
                   "search.csl.json"):  # fmt: skip
        (link,) = re.findall(rf'href="(/api/{re.escape(target)}(?:\?[^"]*)?)"', html)
        assert client.get(link).status_code == 200
        query = parse_qs(urlsplit(link).query)
        if "housing" in path:
            assert query.get("q", query.get("theme")) == ["housing"]
    assert 'href="/en/statistics' in html


def test_every_page_offers_opensearch(client):
    for path in ("/en/", "/cs/search?q=x", "/el/resources/good/housing-karvina", "/hu/api"):
        html = client.get(path).get_data(as_text=True)
        (href,) = _links(html, "search", "application/opensearchdescription+xml")
        ui = path.split("/")[1]
        doc = ElementTree.fromstring(client.get(href).get_data())
        ns = {"o": findable.OPENSEARCH_NS}
        short = doc.find("o:ShortName", ns).text
        assert 0 < len(short) <= 16
        html_url = doc.find("o:Url[@type='text/html']", ns).get("template")
        assert html_url.endswith(f"/{ui}/search?q={{searchTerms}}")
        target = html_url.replace("{searchTerms}", "housing").split("localhost", 1)[1]
        assert client.get(target).status_code == 200


def test_robots_points_to_the_sitemap(client):
    text = client.get("/robots.txt").get_data(as_text=True)
    assert "User-agent: *" in text
    assert re.search(r"^Sitemap: http://localhost/sitemap.xml$", text, re.M)


def _urls(client, path: str) -> list[ElementTree.Element]:
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "application/xml"
    return ElementTree.fromstring(response.get_data()).findall("s:url", SITEMAP)


def test_sitemap_lists_every_page_in_every_language(client, app):
    urls = _urls(client, "/sitemap.xml")
    locs = [u.find("s:loc", SITEMAP).text for u in urls]
    assert len(locs) == len(set(locs))
    dump = client.get("/api/library.jsonl").get_data(as_text=True).splitlines()
    with app.test_request_context():
        assert len(locs) == findable.page_count()
    for ui in UI:
        assert f"http://localhost/{ui}/" in locs
        assert f"http://localhost/{ui}/statistics" in locs
        assert f"http://localhost/{ui}/themes/housing" in locs
        assert f"http://localhost/{ui}/resources/good/housing-karvina?language=cs" in locs
    resources = [loc for loc in locs if "/en/resources/" in loc]
    assert len(resources) == len(dump)
    for url in urls[:20]:
        alternates = url.findall("x:link", SITEMAP)
        assert [a.get("hreflang") for a in alternates] == list(UI)
        own = url.find("s:loc", SITEMAP).text
        assert own in [a.get("href") for a in alternates]
    for loc in locs[:: max(1, len(locs) // 40)]:
        assert client.get(loc.replace("http://localhost", "")).status_code == 200, loc


@pytest.fixture()
def small_sitemaps(built_index, fixture_content):
    index_dir, _ = built_index
    app = create_app(
        {"TESTING": True, "INDEX_DIR": str(index_dir), "CONTENT_DIR": str(fixture_content),
         "SITEMAP_LIMIT": 40}
    )  # fmt: skip
    return app.test_client()


def test_sitemap_splits_into_an_index_past_its_limit(client, small_sitemaps):
    every = [u.find("s:loc", SITEMAP).text for u in _urls(client, "/sitemap.xml")]
    index = ElementTree.fromstring(small_sitemaps.get("/sitemap.xml").get_data())
    assert index.tag == f"{{{findable.SITEMAP_NS}}}sitemapindex"
    parts = [s.find("s:loc", SITEMAP).text for s in index.findall("s:sitemap", SITEMAP)]
    assert len(parts) == -(-len(every) // 40)
    joined = []
    for part in parts:
        urls = _urls(small_sitemaps, part.replace("http://localhost", ""))
        assert 0 < len(urls) <= 40
        joined += [u.find("s:loc", SITEMAP).text for u in urls]
    assert joined == every
    assert small_sitemaps.get(f"/sitemap-{len(parts) + 1}.xml").status_code == 404
    assert small_sitemaps.get("/sitemap-0.xml").status_code == 404


@pytest.mark.parametrize(
    "url", ["/api/search.atom", "/api/search.atom?theme=housing&ui=cs", "/api/search.atom?q=roma"]
)
def test_a_standard_feed_parser_reads_every_feed_without_complaint(client, url):
    import feedparser

    body = client.get(url).get_data()
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.title and parsed.feed.id and parsed.feed.updated_parsed
    feed = ElementTree.fromstring(body)
    assert len(parsed.entries) == len(feed.findall("a:entry", ATOM))
    for entry in parsed.entries:
        assert entry.id and entry.title and entry.link.startswith("http")
        assert entry.updated_parsed is not None
