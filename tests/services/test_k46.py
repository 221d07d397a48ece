"""Session 35 review K46a findings 8, 9, 12 (lead's fix): noise the last session-34 commits let in.

- Finding 8 (new with 775b55e2, which let two words stand before the pills): "took all her
  morning pills", "Fall at home, took all her usual pills", "plan to take all her morning pills"
  read as an overdose or a plan of a whole supply; "took all her kids' pills to the pharmacy",
  "took all the kids' tablets away as punishment" too. A `taken_regimen` word before the pills
  makes them the day's doses; a `taken_carry` phrase after them makes the verb carry them
  (self_harm_supply._owned). "her heart pills", "her pain pills", "her sleeping pills" stay read.
- Finding 12 (older): the `taken_pill` row "pill*" read "pillows".
- Finding 9 (new with 758fa444's "access to pills" rows; "Access to guns: none" older): a means
  line answered after a colon or dash ("Access to pills: denies", "Access to medications: husband
  manages") kept a past plan current: the critical card instead of
  the past warning (stated_history.means, `_answered_no`). "Access to pills: yes" and "Has a
  gun at home" keep it critical.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "k46_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    "e_took_all_her_pain_pills": "control",
    "e_took_all_her_heart_pills": "control (a class of pills names a supply: the safer error)",
    "e_took_all_her_sleeping_pills": "control",
    # Review K50a s35: the day's doses only when nothing follows the pills ("... before bed" is
    # read, the safer error: "... with 10 ambien", "... with vodka" were quiet).
    "e_took_all_his_night_pills_before_bed": "reverted",
    "e_plan_to_take_all_her_kids_pills": "control",
    "cn_History_of_SI_in_2015_none_since_Access_to_pills_yes": "control",
    "cn_History_of_SI_in_2015_none_since_Has_a_gun_at_home": "control",
    # Locked means are still access (review K47a s35 finding 4: the "locked*" rows are gone).
    "cn_History_of_SI_in_2015_none_since_Lethal_means_counseling_done_pills_at_home_locked_up": (
        "reverted"
    ),
}

QUIET = {
    "e_took_all_her_morning_pills": "fixed",
    "e_Fall_at_home_took_all_her_morning_pills": "fixed",
    "e_took_all_her_usual_pills": "fixed",
    "e_plan_to_take_all_her_morning_pills": "fixed",
    "e_took_all_her_kids_pills_to_the_pharmacy": "fixed",
    "e_took_all_the_kids_tablets_away_as_punishment": "fixed",
    "e_took_all_the_pillows_off_the_bed": "fixed",
}

PAST = {
    "cn_History_of_SI_in_2015_none_since_Access_to_pills_denies": "fixed",
    "cn_History_of_SI_in_2015_none_since_Access_to_guns_none": "fixed",
    "cn_History_of_SI_in_2015_none_since_Access_to_medications_husband_manages": "fixed",
    "cn_In_2025_plan_was_to_overdose_none_since_Access_to_pills_none": "fixed",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(PAST))
def test_means_answered_no_is_the_past_warning(name: str) -> None:
    cards = _cards(name)
    card = cards.get(chart_files.RISK)
    assert card is not None and card["indicator"] == "warning", (name, card)
    assert card["summary"].endswith("ask about current thoughts"), (name, card)
    assert chart_files.TMS in cards


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET, PAST)
