"""The research pages in headless Chromium at 1280 and 375 px: the statistics page's charts,
matrix and map fit their column (only the matrix scrolls, inside its own box), the API
reference reads on a phone, and axe-core finds nothing on either.
"""

from __future__ import annotations

import pytest

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
)

pytestmark = pytest.mark.browser

PAGES = {
    "statistics": "/en/statistics",
    "statistics-filtered": "/bg/statistics?theme=housing&country=CZ",
    "api": "/en/api",
    "resource-with-metadata": "/cs/resources/good/housing-karvina?language=cs",
}
# Elements wider than the viewport, outside the boxes that scroll on purpose (SVG shapes are
# clipped by their own <svg>, so they are left out).
OVERFLOWING = """
const width = document.documentElement.clientWidth;
return [...document.querySelectorAll('body *')]
  .filter(e => !(e instanceof SVGElement) || e.tagName === 'svg')
  .filter(e => !e.closest('.matrix-scroll, .table-scroll'))
  .filter(e => e.getBoundingClientRect().right > width + 1)
  .map(e => e.tagName + '.' + (e.getAttribute('class') || ''));
"""
CHART_BOXES = """
return [...document.querySelectorAll('svg.chart')].map(s => {
  const r = s.getBoundingClientRect();
  const label = s.querySelector('text');
  const font = label ? label.getBoundingClientRect().height : 0;
  return {kind: s.getAttribute('class'), left: r.left, right: r.right, width: r.width,
          height: r.height, font: font};
});
"""


@pytest.mark.parametrize("width", [WIDE, NARROW])
@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_research_page_fits_and_passes_axe(browser, base_url, axe_source, path, width):  # noqa: F811
    set_width(browser, width)
    open_page(browser, base_url, path)
    assert browser.execute_script(RUNNABLE_SCRIPTS) == 0
    assert browser.execute_script("return document.querySelectorAll('[style]').length") == 0
    assert browser.execute_script(OVERFLOWING) == [], f"{path} overflows at {width}px"
    scroll = browser.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll[0] <= scroll[1], f"{path} scrolls sideways at {width}px: {scroll}"
    violations = axe_violations(browser, axe_source)
    assert not violations, f"axe-core on {path} at {width}px:\n{describe(violations)}"


@pytest.mark.parametrize("width", [WIDE, NARROW])
def test_charts_are_drawn_at_a_readable_size(browser, base_url, width):  # noqa: F811
    set_width(browser, width)
    open_page(browser, base_url, "/en/statistics")
    boxes = browser.execute_script(CHART_BOXES)
    assert len(boxes) == 7
    for box in boxes:
        assert box["left"] >= 0 and box["right"] <= width, box
        assert box["width"] >= min(300, width * 0.8) and box["height"] > 20, box
        if "chart-bars" in box["kind"]:
            assert 9 <= box["font"] <= 20, box  # label text in CSS pixels
