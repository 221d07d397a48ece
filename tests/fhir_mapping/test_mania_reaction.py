"""Review 10 finding 4: mania or hypomania recorded as a reaction to an antidepressant is a
bipolar-spectrum finding, not only an intolerance (fhir_mapping/intolerance.py,
`reaction_findings`).

Charts as US EHRs send them: a US Core AllergyIntolerance (type intolerance, the drug by its RxNorm
ingredient, the reaction's manifestation in SNOMED CT or typed in), an R4 AdverseEvent whose
suspect entity references the order. Each resource is validated with fhir.resources R4B, and every
check that a finding appears has a control that says it does not.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fhir_mapping.build import build_record
from fhir_mapping.record import (
    DataDomain,
    DataGap,
    Finding,
    FindingKind,
    PatientRecord,
    SourceRef,
)
from tests.fhir_mapping import fhir_resources as fr

Resource = dict[str, Any]

AS_OF = date(2025, 6, 2)
ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
ALLERGY_VERIFICATION = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"
MANIA = {
    "coding": [{"system": fr.SNOMED, "code": "231494001", "display": "Mania"}],
    "text": "Mania",
}
NAUSEA = {
    "coding": [{"system": fr.SNOMED, "code": "422587007", "display": "Nausea"}],
    "text": "Nausea",
}
CITALOPRAM = {
    "coding": [{"system": fr.RXNORM, "code": "2556", "display": "citalopram"}],
    "text": "citalopram",
}
SERTRALINE = {
    "coding": [{"system": fr.RXNORM, "code": "36437", "display": "sertraline"}],
    "text": "sertraline",
}


def allergy(
    aid: str,
    substance: dict[str, Any],
    manifestation: dict[str, Any],
    *,
    recorded: date = date(2019, 3, 1),
    reaction_onset: date | None = None,
    clinical: str = "active",
    verification: str = "confirmed",
) -> Resource:
    """A US Core AllergyIntolerance of type intolerance, as review 10's chart P5 sends it."""
    reaction: dict[str, Any] = {"manifestation": [manifestation], "severity": "severe"}
    if reaction_onset is not None:
        reaction["onset"] = fr.dt(reaction_onset)
    resource: Resource = {
        "resourceType": "AllergyIntolerance",
        "id": aid,
        "meta": {
            "profile": [
                "http://hl7.org/fhir/us/core/StructureDefinition/us-core-allergyintolerance"
            ]
        },
        "verificationStatus": {"coding": [{"system": ALLERGY_VERIFICATION, "code": verification}]},
        "type": "intolerance",
        "category": ["medication"],
        "code": substance,
        "patient": {"reference": f"Patient/{fr.PATIENT}"},
        "recordedDate": fr.dt(recorded),
        "reaction": [reaction],
    }
    if verification != "entered-in-error":  # FHIR ait-1: no clinicalStatus then
        resource["clinicalStatus"] = {"coding": [{"system": ALLERGY_CLINICAL, "code": clinical}]}
    return resource


def record_of(*resources: Resource) -> PatientRecord:
    fr.assert_valid(resources)
    return build_record([fr.patient(), *resources], as_of=AS_OF, patient_id=fr.PATIENT)


def bipolar(record: PatientRecord) -> tuple[Finding, ...]:
    return record.context.of(FindingKind.BIPOLAR)


