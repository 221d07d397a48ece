"""Session 32 fix neg44: recheck K31a findings 2, 6, 8, a leading denial's list. The charts are
the reviewer's (K31a: the two-failed-trial chart of neg37 with its ED visit reason's text
changed, e_, or as an Oracle flowsheet comment, o_), and more of the same chart with other
words; all 19 prefetch keys, as of 2026-12-01 (visit 2026-11-20). The `fixed` charts fail on
80af94f9 and pass here; the controls pass both.

1. UNSAFE: an act after "and" following a denial raised no card and TMS was offered ("Denies SI,
   HI and drank bleach", "..., HI and OD'd last night", "..., HI and strangled herself"):
   neg43's rule held after a comma only, and the "and" let the denial run back over the act.
   Now after a comma, "and", "or", "&" or "nor" a denial reaches only a checklist item
   (self_harm_scope.cue_window, text_checklist.checklist_item).
2. NOISE (after neg43): "Denies SI, HI, recent self-harm", "..., any recent overdose",
   "..., self-harm including cutting" were critical: a quantifier ("recent", "any recent",
   "prior", "hx of") before an item and an "including <item>" after it keep it a checklist item
   (data/text_negations.csv `list_quantifier`, `list_example` rows).
3. NOISE (before): standard ROS/MSE denials ("..., prior suicide attempts or overdoses", "...,
   wish to be dead", "..., hoarding pills, or access to firearms", "Denies current or past SI,
   HI, or self-harm") were critical, TMS withheld: a past-time quantifier read as a clause of its
   own, and NegEx's scope ended at the comma for the ideation words (text_checklist.
   denial_listed). A past item after a denial of the present alone ("denies current SI or prior
   attempts", `list_present`) stays read, as test_hist33's fdc_prior_attempts does, and so does
   an item with its time ("prior suicide attempt last year", "recent overdose 2 days ago").
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

RISK = "suicide-risk"
TMS = "tms-referral"
_FOLDER = Path(__file__).parent / "neg44_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # An act after "and" (or "&") following a denial: its own clause.
    "e_Denies_SI__HI_and_drank_bleach": "fixed",
    "o_Denies_SI__HI_and_drank_bleach": "fixed",
    "e_Denies_SI_and_drank_bleach": "fixed",
    "e_Denies_SI__HI_and_OD_d_last_night": "fixed",
    "e_Denies_SI__HI_and_burned_herself": "fixed",
    "e_Denies_SI__HI_and_drank_antifreeze": "fixed",
    "e_Denies_SI__HI_and_strangled_herself": "fixed",
    "e_Denies_SI__HI_amp_drank_bleach": "fixed",
    # Controls: an item with its time, a past item after a denial of the present alone.
    "e_Denies_SI__HI__prior_suicide_attempt_last_year": "control",
    "e_denies_SI__recent_overdose_2_days_ago": "control",
    "e_denies_current_SI_or_prior_attempts": "control",
    # Lead's decision: "history of", "hx of", "h/o" state a history, no quantifier of a denied
    # item ("denies SI, hx of cutting" names the cutting): read, the safer mistake.
    "e_Denies_SI__HI__hx_of_suicide_attempts__or_self_harm": "control",
}

QUIET = {
    # A quantifier or an "including" keeps a checklist item (regression of neg43).
    "e_Denies_SI__HI__recent_self_harm": "fixed",
    "e_Denies_SI__HI__any_recent_overdose": "fixed",
    "e_Denies_SI__HI__self_harm_including_cutting": "fixed",
    # Standard ROS/MSE denials.
    "e_Denies_SI__HI__prior_suicide_attempts_or_overdoses": "fixed",
    "e_Denies_SI__HI__previous_attempts": "fixed",
    "e_Denies_SI__HI__wish_to_be_dead": "fixed",
    "e_Denies_SI__HI__passive_death_wish": "fixed",
    "e_Denies_current_or_past_SI__HI__or_self_harm": "fixed",
    "e_Denies_SI__HI__past_or_present_self_harm": "fixed",
    "e_Denies_SI__HI__hoarding_pills__or_access_to_firearms": "fixed",
    "e_Denies_SI__HI__stockpiling_meds__or_access_to_guns": "fixed",
    "e_Denies_SI__HI__any_plans_to_harm_self": "fixed",
    # Controls: checklist items after "and"/"or".
    "e_denies_SI__HI_and_self_harm": "control",
    "e_Denies_SI__HI_or_thoughts_of_harming_self": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_the_act_is_read_critical_and_tms_withheld(name: str) -> None:
    cards = _cards(name)
    chart_files.assert_critical_without_tms(cards, name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_a_denied_checklist_stays_denied(name: str) -> None:
    cards = _cards(name)
    chart_files.assert_quiet_with_tms(cards, name)


def test_every_chart_is_named() -> None:
    names = {p.stem for p in _FOLDER.glob("*.json")}
    assert names == set(CRITICAL) | set(QUIET)
