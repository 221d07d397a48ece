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
from services.packet.page import HEAD, TITLE

# RFC 3986 URIs as identifiers: the FHIR R4 way to carry a urn:uuid as an Identifier.
URI_SYSTEM = "urn:ietf:rfc:3986"
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:trd-cds:tms-referral-summary")


def packet_id(patient_id: str, html: str) -> str:
    return _packet_id(patient_id, html.encode("utf-8"))


def _packet_id(patient_id: str, html: bytes) -> str:
    # The hash of f"{patient_id}\n{html}" in UTF-8, fed in parts: the page is encoded once.
    digest = hashlib.sha256(patient_id.encode("utf-8"))
    digest.update(b"\n")
    digest.update(html)
    return _uuid5(digest.hexdigest())


_NAMESPACE_BYTES = _NAMESPACE.bytes


def _uuid5(name: str) -> str:
    """str(uuid.uuid5(_NAMESPACE, name)), written out (issue 14: about a third of the cost of
    building and formatting a UUID object per packet): the SHA-1 of the namespace and the name,
    its first 16 bytes with the version (5) and the RFC 4122 variant bits set, as 8-4-4-4-12
    hex digits. tests/services/test_card_packet_fast_paths.py pins it to uuid.uuid5."""
    raw = bytearray(hashlib.sha1(_NAMESPACE_BYTES + name.encode("utf-8")).digest()[:16])
    raw[6] = (raw[6] & 0x0F) | 0x50  # version 5
    raw[8] = (raw[8] & 0x3F) | 0x80  # variant RFC 4122
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


# Every packet starts with page.HEAD (the doctype, CSP and stylesheet): its base64 is computed
# once. Base64 turns each 3 bytes into 4 characters, so the encoding of a prefix whose length is
# a multiple of 3 is exactly the start of the whole's; the rest is encoded per packet.
_PREFIX = HEAD.encode("utf-8")[: len(HEAD.encode("utf-8")) // 3 * 3]
_PREFIX_BASE64 = base64.b64encode(_PREFIX).decode("ascii")


def _base64(html: bytes) -> str:
    if html.startswith(_PREFIX):
        rest = base64.b64encode(memoryview(html)[len(_PREFIX) :]).decode("ascii")
        return _PREFIX_BASE64 + rest
    return base64.b64encode(html).decode("ascii")


def packet_document(*, patient_id: str, html: str, created: date) -> dict[str, Any]:
    """A DocumentReference holding the packet's HTML."""
    return packet_document_of(patient_id=patient_id, data=html.encode("utf-8"), created=created)


def packet_document_of(*, patient_id: str, data: bytes, created: date) -> dict[str, Any]:
    """packet_document of the page already encoded (`data`: its UTF-8)."""
    doc_id = _packet_id(patient_id, data)
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
                    "data": _base64(data),
                    "title": TITLE,
                    "creation": created.isoformat(),
                }
            }
        ],
    }


def supporting_reference(document: dict[str, Any]) -> dict[str, Any]:
    """The ServiceRequest.supportingInfo entry naming `document` within the same suggestion: by
    its relative reference (resolved within the suggestion's transaction) and by its
    masterIdentifier, which survives an EHR that creates the two one by one and lets the server
    assign the document another id (FHIR R4 http.html#create: a given id is ignored; review 8
    finding 6). FHIR R4 Reference: when both are present they must agree, and they do."""
    return {
        "reference": f"DocumentReference/{document['id']}",
        "identifier": {"system": URI_SYSTEM, "value": f"urn:uuid:{document['id']}"},
        "display": TITLE,
    }
