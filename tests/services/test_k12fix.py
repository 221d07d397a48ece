"""Recheck s28 K12 findings 1-3 (fix k12fix): reasons by reference, MAR dose steps, LOINC orders.

1. UNSAFE: a stay or ED visit whose only reason is a reasonReference to a Condition absent from
   the chart, displayed "Suicide attempt" / "Intentional self-harm by drug overdose" /
   "Intentional overdose of sertraline", got no card, while the same words as reasonCode text
   gave the critical self-harm card. The visit reader now reads an absent reference's display as
   a typed-in reason, as the stay reader does (one helper: fhir_mapping/absent_reasons.py).
2. WRONG (regression of mar29): a ward order with no dose took ONE MAR dose (the lower middle)
   for the whole stay: 5 mg for 18 days then 20 mg for 22 days read "20 mg/day (50 days)", an
   adequate trial. The MAR's dose now makes a step at each change (ward_courses.py).
3. NOISE: a ServiceRequest for the C-SSRS screener coded LOINC 93373-9 (the order this service
   itself suggests) was not "assessment already ordered": now a suicide-risk-assessment row.

Charts: tests/services/k12fix_charts/ (K12's probes, every prefetch key); as-of 2026-12-01,
the wa* charts 2026-11-20, the m* charts 2025-06-02.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.record import InadequacyReason, Trial, Verdict
from tests.services import chart_files
from tests.services.helpers import Doc, Evaluator

pytestmark = pytest.mark.real_drug_table

DIR = Path(__file__).parent / "k12fix_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
RISK = "suicide-risk"
_chart = chart_files.loader(DIR)


def _as_of(name: str) -> date:
    if name.startswith("wa"):
        return date(2026, 11, 20)
    return date(2025, 6, 2) if name.startswith("m") else date(2026, 12, 1)


def _cards(name: str) -> list[Doc]:
    cards: list[Doc] = Evaluator(_as_of(name)).cards(_chart(name))
    return cards


def _risk(name: str) -> Doc | None:
    card: Doc | None = Evaluator(_as_of(name)).by_topic(_chart(name)).get(RISK)
    return card


def _trial(name: str) -> Trial:
    _, record = Evaluator(_as_of(name)).cards_and_record(_chart(name))
    (trial,) = [t for t in record.trials if t.ingredient == "escitalopram"]
    return trial


def _doses(trial: Trial) -> list[tuple[str, str, float | None]]:
    return [(s.start.isoformat(), s.end.isoformat(), s.mg_per_day) for s in trial.segments]


@pytest.mark.parametrize("name", CHARTS)
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    chart_files.check_chart(_chart(name))


# Finding 1: an absent Condition's display is the visit's reason for the self-harm reader too.


@pytest.mark.parametrize(
    ("name", "where"),
    [
        ("st08d_imp_absent_ref_suicide_attempt", "the inpatient stay from 2026-11-10"),
        ("st08e_imp_absent_ref_selfharm_overdose", "the inpatient stay from 2026-11-10"),
        ("st08_imp_absent_ref_overdose", "the inpatient stay from 2026-11-10"),
        (
            "st13_emer_absent_ref_suicide_attempt",
            "the ED visit on 2026-11-2",
        ),  # 24 or 25: site zone
        ("st13b_emer_reasoncode_text_suicide_attempt", "the ED visit on 2026-11-2"),  # control
    ],
)
def test_a_self_harm_reason_by_absent_reference_makes_the_critical_card(
    name: str, where: str
) -> None:
    """Before: no suicide-risk card for the four charts stating it by reference only."""
    risk = _risk(name)
    assert risk is not None and risk["indicator"] == "critical"
    assert risk["summary"].startswith(
        f"Self-harm or suicide attempt (visit reason text only: confirm) at {where}"
    )


def test_a_medical_reason_by_absent_reference_makes_no_card() -> None:
    """st07: "Chest pain" by an absent reference: no suicide-risk card, as before."""
    assert _risk("st07_imp_absent_ref_chest_pain") is None


def test_an_absent_reference_with_no_display_keeps_the_stay_card() -> None:
    """st12: no display, a typed psychiatric stay: the discharge card, as before."""
    risk = _risk("st12_imp_absent_ref_nodisplay_psych_typed")
    assert risk is not None and risk["indicator"] == "critical"
    assert "after a psychiatric admission" in risk["summary"]


# Finding 2: an order with no dose follows the MAR's dose by day.


@pytest.mark.parametrize(
    ("name", "doses", "verdict"),
    [
        (
            "wa6_mar_5mg_18d_then_20mg_22d",  # before: 20 mg/day (50 days), adequate
            [("2026-10-01", "2026-10-19", 5.0), ("2026-10-19", "2026-11-20", 20.0)],
            Verdict.ONGOING,
        ),
        (
            "wa1_mar_5mg_30d_then_20mg",  # before: 5 mg/day (40 days)
            [("2026-10-01", "2026-10-31", 5.0), ("2026-10-31", "2026-11-20", 20.0)],
            Verdict.ONGOING,
        ),
        (
            # before: 5 mg/day (40 days); the 5 mg ends with the stay: the discharge order's
            # 20 mg daily from 2026-11-10 (session 29 fix ward30 item 1; it ran on to as-of).
            "wa5_mar_20mg_10d_then_5mg",
            [
                ("2026-10-01", "2026-10-11", 20.0),
                ("2026-10-11", "2026-11-10", 5.0),
                ("2026-11-10", "2026-11-20", 20.0),
            ],
            Verdict.ONGOING,
        ),
        (
            # 10 mg twice daily, one dose of each end day charted across midnight: one dose.
            "wa2_mar_10mg_bid",
            [("2026-10-01", "2026-11-20", 20.0)],
            Verdict.ADEQUATE,
        ),
    ],
)
def test_the_mar_dose_makes_a_step_at_each_change(
    name: str, doses: list[tuple[str, str, float]], verdict: Verdict
) -> None:
    trial = _trial(name)
    assert _doses(trial) == doses
    assert trial.verdict is verdict
    assert InadequacyReason.DOSE_UNKNOWN not in trial.reasons


def test_the_steps_are_noted_on_the_trial() -> None:
    trial = _trial("wa6_mar_5mg_18d_then_20mg_22d")
    assert (
        "given on the ward (MAR) at 5 mg/day from 2026-10-01, then 20 mg/day from 2026-10-19; "
        "the order states no dose"
    ) in trial.notes
    assert InadequacyReason.DOSE_BELOW_MINIMUM in trial.reasons


# Finding 3: a C-SSRS screener ordered under its LOINC code is the assessment ordered.


@pytest.mark.parametrize("name", ["m15_sr_loinc_cssrs", "m00_sr_coded_active"])
def test_a_coded_cssrs_request_is_the_assessment_already_ordered(name: str) -> None:
    """m15 before: "assess today (C-SSRS) and plan safety" with the one-click to order it again."""
    risk = _risk(name)
    assert risk is not None and risk["indicator"] == "critical"
    assert "assessment already ordered 2025-06-02: complete it today" in risk["summary"]
    assert not risk.get("suggestions")


def test_a_local_code_request_keeps_the_one_click() -> None:
    """m16: an Epic local code only (not a coded assessment request): as before."""
    risk = _risk("m16_sr_epic_local_code")
    assert risk is not None and risk.get("suggestions")


def test_a_procedure_coded_as_the_screener_documents_no_assessment() -> None:
    """m18 (m16 with a completed Procedure coded LOINC 93373-9 the day before): the screener's
    result is its Observation; the Procedure alone does not clear the card (the LOINC row is
    read from requests only, kind suicide-risk-assessment-order)."""
    risk = _risk("m18_proc_loinc_cssrs_completed")
    assert risk is not None and risk["indicator"] == "critical"
    assert "assess today (C-SSRS)" in risk["summary"]
