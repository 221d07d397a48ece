"""Records whose code is absent by a data-absent-reason: a diagnosis the EHR sent with its code
masked (review K51b s36 finding 3, fix mask47).

US Core and Epic send a sensitive problem-list entry (substance use under 42 CFR Part 2, HIV, a
mental-health diagnosis a state protects) with its `code` withheld: the CodeableConcept carries
only the data-absent-reason extension (http://hl7.org/fhir/StructureDefinition/data-absent-reason,
valueCode "masked"), or, as US Core's missing-data rule has it for a coded element, only a coding
of the data-absent-reason code system ("unknown", "masked"). `code` is a complex type, so the
extension sits on the element itself (as the vendor files' `requester: {"extension": [...]}`
show), never on a `_code` sibling (that form is for primitives only). The older DSTU2 URL
http://hl7.org/fhir/extension-data-absent-reason is read too (a C-CDA conversion sends it).

Such a Condition gave no finding and no gap (conditions.wants_condition found no code and no
text), so the TMS card said "No epilepsy/seizure disorder ... recognised in the chart's codes and
text" and offered the referral. It is a record the service could not read: a DataGap (CONDITIONS,
`MASKED_DIAGNOSIS`) naming it, with the reason's words and its status in `stated`
(data/data_absent_reasons.csv); services/masked_diagnosis.py puts it on the TMS safety screen and
the diagnosis review. What it was is never guessed.

Which ones: a Condition whose code is absent so and which no verificationStatus voids
(entered-in-error, refuted: dropped, as a readable one is) and which is not dated after as-of.
One no longer active is still named (with its status): the service reads a resolved seizure
disorder, bipolar disorder or psychosis as history (conditions.py), so a masked one may be that.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from fhir_mapping.conditions import DROPPED_VERIFICATION, condition_onset
from fhir_mapping.data_absent import absent_reason, reason_words
from fhir_mapping.fhir_fields import parse_date, status_code
from fhir_mapping.gaps import resource_gap
from fhir_mapping.record import DataDomain, DataGap

Resource = Mapping[str, Any]

# The gap's reason (reasons go to the logs; the card words are services/masked_diagnosis.py's).
MASKED_DIAGNOSIS = "code withheld: data-absent-reason"
_ACTIVE = frozenset({"active", "recurrence", "relapse"})


def masked_condition_gaps(conditions: Iterable[Resource], *, as_of: date) -> list[DataGap]:
    """One gap per Condition whose code is absent by a data-absent-reason (module docstring)."""
    found: list[DataGap] = []
    for resource in conditions:
        code = absent_reason(resource.get("code"))
        if not code:
            continue
        if status_code(resource.get("verificationStatus")) in DROPPED_VERIFICATION:
            continue  # no diagnosis stated: dropped as a readable one is
        # Dated as condition_findings dates a readable one: its onset, else its recorded day.
        dated = condition_onset(resource) or parse_date(resource.get("recordedDate"))
        if dated is not None and dated > as_of:
            continue  # not yet on record, as a readable one
        clinical = status_code(resource.get("clinicalStatus"))
        said = reason_words(code)
        if clinical is not None and clinical not in _ACTIVE:
            said = f"{said}, {clinical}"
        found += resource_gap(resource, MASKED_DIAGNOSIS, DataDomain.CONDITIONS, stated=said)
    return found
