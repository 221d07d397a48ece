"""Conditions, labs, procedures, devices and referrals -> clinical context (context.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fhir_mapping.clinical_codes import condition_codes, lab_ranges, procedure_codes
from fhir_mapping.context import (
    clinical_context,
    condition_findings,
    wants_condition,
    wants_device,
    wants_procedure,
)
from fhir_mapping.record import (
    Finding,
    FindingKind,
    LabResult,
    ProcedureKind,
    ProcedureRecord,
    Referral,
    SourceRef,
)
from fhir_mapping.referrals import all_referrals, wants_service_request
from tests.fhir_mapping.fhir_resources import (
    CPT,
    ICD10CM,
    SNOMED,
    assert_valid,
    condition,
    device,
    lab,
    procedure,
    service_request,
)

AS_OF = date(2025, 3, 1)
ONSET = date(2023, 5, 10)
K = FindingKind


def kinds(resource: dict) -> list[FindingKind]:  # type: ignore[type-arg]
    assert_valid([resource])
    return [f.kind for f in condition_findings(resource, as_of=AS_OF)]


def test_bipolar_depressed_icd_code_is_bipolar_and_depression() -> None:
    # F31.31 is in VSAC "Depression": it must also raise the bipolar exclusion.
    resource = condition(
        "c1", ICD10CM, "F31.31", "Bipolar disorder, current episode depressed, mild", ONSET
    )
    assert kinds(resource) == [K.BIPOLAR, K.DEPRESSION]
    findings = condition_findings(resource, as_of=AS_OF)
    assert findings[1] == Finding(
        K.DEPRESSION,
        "F31.31",
        ICD10CM,
        "Bipolar disorder, current episode depressed, mild",
        ONSET,
        SourceRef("Condition", "c1"),
        "mild",
        categories=("problem-list-item",),  # the builder's category (Finding.categories)
    )


@pytest.mark.parametrize("code", ["F32.1", "F321", "f32.1"])
def test_icd10_with_or_without_the_dot(code: str) -> None:
    resource = condition(
        "c", ICD10CM, code, "Major depressive disorder, single episode, moderate", ONSET
    )
    (finding,) = condition_findings(resource, as_of=AS_OF)
    assert (finding.kind, finding.severity, finding.code) == (K.DEPRESSION, "moderate", code)


def test_codes_and_families() -> None:
    assert kinds(
        condition("a", SNOMED, "1153570009", "Treatment resistant depression (disorder)", ONSET)
    ) == [K.DEPRESSION, K.TRD]
    assert kinds(
        condition("b", ICD10CM, "F33.3", "MDD, recurrent, severe with psychotic symptoms", ONSET)
    ) == [K.DEPRESSION, K.PSYCHOTIC]
    assert kinds(
        condition("c", ICD10CM, "F33.41", "MDD, recurrent, in partial remission", ONSET)
    ) == [K.DEPRESSION, K.MDD_IN_REMISSION]
    assert kinds(condition("d", ICD10CM, "G40.909", "Epilepsy, unspecified", ONSET)) == [K.EPILEPSY]
    assert kinds(condition("e", ICD10CM, "F10.20", "Alcohol dependence, uncomplicated", ONSET)) == [
        K.SUBSTANCE_USE
    ]
    assert kinds(condition("f", ICD10CM, "F17.210", "Nicotine dependence, cigarettes", ONSET)) == []
    assert kinds(condition("g", ICD10CM, "R45.851", "Suicidal ideations", ONSET)) == [
        K.SUICIDAL_IDEATION
    ]
    assert kinds(condition("h", SNOMED, "6471006", "Suicidal ideation", ONSET)) == [
        K.SUICIDAL_IDEATION
    ]
    assert kinds(
        condition("i", SNOMED, "78275009", "Obstructive sleep apnea syndrome (disorder)", ONSET)
    ) == [K.SLEEP_APNEA]
    assert kinds(
        condition("j", SNOMED, "83664006", "Idiopathic atrophic hypothyroidism", ONSET)
    ) == [K.HYPOTHYROIDISM]
    assert kinds(condition("k", ICD10CM, "E55.9", "Vitamin D deficiency, unspecified", ONSET)) == [
        K.VITAMIN_D_DEFICIENCY
    ]
    # VSAC "Generalized Anxiety Disorder" holds PTSD too: both kinds.
    assert kinds(condition("l", SNOMED, "47505003", "Posttraumatic stress disorder", ONSET)) == [
        K.ANXIETY,
        K.PTSD,
    ]
    assert kinds(
        condition("l2", ICD10CM, "F43.12", "Post-traumatic stress disorder, chronic", ONSET)
    ) == [K.PTSD]
    assert kinds(condition("m", SNOMED, "48694002", "Anxiety (finding)", ONSET)) == [K.ANXIETY]
    assert kinds(condition("n", SNOMED, "72892002", "Normal pregnancy", ONSET)) == [K.PREGNANCY]
    assert kinds(condition("o", ICD10CM, "Z96.21", "Cochlear implant status", ONSET)) == [
        K.IMPLANTED_DEVICE
    ]
    # A primary psychotic disorder as well as psychotic (review 7 finding 9).
    assert kinds(condition("p", ICD10CM, "F20.9", "Schizophrenia, unspecified", ONSET)) == [
        K.PSYCHOTIC,
        K.PSYCHOTIC_DISORDER,
    ]
    assert kinds(
        condition("q", SNOMED, "370143000", "Major depressive disorder (disorder)", ONSET)
    ) == [K.DEPRESSION]
    assert kinds(condition("r", SNOMED, "38341003", "Hypertension", ONSET)) == []
    # Synthea's "Unhealthy alcohol drinking behavior" as the bundles carry it.
    assert kinds(
        condition(
            "s", SNOMED, "10939881000119105", "Unhealthy alcohol drinking behavior (finding)", ONSET
        )
    ) == [K.SUBSTANCE_USE]


@pytest.mark.parametrize(
    ("code", "self_harm"),
    [
        # T14.91 needs its 7th character on a chart: the billable forms must count.
        ("T14.91XA", True),
        ("T14.91XS", True),
        ("T14.91", True),
        # T36-T65 and T71 with a 6th character of 2, or a 5th of 2 where no 6th level exists
        # (NCHS NHSR 108): intentional self-harm by poisoning, toxic effect or asphyxiation.
        ("T43.212A", True),  # SNRI poisoning, intentional self-harm
        ("T42.4X2A", True),
        ("T43.92XA", True),
        ("T58.02XA", True),
        ("T71.162A", True),  # hanging, intentional self-harm
        ("X78.9XXA", True),  # X71-X83
        ("X83.8XXD", True),
        # The same families with another intent are not self-harm.
        ("T43.211A", False),  # accidental
        ("T43.215A", False),  # adverse effect
        ("T43.91XA", False),
        ("T71.161A", False),
        ("X84", False),
        ("X70", False),
    ],
)
def test_intentional_self_harm_as_charts_code_it(code: str, self_harm: bool) -> None:
    found = kinds(condition("sh", ICD10CM, code, "Injury or poisoning", ONSET))
    assert (K.SELF_HARM in found) is self_harm, (code, found)


def test_resolved_condition_is_ignored_but_history_kinds_count() -> None:
    resolved: dict[str, Any] = {"clinical": "resolved", "abatement": date(2024, 1, 1)}
    assert (
        kinds(condition("a", SNOMED, "370143000", "Major depressive disorder", ONSET, **resolved))
        == []
    )
    assert (
        kinds(condition("b", SNOMED, "48694002", "Anxiety (finding)", ONSET, clinical="inactive"))
        == []
    )
    # Lifetime / history kinds stay: bipolar, seizure history, suicide attempts.
    assert kinds(
        condition("c", ICD10CM, "F31.9", "Bipolar disorder, unspecified", ONSET, **resolved)
    ) == [K.BIPOLAR]
    assert kinds(
        condition(
            "d", SNOMED, "703151001", "History of single seizure (situation)", ONSET, **resolved
        )
    ) == [K.EPILEPSY]
    assert kinds(
        condition(
            "e", SNOMED, "287185009", "Attempted suicide - cut/stab (event)", ONSET, **resolved
        )
    ) == [K.SELF_HARM]


def test_depression_in_remission_status_becomes_mdd_in_remission() -> None:
    resource = condition(
        "r", SNOMED, "370143000", "Major depressive disorder", ONSET, clinical="remission"
    )
    assert kinds(resource) == [K.MDD_IN_REMISSION]


def test_abatement_after_as_of_means_still_active_then() -> None:
    resource = condition(
        "a",
        SNOMED,
        "48694002",
        "Anxiety (finding)",
        ONSET,
        clinical="resolved",
        abatement=date(2025, 6, 1),
    )
    assert kinds(resource) == [K.ANXIETY]


def test_no_clinical_status_counts_unless_abated() -> None:
    assert kinds(condition("a", ICD10CM, "F43.10", "PTSD", ONSET, clinical=None)) == [K.PTSD]
    abated = condition("b", ICD10CM, "F43.10", "PTSD", ONSET, clinical=None)
    abated["abatementString"] = "resolved in childhood"
    assert kinds(abated) == []


@pytest.mark.parametrize("verification", ["refuted", "entered-in-error"])
def test_refuted_and_entered_in_error_conditions_are_dropped(verification: str) -> None:
    resource = condition(
        "x", ICD10CM, "F31.9", "Bipolar disorder, unspecified", ONSET, verification=verification
    )
    resource.pop("clinicalStatus")  # FHIR: no clinicalStatus when entered-in-error
    # Never the diagnosis; a refuted bipolar code is kept only as the entry that refutes it, for
    # a card still blocking on another, differential entry to name (review 14 recheck b01).
    expected = [K.BIPOLAR_REFUTED] if verification == "refuted" else []
    assert kinds(resource) == expected


def test_provisional_diagnosis_still_counts_and_future_onset_does_not() -> None:
    assert kinds(
        condition("x", ICD10CM, "F31.9", "Bipolar disorder", ONSET, verification="provisional")
    ) == [K.BIPOLAR]
    assert kinds(condition("y", ICD10CM, "F31.9", "Bipolar disorder", date(2025, 3, 2))) == []


def test_labs_flag_from_interpretation_range_or_default_table() -> None:
    observations = [
        lab("tsh-h", "3016-3", "TSH", date(2024, 9, 1), 6.8, "mIU/L", interpretation="H"),
        lab("tsh-rr", "3016-3", "TSH", date(2024, 10, 1), 0.3, "mIU/L", low=0.4, high=4.0),
        lab("b12-default", "2132-9", "Vitamin B12", date(2024, 9, 1), 150, "pg/mL"),
        lab("vitd-default", "62292-8", "25-OH vitamin D", date(2024, 9, 1), 32, "ng/mL"),
        lab("folate-unit", "2284-8", "Folate", date(2024, 9, 1), 9, "nmol/L"),
        lab(
            "t4-error",
            "3024-7",
            "Free T4",
            date(2024, 9, 1),
            0.5,
            "ng/dL",
            status="entered-in-error",
        ),
        lab("vitd-later", "1989-3", "25-OH vitamin D3", date(2025, 4, 1), 12, "ng/mL"),
    ]
    assert_valid(observations)
    context, _ = clinical_context(observations=observations, as_of=AS_OF)
    assert context.labs == (
        LabResult(
            "b12", 150.0, "pg/mL", date(2024, 9, 1), "low", SourceRef("Observation", "b12-default")
        ),
        # nmol/L is folate's SI unit (data/lab_si_units.csv, review 17 W3): 9 / 2.266 = 4.0
        # ng/mL, under the table's 5.9.
        LabResult(
            "folate",
            9.0,
            "nmol/L",
            date(2024, 9, 1),
            "low",
            SourceRef("Observation", "folate-unit"),
        ),
        LabResult("tsh", 6.8, "mIU/L", date(2024, 9, 1), "high", SourceRef("Observation", "tsh-h")),
        LabResult(
            "tsh", 0.3, "mIU/L", date(2024, 10, 1), "low", SourceRef("Observation", "tsh-rr")
        ),
        LabResult(
            "vitamin-d",
            32.0,
            "ng/mL",
            date(2024, 9, 1),
            "normal",
            SourceRef("Observation", "vitd-default"),
        ),
    )
    assert context.latest_lab("tsh").flag == "low"  # type: ignore[union-attr]
    assert lab_ranges()["vitamin-d"].low == 20.0


def test_procedures_devices_and_their_findings() -> None:
    procs = [
        procedure("pt", CPT, "90834", "Psychotherapy, 45 minutes with patient", date(2024, 2, 1)),
        procedure("cbt", SNOMED, "228557008", "Cognitive and behavioral therapy", date(2024, 3, 1)),
        procedure("ect", CPT, "90870", "Electroconvulsive therapy", date(2024, 4, 1)),
        procedure("tms", CPT, "90868", "TMS treatment, subsequent session", date(2024, 5, 1)),
        procedure(
            "cpap",
            SNOMED,
            "446573003",
            "Continuous positive airway pressure titration (procedure)",
            date(2024, 6, 1),
        ),
        procedure("text-only", None, None, "Deep brain stimulator implantation", date(2020, 1, 1)),
        procedure(
            "wrong",
            CPT,
            "90837",
            "Psychotherapy, 60 minutes",
            date(2024, 7, 1),
            status="entered-in-error",
        ),
        procedure(
            "planned",
            CPT,
            "90837",
            "Psychotherapy, 60 minutes",
            date(2024, 8, 1),
            status="preparation",
        ),
        procedure("later", CPT, "90837", "Psychotherapy, 60 minutes", date(2025, 3, 2)),
    ]
    devices = [
        device("ci", "43252007", "Cochlear prosthesis, device (physical object)"),
        device("vns", None, "Vagus nerve stimulator"),
        device(
            "wrong",
            "43252007",
            "Cochlear prosthesis, device (physical object)",
            status="entered-in-error",
        ),
        device(
            "cpap-unit",
            "702172008",
            "Home continuous positive airway pressure unit (physical object)",
        ),
    ]
    assert_valid(procs + devices)
    context, records = clinical_context(procedures=procs, devices=devices, as_of=AS_OF)
    assert records == (
        ProcedureRecord(
            ProcedureKind.PSYCHOTHERAPY,
            "90834",
            CPT,
            date(2024, 2, 1),
            SourceRef("Procedure", "pt"),
        ),
        ProcedureRecord(
            ProcedureKind.PSYCHOTHERAPY,
            "228557008",
            SNOMED,
            date(2024, 3, 1),
            SourceRef("Procedure", "cbt"),
        ),
        ProcedureRecord(
            ProcedureKind.ECT, "90870", CPT, date(2024, 4, 1), SourceRef("Procedure", "ect")
        ),
        ProcedureRecord(
            ProcedureKind.TMS, "90868", CPT, date(2024, 5, 1), SourceRef("Procedure", "tms")
        ),
        ProcedureRecord(
            ProcedureKind.CPAP,
            "446573003",
            SNOMED,
            date(2024, 6, 1),
            SourceRef("Procedure", "cpap"),
        ),
    )
    # Sorted by kind, date (devices carry none), code (the text-only device has none).
    assert [(f.kind, str(f.source)) for f in context.findings] == [
        (K.IMPLANTED_DEVICE, "Device/vns"),
        (K.IMPLANTED_DEVICE, "Device/ci"),
        (K.IMPLANTED_DEVICE, "Procedure/text-only"),
        (K.SLEEP_APNEA_TREATED, "Device/cpap-unit"),
        (K.SLEEP_APNEA_TREATED, "Procedure/cpap"),
    ]


def test_referrals_by_code_or_text_and_status() -> None:
    requests = [
        service_request("tms", CPT, "90867", "TMS treatment; initial", date(2024, 11, 1)),
        service_request(
            "tms-text", None, None, "Refer for rTMS evaluation", date(2024, 11, 2), status="draft"
        ),
        service_request(
            "psych",
            SNOMED,
            "183524004",
            "Referral to psychiatry service (procedure)",
            date(2024, 10, 1),
            status="completed",
        ),
        service_request(
            "sra",
            SNOMED,
            "225337009",
            "Suicide risk assessment",
            date(2024, 12, 1),
            status="on-hold",
        ),
        service_request("tsh", "http://loinc.org", "3016-3", "TSH", date(2024, 12, 2)),
        service_request(
            "revoked", CPT, "90867", "TMS treatment; initial", date(2024, 9, 1), status="revoked"
        ),
        service_request("error", CPT, "90870", "ECT", date(2024, 9, 1), status="entered-in-error"),
        service_request("later", CPT, "90870", "ECT", date(2025, 3, 5)),
    ]
    dont = service_request("dont", CPT, "90870", "ECT", date(2024, 9, 2))
    dont["doNotPerform"] = True
    requests.append(dont)
    assert_valid(requests)
    assert all_referrals(requests, as_of=AS_OF) == (
        # Revoked is read (review 15 M7: the TMS card names a declined referral); the readers of
        # "already referred" leave it out (services/open_referrals.py VOID_REQUEST_STATUSES).
        Referral("tms", "revoked", date(2024, 9, 1), SourceRef("ServiceRequest", "revoked")),
        Referral(
            "psychiatry", "completed", date(2024, 10, 1), SourceRef("ServiceRequest", "psych")
        ),
        Referral("tms", "active", date(2024, 11, 1), SourceRef("ServiceRequest", "tms")),
        # Read from its text: not coded (Referral.coded, recheck K8 s28 finding 5).
        Referral(
            "tms", "draft", date(2024, 11, 2), SourceRef("ServiceRequest", "tms-text"), coded=False
        ),
        Referral(
            "suicide-risk-assessment",
            "on-hold",
            date(2024, 12, 1),
            SourceRef("ServiceRequest", "sra"),
        ),
        Referral("lab:tsh", "active", date(2024, 12, 2), SourceRef("ServiceRequest", "tsh")),
    )


def test_prefilters_reject_unrelated_resources() -> None:
    assert wants_condition(condition("x", SNOMED, "38341003", "Hypertension", ONSET)) is False
    assert (
        wants_condition(condition("y", ICD10CM, "F33.1", "MDD recurrent moderate", ONSET)) is True
    )
    assert (
        wants_procedure(
            procedure("x", SNOMED, "430193006", "Medication reconciliation (procedure)", ONSET)
        )
        is False
    )
    assert wants_device(device("x", "228869008", "Manual wheelchair (physical object)")) is False
    assert (
        wants_service_request(service_request("x", SNOMED, "73761001", "Colonoscopy", ONSET))
        is False
    )


def test_tables_carry_source_and_status_on_every_row() -> None:
    statuses = {"confirmed", "corroborated", "corrected", "UNVERIFIED"}
    assert all(row.source and row.status in statuses for row in condition_codes())
    assert all(row.source and row.status in statuses for row in procedure_codes().values())
    assert all(r.source and r.status in statuses for r in lab_ranges().values())


def test_implant_written_only_as_problem_list_text_is_found() -> None:
    """A stimulator charted as free text (or under a local code) is still metal near the head:
    a missed implant is a missed TMS contraindication (LCD L34998 / L37086)."""
    dbs = condition("dbs", "http://hospital.example.org/problems", "P-4471", "x", ONSET)
    dbs["code"] = {
        "coding": [{"system": "http://hospital.example.org/problems", "code": "P-4471"}],
        "text": "Deep brain stimulator in situ",
    }
    assert wants_condition(dbs) is True
    assert_valid([dbs])
    (implant,) = condition_findings(dbs, as_of=AS_OF)
    assert (implant.kind, implant.display, implant.code, implant.onset) == (
        K.IMPLANTED_DEVICE,
        "Deep brain stimulator in situ",
        "P-4471",
        ONSET,
    )
    # An implant does not stop being one when the problem is marked resolved; a refuted entry
    # is dropped like any other.
    dbs["clinicalStatus"]["coding"][0]["code"] = "resolved"
    assert kinds(dbs) == [K.IMPLANTED_DEVICE]
    dbs["verificationStatus"]["coding"][0]["code"] = "refuted"
    assert kinds(dbs) == []
    unrelated = condition("u", SNOMED, "0", "x", ONSET)
    unrelated["code"] = {"text": "Seasonal allergic rhinitis"}
    assert wants_condition(unrelated) is False
