"""The combination product a course was read from is a structured fact (record.Product), read where
the drug is read (fhir_mapping/combination_products.py), with its labelled indication from
data/combination_products.csv: Contrave (naltrexone/bupropion ER 8/90 mg, chronic weight
management) however the chart names it, and Symbyax, which stays a trial.

Charts are written as US EHRs send them (tests/fixtures/builders.py): an Epic/Oracle home-medication
MedicationStatement that carries only the brand as free text and the sig as text, a MedicationRequest
with the RxNorm clinical drug, and one with the generic name only."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from cds_hooks.storage import record_codec
from fhir_mapping.build import build_record
from fhir_mapping.medications import medication_events
from fhir_mapping.record import PatientRecord, Product, Role, Trial, Verdict
from tests.fixtures import builders as fb

AS_OF = date(2025, 6, 2)
P = "pt-product-1"
Resource = dict[str, Any]

CONTRAVE_SCD = (
    "1551468",
    "bupropion hydrochloride 90 MG / naltrexone hydrochloride 8 MG Extended Release Oral Tablet",
)


def _valid(resource: Resource) -> Resource:
    get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return resource


def statement(text: str, sig: str, start: date = date(2025, 1, 6), rid: str = "ms-1") -> Resource:
    """Free-text home medication (no code), the dose in the sig text only: as Epic and Oracle
    Health send a patient-reported medication."""
    return _valid(
        fb.medication_statement(None, text, start, text=sig, frequency=None, patient=P, id=rid)
    )


def order(drug: tuple[str | None, str], per_day: int, rid: str = "mr-1") -> Resource:
    return _valid(
        fb.medication_request(
            drug[0],
            drug[1],
            date(2025, 1, 6),
            dose_value=1,
            frequency=per_day,
            expected_supply_days=30,
            repeats=11,
            patient=P,
            id=rid,
        )
    )


def record(*resources: Resource) -> PatientRecord:
    person = fb.patient(
        id=P, given="Ana", family="Diaz", gender="female", birth_date=date(1980, 5, 1)
    )
    return build_record([person, *resources], as_of=AS_OF, patient_id=P)


def only(trials: tuple[Trial, ...], ingredient: str) -> Trial:
    (found,) = [t for t in trials if t.ingredient == ingredient]
    return found


@pytest.mark.parametrize(
    "text",
    ["Contrave", "Contrave 8-90 mg ER tablet", "CONTRAVE 8 MG-90 MG PO TB12"],
)
def test_the_brand_alone_is_contraves_bupropion_at_90_mg_a_tablet(text: str) -> None:
    # Before: plain bupropion with no product, and "8" read as 8 mg of bupropion (32 mg/day).
    events, gaps = medication_events(
        [statement(text, "2 tablets by mouth twice daily")], as_of=AS_OF
    )
    assert not gaps
    (event,) = events
    assert event.ingredient == "bupropion"
    assert event.product == Product(
        "naltrexone/bupropion", "Contrave", "chronic weight management", counts_as_trial=False
    )
    assert event.mg_per_day == 360


@pytest.mark.parametrize(
    "drug",
    [CONTRAVE_SCD, (None, CONTRAVE_SCD[1]), (None, "naltrexone HCl-bupropion HCl ER 8-90 mg tab")],
    ids=["rxnorm-scd", "scd-display-only", "generic-text"],
)
def test_contrave_by_code_or_generic_name_is_never_a_trial(drug: tuple[str | None, str]) -> None:
    chart = record(order(drug, per_day=4))
    bupropion = only(chart.trials, "bupropion")
    assert bupropion.product is not None and bupropion.product.brand == "Contrave"
    assert bupropion.verdict is Verdict.NOT_A_TRIAL
    assert not bupropion.failed
    assert bupropion.current_mg_per_day == 360
    assert any("not an antidepressant trial" in n for n in bupropion.notes)


def test_symbyax_by_brand_text_stays_a_trial_of_each_component() -> None:
    chart = record(order((None, "Symbyax 6-25 mg capsule"), per_day=1, rid="mr-ofc"))
    fluoxetine = only(chart.trials, "fluoxetine")
    olanzapine = only(chart.trials, "olanzapine")
    assert fluoxetine.product == olanzapine.product
    assert fluoxetine.product is not None
    assert (fluoxetine.product.brand, fluoxetine.product.counts_as_trial) == ("Symbyax", True)
    assert fluoxetine.verdict is not Verdict.NOT_A_TRIAL
    assert (fluoxetine.role, olanzapine.role) == (Role.ANTIDEPRESSANT, Role.AUGMENTATION)
    assert olanzapine.verdict is not Verdict.NOT_A_TRIAL


def test_a_single_drug_course_has_no_product() -> None:
    chart = record(
        order(("993557", "24 HR bupropion hydrochloride 300 MG Extended Release Oral Tablet"), 1)
    )
    assert only(chart.trials, "bupropion").product is None


def test_a_course_with_wellbutrin_beside_contrave_stays_an_antidepressant_course() -> None:
    # The same ingredient on its own makes the course a course of the antidepressant: judged
    # as any (the safer reading for a trial count is not in question here; hiding a real
    # bupropion trial would be).
    chart = record(
        order(CONTRAVE_SCD, per_day=2, rid="mr-con"),
        order(("993557", "24 HR bupropion hydrochloride 300 MG Extended Release Oral Tablet"), 1),
    )
    bupropion = only(chart.trials, "bupropion")
    assert bupropion.verdict is not Verdict.NOT_A_TRIAL
    assert bupropion.product is not None and bupropion.product.brand == "Contrave"


def test_the_product_round_trips_through_the_record_codec() -> None:
    chart = record(statement("Contrave", "2 tablets twice daily"))
    stored = record_codec.decode(record_codec.encode(chart))
    assert stored == chart
    assert only(stored.trials, "bupropion").product == only(chart.trials, "bupropion").product
