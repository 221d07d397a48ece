"""Session 42 fix text108: psychiatric holds text107 misread (review K70a findings 1, 2, 4, 5, 7).

- 1 (UNSAFE): a hold in force beside another thing's refusal ("Baker Act, pt declined voluntary
  admission", "on 5150, declined PO meds", "TDO, pt declined") was quiet, TMS offered: a
  `not_placed` word is the hold's only right after it (fhir_mapping/psych_hold.py `_said_of`).
- 2 (UNSAFE): a hold in force beside another thing's end ("5150 hold, IV removed", "released from
  jail on 5150") was the past warning, TMS offered; "5150 hold rescinded, pt now voluntary" and
  "5150 released, converted to 5250" still held.
- 3 (lead's decision on K70a 5): an ended hold with no current denial is critical, named as the
  hold ("Emergency hold or 1:1, since ended (...)"), never "suicidal ideation"; with a denial the
  past warning, its summary naming the end.
- 4 (WRONG): a hold stated as history in a Condition note ("h/o 5150 holds", "involuntary
  commitment 2015") was critical: now the past warning; "pt on 5150" in a note stays critical.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text108_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    "e_Baker_Act_pt_declined_voluntary_admission": "fixed",
    "e_Baker_Act_because_pt_declined_voluntary_admission": "fixed",
    "e_Baker_Acted_declined_voluntary": "fixed",
    "e_on_5150_declined_voluntary": "fixed",
    "e_Baker_Act_pt_declined": "fixed",
    "e_on_5150_declined_PO_meds": "fixed",
    "e_5150_hold_declined_food": "fixed",
    "e_pt_on_5150_hold_pt_declined_labs": "fixed",
    "e_IVC_d_declined_meds": "fixed",
    "e_TDO_pt_declined": "fixed",
    "e_pt_on_1_1_sitter_declined_dinner": "fixed",
    "e_1_1_sitter_meds_declined": "fixed",
    "e_5150_hold_IV_removed": "fixed",
    "e_5150_hold_lithium_discontinued_due_to_AKI": "fixed",
    "e_on_5150_Zoloft_dc_d": "fixed",
    "e_on_5150_medications_discontinued": "fixed",
    "e_5150_hold_no_longer_taking_meds": "fixed",
    "e_on_5150_pt_dropped_out_of_school": "fixed",
    "e_1_1_sitter_foley_removed": "fixed",
    "e_on_1_1_sitter_no_longer_eating": "fixed",
    "e_on_1_1_sitter_restraints_removed": "fixed",
    "e_released_from_jail_on_5150": "fixed",
    "e_discharged_from_ICU_on_5150": "fixed",
    "e_pt_off_all_meds_on_5150_hold": "fixed",
    "e_5150_hold_rescinded_pt_now_voluntary": "fixed",
    "e_5150_released_converted_to_5250": "fixed",
    "e_5150_lifted_11_29_per_psych": "fixed",
    "e_released_from_5150": "fixed",
    "cn_5150_lifted_11_29_per_psych": "fixed",
    "e_5150_released_SI_today": "control",
    "cn_pt_on_5150": "control",
    "cn_h_o_5150_holds_now_on_5150_again": "control",
}

QUIET = {
    "e_Baker_Act_declined": "control",
    "e_5150_criteria_not_met": "control",
    "e_consider_5150_not_indicated": "control",
    "e_does_not_meet_criteria_for_5150": "control",
}

# An ended hold denied now, or a note's history of holds: the past warning.
WARNING = {
    "e_5150_released_denies_SI_HI": "control",
    "e_5150_lifted_11_29_per_psych_denies_SI": "fixed",
    "cn_h_o_5150_holds": "fixed",
    "cn_involuntary_commitment_2015": "fixed",
    "cn_Baker_Acted_in_2018_after_OD": "fixed",
}

# An ended hold with no current denial: critical, named as the hold.
RELEASED = (
    "e_5150_lifted_11_29_per_psych",
    "e_released_from_5150",
    "cn_5150_lifted_11_29_per_psych",
)


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(WARNING))
def test_past_hold_warns(name: str) -> None:
    card = _cards(name).get("suicide-risk")
    assert card is not None and card["indicator"] == "warning", (name, card)
    assert "suicidal" not in card["summary"].lower()


@pytest.mark.parametrize("name", RELEASED)
def test_released_hold_named(name: str) -> None:
    card = _cards(name)["suicide-risk"]
    assert card["summary"].startswith("Emergency hold or 1:1, since ended"), card["summary"]
    assert "since ended, no current denial recorded" in card["detail"]
    assert "suicidal ideation" not in card["summary"].lower()


def test_denied_hold_summary_names_the_end() -> None:
    card = _cards("e_5150_lifted_11_29_per_psych_denies_SI")["suicide-risk"]
    assert "hold since ended" in card["summary"], card["summary"]
    tms = _cards("e_5150_released_denies_SI_HI")["tms-referral"]
    assert "past suicidal ideation" not in tms["detail"], tms["detail"]


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET, WARNING)
