"""A text that names a listed product's ingredients, not its brand, is that product only at the
product's strengths (fhir_mapping/combination_products.py, wave 4 K2). "bupropion XL 450 mg daily
+ naltrexone 50 mg" is bupropion and naltrexone taken side by side (naltrexone for alcohol or opioid
use, bupropion for depression): before, it read as Contrave, its bupropion put at Contrave's 90 mg
a tablet and its course NOT_A_TRIAL, so the maximum-dose and seizure checks undercounted and a real
bupropion trial disappeared.

Charts are written as Epic and Oracle Health send a patient-reported home medication: a
MedicationStatement with the drug as free text and the sig as text (tests/fixtures/builders.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from fhir_mapping.medications import medication_events
from fhir_mapping.record import PatientRecord, Trial, Verdict
from tests.fixtures import builders as fb

AS_OF = date(2025, 6, 2)
P = "pt-product-strength-1"
Resource = dict[str, Any]


def statement(text: str, sig: str) -> Resource:
    resource = fb.medication_statement(
        None, text, date(2025, 1, 6), text=sig, frequency=None, patient=P, id="ms-1"
    )
    get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return resource


def record(*resources: Resource) -> PatientRecord:
    person = fb.patient(
        id=P, given="Ana", family="Diaz", gender="female", birth_date=date(1980, 5, 1)
    )
    return build_record([person, *resources], as_of=AS_OF, patient_id=P)


def bupropion_trial(chart: PatientRecord) -> Trial:
    (found,) = [t for t in chart.trials if t.ingredient == "bupropion"]
    return found


@pytest.mark.parametrize(
    ("text", "mg"),
    [
        ("bupropion XL 450 mg daily + naltrexone 50 mg", 450),
        ("bupropion XL 450 mg / naltrexone 50 mg", 450),
        ("naltrexone 50 mg; bupropion SR 150 mg", 150),
    ],
)
def test_both_ingredients_at_other_strengths_are_no_product(text: str, mg: int) -> None:
    # Before: product Contrave, bupropion 90 mg a tablet.
    events, gaps = medication_events([statement(text, "1 tablet by mouth daily")], as_of=AS_OF)
    assert not gaps
    (event,) = events
    assert event.ingredient == "bupropion"
    assert event.product is None
    assert event.mg_per_day == mg


def test_a_bupropion_course_written_beside_naltrexone_is_a_trial_at_its_full_dose() -> None:
    chart = record(statement("bupropion XL 450 mg daily + naltrexone 50 mg", "1 tablet daily"))
    bupropion = bupropion_trial(chart)
    # Before: NOT_A_TRIAL at 90 mg/day.
    assert bupropion.product is None
    assert bupropion.verdict is not Verdict.NOT_A_TRIAL
    assert bupropion.current_mg_per_day == 450
    assert not any("not an antidepressant trial" in n for n in bupropion.notes)


@pytest.mark.parametrize(
    "text",
    [
        # The strength read first is naltrexone's 8 mg, but Contrave's 90 mg is written too.
        "naltrexone/bupropion 8 mg/90 mg ER tablet",
        "bupropion hydrochloride 90 MG / naltrexone hydrochloride 8 MG Extended Release Oral Tablet",
        # No strength written: the product's.
        "naltrexone-bupropion ER tablet",
        # The brand decides whatever number the text carries.
        "Contrave (bupropion 150 mg?) tablet",
    ],
)
def test_the_products_own_strength_or_brand_stays_contrave(text: str) -> None:
    events, _gaps = medication_events(
        [statement(text, "2 tablets by mouth twice daily")], as_of=AS_OF
    )
    (event,) = events
    assert event.product is not None and event.product.brand == "Contrave"
    assert event.mg_per_day == 360
