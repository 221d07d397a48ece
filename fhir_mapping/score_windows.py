"""The PHQ-9 before and on each trial: its baseline and on-treatment scores (or, with no PHQ-9
on treatment, another depression scale's pair: `attach_scores`, review 13 W10).

Per trial (MappingPolicy): baseline = latest PHQ-9 in the `baseline_days_before` days up to the
start (from before the order's day when the course starts at its first fill:
order_day_baseline.py), else the earliest in the first `baseline_days_after` days of treatment
(the least treated score); on-treatment = latest PHQ-9 from week `on_treatment_from_week` of the
trial to its last day on the drug, and the latest of the `on_treatment_days_after_end` days after
it ends only when there is none or when it alone shows response or remission, never the next
course's baseline (review s23 RC finding 2).

Apart from scores.py: it reads Scores already made (from Observations and QuestionnaireResponses
alike) and Trials, not FHIR.
"""

from __future__ import annotations

import dataclasses
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from operator import attrgetter

from fhir_mapping.device_course_scores import DeviceCourse, cut_off, read_through, with_device_note
from fhir_mapping.item9_floor import PHQ9
from fhir_mapping.next_course_scores import (
    _courses,
    _next_courses,
    _taken_beside_next,
    _taken_on_next,
)
from fhir_mapping.order_day_baseline import baseline_opens
from fhir_mapping.phq9_conflict_readings import contradicted, judge
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import Score, Trial
from fhir_mapping.relapse_on_drug import improved as improved
from fhir_mapping.relapse_on_drug import response_before_relapse
from fhir_mapping.scale_outcomes import remission_below as scale_remission_below
from fhir_mapping.scale_outcomes import scale_outcomes
from fhir_mapping.score_totals import score_order
from fhir_mapping.trial_scores import with_scores as _with_scores
from fhir_mapping.verdict_before_gap import standing


class PHQ9ByDate:
    """The valued PHQ-9 totals of a chart in date order, for the windows below: each trial's
    windows are found by bisection (issue 14), not by reading every score for every trial.
    Scores of one date keep the order they came in, so max / min by score_order pick the same
    score among equals as a walk of the scores in that order would."""

    def __init__(
        self, scores: Iterable[Score], instrument: str = PHQ9, *, conflicted: bool = False
    ) -> None:
        # `instrument`: another depression scale's totals (MADRS...), for the pair a course
        # without a PHQ-9 on treatment is judged by (`_other_scale_pair`, review 13 W10).
        # A total that disagrees with its items (Score.total_conflict) is left out unless
        # `conflicted`: attach_scores judges a course on it only when both its readings give
        # one outcome (phq9_conflict_readings.py, review s27 RB 1; before, never: s22 RS 1).
        self.scores = sorted(
            [
                s
                for s in scores
                if s.instrument == instrument
                and s.value is not None
                and (conflicted or s.total_conflict is None)
            ],
            key=_DATE,
        )
        self.days = list(map(_DATE, self.scores))

    def between(self, first: date, last: date) -> list[Score]:
        """The scores dated first..last, both included."""
        return self.scores[bisect_left(self.days, first) : bisect_right(self.days, last)]

    def after(self, start: date, last: date) -> list[Score]:
        """The scores dated after start up to last included."""
        return self.scores[bisect_right(self.days, start) : bisect_right(self.days, last)]

    def latest(self, first: date, last: date) -> Score | None:
        """max(between(first, last), key=score_order). score_order compares dates first, so only
        the scores of the window's last date can be that maximum: they are found by bisection
        and compared, in the order they came in, like the whole window (issue 14)."""
        days = self.days
        high = bisect_right(days, last)
        low = bisect_left(days, first, 0, high)
        if low >= high:
            return None
        low = bisect_left(days, days[high - 1], low, high)
        return max(self.scores[low:high], key=score_order)

    def earliest_after(self, start: date, last: date) -> Score | None:
        """min(after(start, last), key=score_order), from the window's first date alone."""
        days = self.days
        high = bisect_right(days, last)
        low = bisect_right(days, start, 0, high)
        if low >= high:
            return None
        high = bisect_right(days, days[low], low, high)
        return min(self.scores[low:high], key=score_order)


_DATE = attrgetter("date")


def baseline_score(
    trial: Trial, phq9: PHQ9ByDate, policy: MappingPolicy, opens: date | None = None
) -> Score | None:
    """`baseline_at` the trial's start. `opens`: the first day of its window
    (order_day_baseline.baseline_opens, as `attach_scores` reads it), else the policy's
    `baseline_days_before` before the start."""
    return baseline_at(trial.start, phq9, policy, opens)


