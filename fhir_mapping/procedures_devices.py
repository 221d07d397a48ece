"""Procedure and Device -> ProcedureRecord and Finding.

- Procedure `not-done` that the patient refused, of ECT -> ECT_DECLINED (procedure_refusals.py;
  review 16 W6), of TMS -> TMS_DECLINED (review s29 RK finding 5), never a ProcedureRecord; so is
  one named in words only whose name says the refusal ("ECT consultation - patient declined
  ECT"), whatever its status, and one named as the work-up before a treatment ("Pre-ECT
  anesthesia evaluation", "TMS consultation") is no session of it (procedure_workup.py; review
  s29 RK finding 1).
- Procedure (completed / in-progress; a course's also stopped / on-hold, `_GIVEN_SO_FAR`, not a
  session the patient did not come to: session_not_held.py) -> ProcedureRecord for psychotherapy,
  ECT, TMS, CPAP; CPAP also yields SLEEP_APNEA_TREATED, an implant IMPLANTED_DEVICE, a delivery
  (procedure_codes.csv kind "delivery") DELIVERY.
- Device (any status but entered-in-error: a switched-off stimulator is still metal near the head)
  -> IMPLANTED_DEVICE or SLEEP_APNEA_TREATED. Both pass the TMS safety screen (tms_safety.py).

Apart from conditions.py: a procedure is a dated event with a kind of its own (the history the TMS,
ECT and esketamine courses are counted from), a device neither; context.py re-exports them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from fhir_mapping import (
    procedure_refusals,
    procedure_workup,
    session_not_held,
    tms_removals,
    tms_safety,
)
from fhir_mapping.clinical_codes import any_code_in, procedure_codes, term_kinds
from fhir_mapping.course_end_reasons import course_flags
from fhir_mapping.device_words import device_kinds, device_label, device_text
from fhir_mapping.fhir_fields import (
    JSON_OBJECT,
    codings,
    concept_text,
    parse_date,
    source_ref,
    string,
)
from fhir_mapping.record import Finding, FindingKind, ProcedureKind, ProcedureRecord
from fhir_mapping.recorded_at import encounter_id, performed_instant
from fhir_mapping.safety_notes import has_safety_note, safety_note_findings
from fhir_mapping.session_kinds import (
    ChartConditions,
    SessionKind,
    kind_from_reasons,
    kind_in_words,
)

Resource = Mapping[str, Any]

_COUNTED_PROCEDURE = frozenset({"completed", "in-progress"})
# A course's Procedure `stopped` (R4: "terminated after having been initiated") or `on-hold` was
# given as far as it went (review s29 RK findings 1-2: dropping them lost a 7-week TMS course, an
# ECT course, 11 psychotherapy sessions). Only courses: a stopped assessment or implant is none.
_GIVEN_SO_FAR = frozenset({"stopped", "on-hold"})
_COURSE_KINDS = frozenset({"psychotherapy", "ect", "tms", "esketamine"})
# A delivery Procedure ends a pregnancy only `completed` (fix preg64, recheck K68a finding 4): a
# global OB package (CPT 59400 "including antepartum care") is charted in-progress from the first
# prenatal visit; read as the birth it ended a pregnancy that goes on (every pregnancy warning lost).
_DELIVERED = "completed"
_PROCEDURE_KINDS = {kind.value: kind for kind in ProcedureKind}
# The kinds whose refusal is read, and the finding each makes (procedure_refusals.py).
_DECLINED = {"ect": FindingKind.ECT_DECLINED, "tms": FindingKind.TMS_DECLINED}


# --- cheap pre-validation filters -------------------------------------------------------------
#
# Each reader below reads a resource's codings and text once and hands them on (issue 14): a
# Condition was walked eight times, between its filter and its findings.


def _procedure_kinds(coded: Sequence[tuple[str, str, str]], text: str) -> tuple[str, ...]:
    """Kinds of a Procedure from its codings (`coded`), else from its text."""
    row = any_code_in(coded, procedure_codes())
    if row is not None:
        return (row.kind,)
    return term_kinds(text, "procedure")


def wants_procedure(resource: Resource) -> bool:
    concept = resource.get("code")
    coded = codings(concept)
    if any_code_in(coded, procedure_codes()) is not None:  # `_procedure_kinds` by its code
        return True
    text = concept_text(concept, coded)  # read only when no code was enough
    return (
        bool(term_kinds(text, "procedure"))
        or tms_safety.wanted(concept, "procedure", text, coded)
        or has_safety_note(resource, "procedure")  # "MCA aneurysm clipped" (safety_notes.py)
    )


def wants_device(resource: Resource) -> bool:
    return bool(device_kinds(resource)) or tms_safety.wanted(
        resource.get("type"), "device", device_text(resource)
    )


# --- procedures and devices ------------------------------------------------------------------


def _performed(resource: Resource) -> date | None:
    when = parse_date(resource.get("performedDateTime"))
    if when is None:
        period = resource.get("performedPeriod")
        if isinstance(period, JSON_OBJECT):
            when = parse_date(period.get("start")) or parse_date(period.get("end"))
    return when


def _assessment_timing(kind: str, resource: Resource) -> dict[str, Any]:
    """A suicide risk assessment's instant and Encounter (ProcedureRecord.at, .encounter)."""
    if _PROCEDURE_KINDS[kind] is not ProcedureKind.SUICIDE_RISK_ASSESSMENT:
        return {}
    return {"at": performed_instant(resource), "encounter": encounter_id(resource)}


