"""Psychotherapy (type, dates, sessions) and earlier neuromodulation (TMS, ECT: each course with
its state and its PHQ-9 before and after, as the cards read them), from the procedures, visits and referrals on record.

A psychotherapy session read from a visit (an Encounter whose type carries the code:
fhir_mapping/encounters.py, review 14 M2) is named as one ("charted as a visit"), and a booked
visit as a booked visit, so the packet says what it read."""

from __future__ import annotations

from datetime import date

from fhir_mapping.clinical_codes import procedure_codes
from fhir_mapping.psychotherapy_maybe import MAYBE
from fhir_mapping.record import DataDomain, PatientRecord, ProcedureKind, ProcedureRecord, Score
from services import tms_course, tms_stated
from services.card_format import record_cite
from services.packet.html import bullets, section_open, table, text
from services.packet.wording import code_text, day_text, maybe_day, plural, span_text
from services.policy import Policy
from services.psychotherapy_current import past_course_words, psychotherapy_standing
from services.psychotherapy_sessions import psychotherapy_sessions
from services.tms_course import TmsCourse

# The sections' openings, built once (issue 14, speed).
_THERAPY = section_open("psychotherapy", "Psychotherapy")
_NEUROMODULATION = section_open("neuromodulation", "Earlier TMS and ECT")
# Compared per procedure: module constants (issue 14: an Enum member read off its class costs
# about ten globals on Python 3.11).
_PSYCHOTHERAPY = ProcedureKind.PSYCHOTHERAPY
_NEUROMODULATION_KINDS = ((ProcedureKind.TMS, "TMS"), (ProcedureKind.ECT, "ECT"))


_VISIT = "Encounter"


def _type_text(procedure: ProcedureRecord) -> str:
    row = procedure_codes().get((procedure.system, procedure.code))
    name = row.display if row is not None else "type not named by the code table"
    code = code_text(procedure.system, procedure.code)
    return f"{name} ({code})" if code else name


def _visit(procedure: ProcedureRecord) -> bool:
    return procedure.source is not None and procedure.source.resource_type == _VISIT


def _grouped(procedures: list[ProcedureRecord]) -> list[tuple[str, list[date], int]]:
    """(type, dated sessions oldest first, undated sessions) per code, first session first."""
    groups: dict[str, tuple[list[date], list[ProcedureRecord]]] = {}
    # _type_text reads the code only: once per code (and per source: a visit is its own row).
    names: dict[tuple[str, str, bool], str] = {}
    for p in procedures:
        visit = _visit(p)
        code = (p.system, p.code, visit)
        name = names.get(code)
        if name is None:
            name = names[code] = _type_text(p) + (", charted as a visit" if visit else "")
        dated, undated = groups.setdefault(name, ([], []))
        if p.date is None:
            undated.append(p)
        else:
            dated.append(p.date)
    out = [(name, sorted(dated), len(undated)) for name, (dated, undated) in groups.items()]
    return sorted(out, key=lambda g: (not g[1], g[1][0] if g[1] else date.max))


def _sessions(dated: list[date], undated: int) -> str:
    count = plural(len(dated) + undated, "session")
    return f"{count} ({undated} undated)" if undated else count


def _referral_lines(record: PatientRecord, kind: str, name: str) -> list[str]:
    return [
        (
            f"{name} visit {r.status}: {maybe_day(r.authored, 'date not recorded')}"
            if r.source is not None and r.source.resource_type == _VISIT
            else f"{name} referral: {r.status}, {maybe_day(r.authored, 'date not recorded')}"
        )
        # By its day; its id only when undated (cards.record_cite, session 21).
        + record_cite(r.source, r.authored is not None)
        for r in record.referrals
        if r.kind == kind
    ]


def _absence(
    record: PatientRecord, what: str, none: str = "none on record", *, visits: bool = False
) -> str:
    """`what`: `none`, or why it could not be checked. `visits`: psychotherapy is read from
    visits (Encounters) too, so a visit list not read leaves it unproven as well."""
    if not record.gaps:  # every list read (most charts): nothing to tell apart (issue 14)
        return f"{what}: {none}."
    if record.unavailable(DataDomain.PROCEDURES):
        return f"{what}: the procedure list was not available, so this could not be checked."
    if visits and record.unavailable(DataDomain.VISITS):
        return f"{what}: the visit list was not available, so this could not be checked."
    if record.incomplete(DataDomain.PROCEDURES) or (
        visits and record.incomplete(DataDomain.VISITS)
    ):
        return f"{what}: none in the procedures and visits that could be read (incomplete)."
    return f"{what}: {none}."


def _not_current(record: PatientRecord, policy: Policy, episode_start: date | None) -> str | None:
    """ "Not current: before this episode (since 2025-12-01), none in the last 180 days", the
    psychotherapy card's words, when no course session is current (the card's
    rule, services/psychotherapy_current.py; s25 RT finding 10: the packet listed 2023 therapy
    with no word that it predates this episode); None otherwise."""
    found = psychotherapy_standing(
        record, policy, episode_start, psychotherapy_sessions(record, policy)
    )
    if found.current or not found.past_course:
        return None
    _, why = past_course_words(found, episode_start, policy)
    return f"Not current: {why}."


