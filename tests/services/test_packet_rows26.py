"""Review s25 RK4 findings 13-17: the TMS packet's and the payer rows' own readings.

- 17: the day after the 22nd TMS session the cards and the packet's TMS section said the course
  was running, while the payer's "Earlier TMS" row judged it an earlier course ("the response to
  the earlier TMS course"). One rule now (the cards' running window): the row says "running or
  just ended" and asks whether it has ended.

- 16: fills of 30 x 100 mg per 30 days under "200 mg, then 300 mg": the packet said "50 → 100, up
  to 300 (dose to confirm)" and a card "up to 300 mg/day ... may be above the usual maximum".
  The fills bound the dose: "50 → 100 (order says up to 300, fills cover 100: confirm the dose
  taken)"; the above-maximum card says the order's dose beside the fills' (s25 FZ2).
- 14: problem-list F32.2 with onset 6 Jan 2025 (the episode's start) beside F33.2 coded at visits
  from 3 Feb 2025: the payer row called F32.2 "an earlier episode's code" (F33.2 dated by its
  latest visit, 5 Jan 2026) and the header said "F33.2, recorded 5 Jan 2026 (no onset on
  record)". The code's first record dates it now.
- 13: a problem-list onset (20 Jan 2026) later than its entry's recordedDate (6 Jan 2025) was
  said "since 20 Jan 2026"; now "recorded 6 Jan 2025 (onset given 20 Jan 2026)".
- 15: "18 scored (to a TMS course ...); 32.4 in all | poor; PDC 66 %; no supply 60 days from
  2025-09-16 | failed (adequate)": the PDC covered the whole course, the verdict the weeks scored.
  The PDC now says "over the whole course" and a gap after the cut "after the weeks scored".

Charts: tests/services/packet_rows_charts/ (the review's probes, built from
packet_said25_charts; every prefetch key).
"""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services.packet import render_packet
from services.pathway import derive_facts
from services.payer_criteria import CriterionResult, CriterionStatus
from services.payer_criteria.evaluate import evaluate_payer_criteria
from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
DIR = Path(__file__).parent / "packet_rows_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))

_chart = chart_files.loader(DIR)
_at = Evaluator(date(2026, 12, 1))


@pytest.mark.parametrize("name", CHARTS)
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)


def _rows(doc: Doc, as_of: date) -> dict[str, CriterionResult]:
    policy = Policy()
    record = _at.result(doc, as_of=as_of).evaluation.record
    found = evaluate_payer_criteria(record, derive_facts(record, policy), policy)
    return {r.id: r for r in found.results}


def _packet(doc: Doc, as_of: date) -> str:
    record = _at.result(doc, as_of=as_of).evaluation.record
    text = html.unescape(re.sub(r"<[^>]+>", " ", render_packet(record, Policy())))
    return " ".join(text.split())


# --- 17: the day after the last TMS session ---------------------------------------------------

TMS_CHART = "tms_22_sessions_then_sertraline"


def test_the_day_after_the_last_session_the_row_reads_the_cards_running_course() -> None:
    doc = _chart(TMS_CHART)
    day_after = date(2025, 3, 26)  # the 22nd session was on 2025-03-25
    row = _rows(doc, day_after)["retreatment"]
    assert row.status is CriterionStatus.NOT_ON_RECORD
    assert row.evidence == (
        "the TMS course since 2025-02-24 (22 sessions) is running or just ended (last session "
        "2025-03-25)",
    )
    assert row.to_document is not None and "whether the TMS course has ended" in row.to_document
    packet = _packet(doc, day_after)
    assert "to the earlier TMS course" not in packet
    assert "running or just ended" in packet
    # The card's reading, the same course running.
    cards = _at.cards(doc, as_of=day_after)
    assert any(c["summary"].startswith("TMS course since 2025-02-24") for c in cards)


def test_past_the_running_window_it_is_the_earlier_course_on_every_reading() -> None:
    doc = _chart(TMS_CHART)
    later = date(2025, 4, 4)
    row = _rows(doc, later)["retreatment"]
    assert "TMS course 2025-02-24 - 2025-03-25 (22 sessions)" in row.evidence[0]
    cards = by_topic(_at.cards(doc, as_of=later))
    assert "TMS course 2025-02-24 - 2025-03-25 ended" in cards["tms-course"]["summary"]


# --- 16: fills that cover less than the order's steps ------------------------------------------

