"""The whole sharing journey in headless Chromium against a real server thread: a Czech
submission with a PDF, an editor asks for a change, the submitter corrects it through the
private link, the editor publishes, and a Czech search typed without diacritics finds it
(the background build updates the index; the server is never restarted)."""

from __future__ import annotations

import shutil

import pytest

from indexer.writing.build import build
from library import create_app
from library.sharing import db
from tests.test_browser import (  # noqa: F401 (fixtures used by name)
    axe_source,
    axe_violations,
    browser,
    describe,
    open_page,
    serving,
)
from tests.test_sharing import PASSWORD, add_editor, minimal_pdf

pytestmark = pytest.mark.browser

SEARCH_WAIT = 60  # seconds the background build may take on a busy machine (not a measure)
BODY = (
    "## Poradna pro zadlužené rodiny\n\n"
    "Terénní pracovnice otevřely **dluhovou poradnu**; rodiny prošly oddlužením "
    "a žádná nepřišla o byt."
)
QUERY = "dluhova poradna oddluzeni"  # typed without diacritics, other forms of the words


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def journey_server(request, tmp_path_factory, fixture_content):
    """The app over a writable copy of the fixture content, its own index and data folder, and
    the sharing database on SQLite or on a real PostgreSQL server (tests/postgres.py)."""
    root = tmp_path_factory.mktemp("sharing-journey")
    content, index, data = root / "content", root / "index", root / "data"
    shutil.copytree(fixture_content, content)
    build(content, index, say=lambda _: None)
    url = ""
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_server").new_database()
    db.configure(data, url)
    add_editor(data)
    app = create_app(
        {
            "INDEX_DIR": str(index),
            "CONTENT_DIR": str(content),
            "DATA_DIR": str(data),
            "DATABASE_URL": url,
            "SHARE_MIN_FILL_SECONDS": 0,
        }
    )
    with serving(app, threads=4, name="waitress-sharing") as url:
        yield url, content, root


def _by(css: str):
    from selenium.webdriver.common.by import By

    return (By.CSS_SELECTOR, css)


def _wait(driver, condition, message: str, seconds: float = 10):
    """Until condition holds; elements of a page being replaced are looked for again."""
    from selenium.common.exceptions import (
        JavascriptException,
        NoSuchElementException,
        StaleElementReferenceException,
    )
    from selenium.webdriver.support.ui import WebDriverWait

    # a script run while the page is being replaced may fail; the next poll asks the new one
    ignored = (NoSuchElementException, StaleElementReferenceException, JavascriptException)
    wait = WebDriverWait(driver, seconds, poll_frequency=0.25, ignored_exceptions=ignored)
    return wait.until(condition, message)


def _find(driver, css: str):
    """The element, once the page shows it: a click that navigates may return before the new
    page's body is there, the longer when each request opens a database connection."""
    return _wait(driver, lambda d: d.find_element(*_by(css)), f"{css} did not appear")


def _fill(driver, css: str, text: str) -> None:
    field = _find(driver, css)
    field.clear()
    field.send_keys(text)


def _state(driver) -> str | None:
    """The tracking page's state, read in one step (the page may be replaced meanwhile)."""
    return driver.execute_script(
        "const e = document.querySelector('.share-state'); return e && e.dataset.state;"
    )


def _no_axe_violations(driver, source: str, where: str) -> None:
    violations = axe_violations(driver, source)
    assert not violations, f"axe-core on {where}:\n{describe(violations)}"


def _search_total(driver, base: str) -> int:
    open_page(driver, base, f"/cs/search?q={QUERY.replace(' ', '+')}")
    return len(driver.find_elements(*_by("li.hit")))


