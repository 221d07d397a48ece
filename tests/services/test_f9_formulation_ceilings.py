"""Release-formulation ceilings wherever a dose is proposed or judged (review 15 W3 follow-up).

- The optimise card's range and raise read the running course's formulation (Trial.formulation):
  bupropion SR tops at 400 mg/day (its label), not the drug row's 450; XL keeps 450; venlafaxine
  XR at 225 has no room, so no raise is proposed.
- Chart open: a running course above its formulation's labelled maximum (bupropion SR 450
  mg/day) gets a warning naming the SR maximum and the dose-related seizure risk.
- Totals: two drafts of one drug, or a draft beside another product of it (Zyban), are judged
  against the formulation's ceiling only when all name the same one, else the drug's own; a
  dose is one draft's, so each draft meets its own single-dose limit.

Charts (review15_charts/): f9_* are review 15 chart c04 (a failed course on a running order,
Epic-shaped) with the running order, its fills and drafts rewritten as Epic writes them (RxNorm
SCDs such as "12 HR bupropion hydrochloride 150 MG Extended Release Oral Tablet", 993518), or
chart c01 with two drafts; c01, c02, c04 are the review's own.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from fhir_mapping.record import Trial
from services.policy import Policy
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
Doc = dict[str, Any]
OPTIMISE = "optimize-switch-augment"
RUNNING = "running-dose-above-formulation-max"

_chart = chart_files.loader(Path(__file__).parent / "review15_charts")


def _evaluate(name: str) -> tuple[list[Doc], tuple[Trial, ...]]:
    doc = _chart(name)
    result = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy())
    cards: list[Doc] = result.response.to_json()["cards"]
    return cards, result.evaluation.record.trials


def _by_topic(name: str) -> dict[str, Doc]:
    return {c["source"]["topic"]["code"]: c for c in _evaluate(name)[0]}


def _text(card: Doc) -> str:
    labels = " ".join(s["label"] for s in card.get("suggestions", []))
    return f"{card['summary']} {card['detail']} {labels}"


# --- the course carries its formulation ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("f9_bupropion_sr_300_failed", "bupropion-sr"),
        ("f9_bupropion_xl_300_failed", "bupropion-xl"),
        ("f9_venlafaxine_xr_225_failed", "venlafaxine-xr"),
        ("c04_paroxetine_cr_62_5_draft", "paroxetine-cr"),
    ],
)
def test_a_running_course_carries_the_formulation_its_scd_names(name: str, key: str) -> None:
    (trial,) = _evaluate(name)[1]
    assert trial.formulation == key


# --- 1. the optimise card's range and raise -----------------------------------------------------


def test_bupropion_sr_responding_is_optimised_within_the_sr_maximum_of_400() -> None:
    card = _by_topic("f9_bupropion_sr_300_responding")[OPTIMISE]
    # Before: "optimise bupropion within 150-450 mg/day": 450 is above the SR label's 400.
    assert "within 150-400 mg/day" in card["summary"]
    assert (
        "consider raising bupropion within 150-400 mg/day (the SR maximum, bupropion SR label) "
        "(now 300)" in card["detail"]
    )
    assert "450" not in _text(card)


def test_bupropion_xl_responding_keeps_the_450_maximum() -> None:
    card = _by_topic("f9_bupropion_xl_300_responding")[OPTIMISE]
    assert "within 150-450 mg/day" in card["summary"]
    assert "the XL maximum" not in card["detail"]  # the drug row's own range: nothing to add


def test_venlafaxine_xr_225_has_no_raise_beyond_225() -> None:
    # Responding at the XR maximum: no room, so no optimise card at all (the IR label's 375 for
    # inpatients is never a raise for an XR course).
    assert OPTIMISE not in _by_topic("f9_venlafaxine_xr_225_responding")
    failed = _by_topic("f9_venlafaxine_xr_225_failed")
    for card in failed.values():
        assert "375" not in _text(card)
        assert not any(s["label"].startswith("Raise") for s in card.get("suggestions", []))


def test_failed_bupropion_sr_is_offered_no_dose_above_its_ceiling() -> None:
    # A failed course is switched or augmented (no raise on this card); nothing names 450.
    for card in _evaluate("f9_bupropion_sr_300_failed")[0]:
        assert "450" not in _text(card)


# --- 2. chart open: a running dose above its formulation's maximum ------------------------------


def test_bupropion_sr_450_running_gets_a_warning_naming_the_sr_maximum() -> None:
    card = _by_topic("f9_bupropion_sr_450_running")[RUNNING]  # before: no such card
    assert card["indicator"] == "warning"
    assert card["summary"] == (
        "Bupropion SR 450 mg/day running: above the SR maximum of 400 mg/day: seizure risk is "
        "dose-related"
    )
    assert (
        "**Bupropion SR 450 mg/day** (running since 2024-12-02): the labelled maximum of this "
        "formulation is 400 mg/day and 200 mg a dose (bupropion SR label): seizure risk is "
        "dose-related." in card["detail"]
    )


@pytest.mark.parametrize(
    "name",
    ["f9_bupropion_xl_300_failed", "f9_bupropion_sr_300_failed", "f9_venlafaxine_xr_225_failed"],
)
def test_a_running_dose_within_its_formulation_gets_no_card(name: str) -> None:
    assert RUNNING not in _by_topic(name)


def test_paroxetine_cr_37_5_running_gets_no_card() -> None:
    doc = _chart("c04_paroxetine_cr_62_5_draft")
    doc["hook"] = "patient-view"
    del doc["context"]["draftOrders"], doc["context"]["selections"]
    result = evaluate_document(doc, hook="patient-view", as_of=AS_OF, policy=Policy())
    topics = {c["source"]["topic"]["code"] for c in result.response.to_json()["cards"]}
    assert RUNNING not in topics


# --- 3. totals: the formulation's ceiling only when every order shares it -----------------------


def test_bupropion_sr_drafted_beside_zyban_meets_the_sr_maximum() -> None:
    card = _by_topic("f9_zyban_running_draft_bupropion_sr")["order-dose-above-range"]
    # Before: "Together: bupropion 450 mg/day, within the 450 mg/day maximum" (both are SR).
    assert "450 mg/day total, above 400; seizure risk" in card["summary"]
    assert (
        "Together: bupropion 450 mg/day, above the 400 mg/day SR maximum (bupropion SR label)."
        in card["detail"]
    )


def test_bupropion_xl_drafted_beside_zyban_meets_the_ingredient_maximum() -> None:
    cards = _by_topic("f9_zyban_running_draft_bupropion_xl")
    assert "order-dose-above-range" not in cards
    card = cards["order-same-class-running"]
    assert "Together: bupropion 450 mg/day, within the 450 mg/day maximum." in card["detail"]


def test_sr_and_xl_drafts_together_meet_the_ingredient_maximum() -> None:
    # Before: the total took the first draft's formulation, "Bupropion SR 450 mg/day is above
    # the SR maximum of 400 mg/day", though 150 mg of it is XL.
    assert "order-dose-above-range" not in _by_topic("f9_drafts_bupropion_sr_and_xl")


def test_two_sr_drafts_together_meet_the_sr_maximum() -> None:
    card = _by_topic("f9_drafts_bupropion_sr_twice")["order-dose-above-range"]
    assert card["summary"].startswith("Bupropion SR 450 mg/day is above the SR maximum of 400")
    assert "**2 orders of bupropion together:** 300 + 150 = 450 mg/day" in card["detail"]


def test_each_draft_meets_its_own_single_dose_limit() -> None:
    card = _by_topic("f9_drafts_bupropion_xl_and_ir_200")["order-dose-above-range"]
    # Two release formulations above the drug's maximum: worded as a second bupropion product
    # (review 15 recheck f01: services/order_checks/release_mix.py).
    assert card["summary"] == (
        "Bupropion XL and IR drafted together: 550 mg/day total, above 450; seizure risk; "
        "do not combine"
    )
    assert "bupropion 550 mg/day exceeds the CANMAT 2023 Table 3.3 range" in card["detail"]
    # Before: only the first draft's (XL) dose was read; the IR draft's 200 mg a dose was not.
    assert (
        "bupropion IR 400 mg/day is ordered as 200 mg a dose; no single dose of this "
        "formulation should exceed 150 mg" in card["detail"]
    )
