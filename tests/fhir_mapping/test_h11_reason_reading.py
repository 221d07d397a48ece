"""READ12 findings 2 and 3: a reason's text is read beside its codings, and an order's reasons are
read once per content and built into its event, not copied onto it.

2. Epic's associated diagnosis coded Z72.0 (tobacco use) with the text "Depression and smoking
   cessation" is a depression reason: as across codings, the category that counts most wins.
3. Epic writes a reasonCode on nearly every order: the reading is remembered by the concept's
   content (never by resource id, which a chart's first sight defeats), and each event is built
   once with its reasons (before: built, then copied by dataclasses.replace to attach them).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping import indications
from fhir_mapping.events import MedicationEvent
from fhir_mapping.medications import medication_events
from fhir_mapping.record import IndicationCategory, SourceRef
from tests.fixtures import builders as fb

AS_OF = date(2025, 6, 2)
P = "pt-h11-1"
ZYBAN = (
    "1801289",
    "Smoking Cessation 12 HR bupropion hydrochloride 150 MG Extended Release Oral Tablet",
)
ICD9 = "http://hl7.org/fhir/sid/icd-9-cm"


def epic_reason(text: str, *codings: tuple[str, str, str]) -> dict[str, Any]:
    """Epic's associated diagnosis: SNOMED CT, ICD-9-CM and ICD-10-CM codings and a text."""
    chosen = codings or (
        (fb.SNOMED, "110483000", "Tobacco user (finding)"),
        (ICD9, "305.1", "Tobacco use disorder"),
        (fb.ICD10CM, "Z72.0", "Tobacco use"),
    )
    return {"coding": [fb.coding(*c) for c in chosen], "text": text}


def order(reason: dict[str, Any], rid: str = "mr-1", *, validate: bool = True) -> dict[str, Any]:
    resource = fb.medication_request(
        ZYBAN[0], ZYBAN[1], date(2025, 1, 6), frequency=2, patient=P, id=rid
    )
    resource["reasonCode"] = [reason]
    if validate:
        get_fhir_model_class("MedicationRequest").model_validate(resource)
    return resource


def read(*resources: dict[str, Any]) -> list[list[tuple[IndicationCategory, str]]]:
    events, _ = medication_events(list(resources), as_of=AS_OF)
    return [[(r.category, r.text) for r in e.reasons] for e in events]


def test_depression_in_the_text_beside_a_tobacco_code_reads_as_depression() -> None:
    # Before: [(NON_PSYCHIATRIC, "smoking cessation (Z72.0)")]: the text was not read.
    assert read(order(epic_reason("Depression and smoking cessation"))) == [
        [(IndicationCategory.DEPRESSION, "Depression and smoking cessation (Z72.0)")]
    ]


def test_another_psychiatric_reason_in_the_text_counts_more_than_the_tobacco_code() -> None:
    assert read(order(epic_reason("Anxiety; tobacco use"))) == [
        [(IndicationCategory.PSYCHIATRIC_OTHER, "Anxiety; tobacco use (Z72.0)")]
    ]


def test_a_text_counting_less_than_the_codings_leaves_them_the_reading() -> None:
    mdd = epic_reason(
        "Major depression, also wants to stop smoking",
        (fb.ICD10CM, "F33.1", "Major depressive disorder, recurrent, moderate"),
    )
    assert read(order(mdd)) == [[(IndicationCategory.DEPRESSION, "depression (F33.1)")]]
    plain = epic_reason("Tobacco use")
    assert read(order(plain)) == [
        [(IndicationCategory.NON_PSYCHIATRIC, "smoking cessation (Z72.0)")]
    ]


def test_the_reading_is_remembered_by_content_each_event_naming_its_own_order() -> None:
    first, second = order(epic_reason("Tobacco use"), "mr-a"), order(epic_reason("Tobacco use"))
    second["id"] = "mr-b"
    events, _ = medication_events([first, second], as_of=AS_OF)
    assert [r.source for e in events for r in e.reasons] == [
        SourceRef("MedicationRequest", "mr-a"),
        SourceRef("MedicationRequest", "mr-b"),
    ]
    # The same id with other content reads the other content: the memo is never by id.
    again = order(
        epic_reason("Tobacco use", (fb.ICD10CM, "F33.1", "Major depressive disorder")), "mr-a"
    )
    assert read(again) == [[(IndicationCategory.DEPRESSION, "depression (F33.1)")]]


def test_a_concept_json_cannot_write_is_read_every_time() -> None:
    # An integer beyond 64 bits in an extension (tolerant reading: not validated): orjson cannot
    # write it, so it is no memo key, and the reason is still read.
    reason = epic_reason("Tobacco use")
    reason["extension"] = [{"url": "http://example.org/x", "valueInteger": 2**70}]
    assert read(order(reason, validate=False)) == [
        [(IndicationCategory.NON_PSYCHIATRIC, "smoking cessation (Z72.0)")]
    ]
    assert indications._remembered_reading(reason) == indications._reading(reason)


def test_each_event_with_a_reason_is_built_once(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[str] = []
    plain_init = MedicationEvent.__init__

    def counting(self: MedicationEvent, *args: Any, **kwargs: Any) -> None:
        built.append("event")
        plain_init(self, *args, **kwargs)

    monkeypatch.setattr(MedicationEvent, "__init__", counting)
    # A patient-reported statement with a reason: its extras too are read with the event.
    statement = fb.medication_statement(
        ZYBAN[0],
        ZYBAN[1],
        date(2025, 1, 6),
        dose_value=1,
        frequency=2,
        patient=P,
        reason_code=(fb.ICD10CM, "Z72.0", "Tobacco use"),
        id="ms-1",
    )
    get_fhir_model_class("MedicationStatement").model_validate(statement)
    events, _ = medication_events([order(epic_reason("Tobacco use")), statement], as_of=AS_OF)
    # Before: five (each event built, then copied to attach its reasons; the statement copied
    # once more to mark it patient-reported).
    assert len(built) == 2
    assert [(e.patient_reported, [r.text for r in e.reasons]) for e in events] == [
        (False, ["smoking cessation (Z72.0)"]),
        (True, ["smoking cessation (Z72.0)"]),
    ]
