"""Code systems under every name real EHR data gives them (fhir_mapping/code_systems.py).

The charts here are shaped like the C-CDA conversions in
../shared/fhir/vendor/hl7__ccda-on-fhir_cda2fhir-vendor-outputs/: codes under their HL7 OIDs, no
display, no clinicalStatus, onset as a Period, the problem category as a SNOMED CT code.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.build import build_record
from fhir_mapping.clinical_codes import condition_matches
from fhir_mapping.code_systems import (
    ATC,
    CPT,
    ICD9CM,
    ICD10,
    ICD10CM,
    LOINC,
    NDC,
    RXNORM,
    SNOMED,
    canonical_system,
    known_systems,
)
from fhir_mapping.fhir_fields import codings
from fhir_mapping.record import FindingKind, PatientRecord
from fhir_mapping.terminology import recognise
from tests.fhir_mapping.ccda_resources import (
    OID,
    Resource,
    ccda_condition,
    ccda_phq9_total,
    ccda_sertraline,
)
from tests.fhir_mapping.fhir_resources import PATIENT, assert_valid, patient, subject

AS_OF = date(2025, 6, 2)


# --- the normaliser --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "system, canonical",
    [
        # The HL7 OIDs (FHIR R4 namingsystem-terminologies; HL7 THO), with and without urn:oid:
        (OID + "88", RXNORM),
        ("2.16.840.1.113883.6.88", RXNORM),
        (OID + "90", ICD10CM),
        ("2.16.840.1.113883.6.90", ICD10CM),
        (OID + "96", SNOMED),
        (OID + "1", LOINC),
        (OID + "103", ICD9CM),
        (OID + "104", ICD9CM),
        (OID + "12", CPT),
        (OID + "69", NDC),
        (OID + "73", ATC),
        # MDIX's conversion writes the OID with spaces; Diameter Health misspells SNOMED CT.
        ("urn: oid: 2.16.840.1.113883.6.96", SNOMED),
        ("urn: oid: 2.16.840.1.113883.6.90", ICD10CM),
        ("http://www.snomed.org/", SNOMED),
        # Scheme, trailing slash, letter case, www., surrounding whitespace.
        ("https://loinc.org", LOINC),
        ("http://loinc.org/", LOINC),
        ("HTTP://LOINC.ORG", LOINC),
        ("http://www.loinc.org", LOINC),
        ("https://snomed.info/sct/", SNOMED),
        ("https://www.nlm.nih.gov/research/umls/rxnorm/", RXNORM),
        ("http://nlm.nih.gov/research/umls/rxnorm", RXNORM),
        ("http://HL7.org/fhir/sid/icd-10-cm/", ICD10CM),
        (" http://hl7.org/fhir/sid/icd-10-cm ", ICD10CM),
        ("https://ama-assn.org/go/cpt", CPT),
        ("https://www.whocc.no/atc/", ATC),
        # SNOMED CT edition and version URIs sent as the system.
        ("http://snomed.info/sct/731000124108", SNOMED),
        ("http://snomed.info/sct/900000000000207008/version/20240301", SNOMED),
        # WHO ICD-10: its own system, never ICD-10-CM (session 27 fix fx-selfharm).
        ("http://hl7.org/fhir/sid/icd-10", ICD10),
        ("urn:oid:2.16.840.1.113883.6.3", ICD10),
        ("https://hl7.org/fhir/sid/icd-10/", ICD10),
    ],
)
def test_known_systems_under_any_name_are_canonical(system: str, canonical: str) -> None:
    assert canonical_system(system) == canonical


@pytest.mark.parametrize(
    "system",
    [
        "urn:oid:1.2.840.114350.1.13.0.1.7.2.707679",  # an Epic flowsheet-row system
        "http://terminology.hl7.org/CodeSystem/condition-clinical",
        "http://snomed.info/id/83225003",  # a concept IRI, not the code system
        "",
    ],
)
def test_other_systems_are_left_as_written(system: str) -> None:
    assert canonical_system(system) == system


def test_canonical_uris_are_the_fhir_r4_ones() -> None:
    table = known_systems()
    hcpcs = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"  # review 7 finding 7
    pcs = "http://www.cms.gov/Medicare/Coding/ICD10"  # ICD-10-PCS, an aneurysm clip: review 15 U3
    assert set(table.values()) == {
        RXNORM,
        ICD10CM,
        ICD10,
        SNOMED,
        LOINC,
        ICD9CM,
        CPT,
        NDC,
        ATC,
        hcpcs,
        pcs,
    }
    for uri in table.values():
        assert table[uri] == uri  # each canonical URI maps to itself: the exact fast path


def test_codings_yield_the_canonical_system_and_a_trimmed_code() -> None:
    concept = {
        "coding": [
            {"system": OID + "90", "code": " F31.81 "},
            {"system": "https://loinc.org/", "code": "44261-6", "display": "PHQ-9 total"},
            {"code": "no-system"},
        ]
    }
    assert list(codings(concept)) == [
        (ICD10CM, "F31.81", ""),
        (LOINC, "44261-6", "PHQ-9 total"),
        ("", "no-system", ""),
    ]


@pytest.mark.parametrize("code", ["F31.81", "F3181", "f31.81", "F31 81"])
@pytest.mark.parametrize("system", [ICD10CM, OID + "90", "2.16.840.1.113883.6.90"])
def test_icd10cm_with_or_without_the_dot_under_any_name_is_bipolar(system: str, code: str) -> None:
    kinds = {row.kind for row in condition_matches(system, code)}
    assert FindingKind.BIPOLAR in kinds


def test_vendor_conditions_under_oids_are_recognised(shared_dir: Path) -> None:
    # MDIX's conversion of the C-CDA pneumonia problem: SNOMED, ICD-9-CM and ICD-10-CM under OIDs.
    path = shared_dir / "fhir/vendor/hl7__ccda-on-fhir_cda2fhir-vendor-outputs/Problem"
    entry = json.loads((path / "MDIX_problem1.json").read_text())
    found = {(s, c) for s, c, _ in codings(entry["resource"]["code"])}
    assert {(SNOMED, "233604007"), (ICD9CM, "486"), (ICD10CM, "J18.9")} <= found
    diameter = json.loads((path / "DH_problem1.json").read_text())["resource"]
    assert [s for s, _, _ in codings(diameter["code"])] == [SNOMED]


# --- whole resources through the mapping ------------------------------------------------------


def _record(resources: list[Resource]) -> PatientRecord:
    assert_valid(resources)
    return build_record([patient(), *resources], as_of=AS_OF, patient_id=PATIENT)


def test_bipolar_ii_under_the_icd10cm_oid_is_bipolar() -> None:
    record = _record([ccda_condition("bp2", [(OID + "90", "F31.81")], date(2025, 4, 14))])
    (finding,) = record.context.of(FindingKind.BIPOLAR)
    assert (finding.system, finding.code) == (ICD10CM, "F31.81")


def test_bipolar_ii_without_the_dot_under_the_spaced_oid_is_bipolar() -> None:
    # MDIX writes "urn: oid: ..." with spaces; ICD-10-CM codes also come without their dot.
    condition = ccda_condition("bp2", [("urn: oid: 2.16.840.1.113883.6.90", "F3181")], AS_OF)
    assert _record([condition]).context.has(FindingKind.BIPOLAR)


def test_mdd_under_the_snomed_oid_is_depression() -> None:
    record = _record([ccda_condition("mdd", [(OID + "96", "36474008")], date(2024, 10, 21))])
    (finding,) = record.context.of(FindingKind.DEPRESSION)
    assert (finding.system, finding.code, finding.severity) == (SNOMED, "36474008", "severe")


def test_an_unknown_system_is_not_read_as_a_diagnosis() -> None:
    # The same codes under a system nobody maps: not a diagnosis (the tests above can fail).
    record = _record(
        [
            ccda_condition("bp2", [("urn:oid:9.9.9", "F31.81")], date(2025, 4, 14)),
            ccda_condition("mdd", [("urn:oid:9.9.9", "36474008")], date(2025, 4, 14)),
        ]
    )
    assert record.context.findings == ()


def test_sertraline_scd_under_the_rxnorm_oid_is_a_sertraline_trial_with_its_strength() -> None:
    (component,) = recognise({"coding": [{"system": OID + "88", "code": "312941"}]})
    assert (component.ingredient, component.strength_mg) == ("sertraline", 50.0)
    record = _record(ccda_sertraline("ms-1", date(2025, 3, 3)))
    (trial,) = record.antidepressant_trials()
    assert trial.ingredient == "sertraline"
    assert [s.mg_per_day for s in trial.segments] == [50.0]


def test_atc_under_its_oid_names_the_drug() -> None:
    concept = {"coding": [{"system": OID + "73", "code": "N06AB06"}], "text": "Zoloft 100 mg tab"}
    (component,) = recognise(concept)
    assert (component.ingredient, component.strength_mg) == ("sertraline", 100.0)


def test_phq9_total_under_the_loinc_oid_is_read() -> None:
    record = _record([ccda_phq9_total("phq-1", date(2025, 5, 12), 17)])
    (score,) = record.phq9()
    assert (score.value, score.date) == (17, date(2025, 5, 12))


@pytest.mark.parametrize(
    "system", ["https://loinc.org", "http://loinc.org/", "HTTP://WWW.LOINC.ORG/"]
)
def test_phq9_total_under_url_variants_is_read(system: str) -> None:
    observation = ccda_phq9_total("phq-1", date(2025, 5, 12), 12)
    observation["code"]["coding"][0]["system"] = system
    (score,) = _record([observation]).phq9()
    assert score.value == 12


def test_psychotherapy_cpt_under_its_oid_is_a_procedure() -> None:
    procedure = {
        "resourceType": "Procedure",
        "id": "cbt-1",
        "status": "completed",
        "code": {"coding": [{"system": OID + "12", "code": "90837"}]},
        "subject": subject(),
        "performedDateTime": "2025-03-03",
    }
    record = _record([procedure])
    assert [p.kind.value for p in record.procedures] == ["psychotherapy"]


def test_a_draft_order_coded_under_the_rxnorm_oid_is_read() -> None:
    draft = {
        "resourceType": "MedicationRequest",
        "id": "draft-1",
        "status": "draft",
        "intent": "order",
        "medicationCodeableConcept": {"coding": [{"system": OID + "88", "code": "312938"}]},
        "subject": subject(),
        "dosageInstruction": [
            {
                "timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d"}},
                "doseAndRate": [{"doseQuantity": {"value": 1}}],
            }
        ],
    }
    assert_valid([draft])
    record = build_record([patient()], as_of=AS_OF, patient_id=PATIENT, draft_orders=[draft])
    (order,) = record.draft_orders
    assert (order.ingredient, order.mg_per_day) == ("sertraline", 100.0)
