"""The page for contributors: every field, the vocabulary in the visitor's language, templates
that download and validate, a link from every page, and no accessibility violation."""

from __future__ import annotations

import html
import re

import pytest
from markupsafe import escape

from indexer.contract.fields import FIELDS
from indexer.contract.vocabulary import load
from library.config import Config
from tests.test_browser import (  # noqa: F401 (fixtures)
    NARROW,
    RUNNABLE_SCRIPTS,
    WIDE,
    axe_source,
    axe_violations,
    base_url,
    browser,
    describe,
    open_page,
    set_width,
)
from tests.test_starter import fill, problems_of

UI_LANGUAGES = Config.UI_LANGUAGES


@pytest.fixture(scope="module")
def vocab(fixture_content):
    vocabulary, problems = load(fixture_content)
    assert not [p for p in problems if p.is_error]
    return vocabulary


def page_text(client, ui: str) -> str:
    response = client.get(f"/{ui}/contribute")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("ui", UI_LANGUAGES)
def test_the_page_lists_every_field_and_every_theme_in_the_interface_language(client, vocab, ui):
    text = page_text(client, ui)
    assert f'<html lang="{ui}">' in text
    for spec in FIELDS:
        row = re.search(rf'<tr id="field-{spec.name}">(.*?)</tr>', text, re.S)
        assert row, f"field {spec.name} is not on the page"
        assert f"<code>{spec.name}</code>" in row[1]
        assert escape(spec.expected) in row[1]
    for term in vocab.themes.values():
        row = re.search(rf'<tr id="vocabulary-themes-{term.slug}">(.*?)</tr>', text, re.S)
        assert row and f"<code>{term.slug}</code>" in row[1]
        lang = "" if ui in term.labels else ' lang="en"'
        assert f"<td{lang}>{escape(term.label(ui))}</td>" in row[1], (term.slug, ui)
    for kind, anchor in (("types", "types"), ("projects", "programmes"), ("steps", "steps")):
        for slug in vocab.kind(kind):
            assert f'id="vocabulary-{anchor}-{slug}"' in text
    for slug in vocab.cities:
        assert f'id="vocabulary-cities-{slug}"' in text


def test_field_descriptions_in_english_are_marked_as_english(client):
    text = page_text(client, "cs")
    assert text.count('<td lang="en" class="expected">') >= len(FIELDS)
    assert "Přispět materiálem" in text  # the frame is translated
    assert not re.findall(r'<script(?! src="/static/)', text) and 'style="' not in text


def test_fields_link_to_the_table_of_their_values(client):
    text = page_text(client, "en")
    for name, anchor in (("themes", "themes"), ("project", "programmes"), ("cities", "cities")):
        row = re.search(rf'<tr id="field-{name}">(.*?)</tr>', text, re.S)[1]
        assert f'href="#vocabulary-{anchor}"' in row
        assert f'id="vocabulary-{anchor}"' in text


def test_the_example_errors_are_what_the_check_says(client):
    text = html.unescape(page_text(client, "en"))
    assert "themes: unknown theme 'hausing' (did you mean 'housing'?" in text
    assert "countries: 'UK' is not ISO 3166-1 (write 'GB')" in text
    assert "warning: langauge: unknown field" in text


@pytest.mark.parametrize("ui", ["en", "bg", "el"])
def test_every_downloaded_template_validates_once_filled(client, vocab, ui):
    for type_slug in vocab.types:
        response = client.get(f"/{ui}/contribute/template/{type_slug}.md?language={ui}")
        assert response.status_code == 200
        assert response.mimetype == "text/markdown"
        disposition = response.headers["Content-Disposition"]
        assert disposition == f'attachment; filename="{type_slug}.{ui}.md"'
        text = response.get_data(as_text=True)
        language = ui if ui in ("en", "bg", "el") else "en"
        filled = fill(text, language)
        assert problems_of(filled, vocab, f"x/{type_slug}.{ui}.md") == []


def test_the_page_shows_the_same_template_it_serves(client, vocab):
    page = page_text(client, "hu")
    for type_slug in vocab.types:
        found = re.search(
            rf'<details id="template-{type_slug}">.*?<pre class="template-text"><code>(.*?)</code>',
            page,
            re.S,
        )
        served = client.get(f"/hu/contribute/template/{type_slug}.md?language=hu")
        assert html.unescape(found[1]) == served.get_data(as_text=True)
        assert f'href="/hu/contribute/template/{type_slug}.md?language=hu"' in page


def test_the_template_takes_a_language_and_cities(client):
    text = client.get("/en/contribute/template/report.md?language=cs&city=Karvina").get_data(
        as_text=True
    )
    assert "\nlanguage: cs " in text and "\ncities: [karvina] " in text
    assert '\ncountries: ["CZ"] ' in text and "## Zdroje" in text


@pytest.mark.parametrize(
    "path, status",
    [
        ("/en/contribute/template/no-such-type.md", 404),
        ("/en/contribute/template/report.md?language=zz", 400),
        ("/en/contribute/template/report.md?city=Brnoo", 400),
        ("/en/contribute/template/report.md?city=" + "x" * 200, 400),
        ("/xx/contribute", 404),
    ],
)
def test_bad_requests_get_a_clear_answer(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert "text/html" in response.content_type


@pytest.mark.parametrize(
    "path", ["/en/", "/cs/search?q=housing", "/bg/themes/", "/hu/resources/nothing-here"]
)
def test_every_page_links_to_the_page_for_contributors(client, path):
    ui = path.split("/")[1]
    text = client.get(path).get_data(as_text=True)
    assert f'<a href="/{ui}/contribute">' in text


def test_the_page_switches_language(client):
    text = page_text(client, "it")
    for ui in UI_LANGUAGES:
        assert f'href="/{ui}/contribute"' in text


@pytest.mark.browser
@pytest.mark.parametrize("width", [WIDE, NARROW])
@pytest.mark.parametrize("ui", ["en", "bg"])
def test_the_page_has_no_axe_violations(browser, base_url, axe_source, ui, width):  # noqa: F811
    set_width(browser, width)
    open_page(browser, base_url, f"/{ui}/contribute")
    assert browser.execute_script(RUNNABLE_SCRIPTS) == 0
    violations = axe_violations(browser, axe_source)
    assert not violations, f"axe-core on /{ui}/contribute at {width}px:\n{describe(violations)}"
    scroll = browser.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll[0] <= scroll[1], f"the page scrolls sideways at {width}px: {scroll}"