def _performed_end(resource: Resource, start: date | None, as_of: date) -> date | None:
    """The end of a performedPeriod later than its start (ProcedureRecord.performed_end).

    An `in-progress` Procedure over a period runs to as-of, whatever end it names ahead (review
    s29 RK finding 1: a TMS or ECT course charted as one Procedure, in-progress, with only its
    start, read as a single session on that day: "stopped after 1 session", no lithium-with-ECT
    warning, its ECT window lapsing from the start). R4 Period: an open end means still going.
    A `stopped` or `on-hold` one ends at its stated end, else on its start: the last day the
    record shows given (an on-hold course is paused, so not running today: extending it would
    hold the cards for a course no one is giving; it shows as given up to then)."""
    period = resource.get("performedPeriod")
    if start is None or not isinstance(period, JSON_OBJECT):
        return None
    end = parse_date(period.get("end"))
    if resource.get("status") == "in-progress":
        end = as_of if end is None else min(end, as_of)
    return end if end is not None and end > start else None


def _ongoing(resource: Resource, start: date | None, as_of: date) -> bool:
    """In progress over a period open on as-of (`_performed_end` runs it to as-of)."""
    period = resource.get("performedPeriod")
    if (
        resource.get("status") != "in-progress"
        or start is None
        or not isinstance(period, JSON_OBJECT)
    ):
        return False
    end = parse_date(period.get("end"))
    return end is None or end >= as_of


def _known_coding(coded: Sequence[tuple[str, str, str]]) -> tuple[str, str, str]:
    """The coding the record is kept under: the first the procedure table knows, wherever it
    stands in the CodeableConcept, else the first (s25 FN item 5: Epic sends its local
    procedure record first and the billed CPT after it; kept under the local code, a CPT 90839
    crisis session was read as a standalone session by services/psychotherapy_sessions.py,
    which reads a session's kind from the record's code)."""
    row = any_code_in(coded, procedure_codes())
    if row is not None:
        for coding in coded:
            if (coding[0], coding[1]) == (row.system, row.code):
                return coding
    return coded[0] if coded else ("", "", "")


def _first_coding(concept: object) -> tuple[str, str, str]:
    for coding in codings(concept):
        return coding
    return ("", "", "")


def _refused_in_words(coded: Sequence[tuple[str, str, str]], text: str) -> bool:
    """A Procedure read by its words (no code of the table on it) whose name says the patient
    refused it (procedure_workup.py)."""
    return any_code_in(coded, procedure_codes()) is None and procedure_refusals.refused_in_words(
        text
    )


