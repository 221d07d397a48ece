"""A lab result left out because the DiagnosticReport listing it was marked entered-in-error
(fhir_mapping/voided_reports.py, labs71 finding 4), in a card's words where it would have changed
the card: the diagnosis review's "No TSH" says a TSH of that day was withdrawn with its report,
so the reader knows why a TSH seen in the chart is not used."""

from __future__ import annotations

from fhir_mapping.record import PatientRecord
from fhir_mapping.voided_reports import REASON


def voided_words(record: PatientRecord, test: str, name: str) -> str:
    """ " (a TSH of 2026-10-19 in a report marked entered-in-error: not used)", or ""."""
    days = sorted(
        {
            g.date.isoformat()
            for g in record.gaps
            if g.reason == REASON and g.lab is not None and g.lab.test == test and g.date
        }
    )
    return f" (a {name} of {', '.join(days)} {REASON})" if days else ""
