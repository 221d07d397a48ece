"""Recheck K35a s33 finding 2 (fix text49b): a past act of taking a drug named was not read.

The `event` rows "took # tablets", "took # of * lithium", "took # tylenol" named tablets, pills
and tylenol only, so "took 20 ativan", "took 15 xanax", "took 30 norco", "took 10 oxycodone",
"took 20 seroquel", "swallowed 30 norco", "ingested 20 ativan", "took all of her lithium", "took
handful of pills" and "took 8 norco and all her pills" raised no card and TMS was offered, while
"took 30 tylenol" was critical. A `taken_verb` row's object is now read by the count and object
rules of a "take" plan (stated_dosing.py), and a `taken_supply` phrase ("all of her", "handful
of", "the rest of") of a drug or pill word is a whole supply (self_harm_taken.py). Controls: a
count within a dose ("took 1 ativan at bedtime", "took 2 tylenol for headache"), a measure
("took 20 mg sertraline"), no drug ("took 5 of her kids to school", "downed a bottle of wine"),
a denial or a relative's act stay quiet.

Vendor-shaped patient-view requests with all 19 prefetch keys in text49b_charts/, as of
2026-12-01: `e_` an Epic ED visit's reason (neg37_charts/e_Hx_SI_Plan_none.json), `on_` an
Oracle nursing flowsheet comment (heads42_charts/on_Plan_hang_self.json), `cn_` a problem-list
Condition.note (heads43_charts/cn_SI_with_plan_to_hang_self.json), each with two failed trials
and the TMS card offered when nothing else holds it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping import self_harm_text
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text49b_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # A count of a drug named above a dose (the "take" plan's rules).
    "e_took_20_ativan": "fixed",
    "e_took_15_xanax": "fixed",
    "e_took_8_klonopin": "fixed",
    "e_took_30_norco": "fixed",
    "e_took_30_norco_last_night": "fixed",
    "e_took_10_oxycodone": "fixed",
    "e_took_20_seroquel": "fixed",
    "e_swallowed_30_norco": "fixed",
    "e_ingested_20_ativan": "fixed",
    "e_took_30_of_her_ativan": "fixed",
    "e_denies_SI_took_20_xanax_last_night": "fixed",
    # A whole supply, and an object after "and".
    "e_took_all_of_her_lithium": "fixed",
    "e_took_handful_of_pills": "fixed",
    "e_took_8_norco_and_all_her_pills": "fixed",
    "e_took_the_rest_of_her_klonopin": "fixed",
    "e_swallowed_a_whole_bottle": "fixed",
    # The same words in a flowsheet comment and a problem-list note.
    "on_took_20_ativan": "fixed",
    "on_took_all_of_her_lithium": "fixed",
    "on_took_8_norco_and_all_her_pills": "fixed",
    "cn_took_15_xanax": "fixed",
    "cn_took_handful_of_pills": "fixed",
    "cn_swallowed_30_norco": "fixed",
    # Controls: read before and after.
    "e_OD_d_on_20_ativan": "control",
    "e_took_30_tylenol": "control",
    "e_took_all_her_pills": "control",
}

QUIET = {
    # Controls: a dose, a measure, no drug, a denial, a relative's act, adherence.
    "e_took_2_tylenol_for_headache": "control",
    "e_took_1_ativan_at_bedtime": "control",
    "e_took_20_mg_sertraline": "control",
    "e_took_3_xanax_for_anxiety": "control",
    "e_took_5_of_her_kids_to_school": "control",
    "e_never_took_20_ativan": "control",
    "e_Mother_took_20_ativan": "control",
    "e_downed_a_bottle_of_wine": "control",
    "e_took_all_day_to_arrive": "control",
    "e_took_all_her_meds_today": "control",
    "e_took_all_3_meds_at_bedtime": "control",
    "on_took_1_ativan_at_bedtime": "control",
    "cn_took_20_mg_sertraline": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    cards = _cards(name)
    chart_files.assert_critical_without_tms(cards, name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    cards = _cards(name)
    chart_files.assert_quiet_with_tms(cards, name)


def test_every_chart_is_named() -> None:
    names = {p.stem for p in _FOLDER.glob("*.json")}
    assert names == set(CRITICAL) | set(QUIET)


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("took 20 ativan", True),
        ("took 5 ativan", True),
        ("took 4 ativan", False),  # within `plan_take_most`, as "take 4 ativan"
        ("took 10 klonopin at bedtime", True),  # no everyday analgesic: a dose's word no help
        ("took 2 tylenol and 20 ativan", True),
        ("took 2 tylenol and went to bed", False),
        ("took all my xanax", True),
        ("swallowed a handful of ativan", True),
        ("ingested a bottle of xanax", True),
        ("took 14 days of keflex", False),
        ("took 20 mg sertraline; 2 tylenol", False),
    ],
)
def test_the_reading_by_itself(text: str, read: bool) -> None:
    """The rule through self_harm_text.reading: an overdose of intent not recorded, or nothing."""
    found = self_harm_text.reading(text)
    assert (found is self_harm_text.Reading.INTENT_UNKNOWN) is read, (text, found)
    assert read or found is None