def _declined(
    resource: Resource, as_of: date, coded: tuple[tuple[str, str, str], ...], text: str
) -> tuple[Finding, ...]:
    """ECT_DECLINED / TMS_DECLINED for an ECT or TMS Procedure `not-done` that the patient
    refused (review 16 W6, s29 RK finding 5: procedure_refusals.py), or named in words that say
    so whatever its status (s29 RK finding 1), dated as the record dates it, not after as-of;
    () otherwise. `coded` and `text` are its code's `codings` and `concept_text`, read once by
    procedure_facts for both (issue 14, perf21)."""
    reason = procedure_refusals.refusal_reason(resource)
    if reason is None and _refused_in_words(coded, text):
        reason = tms_safety.concept_label(resource.get("code"), coded) or "refused"
    if reason is None:
        return ()
    when = procedure_refusals.recorded_on(resource, _performed(resource))
    if when is not None and when > as_of:
        return ()
    system, code, _ = _known_coding(coded)
    return tuple(
        Finding(_DECLINED[kind], code, system, reason, when, source_ref(resource))
        for kind in procedure_refusals.refused_kinds(_procedure_kinds(coded, text), reason, text)
        if kind in _DECLINED
    )


def _sessions(coded: Sequence[tuple[str, str, str]], text: str) -> tuple[str, ...]:
    """The kinds of a Procedure that count as a session: a kind read from words alone is not
    when the words name its work-up ("Pre-ECT anesthesia evaluation") or a refusal ("patient
    declined ECT"): procedure_workup.py, review s29 RK finding 1."""
    kinds = _procedure_kinds(coded, text)
    if any_code_in(coded, procedure_codes()) is not None:
        return kinds
    refused = procedure_refusals.refused_in_words(text)
    return tuple(
        k
        for k in kinds
        if k not in procedure_workup.work_up_kinds()
        or not (refused or procedure_workup.is_work_up(k, text))
    )


def _session_kind(
    coded: Sequence[tuple[str, str, str]],
    text: str,
    resource: Resource,
    chart: ChartConditions | None,
) -> SessionKind:
    """A psychotherapy Procedure's kind where its code does not say it (session_kinds.py): its
    words when no code of the table is on it, its diagnoses for a code billed for more than
    depression care (H0004)."""
    row = any_code_in(coded, procedure_codes())
    if row is None:
        return SessionKind(kind_in_words(text))
    return kind_from_reasons(row.system, row.code, resource, chart)


