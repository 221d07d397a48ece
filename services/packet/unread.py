"""What could not be read: the record's data gaps, in the words the cards use (issue 10, never
silent), so a reviewer knows which absences are not proven. The Patient record's own status
(merged into another, inactive) is said first, apart: it puts the whole history in doubt, and no
resource of it went unread (fix 19a: under "could not all be read" it read as an unread record)."""

from __future__ import annotations

from fhir_mapping.gaps import describe, is_record_status
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
    status = [g for g in record.gaps if is_record_status(g)]
    said = "".join(text("p", line, cls="alert") for line in describe(status)) if status else ""
    lines = describe([g for g in record.gaps if not is_record_status(g)], limit=10)
    if lines:
        return f"{_OPEN}{said}{_GAPS}{bullets(lines, cls='lines')}</section>"
    return f"{_OPEN}{said}{_ALL_READ}</section>"
