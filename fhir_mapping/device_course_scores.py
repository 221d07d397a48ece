"""A TMS or ECT course that started while a drug was taken ends the drug's scoring window at its
first session (review s24 RJ finding 1): `device_cut_off`, beside next_course_scores._cut_off,
which ends it where the next antidepressant began.

Journey A of the review: venlafaxine 225 mg for 7 weeks, PHQ-9 18 -> 16 (failed), then a TMS
course beside it, PHQ-9 16 -> 10 -> 8. The later scores, read as venlafaxine's outcome, turned the
failure into "1 partial response (venlafaxine, 44 %)" and "venlafaxine responding" while TMS ran,
next to the TMS-course card claiming the same drop, and back to "2 failed" months later: the
verdict flipped visit to visit and the cards contradicted each other. A drop during a course
cannot be told apart from the course's own effect, so the drug is judged on the scores taken
before it: the PHQ-9 of the first session's day is still the drug's (taken before the first
session, it is the score the referral was decided on, and the course's own baseline:
services/tms_course.py). The safer reading too: crediting the device's response to the drug
hides a failed trial and moves the pathway back (an adjunct to a "partially responding" drug
instead of counting it toward treatment resistance).

Sessions are grouped into courses as services/tms_course.py groups them: a new course after more
than the clinic's TMS course gap without a session (policy.tms_course_gap_days, passed down by
services/evaluation.py; `DEFAULT_COURSE_GAP_DAYS` is that policy's default for a caller of the
mapping alone). ECT courses are grouped the same way (services/ect_phases.py). Only a course
that starts on or after the drug's start and before its window would close (its end, plus the
days after the end a score may still be its outcome) cuts it.

A drug started DURING a course's acute run (session 12 of a daily TMS course, or between the
sessions of an acute ECT course) is cut too (s25 FB item 1): escitalopram ordered at TMS session
12 was judged "14 -> 7, adequate: response" on the PHQ-9s that fell as the course ended,
crediting TMS's response to the drug. Its window starts inside the course, so no score during
the course or its outcome window is its own: it is read as a drug with no score before the
course (`read_through`, below), and the note says the change cannot be attributed to it
(`with_device_note`). One rule (`device_cut_off`) for a course begun beside a drug and a drug
begun during a course. A drug started after the acute run, among sessions a week or more apart
(maintenance ECT every few weeks; CourseRule.acute_gap_days, from services/data/ect_schedule.csv),
is judged by its own windows, as before: those sessions are a relapse-prevention schedule, and
its start no course's response.

A drug started AFTER the acute run's last session but within the course's own outcome window
(`DeviceCourse.after_effect`: its last session plus policy tms_outcome_days_after_end for TMS,
the drug's on_treatment_days_after_end for ECT) is cut the same way (s25 FN item 3): escitalopram
started 7 days after a TMS course's last session, PHQ-9 10 -> 5 in the weeks the course's outcome
is read, was "responding" on TMS's response. The course gap (30 days, which only says whether a
later session belongs to the course) is not how long the course's effect lasts; its outcome
window is, and the safer reading does not credit the course's effect to a drug. A course with
spaced maintenance sessions after its acute run keeps the rule above (the drug's own windows).

A drug with no score of its own before the course (the course began before its week 4), or only
one from before it became adequate, would be left unjudged for ever, the cards asking for a PHQ-9
no score could answer. It is judged on the later score when that was taken after the course's own
outcome window (the drug taken alone again) or shows it did not help even with the course beside
it (no remission, no drop into the partial band at any score since: what failed with the course
failed alone); any other drop stays the course's, and the drug unmeasured (`read_through`).

A TMS course that ended with fewer sessions than the clinic's minimum (policy
tms_min_course_sessions, `CourseRule.min_sessions`) cuts nothing (review s24 RA finding 2): two
sessions, then venlafaxine alone with PHQ-9 16 -> 12 -> 7, judged the drug failed on the 16 and
offered adjuncts at 7. Stopped that early, the course is no treatment the later drop could be
credited to (TMS acts over weeks of daily sessions), so the drug's own windows judge it. The
same rule keeps such a course from barring a TMS referral (services/tms_course.py: `short`).
A course still running (a session in the last `recent_days`) is not short yet: it is given as a
course, and cutting only once it reached the minimum would flip the drug's verdict mid-course.
ECT courses are not judged short: ECT acts within a few sessions, so even a short course may
be what a later drop shows. Nor is a TMS course that responded, whatever its length (review s24
RC finding 4: 19 sessions, PHQ-9 16 -> 7, was dropped as short and the drop credited to
venlafaxine, "18 -> 7, adequate: response", the documented TMS response lost): a response is
what a course is given for, and it is the course's, so it cuts the drug's window
(device_course_outcome.responded, with the course's own outcome window).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from fhir_mapping.clinical_records import ProcedureKind, ProcedureRecord
from fhir_mapping.course_ranges import itemised, planned_spans
from fhir_mapping.device_course_outcome import course_scores, responded
from fhir_mapping.next_course_scores import _cut_off
from fhir_mapping.partial_response import partial_from
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import Score, Trial

# services.policy.TmsPolicy.tms_course_gap_days's default (tests/fhir_mapping pins them equal).
DEFAULT_COURSE_GAP_DAYS = 30


@dataclass(frozen=True, slots=True)
class CourseRule:
    """How TMS and ECT sessions read as courses, from the clinic's policy (services.policy
    TmsPolicy tms_course_gap_days, tms_min_course_sessions, tms_session_recent_days, passed down
    by services/evaluation.py); the defaults are that policy's (tests pin them equal)."""

    gap_days: int = DEFAULT_COURSE_GAP_DAYS
    min_sessions: int = 20
    recent_days: int = 7
    # TmsPolicy tms_outcome_days_after_end: a TMS course's own outcome window after its last
    # session (fhir_mapping/device_course_outcome.py); an ECT course's is a drug's.
    outcome_days: int = 42
    # Sessions this many days apart or more are no longer a course's acute run (services
    # ect_phases.schedule().min_gap_days, data/ect_schedule.csv; tests pin them equal): a drug
    # started after the acute run, among maintenance sessions, is not cut (module docstring).
    acute_gap_days: int = 7


