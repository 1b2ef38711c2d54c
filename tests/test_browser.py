"""Headless Chromium against the real server: axe-core on every page type, a search journey,
the keyboard, and no request leaving 127.0.0.1.

Needs Debian's chromium and chromium-driver and axe-core in .venv/node; `make test` installs them.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
AXE = ROOT / ".venv" / "node" / "node_modules" / "axe-core" / "axe.min.js"
INSTALL_HINT = "run `make test`, which installs chromium, chromium-driver and axe-core"
WIDE, NARROW = 1280, 375
HEIGHT = 900
WAIT = 10  # seconds for a page change after a click or a key

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})
  .then(r => done(r.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))))
  .catch(e => done([{id: 'axe-error', impact: 'error', help: String(e), targets: []}]));
"""
FOREIGN_REQUESTS = """
const origin = window.location.origin;
return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
  .map(e => e.name).filter(name => !name.startsWith(origin + '/'));
"""
# Data blocks (JSON-LD) are scripts the browser never runs.
RUNNABLE_SCRIPTS = (  # scripts other than JSON-LD and the site's own static files
    "return [...document.scripts].filter(s => s.type !== 'application/ld+json'"
    " && !(s.src && new URL(s.src).pathname.startsWith('/static/'))).length"
)

PAGES = {
    "home": "/en/",
    "search": "/en/search?q=housing",
    "search-empty": "/en/search?q=zzyzxqwv",
    "resource": "/en/resources/good/housing-karvina?language=cs",
    "themes": "/en/themes/",
    "cities": "/en/cities/",
    "countries": "/en/countries/",
    "projects": "/en/projects/",
    "types": "/en/types/",
    "languages": "/en/languages/",
    "years": "/en/years/",
    "steps": "/en/steps/",
    "browse-value": "/en/cities/karvina",
    "not-found": "/en/resources/nothing-here",
}


def _require(path: Path, what: str) -> None:
    if not path.exists():
        pytest.fail(f"{what} is missing at {path}: {INSTALL_HINT}.", pytrace=False)


@contextmanager
def serving(app, threads: int = 2, name: str = "waitress") -> Iterator[str]:
    """The app served by waitress on a free port of 127.0.0.1 until the block ends: its
    address."""
    from waitress import create_server

    connections: dict = {}
    server = create_server(app, host="127.0.0.1", port=0, map=connections, threads=threads)
    thread = threading.Thread(target=server.run, name=name, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"

    def close_all():  # runs in the server's own loop, so nothing is closed under its feet
        for dispatcher in list(connections.values()):
            dispatcher.close()

    server.trigger.pull_trigger(close_all)
    thread.join(timeout=5)
    server.task_dispatcher.shutdown()
    assert not thread.is_alive(), "waitress did not stop"


@pytest.fixture(scope="session")
def base_url(app):
    """The app served by waitress for the whole session."""
    with serving(app) as url:
        yield url


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """One headless Chromium for the module's tests; quit at the end of the session."""
    _require(CHROMIUM, "Chromium")
    _require(CHROMEDRIVER, "chromedriver")
    _require(AXE, "axe-core")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tmp_path_factory.mktemp("chromium-profile")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_script_timeout(30)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="session")
def axe_source() -> str:
    _require(AXE, "axe-core")
    return AXE.read_text(encoding="utf-8")


