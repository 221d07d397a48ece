"""Reading an order's or statement's stated reasons (reasonCode / reasonReference) into
StatedReasons (fhir_mapping/indications.py), in the shapes real EHRs send: Epic's associated
diagnosis (SNOMED CT, ICD-9-CM and ICD-10-CM codings and a text), US Core's versioned SNOMED
coding with a text, Synthea's reasonReference "urn:uuid:<id>", a contained Condition, and a
reference that resolves to nothing (never a guess)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.medications import medication_events
from fhir_mapping.record import IndicationCategory
from tests.fixtures import builders as fb

AS_OF = date(2025, 6, 2)
P = "pt-indication-1"
AMITRIPTYLINE_25 = ("856845", "amitriptyline hydrochloride 25 MG Oral Tablet")


def order(**reason: Any) -> dict[str, Any]:
    resource = fb.medication_request(
        AMITRIPTYLINE_25[0], AMITRIPTYLINE_25[1], date(2025, 1, 6), patient=P, id="mr-1"
    )
    resource.update(reason)
    get_fhir_model_class("MedicationRequest").model_validate(resource)
    return resource


def categories(*resources: dict[str, Any]) -> list[tuple[IndicationCategory, str]]:
    events, _ = medication_events(list(resources), as_of=AS_OF)
    (event,) = events
    return [(r.category, r.text) for r in event.reasons]


def test_no_reason_reads_none() -> None:
    assert categories(order()) == []


def test_us_core_versioned_snomed_migraine_with_text() -> None:
    reason = {
        "coding": [
            {
                "system": "http://snomed.info/sct",
                "version": "http://snomed.info/sct/731000124108",
                "code": "37796009",
                "display": "Migraine (disorder)",
            }
        ],
        "text": "Migraine prevention",
    }
    assert categories(order(reasonCode=[reason])) == [
        (IndicationCategory.NON_PSYCHIATRIC, "migraine prevention (SNOMED CT 37796009)")
    ]


def test_epic_icd10_beside_icd9_and_snomed_shows_the_icd10_code() -> None:
    reason = fb.concept(
        fb.SNOMED,
        "37796009",
        "Migraine (disorder)",
        extra=[
            ("http://hl7.org/fhir/sid/icd-9-cm", "346.90", "Migraine, unspecified"),
            (fb.ICD10CM, "G43.909", "Migraine, unspecified, not intractable"),
        ],
    )
    assert categories(order(reasonCode=[reason])) == [
        (IndicationCategory.NON_PSYCHIATRIC, "migraine prevention (G43.909)")
    ]


def test_text_only_reason_is_read_by_its_words() -> None:
    assert categories(order(reasonCode=[{"text": "Neuropathic pain, feet"}])) == [
        (IndicationCategory.NON_PSYCHIATRIC, "neuropathic pain")
    ]
    assert categories(order(reasonCode=[{"text": "Depression with insomnia"}]))[0][0] is (
        IndicationCategory.DEPRESSION
    )


def test_a_reason_in_no_table_is_unclassified_with_its_text() -> None:
    reason = fb.concept(fb.ICD10CM, "E28.2", "Polycystic ovarian syndrome", text="PCOS")
    assert categories(order(reasonCode=[reason])) == [
        (IndicationCategory.UNCLASSIFIED, "PCOS (E28.2)")
    ]


def test_synthea_urn_uuid_and_contained_conditions_resolve() -> None:
    condition = fb.condition(
        fb.ICD10CM,
        "F33.1",
        "Major depressive disorder, recurrent, moderate",
        date(2024, 1, 1),
        patient=P,
        id="9b1f0a7e-0c55-4b8e-a0a5-33a1f1b7c001",
    )
    synthea = order(
        reasonReference=[{"reference": "urn:uuid:9b1f0a7e-0c55-4b8e-a0a5-33a1f1b7c001"}]
    )
    assert categories(synthea, condition) == [(IndicationCategory.DEPRESSION, "depression (F33.1)")]
    contained = dict(condition, id="dx")
    del contained["meta"]
    inline = order(contained=[contained], reasonReference=[{"reference": "#dx"}])
    assert categories(inline) == [(IndicationCategory.DEPRESSION, "depression (F33.1)")]


def test_an_unresolvable_reference_is_not_read_never_guessed_from_its_display() -> None:
    reference = {"reference": "Condition/gone", "display": "Tobacco use"}
    assert categories(order(reasonReference=[reference])) == [
        (IndicationCategory.NOT_READ, "Tobacco use (Condition/gone)")
    ]
