"""Session 38 fix tms50: TMS hold consistency leftovers.

1. A problem-list "Seizure (HCC)" sent text-only and `resolved` gave a one-click TMS referral,
   while the same entry coded R56.9 resolved held it (condition_codes.csv counts_when_resolved).
   Both are held now (a past seizure is at least a relative contraindication; a single coded
   seizure is held as a seizure disorder, review 19 D1), and the hold line says the entry is
   marked resolved (services/finding_words.past_hold). A febrile seizure in words, resolved, stays
   a plain referral, as its code resolved does (fhir_mapping/seizure_resolved.py).
2. Six IV ketamine doses on the MAR in the last four weeks gave a one-click referral, where an
   esketamine course being judged holds it: the series now holds it until a PHQ-9 after its last
   dose or 28 days (services/rules/tms_ketamine_hold.py, data/series_judging.csv, UNVERIFIED).
3. An esketamine order on hold, its last session 29 days ago in week 7, gave a one-click
   referral: on hold is paused, not stopped, so the course is still judged (tms_course_judging.py),
   and the line says the order is on hold (also beside recent sessions, which already held).
4. The payer augmentation criterion (Aetna CPB 0469) said "no augmentation trial in this episode"
   of mirtazapine added to venlafaxine that then went on alone, beside the card's own Maudsley
   "Augmentation 1 (used)": it now counts it as the staging does (services/augmentations_used.py).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "tms50_charts"
_AS_OF = date(2026, 12, 1)
_cards = chart_files.topic_reader(_FOLDER, _AS_OF)
_OPTIMISE = "optimize-switch-augment"
_REFER = "Refer for TMS evaluation"

# No TMS card: a seizure on record holds it (the optimise card says why).
SEIZURE_HELD = {
    "h1_Seizure_HCC_resolved": "fixed: was a one-click referral",
    "h1_History_of_seizure_inactive": "fixed: was a one-click referral",
    "h1_R56_9_resolved": "control (held before; now says resolved)",
    "h1_Seizure_HCC_active": "control",
}
# The TMS card, its one-click held by a course being judged.
STEP_HELD = {
    "h2_ketamine_iv_6_doses_1109_to_1123": "fixed",
    "h2_ketamine_iv_2_doses_1124_1126": "fixed",
    "h3_esketamine_order_on_hold_last_session_1102": "fixed",
    "h3_esketamine_order_on_hold_sessions_to_1130": "control (held before; now says on hold)",
}
OFFERED = {
    "c1_Denies_seizures_resolved": "control",
    # Its code resolved (SNOMED CT 230432008) is not counted either (seizure_resolved_terms.csv).
    "c1_Febrile_seizure_as_a_child_resolved": "control",
    "o2_ketamine_iv_6_doses_0914_to_0928": "control: last dose 64 days ago",
    "o2_ketamine_iv_single_dose_1120": "control: a single dose",
    "o2_ketamine_iv_6_doses_phq9_after_1127": "control: response recorded",
    "o3_esketamine_order_stopped_last_session_1102": "control: order stopped",
}
PAYER = {
    "p4_mirtazapine_added_0828_venlafaxine_to_0929_alone_9wk": "fixed",
    "c4_mirtazapine_added_venlafaxine_running": "control: met as before",
    "c4_crosstaper_1wk_mirtazapine": "control: not on record as before",
}


def _one_click(card: dict[str, object]) -> bool:
    suggestions = card.get("suggestions") or []
    assert isinstance(suggestions, list)
    return any(s["label"] == _REFER for s in suggestions)


@pytest.mark.parametrize("name", sorted(SEIZURE_HELD))
def test_a_seizure_entry_holds_tms_whatever_its_status(name: str) -> None:
    cards = _cards(name)
    assert chart_files.TMS not in cards
    detail = cards[_OPTIMISE]["detail"]
    assert "**Why no TMS referral:** contraindication: " in detail
    assert "bupropion not listed" in detail
    said = "the entry is marked resolved" in detail and "a past seizure, still held" in detail
    assert said is (not name.endswith("_active"))


def test_the_resolved_line_gives_the_abatement_date() -> None:
    detail = _cards("h1_Seizure_HCC_resolved")[_OPTIMISE]["detail"]
    assert "Seizure (HCC) (2015-01-10); the entry is marked resolved 2016-03-01" in detail
    undated = _cards("h1_History_of_seizure_inactive")[_OPTIMISE]["detail"]
    assert "the entry is marked resolved (no date): a past seizure" in undated


@pytest.mark.parametrize("name", sorted(STEP_HELD))
def test_a_course_being_judged_holds_the_one_click(name: str) -> None:
    card = _cards(name)[chart_files.TMS]
    assert not _one_click(card)
    if name.startswith("h2"):
        assert "record the IV ketamine series' response (a PHQ-9) first" in card["summary"]
        assert "**Referral not marked recommended while IV ketamine is judged:**" in card["detail"]
    else:
        assert "judge esketamine" in card["summary"]
        assert "its order is on hold: paused, not stopped" in card["detail"]


def test_the_ketamine_hold_says_when_it_lifts() -> None:
    detail = _cards("h2_ketamine_iv_6_doses_1109_to_1123")[chart_files.TMS]["detail"]
    assert "IV ketamine on the MAR on 6 days, 2026-11-09 to 2026-11-23" in detail
    assert "a PHQ-9 after the last dose is on record, or from 2026-12-21" in detail


@pytest.mark.parametrize("name", sorted(OFFERED))
def test_controls_keep_the_one_click(name: str) -> None:
    card = _cards(name)[chart_files.TMS]
    assert _one_click(card), card["summary"]
    assert "judged:**" not in card["detail"]


_AETNA = Evaluator(_AS_OF, policy=Policy(payer_criteria="aetna-cpb-0469"))
_load = chart_files.loader(_FOLDER)


def _augmentation_line(name: str) -> str:
    detail: str = _AETNA.by_topic(_load(name))[chart_files.TMS]["detail"]
    return next(line for line in detail.splitlines() if "· Augmentation" in line)


@pytest.mark.parametrize("name", sorted(PAYER))
def test_the_payer_line_counts_augmentation_as_the_staging_does(name: str) -> None:
    detail: str = _AETNA.by_topic(_load(name))[chart_files.TMS]["detail"]
    used = "Augmentation 1 (used)" in detail
    assert ("**Met** · Augmentation" in _augmentation_line(name)) is used
    assert used is ("crosstaper" not in name)


def test_the_went_alone_add_on_is_named_as_added() -> None:
    line = _augmentation_line("p4_mirtazapine_added_0828_venlafaxine_to_0929_alone_9wk")
    assert "mirtazapine (added to venlafaxine from 2026-08-28, alone since 2026-09-29)" in line


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, SEIZURE_HELD, STEP_HELD, OFFERED, PAYER)
