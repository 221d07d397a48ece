"""Session 42 recheck K70a (text106 / text107 merges), fix text109.

- Command voices to harm oneself in other wordings ("CAH: kill self", "voices which tell him to
  die", "voices say go kill yourself", "voices tell her to end it", "AH telling her to take all
  her pills") gave no suicide-risk card: command_hallucination.py reads a colon, a quote or "go"
  as the joint, more `between` words and objects.
- A denial limited to an earlier time ("Denies SI 2 days ago", "Denied SI Monday", "denied SI
  last night.") is undone by a later "today with plan", also in the next sentence (prefix_undone).
- "voices" as a verb ("pt voices told to RTC") raised the psychotic card: voices_verb.py.
- A preparatory act with an ordinary reason in its sentence ("gave away cat, moving to
  apartment", "wrote will 2019") is not read; bare acts stay critical (preparatory_reason.py).
- "passive thoughts about work" and "plan for ECT" are no suicidal ideation or plan.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text109_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    "e_CAH_kill_self": "fixed",
    "e_voices_which_tell_him_to_die": "fixed",
    "e_hears_voice_of_devil_telling_him_to_die": "fixed",
    "e_CAH_to_harm_others_and_self": "fixed",
    "e_voices_telling_her_kill_yourself": "fixed",
    "e_voices_say_go_kill_yourself": "fixed",
    "e_voices_tell_her_to_end_it": "fixed",
    "e_voices_telling_her_to_cut": "fixed",
    "e_AH_telling_her_to_take_all_her_pills": "fixed",
    "e_Denies_SI_2_days_ago_today_with_plan": "fixed",
    "e_Denied_SI_Monday_today_with_plan": "fixed",
    "e_Denies_SI_this_morning_now_with_plan": "fixed",
    "e_denied_SI_last_night_Today_with_plan": "fixed",
    "e_Neg_SI_HI_pt_wrote_will_and_gave_away_dog": "control",
    "e_pt_wrote_will_and_gave_away_dog": "control",
    "e_put_affairs_in_order": "control",
    "e_Denies_SI_previously_currently_with_plan_to_OD": "control",
    "e_passive_thoughts_about_dying": "control",
    "e_voices_telling_her_to_cut_herself": "control",
    # Recheck K72a findings 1-2 (lead fix): moving, retiring, hospice, terminal illness, DNR and
    # coworkers are no ordinary reason any more (risk factors and euphemisms: "moving on");
    # these acts are read again, the safer error (test_k72.py).
    "e_gave_away_cat_moving_to_apartment": "control",
    "e_texted_goodbye_to_coworkers_moving_to_Ohio": "control",
    "e_goodbye_texts_to_coworkers_at_last_shift": "control",
    "e_called_sister_to_say_goodbye_before_moving": "control",
    "e_getting_her_affairs_in_order_hospice": "control",
    "e_put_affairs_in_order_terminal_cancer_DNR": "control",
    # A year is no ordinary reason any more (lead fix after text110: "wrote will 2026, SI
    # denied" was quiet too): the dated act is read, the safer error.
    "e_wrote_will_2019": "control",
}

QUIET = {
    "e_wrote_a_will_with_lawyer": "fixed",
    "e_writing_a_will_for_estate_planning": "fixed",
    "e_gave_away_the_dog_to_her_sister_due_to_allergies": "fixed",
    "e_put_affairs_in_order_before_deployment": "fixed",
    "e_passive_thoughts_about_work": "fixed",
    "e_Denies_SI_previously_currently_with_plan_for_ECT": "fixed",
    "e_Pt_voices_saying_she_wants_to_go_home": "fixed",
    "e_pt_voices_told_to_RTC": "fixed",
    "e_Pt_voices_instructions_understood": "fixed",
    "e_pt_voices_ordering_a_new_CPAP": "fixed",
    "e_hoarse_voice_voices_saying_words_is_painful": "fixed",
    "e_Denies_SI_yesterday_Today_here_for_refill": "control",
    "e_denied_SI_last_night_Today_denies_plan": "control",
    "e_hoarse_voice_cut_back_smoking": "control",
    "e_denies_CAH_to_harm_self": "control",
    # A goodbye received from another person is no preparatory act of the patient's (session 43
    # fix text114, goodbye_sender.py; test_text114.py).
    "e_goodbye_message_from_hospice_chaplain": "fixed",
}

# Command voices to harm another: no suicide-risk card, TMS held for the psychotic feature.
PSYCHOTIC_ONLY = {
    "e_voices_telling_him_to_kill_the_neighbour": "control",
    "e_the_voices_say_she_is_evil": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(PSYCHOTIC_ONLY))
def test_psychotic_only(name: str) -> None:
    cards: dict[str, Any] = _cards(name)
    assert "suicide-risk" not in cards, (name, cards["suicide-risk"]["summary"])
    assert "tms-referral" not in cards


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET, PSYCHOTIC_ONLY)
