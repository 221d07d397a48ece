"""The psychotherapy sessions on record, split into those that make a course of therapy and those
that do not (review 6 finding 4): the one reading the psychotherapy card and the payer's
psychotherapy criterion share.

A session's kind is its code's (fhir_mapping/data/procedure_codes.csv `psychotherapy_kind`, APA
CPT 2013 guidance): standalone, group, family (CPT 90846/90847, VSAC Psych Visit - Family
Psychotherapy), add-on (psychotherapy added to a medication visit, CPT 90833/90836/90838) or
crisis (90839/90840). A session is a psychotherapy Procedure or a visit (an Encounter whose type
carries the code: fhir_mapping/encounters.py, review 14 M2), one per day. The clinic's
policy.psychotherapy_course_kinds (default standalone and group) make a course; a crisis session
or brief therapy added to a medication check is not a trial of CBT, IPT or behavioural activation
(CANMAT 2023), so it is listed, never counted; nor, by default, is family psychotherapy (a
session with the family, at times without the patient): the safer reading keeps the CBT/IPT
card, which names it. A psychotherapy Procedure whose code is not in the table (read from its
text, "psychotherapy", "cognitive behavioural therapy": procedure_terms.csv) counts as a
standalone session, as it did before kinds were read: its text named a therapy, unless its words
name a kind that is no course ("Crisis psychotherapy"), and an H0004 whose only diagnosis is a
substance-use disorder is counseling for it, not therapy for depression, nor is one whose
diagnoses include no depressive one (anxiety, PTSD, Z codes: "counseling-other", its line
naming them; review s25 RK4 finding 12): the ProcedureRecord's `session_kind` and
`session_reasons`, read at mapping (fhir_mapping/session_kinds.py; session 25 items 2-3).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from fhir_mapping.clinical_codes import ProcedureCode, procedure_codes
from fhir_mapping.code_systems import canonical_system
from fhir_mapping.frozen_init import quick_frozen_init
from fhir_mapping.record import PatientRecord, ProcedureKind, ProcedureRecord
from fhir_mapping.session_kinds import reason_rows
from services.last_answer import kept
from services.policy import Policy

_PSYCHOTHERAPY = ProcedureKind.PSYCHOTHERAPY  # compared per procedure: a module constant
_VISIT = "Encounter"  # a session read from a visit (fhir_mapping/encounters.py)
# The kind of a session whose code is not in the table (see the module docstring).
UNCODED_KIND = "standalone"
# How a line names the sessions that are not a course, by kind.
_NOT_A_COURSE = {
    "add-on": "psychotherapy added to a medication visit",
    "crisis": "crisis psychotherapy",
    "family": "family psychotherapy",
    "group": "group psychotherapy",
    "standalone": "individual psychotherapy",
    "substance-use": "counseling for a substance-use disorder",
    "counseling-other": "counseling with no depressive diagnosis",
    # A session named in words as CBT for insomnia (fhir_mapping/data/psychotherapy_kind_terms.csv,
    # review s29 RK finding 2): it treats the insomnia.
    "insomnia": "CBT for insomnia",
}


def session_kind(procedure: ProcedureRecord) -> str:
    """standalone | group | add-on | crisis, from the procedure's code."""
    return _kind_in(procedure_codes(), procedure)


def _kind_in(codes: Mapping[tuple[str, str], ProcedureCode], procedure: ProcedureRecord) -> str:
    """`session_kind` with the code table passed in (read once per chart, not per session)."""
    # The system as written first: nearly every chart writes the canonical URI the table is keyed
    # by, and canonical_system returns such a URI unchanged (tests/services/
    # test_code_table_shortcuts.py), so the second look-up is needed only for an alias.
    if procedure.session_kind:  # what its words or diagnoses say (session_kinds.py)
        return procedure.session_kind
    row = codes.get((procedure.system, procedure.code))
    if row is None:
        row = codes.get((canonical_system(procedure.system), procedure.code))
    return (row.psychotherapy_kind if row is not None else "") or UNCODED_KIND


@dataclass(frozen=True, slots=True)
class PsychotherapySessions:
    """The record's psychotherapy sessions, oldest first (undated first, as the payer criterion
    always listed them)."""

    course: tuple[ProcedureRecord, ...]  # of the kinds that make a course (policy)
    other: tuple[ProcedureRecord, ...]  # crisis, add-on: listed, not counted
    other_kinds: tuple[str, ...]  # the kinds of `other`, distinct, in order of first session