def baseline_at(
    start: date, phq9: PHQ9ByDate, policy: MappingPolicy, opens: date | None = None
) -> Score | None:
    """The baseline of a course started on `start` (a trial's start, or the fill that took a
    course up again after a supply gap: verdict_before_gap.py): the latest PHQ-9 from `opens`
    (else the `baseline_days_before` days before it) up to it, else the earliest in the first
    `baseline_days_after`."""
    if opens is None:
        opens = start - timedelta(days=policy.baseline_days_before)
    before = phq9.latest(opens, start)
    if before is not None:
        return before
    return phq9.earliest_after(start, start + timedelta(days=policy.baseline_days_after))


def on_treatment_score(
    trial: Trial,
    phq9: PHQ9ByDate,
    policy: MappingPolicy,
    next_start: date | None = None,
    next_baseline: Score | None = None,
    baseline: Score | None = None,
) -> Score | None:
    """The latest PHQ-9 from week `on_treatment_from_week` of the trial to its last day on the
    drug; the latest of the `on_treatment_days_after_end` days after it ends only when there is
    none or when it alone shows response or remission (`baseline`), never one that is the next
    course's baseline (`next_baseline`).

    Review s23 RC finding 2 (chart s09): sertraline 150 mg, PHQ-9 22 -> 13 on it (41 %, a partial
    response), stopped; the PHQ-9 of 21 thirty days later, taken off the drug on the day
    venlafaxine started (venlafaxine's baseline), was sertraline's outcome: the partial response
    was hidden and one score judged two courses. A score off the drug says nothing more of the
    drug than the last one taken on it (before, only a response or a remission on the drug kept
    its score: review 11 recheck 2, chart E5). The days after the end are read for a course with
    no score on it (the visit the stop or switch was decided at), and for a response or
    remission after the stop where the last score on the drug showed neither (the drug's effect
    outlasts its last dose; counting it failed is the less safe reading).

    Either window ends at `next_start` (the day the next antidepressant started, `_next_courses`)
    when that comes first: a score taken on the next drug is not this one's outcome (review 10
    finding 14). A score of that very day, taken while this drug was still taken, is this one's:
    it is the score the switch was decided on."""
    first = trial.start + timedelta(days=round(policy.on_treatment_from_week * 7))
    end = trial.end
    last = end + timedelta(days=policy.on_treatment_days_after_end)
    if next_start is not None and next_start < last:
        last = next_start
    held = trial.on_hold
    until = trial.held_scored_until or held  # a held statement: up to its hold (s27 K4 item 5)
    if held is not None and until is not None and phq9.latest(first, min(last, until)):
        # A held order after fills (review 14 recheck r10b): scored as a course that stopped on
        # its last supply, the days after it included (Trial.held_scored_until); a held
        # statement up to its hold, no day after. A later score taken while held is not its
        # outcome; with none in those days the latest is kept and the cards say it was taken
        # while held (Trial.failed: to confirm).
        end = held
        last = min(last, until)
    ran_out = trial.supply_ran_out
    if ran_out is not None:
        # Review s20 RA finding 4 (supply_breaks.py): a course whose supply ran out a month or
        # more ago is scored as one that stopped that day; a later score was taken off the drug.
        end = ran_out
        after_end = ran_out + timedelta(days=policy.on_treatment_days_after_end)
        if after_end < last:
            last = after_end
    latest = phq9.latest(first, last)
    if latest is None or latest.date <= end:
        return latest
    in_course = phq9.latest(first, end)
    if latest is next_baseline:
        # The only score after the end is the next course's baseline: an earlier one of those
        # days, else none (the next course's time is its own: attach_scores says which was left
        # out).
        found = [s for s in phq9.between(first, last) if s is not next_baseline]
        latest = max(found, key=score_order) if found else None
    if in_course is None or latest is None or latest.date <= end:
        return in_course or latest
    below = trial.remission_below
    if latest.instrument != PHQ9:  # another scale's pair: its own cut-off (scale_outcomes.py)
        below = scale_remission_below(latest.instrument) or below
    if improved(latest, baseline, below) and not improved(in_course, baseline, below):
        # Response or remission read days after the stop is still read (the drug's effect
        # outlasts the last dose; review 11 recheck 2 kept it): the safer reading, as counting
        # the course as failed would move the patient along the pathway. A rise after the stop
        # never replaces the last score on the drug.
        return latest
    return in_course


