"""The timeline page in a real browser: headless Chromium loads it from a loopback server, the
rendered DOM has the lanes, points and legend, nothing else was fetched, the Content-Security-
Policy blocked nothing, and a screenshot is saved under the test's tmp dir.

In a 600 px window (an EHR's pop-up) the page shows the narrow layout: nothing scrolls sideways and
no label is drawn smaller than 11 px; in a 1400 px window the wide one, no label under 10 px.
Screenshots of both are saved under the test's tmp dir."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from services.timeline import render_page
from tests.browser.chromium import DevTools, dump_dom, png_size, screenshot, serve
from tests.browser.dom import parse, wide_layout
from tests.browser.example_record import PHQ9, example_record

pytestmark = pytest.mark.browser

PATH = "/timeline/test-token"


@pytest.fixture(scope="module")
def page() -> str:
    return render_page(example_record(), expires_at=datetime(2025, 3, 14, 12, 30, tzinfo=UTC))


def test_rendered_dom_has_lanes_points_and_legend(chromium: str, page: str) -> None:
    with serve({PATH: page}) as server:
        run = dump_dom(chromium, server.base_url + PATH)
        requested = list(server.requests)
    dom = parse(wide_layout(run.stdout))
    assert [a["data-ingredient"] for a in dom.with_class("lane")] == [
        "sertraline",
        "venlafaxine",
        "escitalopram",
        "aripiprazole",
    ]
    assert len(dom.with_class("dose-segment")) == 10
    assert [a["data-value"] for a in dom.with_class("phq9-point")] == [str(v) for _, v, _ in PHQ9]
    assert [a["data-date"] for a in dom.with_class("item9-positive")] == [
        "2023-05-30",
        "2024-03-18",
    ]
    assert len(dom.with_class("refill-gap")) == 1
    assert len(dom.with_class("procedure")) == 12
    assert [t for t, _ in dom.with_id("legend")] == ["g"]
    assert len(dom.with_class("legend-item")) == 14
    assert [t for t, _ in dom.with_id("timeline-title")] == ["title"]
    # The browser fetched the page and nothing else it was not given (at most a favicon probe).
    assert [p for p in requested if p != "/favicon.ico"] == [PATH]
    # The strict Content-Security-Policy let the page's own stylesheet through: no violations.
    assert [m for m in run.console_messages() if "Content Security Policy" in m] == []


def test_screenshot_is_saved(chromium: str, page: str, tmp_path: Path) -> None:
    with serve({PATH: page}) as server:
        png = screenshot(chromium, server.base_url + PATH, tmp_path / "timeline.png")
    assert png == tmp_path / "timeline.png"
    assert png_size(png) == (1400, 900)
    # A blank or error page compresses to a few kB; the drawn timeline is far larger.
    assert png.stat().st_size > 40_000


# What the window shows: which layout is displayed, whether anything overflows sideways, and the
# smallest label as drawn (font size times the picture's scale), in CSS px.
_MEASURE = """(() => {
  const shown = [...document.querySelectorAll('svg.treatment-timeline')]
    .filter(svg => getComputedStyle(svg.parentElement).display !== 'none');
  const sizes = shown.flatMap(svg => [...svg.querySelectorAll('text')]
    .filter(t => t.textContent.trim())
    .map(t => parseFloat(t.getAttribute('font-size')) * svg.getScreenCTM().a));
  return {
    layouts: shown.map(svg => svg.dataset.layout),
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    smallest: Math.min(...sizes),
    texts: sizes.length,
  };
})()"""


@pytest.mark.parametrize(
    ("width", "layout", "smallest"),
    [(600, "narrow", 11.0), (800, "narrow", 11.0), (1400, "wide", 10.0)],
)
def test_the_window_width_picks_a_legible_layout(
    chromium: str, page: str, tmp_path: Path, width: int, layout: str, smallest: float
) -> None:
    with serve({PATH: page}) as server, DevTools(chromium) as browser:
        browser.viewport(width, 900)
        browser.load(server.base_url + PATH)
        seen = browser.evaluate(_MEASURE)
        png = browser.screenshot(tmp_path / f"timeline-{width}.png", full_page=True)
    assert seen["layouts"] == [layout]
    assert seen["overflow"] <= 0  # the layout reflows: nothing scrolls sideways
    assert seen["texts"] > 50  # every label was measured, not none
    assert seen["smallest"] >= smallest
    # A blank or error page compresses to a few kB; the drawn timeline is far larger.
    assert png_size(png)[0] == width and png.stat().st_size > 40_000