quick_frozen_init(PsychotherapySessions)


@kept  # several cards of one evaluation ask: services/last_answer.py
def psychotherapy_sessions(record: PatientRecord, policy: Policy) -> PsychotherapySessions:
    sessions = sorted(
        [p for p in record.procedures if p.kind is _PSYCHOTHERAPY],
        key=lambda p: p.date or date.min,
    )
    course: list[ProcedureRecord] = []
    other: list[ProcedureRecord] = []
    kinds: list[str] = []
    wanted = policy.psychotherapy_course_kinds
    codes = procedure_codes()
    for p in sessions:
        kind = _kind_in(codes, p)
        if kind in wanted:
            course.append(p)
        else:
            other.append(p)
            kinds.append(kind)
    return PsychotherapySessions(tuple(course), tuple(other), tuple(dict.fromkeys(kinds)))


def _procedure_name(system: str, code: str) -> str:
    """The code's display and the code, "Psychotherapy, 45 minutes with patient (90834)"; a
    session named only in words has no code to show: "psychotherapy", not "psychotherapy ()"
    (review s24 RQ finding 9)."""
    key = (canonical_system(system), code)
    row = procedure_codes().get(key)
    name = row.display if row else "psychotherapy"
    # A code billed for more than depression care says so, for the clinician to check (H0004:
    # fhir_mapping/data/session_reason_kinds.csv `named_as`; session 25 item 3).
    check = reason_rows().get(key)
    if check is not None:
        return f"{name} ({check.named_as})"
    return f"{name} ({code})" if code else name


def _noun(sessions: Sequence[ProcedureRecord]) -> str:
    """ "sessions", or "visits" when every one was read from an Encounter (a visit whose type
    carries the code, fhir_mapping/encounters.py), so the line names what it read (review 14
    M2); a mix says how many were visits."""
    visits = sum(1 for p in sessions if p.source is not None and p.source.resource_type == _VISIT)
    many = len(sessions) != 1
    if visits and visits == len(sessions):
        return f"psychotherapy visit{'s' if many else ''}"
    noun = f"session{'s' if many else ''}"
    return f"{noun} ({visits} charted as visits)" if visits else noun


def sessions_line(sessions: Sequence[ProcedureRecord]) -> str:
    """ "8 sessions, 2024-06-10 - 2024-09-16: Psychotherapy, 45 minutes with patient (90834)":
    the count, the span and each code once, in the order each first appears ("8 psychotherapy
    visits, ..." when read from Encounters)."""
    dated = [p.date for p in sessions if p.date is not None]  # oldest first, as sorted
    if not dated:
        span = ", undated"
    elif dated[0] == dated[-1]:
        span = f", {dated[0].isoformat()}"
    else:
        span = f", {dated[0].isoformat()} - {dated[-1].isoformat()}"
    codes = dict.fromkeys([(p.system, p.code) for p in sessions])
    kinds = "; ".join(dict.fromkeys([_procedure_name(*code) for code in codes]))
    return f"{len(sessions)} {_noun(sessions)}{span}: {kinds}"


def not_a_course_line(found: PsychotherapySessions) -> str:
    """The sessions that do not make a course, said as what they are: "crisis psychotherapy,
    not a course of therapy: 1 session, 2024-07-02: Psychotherapy for crisis; ... (90839)"."""
    what = " and ".join(_NOT_A_COURSE.get(k, k) for k in found.other_kinds)
    # The diagnoses that made a session one of these (H0004: fhir_mapping/session_kinds.py).
    reasons = dict.fromkeys(r for p in found.other for r in p.session_reasons)
    if reasons:
        what += f" (its diagnoses: {'; '.join(reasons)})"
    return f"{what}, not a course of therapy: {sessions_line(found.other)}"


def to_check(sessions: Sequence[ProcedureRecord]) -> str | None:
    """What counted sessions of a code billed for more than depression care leave to confirm
    (fhir_mapping/data/session_reason_kinds.csv `check`), each once; None: nothing."""
    rows = reason_rows()
    checks = [
        row.check
        for key in dict.fromkeys((canonical_system(p.system), p.code) for p in sessions)
        if (row := rows.get(key)) is not None
    ]
    return "; ".join(checks) or None