def _next_baseline(
    following: Trial | None,
    scale: PHQ9ByDate,
    policy: MappingPolicy,
    course_starts: Sequence[date] = (),
) -> Score | None:
    """The baseline, on `scale`, of the course that started next (`_next_courses`), in its own
    window (order_day_baseline.baseline_opens): a score after this course's end that is that
    course's baseline is never this one's outcome (`on_treatment_score`, review s23 RC 2)."""
    if following is None:
        return None
    opens = baseline_opens(following, course_starts, policy)
    return baseline_score(following, scale, policy, opens)


def _other_scales(scores: Sequence[Score]) -> list[PHQ9ByDate]:
    """The valued totals of each other depression scale on the chart (scale_outcomes.csv), in
    order of preference; [] on the usual chart, which has none (nothing more is done then)."""
    table = scale_outcomes()
    present = {s.instrument for s in scores if s.instrument in table and s.value is not None}
    return [PHQ9ByDate(scores, name) for name in table if name in present]


def _other_scale_pair(
    trial: Trial,
    scales: Sequence[PHQ9ByDate],
    policy: MappingPolicy,
    next_start: date | None,
    opens: date | None = None,
    following: Trial | None = None,
    course_starts: Sequence[date] = (),
) -> tuple[Score, Score] | None:
    """The first other scale (in order of preference) with a score in the baseline window AND
    one in the on-treatment window of the course, the same windows as the PHQ-9's (review 13
    W10). Both scores of the pair are that one scale's: scales are never mixed (a MADRS 34
    before and a BDI-II 12 after measure nothing together)."""
    for scale in scales:
        baseline, on_treatment = _scale_pair(
            trial, scale, policy, next_start, opens, following, course_starts
        )
        if baseline is not None and on_treatment is not None:
            return baseline, on_treatment
    return None


def _scale_pair(
    trial: Trial,
    scale: PHQ9ByDate,
    policy: MappingPolicy,
    next_start: date | None,
    opens: date | None,
    following: Trial | None,
    course_starts: Sequence[date],
) -> tuple[Score | None, Score | None]:
    """One scale's (baseline, on-treatment) scores of the course, in the PHQ-9's windows."""
    baseline = baseline_score(trial, scale, policy, opens)
    if baseline is None:
        return None, None
    nxt = _next_baseline(following, scale, policy, course_starts)
    return baseline, on_treatment_score(trial, scale, policy, next_start, nxt, baseline)


def _disagreeing_pair(
    trial: Trial,
    scales: Sequence[PHQ9ByDate],
    policy: MappingPolicy,
    next_start: date | None,
    opens: date | None = None,
    following: Trial | None = None,
    course_starts: Sequence[date] = (),
) -> tuple[Score, Score] | None:
    """Another scale's pair, in the PHQ-9's windows, that shows response or remission where the
    PHQ-9 pair does not : the first such scale in order of preference."""
    for scale in scales:
        baseline, on_treatment = _scale_pair(
            trial, scale, policy, next_start, opens, following, course_starts
        )
        below = scale_remission_below(scale.scores[0].instrument)
        if (
            baseline is not None
            and on_treatment is not None
            and below is not None
            and improved(on_treatment, baseline, below)
        ):
            return baseline, on_treatment
    return None


def attach_scores(
    trials: Iterable[Trial],
    scores: Iterable[Score],
    policy: MappingPolicy,
    devices: Sequence[DeviceCourse] = (),
) -> tuple[Trial, ...]:
    """Each trial with its PHQ-9 baseline and on-treatment score. A course with no PHQ-9 on
    treatment but another depression scale before and on it (HAM-D17, MADRS, QIDS-SR16,
    BDI-II) gets that scale's pair instead, both scores one scale's: Trial then judges it by
    that scale's cut-offs (`outcome_scale`, `outcome_remission_below`). The PHQ-9 stays first:
    a PHQ-9 on treatment is always the outcome, even beside another scale (review 13 W10)."""
    scores = tuple(scores)
    # Totals that disagree with their items too: a course is judged on one only when each of
    # its readings gives the same outcome, else on the others (phq9_conflict_readings.py).
    phq9, clean = PHQ9ByDate(scores, conflicted=True), PHQ9ByDate(scores)
    others = _other_scales(scores)
    trials = tuple(trials)
    courses = _courses(trials)
    course_starts = [t.start for t in courses]
    attached = []
    for trial, following in zip(trials, _next_courses(trials, courses), strict=True):
        if trial.taken_before is not None:
            # Rule 2e of episodes.py: a past course of unknown dates; no score was taken on it
            # that the record shows (the scores around its entry day are another drug's).
            attached.append(trial)
            continue
        scored = _attach(trial, following, phq9, others, policy, devices, course_starts)
        judged = judge(scored, _with_scores)  # (review s27 RB 1, K3 finding 2)
        if judged.set_aside:
            fallback = _attach(trial, following, clean, others, policy, devices, course_starts)
            if contradicted(fallback, scored, _with_scores):  # never an outcome both rule out
                fallback = _with_scores(fallback, fallback.baseline, None)
            scored = dataclasses.replace(fallback, conflicted=judged.set_aside)
        elif judged.unsettled:
            scored = dataclasses.replace(scored, unsettled=judged.unsettled)
        attached.append(scored)
    return tuple(attached)


