"""A substance use disorder whose clinicalStatus is "remission" reads the same whether it is coded
or written only in text (fhir_mapping/context.py; review 7 finding 8).

Before: a coded one (F10.20 with clinicalStatus remission) became "substance use in remission",
but the same Condition typed in ("Alcohol use disorder, severe", no code: Oracle Health health
concerns, outside records) was dropped, as a resolved text-only diagnosis is: the diagnosis
review's "in remission" line (keep it in mind with drugs that can be misused) was never shown.

Charts are US Core shaped (tests/fixtures/builders.py conditions; the text-only one as Oracle
Health writes a health concern: `code.text` only) and mapped by build_record.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fhir_mapping.build import build_record
from fhir_mapping.context import condition_findings
from fhir_mapping.record import FindingKind, PatientRecord
from services.patient_view import patient_view
from services.policy import Policy
from tests.fhir_mapping.fhir_resources import assert_valid
from tests.fixtures import builders as b

AS_OF = date(2025, 6, 2)
PATIENT = "p-aud-remission"
Resource = dict[str, Any]
AUD = "Alcohol use disorder, severe"


def _coded(status: str) -> Resource:
    return b.condition(
        b.ICD10CM,
        "F10.20",
        AUD,
        date(2022, 3, 1),
        clinical_status=status,
        category="problem-list-item",
        patient=PATIENT,
        id="aud",
    )


def _text_only(status: str) -> Resource:
    """The same Condition with no coding: code.text only."""
    condition = _coded(status)
    condition["code"] = {"text": AUD}
    return condition


def _kinds(condition: Resource) -> set[FindingKind]:
    assert_valid([condition])
    return {f.kind for f in condition_findings(condition, as_of=AS_OF)}


@pytest.mark.parametrize("shape", [_coded, _text_only], ids=["coded", "text-only"])
def test_remission_status_reads_as_in_remission(shape: Any) -> None:
    assert _kinds(shape("remission")) == {FindingKind.SUBSTANCE_USE_IN_REMISSION}


@pytest.mark.parametrize("shape", [_coded, _text_only], ids=["coded", "text-only"])
def test_active_status_reads_as_active_use(shape: Any) -> None:
    # The check above can fail: the same Condition active is current use.
    assert _kinds(shape("active")) == {FindingKind.SUBSTANCE_USE}


@pytest.mark.parametrize("shape", [_coded, _text_only], ids=["coded", "text-only"])
def test_resolved_status_is_no_finding(shape: Any) -> None:
    assert _kinds(shape("resolved")) == set()


def test_a_text_only_remission_keeps_its_text_as_the_display() -> None:
    condition = _text_only("remission")
    (finding,) = condition_findings(condition, as_of=AS_OF)
    assert (finding.system, finding.code, finding.display) == ("text", "", AUD)


def _record(condition: Resource) -> PatientRecord:
    """F33.2; sertraline 150 mg then escitalopram 20 mg failed; PHQ-9 21; the condition under
    test."""
    resources = [
        b.patient(
            id=PATIENT, given="Ana", family="Ruiz", gender="female", birth_date=date(1975, 2, 9)
        ),
        b.condition(
            b.ICD10CM,
            "F33.2",
            "Major depressive disorder, recurrent severe without psychotic features",
            date(2024, 6, 3),
            category="problem-list-item",
            patient=PATIENT,
            id="mdd",
        ),
        b.medication_statement(
            "36437",
            "sertraline 100 MG Oral Tablet",
            date(2024, 6, 3),
            date(2024, 10, 1),
            status="completed",
            dose_value=150,
            dose_unit="mg",
            patient=PATIENT,
            id="ser",
        ),
        b.medication_statement(
            "351250",
            "escitalopram 20 MG Oral Tablet",
            date(2024, 10, 1),
            dose_value=20,
            dose_unit="mg",
            patient=PATIENT,
            # Reported again at the last PHQ-9 visit: a patient's statement counts to one usual
            # fill after its dateAsserted (stmt72), and this course runs to today.
            date_asserted=date(2025, 5, 20),
            id="esc",
        ),
        *b.phq9(date(2024, 6, 3), 22, patient=PATIENT),
        *b.phq9(date(2025, 5, 20), 21, patient=PATIENT),
        condition,
    ]
    assert_valid(resources)
    return build_record(resources, as_of=AS_OF, patient_id=PATIENT)


@pytest.mark.parametrize("shape", [_coded, _text_only], ids=["coded", "text-only"])
def test_the_diagnosis_review_names_the_remission_either_way(shape: Any) -> None:
    cards = {r.topic: r for r in patient_view(_record(shape("remission")), Policy())}
    detail = cards["diagnosis-review"].detail
    assert f"**Alcohol use disorder in remission:** {AUD}" in detail  # alcohol named (audit 14 s01)
    # Not active use: nothing holds escalation, and duloxetine stays on offer.
    assert "address it before escalating" not in detail
    assert "duloxetine not listed" not in cards["optimize-switch-augment"].detail
