"""Session 32 fix neg45: recheck K32b findings 2, 3, 9, neg44's leading denial reaching too far.
The charts are the reviewer's (K32b: the two-failed-trial chart of neg37, its ED visit reason's
text changed, e_, or a free-text problem Condition added, cond_) and more of the same with other
words; all 19 prefetch keys, as of 2026-12-01. The `fixed` charts fail on the base b9f11380 and
pass here; the controls pass both.

3. UNSAFE: "No seizures, cochlear implant", "No seizures, VNS" offered TMS, "Denies seizures,
   pacemaker" dropped the pacemaker's safety screen: `denial_listed` let the denial reach over
   the comma to the device, a `list_item` row. The device and seizure items are now role
   `list_device`: an answer after their list still covers them ("Pacemaker, VNS: none"), a
   leading denial never does (the safer reading of a TMS safety item).
2. UNSAFE: "Denies SI, HI, recent self harm (cut L wrist 11/28)", "..., recent cutting, burns on
   arms" were quiet, TMS offered: a bracket with content after an item, or a later part of the
   list that is no checklist item, makes the item a finding (text_checklist.detail_follows).
   "burns on arms" is the lead's "safer: read": a physical finding after the item says what was
   done to the body, a report and no screening question; read, the cutting raises the card.
9. WRONG: "Denies SI, HI, previous attempts (OD x2)" was labelled an overdose; the attempt is
   read again, labelled "Self-harm or suicide attempt".
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

RISK = "suicide-risk"
TMS = "tms-referral"
_FOLDER = Path(__file__).parent / "neg45_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

# TMS withheld: an absolute contraindication the denial before it no longer reaches.
TMS_WITHHELD = {
    "cond_noseiz_cochlear": "fixed",
    "cond_noseiz_vns": "fixed",
    "cond_cochlear": "control",
}

# TMS offered, the device named as a safety screen to do first.
TMS_SCREEN = {
    "cond_denies_seizures_pacemaker": "fixed",
}

# TMS offered without a screen: the answer after the device list covers it.
TMS_CLEAR = {
    "cond_pacemaker_vns_none": "control",
}

ATTEMPT = "Self-harm or suicide attempt"
CRITICAL = {
    "e_Denies_SI_HI_recent_self_harm_cut_L_wrist_11_28": "fixed",
    "e_Denies_SI_HI_recent_cutting_burns_on_arms": "fixed",
    "e_Denies_SI_HI_previous_attempts_OD_x2": "fixed",
}

QUIET = {
    "e_Denies_SI_HI_previous_attempts": "control",
    "e_Denies_SI_HI_recent_self_harm_AVH": "control",
    # A bracket holding only an answer answers the item: no detail.
    "e_Denies_SI_HI_self_harm_none_bracketed": "control",
}


@pytest.mark.parametrize("name", sorted(TMS_WITHHELD))
def test_a_denial_before_a_device_leaves_the_device_read(name: str) -> None:
    assert TMS not in _cards(name)


@pytest.mark.parametrize("name", sorted(TMS_SCREEN))
def test_a_denial_before_a_pacemaker_leaves_its_safety_screen(name: str) -> None:
    card = _cards(name)[TMS]
    assert "safety screen first: Denies seizures, pacemaker" in card["summary"], card["summary"]


@pytest.mark.parametrize("name", sorted(TMS_CLEAR))
def test_an_answer_after_the_device_list_still_denies_it(name: str) -> None:
    card = _cards(name)[TMS]
    assert "safety screen" not in card["summary"], card["summary"]


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_an_item_with_its_detail_is_read_critical_as_an_attempt(name: str) -> None:
    cards = _cards(name)
    card = cards.get(RISK)
    assert card is not None and card["indicator"] == "critical", (name, card)
    assert card["summary"].startswith(ATTEMPT), card["summary"]
    assert TMS not in cards


@pytest.mark.parametrize("name", sorted(QUIET))
def test_a_plain_checklist_stays_denied(name: str) -> None:
    cards = _cards(name)
    chart_files.assert_quiet_with_tms(cards, name)


def test_every_chart_is_named() -> None:
    names = {p.stem for p in _FOLDER.glob("*.json")}
    assert names == set(TMS_WITHHELD) | set(TMS_SCREEN) | set(TMS_CLEAR) | set(CRITICAL) | set(
        QUIET
    )