def _attach(
    trial: Trial,
    following: Trial | None,
    phq9: PHQ9ByDate,
    others: list[PHQ9ByDate],
    policy: MappingPolicy,
    devices: Sequence[DeviceCourse],
    course_starts: list[date],
) -> Trial:
    """One course of `attach_scores` with its scores, from the PHQ-9 totals `phq9`."""
    next_start, device, cut = cut_off(trial, following, devices, policy)
    # Before the order's day when the course starts at its first fill (review s23 RP 6).
    opens = baseline_opens(trial, course_starts, policy)
    baseline = baseline_score(trial, phq9, policy, opens)
    # The next course's baseline, never this one's outcome too (review s23 RC finding 2).
    taken = _next_baseline(following, phq9, policy, course_starts)
    on_treatment = on_treatment_score(trial, phq9, policy, next_start, taken, baseline)
    if device is not None and (  # none (since adequate) before a TMS/ECT course
        on_treatment is None or _with_scores(trial, baseline, on_treatment).outcome_before_adequate
    ):
        later = on_treatment_score(trial, phq9, policy, cut, taken, baseline)
        since = phq9.between(device.first, later.date) if later is not None else []
        through = read_through(later, since, baseline, device, policy, trial.remission_below)
        on_treatment = through or on_treatment
    disagreeing = None
    if on_treatment is None and others:
        pair = _other_scale_pair(trial, others, policy, next_start, opens, following, course_starts)
        if pair is not None:
            baseline, on_treatment = pair
    elif (
        on_treatment is not None
        and others
        and not improved(on_treatment, baseline, trial.remission_below)
    ):
        disagreeing = _disagreeing_pair(
            trial, others, policy, next_start, opens, following, course_starts
        )
    attached = _with_scores(trial, baseline, on_treatment)
    # Response or remission on the drug, then a relapse on it (review s23 RC finding 1).
    first = trial.start + timedelta(days=round(policy.on_treatment_from_week * 7))
    on_drug = phq9.between(first, on_treatment.date) if on_treatment is not None else ()
    responded = response_before_relapse(
        trial, on_drug, baseline, on_treatment, policy.relapse_held_scores
    )
    if responded is not None:
        attached = dataclasses.replace(attached, relapsed_from=responded)
    if disagreeing is not None:
        attached = dataclasses.replace(attached, disagreeing=disagreeing)
    if on_treatment is not None and following is not None:
        beside = _taken_beside_next(trial, on_treatment, following)
        if beside is not None:
            attached = dataclasses.replace(attached, outcome_note=beside)
    if on_treatment is None and following is not None:
        # Nothing left once the next drug's time is cut off: the failure (if the course
        # ended adequate) is inferred, and the cards say which score was left out and why.
        left_out = on_treatment_score(trial, phq9, policy, baseline=baseline)
        if left_out is not None:
            attached = dataclasses.replace(
                attached, outcome_note=_taken_on_next(trial, left_out, following)
            )
    if device is not None:  # the scores from the course's first day on are not its outcome
        marked = dataclasses.replace(attached, device_cut=device.name, device_cut_on=device.first)
        attached = with_device_note(marked, device, phq9.after, policy)
    gap = trial.before_gap
    if gap is not None:
        # Session 21 G (verdict_before_gap.py): "adequate, failed" before a long supply gap
        # stands, whatever the refills after it show; the restart is read against its own
        # baseline too (session 21 G2).
        restarted = baseline_at(gap.resumed, phq9, policy)
        attached = standing(attached, phq9, policy, next_start, restarted)
    return attached