def test_share_review_correct_publish_and_find(browser, journey_server, axe_source):  # noqa: F811
    from selenium.webdriver.support.ui import Select

    base, content, root = journey_server
    pdf = root / "zprava-o-poradne.pdf"
    pdf.write_bytes(minimal_pdf("Dluhova poradna"))
    assert _search_total(browser, base) == 0, "the practice must not be findable before"

    # The submitter, in Czech, with a PDF; the preview follows the text as it is typed.
    open_page(browser, base, "/cs/share")
    assert _find(browser, "h1").text == "Sdílejte svou praxi"
    _no_axe_violations(browser, axe_source, "/cs/share")
    _fill(browser, "#share-title", "Dluhová poradna v Karviné")
    _fill(browser, "#share-summary", "Terénní pracovnice pomáhají rodinám z dluhů.")
    Select(_find(browser, "#share-type")).select_by_value("good-practice")
    _find(browser, "input[name=themes][value=housing]").click()
    Select(_find(browser, "#share-cities")).select_by_value("karvina")
    Select(_find(browser, "#share-language")).select_by_value("cs")
    _fill(browser, "#share-date", "2021-03")
    _fill(browser, "#share-body", BODY)
    _wait(
        browser,
        lambda d: (
            "<strong>dluhovou poradnu</strong>"
            in d.find_element(*_by(".share-preview-body")).get_attribute("innerHTML")
        ),
        "the live preview did not show the text",
    )
    _find(browser, "#share-attachments").send_keys(str(pdf))
    _find(browser, "button[value=submit]").click()
    _wait(browser, lambda d: "/cs/share/" in d.current_url, "no tracking page after sending")
    tracking = browser.current_url
    assert _state(browser) == "received"
    assert "Přijato" in _find(browser, ".share-state").text
    assert "zprava-o-poradne.pdf" in browser.page_source

    # The editor signs in and asks for a change.
    open_page(browser, base, "/editor/")
    assert "/editor/login" in browser.current_url
    _fill(browser, "#editor-name", "anna")
    _fill(browser, "#editor-password", PASSWORD)
    _find(browser, "form.share-form button[type=submit]").click()
    _wait(browser, lambda d: d.current_url.endswith("/editor/"), "no queue after signing in")
    _find(browser, ".editor-queue a").click()
    _wait(browser, lambda d: "/editor/submissions/" in d.current_url, "no submission page")
    editor_page = browser.current_url
    assert _find(browser, "article.resource h1").text == "Dluhová poradna v Karviné"
    _no_axe_violations(browser, axe_source, "the editor's submission page")
    _fill(browser, "#editor-changes", "Doplňte prosím, kolik rodin poradna podpořila.")
    _find(browser, "#editor-request-changes").click()
    _wait(browser, lambda d: _state(d) == "changes-requested", "changes were not requested")

    # The submitter corrects it through the private link.
    open_page(browser, base, tracking[len(base) :])
    assert "kolik rodin poradna podpořila" in browser.page_source
    body = _find(browser, "#share-body")
    body.send_keys("\n\nPoradna podpořila 120 rodin.")
    _find(browser, "button[value=submit]").click()
    _wait(browser, lambda d: _state(d) == "received", "the correction was not accepted")

    # The editor publishes.
    open_page(browser, base, editor_page[len(base) :])
    assert "120 rodin" in _find(browser, "article.resource").text
    _find(browser, "#editor-publish").click()
    _wait(browser, lambda d: _state(d) == "published", "not published")
    actions = [e.get_attribute("data-action") for e in browser.find_elements(*_by(".audit-action"))]
    assert actions == ["submitted", "changes requested", "resubmitted", "published"]
    published = content / "shared" / "dluhova-poradna-v-karvine.cs.md"
    assert "attachments:\n- dluhova-poradna-v-karvine/zprava-o-poradne.pdf\n" in (
        published.read_text(encoding="utf-8")
    )
    assert (content / "shared" / "dluhova-poradna-v-karvine" / "zprava-o-poradne.pdf").is_file()

    # Found by a Czech search without diacritics, from the same running server.
    _wait(browser, lambda d: _search_total(d, base) > 0, "not found after publishing", SEARCH_WAIT)
    link = _find(browser, "li.hit .hit-title a")
    assert "/cs/resources/shared/dluhova-poradna-v-karvine" in link.get_attribute("href")
    open_page(browser, base, tracking[len(base) :])
    assert _state(browser) == "published"
    assert _find(browser, "a[href*='/resources/shared/']")
