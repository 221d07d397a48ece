"""The patient's Encounters read, after the walk (build.py's step for the visits): psychotherapy
charted only as visits (review 14 M2, encounters.py), psychiatric inpatient stays that ended
(review 16 W4, admissions.py), a stay or an ED visit still in progress (review 16 recheck W-c,
current_stays.py), suicidal ideation or self-harm an ED visit records (review 16 recheck U-b,
visit_risk.py), substance use a status-less visit diagnosis records (s22 RX 7,
visit_substance.py), a seizure a visit's reason names (fix dx61, visit_seizure.py) and bipolar
disorder one names (fix bip67, reason_bipolar.py), psychotic features one names and old
status-less psychotic visit diagnoses dropped (fix tms61, visit_psychotic.py).

Apart from build.py as one idea, and so that every one of these readers reads each visit's class
and psychotherapy code through the build's one memo (`reads`, visit_reads.py: issue 14), the
memo the routing filter filled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from fhir_mapping import reason_bipolar, visit_psychotic, visit_risk, visit_seizure
from fhir_mapping.admissions import read_admissions
from fhir_mapping.current_stays import Event, read_current_stays
from fhir_mapping.data_gap import DataGap
from fhir_mapping.ed_reason_unread import unread_reason_gaps
from fhir_mapping.encounters import read_visits
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import (
    Admission,
    ClinicalContext,
    CurrentStay,
    ProcedureRecord,
    Referral,
)
from fhir_mapping.request_resources import Resource
from fhir_mapping.stay_evidence import NO_EVIDENCE, StayEvidence
from fhir_mapping.stay_evidence import stay_evidence as stay_evidence
from fhir_mapping.visit_reads import VisitReads
from fhir_mapping.visit_substance import with_visit_substance


@dataclass(frozen=True, slots=True)
class VisitRecords:
    """What the visits say (module docstring)."""

    admissions: tuple[Admission, ...]
    current_stays: tuple[CurrentStay, ...]
    clinical: ClinicalContext  # the context given, with what the visits record of risk and use
    sessions: tuple[ProcedureRecord, ...]  # psychotherapy sessions charted as visits
    booked: tuple[Referral, ...]  # psychotherapy visits booked (encounters.read_visits)
    # ED visits whose reason is a Condition not in the record (ed_reason_unread.py, fix fut63).
    gaps: tuple[DataGap, ...] = ()


def read_visit_records(
    visits: Sequence[Resource],
    conditions: Sequence[Resource],
    *,
    as_of: date,
    clinical: ClinicalContext,
    medications: Sequence[Resource],
    scores: Sequence[Event],
    policy: MappingPolicy,
    reads: VisitReads,
    evidence: StayEvidence = NO_EVIDENCE,
) -> VisitRecords:
    """The records of `visits` (the Encounters the walk kept), against the chart's `conditions`
    (kept ones). `medications`: the chart's medication resources, whose MedicationDispenses
    (an outpatient fill after a stay's start) show it was left (review 17 second recheck M2);
    `scores`: the PHQ-9s, each with the
    Encounter it is filed under (a PHQ-9 after an ED visit's arrival day not filed under it: s25
    RK2 2, RK4 10). `reads`: the build's memo (visit_reads.py). `evidence`: the session days
    and resources the stays are read against (stay_evidence.py: a short stay on a session's day
    is that session, day_cases.py; a finished stay with no end ends on its last day on record)."""
    class_of = reads.class_key
    admissions = read_admissions(
        visits, conditions, as_of=as_of, class_of=class_of, evidence=evidence
    )
    current_stays = read_current_stays(
        visits,
        conditions,
        as_of=as_of,
        dispenses=[r for r in medications if r["resourceType"] == "MedicationDispense"],
        scores=scores,
        policy=policy,
        class_of=class_of,
    )
    clinical = visit_risk.with_visit_findings(
        clinical, visits, conditions, as_of=as_of, class_of=class_of, chart=evidence.conditions()
    )
    clinical = with_visit_substance(clinical, conditions)
    clinical = visit_seizure.with_visit_seizures(
        clinical, visits, as_of=as_of, chart=evidence.conditions()
    )
    # ... and bipolar disorder a visit's reason names (fix bip67, reason_bipolar.py).
    clinical = reason_bipolar.with_reason_findings(
        clinical, visits, as_of=as_of, chart=evidence.conditions()
    )
    # ... and psychotic features a recent visit's reason names; an old status-less psychotic
    # visit diagnosis is no current feature (fix tms61, visit_psychotic.py).
    clinical = visit_psychotic.with_visit_psychotic(
        clinical,
        visits,
        conditions,
        as_of=as_of,
        days=policy.psychotic_visit_current_days,
        chart=evidence.conditions(),
    )
    sessions, booked = read_visits(
        visits, as_of=as_of, conditions=conditions, therapy_of=reads.psychotherapy
    )
    gaps = unread_reason_gaps(
        visits,
        evidence.conditions(),
        as_of=as_of,
        days=policy.ed_reason_unread_days,
        class_of=class_of,
    )
    return VisitRecords(admissions, current_stays, clinical, sessions, booked, gaps)
