"""Contributed content runs no script anywhere: a library whose every field and body holds a
classic cross-site scripting payload (tests/fixtures/xss/payloads.txt) is built and served,
every kind of page is opened in headless Chromium, and no payload may run.

Pages are discovered, not listed: each GET rule of the url_map gives seed addresses (path
values from the library itself), the sitemap adds its own when there is one, and every link
of every page fetched is followed (a bounded crawl), so a page added later is covered too.
Each page is also checked at the HTML level: no script, handler, frame or `javascript:` that
the site did not write itself. In the browser every payload calls ``xss(n)``, a function
planted before any page script runs; console messages, errors and Content-Security-Policy
violations are recorded too (a violation alone means the policy blocked something: fine).
"""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

import pytest

from indexer.writing.build import build
from library import create_app
from library.models import FACETS
from tests.test_browser import browser, serving  # noqa: F401  (the session's Chromium)

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).parent / "fixtures"
PAYLOAD_FILE = FIXTURES / "xss" / "payloads.txt"
CRAWL_LIMIT = 1500
PER_KIND_IN_BROWSER = 3  # pages of one kind opened in Chromium (each is checked as HTML)
SEARCHES_IN_BROWSER = 15  # payloads also opened in Chromium as the query of a search page
ALL_PAYLOADS_PAGE = "/en/resources/all-payloads"
URL_ATTRIBUTES = (
    "href", "src", "action", "formaction", "data", "poster", "background", "xlink:href",
    "srcset", "cite", "dynsrc", "lowsrc", "ping", "content",
)  # fmt: skip  # payloads also opened in Chromium as the query of a search page
PLANT = """
window.__xss = [];
window.xss = n => window.__xss.push('run:' + n);
document.addEventListener('securitypolicyviolation',
    e => (window.__csp = window.__csp || []).push(e.violatedDirective));
window.addEventListener('error', e => window.__xss_errors = (window.__xss_errors || [])
    .concat(String(e.message)));
for (const level of ['log', 'warn', 'error', 'info']) {
  const original = console[level].bind(console);
  console[level] = (...args) => {
    if (String(args).includes('xss')) window.__xss.push('console:' + String(args));
    original(...args);
  };
}
"""
INSPECT = """
const URLS = arguments[0];
const risky = [];
for (const el of document.querySelectorAll('*')) {
  for (const a of el.attributes) {
    const value = a.value.replace(/[\\s\\x00-\\x1f]+/g, '').toLowerCase();
    if (/^on/i.test(a.name) || a.name === 'srcdoc' || a.name === 'formaction' ||
        (URLS.includes(a.name.toLowerCase()) && (/^(javascript|vbscript):/.test(value) ||
        (value.startsWith('data:') && !(el.tagName === 'IMG' && value.startsWith('data:image/'))))))
      risky.push(el.tagName + ' ' + a.name + '=' + a.value.slice(0, 60));
  }
  for (const type of ['mouseover', 'focus', 'focusin', 'blur', 'toggle', 'animationstart'])
    el.dispatchEvent(new Event(type));
}
return {ran: window.__xss || ['no plant'], errors: window.__xss_errors || [],
        csp: window.__csp || [], risky: risky};
"""


def load_payloads() -> list[str]:
    lines = PAYLOAD_FILE.read_text(encoding="utf-8").splitlines()
    payloads = [line for line in lines if line and not line.startswith("# ")]
    return [p.replace("xss(1)", f"xss({n})") for n, p in enumerate(payloads, start=1)]


PAYLOADS = load_payloads()


def _front(fields: dict[str, str]) -> str:
    return "\n".join(f"{k}: {v}" for k, v in fields.items())


def _resources(payload: str) -> tuple[str, str]:
    """Two Markdown files for one payload: one with it in the free-text fields and the body
    (accepted), one with it in every front-matter field (values outside the vocabulary are
    left out or the file is rejected, as the contract says; what is kept must be safe)."""
    value = json.dumps(payload)  # a JSON string is a YAML double-quoted scalar
    body = f"{payload}\n\nBefore {payload} after.\n\n## {payload}\n\n- {payload}\n\n> {payload}\n"
    text = {
        "title": value,
        "summary": value,
        "publisher": value,
        "type": "report",
        "themes": "[housing]",
        "source": json.dumps("https://example.org/?q=" + quote(payload)),
    }
    everything = {
        name: value
        for name in (
            "title",
            "summary",
            "type",
            "project",
            "date",
            "source",
            "publisher",
            "language",
        )
    } | {name: f"[{value}]" for name in ("cities", "countries", "themes", "steps")}
    return f"---\n{_front(text)}\n---\n{body}", f"---\n{_front(everything)}\n---\n{body}"


