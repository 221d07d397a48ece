"""Whose clinical state it is: the calling EHR as well as the patient.

Snoozes, de-duplication and issued cards belong to one EHR: its JWT issuer (`iss`) and, when the
token carries one, its `tenant` (CDS Hooks 2.0.1 #trusting-cds-clients: "an opaque string
identifying the healthcare organization that is invoking the CDS Hooks request"). Two EHRs, or two
organisations on one EHR, may use the same patient id for different people, so an override sent by
one must never hide a card from the other. The store keys patients by an HMAC of (issuer, tenant,
patient id), and records the issuer and tenant of every card it issues so that feedback is
accepted only from the EHR the card went to. With auth off there is no issuer: every caller is
`LOCAL_ISSUER`.
"""

from __future__ import annotations

from dataclasses import dataclass

LOCAL_ISSUER = "urn:trd-cds:auth-off"
# Longest `tenant` claim kept (the issued-card column's size); a longer one is refused (401).
MAX_TENANT_CHARS = 200


@dataclass(frozen=True, slots=True)
class Scope:
    issuer: str = LOCAL_ISSUER
    tenant: str | None = None

    def key_material(self) -> bytes:
        """The scope's part of a patient key, each value prefixed by its length so that no pair
        of (issuer, tenant, patient id) runs into another."""
        tenant = self.tenant or ""
        return f"{len(self.issuer)}:{self.issuer}{len(tenant)}:{tenant}".encode()
