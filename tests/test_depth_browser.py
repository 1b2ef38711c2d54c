"""City, journeys and comparison pages in headless Chromium at 1280 and 375 px: nothing wider
than the screen (tables scroll inside their own box), no script from content, and axe-core
finds nothing; the comparison is reached from a result list and a city page by plain forms.
"""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from tests.test_browser import (  # noqa: F401 (fixtures shared with the page tests)
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
    wait_for,
)
from tests.test_research_browser import OVERFLOWING

pytestmark = pytest.mark.browser

PAGES = {
    "city": "/en/cities/sopot",
    "city-bg": "/bg/cities/sopot",
    "city-without-profile": "/en/cities/budapest",
    "journeys": "/en/journeys",
    "journeys-filtered": "/cs/journeys?country=BG",
    "compare-cities": "/en/compare?cities=sopot,karvina",
    "compare-resources": "/el/compare?ids=good/housing-karvina,good/school-sopot",
    "compare-how": "/en/compare",
    "practice": "/en/resources/good/housing-karvina?language=en",
    "evidence": "/hu/evidence/",
}


@pytest.mark.parametrize("width", [WIDE, NARROW])
@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_depth_page_fits_and_passes_axe(browser, base_url, axe_source, path, width):  # noqa: F811
    set_width(browser, width)
    open_page(browser, base_url, path)
    assert browser.execute_script(RUNNABLE_SCRIPTS) == 0
    assert browser.execute_script(OVERFLOWING) == [], f"{path} overflows at {width}px"
    scroll = browser.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll[0] <= scroll[1], f"{path} scrolls sideways at {width}px: {scroll}"
    violations = axe_violations(browser, axe_source)
    assert not violations, f"axe-core on {path} at {width}px:\n{describe(violations)}"


def test_results_are_compared_by_ticking_two(browser, base_url):  # noqa: F811
    set_width(browser, WIDE)
    open_page(browser, base_url, "/en/search?q=housing OR school")
    boxes = browser.find_elements(By.CSS_SELECTOR, "form.compare-hits input[name=ids]")
    assert len(boxes) >= 2
    for box in boxes[:2]:
        box.click()
    browser.find_element(By.CSS_SELECTOR, "form.compare-hits button[type=submit]").click()
    wait_for(browser, lambda d: "/en/compare?ids=" in d.current_url, "no comparison")
    headers = browser.find_elements(By.CSS_SELECTOR, "table.compare thead th")
    assert len(headers) == 2


def test_a_city_is_compared_from_its_page(browser, base_url):  # noqa: F811
    set_width(browser, NARROW)
    open_page(browser, base_url, "/en/cities/sopot")
    browser.find_element(By.CSS_SELECTOR, ".compare-form button").click()
    wait_for(browser, lambda d: "/en/compare?cities=sopot" in d.current_url, "no comparison")
    assert len(browser.find_elements(By.CSS_SELECTOR, "table.compare thead th")) == 2


def test_suggestions_as_you_type_follow_the_combobox_pattern(browser, base_url, axe_source):  # noqa: F811
    from selenium.webdriver.common.keys import Keys

    set_width(browser, NARROW)
    open_page(browser, base_url, "/en/")
    box = browser.find_element(By.ID, "q")
    assert box.get_attribute("role") == "combobox"
    assert box.get_attribute("aria-expanded") == "false"
    box.send_keys("hous")
    wait_for(browser, lambda d: box.get_attribute("aria-expanded") == "true", "no suggestions")
    listbox = browser.find_element(By.ID, box.get_attribute("aria-controls"))
    options = listbox.find_elements(By.CSS_SELECTOR, "[role=option]")
    assert options and any("Karvin" in o.text or "housing" in o.text.lower() for o in options)
    violations = axe_violations(browser, axe_source)
    assert not violations, describe(violations)
    box.send_keys(Keys.ARROW_DOWN)
    first = options[0]
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    assert first.get_attribute("aria-selected") == "true"
    box.send_keys(Keys.ESCAPE)
    assert box.get_attribute("aria-expanded") == "false"
    box.send_keys("i")
    wait_for(browser, lambda d: box.get_attribute("aria-expanded") == "true", "no suggestions")
    box.send_keys(Keys.ARROW_DOWN, Keys.ENTER)
    wait_for(
        browser,
        lambda d: "/en/search" not in d.current_url and d.current_url != base_url + "/en/",
        "no page",
    )
