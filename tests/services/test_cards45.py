"""Session 32 fix cards45: review K30c minors (the reviewer's charts in cards45_charts/, v*.json
and base.json copied from its scratch folder, c*.json built on them; all 19 prefetch keys; as of
2026-12-01; base.json is two failed trials).

1. v01_bipolar2, v17_ssri_mania: the diagnosis card says the TMS referral is held until the
   diagnosis is settled, and which payer criteria exclude bipolar disorder (Ambetter
   CP.BH.200), only when the bipolar finding alone holds it. Controls: c01b (bipolar and
   epilepsy: the referral would not be offered either way) and base (no diagnosis card).
2. v19c_age78_nortrip: the Beers card at chart open carries the order check's dose-for-age line
   (v28 order-sign: "above the label's older-adult 30-50 mg/day"), with the level/ECG ask when no
   level is on record since the dose. Controls: a level of 95 ng/mL on the current dose (c19d:
   what it shows, no ask), and 50 mg/day within the label's range (c19e: no line).
3. v05_tsh9: TSH 9 with no free T4 holds the one-click escalations ("check free T4 first, then
   consider TMS referral"; the optimise card's adjuncts as text), as data/thyroid_patterns.csv
   reads it (the overt row is settled first). Controls: a normal same-day free T4 (c05b,
   subclinical under 10: nothing held) and a low one (c05c: held, as before).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

DIAGNOSIS = "diagnosis-review"
TMS = "tms-referral"
OPTIMISE = "optimize-switch-augment"
BEERS = "older-adult-anticholinergic"
ORDER_LEVEL = "order-older-adult-level-dose"
_HERE = Path(__file__).parent
_cards = chart_files.topic_reader(_HERE / "cards45_charts", date(2026, 12, 1))

HELD_LINE = (
    "**TMS referral held until the diagnosis is settled** (payer criteria exclude bipolar "
    "disorder: Ambetter CP.BH.200)."
)


def _referral(card: dict) -> dict | None:
    return next(
        (s for s in card.get("suggestions", []) if s["label"] == "Refer for TMS evaluation"), None
    )


def _labels(card: dict) -> list[str]:
    return [s["label"] for s in card.get("suggestions", [])]


# 1. Why the TMS referral is gone with bipolar disorder on record.


@pytest.mark.parametrize("name", ["v01_bipolar2", "v17_ssri_mania"])
def test_bipolar_finding_alone_says_the_referral_is_held(name: str) -> None:
    found = _cards(name)
    assert TMS not in found
    assert "Confirm the diagnosis before escalating" in found[DIAGNOSIS]["summary"]
    assert HELD_LINE in found[DIAGNOSIS]["detail"]


def test_bipolar_with_another_tms_blocker_says_nothing_of_a_hold() -> None:
    found = _cards("c01b_bipolar2_epilepsy")
    assert TMS not in found
    assert "Confirm the diagnosis before escalating" in found[DIAGNOSIS]["summary"]
    assert "TMS referral held" not in found[DIAGNOSIS]["detail"]


def test_base_two_failed_trials_offers_the_referral() -> None:
    found = _cards("base")
    assert DIAGNOSIS not in found
    referral = _referral(found[TMS])
    assert referral is not None and referral.get("isRecommended") is True


# 2. The older adult's dose-for-age line at chart open.


def test_chart_open_carries_the_order_checks_dose_for_age_line() -> None:
    beers = _cards("v19c_age78_nortrip")[BEERS]
    order = _cards("v28_age78_nortrip.order-sign")[ORDER_LEVEL]
    assert "above the label's older-adult 30-50 mg/day" in order["summary"]
    assert "above the label's older-adult 30-50 mg/day" in beers["summary"]
    assert "strongly anticholinergic (AGS Beers 2023)" in beers["summary"]
    detail = beers["detail"]
    assert (
        "Above the label's older-adult 30-50 mg/day: at 78 its label gives 30-50 mg/day for "
        "elderly patients and optimal responses at plasma levels of 50-150 ng/mL" in detail
    )
    # No level on record since the dose: the level and ECG ask, in the order check's words.
    assert "check a nortriptyline level (and an ECG) before any raise" in detail
    assert "check a nortriptyline level (and an ECG) before any raise" in order["detail"]
    assert not beers.get("suggestions")  # still no order offered


def test_level_on_the_current_dose_is_read_not_asked_for() -> None:
    detail = _cards("c19d_nortrip_level95")[BEERS]["detail"]
    assert "nortriptyline level 95 ng/mL on 2026-11-27 is within the 50-150 ng/mL range" in detail
    assert "check a nortriptyline level" not in detail


def test_dose_within_the_label_range_has_no_line() -> None:
    beers = _cards("c19e_nortrip50")[BEERS]
    assert "Nortriptyline 50 mg/day at 78: strongly anticholinergic" in beers["summary"]
    assert "label's older-adult" not in beers["summary"]
    assert "label's older-adult" not in beers["detail"]


# 3. A raised TSH with no free T4 holds the escalations until the free T4 is known.


def test_tsh9_without_free_t4_holds_referral_and_adjuncts() -> None:
    found = _cards("v05_tsh9")
    diagnosis = found[DIAGNOSIS]
    assert "TSH high 9, no free T4: add free T4" in diagnosis["summary"]
    assert "Order free T4" in _labels(diagnosis)
    assert "so escalation waits for the free T4" in diagnosis["detail"]
    tms = found[TMS]
    assert "check free T4 first, then consider TMS referral" in tms["summary"]
    assert _referral(tms) is None
    assert "Not one click yet" in tms["detail"]
    optimise = found[OPTIMISE]
    assert "check free T4 first" in optimise["summary"]
    assert not any("aripiprazole" in label for label in _labels(optimise))
    assert "Not one click before the diagnosis review" in optimise["detail"]


def test_tsh9_with_normal_free_t4_holds_nothing() -> None:
    found = _cards("c05b_tsh9_ft4_normal")
    assert "free T4 normal (subclinical)" in found[DIAGNOSIS]["summary"]
    assert found[DIAGNOSIS]["indicator"] == "info"
    referral = _referral(found[TMS])
    assert referral is not None and referral.get("isRecommended") is True
    assert "first, then consider TMS referral" not in found[TMS]["summary"]
    assert any("aripiprazole" in label for label in _labels(found[OPTIMISE]))


def test_tsh9_with_low_free_t4_stays_held() -> None:
    found = _cards("c05c_tsh9_ft4_low")
    assert "review TSH high 9 first, then consider TMS referral" in found[TMS]["summary"]
    assert _referral(found[TMS]) is None


def test_level_of_a_course_before_this_episode_is_read() -> None:
    """In remission the episode holds no trial yet: the running course's level still counts
    (400 ng/mL beside the level card's "above 50-150"), never "raise it only while ..."."""
    tca = chart_files.topic_reader(_HERE / "tca_level_charts", date(2026, 12, 1))
    detail = tca("nortriptyline75_age70_remission_level400_pv")[BEERS]["detail"]
    assert "nortriptyline level 400 ng/mL on 2026-09-14 is above the 50-150 ng/mL range" in detail
    assert "raise it only while" not in detail
