"""Session 36 fix lab57: lab, lithium and score leftovers of session 35 (lab53-lab56, lith50-lith53,
score52-score54).

Charts in lab57_charts/ (all 19 prefetch keys; as of 2026-12-01), built from those sessions'
Epic charts and written as Epic and Oracle Health send them:

1. A B12 valueQuantity with no unit, code or system (b1 Epic 2132-9, b2 Oracle Health code set 72
   with LOINC 2132-9, b3 the moles code 14685-2) was named, but as "vitamin B12 150 no unit not
   compared" and "its unit (no unit) is not one the service converts", which claims a unit was
   sent. Now "vitamin B12 150 on 2026-11-10, unit not recorded: cannot compare with the
   reference range"; never read in a guessed unit (150 pg/mL is low, 150 pmol/L is not).
   Controls: b4 150 pg/mL (low B12), b5 150 pmol/L (normal: no line), b6 no unit with the lab's
   flag L (low, by the lab's own flag).
2. An open TSH order (t1 text "TSH" on a lab request, t2 text "Thyroid Stimulating Hormone" with
   no category, t3 coded LOINC 3016-3) was named nowhere on the lithium monitoring card: "no TSH
   in 365 days", "TSH: none on record" (coded or not: the card read no order but the level's).
   Now "(ordered 2026-11-25)" and "check for it (drawn, resulted)". Controls: t4 the order
   completed (the diagnosis review asks), t5 no order.
3. A fill of status unknown after the supply ended: the lithium card's "may be running (no supply
   since 2026-10-27)" beside it (f1) now "(supply counted to 2026-10-27, then a fill of
   2026-11-02, status unknown)"; a fill with no status (f1 edited in the test: no valid FHIR chart
   file can omit it; a gap read as unknown) was named twice
   ("then a fill of 2026-11-02, status unknown; 1 fill since could not be read (2026-11-02)"),
   now once, as not read; the adherence card's ran_out_line (r1, venlafaxine) said "no
   fill since, its order still open: likely stopped" beside such a fill, now names it. Control:
   r2 (no fill since: "likely stopped" stays).
4. A PHQ-9 form in progress (q1) or stopped (q2) whose item 9 was read was listed as "1
   rating-scale result could not be read (PHQ-9 form not finished: ...)": now "1 PHQ-9 form not
   finished (read for its item 9; ...)". Control: q3 (a final form: no such line).
5. Two TSH of one day: "latest" was the first by Observation id (fhir_mapping/context.py sorted
   a day's results by source); now by instant when both state their time with an offset. l1: TSH
   12 at 10:00-05:00 (15:00Z) after TSH 2 at 14:00Z ("14:00Z" sorts later as text, its id first):
   was quiet, now "TSH high 12". l2: TSH 2 at 14:00Z after TSH 12 at 08:00-05:00 (13:00Z): was
   "TSH high 12", then the later normal TSH; since lab59 the earlier high one of the day counts
   (the safer reading). Control: l3, the TSH 2 dated without a time (which came later is not
   known: the old order, TSH 12).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

REVIEW = "diagnosis-review"
LITHIUM = "running-lithium-level"
TMS = "tms-referral"
ADHERENCE = "adherence-review"
_FOLDER = Path(__file__).parent / "lab57_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))
_load = chart_files.loader(_FOLDER)
_at = Evaluator(date(2026, 12, 1))

FIXED = {
    "b1_b12_150_quantity_no_unit_epic": "fixed",
    "b2_b12_150_quantity_no_unit_oracle": "fixed",
    "b3_b12_150_moles_code_quantity_no_unit": "fixed",
    "t1_tsh_order_text_only_lab_category_epic": "fixed",
    "t2_tsh_order_text_thyroid_stimulating_hormone_no_category": "fixed",
    "t3_tsh_order_coded_loinc": "fixed",
    "f1_lithium_fill_status_unknown_after_supply_ended_epic": "fixed",
    "r1_venlafaxine_fill_status_unknown_after_supply_ran_out_epic": "fixed",
    "q1_phq9_form_in_progress_item9_read": "fixed",
    "q2_phq9_form_stopped_item9_read": "fixed",
    "l1_tsh_12_at_1000_est_after_tsh_2_at_1400_utc": "fixed",
    "l2_tsh_2_at_1400_utc_after_tsh_12_at_0800_est": "fixed",
}
CONTROLS = {
    "b4_b12_150_pg_ml_control": "control",
    "b5_b12_150_pmol_l_control": "control",
    "b6_b12_150_no_unit_flag_low_control": "control",
    "t4_tsh_order_text_only_completed_control": "control",
    "t5_tsh_missing_no_order_control": "control",
    "r2_venlafaxine_no_fill_after_supply_ran_out_control": "control",
    "q3_phq9_final_form_control": "control",
    "l3_tsh_2_date_only_beside_tsh_12_control": "control",
}


def test_folder() -> None:
    chart_files.check_folder(_FOLDER, FIXED, CONTROLS)


def _all_text(cards: dict[str, dict[str, Any]]) -> str:
    return "\n".join(f"{c['summary']}\n{c.get('detail', '')}" for c in cards.values())


# 1. B12 with no unit.


@pytest.mark.parametrize(
    "name",
    [
        "b1_b12_150_quantity_no_unit_epic",
        "b2_b12_150_quantity_no_unit_oracle",
        "b3_b12_150_moles_code_quantity_no_unit",
    ],
)
def test_b12_with_no_unit_is_named_never_compared(name: str) -> None:
    cards = _cards(name)
    review = cards[REVIEW]
    assert (
        "vitamin B12 150 on 2026-11-10, unit not recorded: cannot compare with the reference range"
        in review["summary"]
    )
    assert "the unit is not guessed: pg/mL or pmol/L" in review["detail"]
    assert "no unit not compared" not in review["summary"]
    assert "its unit (no unit)" not in review["detail"]
    # Never read as low (pg/mL) nor as normal (pmol/L): no hold, no "low B12".
    assert "low B12" not in _all_text(cards)


def test_b12_150_pg_ml_is_low() -> None:
    cards = _cards("b4_b12_150_pg_ml_control")
    assert "low B12" in cards[REVIEW]["summary"]
    assert "review low B12 first" in cards[TMS]["summary"]


def test_b12_150_pmol_l_is_not_low() -> None:
    cards = _cards("b5_b12_150_pmol_l_control")
    assert "B12" not in cards.get(REVIEW, {}).get("summary", "")


def test_b12_with_no_unit_flagged_low_by_the_lab_is_low() -> None:
    cards = _cards("b6_b12_150_no_unit_flag_low_control")
    assert "low B12" in cards[REVIEW]["summary"]
    assert "unit not recorded" not in cards[REVIEW]["summary"]


# 2. A TSH ordered, named on the lithium card.


@pytest.mark.parametrize(
    "name",
    [
        "t1_tsh_order_text_only_lab_category_epic",
        "t2_tsh_order_text_thyroid_stimulating_hormone_no_category",
        "t3_tsh_order_coded_loinc",
    ],
)
def test_tsh_ordered_is_named_on_the_lithium_card(name: str) -> None:
    cards = _cards(name)
    card = cards[LITHIUM]
    assert "no TSH in 365 days (ordered 2026-11-25)" in card["summary"]
    assert "- TSH: **none on record**; ordered 2026-11-25: check for it" in card["detail"]
    assert [
        s for c in cards.values() for s in c.get("suggestions") or [] if s["label"] == "Order TSH"
    ] == []


@pytest.mark.parametrize(
    "name", ["t4_tsh_order_text_only_completed_control", "t5_tsh_missing_no_order_control"]
)
def test_no_open_tsh_order_names_none(name: str) -> None:
    cards = _cards(name)
    assert "ordered 2026-11-25" not in cards[LITHIUM]["summary"]
    assert (
        "TSH: **none on record** (asked on the diagnosis review card)" in cards[LITHIUM]["detail"]
    )
    assert "Order TSH" in [s["label"] for s in cards[REVIEW].get("suggestions") or []]


# 3. A fill of unknown status after the supply ended.


def test_lithium_may_be_running_names_the_fill_to_confirm() -> None:
    detail = _cards("f1_lithium_fill_status_unknown_after_supply_ended_epic")[LITHIUM]["detail"]
    assert (
        "may be running (supply counted to 2026-10-27, then a fill of 2026-11-02, status unknown)"
        in detail
    )
    assert "no supply since 2026-10-27" not in detail


def test_a_fill_with_no_status_is_named_once() -> None:
    doc = _load("f1_lithium_fill_status_unknown_after_supply_ended_epic")
    for entry in doc["prefetch"]["medicationDispenses"]["entry"]:
        if entry["resource"].get("status") == "unknown":
            del entry["resource"]["status"]  # required in FHIR R4; some feeds still omit it
    detail = _at.by_topic(doc)[LITHIUM]["detail"]
    assert "may be running (supply read to 2026-10-27, 1 fill since not read)" in detail
    assert "then 1 fill since could not be read (2026-11-02): confirm that fill" in detail
    assert "status unknown" not in detail


def test_ran_out_line_names_the_fill_to_confirm() -> None:
    card = _cards("r1_venlafaxine_fill_status_unknown_after_supply_ran_out_epic")[ADHERENCE]
    assert "no supply counted for 539 days" in card["summary"]
    assert (
        "no supply counted since 2025-06-10 (539 days), then a fill of 2025-07-20, status unknown"
        in card["detail"]
    )
    assert "Confirm that fill (the pharmacy record)" in card["detail"]
    assert "likely stopped" not in card["detail"] and "no fill since" not in card["detail"]


def test_ran_out_line_without_a_fill_stays() -> None:
    card = _cards("r2_venlafaxine_no_fill_after_supply_ran_out_control")[ADHERENCE]
    assert "no supply since 2025-06-10 (539 days) and no fill since" in card["detail"]
    assert "likely stopped" in card["detail"]


# 4. An unfinished PHQ-9 form read for its item 9.


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("q1_phq9_form_in_progress_item9_read", "in progress"),
        ("q2_phq9_form_stopped_item9_read", "stopped"),
    ],
)
def test_unfinished_form_is_named_unfinished_not_unreadable(name: str, status: str) -> None:
    text = _all_text(_cards(name))
    assert (
        "1 PHQ-9 form not finished (read for its item 9; its total so far is not a final total): "
        f"the questionnaire of 2026-11-15 ({status}, total 23 as filed)"
    ) in text
    assert "could not be read (PHQ-9 form not finished" not in text


def test_final_form_has_no_unfinished_line() -> None:
    assert "not finished" not in _all_text(_cards("q3_phq9_final_form_control"))


# 5. Two results of one day: the later instant is the latest.


@pytest.mark.parametrize(
    "name",
    [
        "l1_tsh_12_at_1000_est_after_tsh_2_at_1400_utc",
        "l3_tsh_2_date_only_beside_tsh_12_control",
    ],
)
def test_the_later_tsh_12_is_judged(name: str) -> None:
    assert "TSH high 12" in _cards(name)[REVIEW]["summary"]


def test_the_earlier_high_tsh_of_the_day_counts() -> None:
    # lab59 item 1: the day's results disagree, so the safer (high) one decides, both named.
    review = _cards("l2_tsh_2_at_1400_utc_after_tsh_12_at_0800_est")[REVIEW]
    assert "TSH high 12" in review["summary"]
    assert "results of 2026-11-10 disagree" in review["detail"]
