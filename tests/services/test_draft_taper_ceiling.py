"""A drafted taper is judged at its highest step (review 12 recheck; L2): the ceilings (usual
maximum, the age limit) read the last step only, so a higher first step passed unchecked.

Drafts are Epic-shaped MedicationRequests (one dosageInstruction per step, text "Take 4 capsules
(300 mg total) by mouth daily for 7 days, then ...", timing.repeat.boundsDuration), with and
without `sequence`, read by fhir_mapping.medications.draft_orders; each validated with
fhir.resources R4B. The card names the step its ceiling was met at.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.medications import draft_orders
from fhir_mapping.record import PatientRecord
from services.order_hooks import order_hook
from services.policy import Policy
from services.recommendation import Recommendation
from tests.fixtures import builders as fb
from tests.services import factories as f

P = "pt-draft-taper"
VENLAFAXINE_75 = ("313585", "24 HR venlafaxine 75 MG Extended Release Oral Capsule")
CITALOPRAM_20 = ("200371", "citalopram 20 MG Oral Tablet")


def _days(value: int) -> dict[str, Any]:
    return {"value": value, "unit": "days", "system": "http://unitsofmeasure.org", "code": "d"}


def _draft(
    product: tuple[str, str], steps: list[tuple[str, float, int]], *, sequenced: bool
) -> dict[str, Any]:
    order = fb.medication_request(
        *product, date(2025, 6, 2), status="draft", patient=P, id="draft-taper"
    )
    lines = []
    for number, (text, count, period) in enumerate(steps, start=1):
        line = fb.dosage(
            count, "capsule", 1, period, "d", text=text, sequence=number if sequenced else None
        )
        line["timing"]["repeat"]["boundsDuration"] = _days(7)
        lines.append(line)
    order["dosageInstruction"] = lines
    get_fhir_model_class("MedicationRequest").model_validate(order)
    return order


VENLAFAXINE_TAPER = [
    ("Take 4 capsules (300 mg total) by mouth daily for 7 days, then ...", 4, 1),
    ("then 2 capsules (150 mg total) daily for 7 days", 2, 1),
    ("then 1 capsule (75 mg total) daily for 7 days, then stop", 1, 1),
]


def _orders(record: PatientRecord) -> dict[str, Recommendation]:
    return {r.topic: r for r in order_hook(record, Policy(), hook="order-select", selections=())}


def test_a_taper_starting_above_the_maximum_gets_the_above_card_naming_step_1() -> None:
    # Venlafaxine 300 mg/day (usual maximum 225) for a week, then 150, then 75, then stop.
    # Before: read at 75 mg/day (the last step), no card; and a "below the minimum" card
    # would not apply either way: a taper to a stop is no trial.
    for sequenced in (True, False):
        drafts = draft_orders([_draft(VENLAFAXINE_75, VENLAFAXINE_TAPER, sequenced=sequenced)])
        (draft,) = drafts
        assert (draft.mg_per_day, draft.mg_per_day_upper, draft.tapers_to_stop) == (
            75.0,
            300.0,
            True,
        )
        recs = _orders(f.trd_record(draft_orders=drafts))
        above = recs["order-dose-above-range"]
        assert "above the usual maximum of 225 mg/day" in above.summary
        assert (
            "venlafaxine drafted in 3 steps: 300 mg/day for 7 days, then 150 mg/day for 7 days, "
            "then 75 mg/day for 7 days; its ceilings are checked at step 1, the highest "
            "(300 mg/day)"
        ) in above.detail
        assert "order-dose-below-range" not in recs


def test_a_citalopram_taper_at_65_meets_the_age_limit_at_its_first_step() -> None:
    # Citalopram 40 mg/day for a week, then 20, then 10, for a patient of 65: the 20 mg/day
    # limit from 60 is met by step 1 (before: read at 10 mg/day, no card).
    steps = [
        ("Take 2 tablets (40 mg total) by mouth daily for 7 days, then ...", 2, 1),
        ("then 1 tablet (20 mg total) daily for 7 days", 1, 1),
        ("then 0.5 tablet (10 mg total) daily for 7 days, then stop", 0.5, 1),
    ]
    drafts = draft_orders([_draft(CITALOPRAM_20, steps, sequenced=False)])
    record = f.trd_record(draft_orders=drafts)
    record = dataclasses.replace(record, patient=dataclasses.replace(record.patient, age=65))
    age = _orders(record)["order-dose-above-age-limit"]
    assert "at age 65" in age.summary
    assert "its ceilings are checked at step 1, the highest (40 mg/day)" in age.detail


def test_a_titration_up_keeps_its_last_step_and_no_note() -> None:
    # 25 -> 50 -> 100: the highest step is the one it ends on; nothing changes.
    steps = [
        ("Take 1 capsule (75 mg total) daily for 7 days", 1, 1),
        ("then 2 capsules (150 mg total) daily for 7 days", 2, 1),
        ("then 3 capsules (225 mg total) daily", 3, 1),
    ]
    order = _draft(VENLAFAXINE_75, steps, sequenced=True)
    del order["dosageInstruction"][2]["timing"]["repeat"]["boundsDuration"]
    (draft,) = draft_orders([order])
    assert (draft.mg_per_day, draft.mg_per_day_high, draft.dose_note) == (225.0, None, None)


def test_unclear_unsequenced_draft_lines_prove_no_dose_and_are_checked_at_their_total() -> None:
    # Two daily lines, no sequence, no bounds, no times of day: 150 + 150 may be 300 mg/day.
    steps = [("Take 2 capsules (150 mg) by mouth daily", 2, 1)] * 2
    order = _draft(VENLAFAXINE_75, steps, sequenced=False)
    for line in order["dosageInstruction"]:
        del line["timing"]["repeat"]["boundsDuration"]
    drafts = draft_orders([order])
    (draft,) = drafts
    assert (draft.mg_per_day, draft.mg_per_day_upper) == (None, 300.0)
    above = _orders(f.trd_record(draft_orders=drafts))["order-dose-above-range"]
    assert "dose to confirm: dosage lines 1 and 2 of 2 carry no sequence" in above.detail
