"""Fix orders43: doses lowered and titrated on the optimise card and the payer criteria.

b01 (review K47b O1, finding 3): venlafaxine XR 150 mg/day filled monthly from 2026-05-01, failed,
lowered to 75 mg/day on 2026-11-20 and filled at 75. Before: "raise venlafaxine 75 → 150 mg/day
first (CANMAT para 187)", one click "Raise venlafaxine to 150 mg/day": back to the dose it already
failed on. Now the card names 150 as already failed with its dates, asks why it was lowered, keeps
a raise past 150 (to 225) named as text, no one click. b03: the same course never lowered (control,
"raise venlafaxine 150 → 225 mg/day first").
b02 (orders42's a01 with PHQ-9 item 9 = 2): the optimise summary over an unfilled lowering stays
lowered_dose's while the suicide-risk card is on screen; the interaction wording is checked below.
c01: 150 mg/day filled 2026-09-01 to 11-20 (adequate), 37.5 ordered 11-20 never filled, PHQ-9 20
on 11-28: counted failed (lowered_adequacy.py says why) with the lowering named beside "failed".
d01: fluoxetine "Take 10 mg by mouth daily for 7 days, then 20 mg daily", filled: the card said
"dose from fills, ordered 10 mg/day" (the sig's first step) beside 20 mg/day; the order's step in
effect is 20, so nothing is said against the fills.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.medication_drafts import draft_orders
from services.rules.optimize import dose as optimise_dose
from tests.services import chart_files
from tests.services.helpers import Evaluator, ctx

pytestmark = pytest.mark.real_drug_table

DIR = Path(__file__).parent / "orders43_charts"
_chart = chart_files.loader(DIR)
_dec = Evaluator(date(2026, 12, 1))
FAILED_LOWERED = "b01_ven150_failed_lower75_filled"
HELD_LOWERED = "b02_ven_lower37_unfilled_item9"
NOT_LOWERED = "b03_ven150_failed_no_lowering_control"
ADEQUATE_LOWERED = "c01_ven150_adequate_then_lower37_unfilled"
TITRATION = "d01_fluoxetine_titration_sig_filled"
FIXED = {FAILED_LOWERED: "fixed", ADEQUATE_LOWERED: "fixed", TITRATION: "fixed"}
CONTROLS = {HELD_LOWERED: "unchanged", NOT_LOWERED: "unchanged"}


def test_every_chart_is_an_ehr_chart() -> None:
    chart_files.check_folder(DIR, FIXED, CONTROLS)


def _text(cards: list[dict[str, Any]]) -> str:
    return "\n".join(f"{c['summary']}\n{c.get('detail') or ''}" for c in cards)


def _labels(cards: list[dict[str, Any]]) -> list[str]:
    return [s["label"] for c in cards for s in c.get("suggestions") or []]


def test_a_raise_back_to_the_dose_already_failed_on_is_not_proposed() -> None:
    cards = _dec.cards(_chart(FAILED_LOWERED))
    text = _text(cards)
    assert "raise venlafaxine 75 → 150" not in text
    assert "Venlafaxine 150 mg/day already failed (2026-05-01 – 2026-11-20" in text
    assert "check why it was lowered" in text
    assert "Above it the range here runs to 225 mg/day" in text
    assert "venlafaxine 150 mg/day already failed, lowered to 75: check why" in text
    assert not any(label.startswith("Raise venlafaxine") for label in _labels(cards))


def test_a_failed_course_never_lowered_is_still_raised_first() -> None:
    cards = _dec.cards(_chart(NOT_LOWERED))
    assert "raise venlafaxine 150 → 225 mg/day first" in _text(cards)
    assert any(label.startswith("Raise venlafaxine to 225") for label in _labels(cards))


def test_the_held_summary_over_an_unfilled_lowering_says_no_raise() -> None:
    cards = _dec.cards(_chart(HELD_LOWERED))
    text = _text(cards)
    assert "suicide risk" in text
    assert "Venlafaxine lowered to 37.5 mg/day on 2026-11-10, no fill yet" in text
    assert "raise held" not in text


def test_the_interaction_summary_over_an_unfilled_lowering_uses_the_lowering() -> None:
    _, record = _dec.cards_and_record(_chart(HELD_LOWERED))
    (trial,) = [t for t in record.trials if t.ingredient == "venlafaxine"]
    said = optimise_dose.low_summary_held(ctx(record), trial)
    assert said.startswith("Venlafaxine lowered to 37.5 mg/day on 2026-11-10, no fill yet")
    assert "titration" not in said and "below the adequate range" not in said


def test_a_failure_scored_after_an_unfilled_lowering_names_it() -> None:
    cards, record = _dec.cards_and_record(_chart(ADEQUATE_LOWERED))
    (trial,) = [t for t in record.trials if t.ingredient == "venlafaxine"]
    assert trial.failed  # the decision: the weeks at 150 before the lowering stand
    text = _text(cards)
    named = "outcome PHQ-9 of 2026-11-28 taken after a lowering to 37.5 mg/day ordered 2026-11-20"
    assert f"venlafaxine (SNRI, failed, {named}" in text
    assert text.count(named) >= 2  # the payer criterion and the optimise card's dose line
    assert "Not one click yet:** Refer for TMS evaluation" in text


def test_a_filled_titration_in_one_sig_is_not_called_ordered_at_its_first_step() -> None:
    cards, record = _dec.cards_and_record(_chart(TITRATION))
    (trial,) = [t for t in record.trials if t.ingredient == "fluoxetine"]
    assert trial.current_mg_per_day == 20
    assert trial.ordered_mg_per_day is None
    text = _text(cards)
    assert "ordered 10 mg/day" not in text
    assert "20 mg/day since 2026-09-22" in text


def _draft(sig: str) -> tuple[float | None, float | None, str | None]:
    drug = "fluoxetine 10 MG Oral Capsule"
    resource = {
        "resourceType": "MedicationRequest",
        "id": "d1",
        "status": "draft",
        "intent": "order",
        "medicationCodeableConcept": {
            "coding": [
                {
                    "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                    "code": "310384",
                    "display": drug,
                }
            ],
            "text": drug,
        },
        "subject": {"reference": "Patient/p1"},
        "dosageInstruction": [{"text": sig}],
    }
    (order,) = draft_orders([resource])
    return order.mg_per_day, order.mg_per_day_high, order.dose_note


def test_a_drafted_titration_in_one_sig_is_its_target_and_its_ceiling_its_highest_step() -> None:
    # The order being signed asks for its target: the dose it ends on (kept, taper._one_sig).
    assert _draft("Take 10 mg by mouth daily for 7 days, then 20 mg daily") == (20, None, None)
    # A higher earlier step is checked against the ceilings, as lines in steps are.
    mg, high, note = _draft("Take 80 mg by mouth daily for 7 days, then 40 mg daily")
    assert (mg, high) == (40, 80)
    assert note is not None and "the highest (80 mg/day)" in note
