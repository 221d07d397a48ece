"""Lab results referenced by a DiagnosticReport marked entered-in-error: not used (labs71, review
K71a finding 9: an Oracle Health style report, status entered-in-error, whose result Observation
kept its own status final (TSH 12) still gave "TSH high 12" and a thyroid review).

Why not used: a report withdrawn as entered in error withdraws what it reported; labs often void
the report and leave its results' own statuses as they were. A finding built on a withdrawn TSH,
B12 or lithium level would change a card on data the lab has taken back, so the safer reading is
the lab's: the result is left out, as a DataGap ("in a report marked entered-in-error: not used"),
so a card it would have changed says a result was not read instead of concluding in silence.
An Observation that a live report (any other status) also lists stands: the lab still reports it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from fhir_mapping.fhir_fields import effective_date
from fhir_mapping.record import DataDomain, DataGap, SourceRef

Resource = Mapping[str, Any]

REASON = "in a report marked entered-in-error: not used"
_VOID = "entered-in-error"


def _result_ids(report: Resource) -> set[str]:
    """The Observation ids a report's `result` references ("Observation/x", a full URL ending
    so, or a bare id)."""
    found: set[str] = set()
    for ref in report.get("result") or ():
        text = ref.get("reference") if isinstance(ref, Mapping) else None
        if isinstance(text, str) and text and not text.startswith("#"):
            found.add(text.rstrip("/").rsplit("/", 1)[-1])
    return found


def voided_results(
    resources: Sequence[Resource], as_of: date
) -> tuple[list[Resource], list[DataGap]]:
    """`resources` without the Observations only a withdrawn report lists, and a gap for each,
    carrying the result as read (DataGap.lab) so a card can name its test and day."""
    from fhir_mapping.labs import lab_result  # labs imports the record model this module does

    voided: set[str] = set()
    live: set[str] = set()
    for r in resources:
        if r.get("resourceType") == "DiagnosticReport":
            (voided if r.get("status") == _VOID else live).update(_result_ids(r))
    dropped = voided - live
    if not dropped:
        return list(resources), []
    kept: list[Resource] = []
    gaps: list[DataGap] = []
    for r in resources:
        rid = r.get("id")
        if r.get("resourceType") == "Observation" and isinstance(rid, str) and rid in dropped:
            source = SourceRef("Observation", rid)
            read = lab_result(r, as_of=as_of)
            gaps.append(DataGap(DataDomain.LABS, REASON, source, date=effective_date(r), lab=read))
        else:
            kept.append(r)
    return kept, gaps
