"""Session 35 fix text59: self-harm words still quiet or wrong (session 34 leftovers).

- 1 (UNSAFE): "cut with a razor", "slashing her wrists", "slashed wrists", "slashed her arm" were
  quiet, TMS offered: an act of self-cutting. `act` rows "cut w* razor*" (a razor only) and "slash*"
  with a body part or a reflexive pronoun; "razor burn", "cut with a razor while shaving",
  "slashing prices", "cut with a knife while cooking" stay quiet.
- 2 (UNSAFE): bare "intent to die" ("stated", "expressed") was quiet: a `preparatory` row, read as
  suicidal ideation with a plan; "denies intent to die", "no intent to die" stay quiet.
- 3 (UNSAFE): "OD x 3 days today" was quiet: text56 let a `clause_time` word stand before a "$"
  term's clause end, and the once-daily `lookalike` row "od x * day*$" blanked the overdose count
  before "today" or "prior". A lookalike row closes its clause strictly again (decision: a time word
  after "OD x 3 days" reads the overdose, the safer error); "sertraline 50 mg OD x 3 days" stays
  once daily.
- 4 (WRONG): "OD with clear intent to die" said "intent not recorded" (an `od_intent_modifier`
  may stand before the intent word now), and "OD with intent to die?" said self-harm: a question
  mark after the purpose is a doubt, so the intent is not recorded (still critical).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text59_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

_ACT = "Self-harm or suicide attempt"
_UNKNOWN = "Overdose, intent not recorded"

# name: the summary the critical card opens with (None: the suicidal-ideation card, whose
# summary opens with the words themselves). All were quiet (TMS offered) or worded wrong before.
CRITICAL: dict[str, str | None] = {
    "e_cut_with_a_razor": _ACT,
    "e_Cut_w_razor": _ACT,
    "e_cuts_with_a_razor": _ACT,
    "e_slashing_her_wrists": _ACT,
    "e_slashed_wrists": _ACT,
    "e_slashed_her_arm": _ACT,
    "e_denies_SI_and_slashed_her_wrists": _ACT,
    "c_Cut_with_a_razor": _ACT,
    "c_Slashed_wrists": _ACT,
    "e_intent_to_die": None,
    "e_stated_intent_to_die": None,
    "e_expressed_intent_to_die": None,
    "c_Intent_to_die": None,
    "e_OD_x_3_days_today": _UNKNOWN,
    "e_OD_x_3_days_prior": _UNKNOWN,
    # Finding 4: worded wrong before ("intent not recorded"; self-harm for the question).
    "e_OD_with_clear_intent_to_die": _ACT,
    "e_OD_with_intent_to_die_question": _UNKNOWN,
}

QUIET = {
    "e_razor_burn": "control",
    "c_Razor_burn": "control",
    "e_cut_with_a_razor_while_shaving": "control",
    "e_slashing_prices": "control",
    "e_slashed_tires": "control",
    "e_cut_with_a_knife_while_cooking": "control",
    "e_denies_intent_to_die": "control",
    "e_no_intent_to_die": "control",
    "e_sertraline_50_mg_OD_x_3_days": "control",
    "e_Metformin_OD_x2_weeks": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    cards = _cards(name)
    chart_files.assert_critical_without_tms(cards, name)
    summary = cards[chart_files.RISK]["summary"]
    opening = CRITICAL[name]
    if opening is None:  # the suicidal-ideation card names the words it read
        assert "intent to die" in summary.lower(), (name, summary)
        assert "complete a suicide risk assessment" in summary, (name, summary)
    else:
        assert summary.startswith(opening), (name, summary)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