@pytest.fixture(scope="module")
def xss_app(tmp_path_factory):
    root = tmp_path_factory.mktemp("xss")
    content = root / "content"
    content.mkdir()
    for name in ("vocabulary.yml", "cities.yml"):
        shutil.copy(FIXTURES / "content" / name, content / name)
    for n, payload in enumerate(PAYLOADS, start=1):
        text, everything = _resources(payload)
        (content / f"payload-{n:03d}.en.md").write_text(text, "utf-8")
        (content / f"fields-{n:03d}.en.md").write_text(everything, "utf-8")
    paragraphs = "\n\n".join(PAYLOADS)  # every payload on one page, for the browser
    (content / "all-payloads.en.md").write_text(
        f"---\ntitle: All payloads\n---\n{paragraphs}\n", "utf-8"
    )
    (content / "with-id.en.md").write_text(
        f"---\nid: {json.dumps(PAYLOADS[0])}\ntitle: An id\n---\nBody.\n", "utf-8"
    )
    report = build(content, root / "index", say=lambda _: None)
    assert report.documents >= len(PAYLOADS), [str(p) for p in report.problems[:5]]
    return create_app(
        {"TESTING": True, "INDEX_DIR": str(root / "index"), "CONTENT_DIR": str(content)}
    )


# -- discovering pages ---------------------------------------------------------------------------