SERTRALINE = "sertraline_fills_100_order_200_then_300"


def _with_quantity(doc: Doc, tablets: int) -> Doc:
    """The chart with its 100 mg fill after the order holding `tablets` for its 30 days."""
    for entry in doc["prefetch"]["medicationDispenses"]["entry"]:
        if entry["resource"]["whenHandedOver"].startswith("2025-01-20"):
            entry["resource"]["quantity"]["value"] = tablets
    return doc


def test_fills_covering_100_mg_bound_the_orders_300_mg_step() -> None:
    as_of = date(2025, 3, 24)
    result = _at.result(_chart(SERTRALINE), as_of=as_of)
    said = "50 → 100 (order says up to 300, fills cover 100: confirm the dose taken)"
    assert f"sertraline (SSRI) {said} " in _packet(_chart(SERTRALINE), as_of)
    cards = result.response.to_json()["cards"]
    # The order's step is said as the order's, never as a dose taken or to confirm (s25 FZ2:
    # before, no card at all; tests/services/test_s25_order_above_fills.py).
    above = [c for c in cards if "above the usual maximum" in c["summary"]]
    assert [c["summary"] for c in above] == [
        "Sertraline order says up to 300 mg/day (above the usual maximum of 200); fills cover "
        "100 mg/day: confirm the dose taken"
    ]
    assert not any("up to 300 mg/day (dose to confirm)" in c["detail"] for c in cards)
    assert any(f"| sertraline (SSRI) | {said} |" in c["detail"] for c in cards)


def test_fills_covering_300_mg_are_the_dose_and_draw_the_above_maximum_card() -> None:
    doc = _with_quantity(_chart(SERTRALINE), 90)
    cards = _at.cards(doc, as_of=date(2025, 3, 24))
    above = [c for c in cards if "above the usual maximum" in c["summary"]]
    assert above and "300 mg/day" in above[0]["summary"]
    assert "order says" not in _packet(doc, date(2025, 3, 24))


# --- 14: the current code dated by its first record ------------------------------------------

TWO_CODES = "problem_list_f32_2_encounters_f33_2"
ONSET_LATER = "onset_later_than_recorded"
VISIT_DAY = date(2026, 2, 2)


def test_a_code_from_the_episodes_start_is_not_an_earlier_episodes() -> None:
    doc = _chart(TWO_CODES)
    row = _rows(doc, VISIT_DAY)["diagnosis"]
    text = " ".join(row.evidence)
    assert "earlier episode" not in text
    assert row.evidence[0] == (
        "Major depressive disorder, recurrent severe without psychotic features (F33.2, "
        "recorded 2026-01-05); F33.2 recorded since 2025-02-03 (no onset on record); coded as "
        "severe"
    )
    packet = _packet(doc, VISIT_DAY)
    assert "Current episode from 6 Jan 2025" in packet
    assert (
        "(ICD-10-CM F33.2), recorded 5 Jan 2026; F33.2 recorded since 3 Feb 2025 (no onset on "
        "record)" in packet
    )


# --- 13: an onset later than its entry's recordedDate ----------------------------------------


def test_an_onset_later_than_its_record_is_said_with_the_earlier_day() -> None:
    doc = _chart(ONSET_LATER)
    packet = _packet(doc, VISIT_DAY)
    assert "(ICD-10-CM F33.2), recorded 6 Jan 2025 (onset given 20 Jan 2026)" in packet
    assert "since 20 Jan 2026" not in packet
    # The table's date column of the same entry.
    assert "ICD-10-CM F33.2 recorded 6 Jan 2025 (onset given 20 Jan 2026) severe" in packet
    row = _rows(doc, VISIT_DAY)["diagnosis"]
    assert (
        "(F33.2, since 2026-01-20); recorded 2025-01-06, before the onset given"
        in (row.evidence[0])
    )


# --- 15: the adherence column beside weeks scored to a TMS course --------------------------------


def test_the_pdc_says_it_covers_the_whole_course_beside_the_weeks_scored() -> None:
    packet = _packet(_chart("venlafaxine_gap_after_tms"), VISIT_DAY)
    # "in all": the longest run at the dose (adeq70: the 60-day gap breaks it; it was 32.4 added
    # up across the gap).
    assert (
        "18 scored (to a TMS course from 25 Aug 2025); 21.1 in all poor; PDC 66 % over the whole "
        "course; no supply 60 days from 2025-09-16, after the weeks scored " in packet
    )
