"""Session 35 review K47a findings 1-4 (lead's fix of the lead's own session-35 changes).

- Finding 1: a `taken_regimen` word cancelled a whole supply outright ("took all her night pills
  at once to die", "took all her prescribed pills at once" were quiet, TMS offered); such pills are
  now read as a `taken_med` word is, with an at-once phrase or a verb of ingestion
  (self_harm_taken._owned); "plus" joins a second object ("took all her morning pills plus 20 of
  her klonopin"), and "the rest of the bottle" is a `taken_whole` phrase.
- Finding 2: a `taken_carry` word anywhere later in the clause cancelled the act ("took all the
  pills in the house then ran away"): only right after the pill word, or one word after it.
- Finding 3: the lead's routine-time reading of a plan ("... at once at bedtime") let "at bedtime
  to die", "at bedtime tonight", "thinking of taking ... at bedtime" go quiet: reverted to fix
  text60's decision (no time of day undoes "at once" in a plan; the `taken_at_once` row says why).
- Review K48a finding 4: after the day's doses, another drug or more of them ("took all her
  morning pills and her husband's oxycodone", "... and then some", "... twice") is an overdose
  (`_beyond_doses`; the regimen reading had left them quiet).
- Finding 4: "guns locked in safe", "pills at home locked up" named no means (`risk_means_kept`
  "locked*", "secured"): locked means are still access; those rows are gone.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "k47_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    "e_took_all_her_night_pills_at_once_to_die": "fixed",
    "e_took_all_her_morning_pills_plus_20_of_her_klonopin": "fixed",
    "e_took_all_her_usual_trazodone_plus_the_rest_of_the_bottle": "fixed",
    "e_took_all_her_prescribed_pills_at_once": "fixed",
    "e_took_all_the_pills_in_the_house_then_ran_away": "fixed",
    "e_took_all_the_pills_in_the_house_then_went_off_to_bed": "fixed",
    "e_plan_to_take_all_her_meds_at_once_at_bedtime_to_die": "fixed",
    "e_plan_to_take_all_her_meds_at_once_at_bedtime_tonight": "fixed",
    "e_thinking_of_taking_all_her_meds_at_once_at_bedtime": "fixed",
    "cn_Hx_SI_2015_denies_current_SI_lives_with_husband_who_has_guns_locked_in_safe": "fixed",
    # Review K48a finding 4: more than the day's doses (self_harm_taken._beyond_doses).
    "e_took_all_her_morning_pills_and_her_husband_s_oxycodone": "fixed",
    "e_took_all_her_morning_pills_plus_her_klonopin": "fixed",
    "e_took_all_her_morning_pills_and_then_some": "fixed",
    "e_took_all_her_morning_pills_and_10_more": "fixed",
    "e_took_all_her_morning_pills_twice": "fixed",
}

QUIET = {
    "e_took_her_usual_trazodone": "control",
    "e_took_all_her_usual_pills": "control",
    "e_took_all_her_morning_pills_and_her_vitamins": "control",
    "e_took_all_her_meds_twice_a_day_as_prescribed": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
