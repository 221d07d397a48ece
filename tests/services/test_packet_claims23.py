"""Review s23 RP: the TMS referral packet and the treatment timeline claim no more than the cards.

- Finding 2: a course whose supply ran out long ago (listed, or Trial.supply_ran_out: "may be
  running: no supply since" on the cards) read "7 Oct 2024 – ongoing" in the packet and
  "Venlafaxine (current)" on the timeline. Now the one rule (trial_dates.ongoing_text) says the
  cards' words: "listed: order still active, ..." / "may be running: no supply since ...".
- Finding 3: an order never filled (rule 2c) was a solid year-long adequate-dose bar with
  "no response", and "52.1" weeks in the packet. Now an outlined "listed" box, no dose bar, no
  response text; weeks "not counted: never filled or renewed".
- Finding 4: a PHQ-9 total its answers contradict was "Met" severity and unmarked. Now payer
  evidence on its lower reading only ("Met, to confirm" / "Not met"), marked everywhere.
- Finding 5: bipolar words in problem text: Diagnosis "Met, to confirm", named as possible.
- Finding 7: an unrecorded item 9 is stated in the packet's suicide-risk screen and summary.
- Finding 8: a sig range keeps its "sig unclear" note; the outcome names the range.

Charts: tests/services/packet_claims23_charts/ (the review's, Epic / US Core shaped, every
prefetch key) and the repo charts the review cites.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from fhir_mapping.record import PatientRecord, Trial
from services import trial_dates
from services.packet import render_packet
from services.policy import Policy
from services.timeline import render_svg
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
HERE = Path(__file__).parent
_chart = chart_files.loader(HERE / "packet_claims23_charts")


def _repo(folder: str, name: str) -> dict[str, Any]:
    return chart_files.loader(HERE / folder)(name)


def _record(doc: dict[str, Any]) -> PatientRecord:
    result = evaluate_document(
        doc, hook=doc.get("hook", "patient-view"), as_of=AS_OF, policy=Policy()
    )
    return result.evaluation.record


def _text(markup: str) -> str:
    """The markup's text, one line per row / paragraph, cells split by " | "."""
    markup = re.sub(r"<style.*?</style>", "", markup, flags=re.S)
    markup = re.sub(r"</(tr|p|h\d|li|caption|div|section|title|desc)>", "\n", markup)
    markup = re.sub(r"</t[dh]>", " | ", markup)
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def _packet(record: PatientRecord) -> str:
    return _text(render_packet(record, Policy()))


def _row(packet: str, start: str) -> str:
    rows = [line for line in packet.splitlines() if line.startswith(start)]
    assert len(rows) == 1, rows
    return rows[0]


def _trial(record: PatientRecord, ingredient: str) -> Trial:
    return next(t for t in record.trials if t.ingredient == ingredient)


def _lane(svg: str, ingredient: str) -> list[ET.Element]:
    """The elements of the drug's lane (the SVG parses as XML)."""
    for g in ET.fromstring(svg).iter():
        if g.get("class") == "lane" and g.get("data-ingredient") == ingredient:
            return list(g.iter())
    raise AssertionError(f"no lane for {ingredient}")


def _classes(elements: list[ET.Element]) -> list[str]:
    return [e.get("class", "") for e in elements]


# --- finding 2: a course whose supply ran out long ago reads "listed" ---------------------------


def test_supply_ran_out_long_ago_may_be_running_not_ongoing() -> None:
    record = _record(_chart("venlafaxine_supply_ran_out_2025_04"))
    venlafaxine = _trial(record, "venlafaxine")
    assert venlafaxine.supply_ran_out == date(2025, 4, 8) and venlafaxine.ongoing
    # The cards' trials tables and order cards: "may be running: no supply since 2025-04-08".
    said = "2024-10-07 – may be running: no supply since 2025-04-08"
    assert trial_dates.dates_text(venlafaxine) == said
    row = _row(_packet(record), "venlafaxine (SNRI)")
    assert row.split(" | ")[2] == "7 Oct 2024 – may be running: no supply since 8 Apr 2025"
    assert "yes: failed" in row  # counted up to the run-out, as on the cards
    svg = render_svg(record, policy=Policy())
    text = _text(svg)
    assert "Venlafaxine (may be running)" in text and "Venlafaxine (current)" not in text
    assert "from 7 Oct 2024, ongoing" not in text
    assert "from 7 Oct 2024, may be running: no supply since 8 Apr 2025" in text
    # The time since the run-out is an outlined box, never the bar going on.
    lane = _lane(svg, "venlafaxine")
    boxes = [e for e in lane if e.get("class", "").startswith("listed")]
    assert [b.get("data-start") for b in boxes] == ["2025-04-08"]
    assert any(c.startswith("dose-segment") for c in _classes(lane))


