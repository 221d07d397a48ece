"""Session 31 fix sib37: recheck K27a s31 (scratch-k27a charts, patient-view requests with all 19
prefetch keys in sib37_charts/; as of 2026-12-01). Each chart of a "failed before" group fails on
a547f569 and passes here; the controls pass both.

1. A past score after a quoted PHQ-9 item's negative answer undid the blanking ('"Better off
   dead": not at all (previously 3)', '... not at all; last visit 3', '... 0 today (3 on
   11/1)': critical, today's answer is 0): only a current later score undoes
   (quoted_answer.py, `lookalike_undo_past` / `lookalike_answer_now` rows).
2. Another person's SIB and a remote SIB read as the patient's current act ("Son with autism
   and SIB", "Pt cares for son with SIB": self_harm_subject.py `relative_list`, care
   `relative_lead` rows; "Remote SIB in adolescence, none since", "SIB in remission":
   self_harm_past.py, the past-self-harm warning that asks about current thoughts).
3. "Wants to join her husband in Florida" was critical (a "join him" row): joining someone
   alive is no death wish (ideation_lookalike.py, `join_*` rows).
4. Passive ideation in C-SSRS item 1's own words raised nothing ("wishes she would not wake
   up", "thoughts of dying", "wants to sleep forever", "I want to go to sleep and never wake
   up", "I just want it all to end", "better off if she were gone"): suicidal-ideation rows.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

RISK = "suicide-risk"
TMS = "tms-referral"
_cards = chart_files.topic_reader(Path(__file__).parent / "sib37_charts", date(2026, 12, 1))


def _critical(name: str) -> dict[str, Any]:
    cards = _cards(name)
    card = cards.get(RISK)
    assert card is not None and card["indicator"] == "critical", (name, card)
    return card


def _quiet(name: str) -> None:
    cards = _cards(name)
    assert RISK not in cards, (name, cards[RISK]["summary"])


# 1. Failed before: a past later score leaves the quoted item's 0 blanked.
@pytest.mark.parametrize(
    "name",
    [
        "c_Better_off_dead_not_at_all_previously_3_",
        "c_Better_off_dead_not_at_all_last_visit_3",
        "c_Better_off_dead_0_today_3_on_11_1_",
    ],
)
def test_past_later_score_undoes_nothing(name: str) -> None:
    _quiet(name)


# 1. Controls: a current later score, or a dated one beside an undated answer, is read.
@pytest.mark.parametrize("name", ["c_Better_off_dead_0_now_3", "c_Better_off_dead_0_3_on_11_1_"])
def test_current_later_score_read(name: str) -> None:
    _critical(name)


# 2. Failed before: another person's SIB.
@pytest.mark.parametrize(
    "name", ["c_Son_with_autism_and_SIB", "c_Pt_cares_for_son_with_SIB", "c_Daughter_with_ASD_SIB"]
)
def test_relatives_sib_quiet(name: str) -> None:
    _quiet(name)


# 2. Failed before: SIB stated as past is the past-self-harm warning, never critical, never
# dropped.
@pytest.mark.parametrize("name", ["c_Remote_SIB_in_adolescence_none_since", "c_SIB_in_remission"])
def test_past_sib_is_the_warning(name: str) -> None:
    card = _cards(name)[RISK]
    assert card["indicator"] == "warning", card["summary"]
    assert "past self-harm, stated as past: ask about current thoughts" in card["summary"]
    assert "problem-list entry records past self-harm" in card["detail"]


# 2. Controls: the patient named in the list, a current word, an attempt stay critical; a
# relative's SIB beside a denial stays quiet.
@pytest.mark.parametrize(
    "name",
    [
        "c_Son_with_autism_and_pt_with_SIB",
        "c_Remote_SIB_recent_relapse",
        "c_SIB_in_remission_but_cut_last_night",
        "c_Remote_suicide_attempt_none_since",
    ],
)
def test_sib_controls_critical(name: str) -> None:
    _critical(name)


def test_brother_sib_control_quiet() -> None:
    _quiet("c_Brother_with_SIB_pt_denies")


# 3. Failed before: joining someone alive.
@pytest.mark.parametrize(
    "name", ["c_Wants_to_join_her_husband_in_Florida", "c_Wants_to_join_him_in_Florida"]
)
def test_joining_someone_alive_quiet(name: str) -> None:
    _quiet(name)


# 3. Controls: joining the dead stays a death wish.
@pytest.mark.parametrize(
    "name",
    [
        "c_Wants_to_join_her_late_husband",
        "c_Wants_to_join_him_in_heaven",
        "c_Wants_to_join_him_husband_died_2024_",
        "c_Wants_to_join_her_husband_who_passed_last_year",
    ],
)
def test_joining_the_dead_critical(name: str) -> None:
    _critical(name)


# 4. Failed before: C-SSRS item 1's own words.
@pytest.mark.parametrize(
    "name",
    [
        "c_Denies_SI_wishes_she_would_not_wake_up",
        "c_Denies_SI_though_admits_thoughts_of_dying",
        "c_Not_suicidal_just_wants_to_sleep_forever",
        "q_Nursing_comment_Pt_states_I_want_to_go_to_sleep_and_never_wake_up_",
        "q_Nursing_comment_Pt_tearful_states_I_just_want_it_all_to_end_",
        "c_Says_everyone_would_be_better_off_if_she_were_gone",
    ],
)
def test_passive_ideation_critical(name: str) -> None:
    _critical(name)
    assert TMS not in _cards(name)


# 4. Controls: a fear of dying, death thoughts in panic, a denial, sleep words stay quiet.
@pytest.mark.parametrize(
    "name",
    [
        "c_fear_of_dying",
        "c_thoughts_of_dying_during_panic_attacks",
        "c_Slept_well_did_not_wake_up_at_night",
        "c_Denies_thoughts_of_dying",
    ],
)
def test_passive_ideation_controls_quiet(name: str) -> None:
    _quiet(name)


def test_fear_of_dying_beside_passive_si_control() -> None:
    _critical("c_Fear_of_dying_also_passive_SI")