def test_mania_on_citalopram_recorded_as_a_reaction_is_a_bipolar_finding() -> None:
    """Chart P5: two SNOMED-coded manias, on citalopram (2019) and on sertraline (2021)."""
    record = record_of(
        allergy("ai-cit", CITALOPRAM, MANIA),
        allergy("ai-sert", SERTRALINE, MANIA, recorded=date(2021, 6, 1)),
    )
    assert bipolar(record) == (
        Finding(
            FindingKind.BIPOLAR,
            "231494001",
            fr.SNOMED,
            "Mania on citalopram, recorded as a reaction",
            date(2019, 3, 1),
            SourceRef("AllergyIntolerance", "ai-cit"),
        ),
        Finding(
            FindingKind.BIPOLAR,
            "231494001",
            fr.SNOMED,
            "Mania on sertraline, recorded as a reaction",
            date(2021, 6, 1),
            SourceRef("AllergyIntolerance", "ai-sert"),
        ),
    )
    # Still an intolerance too: neither drug is proposed again.
    assert [(i.ingredient, i.reason) for i in record.intolerances] == [
        ("citalopram", "documented intolerance: Mania"),
        ("sertraline", "documented intolerance: Mania"),
    ]


def test_a_reaction_that_is_not_mania_is_only_an_intolerance() -> None:
    record = record_of(allergy("ai-cit", CITALOPRAM, NAUSEA))
    assert bipolar(record) == ()
    assert [i.ingredient for i in record.intolerances] == ["citalopram"]


@pytest.mark.parametrize(
    ("manifestation", "display", "system", "code"),
    [
        # Typed in, no code (clinicians type the reaction).
        ({"text": "became manic"}, "Became manic on citalopram", "text", ""),
        ({"text": "Hypomanic switch"}, "Hypomanic switch on citalopram", "text", ""),
        # A site's own reaction code (Epic's allergy reaction list) with the words beside it.
        (
            {
                "coding": [
                    {
                        "system": "urn:oid:1.2.840.114350.1.13.0.1.7.4.698288.140",
                        "code": "41",
                        "display": "Hypomania",
                    }
                ],
                "text": "Hypomania",
            },
            "Hypomania on citalopram",
            "text",
            "",
        ),
        # An ICD-10-CM manic-episode code (a bipolar row of data/condition_codes.csv).
        (
            {
                "coding": [
                    {"system": fr.ICD10CM, "code": "F30.9", "display": "Manic episode, unspecified"}
                ]
            },
            "Manic episode, unspecified on citalopram",
            fr.ICD10CM,
            "F30.9",
        ),
    ],
)
def test_mania_or_hypomania_by_code_or_by_words(
    manifestation: dict[str, Any], display: str, system: str, code: str
) -> None:
    (finding,) = bipolar(record_of(allergy("ai-cit", CITALOPRAM, manifestation)))
    assert finding.display == f"{display}, recorded as a reaction"
    assert (finding.system, finding.code) == (system, code)


@pytest.mark.parametrize(
    "text",
    ["no mania", "denies manic symptoms", "Trichotillomania", "Insomnia, agitation"],
)
def test_words_that_do_not_say_mania(text: str) -> None:
    assert bipolar(record_of(allergy("ai-cit", CITALOPRAM, {"text": text}))) == ()


def test_the_reaction_date_wins_over_the_record_date() -> None:
    (finding,) = bipolar(
        record_of(
            allergy(
                "ai-cit",
                CITALOPRAM,
                MANIA,
                recorded=date(2022, 1, 10),
                reaction_onset=date(2019, 3, 1),
            )
        )
    )
    assert finding.onset == date(2019, 3, 1)


@pytest.mark.parametrize(
    ("clinical", "verification", "counts", "intolerant"),
    [
        ("active", "unconfirmed", True, True),
        # Resolved or inactive (citalopram tolerated again later): no longer an intolerance, but
        # the manic episode happened, and bipolar disorder counts when resolved too.
        ("resolved", "confirmed", True, False),
        ("inactive", "confirmed", True, False),
        ("active", "refuted", False, False),
        ("", "entered-in-error", False, False),
    ],
)
def test_which_statuses_count(
    clinical: str, verification: str, counts: bool, intolerant: bool
) -> None:
    record = record_of(
        allergy("ai-cit", CITALOPRAM, MANIA, clinical=clinical, verification=verification)
    )
    assert bool(bipolar(record)) is counts
    assert bool(record.intolerances) is intolerant


