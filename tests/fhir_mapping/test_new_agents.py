"""Gepirone (Exxua) and zuranolone (Zurzuvae) are read, and a depression coded only as SNOMED CT
"Severe depression" is a depression diagnosis (review 10 findings 2 and 9).

Before: both drugs, FDA-approved antidepressants since 2023, were in no table, so a running Exxua
was dropped as "not on this pathway" (no trial, no MAOI check, no gap) and a Zurzuvae course
vanished from the history; a problem list holding only SNOMED 310497006 "Severe depression" had no
depression diagnosis, so the TMS criteria failed without a word. Now gepirone is an antidepressant
(5-HT1A agonist, the Exxua label's 18.2-72.6 mg/day), zuranolone's fixed 14-day course is shown but
never judged as a trial (fhir_mapping/fixed_course.py), and SNOMED 310495003 / 310496002 /
310497006 (mild / moderate / severe depression) are depression findings with their severity.

Charts are written as EHRs send them (tests/fixtures/builders.py: a free-text MedicationStatement
as on the review chart, a coded-by-text MedicationRequest with its boundsPeriod, US Core
problem-list Conditions), validated against fhir.resources R4B and mapped by build_record.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from fhir_mapping.drug_table import all_drugs, drug_info
from fhir_mapping.record import FindingKind, PatientRecord, Role, Trial, Verdict
from tests.fixtures import builders as fb

AS_OF = date(2025, 6, 2)
P = "pt-new-agents"
Resource = dict[str, Any]
SNOMED_OID = "urn:oid:2.16.840.1.113883.6.96"  # SNOMED CT as C-CDA conversions write it


def chart(*resources: Resource) -> PatientRecord:
    flat = [
        fb.patient(id=P, given="Ana", family="Reyes", gender="female", birth_date=date(1990, 2, 11))
    ]
    flat.extend(resources)
    for resource in flat:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return build_record(flat, as_of=AS_OF, patient_id=P)


def mdd() -> Resource:
    return fb.condition(
        fb.ICD10CM,
        "F33.2",
        "Major depressive disorder, recurrent severe without psychotic features",
        date(2024, 5, 20),
        category="problem-list-item",
        patient=P,
        id="cond-mdd",
    )


def exxua_statement(text: str = "Exxua (gepirone) 36.3 mg extended-release tablet") -> Resource:
    """The review chart's shape: a patient-reported statement naming the drug by text only, its
    dose in the product text and a sig without doseAndRate."""
    return fb.medication_statement(
        None,
        text,
        date(2024, 12, 2),
        text="36.3 mg by mouth daily with food",
        patient=P,
        date_asserted=date(2025, 5, 19),
        id="ms-gep",
    )


def zurzuvae_order(end: date = date(2025, 5, 4)) -> Resource:
    """The review chart's Zurzuvae order: 2 x 25 mg capsules in the evening, for 14 days."""
    return fb.medication_request(
        None,
        "Zurzuvae (zuranolone) 25 mg capsule",
        date(2025, 4, 21),
        dose_value=50,
        dose_unit="mg",
        status="completed",
        text="Take 2 capsules (50 mg) by mouth in the evening with fat-containing food for 14 days",
        expected_supply_days=14,
        quantity_value=28,
        quantity_unit="capsule",
        repeats=0,
        bounds_end=end,
        patient=P,
        id="mr-zur",
    )


def only(record: PatientRecord, ingredient: str) -> Trial:
    (trial,) = [t for t in record.trials if t.ingredient == ingredient]
    return trial


# --- the drug table ------------------------------------------------------------------------------


