"""Review s27 RB: the TMS referral packet and the timeline say what the cards say.

- Finding 2: a failure read from the stop alone (Trial.outcome_inferred) was "2 counted
  (sertraline, venlafaxine), 2 classes" and "yes: failed" in the packet and "adequate trial" on
  the timeline, where the cards say "1 adequate trial failed, 1 stopped unmeasured" and the payer
  row "Met, to confirm". Now "to confirm: sertraline (stopped, response not measured)".
- Finding 4: a venlafaxine order given on the ward 46 of 46 days read "ordered (no fill yet)"
  (Trial.awaiting_fill is for a pharmacy fill not yet seen, not a course the ward supplies); a
  ward MAR share was called "PDC 25 %"; the packet's weeks "7.4" beside 13 of 52 days given.
  Now "ongoing", "given on 13 of 52 ward days (MAR)", "7.4 on order; given on 13 of 52 ...".
"""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from fhir_mapping.record import PatientRecord
from services.packet import render_packet
from services.policy import Policy
from services.timeline.summary import describe
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
HERE = Path(__file__).parent


def _doc(folder: str, name: str) -> dict[str, Any]:
    return chart_files.loader(HERE / folder)(name)


def _record(doc: dict[str, Any], as_of: date = AS_OF) -> PatientRecord:
    result = evaluate_document(
        doc, hook=doc.get("hook", "patient-view"), as_of=as_of, policy=Policy()
    )
    return result.evaluation.record


def _text(markup: str) -> str:
    """The markup's text, one line per row / paragraph, cells split by " | "."""
    markup = re.sub(r"<style.*?</style>", "", markup, flags=re.S)
    markup = re.sub(r"</(tr|p|h\d|li|caption|div|section|title|desc)>", "\n", markup)
    markup = re.sub(r"</t[dh]>", " | ", markup)
    markup = re.sub(r"</dt>", " ", markup)
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def _row(packet: str, start: str) -> list[str]:
    rows = [line for line in packet.splitlines() if line.startswith(start)]
    assert len(rows) == 1, rows
    return rows[0].split(" | ")


# --- finding 2: a failure inferred from the stop is "to confirm" everywhere ---------------------


@pytest.mark.parametrize(
    ("name", "head"),
    [
        ("phq9_total22_items_sum12", "2 counted (sertraline, venlafaxine), 2 classes"),
        ("venlafaxine_order2024_never_filled", "1 counted (sertraline), 1 class"),
    ],
)
def test_inferred_failure_is_to_confirm_in_packet_and_timeline(name: str, head: str) -> None:
    record = _record(_doc("packet_claims23_charts", name))
    packet = _text(render_packet(record, Policy()))
    said = "; to confirm: sertraline (stopped, response not measured)"
    assert f"Trials for TMS {head}{said}" in packet
    assert f"{said}." in _row(packet, "Counted for TMS:")[0]
    cells = _row(packet, "sertraline (SSRI)")
    assert cells[7] == "yes, to confirm: stopped, response not measured"
    assert "yes: failed" not in packet.split("venlafaxine (SNRI)")[0].split("sertraline (SSRI)")[1]
    summary = describe(record)
    assert (
        "to 23 Sep 2024, adequate trial, to confirm: stopped, response not measured, PDC 100 %"
    ) in summary  # recheck K4 finding 7: "to confirm:" as the packet says it


def test_measured_failure_keeps_yes_failed() -> None:
    """The control: venlafaxine, judged by a PHQ-9 on it, stays "yes: failed"."""
    record = _record(_doc("packet_claims23_charts", "phq9_total22_items_sum12"))
    packet = _text(render_packet(record, Policy()))
    assert _row(packet, "venlafaxine (SNRI)")[7] == "yes: failed"
    assert "venlafaxine 225 mg/day from 5 Jan 2026, ongoing, adequate trial, PDC" in describe(
        record
    )


# --- finding 4: a course the ward gave is no order awaiting a fill; MAR days are no PDC ---------


def test_ward_given_course_is_ongoing_not_awaiting_fill() -> None:
    record = _record(_doc("ward_mar_charts", "ward_venlafaxine_all_given"))
    venlafaxine = next(t for t in record.trials if t.ingredient == "venlafaxine")
    assert venlafaxine.awaiting_fill is None
    packet = _text(render_packet(record, Policy()))
    cells = _row(packet, "venlafaxine (SNRI)")
    assert cells[2] == "16 Oct 2026 – ongoing"
    assert cells[3] == "6.6"  # every ward day given: the weeks stand as they are
    summary = describe(record)
    assert "no fill yet" not in summary and "no fill yet" not in packet
    assert (
        "venlafaxine 150 mg/day from 16 Oct 2026, ongoing, adequate trial, "
        "given on 46 of 46 ward days (MAR)." in summary
    )


def test_ward_refusals_named_as_mar_days_on_card_packet_and_timeline() -> None:
    doc = _doc("ward_mar_charts", "ward_venlafaxine_refused_39_of_52")
    result = evaluate_document(doc, hook="patient-view", as_of=AS_OF, policy=Policy())
    summaries = [c.summary for c in result.response.cards]
    said = "venlafaxine given on 13 of 52 ward days (MAR)"
    assert any(f"1 trial not adequate ({said})" in s for s in summaries), summaries
    assert not any("PDC 25 %" in s for s in summaries)
    record = result.evaluation.record
    cells = _row(_text(render_packet(record, Policy())), "venlafaxine (SNRI)")
    assert cells[2] == "10 Oct 2026 – ongoing"
    assert cells[3] == "7.4 on order; given on 13 of 52 ward days (MAR)"
    summary = describe(record)
    assert "not yet adequate (poor adherence), given on 13 of 52 ward days (MAR)." in summary
    assert "PDC 25 %" not in summary


def test_fills_weighed_with_ward_days_keep_their_pdc() -> None:
    """The control: a course with home fills and a stay keeps "PDC" (the fills' figure)."""
    record = _record(_doc("ward_mar_charts", "medical_stay_fill_gap_ward_doses"))
    escitalopram = next(t for t in record.trials if t.ingredient == "escitalopram")
    assert not escitalopram.adherence.ward_alone()
    assert escitalopram.adherence.pdc_words().startswith("PDC ")
