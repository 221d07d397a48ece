"""Every resource in ../shared/fhir/vendor/ is read without error, and what each yields is listed.

The vendor folder holds FHIR written the way Epic, Oracle Health (Cerner), US Core, SDC, LHC-Forms
and six C-CDA converters really write it (its README: shape templates, none about
antidepressants). Each file is walked (a resource, a Bundle's entries, a lone Bundle entry as the
C-CDA conversions are published, a CDS Hooks request's draftOrders), every resource goes through
the mapping's readers, and `EXPECTED` states what each yields: a PHQ-9 score, a finding, a trial,
a DataGap, or precisely nothing ("not on pathway": the drug was identified and is not an
antidepressant or adjunct, so nothing was left out). A change in what a vendor file yields, or a
new vendor file, fails the test until the table says so.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping import context, questionnaires
from fhir_mapping.build import build_record
from fhir_mapping.fhir_fields import subject_reference
from fhir_mapping.medications import draft_orders, medication_events
from fhir_mapping.record import PatientRecord, SourceRef
from fhir_mapping.scores import read_scores
from tests.conftest import require_shared

Resource = dict[str, Any]
AS_OF = date(2025, 6, 2)  # after every date in the vendor files
MEDICATION_TYPES = frozenset(
    {"MedicationRequest", "MedicationStatement", "MedicationDispense", "MedicationAdministration"}
)

# What each resource of each file yields, in the file's order ("Type: what").
NOT_ON_PATHWAY = "not on pathway"  # drug identified, not an antidepressant or adjunct; no gap
NO_FINDING = "no finding"  # a diagnosis the rules do not read (pneumonia, asthma, ...)
NO_SCORE = "no score"  # an Observation that is not a scale the rules read (PHQ-9 item 1-8, ...)
DEFINITION = "not read (a definition, read only through what references it)"
NOT_ASKED = "not read (a type the service does not ask for)"
US_CORE_DAY = "2022-11-29"
EXPECTED: dict[str, tuple[str, ...]] = {
    "automate-medical__sero_epic-cds-hooks/epic_order-select_request.extracted.json": (
        f"draft MedicationRequest: {NOT_ON_PATHWAY}",  # acetaminophen 325 mg, by display only
        # codeine sulfate 15 mg, by display only: read for the CYP2D6 interaction check (review
        # 14 W3), an `interacting` draft that meets nothing here
        "draft MedicationRequest: draft: codeine 30.0 mg/day",
    ),
    **{
        f"hl7__US-Core/Observation-PHQ9-item-example-{code}.json": (f"Observation: {NO_SCORE}",)
        for code in (
            "44250-9",
            "44251-7",
            "44252-5",
            "44253-3",
            "44254-1",
            "44255-8",
            "44258-2",
            "44259-0",
            "69722-7",  # the difficulty question: not part of the total
        )
    },
    # Item 9 "Not at all" (LA6568-5) on its own: a PHQ-9 record with no total, item 9 = 0.
    "hl7__US-Core/Observation-PHQ9-item-example-44260-8.json": (
        f"Observation: PHQ-9 item 9 = 0, no total, on {US_CORE_DAY}",
    ),
    # The total as valueString "12".
    "hl7__US-Core/Observation-PHQ9-item-example-44261-6.json": (
        f"Observation: PHQ-9 total 12 on {US_CORE_DAY}",
    ),
    # The panel has only hasMember links (no value, no component): nothing on its own.
    "hl7__US-Core/Observation-PHQ9-panel-example-44249-1.json": (f"Observation: {NO_SCORE}",),
    "hl7__US-Core/Questionnaire-phq-9-example.json": (f"Questionnaire: {DEFINITION}",),
    # "/<LOINC>" linkIds, LOINC answer codes, the total as valueDecimal 12.
    "hl7__US-Core/QuestionnaireResponse-phq-9-example.json": (
        f"QuestionnaireResponse: PHQ-9 total 12, item 9 = 0, on {US_CORE_DAY}",
    ),
    "hl7__US-Core/condition-SDOH-example.json": (f"Condition: {NO_FINDING}",),
    "hl7__US-Core/condition-duodenal-ulcer-resolved.json": (f"Condition: {NO_FINDING}",),
    "hl7__US-Core/condition-duodenal-ulcer.json": (f"Condition: {NO_FINDING}",),
    "hl7__US-Core/condition-encounter-diagnosis-example1.json": (f"Condition: {NO_FINDING}",),
    "hl7__US-Core/condition-encounter-diagnosis-example2.json": (f"Condition: {NO_FINDING}",),
    # "Fear of becoming fat" (SNOMED 247824007) is a health concern, not an eating disorder.
    "hl7__US-Core/health-concern-example.json": (f"Condition: {NO_FINDING}",),
    "hl7__US-Core/medicationdispense-example.json": (f"MedicationDispense: {NOT_ON_PATHWAY}",),
    "hl7__US-Core/medicationrequest-coded-oral-axid.json": (
        f"MedicationRequest: {NOT_ON_PATHWAY}",
    ),
    "hl7__US-Core/medicationrequest-contained-oral-axid.json": (
        f"MedicationRequest: {NOT_ON_PATHWAY}",
    ),
    # Medication/uscore-med2 is in another file: the display still identifies the drug.
    "hl7__US-Core/medicationrequest-referenced-oral-axid.json": (
        f"MedicationRequest: {NOT_ON_PATHWAY}",
    ),
    "hl7__US-Core/medicationrequest-self-tylenol.json": (f"MedicationRequest: {NOT_ON_PATHWAY}",),
    "hl7__US-Core/uscore-med1.json": (f"Medication: {DEFINITION}",),
    "hl7__US-Core/uscore-med2.json": (f"Medication: {DEFINITION}",),
    **{
        f"hl7__ccda-on-fhir_cda2fhir-vendor-outputs/Medication/{name}.json": (what,)
        for name, what in (
            ("Cerner_medication", f"MedicationRequest: {NOT_ON_PATHWAY}"),
            ("DH_medicationRequest", f"MedicationRequest: {NOT_ON_PATHWAY}"),
            ("Google_medication", f"Medication: {DEFINITION}"),
            # Medication/cd78... (albuterol under the RxNorm OID) is in Google_medication.json:
            # read alone, the statement's drug cannot be identified, and that is said.
            (
                "Google_medicationStatement",
                "MedicationStatement: DataGap: MedicationStatement/c790eaf1e2c22f13e1835ddfdcb850c1, "
                "medication reference not found",
            ),
            # albuterol on the MAR: read for esketamine sessions only (administrations.py)
            ("MDIX_MedicationAdministration", f"MedicationAdministration: {NOT_ON_PATHWAY}"),
            ("MDIX_medication", f"Medication: {DEFINITION}"),
            ("Redox_medicationStatement", f"MedicationStatement: {NOT_ON_PATHWAY}"),
        )
    },
    "hl7__ccda-on-fhir_cda2fhir-vendor-outputs/Medication/Smile_MedicationStatement.json": (
        f"MedicationStatement: {NOT_ON_PATHWAY}",  # its Medication/25216 is not sent; display is
    ),
    **{
        f"hl7__ccda-on-fhir_cda2fhir-vendor-outputs/Problem/{name}.json": (
            f"Condition: {NO_FINDING}",
        )
        for name in (
            "Cerner_problem1",
            "DH_problem1",
            "DH_problem2",
            "DH_problem3",
            "Google_problem1",
            "Google_problem2",
            "Google_problem3",
            "Google_problem4",
            "MDIX_problem1",
            "MDIX_problem3",
            "MDIX_problems2",
            "Redox_encounterDx",
            "Redox_problem_section_1",
            "Redox_problem_section_2",
        )
    },
    "hl7__sdc_phq9/questionnaire-sdc-profile-example-PHQ9.json": (f"Questionnaire: {DEFINITION}",),
    # linkIds only ("H1/T1/Q9"), answer codes without a system, the total as {score} 13.
    "hl7__sdc_phq9/questionnaireresponse-sdc-profile-example-PHQ9.json": (
        "QuestionnaireResponse: PHQ-9 total 13, item 9 = 1, on 2019-08-21",
    ),
    "lhncbc__lforms-fhir-app_phq9/phq9.json": (f"Questionnaire: {DEFINITION}",),
    "medplum__epic-sandbox-testdata/epic_Medication.json": (f"Medication: {DEFINITION}",),
    # Drospirenone-ethinyl estradiol: Medication id of 66 characters, six RxNorm codes without
    # display, three doseAndRate entries, timing "0900", count 365.
    "medplum__epic-sandbox-testdata/epic_MedicationRequest.json": (
        f"MedicationRequest: {NOT_ON_PATHWAY}",
    ),
}


# --- walking the folder ------------------------------------------------------------------------
def vendor_dir() -> Path:
    return require_shared() / "fhir" / "vendor"


def vendor_files() -> list[str]:
    return sorted(str(p.relative_to(vendor_dir())) for p in vendor_dir().rglob("*.json"))


def resources_of(document: Mapping[str, Any]) -> Iterator[tuple[str, Resource]]:
    """(role, resource) of every resource a vendor file holds: "draft" for a hook request's
    draftOrders, "resource" otherwise."""
    if "hook" in document and isinstance(document.get("context"), Mapping):
        drafts = document["context"].get("draftOrders") or {}
        for entry in drafts.get("entry", ()):
            yield "draft", entry["resource"]
        for value in (document.get("prefetch") or {}).values():
            if isinstance(value, Mapping):
                yield from resources_of(value)
    elif document.get("resourceType") == "Bundle":
        for entry in document.get("entry", ()):
            if isinstance(entry.get("resource"), Mapping):
                yield "resource", entry["resource"]
    elif "resourceType" not in document and isinstance(document.get("resource"), Mapping):
        yield "resource", document["resource"]  # a Bundle entry on its own (C-CDA conversions)
    else:
        yield "resource", dict(document)


def load(relative: str) -> list[tuple[str, Resource]]:
    document = json.loads((vendor_dir() / relative).read_text("utf-8"))
    return list(resources_of(document))


# --- what a resource yields ----------------------------------------------------------------------
def _phq9(score: Any) -> str:
    parts = [f"total {score.value}" if score.value is not None else None]
    if score.item9 is not None:
        parts.append(f"item 9 = {score.item9}")
    if score.value is None:
        parts.append("no total")
    said = ", ".join(p for p in parts if p)
    return f"{score.instrument} {said}{',' if score.item9 is not None else ''} on {score.date}"


def _owned(source: SourceRef | None, resource: Resource) -> bool:
    return source is not None and source == SourceRef(
        str(resource["resourceType"]), str(resource.get("id") or "")
    )


def _nothing(kind: str, role: str) -> str:
    if role == "draft" or kind in MEDICATION_TYPES:
        return NOT_ON_PATHWAY
    return {
        "Condition": NO_FINDING,
        "Observation": NO_SCORE,
        "Questionnaire": DEFINITION,
        "Medication": DEFINITION,
        "QuestionnaireResponse": "not a PHQ-9",
    }.get(kind, NOT_ASKED)


def describe(record: PatientRecord, resource: Resource, role: str) -> str:
    """What the record holds from `resource`, in the words of `EXPECTED`."""
    found: list[str] = []
    found += [
        f"trial: {t.ingredient} {t.current_mg_per_day} mg/day from {t.start}"
        for t in record.trials
        if any(_owned(s, resource) for s in t.sources)
    ]
    found += [_phq9(s) for s in record.scores if _owned(s.source, resource)]
    found += [
        f"finding: {f.kind.value} {f.code}"
        for f in record.context.findings
        if _owned(f.source, resource)
    ]
    found += [f"procedure: {p.kind.value}" for p in record.procedures if _owned(p.source, resource)]
    found += [f"lab: {lab.test}" for lab in record.context.labs if _owned(lab.source, resource)]
    found += [f"draft: {d.ingredient} {d.mg_per_day} mg/day" for d in record.draft_orders]
    found += [f"DataGap: {g.line()}" for g in record.gaps]
    label = ("draft " if role == "draft" else "") + str(resource["resourceType"])
    return (
        f"{label}: {'; '.join(found) if found else _nothing(str(resource['resourceType']), role)}"
    )


def _patient_of(resource: Resource) -> str | None:
    """The id of the patient a resource is about, as its reference names it."""
    subject = subject_reference(resource)
    ref = subject.get("reference") if isinstance(subject, Mapping) else None
    if not isinstance(ref, str):
        return None
    return ref.removeprefix("urn:uuid:").rsplit("/", 1)[-1]


def yields(relative: str, *, own_patient: bool = False) -> tuple[str, ...]:
    """What each resource of a file yields, read with the file's Medications beside it (as a
    searchset with `_include` would send them). `own_patient` reads each resource as its own
    patient's chart (the one-patient filter on), which must change nothing."""
    items = load(relative)
    medications = [r for _, r in items if r["resourceType"] == "Medication"]
    out: list[str] = []
    for role, resource in items:
        patient = _patient_of(resource) if own_patient else None
        if role == "draft":
            record = build_record([], as_of=AS_OF, patient_id=patient, draft_orders=[resource])
        else:
            others = [m for m in medications if m is not resource]
            record = build_record([resource, *others], as_of=AS_OF, patient_id=patient)
        out.append(describe(record, resource, role))
    return tuple(out)