def set_width(driver, width: int) -> None:
    """Make the viewport (not the window) exactly `width` CSS pixels wide."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False},
    )
    assert driver.execute_script("return window.innerWidth") == width


def open_page(driver, base_url: str, path: str) -> None:
    driver.get(base_url + path)
    assert driver.execute_script("return document.readyState") == "complete"


def axe_violations(driver, axe_source: str) -> list[dict]:
    driver.execute_script(axe_source)
    return driver.execute_async_script(RUN_AXE, AXE_TAGS)


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"  {v['id']} ({v['impact']}): {v['help']} at {'; '.join(v['targets'])}" for v in violations
    )


def wait_for(driver, condition, message: str):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT).until(lambda d: condition(d), message)


def query(driver) -> dict[str, list[str]]:
    return parse_qs(urlsplit(driver.current_url).query)


def total(driver) -> int:
    from selenium.webdriver.common.by import By

    text = driver.find_element(By.CSS_SELECTOR, ".total").text
    return int(text.split()[0])


# -- every page type, wide and narrow ----------------------------------------------------------


@pytest.mark.parametrize("width", [WIDE, NARROW])
@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_page_has_no_axe_violations(browser, base_url, axe_source, path, width):
    set_width(browser, width)
    open_page(browser, base_url, path)
    assert browser.execute_script("return document.styleSheets.length") >= 1, "no stylesheet"
    assert browser.execute_script(RUNNABLE_SCRIPTS) == 0, "no script from content or a query"
    assert browser.execute_script("return document.querySelectorAll('[style]').length") == 0, (
        "the CSP blocks inline styles"
    )
    assert browser.execute_script(FOREIGN_REQUESTS) == [], "a request left 127.0.0.1"
    violations = axe_violations(browser, axe_source)
    assert not violations, f"axe-core on {path} at {width}px:\n{describe(violations)}"
    if width == NARROW:
        scroll = browser.execute_script(
            "return [document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert scroll[0] <= scroll[1], f"{path} scrolls sideways at {width}px: {scroll}"


# -- a visitor's journey -----------------------------------------------------------------------


def test_search_filter_open_and_switch_language(browser, base_url):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    set_width(browser, WIDE)
    open_page(browser, base_url, "/en/")
    box = browser.find_element(By.ID, "q")
    box.send_keys("housing", Keys.ENTER)
    wait_for(browser, lambda d: "/en/search" in d.current_url, "Enter did not submit the search")
    assert query(browser)["q"] == ["housing"]
    unfiltered = total(browser)
    assert unfiltered >= 2

    theme = browser.find_element(By.CSS_SELECTOR, '.facets a[href*="theme=education"]')
    theme_count = int(theme.find_element(By.CSS_SELECTOR, ".count").text)
    theme.click()
    wait_for(browser, lambda d: "theme" in query(d), "the theme filter did not apply")
    assert query(browser)["theme"] == ["education"] and query(browser)["q"] == ["housing"]
    assert total(browser) == theme_count

    language = browser.find_element(By.CSS_SELECTOR, '.facets a[href*="language=cs"]')
    language_count = int(language.find_element(By.CSS_SELECTOR, ".count").text)
    language.click()
    wait_for(browser, lambda d: "language" in query(d), "the language filter did not apply")
    assert query(browser)["language"] == ["cs"] and query(browser)["theme"] == ["education"]
    assert total(browser) == language_count <= theme_count
    assert browser.find_element(By.ID, "q").get_attribute("value") == "housing"

    remove = browser.find_elements(By.CSS_SELECTOR, ".selected-filters a")
    assert len(remove) == 2
    remove[0].click()
    wait_for(browser, lambda d: "theme" not in query(d), "removing the theme filter failed")
    assert query(browser)["language"] == ["cs"]
    assert total(browser) >= language_count

    first = browser.find_element(By.CSS_SELECTOR, ".hits .hit-title a")
    first.click()
    wait_for(browser, lambda d: "/en/resources/" in d.current_url, "the first result did not open")
    title = browser.find_element(By.TAG_NAME, "h1").text
    resource = urlsplit(browser.current_url)
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"

    browser.find_element(By.CSS_SELECTOR, 'nav.languages a[hreflang="cs"]').click()
    wait_for(browser, lambda d: "/cs/resources/" in d.current_url, "the language switch failed")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "cs"
    switched = urlsplit(browser.current_url)
    assert switched.path == resource.path.replace("/en/", "/cs/", 1)
    assert switched.query == resource.query
    assert browser.find_element(By.TAG_NAME, "h1").text == title
    assert browser.execute_script(FOREIGN_REQUESTS) == []


# -- keyboard ----------------------------------------------------------------------------------


def focused(driver) -> dict:
    return driver.execute_script(
        """
        const el = document.activeElement, style = getComputedStyle(el);
        const box = el.getBoundingClientRect();
        return {tag: el.tagName.toLowerCase(), id: el.id, cls: el.className,
                text: (el.textContent || '').trim().slice(0, 40),
                outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
                visible: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
                         && box.top < window.innerHeight && box.left < window.innerWidth};
        """
    )


def test_first_tab_reaches_skip_link_which_moves_focus_to_main(browser, base_url):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    set_width(browser, WIDE)
    open_page(browser, base_url, "/en/search?q=housing")
    ActionChains(browser).send_keys(Keys.TAB).perform()
    first = focused(browser)
    assert "skip-link" in first["cls"], f"the first Tab focused {first}"
    assert first["visible"] and first["outline"], f"the skip link is not visibly focused: {first}"
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    assert focused(browser)["id"] == "main"


@pytest.mark.parametrize("width", [WIDE, NARROW])
def test_every_tab_stop_shows_focus(browser, base_url, width):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    set_width(browser, width)
    open_page(browser, base_url, "/en/search?q=housing")
    seen = []
    for _ in range(120):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        now = focused(browser)
        if now["tag"] == "body" or (seen and now == seen[0]):
            break
        assert now["outline"] and now["visible"], f"Tab stop {len(seen) + 1} shows no focus: {now}"
        seen.append(now)
    assert len(seen) > 20, "Tab should walk through the header, the form, filters and results"


def test_narrow_filters_link_moves_focus_to_the_filters(browser, base_url):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    set_width(browser, NARROW)
    open_page(browser, base_url, "/en/search?q=housing")
    link = browser.find_element(By.CSS_SELECTOR, ".to-filters")
    assert link.is_displayed(), "at 375px the results lead to the filters below them"
    link.send_keys(Keys.ENTER)
    assert focused(browser)["id"] == "filters-heading"
    set_width(browser, WIDE)
    assert not link.is_displayed(), "beside the results the filters need no link"
