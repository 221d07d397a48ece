"""The packet as a FHIR R4 DocumentReference, attached to the referral it supports.

The TMS card's suggestion creates two resources: the ServiceRequest (the referral) and this
DocumentReference (the packet, its HTML inline as base64). The ServiceRequest names the document
in `supportingInfo` by the relative reference `DocumentReference/<id>`. CDS Hooks 2.0 says a
suggestion's actions are processed "as per FHIR's rules for processing transactions with the CDS
Client's fhirServer as the base url for the inferred full URL of the transaction bundle
entries": the created DocumentReference's inferred fullUrl is `<fhirServer>/DocumentReference/<id>`,
which the relative reference resolves to, and the FHIR server rewrites it to the id it assigns
(FHIR R4 http.html#trules). A `urn:uuid:` reference would need a fullUrl that suggestions cannot
carry. The id is also the document's `masterIdentifier` (`urn:uuid:<id>`, system
urn:ietf:rfc:3986), so an EHR that creates the two one by one can still find the document.

The id is a name-based UUID (RFC 4122 version 5) of the patient and the packet's content: the
same packet gives the same id, so an EHR that already holds it can tell.

Built as plain JSON, not validated per request: tests/services/test_packet_document.py
validates both resources with fhir.resources R4B.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from datetime import date
from typing import Any

from services.packet.codes import document_code
from services.packet.page import TITLE

# RFC 3986 URIs as identifiers: the FHIR R4 way to carry a urn:uuid as an Identifier.
URI_SYSTEM = "urn:ietf:rfc:3986"
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:trd-cds:tms-referral-summary")


def packet_id(patient_id: str, html: str) -> str:
    digest = hashlib.sha256(f"{patient_id}\n{html}".encode()).hexdigest()
    return str(uuid.uuid5(_NAMESPACE, digest))


def packet_document(*, patient_id: str, html: str, created: date) -> dict[str, Any]:
    """A DocumentReference holding the packet's HTML."""
    doc_id = packet_id(patient_id, html)
    return {
        "resourceType": "DocumentReference",
        "id": doc_id,
        "masterIdentifier": {"system": URI_SYSTEM, "value": f"urn:uuid:{doc_id}"},
        "status": "current",
        # Generated, and not yet read by anyone: "preliminary" (FHIR composition-status) tells a
        # recipient it is not a signed note. The clinician who accepts the suggestion sends it.
        "docStatus": "preliminary",
        "type": {"coding": [document_code("document-type").coding()], "text": TITLE},
        "category": [{"coding": [document_code("document-category").coding()]}],
        "subject": {"reference": f"Patient/{patient_id}"},
        "description": (
            "TMS referral / prior-authorisation summary generated from the record as of "
            f"{created.isoformat()}: diagnosis, severity history, medication trials, "
            "psychotherapy, TMS safety screen, payer criteria, data not read"
        ),
        "content": [
            {
                "attachment": {
                    "contentType": "text/html",
                    "language": "en",
                    "data": base64.b64encode(html.encode("utf-8")).decode("ascii"),
                    "title": TITLE,
                    "creation": created.isoformat(),
                }
            }
        ],
    }


def supporting_reference(document: dict[str, Any]) -> dict[str, str]:
    """The ServiceRequest.supportingInfo entry naming `document` within the same suggestion."""
    return {"reference": f"DocumentReference/{document['id']}", "display": TITLE}