def therapy_section(
    record: PatientRecord, policy: Policy | None = None, episode_start: date | None = None
) -> str:
    """`policy` and `episode_start` (PathwayFacts.episode_start) let the section say, as the
    psychotherapy card does, that the therapy on record is not current; without a policy it
    lists what is on record only."""
    parts = [_THERAPY]
    sessions = [p for p in record.procedures if p.kind is _PSYCHOTHERAPY]
    if sessions:
        rows = [
            (name, span_text(dated[0], dated[-1]) if dated else "undated", _sessions(dated, n))
            for name, dated, n in _grouped(sessions)
        ]
        parts.append(
            table(
                ("Type", "Dates", "Sessions"),
                rows,
                caption="Psychotherapy sessions by type",
                cls="therapy",
            )
        )
        note = None if policy is None else _not_current(record, policy, episode_start)
        if note is not None:
            parts.append(text("p", note, cls="lines"))
    referrals = _referral_lines(record, "psychotherapy", "Psychotherapy")
    # Visits and requests whose words may name psychotherapy (care69: fhir_mapping/
    # psychotherapy_maybe.py), listed to confirm; the absence line then never reads as "none".
    maybe = _referral_lines(record, MAYBE, "Possible psychotherapy")
    if not sessions:
        # What is read: psychotherapy Procedures, visits (Encounters coded as psychotherapy) and
        # referrals, said as the psychotherapy card and the payer criterion say it, never "none"
        # of psychotherapy itself (review 14 M2).
        none = (
            "no psychotherapy procedure"
            + (" or visit" if referrals else ", visit or referral")
            + " on record"
            + (" as such; those below may be psychotherapy: confirm" if maybe else "")
        )
        parts.append(
            text("p", _absence(record, "Psychotherapy sessions", none, visits=True), cls="empty")
        )
    if referrals or maybe:
        parts.append(bullets([*referrals, *maybe], cls="lines"))
    parts.append("</section>")
    return "".join(parts)


def _score_text(score: Score) -> str:
    return f"{score.value} ({day_text(score.date)})"


def _course_scores(course: TmsCourse, policy: Policy) -> str:
    """The PHQ-9 before and after a TMS or ECT course, each dated (the course's windows:
    services/tms_course.py, as the cards read them), or which is missing: no response is
    claimed without both."""
    before, after = course.baseline, course.latest
    window = policy.mapping.baseline_days_before
    if before is None or before.value is None:
        if after is None or after.value is None:
            return "no PHQ-9 around it on record"
        return f"PHQ-9 {_score_text(after)} during or after it; none in the {plural(window, 'day')} before it"
    if after is None or after.value is None:
        return f"PHQ-9 {_score_text(before)} before it; none during or after it"
    change = course.change or 0.0
    word = "better" if change >= 0 else "worse"
    state = "response (≥ 50 % drop)" if course.response else "no response (< 50 % drop)"
    return f"PHQ-9 {_score_text(before)} → {_score_text(after)}, {course.percent()} {word}: {state}"


def _state(course: TmsCourse, policy: Policy, name: str) -> str:
    """ " (running)", ", stopped after 2 sessions, not an adequate course (fewer than 20)" (a
    TMS course ended short with no response: TmsCourse.short, the rule the cards and the payer
    criterion read), or "" for a course that ended."""
    if course.running:
        return " (running)"
    if name == "TMS" and course.short(policy):
        return f", {course.short_text(policy)}"
    return ""


def _course_lines(
    record: PatientRecord,
    policy: Policy,
    kind: ProcedureKind,
    name: str,
    done: list[ProcedureRecord],
) -> list[str]:
    """One line per TMS or ECT course with its sessions, dates, state and the PHQ-9 before and
    after (review 6 finding 7: the evidence a payer asks of an ECT failure; review s25 RT
    finding 8: a TMS course the same, so the packet says what the cards say of it); sessions
    that cannot be placed in a course (undated, or dated after as-of) on a line of their own,
    never dropped."""
    lines = []
    for course in tms_course.courses(record, policy, kind):
        lines.append(
            f"{name}: {course.sessions_text()}, {span_text(course.start, course.end)}"
            f"{_state(course, policy, name)}; {_course_scores(course, policy)}"
        )
    rest = [p for p in done if p.date is None or p.date > record.as_of]
    if rest:
        undated = sum(1 for p in rest if p.date is None)
        later = len(rest) - undated
        what = [f"{undated} undated"] if undated else []
        what += [f"{later} dated after {day_text(record.as_of)}"] if later else []
        lines.append(f"{name}: {plural(len(rest), 'session')} not in a course ({', '.join(what)})")
    return lines


def neuromodulation_section(record: PatientRecord, policy: Policy) -> str:
    """Earlier TMS and ECT: a payer asks about a prior TMS course (retreatment) and ECT (an
    ECT course with its PHQ-9 before and after). `policy`: the clinic's (its course grouping
    and PHQ-9 windows, as the cards use them)."""
    lines: list[str] = []
    for kind, name in _NEUROMODULATION_KINDS:
        done = [p for p in record.procedures if p.kind is kind]
        # An earlier TMS course a Condition states (fix tms59): never "none on record" beside it.
        stated = tms_stated.stated_courses(record) if kind is ProcedureKind.TMS else []
        if done:
            lines += _course_lines(record, policy, kind, name, done)
        elif not stated:
            lines.append(_absence(record, name))
        lines += [f"{name}: earlier course on record: {s}" for s in stated]
        lines += _referral_lines(record, kind, name)  # a StrEnum: equal to its value
    return f"{_NEUROMODULATION}{bullets(lines, cls='lines')}</section>"