DEFAULT_RULE = CourseRule()


def short(
    name: str, sessions: int | None, running: bool, min_sessions: int, responded: bool = False
) -> bool:
    """A TMS course that ended with fewer than `min_sessions` sessions and brought no response:
    no adequate course (it neither cuts a drug's scoring window nor bars a referral). `sessions`
    None: not judged short (a period: by `most_daily_sessions`); nor is a running one, nor an
    ECT course, nor one that `responded` (module docstring)."""
    return (
        name == "TMS"
        and sessions is not None
        and not running
        and sessions < min_sessions
        and not responded
    )


def most_daily_sessions(first: date, last: date) -> int:
    """The most sessions a course documented as a period holds at one a day (TMS is daily:
    README `tms_min_course_sessions`). Review s29 RK finding 2: one stopped after 12 days read
    as an adequate course, barring a referral. An accelerated protocol gives more a day: this
    errs to "not an adequate course" (referral offered, why it stopped asked), never a bar."""
    return (last - first).days + 1


_DEVICE_KINDS = {ProcedureKind.TMS: "TMS", ProcedureKind.ECT: "ECT"}


class DeviceCourse(NamedTuple):
    """A TMS or ECT course: its first and last sessions, the last day a session would still be
    part of it (its last session plus the course gap), "TMS" | "ECT", and the days after its
    last session its own outcome is read (None: a drug's, MappingPolicy
    on_treatment_days_after_end)."""

    first: date
    last: date
    reach: date
    name: str
    outcome_days: int | None = None
    # The last session of the course's acute run (sessions closer than CourseRule.acute_gap_days)
    # when spaced sessions followed it; None: the run is the whole course.
    acute_last: date | None = None

    def under_way(self, day: date) -> bool:
        """`day` falls after the course's first session and by the last of its acute run: a drug
        started then has no course-free baseline (module docstring, s25 FB item 1)."""
        return self.first < day <= (self.acute_last or self.last)

    def after_effect(self, day: date, policy: MappingPolicy) -> bool:
        """`day` falls after the course's last session and within its own outcome window
        (`window_end`), the acute run being the whole course: a drug started then has no
        course-free baseline either (its first weeks' PHQ-9 still carry the course's effect;
        module docstring, s25 FN item 3)."""
        return self.acute_last is None and self.last < day <= self.window_end(policy)

    def carried(self, day: date, policy: MappingPolicy) -> bool:
        """A drug started on `day` is started during the course or in its after-effect."""
        return self.under_way(day) or self.after_effect(day, policy)

    def window_end(self, policy: MappingPolicy) -> date:
        """The last day a score may be the course's own outcome (services/tms_course.py)."""
        days = (
            policy.on_treatment_days_after_end if self.outcome_days is None else self.outcome_days
        )
        return self.last + timedelta(days=days)


