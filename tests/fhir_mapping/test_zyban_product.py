"""Recheck of review 12 (q29): bupropion ordered as the smoking-cessation product (RxNorm SCD
1801289 "Smoking Cessation 12 HR bupropion hydrochloride 150 MG Extended Release Oral Tablet", the
Zyban generic; or "Zyban" named) with no stated reason was counted as a failed depression trial.
It is a product labelled for smoking cessation (data/combination_products.csv), judged as Contrave
is: no trial, its bupropion still in every safety check. An order that states depression as its
reason is judged as any course (the prescriber's word); the SR tablet for depression (993518)
is untouched (control).

Epic-shaped MedicationRequests (tests/fixtures/builders.py: RxNorm coding with display, a
structured dose and a sig text, a boundsPeriod end), validated with fhir.resources R4B.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from fhir_mapping.record import Trial, Verdict
from tests.fixtures import builders as fb

AS_OF = date(2025, 6, 2)
P = "pt-zyban"
SMOKING_SCD = (
    "1801289",
    "Smoking Cessation 12 HR bupropion hydrochloride 150 MG Extended Release Oral Tablet",
)
DEPRESSION_SR = ("993518", "12 HR bupropion hydrochloride 150 MG Extended Release Oral Tablet")


def _bupropion(
    drug: tuple[str, str], *, reason: tuple[str, str, str] | None = None, text: str | None = None
) -> Trial:
    order: dict[str, Any] = fb.medication_request(
        drug[0],
        drug[1],
        date(2024, 6, 3),
        dose_value=1,
        frequency=2,
        status="completed",
        text="Take 1 tablet by mouth twice daily",
        expected_supply_days=30,
        repeats=2,
        bounds_end=date(2024, 9, 2),
        patient=P,
        id="mr-bup",
        reason_code=reason,
    )
    if text is not None:  # the drug named in text alone, as an outside list sends it
        order["medicationCodeableConcept"] = {"text": text}
    resources = [
        fb.patient(id=P, given="Lee", family="Cho", gender="female", birth_date=date(1975, 1, 2)),
        order,
        *fb.phq9(date(2024, 6, 3), 20, item9=0, patient=P),
        *fb.phq9(date(2024, 9, 2), 19, item9=0, patient=P),
    ]
    for resource in resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    record = build_record(resources, as_of=AS_OF, patient_id=P)
    return next(t for t in record.trials if t.ingredient == "bupropion")


def test_the_smoking_cessation_product_is_no_depression_trial() -> None:
    trial = _bupropion(SMOKING_SCD)
    assert trial.verdict is Verdict.NOT_A_TRIAL and not trial.failed
    assert trial.product is not None and trial.product.brand == "Zyban"
    assert trial.max_mg_per_day == 300  # still counted in the dose and seizure checks


def test_zyban_named_in_the_text_is_the_same_product() -> None:
    trial = _bupropion(DEPRESSION_SR, text="Zyban 150 mg SR tablet")
    assert trial.verdict is Verdict.NOT_A_TRIAL


def test_a_stated_depression_reason_makes_it_a_trial_again() -> None:
    reason = (fb.ICD10CM, "F33.1", "Major depressive disorder, recurrent, moderate")
    trial = _bupropion(SMOKING_SCD, reason=reason)
    assert trial.verdict is Verdict.ADEQUATE and trial.failed
    assert any("judged as a depression trial" in n for n in trial.notes)


def test_control_the_sr_tablet_for_depression_is_a_trial() -> None:
    trial = _bupropion(DEPRESSION_SR)
    assert trial.verdict is Verdict.ADEQUATE and trial.product is None
