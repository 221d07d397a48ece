"""Mania or hypomania CODED as the reaction that ended a course (no words saying so) is a manic
switch, never a failed trial: the switch and the bipolar finding read one judgement
(fhir_mapping/manic_reaction.py `says_mania`: a code of data/mania_reactions.csv or a bipolar code of
data/condition_codes.csv, else the words, not negated).

Before, `is_manic_switch` read only the reason's words: an AllergyIntolerance whose manifestation
is SNOMED 231494001 with no display (a C-CDA conversion, an Epic reaction sent as a bare code), or
with the clinician's own unrelated words beside the code (Oracle Health), made a bipolar finding
and still let escitalopram count as a failed adequate trial; a stop reason coded mania was not even
an intolerance.

Charts as US EHRs send them (tests/fixtures/builders.py: US Core orders and fills, PHQ-9
Observations, an ICD-10-CM problem-list Condition), the reaction in Epic's and Oracle Health's
AllergyIntolerance shapes (FHIR R4: Epic's status codings carry version "4.0.0" and a display and
the allergen an Epic allergen id beside RxNorm; Oracle Health gives the allergen its Millennium
nomenclature code, status texts and a note), each resource validated with fhir.resources R4B. The
end-to-end checks run the chart through the offline engine (`trd-cds evaluate`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from cds_hooks.offline import evaluate_document
from fhir_mapping.build import build_record
from fhir_mapping.record import (
    FindingKind,
    InadequacyReason,
    PatientRecord,
    SourceRef,
    Trial,
    Verdict,
)
from services.pathway import derive_facts
from services.policy import Policy
from tests.fixtures import builders as fb

Resource = dict[str, Any]

AS_OF = date(2025, 6, 2)
P = "pt-manic-code-1"
SERTRALINE_100 = ("312938", "sertraline 100 MG Oral Tablet")
ESCITALOPRAM_20 = ("351250", "escitalopram 20 MG Oral Tablet")
ESC_START = date(2023, 1, 9)
ESC_STOP = date(2023, 4, 10)
REACTION_ONSET = date(2023, 4, 3)  # in the escitalopram course, a week before it was stopped
ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
ALLERGY_VERIFICATION = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"
EPIC_ALLERGEN = "urn:oid:1.2.840.114350.1.13.0.1.7.2.707679"  # Epic allergen ids (an example OID)
ORACLE_NOMENCLATURE = "https://fhir.cerner.com/ec2458f2-1e24-41c8-b71b-0e701af7583d/nomenclature"

MANIA_CODE_ONLY: Resource = {"coding": [{"system": fb.SNOMED, "code": "231494001"}]}
HYPOMANIA_CODE_ONLY: Resource = {"coding": [{"system": fb.SNOMED, "code": "231496004"}]}
# ICD-10-CM F30.10 "Manic episode without psychotic symptoms, unspecified": a bipolar code of
# data/condition_codes.csv (F30.x), as a C-CDA conversion may code the reaction.
F30_CODE_ONLY: Resource = {"coding": [{"system": fb.ICD10CM, "code": "F30.10"}]}
MANIA_WITH_OTHER_WORDS: Resource = {
    "coding": [{"system": fb.SNOMED, "code": "231494001", "display": "Mania (disorder)"}],
    "text": "Agitated, not sleeping",
}
NO_MANIA_WORDS: Resource = {"text": "Insomnia and jitteriness, no mania"}
NAUSEA: Resource = {
    "coding": [{"system": fb.SNOMED, "code": "422587007", "display": "Nausea"}],
    "text": "Nausea",
}


def _status(system: str, code: str, display: str) -> Resource:
    return {"coding": [{"system": system, "version": "4.0.0", "code": code, "display": display}]}


def epic_allergy(manifestation: Resource, *, aid: str = "eAI-esc-3") -> Resource:
    """Epic's FHIR R4 AllergyIntolerance: no `type`, the allergen by Epic id and RxNorm
    ingredient, the reaction's onset on the reaction, the recorded date a dateTime."""
    return {
        "resourceType": "AllergyIntolerance",
        "id": aid,
        "clinicalStatus": _status(ALLERGY_CLINICAL, "active", "Active"),
        "verificationStatus": _status(ALLERGY_VERIFICATION, "confirmed", "Confirmed"),
        "category": ["medication"],
        "criticality": "low",
        "code": {
            "coding": [
                {"system": EPIC_ALLERGEN, "code": "48871", "display": "ESCITALOPRAM"},
                {"system": fb.RXNORM, "code": "321988", "display": "escitalopram"},
            ],
            "text": "Escitalopram",
        },
        "patient": {"reference": f"Patient/{P}", "display": "Hale, Robin"},
        "recordedDate": "2023-04-10T15:12:00Z",
        "recorder": {"reference": "Practitioner/eDr-1", "display": "Physician, MD"},
        "reaction": [
            {
                "manifestation": [manifestation],
                "onset": fb.fhir_date(REACTION_ONSET),
                "severity": "severe",
            }
        ],
    }


