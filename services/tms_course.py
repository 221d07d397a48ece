"""TMS courses on record (issue 12): what a course is, whether it runs, and how it went.

A course is the TMS sessions on record (Procedures, CPT 90867-90869: ProcedureKind.TMS) no more
than policy.tms_course_gap_days apart; one with a session in the last
policy.tms_session_recent_days is running. Its response is measured as the pathway measures a
trial: the latest PHQ-9 total up to policy.mapping.baseline_days_before before its first session
is the baseline; the outcome is read from its first session to policy.tms_outcome_days_after_end
after its last (an ECT course: policy.mapping.on_treatment_days_after_end), the best score there
when it is a response or remission, else the latest (fhir_mapping/device_course_outcome.py,
review s24 RC finding 3); response = a drop of at least 50 % (CANMAT 2023 para 180; the
retreatment criterion of LCD L37086 uses the same 50 %: data/payer_criteria/l37086.toml), remission
= below policy.remission_below (CMS159).

What follows from a course:
- while it runs, the tms-course card (rules/tms_course.py) reminds of the scale and checks the
  response from week policy.tms_response_check_weeks;
- an earlier course that did not bring a response rules out a TMS referral on this pathway:
  L37086 permits retreatment only for patients who responded (> 50 % improvement) and relapsed,
  and a non-responder is unlikely to respond again (pathway.py names it as a TMS blocker);
- an earlier course with a response, or one whose response is not on record, is named on the TMS
  card (the payer's own retreatment criterion, where its rule set has one, says the rest);
- a course that ended with fewer sessions than policy.tms_min_course_sessions and brought no
  response is no adequate course (review s24 RA finding 3: two sessions, then "No response: no
  new referral" hid a referral at PHQ-9 18): it bars nothing and is named "stopped after N
  sessions, not an adequate course" (`TmsCourse.short`, the rule
  fhir_mapping/device_course_scores.py applies to a drug's scoring window). One that responded is
  a response whatever its length (review s24 RC finding 4: 19 sessions, PHQ-9 16 -> 7, was
  dropped and the drop credited to the drug): it cuts the drug's window and counts for a
  retreatment.
A referral marked completed with no sessions on record is an earlier course whose sessions are
not in the chart: it is never ignored either (the payer criterion says "not on record").

This module imports nothing from pathway.py (pathway.py imports it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from fhir_mapping.course_ranges import itemised
from fhir_mapping.device_course_outcome import course_scores
from fhir_mapping.device_course_scores import most_daily_sessions, short
from fhir_mapping.percent import pct
from fhir_mapping.record import RESPONSE_FRACTION, PatientRecord, ProcedureKind, Score, SourceRef
from services import open_course
from services.card_format import plural
from services.last_answer import kept
from services.policy import Policy

# >= 50 % PHQ-9 drop: response (CANMAT 2023 para 180; L37086 retreatment), the trials' definition.
RESPONSE_DROP = 1 - RESPONSE_FRACTION


@dataclass(frozen=True, slots=True)
class TmsCourse:
    start: date
    end: date  # the latest session
    sessions: int  # Procedures on record: a session each, or a course documented as one
    running: bool
    baseline: Score | None  # latest PHQ-9 total before the first session (within the window)
    latest: Score | None  # latest PHQ-9 total from the first session on
    sources: tuple[SourceRef, ...] = ()
    # False when a Procedure of the course covers a period (a course documented as one): the
    # number of sessions is then not on record, and the cards do not count them.
    sessions_counted: bool = True
    # The latest PHQ-9 total after the outcome window (on_treatment_days_after_end, `after_days`)
    # up to as-of, when none fell within it: "none since" would hide it (review 10 finding 12:
    # a PHQ-9 21 twelve weeks after an ECT course is what judges its non-response).
    later: Score | None = None
    after_days: int = 0
    # A Procedure of the course is in progress over a period open on as-of
    # (ProcedureRecord.ongoing): `end` is then as-of, no session on record that day, and the
    # cards say "in progress", never "latest"/"last session" today (fix ectdate30).
    ongoing: bool = False
    # A Procedure of the course over a period says it was given as planned
    # (ProcedureRecord.completed: `completed`, or stopped at remission): its days do not make it
    # "stopped short"; fewer days than a course's sessions is a length to confirm (an
    # accelerated protocol gives several a day: recheck K18 s29 finding 3).
    completed: bool = False
    # A Procedure of the course over a period is `completed` (ProcedureRecord.recorded_completed):
    # it ended as recorded, so the cards say "completed after", never "stopped" (s30 course31 4).
    recorded_completed: bool = False
    # Running only by a Procedure in progress over an open period started longer ago than the
    # policy limit (services/open_course.py): no card waits on it; "confirm it is still running".
    unconfirmed: bool = False

    def weeks_open_text(self) -> str:
        """ "in progress for 99 weeks (record open since 2025-01-06): confirm ..." (`unconfirmed`)."""
        weeks = (self.end - self.start).days // 7
        return (
            f"in progress for {weeks} weeks (record open since {self.start.isoformat()}): "
            "confirm it is still running"
        )

    def after_window(self) -> str:
        """ "none since", or "none within 30 days after it" when a later score is on record (the
        ECT and esketamine lines name it: services/pathway_options.py; a TMS retreatment is
        judged on the course's own response, not on a score months on)."""
        if self.later is None:
            return "none since"
        return f"none within {plural(self.after_days, 'day')} after it"

    def sessions_text(self) -> str:
        """ "12 sessions" / "1 session", or "sessions not counted" for a course documented as a
        period."""
        if not self.sessions_counted:
            return "sessions not counted (documented as a period)"
        return "1 session" if self.sessions == 1 else f"{self.sessions} sessions"

    def ran_text(self, brief: bool = False) -> str:
        """ "2 sessions", or "12 days (documented as a period, sessions not counted)" ("12 days"
        `brief`, for a summary): what a course that stopped short ran for."""
        if self.sessions_counted:
            return self.sessions_text()
        days = plural(most_daily_sessions(self.start, self.end), "day")
        return days if brief else f"{days} (documented as a period, sessions not counted)"

    def short(self, policy: Policy) -> bool:
        """Ended with fewer sessions than policy.tms_min_course_sessions and brought no
        response: no adequate course. One that responded is a response, whatever its length
        (review s24 RC finding 4). A course documented as a period is judged by the most
        sessions it could hold, one a day (review s29 RK finding 2: `most_daily_sessions`)."""
        counted: int | None = (
            self.sessions if self.sessions_counted else most_daily_sessions(self.start, self.end)
        )
        if not self.sessions_counted and self.completed:
            counted = None  # given as planned: its length is to confirm (`length_note`)
        return short(
            "TMS", counted, self.running, policy.tms_min_course_sessions, self.response is True
        )

    def length_note(self, policy: Policy) -> str:
        """ ", 5 days on record: course length to confirm (fewer than 20 daily sessions; an
        accelerated protocol gives several a day)" for a course given as planned over a period
        shorter than a course's sessions at one a day; "" otherwise. The FDA-cleared SAINT
        protocol gives 10 sessions a day for 5 days (Clinical TMS Society statement on SAINT:
        cleared 2022-09-06; read via the search tool)."""
        if self.sessions_counted or not self.completed:
            return ""
        days = most_daily_sessions(self.start, self.end)
        if days >= policy.tms_min_course_sessions:
            return ""
        return (
            f", {plural(days, 'day')} on record: course length to confirm (fewer than "
            f"{policy.tms_min_course_sessions} daily sessions; an accelerated protocol gives "
            "several a day)"
        )

    def ended(self) -> str:
        return "completed" if self.recorded_completed else "stopped"

    def short_text(self, policy: Policy) -> str:
        """ "stopped after 2 sessions, not an adequate course (fewer than 20)"; "completed after
        12 days (fewer than 20 daily sessions; documented as a period, ...), not an adequate
        course" for a `completed` record (`recorded_completed`)."""
        unit = "" if self.sessions_counted else " daily sessions"
        fewer = f"fewer than {policy.tms_min_course_sessions}{unit}"
        if self.recorded_completed:
            ran = self.ran_text(brief=True)
            how = "" if self.sessions_counted else "; documented as a period, sessions not counted"
            return f"completed after {ran} ({fewer}{how}), not an adequate course"
        return f"stopped after {self.ran_text()}, not an adequate course ({fewer})"

    @property
    def change(self) -> float | None:
        """Fractional PHQ-9 drop from baseline to the latest score (0.5 = 50 % better)."""
        b, a = self.baseline, self.latest
        if b is None or a is None or b.value is None or a.value is None or not b.value:
            return None
        return (b.value - a.value) / b.value

    @property
    def response(self) -> bool | None:
        change = self.change
        return None if change is None else change >= RESPONSE_DROP

    def weeks(self, as_of: date) -> float:
        """Weeks since the first session (to as-of while it runs, to the last session after)."""
        last = as_of if self.running else self.end
        return (last - self.start).days / 7

    def months(self) -> str:
        """ "2025-08..10" (or "2025-12..2026-01", or "2025-08" within one month)."""
        start, end = f"{self.start:%Y-%m}", f"{self.end:%Y-%m}"
        if start == end:
            return start
        return f"{start}..{end[-2:] if start[:4] == end[:4] else end}"

    def dates(self) -> str:
        end = "ongoing" if self.running else self.end.isoformat()
        return f"{self.start.isoformat()} - {end}"

    def percent(self, *against: float) -> str:
        """ "58 %": the change shown on its own side of the response line (and of `against`, a
        payer's min_improvement): "49.6 %", never "50 %" for a course short of it (s25 FN item
        2, fhir_mapping/percent.py)."""
        change = self.change or 0.0
        return pct(abs(change), RESPONSE_DROP, *against) if change >= 0 else pct(-change)

    def outcome(self, *against: float) -> str:
        """ "PHQ-9 19 (2025-01-06) -> 8 (2025-02-17), 58 % better" or what is missing;
        `against`: the thresholds the caller compares it with besides the response line."""
        b, a = self.baseline, self.latest
        if b is None or b.value is None:
            return "no PHQ-9 before the course on record"
        if a is None or a.value is None:
            return f"PHQ-9 {b.value} ({b.date.isoformat()}) before it; {self.after_window()}"
        change = self.change or 0.0
        word = "better" if change >= 0 else "worse"
        return (
            f"PHQ-9 {b.value} ({b.date.isoformat()}) -> {a.value} ({a.date.isoformat()}), "
            f"{self.percent(*against)} {word}"
        )


# A session or a course documented as one Procedure: (first day, last day, its resource).
_Sessions = tuple[date, date, SourceRef | None]


def _groups(days: list[_Sessions], gap: int) -> list[list[_Sessions]]:
    """Sessions grouped into courses: a new course after more than `gap` days without one (a
    course documented as one Procedure covers its whole period)."""
    groups: list[list[_Sessions]] = []
    last = date.min
    for item in sorted(days, key=lambda d: d[0]):
        if groups and (item[0] - last).days <= gap:
            groups[-1].append(item)
            last = max(last, item[1])
        else:
            groups.append([item])
            last = item[1]
    return groups


@kept  # several cards of one evaluation ask: services/last_answer.py
def courses(
    record: PatientRecord, policy: Policy, kind: ProcedureKind = ProcedureKind.TMS
) -> tuple[TmsCourse, ...]:
    """The TMS courses on record (`kind` ECT: the ECT courses, grouped and measured the same
    way), oldest first. Undated sessions cannot be placed in a course and are left to the payer
    criterion and the timeline, which list them."""
    listed = itemised(record.procedures)  # a period holding sessions is them (course_ranges)
    sessions = [
        (p.date, min(p.performed_end or p.date, record.as_of), p.source)
        for p in listed
        if p.kind is kind and p.date is not None and p.date <= record.as_of
    ]
    stale = [p for p in listed if open_course.too_long(p, record.as_of, policy)]
    if not sessions:
        return ()
    mapping = policy.mapping
    scores = [s for s in record.phq9() if s.value is not None]
    # A TMS course's outcome window is the clinic's (policy.tms_outcome_days_after_end: TMS keeps
    # acting after its last session); an ECT course's is a drug's.
    after_days = (
        policy.tms_outcome_days_after_end
        if kind is ProcedureKind.TMS
        else mapping.on_treatment_days_after_end
    )
    found = []
    for group in _groups(sessions, policy.tms_course_gap_days):
        start, end = group[0][0], max(item[1] for item in group)
        running = (record.as_of - end).days <= policy.tms_session_recent_days
        horizon = record.as_of if running else end + timedelta(days=after_days)
        measured = course_scores(
            scores,
            start,
            end,
            running,
            horizon,
            mapping.baseline_days_before,
            policy.remission_below,
        )
        latest = measured.outcome
        found.append(
            TmsCourse(
                start=start,
                end=end,
                sessions=len(group),
                sessions_counted=all(first == last for first, last, _ in group),
                running=running,
                baseline=measured.baseline,
                latest=latest,
                sources=tuple(s for _, _, s in group if s is not None),
                later=later_score(
                    scores, later_from(measured.after, latest, end, horizon), record.as_of
                ),
                after_days=after_days,
                completed=any(
                    p.kind is kind
                    and p.completed
                    and p.performed_end is not None
                    and p.date is not None
                    and start <= p.date <= end
                    for p in record.procedures
                ),
                recorded_completed=any(
                    p.kind is kind
                    and p.recorded_completed
                    and p.date is not None
                    and start <= p.date <= end
                    for p in record.procedures
                ),
                unconfirmed=running
                and any(
                    p.kind is kind and p.date is not None and start <= p.date <= end for p in stale
                )
                and not open_course.session_recent(group, record.as_of, policy),
                ongoing=running
                and any(
                    p.kind is kind and p.ongoing and p.date is not None and start <= p.date <= end
                    for p in record.procedures
                ),
            )
        )
    return tuple(found)


def scored_after(scores: Sequence[Score], last: date, as_of: date) -> bool:
    """A valued PHQ-9 after a course's last session (strictly: one on that session's day is
    "during it", as the ECT line says, usually the session's own pre-treatment rating), up to
    as-of. The ECT outcome hold's rule (open_referrals.ect_outcome_pending; review s25 RK3
    finding 3), the same as the ECT line's "during it" (a score on or before the last session:
    ect_course_lines._ect_scores)."""
    return any(s.value is not None and last < s.date <= as_of for s in scores)


def later_from(after: list[Score], latest: Score | None, end: date, horizon: date) -> date:
    """Where the scores after a course's outcome start: the end of its outcome window, or its
    last session when `outcome_score` kept an improvement during the course over a score taken
    after it stopped (that score is then the relapse the cards name, never hidden)."""
    if latest is not None and after and latest is not after[-1]:
        return end
    return horizon


def later_score(scores: list[Score], horizon: date, as_of: date) -> Score | None:
    """The latest valued score (`scores`: oldest first) after `horizon`, up to as-of."""
    later = [s for s in scores if horizon < s.date <= as_of]
    return later[-1] if later else None


def ect_courses(record: PatientRecord, policy: Policy) -> tuple[TmsCourse, ...]:
    """The ECT courses on record (CPT 90870: ProcedureKind.ECT), oldest first: sessions 2-3 a
    week, so the TMS grouping (policy.tms_course_gap_days) and the same PHQ-9 windows apply
    (review 6 finding 7: a course in this episode is not offered again as untried)."""
    return courses(record, policy, ProcedureKind.ECT)


def running_course(record: PatientRecord, policy: Policy) -> TmsCourse | None:
    found = courses(record, policy)
    live = found and found[-1].running and not found[-1].unconfirmed
    return found[-1] if live else None


def earlier_courses(record: PatientRecord, policy: Policy) -> tuple[TmsCourse, ...]:
    """Courses that have ended, oldest first."""
    return tuple(c for c in courses(record, policy) if not c.running)


def failed_course(record: PatientRecord, policy: Policy) -> TmsCourse | None:
    """The latest ended course when it is measured, an adequate course (`TmsCourse.short`), and
    brought no response: no retreatment on this pathway (L37086: retreatment only for patients
    who responded and relapsed)."""
    ended = earlier_courses(record, policy)
    if not ended:
        return None
    last = ended[-1]
    return last if last.response is False and not last.short(policy) else None


def stopped_short(record: PatientRecord, policy: Policy) -> TmsCourse | None:
    """The latest ended course when it stopped short of an adequate course (`TmsCourse.short`):
    it bars no referral, but why it stopped is not on record (a seizure? intolerance?), so the
    referral is offered, not marked recommended (rules/tms_referral.py)."""
    ended = earlier_courses(record, policy)
    return ended[-1] if ended and ended[-1].short(policy) else None


def blocker(record: PatientRecord, policy: Policy) -> str | None:
    """Why a TMS referral is not suggested after an earlier course, or None."""
    course = failed_course(record, policy)
    if course is None:
        return None
    return (
        f"an earlier TMS course ({course.dates()}, {course.sessions_text()}) brought no "
        f"response ({course.outcome()}): LCD L37086 permits retreatment only after a response "
        "(> 50 % improvement) and relapse"
    )
