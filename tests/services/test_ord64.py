"""Session 41 review K65a findings 1, 4, 5 (fix ord64).

- Finding 1 (UNSAFE): a TMS or ECT referral drafted (SNOMED, CPT or an Epic local code named in
  its text) beside PHQ-9 item 9 = 3, not assessed, got only the TMS-exclusion warning (TMS) or
  no card at all (ECT), while sertraline drafted on the same chart got the critical suicide-risk
  card. The card now comes beside a drafted depression-treatment referral too
  (services/order_hook_referrals.py; an esketamine session ServiceRequest, HCPCS G2082, is read
  among the drafts for it). An unrelated draft (atorvastatin, a dermatology referral) still gets
  no suicide-risk card at the order hooks.
- Finding 4 (WRONG): the same sertraline taper (7 days of 1 tablet, 7 days of half, from
  12-01) gave last dose 12-15 and MAOI "not before 12-29" written in boundsDuration steps, 12-14 /
  12-28 in boundsPeriod steps: a step's days now count both its first and last day
  (medication_dates.through).
- Finding 5 (NOISE): an OperationOutcome `incomplete` issue is worded as what the server said
  (tests/cds_hooks/test_f6_incomplete_outcomes.py asserts the words).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "ord64_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    "sign_tms_snomed_item9_3": "fixed",
    "sign_tms_epic_local_item9_3": "fixed",
    "select_tms_cpt_item9_3": "fixed",
    "sign_ect_snomed_item9_3": "fixed",
    "sign_ect_cpt_item9_3": "fixed",
    "select_ect_epic_text_item9_3": "fixed",
    "sign_esketamine_g2082_item9_3": "fixed",
    # A selection naming no draft the service reads checks every draft (the TMS-exclusion
    # card's reading, cds_hooks/order_drafts.py): the TMS draft brings the card.
    "select_atorvastatin_beside_unselected_tms_item9_3": "fixed",
    "select_sertraline_item9_3": "control",
}

QUIET = {
    "sign_atorvastatin_item9_3": "control",
    "sign_dermatology_referral_item9_3": "control",
    "sign_ect_snomed_no_item9": "control",
}

TAPER = {
    "sign_taper_bounds_duration_then_phenelzine": "fixed",
    "sign_taper_bounds_period_then_phenelzine": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_suicide_risk_card_beside_a_depression_treatment(name: str) -> None:
    cards = _cards(name)
    card = cards.get(chart_files.RISK)
    assert card is not None and card["indicator"] == "critical", (name, sorted(cards))
    assert card["summary"].startswith("PHQ-9 item 9 = 3 (nearly every day) on 2026-11-20")
    assert chart_files.TMS not in cards


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_card_beside_an_unrelated_order(name: str) -> None:
    cards = _cards(name)
    assert chart_files.RISK not in cards, (name, cards.get(chart_files.RISK, {}).get("summary"))


@pytest.mark.parametrize("name", sorted(TAPER))
def test_a_seven_day_step_from_12_01_ends_12_07(name: str) -> None:
    card = _cards(name)["order-maoi-interaction"]
    assert card["summary"] == (
        "Phenelzine (MAOI) starts 2026-12-20, 6 days after sertraline's last dose: "
        "not before 2026-12-28 (14-day washout)"
    )
    assert "(last dose 2026-12-14)" in card["detail"]


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET, TAPER)
