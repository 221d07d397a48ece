"""The packet attached to the TMS referral: a FHIR R4 DocumentReference created in the same
suggestion as the ServiceRequest, which names it in `supportingInfo` by DocumentReference/<id>.
Both resources validate with fhir.resources R4B here (the service builds them as plain JSON per
request)."""

from __future__ import annotations

import base64
import csv
import dataclasses
from datetime import date
from importlib import resources

from fhir.resources.R4B.documentreference import DocumentReference
from fhir.resources.R4B.servicerequest import ServiceRequest

from fhir_mapping.record import PatientRecord
from services.packet import (
    ATTACH_DESCRIPTION,
    attach_packet,
    packet_document,
    packet_id,
    render_packet,
)
from services.pathway import derive_facts
from services.policy import Policy
from services.recommendation import Recommendation
from services.rules import tms_referral
from services.suggestions import create
from tests.services import factories as f
from tests.services.helpers import ctx

POLICY = Policy()
HTML = "<!doctype html><p>summary</p>"


def trd_record() -> PatientRecord:
    """f.trd_record with item 9 answered (0): with none on record the TMS card puts "ask item 9"
    first and its referral is not one click (review s26 RN finding 6), nothing to attach to."""
    return f.trd_record(scores=(f.score(17, date(2024, 5, 20), item9=0),))


def tms_card(record: PatientRecord) -> Recommendation:
    rec = tms_referral.rule(ctx(record))
    assert rec is not None
    return rec


def test_the_document_reference_validates_and_holds_the_packet() -> None:
    document = packet_document(patient_id="p1", html=HTML, created=date(2025, 6, 2))
    DocumentReference.model_validate(document)
    doc_id = document["id"]
    assert document["masterIdentifier"] == {
        "system": "urn:ietf:rfc:3986",
        "value": f"urn:uuid:{doc_id}",
    }
    assert document["status"] == "current"
    assert document["docStatus"] == "preliminary"  # generated, not a signed note
    assert document["type"] == {
        "coding": [{"system": "http://loinc.org", "code": "57133-1", "display": "Referral note"}],
        "text": "TMS referral summary",
    }
    assert document["category"] == [
        {
            "coding": [
                {
                    "system": "http://hl7.org/fhir/us/core/CodeSystem/"
                    "us-core-documentreference-category",
                    "code": "clinical-note",
                    "display": "Clinical Note",
                }
            ]
        }
    ]
    assert document["subject"] == {"reference": "Patient/p1"}
    (content,) = document["content"]
    attachment = content["attachment"]
    assert attachment["contentType"] == "text/html"
    assert attachment["title"] == "TMS referral summary"
    assert attachment["creation"] == "2025-06-02"
    assert base64.b64decode(attachment["data"]).decode("utf-8") == HTML


def test_the_id_is_the_same_for_the_same_packet_and_differs_otherwise() -> None:
    one = packet_id("p1", HTML)
    assert one == packet_id("p1", HTML)
    assert len({one, packet_id("p2", HTML), packet_id("p1", HTML + " ")}) == 3
    assert one.count("-") == 4 and one[14] == "5"  # an RFC 4122 version-5 UUID


def test_the_codes_come_from_a_table_with_sources() -> None:
    text = resources.files("services").joinpath("data/packet_codes.csv").read_text("utf-8")
    rows = {r["concept"]: r for r in csv.DictReader(text.splitlines())}
    assert set(rows) == {"document-type", "document-category"}
    for row in rows.values():
        assert row["source"] and row["status"] == "confirmed"
    assert "ReferralDocumentType" in rows["document-type"]["source"]