def test_order_filled_once_in_2024_is_listed_in_the_packet_and_tables() -> None:
    record = _record(_repo("listed_course_charts", "fluoxetine_order2024_filled_once_2024"))
    fluoxetine = _trial(record, "fluoxetine")
    assert trial_dates.dates_text(fluoxetine) == (
        "2024-03-02 – listed: order still active, filled once on 2024-03-02"
    )
    row = _row(_packet(record), "fluoxetine (SSRI)")
    assert "2 Mar 2024 – listed: order still active, filled once on 2 Mar 2024" in row
    svg = render_svg(record, policy=Policy())
    assert "Fluoxetine (listed)" in _text(svg)
    # One box for the stretch without supply: the listed one, not a refill gap under it.
    classes = _classes(_lane(svg, "fluoxetine"))
    assert classes.count("listed") == 1 and "refill-gap" not in classes


def test_running_course_still_reads_ongoing_and_current() -> None:
    """The control: a course the record shows taken keeps "ongoing" and "(current)"."""
    record = _record(_chart("phq9_total22_items_sum12"))
    venlafaxine = _trial(record, "venlafaxine")
    assert not venlafaxine.listed
    assert trial_dates.dates_text(venlafaxine).endswith("– ongoing")
    assert "5 Jan 2026 – ongoing" in _row(_packet(record), "venlafaxine (SNRI)")
    svg = render_svg(record, policy=Policy())
    assert "Venlafaxine (current)" in _text(svg)
    assert "listed" not in _classes(_lane(svg, "venlafaxine"))


# --- finding 3: an order never filled has no dose bar, weeks or response ------------------------


@pytest.mark.parametrize(
    ("folder", "name", "drug"),
    [
        ("packet_claims23_charts", "venlafaxine_order2024_never_filled", "venlafaxine"),
        (
            "listed_order_charts",
            "phenelzine_order2024_never_filled_sertraline_select",
            "phenelzine",
        ),
    ],
)
def test_never_filled_order_is_drawn_and_listed_as_such(folder: str, name: str, drug: str) -> None:
    record = _record(_repo(folder, name))
    trial = _trial(record, drug)
    assert trial_dates.never_filled(trial)
    row = _row(_packet(record), f"{drug} (")
    cells = row.split(" | ")
    # orders33: "never filled or renewed" only where the chart sends dispenses (a fill feed);
    # "no fill on record" where it sends none.
    said = "no fill on record" if trial.no_fill_feed else "never filled or renewed"
    assert "listed: order of" in cells[2] and f"still active, {said}" in cells[2]
    assert cells[3] == f"not counted: {said}"
    assert cells[6].startswith("to confirm: order of")
    assert cells[7] == "no"
    svg = render_svg(record, policy=Policy())
    text = _text(svg)
    name_cap = drug.capitalize()
    assert f"{name_cap} (listed)" in text and f"{name_cap} (current)" not in text
    # No dose bar for it, no response verdict; the listed box from the order's day.
    lane = _lane(svg, drug)
    assert not any(c.startswith("dose-segment") for c in _classes(lane))
    boxes = [e for e in lane if e.get("class") == "listed"]
    assert [b.get("data-start") for b in boxes] == [trial.start.isoformat()]
    assert "no response" not in text


def test_never_filled_order_outcome_not_judged_on_timeline() -> None:
    record = _record(_chart("venlafaxine_order2024_never_filled"))
    text = _text(render_svg(record, policy=Policy()))
    assert "PHQ-9 19 → 22" not in text
    assert "Listed · not counted: never filled or" in text


# --- finding 4: a PHQ-9 total its answers contradict ---------------------------------------------