def test_gepirone_and_zuranolone_are_antidepressant_rows_with_the_labelled_doses() -> None:
    gepirone = drug_info("Gepirone")
    zuranolone = drug_info("zuranolone")
    assert gepirone is not None and zuranolone is not None
    assert (gepirone.role, gepirone.drug_class, gepirone.min_adequate_mg, gepirone.max_mg) == (
        Role.ANTIDEPRESSANT,
        "5-HT1A agonist",
        18.2,
        72.6,
    )
    # No minimum adequate dose: a 14-day course is never judged against one.
    assert (zuranolone.drug_class, zuranolone.min_adequate_mg, zuranolone.max_mg) == (
        "neuroactive steroid",
        None,
        50,
    )
    # Neither is a CANMAT 2023 first-line drug: never proposed in a switch list.
    assert gepirone.canmat_line is None and zuranolone.canmat_line is None
    # Brexanolone's 60-hour infusion is the other fixed course (review 15 W1).
    assert {d.ingredient: d.fixed_course_days for d in all_drugs() if d.fixed_course_days} == {
        "zuranolone": 14,
        "brexanolone": 2.5,
    }


# --- gepirone ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Exxua (gepirone) 36.3 mg extended-release tablet",  # the review chart's statement
        "EXXUA 36.3 MG 24 HR Extended Release Oral Tablet",  # the brand alone
        "gepirone hydrochloride 36.3 MG Extended Release Oral Tablet",  # the generic alone
    ],
)
def test_a_running_exxua_is_a_gepirone_trial(text: str) -> None:
    record = chart(mdd(), exxua_statement(text))
    trial = only(record, "gepirone")
    assert (trial.role, trial.drug_class, trial.ongoing) == (
        Role.ANTIDEPRESSANT,
        "5-HT1A agonist",
        True,
    )
    assert [s.mg_per_day for s in trial.segments] == [36.3]
    assert (trial.min_adequate_mg, trial.max_mg) == (18.2, 72.6)
    # 26 weeks at 36.3 mg/day: a fair test of the drug.
    assert trial.verdict is Verdict.ADEQUATE
    assert trial.weeks_at_adequate_dose == pytest.approx(26.0)


# --- zuranolone ----------------------------------------------------------------------------------


def test_a_zurzuvae_course_is_in_the_history_but_never_judged_as_a_trial() -> None:
    record = chart(mdd(), zurzuvae_order())
    trial = only(record, "zuranolone")
    assert (trial.start, trial.end, trial.ongoing) == (date(2025, 4, 21), date(2025, 5, 4), False)
    assert [s.mg_per_day for s in trial.segments] == [50]
    # Before: "inadequate (too-short)", 1.9 weeks "at an adequate dose (needs 6)".
    assert (trial.verdict, trial.reasons, trial.failed) == (Verdict.NOT_A_TRIAL, (), False)
    assert any("fixed 14-day course" in note for note in trial.notes)


def test_a_zuranolone_course_run_past_14_days_is_still_never_a_failed_trial() -> None:
    # Continued for 7 weeks (off-label): still not a trial of an antidepressant, never failed.
    record = chart(mdd(), zurzuvae_order(end=date(2025, 6, 9)))
    trial = only(record, "zuranolone")
    assert (trial.verdict, trial.failed) == (Verdict.NOT_A_TRIAL, False)


# --- SNOMED-only depression ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "display", "severity"),
    [
        ("310497006", "Severe depression", "severe"),
        ("310496002", "Moderate depression", "moderate"),
        ("310495003", "Mild depression", "mild"),
    ],
)
@pytest.mark.parametrize("system", [fb.SNOMED, SNOMED_OID])
def test_a_depression_coded_only_in_snomed_is_a_depression_finding(
    code: str, display: str, severity: str, system: str
) -> None:
    condition = fb.condition(
        fb.SNOMED,
        code,
        display,
        date(2024, 5, 20),
        category="problem-list-item",
        patient=P,
        id="cond-snomed",
    )
    condition["code"]["coding"][0]["system"] = system
    record = chart(condition)
    (finding,) = record.context.of(FindingKind.DEPRESSION)
    assert (finding.code, finding.severity, finding.onset) == (code, severity, date(2024, 5, 20))