def device_course_starts(
    procedures: Iterable[ProcedureRecord],
    rule: CourseRule | int = DEFAULT_COURSE_GAP_DAYS,
    as_of: date | None = None,
    phq9: Sequence[Score] = (),
    policy: MappingPolicy | None = None,
) -> tuple[DeviceCourse, ...]:
    """Each TMS and ECT course on record that may cut a drug's window, oldest first: a new
    course after more than the rule's gap (or `rule` days) without a session of its kind (a
    course documented as one Procedure over a period runs to its last day). With `as_of`, a
    TMS course that ended short of the rule's minimum sessions by then is left out (`short`),
    unless it responded on `phq9` (PHQ-9 totals, oldest first; measured with `policy`'s
    baseline window as services/tms_course.py measures it): a response is the course's,
    whatever its length (review s24 RC finding 4), so it cuts the drug's window."""
    rule = CourseRule(gap_days=rule) if isinstance(rule, int) else rule
    valued = [s for s in phq9 if s.value is not None]
    found: list[DeviceCourse] = []
    gap = timedelta(days=rule.gap_days)
    for kind, name in _DEVICE_KINDS.items():
        listed = [p for p in itemised(procedures) if p.kind is kind]
        spans = sorted((p.date, p.performed_end or p.date) for p in listed if p.date is not None)
        planned = planned_spans(listed)  # not judged short by their days (course_ranges.py)
        groups: list[list[tuple[date, date]]] = []
        for start, end in spans:
            if groups and (start - max(e for _, e in groups[-1])) <= gap:
                groups[-1].append((start, end))
            else:
                groups.append([(start, end)])
        for group in groups:
            first, last = group[0][0], max(e for _, e in group)
            one_day = all(s == e for s, e in group)  # else a period: the most it could hold
            counted: int | None = len(group) if one_day else most_daily_sessions(first, last)
            counted = None if not one_day and planned.intersection(group) else counted
            running = as_of is None or (as_of - last).days <= rule.recent_days
            days = rule.outcome_days if name == "TMS" else None
            if short(name, counted, running, rule.min_sessions) and not _responded(
                valued, first, last, rule, policy
            ):
                continue
            acute = _acute_last(group, rule.acute_gap_days)
            spaced = acute if acute < last else None  # later sessions spaced out after it
            found.append(DeviceCourse(first, last, last + gap, name, days, spaced))
    return tuple(sorted(found))


def _acute_last(group: Sequence[tuple[date, date]], gap_days: int) -> date:
    """The last day of the run of sessions, from the first, each less than `gap_days` after the
    one before (the acute run; maintenance sessions follow it further apart)."""
    spans = sorted(group)
    last = spans[0][1]
    for start, end in spans[1:]:
        if (start - last).days >= gap_days:
            break
        last = max(last, end)
    return last


def _responded(
    phq9: Sequence[Score], first: date, last: date, rule: CourseRule, policy: MappingPolicy | None
) -> bool:
    """An ended TMS course brought a response on `phq9` (device_course_outcome.responded)."""
    if not phq9 or policy is None:
        return False
    horizon = last + timedelta(days=rule.outcome_days)
    scores = course_scores(
        phq9, first, last, False, horizon, policy.baseline_days_before, policy.remission_below
    )
    return responded(scores)


def device_cut_off(
    trial: Trial, courses: Sequence[DeviceCourse], policy: MappingPolicy
) -> DeviceCourse | None:
    """The course that cuts the trial's scoring window: one whose acute run was under way when
    the trial started (`DeviceCourse.under_way`: no score from its start on is the drug's alone),
    else the first begun on or after the trial's start and before its scoring window closes (its
    first day is the last one a score may be the trial's outcome). None: no such course, or the
    trial was started among a course's later, spaced sessions (maintenance ECT every few weeks:
    its own windows judge it; module docstring)."""
    closes = trial.end + timedelta(days=policy.on_treatment_days_after_end)
    for course in courses:
        if course.carried(trial.start, policy):
            return course
        if course.first < trial.start <= course.reach:
            return None
    for course in courses:
        if trial.start <= course.first <= closes:
            return course
    return None


def cut_off(
    trial: Trial,
    following: Trial | None,
    courses: Sequence[DeviceCourse],
    policy: MappingPolicy,
) -> tuple[date | None, DeviceCourse | None, date | None]:
    """(the last day a score may be the trial's outcome, the TMS/ECT course that sets it or None,
    the next course's cut-off alone): next_course_scores._cut_off, or the first day of a course
    begun beside the drug when that comes first."""
    cut = _cut_off(trial, following, policy)
    device = device_cut_off(trial, courses, policy)
    if device is None or (cut is not None and cut < device.first):
        return cut, None, cut
    return device.first, device, cut


def unhelped(
    later: Score | None, since: Sequence[Score], baseline: Score | None, remission_below: int
) -> Score | None:
    """`later` (the outcome the window would have read but for the course, scored during or
    after it) when it shows the drug did not help even with the course beside it: neither it nor
    any score `since` the course began (up to it) shows remission or a drop into the partial band
    (data/response_bands.csv) from a baseline on record. What did not help with the course did
    not help alone (a course does not make a drug work less). Any drop of the partial band or
    more stays the course's (None): it cannot be told apart."""
    if later is None or baseline is None or not baseline.value:
        return None
    for score in (*since, later):
        if score.value is None or score.value < remission_below:
            return None
        if (baseline.value - score.value) * 100 / baseline.value >= partial_from():
            return None
    return later


