"""What could not be read: the record's data gaps, in the words the cards use (issue 10, never
silent), so a reviewer knows which absences are not proven."""

from __future__ import annotations

from fhir_mapping.gaps import describe
from fhir_mapping.record import PatientRecord
from services.packet.html import bullets, el, text


def unread_section(record: PatientRecord) -> str:
    parts = [text("h2", "Data not read")]
    lines = describe(record.gaps, limit=10)
    if lines:
        parts.append(
            text(
                "p",
                "The EHR's data could not all be read; an absence in these kinds of data is "
                "not proven:",
                cls="alert",
            )
        )
        parts.append(bullets(lines, cls="lines"))
    else:
        parts.append(text("p", "Everything the EHR sent could be read."))
    return el("section", *parts, id="unread")
