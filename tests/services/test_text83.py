"""Session 37 fix text83: injuries with a stated accidental cause, a dated past overdose beside
today's denial, pills taken as prescribed (noise), and an accident asked, not stated (unsafe).

- "cuts on forearm from cat bite", "... from barbed wire", "cuts on wrist, accidental", "cuts to
  forearm - MVC" were critical: an accident after "from" (`accident_lead`), a bite or a vehicle
  collision (`act_accident`), or an `accident_tag` as a part of its own right after the act
  (self_harm_context._tagged). An intent or suicidal word in the act's clause, a question mark,
  or an act that names self-harm or suicide itself keeps the card ("cuts to forearm - intentional
  MVC", "cuts on wrist, accidental?", "suicide attempt, accidental"); "suicide attempt while
  cooking" was quiet, TMS offered (found beside them, now critical).
- "took all her pills as prescribed" was critical: "all" of her pills kept as prescribed, none at
  once, is the day's doses (self_harm_supply._supply); the "took all her pill*" event rows are
  retired for the taken reader, which reads "took all her pills" as before.
- "OD 2015; no SI today" was critical while "OD 2015; denies SI today" was the past-overdose
  warning: a `denial_now` word ("no") opens a denial of now (stated_history._denies_now). The
  card is the past-attempt warning a dated "Hx suicide attempt 2015" gets, as the brief asked.
- "accidental OD?" was quiet, TMS offered: "accidental OD" is an `event` row now, and an
  accidental word in a sentence closing with "?" states no accident (the card asks the intent).
- Decision kept: "Tylenol 500 mg for OD" stays critical. "for OD" is no dosing frequency (a sig
  writes "500 mg OD", with no "for"), and a drug and strength named before "for OD" in an ED
  reason read as what was taken; the once-daily reading is the less likely one, and a question
  costs less than a missed acetaminophen overdose.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text83_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    "e_accidental_OD_asked": "fixed",
    "e_suicide_attempt_while_cooking": "fixed",
    "e_Tylenol_500_mg_for_OD": "control (decision: module docstring)",
    "e_cuts_on_forearm": "control",
    "e_cuts_on_wrist_self_inflicted": "control",
    "e_cuts_on_forearm_from_a_razor_blade": "control",
    "e_cut_wrists_with_a_razor": "control",
    "e_took_all_her_pills_at_once": "control",
    "e_took_all_her_pills": "control",
    "e_took_all_of_her_pills_as_prescribed_and_then_some": "control",
    "e_OD_today": "control",
    "e_OD_2015_again_today": "control",
    "e_OD_2015_no_SI_today_plan": "control",
    "e_cuts_on_wrist_accidental_asked": "control",
    "e_cuts_to_forearm_intentional_MVC": "control",
    "e_suicide_attempt_accidental": "control",
    "e_cuts_on_wrist_with_broken_glass": "control",
}

QUIET = {
    "e_cuts_on_forearm_from_cat_bite": "fixed",
    "e_Cuts_on_forearm_from_dog_bite": "fixed",
    "e_cuts_on_forearm_from_barbed_wire": "fixed",
    "e_cuts_on_wrist_accidental": "fixed",
    "e_cuts_on_wrist_in_brackets_accidental": "fixed",
    "e_cuts_to_forearm_MVC": "fixed",
    "e_took_all_her_pills_as_prescribed": "fixed",
    "e_laceration_to_wrist_from_broken_glass_at_work": "control",
}

# The past-attempt warning (TMS offered), as "Hx suicide attempt 2015" gets: the dated act with
# today's denial beside it.
PAST = {
    "e_OD_2015_no_SI_today": "past overdose, intent not recorded (2015)",
    "e_Suicide_attempt_2015_no_SI_today": "past suicide attempt (2015)",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(PAST))
def test_dated_past_act_with_todays_denial_is_the_past_warning(name: str) -> None:
    card = _cards(name)["suicide-risk"]
    assert card["indicator"] == "warning", (name, card["summary"])
    assert PAST[name] in card["summary"]


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET, PAST)
