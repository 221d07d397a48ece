"""Esketamine and IV ketamine on record, as the lines beside the options beyond medication
(review 7 finding 7): a course in this episode (the drug's orders, statements or dispenses: a
Trial; esketamine sessions: HCPCS G2082/G2083, ProcedureKind.ESKETAMINE) is named with its dates,
sessions and PHQ-9s and the option leaves the list, as for ECT; an earlier course is one line.

Apart from the ECT lines (ect_course_lines.py, whose course measure and score wording it shares)
because a drug course is found from trials and, for esketamine, supervised sessions, and says why
its sessions were not counted when the MAR or the Procedures could not be read.
"""

from __future__ import annotations

from datetime import date

from fhir_mapping.record import DataDomain, GapCause, PatientRecord, ProcedureKind
from services import clinic_courses, tms_course
from services.ect_course_lines import _NO_ECT, EctHistory, _ect_scores, _ect_state, _measured
from services.policy import Policy

_ESKETAMINE_SESSION = ProcedureKind.ESKETAMINE
_SESSIONS = DataDomain.SESSIONS
_PROCEDURES = DataDomain.PROCEDURES
# Options beyond medication that are a drug course (data/pathway_options.csv `option`), keyed by
# the drug table's ingredient of that course, with the name the card gives a course of it.
_DRUG_COURSES = {"esketamine": "Esketamine", "ketamine": "IV ketamine"}


def _drug_history(
    ingredient: str, record: PatientRecord, policy: Policy, episode_start: date | None
) -> EctHistory:
    """An esketamine or IV ketamine course on record (review 7 finding 7): its orders,
    statements or dispenses (a Trial of `ingredient`) and, for esketamine, its supervised
    sessions (HCPCS G2082/G2083). A course that ran or ended in this episode is named with its
    dates, sessions and PHQ-9s and the option leaves the list; else the latest earlier course is
    one line. Ketamine has no session code of its own (an IV infusion code says nothing of the
    drug), so its infusions are not counted."""
    label = _DRUG_COURSES[ingredient]
    spans: list[tuple[date, date, bool]] = [
        (t.start, t.end, t.ongoing) for t in record.trials if t.ingredient == ingredient
    ]
    session_days: list[date] = []
    if ingredient == "esketamine":
        spans = _clinic_spans(record, policy, ingredient, spans)
        # One session a day (fhir_mapping/administrations.py merges the MAR's doses so).
        session_days = sorted(
            {
                p.date
                for p in record.procedures
                if p.kind is _ESKETAMINE_SESSION and p.date is not None and p.date <= record.as_of
            }
        )
    if not spans:
        return _NO_ECT
    current = [s for s in spans if episode_start is None or s[1] >= episode_start]
    chosen = current or [max(spans, key=lambda s: s[1])]
    start = min(s[0] for s in chosen)
    end = max(s[1] for s in chosen)
    running = any(s[2] for s in chosen)
    sessions = sum(1 for day in session_days if start <= day <= end)
    course = _measured(record, policy, start, end, running, sessions)
    if sessions:
        counted = course.sessions_text()
    elif ingredient == "esketamine":
        counted = _sessions_absent(record)
    else:
        counted = "infusions not counted: no ketamine session code"
    if not current:
        return EctHistory(
            f"**Earlier course of {ingredient}:** {start.year} ({counted}); "
            f"{_ect_scores(course, policy, latest=False)}{_ect_state(course)}."
        )
    if running:
        line = (
            f"**{label} in this episode:** running since {start.isoformat()} ({counted} so "
            "far): review the course with its prescriber."
        )
    else:
        line = (
            f"**{label} in this episode:** {start.isoformat()} to {end.isoformat()} "
            f"({counted}); {_ect_scores(course, policy)}{_ect_state(course)}: not offered "
            "again as untried; discuss the next step with psychiatry."
        )
    return EctHistory(line, frozenset({ingredient}))


def _clinic_spans(
    record: PatientRecord,
    policy: Policy,
    ingredient: str,
    spans: list[tuple[date, date, bool]],
) -> list[tuple[date, date, bool]]:
    """A drug given in clinic: its orders' spans and its runs of sessions (grouped as TMS
    sessions are), running only by services/clinic_courses.py's rule, the one the
    blood-pressure card reads (audit 19 finding 3: this line called a course ended a week after
    its last session, on the TMS window, while that card asked to review its dose). An open
    order the sessions show stopped ends with its last session, not at as-of."""
    clinic = clinic_courses.course(record, policy, ingredient)
    running = clinic is not None and clinic.running
    last = clinic.last_day if clinic is not None else None
    found = [
        (
            start,
            _ended_by(end, start, last) if ongoing and not running else end,
            ongoing and running,
        )
        for start, end, ongoing in spans
    ]
    runs = tms_course.courses(record, policy, _ESKETAMINE_SESSION)
    found.extend((run.start, run.end, running and n == len(runs) - 1) for n, run in enumerate(runs))
    return found


def _ended_by(end: date, start: date, last: date | None) -> date:
    """An open order's span, ended at the last session when the sessions show it stopped."""
    return end if last is None else max(start, min(end, last))


def _sessions_absent(record: PatientRecord) -> str:
    """Why an esketamine course has no sessions counted: "not on record" only when the MAR and
    the Procedures could all be read (review 10 finding 10: sessions charted as
    MedicationAdministrations that were never fetched are not absent)."""
    unread = [
        what
        for domain, what in ((_SESSIONS, "administrations"), (_PROCEDURES, "procedures"))
        if record.incomplete(domain)
    ]
    if not unread:
        return "sessions not on record"
    partly = all(
        g.cause is GapCause.PARTIAL
        for g in record.gaps_in(_SESSIONS, _PROCEDURES)
        if g.cause is not GapCause.LEFT_OUT
    )
    verb = "were fetched only in part" if partly else "are not fetched"
    return f"sessions not read ({' and '.join(unread)} {verb})"
