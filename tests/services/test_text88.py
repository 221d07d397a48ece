"""Session 38 fix text88: overdose shapes that were quiet, TMS offered.

- "Found down, eyes closed, OD": "eyes" before the item's "OD" read it as the right eye
  (od_item._eye_before, fix text48a's "Eye pain, OD"). A reason naming an overdosed patient's
  presentation (`od_item_acute`: "found down", "unresponsive", "eyes closed") reads the item as
  an overdose (od_item._acute); "Eye pain, OD", "eyes: OD injected", "OD: 20/40" stay the eye's.
- "took 2 weeks of her seroquel": a period of a supply was read only with an at-once phrase, a
  time of one moment or a verb of ingestion (fix text68: "took 2 weeks of sertraline" is a
  course). A `taken_period_owner` word after the period ("her", "my") now reads the patient's own
  supply taken at once (self_harm_supply._owned_period), unless the sentence keeps the doses or
  ends a course ("as prescribed", "then stopped": self_harm_taken._owner_read).
- "worried life insurance will not pay if she kills herself": "kills herself" was no
  ideation_object, "if she" no qualifier, and the main clause's "not" denied the condition. A
  conditional qualifier (`ideation_condition` "if" opening an ideation_lead) is denied only
  inside its condition (self_harm_text._denied_from).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.od_item import acute_sided
from fhir_mapping.self_harm_text import ideation
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text88_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    "e_Found_down_eyes_closed_OD": "fixed",
    "e_Unresponsive_eyes_closed_OD": "fixed",
    "e_took_2_weeks_of_her_seroquel": "fixed",
    "e_Took_a_month_of_my_lithium": "fixed",
    "cn_took_2_weeks_of_her_seroquel": "fixed",
    "e_worried_life_insurance_will_not_pay_if_she_kills_herself": "fixed",
    "e_asked_if_I_kill_myself_will_my_kids_get_the_insurance": "fixed",
    "cn_worried_life_insurance_will_not_pay_if_she_kills_herself": "fixed",
    # Neighbours that were critical already and must stay so.
    "e_Found_down_pupils_pinpoint_OD": "control",
    "e_unresponsive_OD": "control",
    "e_took_a_month_s_supply_of_her_sertraline": "control",
    "e_took_the_whole_bottle_of_her_lithium": "control",
}

QUIET = {
    "e_eyes_OD_injected": "control",
    "e_OD_20_40": "control",
    "e_Eye_pain_OD": "control",
    "e_took_2_weeks_of_sertraline_then_stopped_nausea": "control",
    "e_took_2_weeks_of_her_sertraline_then_stopped_nausea": "control",
    "e_took_2_weeks_of_her_seroquel_as_prescribed": "control",
    "e_took_sertraline_for_2_weeks": "control",
    "e_life_insurance_paperwork": "control",
    "e_no_SI_would_not_hurt_herself_if_discharged": "control",
    "e_Pt_worried_if_mother_kills_herself": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("Found down, eyes closed, OD", "Found down, eyes closed, overdose"),
        ("Eye pain, OD", "Eye pain, OD"),
        ("Found down, OD, IOP 18 OS 17", "Found down, OD, IOP 18 OS 17"),
    ],
)
def test_acute_presentation_reads_the_item(text: str, read: str) -> None:
    assert acute_sided(text) == read


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("life insurance will not pay if she kills herself", True),
        ("if he kills himself", True),
        ("no SI, would not hurt herself if discharged", False),
        ("if she stops her meds", False),
    ],
)
def test_conditional_thought(text: str, said: bool) -> None:
    assert ideation(text) is said
