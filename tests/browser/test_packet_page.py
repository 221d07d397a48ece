"""The TMS referral packet in a real browser: headless Chromium loads it from a loopback server.

- The rendered DOM has every section with the chart's facts, nothing else was fetched and the
  Content-Security-Policy blocked nothing.
- In a 600 px window (an EHR's pop-up) the wide tables turn into blocks of "label: value" lines,
  nothing scrolls sideways and no text is smaller than 12 px; in a 1100 px window they are tables.
  Screenshots of both are saved under the test's tmp dir.
- Printed (Page.printToPDF) on A4 and on Letter, a long history runs over several pages with no
  table row cut across a page break and each table's header on every page it spans: read from
  the tagged PDF's structure (tests/browser/packet_pdf.py). The check itself is shown to catch a
  cut row on a page that does not ask for `break-inside: avoid`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from services.packet import render_packet
from services.policy import Policy
from tests.browser.chromium import A4, LETTER, DevTools, dump_dom, serve
from tests.browser.dom import parse
from tests.browser.packet_example import SECTIONS, cells, long_packet_record, packet_record
from tests.browser.packet_pdf import TaggedPdf

pytestmark = pytest.mark.browser

PATH = "/packet/test-token"


@pytest.fixture(scope="module")
def page() -> str:
    return render_packet(
        packet_record(), Policy(), expires_at=datetime(2025, 3, 14, 12, 30, tzinfo=UTC)
    )


@pytest.fixture(scope="module")
def long_page() -> str:
    return render_packet(long_packet_record(), Policy())


def test_rendered_dom_has_every_section(chromium: str, page: str) -> None:
    with serve({PATH: page}) as server:
        run = dump_dom(chromium, server.base_url + PATH)
        requested = list(server.requests)
    dom = parse(run.stdout)
    assert [a["id"] for t, a in dom.elements if t == "section"] == SECTIONS
    html = run.stdout
    assert cells(html, "Code") == ["ICD-10-CM F33.2"]
    assert cells(html, "Drug (class)") == [
        "sertraline (SSRI)",
        "venlafaxine (SNRI)",
        "escitalopram (SSRI)",
        "aripiprazole (antipsychotic)",
    ]
    assert cells(html, "Doses, mg/day") == ["50 → 100 → 150", "37.5 → 75 → 150", "10 → 20", "2 → 5"]
    assert len(cells(html, "Scale")) == 14  # every PHQ-9 of the history
    assert cells(html, "Sessions") == ["12 sessions"]
    assert "Presence of cardiac pacemaker (ICD-10-CM Z95.0, since 4 Mar 2019)" in html
    assert cells(html, "Status") == [
        "Met",
        "Met",
        "Not met",
        "Not met",
        "Met, to confirm",  # psychotherapy: "without improvement" is not judged from the chart
        "Not on record",
        "Met",
    ]
    assert "MedicationRequest/mr-9" in html  # the order that could not be read
    # The browser fetched the page and nothing else (at most a favicon probe).
    assert [p for p in requested if p != "/favicon.ico"] == [PATH]
    assert [m for m in run.console_messages() if "Content Security Policy" in m] == []


# What the window shows: sideways overflow, the smallest text drawn, how the trials and the score
# tables are laid out.
_MEASURE = """(() => {
  const texts = [...document.querySelectorAll('body *')].filter(e =>
    [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()) &&
    e.getClientRects().length > 0);
  return {
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    smallest: Math.min(...texts.map(e => parseFloat(getComputedStyle(e).fontSize))),
    trialRow: getComputedStyle(document.querySelector('table.trials tbody tr')).display,
    scoreRow: getComputedStyle(document.querySelector('table.scores tbody tr')).display,
    label: getComputedStyle(document.querySelector('table.trials td'), '::before').content,
  };
})()"""


@pytest.mark.parametrize(
    ("width", "trial_row", "label"), [(600, "block", '"Drug (class)"'), (1100, "table-row", "none")]
)
def test_the_page_reads_in_a_narrow_and_a_wide_window(
    chromium: str, page: str, tmp_path: Path, width: int, trial_row: str, label: str
) -> None:
    with serve({PATH: page}) as server, DevTools(chromium) as browser:
        browser.viewport(width, 900)
        browser.load(server.base_url + PATH)
        seen = browser.evaluate(_MEASURE)
        png = browser.screenshot(tmp_path / f"packet-{width}.png", full_page=True)
    assert seen["overflow"] <= 0  # nothing scrolls sideways
    assert seen["smallest"] >= 12
    assert seen["trialRow"] == trial_row  # 600 px: each trial a block of "label: value" lines
    assert seen["label"] == label
    assert seen["scoreRow"] == "table-row"  # the narrow score table stays a table
    assert png.stat().st_size > 40_000


_PRINT_STYLES = """(() => {
  const page = [...document.styleSheets[0].cssRules].find(r => r instanceof CSSPageRule);
  return {
    rows: [...document.querySelectorAll('tr')].map(r => getComputedStyle(r).breakInside),
    heads: [...document.querySelectorAll('thead')].map(h => getComputedStyle(h).display),
    stacked: getComputedStyle(document.querySelector('table.trials tbody tr')).display,
    margin: page ? page.style.margin : null,
    bodyRows: document.querySelectorAll('tbody tr').length,
  };
})()"""


@pytest.mark.parametrize(("paper", "points"), [(A4, (595.92, 841.92)), (LETTER, (612, 792))])
def test_printing_cuts_no_table_row_and_repeats_headers(
    chromium: str, long_page: str, paper: tuple[float, float], points: tuple[float, float]
) -> None:
    with serve({PATH: long_page}) as server, DevTools(chromium) as browser:
        browser.viewport(1100, 900)
        browser.load(server.base_url + PATH)
        browser.media("print")
        styles = browser.evaluate(_PRINT_STYLES)
        browser.media("")
        pdf = TaggedPdf(browser.print_to_pdf(paper))
    # The print stylesheet: no row split, headers repeated, tables not stacked, page margins.
    assert set(styles["rows"]) == {"avoid"}
    assert set(styles["heads"]) == {"table-header-group"}
    assert styles["stacked"] == "table-row"
    assert styles["margin"] == "14mm 12mm 16mm"
    # The printed document: several pages of the chosen size ...
    assert pdf.page_count >= 3
    media_box = re.search(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf.data)
    assert media_box is not None
    assert (float(media_box.group(1)), float(media_box.group(2))) == pytest.approx(points, abs=1)
    # ... every body row printed, none on two pages, each table's header on all its pages.
    assert len(pdf.body_rows()) == styles["bodyRows"]
    assert pdf.split_rows() == []
    tables = pdf.tables()
    assert any(len(body) > 1 for body, _head in tables)  # a table did run over a page break
    for body, head in tables:
        assert body <= head


def test_the_row_check_finds_a_row_cut_across_pages(chromium: str) -> None:
    """The same reading of the PDF on a page without `break-inside: avoid`: tall rows are cut,
    and the check says so (so its empty answer above means something)."""
    rows = "".join(
        f"<tr><td>row {i}</td><td>{'<br>'.join(['line'] * 7)}</td></tr>" for i in range(40)
    )
    bare = (
        "<!doctype html><html><head><title>rows</title></head><body><table><thead><tr>"
        f"<th>a</th><th>b</th></tr></thead><tbody>{rows}</tbody></table></body></html>"
    )
    with serve({"/bare": bare}) as server, DevTools(chromium) as browser:
        browser.load(server.base_url + "/bare")
        pdf = TaggedPdf(browser.print_to_pdf(A4))
    assert pdf.page_count > 1
    assert pdf.split_rows() != []