def test_a_reaction_recorded_after_the_as_of_date_is_not_read() -> None:
    late = allergy("ai-cit", CITALOPRAM, MANIA, recorded=AS_OF.replace(day=20))
    assert bipolar(record_of(late)) == ()


def test_mania_on_an_antidepressant_class() -> None:
    """An allergy recorded against the class (an allergen group): no ingredient to mark a trial
    with, but mania on it is mania on an antidepressant."""
    ssris = {"text": "SSRIs"}
    (finding,) = bipolar(record_of(allergy("ai-ssri", ssris, MANIA)))
    assert finding.display == "Mania on SSRIs, recorded as a reaction"
    assert bipolar(record_of(allergy("ai-ssri", ssris, NAUSEA))) == ()


def test_mania_on_a_drug_off_the_pathway_is_not_bipolar_but_not_silent() -> None:
    """Prednisone (steroid-induced mania is not a bipolar marker, DSM-5): not read as bipolar.
    The drug is named, so the reaction was read, not a gap (review 10 recheck R9); a reaction
    whose drug cannot be read at all stays condition data not read."""
    prednisone = {
        "coding": [{"system": fr.RXNORM, "code": "8640", "display": "prednisone"}],
        "text": "prednisone",
    }
    record = record_of(allergy("ai-pred", prednisone, MANIA))
    assert bipolar(record) == ()
    assert record.gaps == ()
    unnamed = record_of(allergy("ai-none", {"coding": [{"system": fr.RXNORM}]}, MANIA))
    assert bipolar(unnamed) == ()
    assert unnamed.gaps == (
        DataGap(
            DataDomain.CONDITIONS,
            "mania or hypomania recorded as a reaction whose drug could not be read: not read "
            "as a bipolar-spectrum finding",
            SourceRef("AllergyIntolerance", "ai-none"),
        ),
    )
    # Any other reaction to it is not this pathway's at all.
    assert record_of(allergy("ai-pred", prednisone, NAUSEA)).gaps == ()


def adverse_event(causality: str) -> Resource:
    """An R4 AdverseEvent: the event typed in, the suspect the order, assessed by the prescriber."""
    return {
        "resourceType": "AdverseEvent",
        "id": "ae-1",
        "actuality": "actual",
        "event": {"text": "Hypomania"},
        "subject": {"reference": f"Patient/{fr.PATIENT}"},
        "date": fr.dt(date(2024, 11, 4)),
        "suspectEntity": [
            {
                "instance": {"reference": "MedicationRequest/mr-sert"},
                "causality": [
                    {
                        "assessment": {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/adverse-event-causality-assess",
                                    "code": causality,
                                }
                            ]
                        }
                    }
                ],
            }
        ],
    }


@pytest.mark.parametrize("causality", ["Probably-Likely", "unlikely"])
def test_hypomania_recorded_as_an_adverse_event(causality: str) -> None:
    """Hypomania during sertraline counts whatever the causality says: not caused by the drug, it
    points to bipolar disorder all the more."""
    order = fr.medication_request(
        "mr-sert", "312941", "sertraline 50 MG Oral Tablet", date(2024, 9, 2), status="stopped"
    )
    (finding,) = bipolar(record_of(order, adverse_event(causality)))
    assert finding == Finding(
        FindingKind.BIPOLAR,
        "",
        "text",
        "Hypomania on sertraline, recorded as an adverse event",
        date(2024, 11, 4),
        SourceRef("AdverseEvent", "ae-1"),
    )


def test_hypomania_with_no_suspect_drug_is_named_not_read() -> None:
    event = adverse_event("Probably-Likely")
    del event["suspectEntity"]
    record = record_of(event)
    assert bipolar(record) == ()
    assert [(g.domain, g.source) for g in record.gaps] == [
        (DataDomain.CONDITIONS, SourceRef("AdverseEvent", "ae-1"))
    ]
