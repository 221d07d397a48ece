"""Records of the TMS-screened lists that could not be attributed to this patient (fix tms58,
review K63a finding 10).

A Device, Procedure or Condition sent with no subject, or one whose subject is only an identifier
that matches none of the Patient's (fhir_mapping/gap_identity.py NO_SUBJECT,
SUBJECT_UNCONFIRMED), is left out and listed under "Data not read": it may be this patient's
cochlear implant. The screen read it as nothing, so the card's contraindication line, the payer
row and the packet's screen said the contraindications were met ("Met: none of ... metal or
stimulator near the head") beside "1 device record could not be read". Such a record is worded
as a list that could not be read is, "could not be checked: ask before referral", the safer
reading: a false "ask" costs a question, a false clearance a referral beside an implant. Another
patient's resource (a reference to another Patient) is no such record: it is not this patient's.
"""

from __future__ import annotations

from fhir_mapping.gaps import NO_SUBJECT, SUBJECT_UNCONFIRMED
from fhir_mapping.record import DataDomain, PatientRecord

_UNATTRIBUTED = frozenset({NO_SUBJECT, SUBJECT_UNCONFIRMED})
_NOUNS = {
    DataDomain.CONDITIONS: "condition",
    DataDomain.PROCEDURES: "procedure",
    DataDomain.DEVICES: "device",
}


def unattributed(record: PatientRecord, domain: DataDomain) -> str | None:
    """ "1 device record not attributable to this patient" for the domain's records left out
    for their subject; None when there are none (nearly every chart)."""
    if not record.gaps or domain not in _NOUNS:
        return None
    count = sum(1 for g in record.gaps if g.domain is domain and g.reason in _UNATTRIBUTED)
    if not count:
        return None
    return f"{count} {_NOUNS[domain]} record{'s' if count > 1 else ''} not attributable to this patient"