# --- tests -------------------------------------------------------------------------------------
def test_the_table_lists_every_vendor_file() -> None:
    """A vendor file added to ../shared must be listed with what it yields."""
    assert set(vendor_files()) == set(EXPECTED)


@pytest.mark.parametrize("relative", sorted(EXPECTED))
def test_each_vendor_file_yields_what_the_table_says(relative: str) -> None:
    assert yields(relative) == EXPECTED[relative]


@pytest.mark.parametrize("relative", sorted(EXPECTED))
def test_reading_for_the_resources_own_patient_changes_nothing(relative: str) -> None:
    """Vendor references (Patient/x, urn:uuid:x, absolute URLs) attribute each resource to its
    patient: the one-patient filter leaves none of them out."""
    assert yields(relative, own_patient=True) == EXPECTED[relative]


@pytest.mark.parametrize("relative", sorted(EXPECTED))
def test_every_reader_takes_every_vendor_resource_without_error(relative: str) -> None:
    """Each reader on every resource it could be handed, whatever its type: a draft order is
    also read as a chart order and every MedicationRequest as a draft, every Observation as a
    score, every QuestionnaireResponse as a PHQ-9, every Condition as a finding."""
    for _role, resource in load(relative):
        kind = resource["resourceType"]
        events, gaps = medication_events([resource], as_of=AS_OF)
        assert all(e.ingredient for e in events)
        assert all(g.reason for g in gaps)
        if kind == "MedicationRequest":
            # No vendor order is an antidepressant or adjunct; Epic's codeine draft is read as an
            # interacting drug (review 14 W3: codeine beside a CYP2D6-inhibiting antidepressant).
            assert [d.ingredient for d in draft_orders([resource])] in ([], ["codeine"])
        if kind == "Observation":
            read_scores([resource], as_of=AS_OF)
        if kind == "QuestionnaireResponse":
            questionnaires.read_questionnaire_scores([resource], as_of=AS_OF)
        if kind == "Condition":
            assert context.condition_findings(resource, as_of=AS_OF) == ()