def test_contradicted_total_below_band_on_its_lower_reading_is_not_met() -> None:
    record = _record(_chart("phq9_total22_items_sum12"))
    packet = _packet(record)
    severity = _row(packet, "Severity: severe Major Depressive Disorder")
    assert severity.split(" | ")[1] == "Not met"
    assert "total filed 22, items sum to 12: check the form" in severity
    assert "the lower reading (12) is below" in severity
    assert (
        "16 Nov 2026 | PHQ-9 | 22 (total filed 22, items sum to 12: check the form) | severe"
        in packet
    )
    assert (
        "PHQ-9 22 (severe; total filed 22, items sum to 12: check the form) on 16 Nov 2026"
        in packet
    )
    svg = render_svg(record, policy=Policy())
    points = [e for e in ET.fromstring(svg).iter() if "total-conflict" in e.get("class", "")]
    assert [p.get("data-value") for p in points] == ["22"]
    assert "22 (items 12)" in _text(svg)
    assert "latest 22 (severe) on 16 Nov 2026 (total filed 22, items sum to 12" in _text(svg)


def test_contradicted_total_in_band_on_both_readings_is_met_to_confirm() -> None:
    record = _record(_chart("phq9_total24_items_sum21"))
    severity = _row(_packet(record), "Severity: severe Major Depressive Disorder")
    assert severity.split(" | ")[1] == "Met, to confirm"
    assert (
        "To confirm: PHQ-9 on 2026-11-16: total filed 24, items sum to 21: check the form"
        in severity
    )


def test_total_below_items_marks_the_row_and_point() -> None:
    record = _record(_repo("phq9_total_charts", "total_4_items_sum_18"))
    packet = _packet(record)
    assert "| PHQ-9 | 18 (total filed 4, items sum to 18: check the form) |" in packet
    assert "18 (filed 4)" in _text(render_svg(record, policy=Policy()))


# --- finding 5: bipolar words in problem text ----------------------------------------------------


def test_problem_text_bipolar_makes_diagnosis_met_to_confirm() -> None:
    record = _record(_chart("mdd_f332_problem_text_ro_bipolar_ii"))
    packet = _packet(record)
    diagnosis = _row(packet, "Diagnosis: severe Major Depressive Disorder")
    assert diagnosis.split(" | ")[1] == "Met, to confirm"
    assert (
        "problem text mentions possible bipolar disorder: MDD recurrent severe; r/o bipolar II"
        in diagnosis
    )
    assert "Possible bipolar disorder (problem text): MDD recurrent severe" in packet
    assert "Bipolar disorder: MDD" not in packet
    # The visit's F33.2 has only a recordedDate: said "recorded", with the problem-list F33.2's
    # onset beside it (s25 RT finding 5).
    assert (
        "recorded 2 Nov 2026; F33.2 on record since 14 Jul 2025 (its onset); possible bipolar "
        "disorder (problem text): to confirm" in packet
    )
    assert (
        "Safety screenpossible bipolar disorder (problem text): confirm with psychiatry" in packet
    )


def test_no_bipolar_words_leave_diagnosis_met() -> None:
    record = _record(_chart("venlafaxine_supply_ran_out_2025_04"))
    diagnosis = _row(_packet(record), "Diagnosis: severe Major Depressive Disorder")
    assert diagnosis.split(" | ")[1] == "Met"


# --- finding 7: an unrecorded item 9 -------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["week3_escitalopram_total_only_epic", "flowsheet_totals_loinc_no_item9_epic"]
)
def test_unrecorded_item9_is_stated_in_the_packet(name: str) -> None:
    packet = _packet(_record(_repo("review19_item9_charts", name)))
    assert "Safety screenPHQ-9 item 9 not recorded: ask it" in packet
    assert "PHQ-9 item 9 not recorded: the PHQ-9s on record are totals only" in packet
    assert "ask it (or use the C-SSRS screener) before TMS" in packet


def test_recorded_item9_adds_no_line() -> None:
    packet = _packet(_record(_chart("phq9_total22_items_sum12")))
    assert "item 9 not recorded" not in packet


# --- finding 8: a sig range keeps its note -------------------------------------------------------


def test_sig_range_note_and_range_in_the_packet() -> None:
    record = _record(_repo("sig_slots23_charts", "mirtazapine15_twice_daily_at_bedtime"))
    cells = _row(_packet(record), "mirtazapine (NaSSA)").split(" | ")
    assert cells[1] == "15-30 (sig unclear: 'twice daily at bedtime')"
    assert "15-30 mg/day for 26.1 weeks, below the minimum adequate 30 mg/day" in cells[6]
    assert "15 mg/day for" not in cells[6]
