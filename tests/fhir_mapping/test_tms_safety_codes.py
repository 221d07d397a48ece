"""TMS safety screen and seizure-disorder codes (issue 11 items 6 and 7), read from charts coded
the way EHRs and Synthea code them: ICD-10-CM problems with a SNOMED CT coding alongside, Devices
with a SNOMED type and a UDI carrier, free-text problems and procedure names."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from fhir_mapping.clinical_codes import condition_codes, condition_matches
from fhir_mapping.context import (
    condition_findings,
    device_findings,
    procedure_facts,
    wants_condition,
    wants_device,
    wants_procedure,
)
from fhir_mapping.record import Finding, FindingKind, SourceRef
from fhir_mapping.tms_safety import Severity, safety_codes, safety_terms, text_rows
from tests.fhir_mapping.fhir_resources import assert_valid
from tests.fixtures import builders as b

K = FindingKind
AS_OF = date(2025, 6, 2)
PATIENT = "p-tms"
ICD = b.ICD10CM
SCT = b.SNOMED
ICD10PCS = "http://www.cms.gov/Medicare/Coding/ICD10"
ICD9 = "http://hl7.org/fhir/sid/icd-9-cm"
CPT_SYSTEM = "http://www.ama-assn.org/go/cpt"
HCPCS = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
Resource = dict[str, Any]


def problem(
    code: str,
    display: str,
    onset: date,
    *,
    system: str = ICD,
    snomed: tuple[str, str] | None = None,
    clinical: str = "active",
    abatement: date | None = None,
    id: str,
) -> Resource:
    """A problem-list Condition; EHRs send the ICD-10-CM code with a SNOMED CT coding."""
    extra = [(SCT, *snomed)] if snomed else []
    return b.condition(
        system,
        code,
        display,
        onset,
        clinical,
        category="problem-list-item",
        patient=PATIENT,
        extra_codings=extra,
        abatement=abatement,
        id=id,
    )


def free_text_problem(text: str, onset: date, *, id: str, clinical: str = "active") -> Resource:
    """A problem typed as free text: no coding, only CodeableConcept.text."""
    resource = b.condition(
        SCT,
        "0",
        "placeholder",
        onset,
        clinical,
        category="problem-list-item",
        patient=PATIENT,
        id=id,
    )
    resource["code"] = {"text": text}
    return resource


def found(resource: Resource) -> list[tuple[FindingKind, str]]:
    assert_valid([resource])
    return [(f.kind, f.display) for f in condition_findings(resource, as_of=AS_OF)]


def kinds(resource: Resource) -> list[FindingKind]:
    return [kind for kind, _ in found(resource)]


# --- the tables -----------------------------------------------------------------------------------


def test_every_row_has_a_source_a_status_and_a_well_formed_code() -> None:
    statuses = {"confirmed", "corroborated", "corrected", "UNVERIFIED"}
    icd = re.compile(r"^[A-Z]\d[0-9A-Z]{1,5}$")  # dot-less ICD-10-CM code or family
    pcs = re.compile(r"^[0-9A-HJ-NP-Z]{7}$")  # ICD-10-PCS: 7 characters, no I or O
    icd9_procedure = re.compile(r"^\d{2}\.\d{1,2}$")
    seen = set()
    for row in safety_codes():
        assert row.source and row.code_status in statuses and row.status in statuses, row
        assert row.applies_to <= {"condition", "device", "procedure"}, row
        if row.system == ICD:
            assert icd.match(row.code), row
        elif row.system == ICD10PCS:  # an inpatient clip or coil (review 15 U3): 7 characters
            assert pcs.match(row.code) and "procedure" in row.applies_to, row
        elif row.system == ICD9:  # ICD-9-CM procedure 39.51 "Clipping of aneurysm"
            assert icd9_procedure.match(row.code) and row.applies_to == {"procedure"}, row
        elif row.system == CPT_SYSTEM:  # an implant procedure (review s21 RD 1): five digits
            assert re.fullmatch(r"\d{5}", row.code) and row.applies_to == {"procedure"}, row
        elif row.system == HCPCS:  # HCPCS Level II: a letter and four digits (L8614)
            assert re.fullmatch(r"[A-V]\d{4}", row.code) and "procedure" in row.applies_to, row
        else:
            assert row.system == SCT and row.code.isdigit(), row
        assert (row.system, row.code) not in seen, row
        seen.add((row.system, row.code))
    for term in safety_terms():
        assert term.source and term.status in statuses, term
    # Both severities are present, and the caution rows hold what issue 11 names.
    assert {r.severity for r in safety_codes()} == {Severity.ABSOLUTE, Severity.CAUTION}
    caution = {r.code for r in safety_codes() if r.severity is Severity.CAUTION}
    assert {"Z950", "Z95810", "Z982", "Z181", "I63", "C71", "Z87820", "G932"} <= caution


def test_epilepsy_table_holds_no_serotonin_syndrome_or_febrile_convulsion() -> None:
    """Issue 11 item 7: G90.81 is serotonin syndrome (ICD-10-CM FY2025); febrile convulsions
    (R56.0x) are not a seizure disorder."""
    epilepsy = [r for r in condition_codes() if r.kind is K.EPILEPSY]
    assert epilepsy
    assert not [r for r in epilepsy if r.system == ICD and r.code.startswith(("G90", "R560"))]
    assert not condition_matches(ICD, "G90.81")
    assert not condition_matches(ICD, "R56.00")
    assert [r.kind for r in condition_matches(ICD, "G40.909")] == [K.EPILEPSY]
    # The implant rows moved to the TMS safety table: no second source of truth.
    assert not [r for r in condition_codes() if r.kind is K.IMPLANTED_DEVICE]


# --- item 7: what is and is not a seizure disorder -------------------------------------------------


def test_serotonin_syndrome_is_not_epilepsy() -> None:
    assert kinds(problem("G90.81", "Serotonin syndrome", date(2024, 3, 2), id="ss")) == []


def test_resolved_childhood_febrile_convulsion_is_not_a_seizure_disorder() -> None:
    childhood: dict[str, Any] = {"clinical": "resolved", "abatement": date(1987, 2, 1)}
    febrile = problem(
        "R56.00",
        "Simple febrile convulsions",
        date(1987, 1, 20),
        snomed=("41497008", "Febrile convulsion (finding)"),
        id="fc",
        **childhood,
    )
    assert kinds(febrile) == []
    familial = problem(
        "230432008",
        "Familial febrile convulsions (disorder)",
        date(1987, 1, 20),
        system=SCT,
        id="ffc",
        **childhood,
    )
    assert kinds(familial) == []
    # While active it still counts (the safer reading of a current convulsive disorder).
    assert kinds(
        problem("230432008", "Familial febrile convulsions", date(2024, 1, 5), system=SCT, id="a")
    ) == [K.EPILEPSY]
    # Epilepsy itself stays a lifetime finding.
    assert kinds(
        problem(
            "G40.909",
            "Epilepsy, unspecified, not intractable, without status epilepticus",
            date(2001, 5, 1),
            snomed=("84757009", "Epilepsy (disorder)"),
            id="ep",
            **childhood,
        )
    ) == [K.EPILEPSY]


# --- item 6: conditions ----------------------------------------------------------------------------


def test_coded_implants_metal_and_neurological_history() -> None:
    onset = date(2019, 3, 4)
    assert found(
        problem(
            "Z95.0",
            "Presence of cardiac pacemaker",
            onset,
            snomed=("441509002", "Cardiac pacemaker in situ (finding)"),
            id="pm",
        )
    ) == [(K.TMS_CAUTION, "Presence of cardiac pacemaker")]
    (pm,) = condition_findings(
        problem("Z95.0", "Presence of cardiac pacemaker", onset, id="pm2"), as_of=AS_OF
    )
    assert (pm.code, pm.system, pm.onset, pm.source) == (
        "Z95.0",
        ICD,
        onset,
        SourceRef("Condition", "pm2"),
    )
    # A cochlear implant is metal in the head: absolute, and still there when "resolved".
    assert kinds(
        problem(
            "Z96.21",
            "Cochlear implant status",
            onset,
            clinical="resolved",
            abatement=date(2020, 1, 1),
            id="ci",
        )
    ) == [K.IMPLANTED_DEVICE]
    assert kinds(problem("Z18.11", "Retained magnetic metal fragments", onset, id="rf")) == [
        K.TMS_CAUTION
    ]
    assert kinds(
        problem("Z98.2", "Presence of cerebrospinal fluid drainage device", onset, id="s")
    ) == [K.TMS_CAUTION]
    assert kinds(problem("C71.1", "Malignant neoplasm of frontal lobe", onset, id="gbm")) == [
        K.TMS_CAUTION
    ]
    # A spinal cord tumour is not a brain tumour.
    assert kinds(problem("D33.4", "Benign neoplasm of spinal cord", onset, id="sc")) == []


def test_history_counts_for_stroke_and_brain_injury_but_not_for_raised_pressure() -> None:
    resolved: dict[str, Any] = {"clinical": "resolved", "abatement": date(2020, 2, 1)}
    onset = date(2019, 11, 2)
    assert kinds(
        problem(
            "I63.9",
            "Cerebral infarction, unspecified",
            onset,
            snomed=("230690007", "Cerebrovascular accident (disorder)"),
            id="cva",
            **resolved,
        )
    ) == [K.TMS_CAUTION]
    assert kinds(
        problem(
            "S06.5X0S",
            "Traumatic subdural hemorrhage without loss of consciousness, sequela",
            onset,
            id="sdh",
            **resolved,
        )
    ) == [K.TMS_CAUTION]
    # A concussion is screened, resolved or not (fix tms43, review K30c v34): how recent it is
    # decides, not its status, and the window is applied by services/tms_recent_injury.py
    # (policy.tms_recent_concussion_days), which this reader knows nothing of.
    assert kinds(
        problem(
            "S06.0X0A",
            "Concussion without loss of consciousness, initial encounter",
            onset,
            id="cc",
            **resolved,
        )
    ) == [K.TMS_CAUTION]
    iih = problem("G93.2", "Benign intracranial hypertension", onset, id="iih")
    assert kinds(iih) == [K.TMS_CAUTION]
    assert (
        kinds(problem("G93.2", "Benign intracranial hypertension", onset, id="i2", **resolved))
        == []
    )


def test_free_text_aneurysm_clipping_is_an_absolute_contraindication() -> None:
    clip = free_text_problem("Hx of cerebral aneurysm clipping 2015", date(2015, 6, 1), id="clip")
    assert wants_condition(clip) is True
    # The clip rules TMS out; the aneurysm itself is also esketamine's contraindication
    # (fhir_mapping/vascular_text.py), a finding of its own.
    assert (K.IMPLANTED_DEVICE, "Hx of cerebral aneurysm clipping 2015") in found(clip)
    assert (K.ANEURYSM_AVM, "Hx of cerebral aneurysm clipping 2015") in found(clip)
    (absolute,) = [f for f in condition_findings(clip, as_of=AS_OF) if f.kind is K.IMPLANTED_DEVICE]
    assert (absolute.onset, absolute.source) == (date(2015, 6, 1), SourceRef("Condition", "clip"))


@pytest.mark.parametrize(
    "text",
    [
        "No pacemaker",
        "Pacemaker: none",
        "Denies VP shunt",
        "negative for stroke",
        "Family history of brain tumour",
        "Heat stroke",
        "Tibia fracture",  # "tbi" is a whole word only
        "Sunstroke",
    ],
)
def test_negated_or_look_alike_text_is_not_a_finding(text: str) -> None:
    resource = free_text_problem(text, date(2023, 1, 10), id="neg")
    assert kinds(resource) == []
    assert wants_condition(resource) is False


def test_negation_does_not_reach_past_its_clause() -> None:
    assert [t.severity for t in text_rows("No seizures, pacemaker in situ", "condition")] == [
        Severity.CAUTION
    ]
    assert [t.severity for t in text_rows("denies headache but has a VP-shunt", "condition")] == [
        Severity.CAUTION
    ]
    assert [t.severity for t in text_rows("Pacemakers? No", "condition")] == []


@pytest.mark.parametrize(
    ("text", "severity"),
    [
        ("No seizures, cochlear implant", Severity.ABSOLUTE),
        ("No seizures, VNS", Severity.ABSOLUTE),
        ("No seizures, deep brain stimulator", Severity.ABSOLUTE),
        ("Denies seizures, pacemaker", Severity.CAUTION),
    ],
)
def test_a_leading_denial_does_not_reach_a_listed_device(text: str, severity: Severity) -> None:
    # The device items are `list_device` rows, not checklist items a denial reaches over a
    # comma (recheck K32b s32 finding 3, fix neg45): the device is read, the safer mistake.
    assert [t.severity for t in text_rows(text, "condition")] == [severity]


@pytest.mark.parametrize(
    "text", ["Pacemaker, VNS: none", "Seizures, cochlear implant: denies", "VNS, pacemaker: no"]
)
def test_an_answer_after_a_device_list_still_denies_it(text: str) -> None:
    assert not text_rows(text, "condition")


# --- item 6: devices and procedures ---------------------------------------------------------------


def device(code: str | None, display: str, *, id: str, status: str = "active") -> Resource:
    resource = b.device(SCT, code or "0", display, patient=PATIENT, udi="00643169007222", id=id)
    resource["status"] = status
    if code is None:  # a device known only by name (no SNOMED type)
        del resource["type"]
    assert_valid([resource])
    return resource


def test_synthea_cardiac_devices_are_cautions_and_a_cochlear_prosthesis_is_absolute() -> None:
    pacemaker = device("706004007", "Implantable cardiac pacemaker (physical object)", id="pm")
    assert wants_device(pacemaker) is True
    assert device_findings(pacemaker) == (
        Finding(
            K.TMS_CAUTION,
            "706004007",
            SCT,
            "Implantable cardiac pacemaker (physical object)",
            None,
            SourceRef("Device", "pm"),
        ),
    )
    icd = device("72506001", "Implantable defibrillator, device (physical object)", id="icd")
    assert [f.kind for f in device_findings(icd)] == [K.TMS_CAUTION]
    ci = device("43252007", "Cochlear prosthesis, device (physical object)", id="ci")
    assert [f.kind for f in device_findings(ci)] == [K.IMPLANTED_DEVICE]
    vns = device(None, "Vagus nerve stimulator", id="vns")
    assert [(f.kind, f.display) for f in device_findings(vns)] == [
        (K.IMPLANTED_DEVICE, "Vagus nerve stimulator")
    ]
    # A switched-off device is still metal; one entered in error never existed.
    assert device_findings(device("706004007", "Pacemaker", id="off", status="inactive"))
    assert (
        device_findings(device("706004007", "Pacemaker", id="err", status="entered-in-error")) == ()
    )
    wheelchair = device("228869008", "Manual wheelchair (physical object)", id="wc")
    assert wants_device(wheelchair) is False


def test_implant_procedures_by_code_or_name() -> None:
    insertion = b.procedure(
        SCT,
        "447365002",
        "Insertion of biventricular implantable cardioverter defibrillator",
        date(2021, 8, 9),
        patient=PATIENT,
        id="crt",
    )
    shunt = b.procedure(SCT, "0", "x", date(2012, 4, 2), patient=PATIENT, id="vp")
    shunt["code"] = {"text": "Ventriculoperitoneal shunt insertion"}
    clipping = b.procedure(SCT, "0", "x", date(2015, 6, 1), patient=PATIENT, id="clip")
    clipping["code"] = {"text": "Clipping of cerebral aneurysm"}
    assert_valid([insertion, shunt, clipping])
    for resource, kind, day in (
        (insertion, K.TMS_CAUTION, date(2021, 8, 9)),
        (shunt, K.TMS_CAUTION, date(2012, 4, 2)),
        (clipping, K.IMPLANTED_DEVICE, date(2015, 6, 1)),
    ):
        assert wants_procedure(resource) is True
        records, findings = procedure_facts(resource, as_of=AS_OF)
        assert records == ()
        assert [(f.kind, f.onset) for f in findings] == [(kind, day)], resource["id"]
