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
  before as-of: the discharge day; with no `period.end`, the last day the record places the
  patient on it (stay_evidence.py, review s28 K5 finding 3: such a stay was skipped in
  silence), `Admission.end_recorded` False so the card says the date is not recorded;
- is no treatment session given as a day case (day_cases.py, review s28 K5 finding 1: ECT
  sessions charted as short stays with F33.2 made a critical post-discharge card each);
- is psychiatric (admission_codes.py `psychiatric_reason`): its reason, a principal diagnosis
  or its unit is psychiatric; a secondary diagnosis counts only when the stay states no reason
  and no principal diagnosis at all. A medical stay with a depression among its secondary
  diagnoses gets no line at all: a depression on the problem list is read there already, and a
  medical stay is not the risk period the card names; an observation or short stay reads its
  first reasonCode only (stay_reason.py, review s27 K2 finding 4);
- ended in a discharge, not a move to another stay (stay_chains.py, review s27 K2 finding 3):
  an observation stay followed the same day by an admission still in progress is no discharge;
  followed by one that ended, the chain's discharge is its last stay's (that stay's own line
  when it was psychiatric too, else this stay's reason with the last stay's discharge).

This module holds the stays that ended (`read_admission`, `read_admissions`). The stays in
progress on the as-of date, of any kind, and the outpatient evidence that one was left are
current_stays.py; the code table, the class filters and what a stay was for are
admission_codes.py. Both are re-exported here: the record build, the routing, the visit risk
and tests import them from this module.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import date

from fhir_mapping.admission_codes import ClassOf, Resource, class_key
from fhir_mapping.admission_codes import is_emergency as is_emergency
from fhir_mapping.admission_codes import wants_admission as wants_admission
from fhir_mapping.admission_codes import wants_outpatient as wants_outpatient
from fhir_mapping.admission_record import Admission
from fhir_mapping.current_stays import read_current_stay as read_current_stay
from fhir_mapping.current_stays import read_current_stays as read_current_stays
from fhir_mapping.day_cases import session_day_case
from fhir_mapping.discharge_disposition import read_disposition
from fhir_mapping.fhir_fields import JSON_OBJECT, parse_date, parse_instant, source_ref
from fhir_mapping.stay_chains import last_stay, stays
from fhir_mapping.stay_evidence import NO_EVIDENCE, StayEvidence
from fhir_mapping.stay_reason import psychiatric_reason, reason_unread, stay_word


def read_admission(
    resource: Resource,
    conditions: Sequence[Resource],
    *,
    as_of: date,
    class_of: ClassOf = class_key,
    evidence: StayEvidence = NO_EVIDENCE,
) -> Admission | None:
    """The psychiatric inpatient stay an Encounter records, when it ended by as-of (module
    docstring), or None. `class_of`: how its class is read (the build's memo: visit_reads.py);
    `evidence`: the chart's session days (a session given as a day case is no stay:
    day_cases.py, review s28 K5 finding 1) and resources (a finished stay with no end ends on
    the last day the record places the patient on it: stay_evidence.py, finding 3)."""
    if not wants_admission(resource, class_of) or resource.get("status") != "finished":
        return None
    if session_day_case(resource, evidence.sessions, class_of) is not None:
        return None
    period = resource.get("period")
    if not isinstance(period, JSON_OBJECT):
        return None
    discharged = parse_date(period.get("end"))
    recorded = discharged is not None
    if discharged is None:  # finished, its end not recorded (stay_evidence.py)
        discharged = evidence.last_day(resource, as_of=as_of)
    if discharged is None or discharged > as_of:
        return None
    chart = evidence.conditions()
    found = psychiatric_reason(resource, conditions, class_of, chart)
    unread = found is None and reason_unread(resource, conditions, class_of, chart)
    if found is None and not unread:
        return None
    # A reason not in the record (stay_reason.py `reason_unread`, review s28 K10 finding 5):
    # read, marked, so the card can ask whether the stay was psychiatric.
    code, reason, display = found or ("", "reason not in the record", "")
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
        stay_word(resource, class_of),
        end_recorded=recorded,
        reason_unread=unread,
    )


def read_admissions(
    resources: Iterable[Resource],
    conditions: Sequence[Resource],
    *,
    as_of: date,
    class_of: ClassOf = class_key,
    evidence: StayEvidence = NO_EVIDENCE,
) -> tuple[Admission, ...]:
    """The psychiatric inpatient stays that ended in a discharge by as-of, latest discharge last
    (module docstring: a stay the patient moved on from to another is read at the chain's end)."""
    resources = list(resources)
    chart = stays(resources, as_of=as_of, class_of=class_of, evidence=evidence)
    # One line per chain of stays, keyed by its last stay: the chain's latest psychiatric stay
    # (its own discharge day first, for the order), discharged as the last stay was.
    chains: dict[int, tuple[date, Admission]] = {}
    for r in resources:
        found = read_admission(r, conditions, as_of=as_of, class_of=class_of, evidence=evidence)
        if found is None:
            continue
        own = found.discharged
        end = last_stay(r, chart)
        if end is not None and end.resource is not r:
            if not end.ended or end.end is None:
                continue  # moved on to a stay still in progress: no discharge yet
            found = dataclasses.replace(
                found,
                stay_end=own,
                moved_to=stay_word(end.resource, class_of) or "inpatient stay",
                discharged=end.end,
                discharged_at=end.end_at,
                disposition=read_disposition(end.resource),
                end_recorded=end.end_recorded,
            )
        key = id(end.resource) if end is not None else id(r)
        kept = chains.get(key)
        # A stay whose reason is not in the record never stands for a psychiatric one of its
        # chain (finding 5): the psychiatric stay is the chain's line.
        rank = (not found.reason_unread, own)
        if kept is None or rank > (not kept[1].reason_unread, kept[0]):
            chains[key] = (own, found)
    return tuple(
        sorted((a for _, a in chains.values()), key=lambda a: (a.discharged, str(a.source or "")))
    )
