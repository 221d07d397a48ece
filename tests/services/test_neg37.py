"""Session 31 fix neg37: recheck K27a s31, negation scope in free text (charts in neg37_charts/,
built by the reviewer's probe with all 19 prefetch keys; as of 2026-12-01). Each chart in a
"failed" group gave no suicide-risk card (or a wrong bipolar reading) on 402d9489.

1. A comma-joined checklist answer ("SI, HI: denies") swallowed a different finding, an endorsed
   SI or a heading before it: "Intentional OD, SI: denies", "Endorses SI, plan: none", "Hx SI,
   Plan: none" were no card and TMS was offered. Now only a plain list of screening items from
   the start of its clause is covered (text_negation.answer_covers, `list_item` rows).
2. The same mechanism hid a method after the history: "Hx SI, Plan: none, Intent: to die".
3. Bare "cutting" was no self-harm word, so "Denies SI/HI; cutting last week", "No SI. Cutting
   2 days ago", "... but has been cutting" were silent (the denial did not reach it: the word was
   never read). "cutting" closing its clause, after "been" or before a time is an act now.
4. "FH significant for depression, bipolar" read the relative's bipolar disorder as the
   patient's (diagnosis review, TMS withheld): the family-history cue covers its comma list
   (text_negation.family_listed) unless a patient word ("pt", "also") ends it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

RISK = "suicide-risk"
TMS = "tms-referral"
_cards = chart_files.topic_reader(Path(__file__).parent / "neg37_charts", date(2026, 12, 1))


@pytest.mark.parametrize(
    "name",
    [
        # 1. an answer after a comma denies its own item, not the act or statement before it
        "e_Intentional_OD_SI_denies",
        "e_Overdose_SI_denies",
        "e_Cutting_SI_denies",
        "c_SIB_SI_denies",
        "e_Endorses_SI_plan_none",
        "e_Active_SI_Plan_none",
        "e_Pt_endorses_passive_SI_Plan_none_Intent_none",
        "c_Suicidal_ideation_Plan_none",
        # 2. a method or means after the history
        "e_Hx_SI_Intent_denies_Plan_jump_off_roof",
        "e_Hx_SI_Intent_denies_Plan_jump_off_roof_v2",
        "e_Hx_SI_Plan_none_Intent_to_die",
        "e_Hx_SI_Plan_none_but_has_pills_saved",
        "e_Hx_SI_Plan_none_has_gun_at_home",
        "e_Hx_SI_Plan_none_has_gun_at_home_v2",
        # 3. cutting in a clause of its own
        "c_Denies_SI_HI_cutting_last_week",
        "c_Denies_SI_HI_cutting_last_week_v2",
        "c_No_SI_Cutting_2_days_ago",
        "c_No_SI_no_HI_but_has_been_cutting",
        # controls
        "c_Denies_SI_but_endorses_cutting",
        "c_Passive_SI_Plan_none_Intent_none",
    ],
)
def test_critical(name: str) -> None:
    cards = _cards(name)
    card = cards.get(RISK)
    assert card is not None and card["indicator"] == "critical", name
    assert TMS not in cards


@pytest.mark.parametrize("name", ["e_Hx_SI_Plan_none", "e_Hx_SI_Plan_none_v2"])
def test_past_ideation_warning(name: str) -> None:
    """Hx SI, Plan: none reads as Hx SI; Plan: none does. Written against a base where both were
    the past-SI warning; hist36 (merged first) made an ED visit's "Hx SI" with no denial of current
    SI critical, as "Hx SI" alone already was, so both are critical now: what this test pins is
    that the comma no longer drops the card, and that a "none" never lowers it below a warning."""
    card = _cards(name).get(RISK)
    assert card is not None and card["indicator"] in ("warning", "critical"), name
    control = _cards("e_Hx_SI_Plan_none_v2").get(RISK)
    assert control is not None and card["indicator"] == control["indicator"], name


@pytest.mark.parametrize(
    "name", ["c_SI_HI_denies", "c_SI_HI_AVH_denies", "c_Cutting_back_on_alcohol"]
)
def test_no_risk_card(name: str) -> None:
    cards = _cards(name)
    assert RISK not in cards, name
    assert TMS in cards, name


@pytest.mark.parametrize(
    ("name", "tms"),
    [
        ("c_FH_significant_for_depression_bipolar", True),
        ("c_FH_depression_bipolar_SIB", True),
        ("c_FH_significant_for_bipolar", True),
        # the patient's own bipolar disorder still stops the referral
        ("c_FH_of_depression_pt_with_bipolar", False),
        ("c_Bipolar_disorder", False),
    ],
)
def test_family_history_list(name: str, tms: bool) -> None:
    cards = _cards(name)
    assert (TMS in cards) is tms, name
    assert RISK not in cards, name