class Page(HTMLParser):
    """Links, and everything that could run script, of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.problems: list[str] = []
        self._in_script: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            clean = re.sub(r"[\s\x00-\x1f]+", "", value or "").lower()
            if name.startswith("on") or name in ("srcdoc", "formaction"):
                self.problems.append(f"<{tag} {name}>")
            if name == "style" and ("expression(" in clean or "url(" in clean):
                self.problems.append(f"<{tag} style={value[:40]}>")
            if name not in URL_ATTRIBUTES:
                continue
            if name == "content" and not _address_meta(attributes):
                continue  # text for machines (a title, a city), never followed as an address
            if clean.startswith(("javascript:", "vbscript:")):
                self.problems.append(f"<{tag} {name}={value[:40]}>")
            if clean.startswith("data:") and not (tag == "img" and clean.startswith("data:image/")):
                self.problems.append(f"<{tag} {name}=data:…>")
        # The statistics charts are SVG drawn by the server; a payload's <svg onload> or
        # <svg><script> is caught by the attribute and script rules, like any other element.
        if tag in ("iframe", "frame", "object", "embed", "base", "applet", "math", "foreignobject"):
            self.problems.append(f"<{tag}>")
        if tag == "meta" and (attributes.get("http-equiv") or "").lower() == "refresh":
            self.problems.append("<meta refresh>")
        if tag == "link" and (attributes.get("rel") or "") not in (
            "stylesheet",
            "alternate",
            "search",
            "canonical",
            "icon",
        ):
            self.problems.append(f"<link rel={attributes.get('rel')}>")
        if tag == "script":
            src = attributes.get("src")
            kind = (attributes.get("type") or "").lower()
            if src is not None and not src.startswith("/static/"):
                self.problems.append(f"<script src={src[:40]}>")
            elif src is None and kind not in ("application/json", "application/ld+json"):
                self.problems.append("<script> inline")
            self._in_script = kind
        if tag in ("a", "link") and attributes.get("href"):
            self.links.append(attributes["href"])

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None

    def handle_data(self, data):
        if self._in_script and ("<" in data):
            self.problems.append("JSON in a page holds '<' (could close its script)")


def _address_meta(attributes: dict) -> bool:
    """A <meta> whose content is an address a program may follow (or a refresh)."""
    name = (attributes.get("name") or attributes.get("property") or "").lower()
    return bool(attributes.get("http-equiv")) or name.endswith(("url", "identifier", "source"))


def _seeds(app, client) -> list[str]:
    """An address per GET rule of the url_map, path values taken from the library."""
    ids = [h["id"] for h in client.get("/api/search?per_page=100").get_json()["results"]]
    values = {f: [c["value"] for c in client.get(f"/api/facets/{f}").get_json()] for f in FACETS}
    samples = {
        "ui": ["en"],
        "doc_id": ids,
        "facet": list(FACETS),
        "value": [v for vs in values.values() for v in vs[:6]],
        "rest": ["search"],
    }
    seeds = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        urls = [rule.rule]
        for name, converter in rule._converters.items():
            choices = list(getattr(converter, "items", None) or samples.get(name, PAYLOADS[:3]))
            safe = "/" if type(converter).__name__ == "PathConverter" else ""
            urls = [_fill(u, name, quote(c, safe=safe)) for u in urls for c in choices]
        seeds += urls
    return seeds


def _fill(rule: str, name: str, value: str) -> str:
    end = rule.index(f"{name}>") + len(name) + 1
    return rule[: rule.rindex("<", 0, end)] + value + rule[end:]


def _sitemap(client) -> list[str]:
    response = client.get("/sitemap.xml")
    if response.status_code != 200:
        return []
    locations = ET.fromstring(response.data).iter()
    return [
        urlsplit(e.text.strip())._replace(scheme="", netloc="").geturl()
        for e in locations
        if e.tag.endswith("loc") and e.text
    ]


def _check_response(url: str, response) -> list[str]:
    """What could run script in one response (and its links, for HTML)."""
    kind = response.mimetype
    body = response.get_data(as_text=True)
    if kind == "text/html":
        page = Page()
        page.feed(body)
        page.close()
        return page.problems
    if kind == "application/json":
        json.loads(body)
        return []
    if kind in (
        "application/atom+xml",
        "application/xml",
        "text/xml",
        "application/opensearchdescription+xml",
    ):
        tree = ET.fromstring(response.data)
        return [
            f"<{e.tag}> in a feed"
            for e in tree.iter()
            if e.tag.rsplit("}", 1)[-1].lower() in ("script", "iframe")
        ]
    if kind == "text/csv":
        assert response.headers.get("Content-Disposition", "").startswith("attachment")
        return []
    if kind.startswith("text/") and kind != "text/plain" and kind != "text/css":
        return [f"unexpected type {kind}"]
    return []


@pytest.fixture(scope="module")
def crawled(xss_app):
    """{url: (status, mimetype, links)}: every page reachable from the seeds, checked."""
    client = xss_app.test_client()
    queue = deque(_seeds(xss_app, client) + _sitemap(client))
    queue += [f"/en/search?q={quote(p)}" for p in PAYLOADS]
    queue += [
        f"/api/search{ext}?q={quote(p)}" for p in PAYLOADS[:20] for ext in ("", ".csv", ".atom")
    ]
    seen: dict[str, tuple] = {}
    problems = {}
    while queue and len(seen) < CRAWL_LIMIT:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        assert response.status_code < 500, url
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        found = _check_response(url, response)
        if found:
            problems[url] = found
        links = []
        if response.mimetype == "text/html":
            parser = Page()
            parser.feed(response.get_data(as_text=True))
            links = parser.links
        seen[url] = (response.status_code, response.mimetype)
        for link in links:
            absolute = urljoin("http://localhost" + url, link)
            parts = urlsplit(absolute)
            if parts.netloc == "localhost" and not parts.path.startswith("/static/"):
                queue.append(parts._replace(scheme="", netloc="", fragment="").geturl())
    return seen, problems


def test_no_page_holds_script_from_content_or_query(crawled):
    seen, problems = crawled
    assert len(seen) > len(PAYLOADS) * 2
    kinds = {mimetype for _, mimetype in seen.values()}
    assert {"text/html", "application/json", "application/atom+xml", "text/csv"} <= kinds
    assert problems == {}


def test_payloads_reach_the_pages_only_as_text(xss_app):
    """The payloads are shown (escaped), not silently dropped: the test above tests something."""
    client = xss_app.test_client()
    html = client.get("/en/resources/payload-001?language=en").get_data(as_text=True)
    assert "&lt;script&gt;xss(1)&lt;/script&gt;" in html
    assert "<script>xss(1)</script>" not in html


# -- in the browser ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def xss_url(xss_app):
    with serving(xss_app, name="waitress-xss") as url:
        yield url


@pytest.fixture()
def watched(browser):  # noqa: F811
    planted = browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": PLANT})
    yield browser
    browser.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", planted)


def _browser_pages(seen: dict) -> list[str]:
    """Every resource page, every payload as a search, and a few pages of every other kind."""
    chosen, per_kind = [], {}
    for url, (_, mimetype) in seen.items():
        if mimetype == "text/csv":
            continue  # a download, not a page
        parts = urlsplit(url)
        kind = re.sub(r"/[^/]+$", "/*", parts.path) + ("?" if parts.query else "")
        if per_kind.get(kind, 0) < PER_KIND_IN_BROWSER:
            per_kind[kind] = per_kind.get(kind, 0) + 1
            chosen.append(url)
    searches = [f"/en/search?q={quote(p)}" for p in PAYLOADS[:SEARCHES_IN_BROWSER]]
    return list(dict.fromkeys([ALL_PAYLOADS_PAGE, *chosen, *searches]))


def test_no_payload_runs_in_the_browser(watched, xss_url, crawled):
    seen, _ = crawled
    ran = {}
    pages = _browser_pages(seen)
    for path in pages:
        watched.get(xss_url + path)
        found = watched.execute_script(INSPECT, list(URL_ATTRIBUTES))
        if found["ran"] or found["risky"] or any("xss" in e for e in found["errors"]):
            ran[path] = found
    assert len(pages) > 30
    assert ran == {}
