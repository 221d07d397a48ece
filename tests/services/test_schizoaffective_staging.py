"""A primary psychotic disorder in Maudsley staging and the referral packet (review 7 finding 9).

Schizoaffective disorder (and schizophrenia, delusional disorder) already stops the unipolar
pathway cards. The MSM psychosis item ("severe with psychosis", 5 points) is a depressive episode
with psychotic features, so the stage must not score the disorder's psychosis as that item, and
the packet must name the disorder as what it is (as it names bipolar disorder), never list it as
"Psychotic features" of the depression a reviewer would read as unipolar psychotic depression.

Charts are US Core shaped (tests/fixtures/builders.py), mapped by build_record with the real
drug table: a TRD patient (F33.2, sertraline then venlafaxine failed, PHQ-9 19 -> 21) plus the
psychotic diagnosis under test.
"""

from __future__ import annotations

import dataclasses
import html
import re
from datetime import date
from typing import Any

import pytest

from fhir_mapping.build import build_record
from fhir_mapping.record import PatientRecord
from services import cards
from services.packet import render_packet
from services.pathway import derive_facts
from services.patient_view import patient_view
from services.policy import Policy
from services.staging import MaudsleyStage, maudsley_stage
from tests.fhir_mapping.fhir_resources import assert_valid
from tests.fixtures import builders as b

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
PATIENT = "p-schizoaffective"
Resource = dict[str, Any]


def _chart(*extra: Resource) -> PatientRecord:
    resources = [
        b.patient(
            id=PATIENT, given="Rosa", family="Vidal", gender="female", birth_date=date(1975, 3, 9)
        ),
        b.condition(
            b.ICD10CM,
            "F33.2",
            "Major depressive disorder, recurrent severe without psychotic features",
            date(2024, 6, 3),
            category="problem-list-item",
            patient=PATIENT,
            extra_codings=[(b.SNOMED, "370143000", "Major depressive disorder (disorder)")],
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
            "39786",
            "venlafaxine 75 MG Extended Release Oral Capsule",
            date(2024, 10, 1),
            dose_value=225,
            dose_unit="mg",
            patient=PATIENT,
            # Reported again at the last PHQ-9 visit: a patient's statement counts to one usual
            # fill after its dateAsserted (stmt72), and this course runs to today.
            date_asserted=date(2025, 5, 20),
            id="ven",
        ),
        *b.phq9(date(2024, 6, 3), 19, patient=PATIENT),
        *b.phq9(date(2024, 10, 1), 20, patient=PATIENT),
        *b.phq9(date(2025, 5, 20), 21, patient=PATIENT),
        *extra,
    ]
    assert_valid(resources)
    return build_record(resources, as_of=AS_OF, patient_id=PATIENT)


def _schizoaffective() -> Resource:
    """F25.1 on the problem list since 2015, SNOMED alongside (as Epic codes it)."""
    return b.condition(
        b.ICD10CM,
        "F25.1",
        "Schizoaffective disorder, depressive type",
        date(2015, 1, 1),
        category="problem-list-item",
        patient=PATIENT,
        extra_codings=[(b.SNOMED, "68890003", "Schizoaffective disorder (disorder)")],
        id="sza",
    )


def _schizoaffective_text_only() -> Resource:
    """An Oracle Health health concern: text only, no coding (vendor README trap 10)."""
    resource = _schizoaffective()
    resource["code"] = {"text": "Schizoaffective disorder, bipolar type"}
    resource["category"] = [
        {
            "coding": [
                {
                    "system": "http://hl7.org/fhir/us/core/CodeSystem/condition-category",
                    "code": "health-concern",
                    "display": "Health Concern",
                }
            ]
        }
    ]
    resource["id"] = "sza-text"
    return resource


def _psychotic_depression() -> Resource:
    return b.condition(
        b.ICD10CM,
        "F33.3",
        "Major depressive disorder, recurrent, severe with psychotic symptoms",
        date(2025, 3, 1),
        category="encounter-diagnosis",
        patient=PATIENT,
        id="pd",
    )


def _stage(record: PatientRecord) -> MaudsleyStage:
    return maudsley_stage(record, derive_facts(record, Policy()))


def _packet_text(record: PatientRecord) -> str:
    page = render_packet(record, Policy())
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


@pytest.mark.parametrize("condition", [_schizoaffective, _schizoaffective_text_only])
def test_schizoaffective_psychosis_is_not_scored_as_severe_with_psychosis(condition: Any) -> None:
    stage = _stage(_chart(condition()))
    severity = stage.severity
    # Before: "Severity 5 (severe with psychosis)", basis "psychotic features: Schizoaffective ...".
    assert severity.category == "severe without psychosis"  # PHQ-9 21, the severe band
    assert severity.points == 4
    assert severity.basis.startswith("PHQ-9 21 on 2025-05-20; psychosis item not scored: ")
    assert "is a primary psychotic disorder, not depression with psychotic features" in (
        severity.assumed
    )
    line = cards.staging_section(stage)
    assert "severe with psychosis" not in line
    assert "Severity 4 (severe without psychosis; psychosis item not scored: Schizoaffective" in (
        line
    )


def test_schizoaffective_without_a_phq9_says_both_why_lines() -> None:
    record = _chart(_schizoaffective())
    # The stage reads the latest PHQ-9 from the facts: with none, the lowest band is assumed and
    # the disorder line is still said (a card must not read "subsyndromal" as the whole story).
    facts = dataclasses.replace(derive_facts(record, Policy()), latest_phq9=None)
    severity = maudsley_stage(record, facts).severity
    # Audit 13 WRONG 6: with no score, the coded severity of the depression is read (said so).
    assert "from the coded diagnosis" in severity.assumed
    assert severity.assumed.endswith(
        "psychosis item not scored: Schizoaffective disorder, depressive type "
        "is a primary psychotic disorder, not depression with psychotic features"
    )