def test_the_tms_referral_creates_the_request_and_its_summary_together() -> None:
    record = trd_record()  # built once: the factories number their resources
    rec = tms_card(record)
    suggestion, _order_only = rec.suggestions
    request_action, document_action = suggestion.actions
    assert (request_action.type, document_action.type) == ("create", "create")
    assert document_action.description == ATTACH_DESCRIPTION
    request, document = request_action.resource, document_action.resource
    assert request is not None and document is not None
    ServiceRequest.model_validate(request)
    DocumentReference.model_validate(document)
    assert request["resourceType"] == "ServiceRequest"
    assert request["status"] == "draft" and request["intent"] == "proposal"
    # By the relative reference (resolved in the suggestion's transaction) and by the document's
    # masterIdentifier, which still names it if the EHR creates the two one by one.
    assert request["supportingInfo"] == [
        {
            "reference": f"DocumentReference/{document['id']}",
            "identifier": document["masterIdentifier"],
            "display": "TMS referral summary",
        }
    ]
    assert document["subject"] == request["subject"] == {"reference": "Patient/p1"}
    # The attached packet is the page's, rendered from the same record, without an expiry.
    html = base64.b64decode(document["content"][0]["attachment"]["data"]).decode("utf-8")
    assert html == render_packet(record, POLICY, facts=derive_facts(record, POLICY))
    assert "expires" not in html and "sertraline (SSRI)" in html


def test_attaching_changes_nothing_else_of_the_referral() -> None:
    record = trd_record()
    rec = tms_card(record)
    suggestion, _order_only = rec.suggestions
    request = suggestion.actions[0].resource
    assert request is not None
    without = {k: v for k, v in request.items() if k != "supportingInfo"}
    plain = create("Refer for TMS evaluation", without, recommended=True)
    again = attach_packet(plain, record, derive_facts(record, POLICY), POLICY)
    assert again.actions[0].resource == request
    assert again.actions[1].resource == suggestion.actions[1].resource
    assert (again.label, again.is_recommended) == (suggestion.label, True)


def test_nothing_is_attached_without_a_request_to_attach_it_to() -> None:
    record = f.trd_record()
    facts = derive_facts(record, POLICY)
    empty = create("Refer for TMS evaluation", None)
    assert attach_packet(empty, record, facts, POLICY) == empty
    no_patient = dataclasses.replace(record, patient=dataclasses.replace(record.patient, id=None))
    with_request = create("Refer", {"resourceType": "ServiceRequest"})
    assert attach_packet(with_request, no_patient, facts, POLICY) == with_request
    medication = create("Propose", {"resourceType": "MedicationRequest"})
    assert attach_packet(medication, record, facts, POLICY) == medication


def test_the_referral_is_also_offered_alone_for_an_ehr_that_creates_no_documents() -> None:
    """Review 8 finding 6: a suggestion's actions are AND'd, so an EHR that creates orders but not
    DocumentReferences could not accept the referral at all. The second suggestion proposes the
    same ServiceRequest alone, not recommended over the first."""
    # Item 9 answered (0): with no item 9 the referral waits for it and neither is recommended
    # (review s24 RA finding 1).
    rec = tms_card(f.trd_record(scores=(f.score(17, date(2024, 5, 20), item9=0),)))
    with_summary, order_only = rec.suggestions
    assert (with_summary.label, with_summary.is_recommended) == ("Refer for TMS evaluation", True)
    assert order_only.label == tms_referral.ORDER_ONLY_LABEL
    assert order_only.is_recommended is False
    (action,) = order_only.actions
    assert action.type == "create" and action.resource is not None
    ServiceRequest.model_validate(action.resource)
    request = with_summary.actions[0].resource
    assert request is not None
    same = {k: v for k, v in request.items() if k not in ("supportingInfo", "note")}
    assert {k: v for k, v in action.resource.items() if k != "note"} == same
    assert action.resource["note"][0]["text"].endswith(
        "Referral summary not attached: ask the referring clinician for it."
    )
    assert "supportingInfo" not in action.resource


def test_without_a_patient_id_there_is_one_suggestion_and_nothing_to_create() -> None:
    record = trd_record()
    no_patient = dataclasses.replace(record, patient=dataclasses.replace(record.patient, id=None))
    rec = tms_card(no_patient)
    (suggestion,) = rec.suggestions
    assert suggestion.actions == ()