def test_the_whole_folder_as_one_chart_yields_two_phq9s_and_nothing_else() -> None:
    """All vendor resources at once: US Core's PHQ-9 (item Observations, the valueString total,
    the panel and the QuestionnaireResponse they were derived from) counts as ONE administration,
    total 12 with item 9 = 0; SDC's is the other. No trial, no finding, and nothing left out
    (Google's statement finds its Medication in Google_medication.json)."""
    resources = [r for rel in EXPECTED for role, r in load(rel) if role == "resource"]
    drafts = [r for rel in EXPECTED for role, r in load(rel) if role == "draft"]
    record = build_record(resources, as_of=AS_OF, draft_orders=drafts)
    assert [(s.instrument, s.value, s.item9, s.date.isoformat()) for s in record.scores] == [
        ("PHQ-9", 13, 1, "2019-08-21"),
        ("PHQ-9", 12, 0, US_CORE_DAY),
    ]
    us_core = record.scores[1]
    assert us_core.source == SourceRef("QuestionnaireResponse", "phq-9-example")
    assert not us_core.item9_inferred and not us_core.total_computed
    assert record.trials == ()
    assert record.context.findings == ()
    # Epic's codeine draft is read for the interaction check only (review 14 W3): no trial.
    assert [(d.ingredient, d.role.value) for d in record.draft_orders] == [
        ("codeine", "interacting")
    ]
    assert record.gaps == ()
    # Google_problem3/4 repeat Google_problem1/2 (same ids): read once.
    assert record.resources_read == len(resources) - 2
