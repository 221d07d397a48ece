"""Gaps for the PHQ-9 totals of a status no result is read from but that must not vanish: a
`registered` Observation (FHIR: no result yet) carrying a total anyway, or one whose status no
row of data/result_statuses.csv names (review s27 RF 1: a registered total of 4 after a final 18
left the TMS card at "PHQ-9 18" with nothing said). The total judges nothing (it is no result);
the gap puts it under "Data not read (the conclusion may change once it is)".

Apart from scores.py (the walk) because it reads the scores read_unfinished returns, after the
walk; a positive item 9 of the same status raises the suicide-risk card (risk_events.py).

The gaps of the Procedures and medication records whose status is missing, malformed or not
their value set's (session 30 status31) are their own modules', re-exported here so build.py
asks one module for every status gap; so is `corrected_apart` (corrected_totals.apart): a final
total an `amended` / `corrected` one replaced is taken out of the gaps, read (fix score54).
`record_gaps` asks, beside the Procedures' status gaps, for the Conditions whose code is absent
by a data-absent-reason (masked_codes.py, fix mask47), and the Procedures, Devices and
AllergyIntolerances so masked (fix mask48): build.py has no line to spare.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from fhir_mapping import result_statuses
from fhir_mapping.corrected_totals import CorrectedTotal, apart
from fhir_mapping.masked_codes import masked_condition_gaps, masked_record_gaps
from fhir_mapping.medication_status_gaps import medication_status_gaps as medication_status_gaps
from fhir_mapping.procedure_status_gaps import procedure_status_gaps as procedure_status_gaps
from fhir_mapping.record import DataDomain, DataGap, Score

OBSERVATION = result_statuses.OBSERVATION


def unread_status_gaps(unfinished: Iterable[Score]) -> list[DataGap]:
    """One DataGap per total of a `gap` or unrecognised status. The reason names the status and
    never the value (reasons go to the logs)."""
    found = []
    for score in unfinished:
        status = score.status
        if score.value is None or not result_statuses.named_as_gap(OBSERVATION, status):
            continue
        named = result_statuses.named(OBSERVATION, status)
        # "status registered (no result yet)"; an unrecognised one is named "status 'x' ...".
        named = named if named.startswith("status ") else f"status {named}"
        reason = f"{score.instrument} total with {named}: not read as a result"
        found.append(DataGap(DataDomain.SCORES, reason, score.source, date=score.date))
    return found


def corrected_apart(found: Iterable[DataGap], *, into: list[DataGap]) -> tuple[CorrectedTotal, ...]:
    """corrected_totals.apart: the corrections among `found`, the rest appended to `into`."""
    return apart(found, into=into)


def record_gaps(kept: Mapping[str, Sequence[Mapping[str, Any]]], *, as_of: date) -> list[DataGap]:
    """The gaps of the Procedures no status lets the service read, then of the Conditions whose
    code is absent by a data-absent-reason (masked_codes.py), then of the Procedures, Devices and
    AllergyIntolerances so masked (fix mask48)."""
    found = procedure_status_gaps(kept.get("Procedure", ()), as_of=as_of)
    found += masked_condition_gaps(kept.get("Condition", ()), as_of=as_of)
    return found + masked_record_gaps(kept, as_of=as_of)
