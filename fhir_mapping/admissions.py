"""Encounter -> psychiatric inpatient stays that ended (review 16 W4), and stays in progress.

The first months after discharge from psychiatric inpatient care carry the highest suicide risk
of a patient's course (about 100 times the global rate in the first 3 months: Chung et al., JAMA
Psychiatry 2017, PMC5710249), so the suicide-risk card names a recent discharge
(services/rules/suicide_risk_discharge.py). This module reads the stays; the window is policy.

A stay is read when the Encounter
- is an inpatient one: `class` v3-ActCode IMP, ACUTE or NONAC, or an observation or short stay
  (OBSENC, SS: review s27 RE finding 2), or a local class read as one by its display
  (admission_codes.py `wants_admission`, `class_key`);
- has `status` finished (a stay still in progress is no discharge) and a `period.end` on or
  before as-of: the discharge day;
- is psychiatric (admission_codes.py `psychiatric_reason`): its reason, a principal diagnosis
  or its unit is psychiatric; a secondary diagnosis counts only when the stay states no reason
  and no principal diagnosis at all. A medical stay with a depression among its secondary
  diagnoses gets no line at all: a depression on the problem list is read there already, and a
  medical stay is not the risk period the card names.

This module holds the stays that ended (`read_admission`, `read_admissions`). The stays in
progress on the as-of date, of any kind, and the outpatient evidence that one was left are
current_stays.py; the code table, the class filters and what a stay was for are
admission_codes.py. Both are re-exported here: the record build, the routing, the visit risk
and tests import them from this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from fhir_mapping.admission_codes import ClassOf, Resource, class_key, psychiatric_reason
from fhir_mapping.admission_codes import is_emergency as is_emergency
from fhir_mapping.admission_codes import wants_admission as wants_admission
from fhir_mapping.admission_codes import wants_outpatient as wants_outpatient
from fhir_mapping.admission_record import Admission
from fhir_mapping.current_stays import read_current_stay as read_current_stay
from fhir_mapping.current_stays import read_current_stays as read_current_stays
from fhir_mapping.discharge_disposition import read_disposition
from fhir_mapping.fhir_fields import JSON_OBJECT, parse_date, parse_instant, source_ref


def read_admission(
    resource: Resource,
    conditions: Sequence[Resource],
    *,
    as_of: date,
    class_of: ClassOf = class_key,
) -> Admission | None:
    """The psychiatric inpatient stay an Encounter records, when it ended by as-of (module
    docstring), or None. `class_of`: how its class is read (the build's memo: visit_reads.py)."""
    if not wants_admission(resource, class_of) or resource.get("status") != "finished":
        return None
    period = resource.get("period")
    if not isinstance(period, JSON_OBJECT):
        return None
    discharged = parse_date(period.get("end"))
    if discharged is None or discharged > as_of:
        return None
    found = psychiatric_reason(resource, conditions)
    if found is None:
        return None
    code, reason, display = found
    start = parse_date(period.get("start"))
    at = parse_instant(period.get("end"))
    return Admission(
        start,
        discharged,
        code,
        reason,
        display,
        source_ref(resource),
        at,
        read_disposition(resource),
    )


def read_admissions(
    resources: Iterable[Resource],
    conditions: Sequence[Resource],
    *,
    as_of: date,
    class_of: ClassOf = class_key,
) -> tuple[Admission, ...]:
    """The psychiatric inpatient stays that ended by as-of, latest discharge last."""
    found = [
        a
        for r in resources
        if (a := read_admission(r, conditions, as_of=as_of, class_of=class_of)) is not None
    ]
    return tuple(sorted(found, key=lambda a: (a.discharged, str(a.source or ""))))
