"""Session 41 fix psy63 (review K67a findings 1-4: psy62 / care64 over-reading).

1. WRONG (TMS offered beside current psychotic features): psy62's over-after phrases ("none
   since", "in remission", "remitted") made "AH, none since yesterday", "command AH, none since
   admission", "psychotic features, none since starting olanzapine", "paranoid delusions in
   remission x2 days" (active problem-list text, ED visit reason) past. Read as over now only when
   a year or a word of past time names the episode (psychotic_current._over_dated).
2. WRONG: "MDD recurrent severe with psychotic features, in remission": the remission is the
   depressive episode's; psychotic features stay current.
3. NOISE: "psychosis in remission?" (a question) stays current.
   Controls: "Hx psychosis 2015, in remission", "psychotic depression 2019, remitted",
   "psychotic episode 2012, in remission" (ED) offer TMS; K67a's held controls still hold.
4. NOISE (care64): visit reasons "Declined CBT, wants medication only", "No CBT available",
   "Referral to CBT", "CBT-I for insomnia" counted as a visit that may be psychotherapy; now "no
   psychotherapy ... on record" (visit_reason_therapy.py). Control: "CBT session" still may be.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

_FOLDER = Path(__file__).parent / "psy63_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))
_OPTIMISE = "optimize-switch-augment"
_THERAPY = "psychotherapy"
_PSYCHOTIC = "Psychotic features"

HELD = {
    "h_AH_none_since_yesterday": "fixed",
    "h_command_AH_none_since_admission": "fixed",
    "h_psychotic_features_none_since_starting_olanzapine": "fixed",
    "h_paranoid_delusions_in_remission_x2_days": "fixed",
    "h_MDD_recurrent_severe_with_psychotic_features_in_remission": "fixed: finding 2",
    "h_psychosis_in_remission_q": "fixed: finding 3",
    "eh_AH_none_since_yesterday": "fixed: ED reason",
    "eh_psychosis_in_remission_q": "fixed: ED reason",
    "h_ctl_Hx_psychosis_2015_resolved_new_AH_11_2026": "control",
    "h_ctl_Psychosis_in_remission_command_AH_resumed": "control",
}
TMS_OFFERED = {
    "t_Hx_psychosis_2015_in_remission": "control",
    "t_psychotic_depression_2019_remitted": "control",
    "et_psychotic_episode_2012_in_remission": "control: ED reason",
}
NO_THERAPY = {
    "q_Declined_CBT_wants_medication_only": "fixed",
    "q_No_CBT_available": "fixed",
    "q_Referral_to_CBT": "fixed",
    "q_CBT_I_for_insomnia": "fixed",
}
MAYBE = {"q_CBT_session_control": "control (care64's chart)"}


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, HELD, TMS_OFFERED, NO_THERAPY, MAYBE)


@pytest.mark.parametrize("name", sorted(HELD))
def test_current_psychotic_features_hold_tms(name: str) -> None:
    cards = _cards(name)
    assert chart_files.TMS not in cards, name
    assert chart_files.RISK not in cards, name
    assert _PSYCHOTIC in cards[_OPTIMISE]["detail"], name


@pytest.mark.parametrize("name", sorted(TMS_OFFERED))
def test_dated_past_psychosis_offers_tms(name: str) -> None:
    cards = _cards(name)
    assert chart_files.TMS in cards, name
    assert _PSYCHOTIC not in cards.get(_OPTIMISE, {}).get("detail", ""), name


@pytest.mark.parametrize("name", sorted(NO_THERAPY))
def test_declined_referred_or_insomnia_reason_is_no_therapy(name: str) -> None:
    summary = _cards(name)[_THERAPY]["summary"]
    assert "no psychotherapy procedure, visit or referral on record" in summary, name
    assert "may be psychotherapy" not in summary, name


def test_cbt_session_reason_may_still_be_therapy() -> None:
    summary = _cards("q_CBT_session_control")[_THERAPY]["summary"]
    assert "1 visit (2026-09-10) that may be psychotherapy: confirm" in summary