def oracle_allergy(manifestation: Resource, *, aid: str = "12724067") -> Resource:
    """Oracle Health (Millennium) FHIR R4 AllergyIntolerance: type allergy, the allergen by its
    nomenclature code beside RxNorm, status texts, the onset on the resource, a note."""
    clinical = _status(ALLERGY_CLINICAL, "active", "Active")
    clinical["text"] = "Active"
    verification = _status(ALLERGY_VERIFICATION, "confirmed", "Confirmed")
    verification["text"] = "Confirmed"
    return {
        "resourceType": "AllergyIntolerance",
        "id": aid,
        "meta": {"versionId": "2", "lastUpdated": "2023-04-10T20:14:01.000Z"},
        "clinicalStatus": clinical,
        "verificationStatus": verification,
        "type": "allergy",
        "category": ["medication"],
        "criticality": "high",
        "code": {
            "coding": [
                {
                    "system": ORACLE_NOMENCLATURE,
                    "code": "1213094",
                    "display": "escitalopram",
                    "userSelected": True,
                },
                {
                    "system": fb.RXNORM,
                    "code": "321988",
                    "display": "escitalopram",
                    "userSelected": False,
                },
            ],
            "text": "escitalopram",
        },
        "patient": {"reference": f"Patient/{P}", "display": "HALE, ROBIN"},
        "onsetDateTime": f"{REACTION_ONSET.isoformat()}T05:00:00.000Z",
        "recordedDate": "2023-04-10T20:13:56.000Z",
        "recorder": {"reference": "Practitioner/4122622", "display": "Cerner Test, Physician"},
        "note": [{"time": "2023-04-10T20:13:56.000Z", "text": "Escitalopram stopped."}],
        "reaction": [{"manifestation": [manifestation], "severity": "severe"}],
    }


def _order(
    drug: tuple[str, str], start: date, stop: date | None, rid: str, **extra: Any
) -> Resource:
    return fb.medication_request(
        drug[0],
        drug[1],
        start,
        status="stopped" if stop else "active",
        bounds_end=stop,
        expected_supply_days=30,
        repeats=2,
        patient=P,
        id=rid,
        **extra,
    )


def _fills(drug: tuple[str, str], first: date, prefix: str, order: str) -> list[Resource]:
    """Three 30-day fills, 30 days apart (13 weeks of the drug, adequate by time)."""
    return [
        fb.medication_dispense(
            drug[0],
            drug[1],
            date.fromordinal(first.toordinal() + 30 * i),
            30,
            30,
            patient=P,
            prescription=order,
            refill=i > 0,
            id=f"{prefix}-{i}",
        )
        for i in range(3)
    ]


def chart(*reaction: Resource, escitalopram_order: Resource | None = None) -> list[Resource]:
    """Recurrent MDD since September 2022. Sertraline 100 mg October to December 2022 (PHQ-9 21
    -> 20: a failed adequate trial), then escitalopram 20 mg from 2023-01-09, stopped 2023-04-10
    after 13 weeks (PHQ-9 20 -> 19), no antidepressant since (PHQ-9 20 in May 2025), and
    `reaction`: what stopped escitalopram."""
    resources: list[Resource] = [
        fb.patient(
            id=P, given="Robin", family="Hale", gender="female", birth_date=date(1979, 8, 14)
        ),
        fb.condition(
            fb.ICD10CM,
            "F33.1",
            "Major depressive disorder, recurrent, moderate",
            date(2022, 9, 5),
            category="problem-list-item",
            patient=P,
            id="cond-mdd",
        ),
        _order(SERTRALINE_100, date(2022, 10, 3), date(2023, 1, 2), "mr-sert"),
        *_fills(SERTRALINE_100, date(2022, 10, 3), "md-sert", "mr-sert"),
        escitalopram_order or _order(ESCITALOPRAM_20, ESC_START, ESC_STOP, "mr-esc"),
        *_fills(ESCITALOPRAM_20, ESC_START, "md-esc", "mr-esc"),
        *reaction,
    ]
    for day, total in [
        (date(2022, 10, 3), 21),
        (date(2023, 1, 2), 20),
        (ESC_START, 20),
        (ESC_STOP, 19),
        (date(2025, 5, 19), 20),
    ]:
        resources += fb.phq9(day, total, item9=0, patient=P)
    for resource in resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return resources


