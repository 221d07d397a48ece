"""What could not be read: the record's data gaps, in the words the cards use (issue 10, never
silent), so a reviewer knows which absences are not proven."""

from __future__ import annotations

from fhir_mapping.gaps import describe
from fhir_mapping.record import PatientRecord
from services.packet.html import bullets, section_open, text

# The section's constant markup, built once (issue 14, speed).
_OPEN = section_open("unread", "Data not read")
_GAPS = text(
    "p",
    "The EHR's data could not all be read; an absence in these kinds of data is not proven:",
    cls="alert",
)
_ALL_READ = text("p", "Everything the EHR sent could be read.")


def unread_section(record: PatientRecord) -> str:
    lines = describe(record.gaps, limit=10)
    if lines:
        return f"{_OPEN}{_GAPS}{bullets(lines, cls='lines')}</section>"
    return f"{_OPEN}{_ALL_READ}</section>"
