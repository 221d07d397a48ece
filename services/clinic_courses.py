"""Whether a drug given in clinic as sessions is running: one rule, for every card that says so.

Esketamine (SPRAVATO) is given only under its REMS, self-administered under supervision in a
certified clinic, so its sessions (the MAR's doses, HCPCS G2082/G2083: ProcedureKind.ESKETAMINE)
are the record of it being taken; an order or fill says little (no pharmacy fill reaches the
patient, and a clinic order can stay active for months after the last session). Audit 19 finding
3: the optimise card called a course ended a week after its last session (the TMS window,
policy.tms_session_recent_days) while the blood-pressure card, on its own 28-day window, asked
to "review the dose"; with an active order left open and no session for weeks, the one called
it running and the other ended. Both now read `course` here.

The rule (`course(...).running`):
- a session within policy.esketamine_session_recent_days (28; the day itself counts) runs;
- else an order or statement of the drug still active (a Trial running and not on hold, or an
  active resource without a readable date) runs, unless its own sessions show it stopped: a
  session on record on or after its start, none within the window, and the MAR and the
  Procedures read in full. An order whose sessions are not on record (not yet begun, charted
  elsewhere) or could not all be read is taken at its word: the safer reading for the cautions
  that apply while a drug runs;
- else it does not run.

`settled(record, policy)` applies the rule to the record itself, once, as it is evaluated
(services/evaluation.py): an open order the rule reads as ended becomes a course that ended on its
last session (Trial.sessions_ended). Review s19 item M1: every other card that asks whether a drug
runs read `Trial.ongoing` (the interaction and running-caution checks, the optimise card's "too
early to judge" hold, the TMS card, the packet, the timeline), so an order left open five weeks
after the last session still read as running there while the blood-pressure card called the
course ended. Ended on the record, the course is a past adjunct of the episode like any other:
never a failed antidepressant trial (esketamine has no mg/day range, its verdict is INADEQUATE:
dose unknown), named as used and "not offered again as untried" on the optimise card.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

from fhir_mapping.adequacy import judge
from fhir_mapping.drug_table import drug_info
from fhir_mapping.record import (
    DataDomain,
    PatientRecord,
    ProcedureKind,
    ProcedureRecord,
    SourceRef,
    Trial,
    Verdict,
)
from fhir_mapping.taper_weeks import course_cut
from services.card_format import plural
from services.policy import Policy

# A drug given as clinic sessions, with the kind its sessions are read as
# (fhir_mapping/administrations.py: the MAR's doses; HCPCS G2082/G2083).
_SESSION_KINDS = {"esketamine": ProcedureKind.ESKETAMINE}
INGREDIENTS = tuple(_SESSION_KINDS)
# The resources a session is read from (a course of these alone is no order).
_SESSION_RECORDS = frozenset({"MedicationAdministration", "Procedure"})


@dataclass(frozen=True, slots=True)
class ClinicCourse:
    """A drug given in clinic: its latest run of sessions, any order still open, and whether
    it runs (the module's rule)."""

    ingredient: str
    running: bool
    last: ProcedureRecord | None  # the latest session up to as-of; None when none is on record
    first: date | None  # the first session of the run that reaches `last`
    sessions: int  # session days in that run (a MAR dose and its HCPCS code are one session)
    # An order or statement of it still active (dated or not), and its resource, named on a
    # card when the sessions show the course stopped (an order left open).
    open_order: bool
    order_source: SourceRef | None

    @property
    def last_day(self) -> date | None:
        return None if self.last is None else self.last.date

    def text(self) -> str:
        """ "esketamine given in clinic: 8 sessions since 2025-05-05, the last on 2025-05-29";
        for a course that does not run, "...: 8 sessions from 2025-05-05 to 2025-05-29". The last
        session by its day, never its resource id (session 21). "" with no session on record."""
        if self.last is None or self.last.date is None or self.first is None:
            return ""
        count = plural(self.sessions, "session")
        last = self.last.date.isoformat()
        if self.running:
            return (
                f"{self.ingredient} given in clinic: {count} since {self.first.isoformat()}, "
                f"the last on {last}"
            )
        return f"{self.ingredient} given in clinic: {count} from {self.first.isoformat()} to {last}"


def _sessions(record: PatientRecord, kind: ProcedureKind) -> list[ProcedureRecord]:
    """Dated sessions up to as-of, oldest first."""
    return sorted(
        (p for p in record.procedures if p.kind is kind and p.date is not None),
        key=lambda p: p.date or date.min,
    )


def _open_order(record: PatientRecord, ingredient: str) -> Trial | None:
    """The latest course of the drug an active order or statement keeps running (not on hold,
    as services/rules/running_caution_pairs.running reads it), or that `settled` ended at its
    last session with its order still open."""
    open_ = [
        t
        for t in record.trials
        if t.ingredient == ingredient
        and ((t.ongoing and t.on_hold is None) or t.sessions_ended is not None)
        # A course read from the sessions alone (fhir_mapping/session_courses.py) has no order
        # to leave open: the sessions decide it, never "an order left open".
        and any(s.resource_type not in _SESSION_RECORDS for s in t.sources)
    ]
    return max(open_, key=lambda t: (t.end, t.start)) if open_ else None


def _all_read(record: PatientRecord) -> bool:
    """The MAR and the Procedures read in full: an absence of sessions in them is proven."""
    return not record.incomplete(DataDomain.SESSIONS) and not record.incomplete(
        DataDomain.PROCEDURES
    )


def course(record: PatientRecord, policy: Policy, ingredient: str) -> ClinicCourse | None:
    """The drug's course as given in clinic, or None when it is not a clinic drug or neither a
    session nor an open order of it is on record."""
    kind = _SESSION_KINDS.get(ingredient)
    if kind is None:
        return None
    window = policy.esketamine_session_recent_days
    dated = [p for p in _sessions(record, kind) if p.date is not None and p.date <= record.as_of]
    order = _open_order(record, ingredient)
    undated = [g for g in record.gaps if ingredient in g.taken_now]
    if not dated and order is None and not undated:
        return None
    last = dated[-1] if dated else None
    first, count = _run(dated, window)
    recent = (
        last is not None and last.date is not None and (record.as_of - last.date).days <= window
    )
    open_order = order is not None or bool(undated)
    ended = None if open_order else _ended_by_order(record, ingredient, first, last, window)
    running = (recent and ended is None) or (open_order and not _stopped(record, order, last))
    if order is not None:
        source = order.sources[-1] if order.sources else None
    else:
        source = undated[0].source if undated else None
    return ClinicCourse(ingredient, running, last, first, count, open_order, source)


def _run(dated: list[ProcedureRecord], gap_days: int) -> tuple[date | None, int]:
    """The first day and the session days of the run counted back from the latest session,
    which stops at a gap between sessions longer than `gap_days`."""
    days = sorted({p.date for p in dated if p.date is not None}, reverse=True)
    first = days[0] if days else None
    count = 0
    for day in days:
        if first is None or (first - day).days > gap_days:
            break
        first, count = day, count + 1
    return first, count


def course_run(record: PatientRecord, found: ClinicCourse, gap_days: int) -> ClinicCourse:
    """The course with its first session and count taken over every gap up to `gap_days`
    between sessions (a lapse in maintenance, not a new course: services/data/course_judging.csv
    restart_gap_days, fix tms49), instead of the running rule's window."""
    kind = _SESSION_KINDS[found.ingredient]
    dated = [p for p in _sessions(record, kind) if p.date is not None and p.date <= record.as_of]
    first, count = _run(dated, gap_days)
    return found if first is None else dataclasses.replace(found, first=first, sessions=count)


def _ended_by_order(
    record: PatientRecord,
    ingredient: str,
    first: date | None,
    last: ProcedureRecord | None,
    window: int,
) -> Trial | None:
    """The drug's latest order or statement, ended by its own record (`stopped`, `completed`, a
    stated end passed: the mapping's rules 2a/2g), when the run of sessions is the one it ordered
    (begun within the window of its start) and no session is after its end: the course ended
    with it, though its last session is recent (fix tms49, review K56a finding 3: a Spravato
    order `stopped` for dissociation after 2 sessions still read "running" and held the TMS
    one-click for 28 days). An order entered-in-error is no order (never read): the sessions
    alone decide. A session after the end, or a run begun long after the order (a new order
    not sent), is taken at its word: the drug runs, the safer reading for its cautions."""
    orders = [
        t
        for t in record.trials
        if t.ingredient == ingredient
        and any(s.resource_type not in _SESSION_RECORDS for s in t.sources)
    ]
    latest = max(orders, key=lambda t: (t.start, t.end)) if orders else None
    if latest is None or latest.ongoing or latest.sessions_ended is not None:
        return None
    if last is None or last.date is None or first is None or last.date > latest.end:
        return None
    return latest if (first - latest.start).days <= window else None


def sessions_in(record: PatientRecord, trial: Trial) -> int | None:
    """The session days on record within the course's dates (one a day, as the optimise card
    counts them: drug_course_lines.py), for the packet's and the card's weeks cell of a drug
    given as sessions (review s20 item 3); None for a drug with no session code (a long-acting
    injectable, IV ketamine) or sessions that could not all be read (not a count of none)."""
    kind = _SESSION_KINDS.get(trial.ingredient)
    if kind is None or not _all_read(record):
        return None
    end = min(trial.end, record.as_of)
    return len({p.date for p in _sessions(record, kind) if p.date and trial.start <= p.date <= end})


def _stopped(record: PatientRecord, order: Trial | None, last: ProcedureRecord | None) -> bool:
    """An open order whose own sessions show it stopped (none within the window, the caller's
    test): a session on record since its start (any, for an order without a readable date), and
    the sessions read in full."""
    if last is None or last.date is None or not _all_read(record):
        return False
    return order is None or last.date >= order.start


def courses(record: PatientRecord, policy: Policy) -> list[ClinicCourse]:
    """Every clinic drug with a session or an open order on record, in table order."""
    found = (course(record, policy, ingredient) for ingredient in INGREDIENTS)
    return [c for c in found if c is not None]


def settled(record: PatientRecord, policy: Policy) -> PatientRecord:
    """The record with every open order of a clinic drug that `course` reads as ended closed at
    the course's last session, so that every card reading `Trial.ongoing` agrees with the rule.
    The record itself when there is none (nearly every chart)."""
    ended: dict[int, Trial] = {}
    for ingredient in INGREDIENTS:
        if not any(t.ingredient == ingredient and t.ongoing for t in record.trials):
            continue
        found = course(record, policy, ingredient)
        last = None if found is None or found.running else found.last_day
        if last is None:
            continue
        for t in record.trials:
            # An order begun after the last session is one whose sessions are not on record
            # (the rule takes it at its word): `course` would read it as running.
            if t.ingredient == ingredient and t.ongoing and t.on_hold is None and t.start <= last:
                ended[id(t)] = _ended(t, last, policy)
    if not ended:
        return record
    trials = tuple(ended.get(id(t), t) for t in record.trials)
    return dataclasses.replace(record, trials=trials)


def _ended(trial: Trial, last: date, policy: Policy) -> Trial:
    """The course as the record would give it had its order ended on `last`: its dose segments
    cut there, and a running course's verdict that of an ended one, from the one judge
    (fhir_mapping/adequacy.judge, session 21 F3 item 2: this was a hand copy that differed for
    intolerant and gapped courses). A verdict the mapping gave for another reason (not a trial:
    never shown taken, another indication) stays."""
    segments = (
        tuple(
            dataclasses.replace(s, end=min(s.end, last)) for s in trial.segments if s.start <= last
        )
        or trial.segments[:1]
    )
    verdict, reasons = trial.verdict, trial.reasons
    weeks, notes, cut = trial.weeks_at_adequate_dose, trial.notes, trial.taper_cut
    if verdict is Verdict.ONGOING:
        # Judged as ended on `last`, with the taper cut of an ended course (kept for the timeline).
        cut = course_cut(
            segments,
            trial.min_adequate_mg,
            trial.taper_spans,
            False,
            None,
            policy.mapping.cross_taper_weeks,
        )
        verdict, reasons, weeks, judged = judge(
            segments,
            trial.min_adequate_mg,
            drug_info(trial.ingredient, trial.role),
            trial.adherence,
            False,
            trial.ingredient,
            policy.mapping,
            intolerant=trial.intolerance is not None,
            as_needed=all(s.as_needed for s in segments),
            cuts=cut,
        )
        notes = tuple(dict.fromkeys((*notes, *judged)))
    return dataclasses.replace(
        trial,
        end=last,
        ongoing=False,
        segments=segments,
        verdict=verdict,
        reasons=reasons,
        weeks_at_adequate_dose=weeks,
        notes=notes,
        taper_cut=cut,
        stops_on=None,
        ends_soon=None,
        sessions_ended=last,
    )