def record_of(resources: list[Resource]) -> PatientRecord:
    return build_record(resources, as_of=AS_OF, patient_id=P)


def escitalopram(record: PatientRecord) -> Trial:
    (trial,) = [t for t in record.trials if t.ingredient == "escitalopram"]
    return trial


def assert_switch(trial: Trial) -> None:
    assert trial.verdict is Verdict.INADEQUATE
    assert trial.reasons == (InadequacyReason.INTOLERANCE,)
    assert not trial.failed
    assert trial.intolerance is not None and trial.intolerance.manic_reaction


def assert_failed(trial: Trial) -> None:
    assert trial.verdict is Verdict.ADEQUATE
    assert trial.failed
    assert trial.intolerance is None or not trial.intolerance.manic_reaction


# --- the control: the chart's escitalopram course is a failed trial without a manic reaction ---


def test_control_escitalopram_stopped_for_nausea_is_a_failed_trial() -> None:
    record = record_of(chart(epic_allergy(NAUSEA)))
    assert_failed(escitalopram(record))
    assert record.context.of(FindingKind.BIPOLAR) == ()


# --- the reaction coded, no words saying mania ----------------------------------------------------


@pytest.mark.parametrize(
    ("manifestation", "reason"),
    [
        (MANIA_CODE_ONLY, "documented allergy/intolerance: Mania"),
        (HYPOMANIA_CODE_ONLY, "documented allergy/intolerance: Hypomania"),
        (F30_CODE_ONLY, "documented allergy/intolerance: Manic episode (all F30.x)"),
    ],
    ids=["snomed-mania", "snomed-hypomania", "icd10-f30"],
)
def test_epic_reaction_coded_mania_with_no_words_is_a_switch(
    manifestation: Resource, reason: str
) -> None:
    record = record_of(chart(epic_allergy(manifestation)))
    trial = escitalopram(record)
    assert_switch(trial)
    assert trial.intolerance is not None
    # The reason names what the code says, not a bare "documented allergy/intolerance".
    assert trial.intolerance.reason == reason
    assert trial.intolerance.source == SourceRef("AllergyIntolerance", "eAI-esc-3")
    # The bipolar finding reads the same reaction, named by the term, not by the bare code.
    (finding,) = record.context.of(FindingKind.BIPOLAR)
    assert finding.source == SourceRef("AllergyIntolerance", "eAI-esc-3")
    assert finding.display == f"{reason.split(': ')[1]} on escitalopram, recorded as a reaction"
    # The sertraline course before it is still a failed trial: only the switch is left out.
    (sertraline,) = [t for t in record.trials if t.ingredient == "sertraline"]
    assert sertraline.failed


def test_oracle_reaction_coded_mania_with_unrelated_words_is_a_switch() -> None:
    """The clinician's words ("Agitated, not sleeping") do not say mania; the code does."""
    record = record_of(chart(oracle_allergy(MANIA_WITH_OTHER_WORDS)))
    trial = escitalopram(record)
    assert_switch(trial)
    assert trial.intolerance is not None
    assert trial.intolerance.reason == "documented allergy: Agitated, not sleeping"
    (finding,) = record.context.of(FindingKind.BIPOLAR)
    assert finding.code == "231494001"
    assert finding.source == SourceRef("AllergyIntolerance", "12724067")


