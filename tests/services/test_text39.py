"""Session 31 fix text39: suicide-risk free text of recheck K28b (the reviewer's charts in
text39_charts/, all 19 prefetch keys; controls c0* built from them with one text changed; as of
2026-12-01). Each `f*` chart fails on 246cef4c and passes here; the controls pass both.

1. A family-history comma list took the patient's current SI as a relative's: a part closed by a
   `clause_closed` word ("Family history reviewed, SI", "FH negative, suicidal ideation") is a
   whole statement, and an item with current-risk words ("SI with plan", "SI x 2 weeks") is the
   patient's (text_negation.family_listed).
2. "Wants to join her husband (died 2024)", "..., passed away last year": a death word counts in
   the rest of the sentence, across a bracket or comma (ideation_lookalike.py).
3. A counselled lethal dose hid a later inquiry: the inquiry counts anywhere in the text; and
   stockpiling pills or asking how many would kill is preparatory behaviour (C-SSRS), critical.
4. "Wishes she would not wake up so early" / "... at 3am" is a sleep complaint, no card.
5. An item answered on its own ("HI: denies") does not deny the items after it ("self-harm:
   yes", "recent overdose"); "but cut last night" is an act (self_harm_scope.py).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

RISK = "suicide-risk"
TMS = "tms-referral"
_cards = chart_files.topic_reader(Path(__file__).parent / "text39_charts", date(2026, 12, 1))


CRITICAL = [
    # 1. Family-history list: closed part, current-risk words (visit reason, Condition, comment).
    "f01_fh_reviewed_si",
    "f01_fh_reviewed_si_plan",
    "f01_q_fh_reviewed_si_plan",
    "f01_c_fh_reviewed_si",
    "f01_fh_neg_si",
    "f01_fh_depression_si_plan",
    "f01_fh_list_si_2wk",
    # 2. Joining a dead husband, the death in a bracket or after a comma.
    "f02_join_died_paren",
    "f02_join_passed_paren",
    "f02_join_comma_passed",
    # 3. Counselling beside an inquiry; stockpiling and "how many would kill" on their own.
    "f03_lethal_then_asked",
    "f03_lethal_pharm_then_asked",
    "f03_counsel_stockpile",
    "f05_stockpiling",
    "f05_asked_kill",
    "f05_plan_stockpiling",
    # 5. A positive item after an answered one.
    "f04_si_denies_selfharm_yes",
    "f04_si_hi_denies_sib_yes",
    "f04_denies_recent_od",
    "f04_denies_today_but_cut",
    # Controls: C-SSRS item 1 in its own words.
    "c07_would_not_wake",
    "c07_never_wake",
]

QUIET = [
    # 4. A waking time after "wake up".
    "f07_wake_early",
    "f07_wake_3am",
    "f07_q_wake_early",
    # Controls: a relative's list, a living husband, counselling alone, a fear, a denied list.
    "c01_fh_list_bipolar",
    "c01_fh_list_si",
    "c01_fh_list_sib",
    "c02_join_florida",
    "c03_lethal_counsel",
    "c03_husband_would_kill",
    "c04_checklist_denied",
    "c04_denies_colon_list",
]


@pytest.mark.parametrize("name", CRITICAL)
def test_critical(name: str) -> None:
    cards = _cards(name)
    chart_files.assert_critical_without_tms(cards, name)


@pytest.mark.parametrize("name", QUIET)
def test_quiet(name: str) -> None:
    cards = _cards(name)
    assert RISK not in cards, (name, cards[RISK]["summary"])


def test_every_chart_is_named() -> None:
    names = {p.stem for p in (Path(__file__).parent / "text39_charts").glob("*.json")}
    assert names == set(CRITICAL) | set(QUIET)