def procedure_facts(
    resource: Resource, *, as_of: date, conditions: ChartConditions | None = None
) -> tuple[tuple[ProcedureRecord, ...], tuple[Finding, ...]]:
    """ProcedureRecords and findings (CPAP, implants) from one Procedure. `conditions`: the
    chart's, for the diagnoses of a session whose kind they decide (session_kinds.py)."""
    status = string(resource.get("status"))
    whole = status in _COUNTED_PROCEDURE
    # Its code's codings and words, read once here for the refusal and the sessions alike.
    concept = resource.get("code")
    coded = codings(concept)
    text = concept_text(concept, coded)
    if not whole and (status not in _GIVEN_SO_FAR or session_not_held.not_held(resource)):
        # A stopped session the patient did not come to is no session (session_not_held.py).
        return (), _declined(resource, as_of, coded, text)
    # A refusal in words is one whatever its status.
    declined = _declined(resource, as_of, coded, text)
    when = _performed(resource)
    if when is not None and when > as_of:
        return (), ()
    if (
        not whole
        and procedure_refusals.refusal_reason(resource) is not None
        and _performed_end(resource, when, as_of) is None
    ):
        # A course's Procedure on one day, stopped or on hold as the patient refused it, is one
        # declined, as `not-done` (recheck K18 s29 finding 1: not "stopped after 1 session").
        # Over a period, what was given before the refusal still counts.
        return (), declined
    source = source_ref(resource)
    system, code, display = _known_coding(coded)
    records: list[ProcedureRecord] = []
    findings: list[Finding] = []
    findings.extend(declined)
    named = _sessions(coded, text)
    if not whole:  # stopped / on hold: a course's sessions given so far, nothing else
        named = tuple(k for k in named if k in _COURSE_KINDS)
        if not named:
            return (), declined
    end = _performed_end(resource, when, as_of)
    for kind in named:
        if kind in _PROCEDURE_KINDS:
            session = (
                _session_kind(coded, text, resource, conditions)
                if kind == "psychotherapy"
                else SessionKind()
            )
            records.append(
                ProcedureRecord(
                    _PROCEDURE_KINDS[kind],
                    code,
                    system,
                    when,
                    source,
                    performed_end=end,
                    ongoing=_ongoing(resource, when, as_of),
                    **course_flags(resource, end),  # completed, recorded_completed, maintenance
                    session_kind=session.kind,
                    session_reasons=session.reasons,
                    **_assessment_timing(kind, resource),
                )
            )
        if kind == "cpap":
            findings.append(
                Finding(FindingKind.SLEEP_APNEA_TREATED, code, system, display, when, source)
            )
        elif kind == "implanted-device":
            findings.append(
                Finding(FindingKind.IMPLANTED_DEVICE, code, system, display, when, source)
            )
        elif kind == "delivery" and status == _DELIVERED:
            # Ends a pregnancy coded before it (review 11 finding 11c); only once done. One sent
            # in words alone is named by them ("C-section": fix preg65, not an empty name).
            shown = display or concept_text(concept, coded, lower=False)
            findings.append(Finding(FindingKind.DELIVERY, code, system, shown, when, source))
        elif kind == "pregnancy-not-possible":  # a hysterectomy (recheck K7 s28 finding 9)
            findings.append(
                Finding(FindingKind.PREGNANCY_NOT_POSSIBLE, code, system, display, when, source)
            )
    if not whole:
        return tuple(records), ()
    screened = tms_safety.findings(
        concept,
        applies_to="procedure",
        text=text,
        active=True,
        onset=when,
        source=source,
        coded=coded,
    )
    if screened:  # seldom: most procedures name nothing the TMS safety screen asks about
        if tms_removals.removal(coded, text):  # a removal is a caution (s21 RR finding 6)
            screened = tms_removals.as_removal(screened, tms_safety.concept_label(concept, coded))
            findings = [f for f in findings if f.kind is not FindingKind.IMPLANTED_DEVICE]
        kinds = {f.kind for f in findings}
        findings.extend(f for f in screened if f.kind not in kinds)
    # A seizure, metal or an implant in its notes (safety_notes.py; fix tms58, K63a finding 5).
    label = tms_safety.concept_label(concept, coded)
    noted = safety_note_findings(resource, "procedure", "active", when, source, as_of, label)
    kinds = {f.kind for f in findings}
    findings.extend(f for f in noted if f.kind not in kinds)
    return tuple(records), tuple(findings)


# Device.status (R4: active | inactive | entered-in-error | unknown; optional) as Finding.state:
# the screen counts a device whatever its status (metal stays in place), but a pacemaker paces
# only while active (services/pacing.py; review s25 rk5 finding 2). Unknown or not sent: "unknown".
_DEVICE_STATES = {"active": "active", "inactive": "inactive"}


def _device_state(resource: Resource) -> str:
    return _DEVICE_STATES.get(string(resource.get("status")) or "", "unknown")


def device_findings(resource: Resource) -> tuple[Finding, ...]:
    if resource.get("status") == "entered-in-error":
        return ()
    system, code, display = _first_coding(resource.get("type"))
    source = source_ref(resource)
    found: list[Finding] = []
    for kind in device_kinds(resource):
        if kind == "cpap":
            # The state rides along: a CPAP marked inactive is not one in use (review s28 RJ
            # finding 5; rules/diagnosis_sleep_apnea.py), while the TMS screen below stays
            # status-blind (a device in the body is there whatever its status).
            found.append(
                Finding(
                    FindingKind.SLEEP_APNEA_TREATED,
                    code,
                    system,
                    display,
                    None,
                    source,
                    state=_device_state(resource),
                )
            )
        elif kind == "implanted-device":
            found.append(Finding(FindingKind.IMPLANTED_DEVICE, code, system, display, None, source))
    # Devices carry no implant date in R4 (manufactureDate is not one): the card says so.
    kinds = {f.kind for f in found}
    found.extend(
        f
        for f in tms_safety.findings(
            resource.get("type"),
            applies_to="device",
            text=device_text(resource),
            label=device_label(resource),
            active=True,
            onset=None,
            source=source,
            state=_device_state(resource),
        )
        if f.kind not in kinds
    )
    return tuple(found)
