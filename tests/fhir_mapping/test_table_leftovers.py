"""Review 10 table leftovers, mapping side.

- ICD-10-CM O99.34x "Other mental disorders complicating pregnancy, childbirth and the puerperium":
  the trimester codes (O99.340-O99.343) are a pregnancy, childbirth (O99.344) and the puerperium
  (O99.345) a postpartum onset. Before: every one of them was skipped with no gap (review 10
  chart N2, O99.345 beside a Zurzuvae course).
- ICD-10-CM Z3A (weeks of gestation, maternal record only) is a pregnancy.
- The amitriptyline/perphenazine tablets (RxNorm SCDs of the VSAC antidepressant value sets) are
  read as both drugs, as fluoxetine/olanzapine is. Before: amitriptyline only; the perphenazine,
  an antipsychotic, was never read.

Conditions are US Core encounter diagnoses and problem-list items as tests/fixtures/builders.py
writes them (ICD-10-CM with the dot, as EHRs send it), validated against fhir.resources R4B.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from fhir_mapping.context import condition_findings
from fhir_mapping.record import FindingKind, Role
from tests.fixtures import builders as fb

AS_OF = date(2025, 6, 2)
P = "pt-tables-s10"
Resource = dict[str, Any]


def _condition(code: str, display: str) -> Resource:
    """An encounter diagnosis, as obstetric codes are filed (US Core)."""
    resource = fb.condition(
        fb.ICD10CM,
        code,
        display,
        date(2025, 4, 14),
        patient=P,
        id=f"cond-{code.replace('.', '').lower()}",
    )
    get_fhir_model_class("Condition").model_validate(resource)
    return resource


def _kinds(resource: Resource) -> list[FindingKind]:
    return [f.kind for f in condition_findings(resource, as_of=AS_OF)]


@pytest.mark.parametrize(
    ("code", "display", "kind"),
    [
        ("O99.340", "Other mental disorders complicating pregnancy, unspecified trimester", "P"),
        ("O99.341", "Other mental disorders complicating pregnancy, first trimester", "P"),
        ("O99.342", "Other mental disorders complicating pregnancy, second trimester", "P"),
        ("O99.343", "Other mental disorders complicating pregnancy, third trimester", "P"),
        ("O99.344", "Other mental disorders complicating childbirth", "PP"),
        ("O99.345", "Other mental disorders complicating the puerperium", "PP"),
        ("Z3A.24", "24 weeks gestation of pregnancy", "P"),
        ("Z3A.01", "Less than 8 weeks gestation of pregnancy", "P"),
    ],
)
def test_o99_34x_and_z3a_are_read_as_pregnancy_or_postpartum_onset(
    code: str, display: str, kind: str
) -> None:
    expected = FindingKind.PREGNANCY if kind == "P" else FindingKind.POSTPARTUM
    # Pregnancy or postpartum only: the mental disorder itself is coded beside it.
    assert _kinds(_condition(code, display)) == [expected]


def test_the_n2_chart_postpartum_code_is_a_finding_not_a_skipped_resource() -> None:
    """Review 10 chart N2: the only diagnosis an O99.345 encounter diagnosis (no F53.0)."""
    patient = fb.patient(
        id=P, given="Lena", family="Marsh", gender="female", birth_date=date(1995, 9, 9)
    )
    puerperium = _condition("O99.345", "Other mental disorders complicating the puerperium")
    record = build_record([patient, puerperium], as_of=AS_OF, patient_id=P)
    (finding,) = [f for f in record.context.findings if f.kind is FindingKind.POSTPARTUM]
    assert (finding.code, finding.onset) == ("O99.345", date(2025, 4, 14))
    assert not record.gaps


def test_control_the_category_o99_34_itself_is_not_read_but_o99_35x_in_pregnancy_is() -> None:
    # O99.34 is a header (not billable). O99.350 (nervous system diseases complicating pregnancy)
    # is a pregnancy since review s21 RD finding 3: chapter 15's pregnancy subcodes count.
    # Its real title (fix tms59: a display's pregnancy words are read when its code is not, so
    # the control is the header's full title, which names no one state: diagnosis_terms.csv).
    title = "Other mental disorders complicating pregnancy, childbirth, and the puerperium"
    assert _kinds(_condition("O99.34", title)) == []
    assert _kinds(
        _condition("O99.350", "Diseases of the nervous system complicating pregnancy")
    ) == [FindingKind.PREGNANCY]


@pytest.mark.parametrize(
    ("rxcui", "display", "amitriptyline", "perphenazine"),
    [
        ("856797", "amitriptyline hydrochloride 25 MG / perphenazine 2 MG Oral Tablet", 75.0, 6.0),
        (
            "856840",
            "amitriptyline hydrochloride 50 MG / perphenazine 4 MG Oral Tablet",
            150.0,
            12.0,
        ),
    ],
)
def test_an_amitriptyline_perphenazine_tablet_is_read_as_both_drugs(
    rxcui: str, display: str, amitriptyline: float, perphenazine: float
) -> None:
    patient = fb.patient(
        id=P, given="Ruth", family="Hale", gender="female", birth_date=date(1961, 2, 3)
    )
    order = fb.medication_request(
        rxcui,
        display,
        date(2025, 3, 3),
        dose_value=1,
        frequency=3,
        status="active",
        expected_supply_days=30,
        repeats=5,
        patient=P,
        id="mr-ami-per",
    )
    get_fhir_model_class("MedicationRequest").model_validate(order)
    record = build_record([patient, order], as_of=AS_OF, patient_id=P)
    by_drug = {t.ingredient: t for t in record.trials}
    assert set(by_drug) == {"amitriptyline", "perphenazine"}
    assert by_drug["amitriptyline"].current_mg_per_day == amitriptyline
    assert by_drug["perphenazine"].current_mg_per_day == perphenazine
    assert by_drug["perphenazine"].drug_class == "typical antipsychotic"
    assert by_drug["perphenazine"].role is Role.AUGMENTATION
    assert all(t.ongoing for t in record.trials)
