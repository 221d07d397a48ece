"""Drugs a record says are (or may be) taken now but no course was read from: the timeline
draws no bar for them, so it names them, as the cards do (review s20 R4 item 1: a phenelzine
statement of status `unknown` beside escitalopram raised "Phenelzine (MAOI) may be running"
on the critical card while the page said only "1 medication record could not be read").

The claim and what is to confirm come from services/taken_to_confirm.py, the one rule the cards
use ("may be running" for a record to confirm, "running" for an undated active record); no
resource ids (the card names the record)."""

from __future__ import annotations

from fhir_mapping.drug_table import drug_info
from fhir_mapping.record import PatientRecord
from services import taken_to_confirm


def not_drawn(record: PatientRecord) -> list[str]:
    """ "phenelzine (MAOI) may be running: status unknown, recorded 2025-05-26: confirm whether
    the patient takes it; checked as taken; not drawn (no course read)", one per drug, the
    records to confirm last; a drug whose course is drawn as running is left out."""
    drawn = {t.ingredient for t in record.trials if t.ongoing}
    lines: list[str] = []
    for gap in taken_to_confirm.certain_first(record.gaps):
        said = taken_to_confirm.readings(gap)
        verb = taken_to_confirm.claim(said).verb
        for ingredient in gap.taken_now:
            if ingredient in drawn:
                continue
            drawn.add(ingredient)
            info = drug_info(ingredient)
            kind = f" ({info.drug_class})" if info is not None and info.drug_class else ""
            why = f": {said}" if said else ""
            lines.append(f"{ingredient}{kind} {verb}{why}; not drawn (no course read)")
    return lines