def read_through(
    later: Score | None,
    since: Sequence[Score],
    baseline: Score | None,
    course: DeviceCourse,
    policy: MappingPolicy,
    remission_below: int,
) -> Score | None:
    """For a drug with no score of its own before the course (or none since it became
    adequate): `later` when it was taken after the course's own outcome window (its last session
    plus its outcome window, `DeviceCourse.window_end`, as services/tms_course.py reads it), the drug then
    taken alone again, or when it shows no help even with the course (`unhelped`); else None.
    Reading nothing would leave the drug unjudged for ever, the cards asking for a PHQ-9 no
    score could answer (an ECT response, then PHQ-9 18 a month on venlafaxine alone: the
    relapse on the drug is its outcome)."""
    window = course.window_end(policy)
    if later is not None and later.date > window:
        return later
    return unhelped(later, since, baseline, remission_below)


def with_device_note(
    trial: Trial,
    device: DeviceCourse,
    after: Callable[[date, date], Sequence[Score]],
    policy: MappingPolicy,
) -> Trial:
    """The trial with a note (Trial.outcome_note, read by the cards and the timeline) on the
    course: the latest PHQ-9 its window would have read but for the course ("PHQ-9 8 on
    2025-10-06 was taken during or after a TMS course (from 2025-08-25): TMS's outcome, not
    venlafaxine's"), or, for an outcome read through the course (`unhelped`), that it was taken
    with the course beside the drug. `after`: the PHQ-9s dated after a day up to another
    (score_windows.PHQ9ByDate.after). A note already there (the next drug's) is kept."""
    if trial.outcome_note is not None:
        return trial
    day, name = device.first.isoformat(), device.name
    course = f"{'an' if name == 'ECT' else 'a'} {name} course (from {day})"
    if device.carried(trial.start, policy):
        return _started_during(trial, device, after, policy, course)
    outcome = trial.on_treatment
    if outcome is not None and outcome.date > device.first:
        taken = f"{outcome.instrument} {outcome.value} on {outcome.date.isoformat()} was taken"
        if outcome.date > device.window_end(policy):
            note = f"{taken} after {course}, none on {trial.ingredient} alone before it"
        else:
            note = (
                f"{taken} during or after {course} beside {trial.ingredient}: no response to both"
            )
        return dataclasses.replace(trial, outcome_note=note)
    left_out = after(device.first, trial.end + timedelta(days=policy.on_treatment_days_after_end))
    if not left_out:
        return trial
    later = left_out[-1]
    note = (
        f"{later.instrument} {later.value} on {later.date.isoformat()} was taken during or after "
        f"{course}: {name}'s outcome, not {trial.ingredient}'s"
    )
    return dataclasses.replace(trial, outcome_note=note)


def _started_during(
    trial: Trial,
    device: DeviceCourse,
    after: Callable[[date, date], Sequence[Score]],
    policy: MappingPolicy,
    course: str,
) -> Trial:
    """`with_device_note` for a trial started during the course's acute run (s25 FB item 1): no
    score up to the course's own outcome window is the drug's alone, so a change in them cannot
    be attributed to it ("PHQ-9 7 on 2025-11-03 cannot be attributed to escitalopram: it was
    started during a TMS course (from 2025-08-25), and the course's effect cannot be told apart
    from the drug's").
    An outcome read after that window, or one that shows no help even with the course
    (`read_through`), is said to be read so."""
    start = f"{trial.ingredient} was started during {course}"
    if device.after_effect(trial.start, policy):
        days = (trial.start - device.last).days
        start = (
            f"{trial.ingredient} was started {days} day{'s' if days != 1 else ''} after the last "
            f"session of {course}, within its outcome window"
        )
    outcome = trial.on_treatment
    if outcome is not None:
        taken = f"{outcome.instrument} {outcome.value} on {outcome.date.isoformat()}"
        if outcome.date > device.window_end(policy):
            note = f"{start}; {taken} was taken after the course's outcome window"
        else:
            note = f"{start}; {taken}, with the course beside it: no response to both"
        return dataclasses.replace(trial, outcome_note=note)
    left_out = after(trial.start, trial.end + timedelta(days=policy.on_treatment_days_after_end))
    if not left_out:
        note = f"{start}: its response cannot be attributed to it until the course's effect is past"
        return dataclasses.replace(trial, outcome_note=note)
    later = left_out[-1]
    note = (
        f"{later.instrument} {later.value} on {later.date.isoformat()} cannot be attributed to "
        f"{trial.ingredient}: it {start.removeprefix(f'{trial.ingredient} ')}, and the course's "
        "effect cannot be told apart from the drug's"
    )
    return dataclasses.replace(trial, outcome_note=note)