def test_negated_words_with_no_code_are_no_switch() -> None:
    """ "no mania" is no manic reaction: escitalopram stopped for insomnia after 13 weeks at
    20 mg is a failed trial (the intolerance is named, not read as mania), and no bipolar
    finding."""
    record = record_of(chart(epic_allergy(NO_MANIA_WORDS)))
    trial = escitalopram(record)
    assert_failed(trial)
    assert trial.intolerance is not None
    assert trial.intolerance.reason == (
        "documented allergy/intolerance: Insomnia and jitteriness, no mania"
    )
    assert record.context.of(FindingKind.BIPOLAR) == ()


# --- a course's own stop reason coded mania ------------------------------------------------------


def _stopped_for(reason: Resource) -> Resource:
    order = _order(ESCITALOPRAM_20, ESC_START, ESC_STOP, "mr-esc")
    order["statusReason"] = reason
    return order


def test_stop_reason_coded_mania_is_a_switch() -> None:
    """MedicationRequest.statusReason coded SNOMED Mania, no words: before, not even an
    intolerance (no intolerance code or word), so a failed trial."""
    record = record_of(chart(escitalopram_order=_stopped_for(MANIA_CODE_ONLY)))
    trial = escitalopram(record)
    assert_switch(trial)
    assert trial.intolerance is not None
    assert trial.intolerance.reason == "Mania"
    assert trial.intolerance.source == SourceRef("MedicationRequest", "mr-esc")
    # The same judgement makes it a bipolar finding, as the reaction on an allergy is.
    (finding,) = record.context.of(FindingKind.BIPOLAR)
    assert (finding.system, finding.code) == (fb.SNOMED, "231494001")
    assert finding.display == "Mania on escitalopram, recorded as the reason it was stopped"
    assert finding.source == SourceRef("MedicationRequest", "mr-esc")


def test_stop_reason_negated_mania_is_neither_switch_nor_intolerance() -> None:
    record = record_of(chart(escitalopram_order=_stopped_for({"text": "no mania; moved away"})))
    trial = escitalopram(record)
    assert_failed(trial)
    assert trial.intolerance is None
    assert record.context.of(FindingKind.BIPOLAR) == ()


# --- end to end: the offline engine (`trd-cds evaluate`) ------------------------------------------


def _evaluate(resources: list[Resource]) -> tuple[PatientRecord, str]:
    result = evaluate_document(
        fb.bundle(resources), hook="patient-view", as_of=AS_OF, policy=Policy()
    )
    return result.evaluation.record, result.response.model_dump_json(exclude_none=True)


@pytest.mark.parametrize(
    "reaction",
    [epic_allergy(MANIA_CODE_ONLY), oracle_allergy(MANIA_WITH_OTHER_WORDS)],
    ids=["epic-code-only", "oracle-code-and-other-words"],
)
def test_end_to_end_a_coded_manic_reaction_is_no_failed_trial(reaction: Resource) -> None:
    record, cards = _evaluate(chart(reaction))
    facts = derive_facts(record, Policy())
    assert [t.ingredient for t in facts.failed_trials] == ["sertraline"]
    assert_switch(escitalopram(record))
    # The cards treat the chart as bipolar-spectrum (no TMS referral), naming the reaction.
    assert not facts.tms.eligible
    assert "on escitalopram, recorded as a reaction" in cards
    # Control: the same chart with nausea counts both trials as failed.
    control, _ = _evaluate(chart(epic_allergy(NAUSEA)))
    assert [t.ingredient for t in derive_facts(control, Policy()).failed_trials] == [
        "sertraline",
        "escitalopram",
    ]


def test_end_to_end_a_stop_reason_coded_mania_is_no_failed_trial() -> None:
    """Before, escitalopram counted as the second failed trial: TMS criteria met. Counted as an
    intolerance instead (policy tms_count_intolerant_trials) it would still make two, so the
    switch must also be the bipolar finding that withholds TMS."""
    record, cards = _evaluate(chart(escitalopram_order=_stopped_for(MANIA_CODE_ONLY)))
    facts = derive_facts(record, Policy())
    assert [t.ingredient for t in facts.failed_trials] == ["sertraline"]
    assert_switch(escitalopram(record))
    assert not facts.tms.eligible
    assert "Mania on escitalopram, recorded as the reason it was stopped" in cards
    control, _ = _evaluate(chart(escitalopram_order=_stopped_for({"text": "no mania; moved away"})))
    assert derive_facts(control, Policy()).tms.eligible
