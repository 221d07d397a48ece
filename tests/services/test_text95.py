"""Session 39 fix text95: self-harm noise, critical cards where the text says otherwise
(fhir_mapping/accident_guard.py, self_harm_context.py, taken_course_end.py, self_harm_taken.py,
denial_governs.py).

- A second body part joined to a scratch act explained by an itch ("scratches on forearm and
  hands (eczema)") was critical while "scratches on forearm (eczema)" was quiet: a joined site
  is the act's own, no other word beside the cause (`without_joined_sites`).
- "took 2 weeks of her sertraline, switched over to lexapro" gave the overdose card: the part
  after the comma opens by ending the course, so its drug is no second object of "took"
  (`opens_course_end`).
- "denies thoughts that family would be better off if she were gone" gave the suicidal ideation
  card: the denial verb opening the clause governs the passive wish past NegEx's five words
  (`condition_denial_passive`); a joined "and" or a denied intent ends what it governs
  (`condition_denial_stop`), which also makes "denies SI and thinks family would be better off
  if she killed herself" critical again (it was quiet, TMS offered).
Controls: an intent or self-harm word, a tool, a second injury or a doubt beside the scratches; an
at-once time, a collapse or a second drug beside the period of supply; an undenied wish, a
denial in another clause ("denies SI, ..."; "denies SI but ..."); "sib cut her" stays critical and
"non-intentional scratches" quiet.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text95_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # A joined "and" ends what a denial verb governs (was quiet, TMS offered).
    "e_denies_SI_and_thinks_family_would_be_better_off_if_she_killed_herself": "fixed",
    # Scratches: the nearest critical shapes.
    "e_intentional_scratches_to_wrists_eczema": "control",
    "e_self_harm_scratches_on_forearm_and_hands": "control",
    "e_scratches_on_forearm_and_hands_with_razor_eczema": "control",
    "e_scratches_on_forearm_and_cuts_on_hands_eczema": "control",
    "e_scratches_on_forearm_and_hands_eczema_vs_self": "control",
    "e_sib_cut_her": "control",
    # A period of the patient's own supply taken at once.
    "e_took_2_weeks_of_her_sertraline_at_once": "control",
    "e_took_2_weeks_of_her_sertraline_found_down": "control",
    "e_took_2_weeks_of_her_sertraline_switched_over_to_lexapro_found_down": "control",
    "e_took_2_weeks_of_her_sertraline_switched_to_lexapro_last_night": "control",
    "e_took_2_weeks_of_her_sertraline_and_her_lexapro": "control",
    "e_took_all_her_morning_pills_and_her_husbands_oxycodone": "control",
    # A passive wish undenied, or denied only in another clause.
    "e_thoughts_that_family_would_be_better_off_if_she_were_gone": "control",
    "e_denies_SI_but_thinks_family_would_be_better_off_if_she_were_gone": "control",
    "e_denies_SI_and_thinks_family_would_be_better_off_if_she_were_gone": "control",
    "e_denies_SI_family_would_be_better_off_if_she_were_gone": "control",
    "e_denies_intent_to_act_on_thoughts_that_family_would_be_better_off_without_her": "control",
}

QUIET = {
    # A joined body site of an itch scratched (was critical).
    "e_scratches_on_forearm_and_hands_eczema": "fixed",
    "e_scratches_on_forearm_and_left_hand_eczema": "fixed",
    "e_Scratches_to_forearm_and_hands_dt_eczema_flare": "fixed",
    # A course of the drug ended by a switch (was critical).
    "e_took_2_weeks_of_her_sertraline_switched_over_to_lexapro": "fixed",
    "e_Took_2_wks_of_her_Zoloft_then_switched_to_Lexapro": "fixed",
    "e_took_2_weeks_of_her_sertraline_and_switched_to_lexapro": "fixed",
    # A denied passive wish (was critical).
    "e_denies_thoughts_that_family_would_be_better_off_if_she_were_gone": "fixed",
    "e_denies_thoughts_that_family_would_be_better_off_without_her": "fixed",
    "e_Denies_thoughts_that_her_family_would_be_better_off_if_she_were_dead": "fixed",
    # Session 38's quiet texts.
    "e_scratches_on_forearm_eczema": "control",
    "e_took_2_weeks_of_her_sertraline_stopped": "control",
    "e_denies_thoughts_that_family_would_be_better_off_if_she_killed_herself": "control",
    "e_non_intentional_scratches": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
