"""An earlier TMS course recorded only as a Condition ("History of TMS treatment 2023 (good
response)", "s/p TMS 2022", "Hx rTMS": FindingKind.TMS_HISTORY, fhir_mapping/diagnosis_terms.csv
`tms-history`), the one wording the retreatment row, the packet's TMS line and the TMS card read
(fix tms59, review K63a s40 finding 8).

Before, such an entry was not read: the packet said "TMS: none on record" and the payer row
"Met: no earlier TMS course on record: initial course", a claim to the payer the chart
contradicts. A course so recorded has no sessions or PHQ-9 here, so its response cannot be
judged against "> 50 %": the row is "not on record" (its response and a relapse since to
document), never "Met" as an initial course nor "Not met"; the response is quoted as the
clinician wrote it (fhir_mapping/tms_history_text.py), else "response not on record".
"""

from __future__ import annotations

from fhir_mapping.record import FindingKind, PatientRecord
from fhir_mapping.tms_history_text import stated_response
from services.card_format import record_cite

_TMS_HISTORY = FindingKind.TMS_HISTORY


def stated_courses(record: PatientRecord) -> list[str]:
    """One line per earlier TMS course a Condition states: "History of TMS treatment 2023 (good
    response) (recorded as a condition, since 2023-03-01): response as stated: good response"."""
    lines = []
    for finding in record.context.of(_TMS_HISTORY):
        since = f", since {finding.onset.isoformat()}" if finding.onset is not None else ""
        cite = record_cite(finding.source, finding.onset is not None, ", {}")
        response = stated_response(finding.display)
        said = f"response as stated: {response}" if response else "response not on record"
        lines.append(f"{finding.display} (recorded as a condition{since}{cite}): {said}")
    return lines