def test_packet_names_the_primary_psychotic_disorder_not_psychotic_features() -> None:
    text = _packet_text(_chart(_schizoaffective()))
    assert (
        "Primary psychotic disorder (not depression with psychotic features; the unipolar TRD "
        "pathway does not apply): Schizoaffective disorder, depressive type (ICD-10-CM F25.1, "
        "since 1 Jan 2015)"
    ) in text
    assert "Psychotic features: none coded apart from the psychotic disorder above." in text
    # Before: "Psychotic features: Schizoaffective disorder, depressive type (ICD-10-CM F25.1 ...".
    assert "Psychotic features: Schizoaffective" not in text
    assert "Bipolar disorder: none on record." in text


def test_no_card_presents_schizoaffective_as_psychotic_depression() -> None:
    found = patient_view(_chart(_schizoaffective()), Policy())
    everything = "\n".join(r.summary + "\n" + r.detail for r in found)
    assert "psychotic disorder on record" in everything  # the diagnosis-review card
    assert "severe with psychosis" not in everything
    assert "Regimen with trial evidence" not in everything  # the psychotic-depression card


def test_psychotic_depression_still_scores_the_psychosis_item() -> None:
    record = _chart(_psychotic_depression())
    severity = _stage(record).severity
    assert (severity.category, severity.points) == ("severe with psychosis", 5)
    assert severity.basis == (
        "psychotic features: Major depressive disorder, recurrent, severe with psychotic symptoms"
    )
    assert severity.assumed == ""
    text = _packet_text(record)
    assert "Psychotic features: Major depressive disorder, recurrent, severe with psychotic" in text
    assert "Primary psychotic disorder" not in text


def test_psychotic_depression_beside_schizoaffective_is_scored_from_the_depression_code() -> None:
    record = _chart(_schizoaffective(), _psychotic_depression())
    severity = _stage(record).severity
    assert (severity.category, severity.points) == ("severe with psychosis", 5)
    assert "Major depressive disorder, recurrent, severe with psychotic" in severity.basis
    assert "Schizoaffective" not in severity.basis
    text = _packet_text(record)
    assert "Primary psychotic disorder (not depression with psychotic features" in text
    assert "Psychotic features: Major depressive disorder, recurrent, severe with psychotic" in text
    assert "Psychotic features: Schizoaffective" not in text


# --- review 9 finding 6: a primary psychotic disorder is lifelong --------------------------------


@pytest.mark.parametrize("status", ["inactive", "resolved", "remission"])
@pytest.mark.parametrize("text_only", [False, True], ids=["coded", "text-only"])
def test_an_inactive_or_resolved_schizoaffective_disorder_still_stops_the_pathway(
    status: str, text_only: bool
) -> None:
    """An "inactive" schizoaffective disorder is an inter-episode period, not a revised diagnosis
    (as bipolar disorder counts when resolved). Before: dropped, and TMS read "Criteria met"."""
    condition = _schizoaffective_text_only() if text_only else _schizoaffective()
    condition["clinicalStatus"]["coding"][0]["code"] = status
    condition["abatementDateTime"] = "2022-03-01"
    record = _chart(condition)
    facts = derive_facts(record, Policy())
    assert facts.psychotic_disorder
    topics = {r.topic for r in patient_view(record, Policy())}
    assert "tms-referral" not in topics
    assert "diagnosis-review" in topics
    # Nor the unipolar optimise card beside it (review 9 recheck N1: it offered aripiprazole).
    assert "optimize-switch-augment" not in topics


def test_a_resolved_schizoaffective_disorder_revised_to_psychotic_depression_is_that() -> None:
    """Review 9 recheck N2: F25.1 resolved and an active F33.3 (the clinician's current
    diagnosis): the psychotic-depression pathway applies, as before the lifelong reading; an
    active F25.1 beside the same F33.3 still stops it."""
    resolved = _schizoaffective()
    resolved["clinicalStatus"]["coding"][0]["code"] = "resolved"
    resolved["abatementDateTime"] = "2022-03-01"
    record = _chart(resolved, _psychotic_depression())
    facts = derive_facts(record, Policy())
    assert facts.psychotic and not facts.psychotic_disorder
    cards_ = {r.topic: r for r in patient_view(record, Policy())}
    assert "Psychotic features" in cards_["optimize-switch-augment"].detail
    both = derive_facts(_chart(_schizoaffective(), _psychotic_depression()), Policy())
    assert both.psychotic_disorder


def test_a_refuted_schizoaffective_disorder_is_dropped() -> None:
    condition = _schizoaffective()
    condition["verificationStatus"]["coding"][0]["code"] = "refuted"
    record = _chart(condition)
    assert not derive_facts(record, Policy()).psychotic_disorder
    assert "tms-referral" in {r.topic for r in patient_view(record, Policy())}


def test_a_resolved_brief_psychotic_disorder_is_not_lifelong() -> None:
    brief = b.condition(
        b.ICD10CM,
        "F23",
        "Brief psychotic disorder",
        date(2016, 1, 1),
        "resolved",
        category="problem-list-item",
        patient=PATIENT,
        abatement=date(2016, 2, 1),
        id="brief",
    )
    assert not derive_facts(_chart(brief), Policy()).psychotic_disorder
