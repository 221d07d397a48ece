"""A verdict reached before a long supply gap stands (session 21 G; review s20 RA finding 4).

THE RULE. A course with a supply gap of >= supply_gap_days between two fills stays one course
(review 6 finding 1: the gap cut out of its time; tests/fhir_mapping/test_supply_gaps.py), judged
over the whole of it, gap included. But where the course had become an adequate trial on its
supply BEFORE its first such gap (min_adequate_weeks at the minimum dose, adherence up to then not
POOR: supply_breaks.adequate_on_supply, the same test as a supply that ran out and never resumed)
and a PHQ-9 taken on the drug up to the gap's first day showed it failed (Trial.failed, read of
that course), the trial is an adequate trial that failed, whatever the refills after the gap
show. An adequate trial that failed is a fact of the history: days later without supply cannot
un-fail it, and the TMS / Maudsley count must not fall as time passes with no new clinical data
(chart h3_refill_gap: "1 adequate trial failed" became "1 trial not adequate (PDC 58 %)" once
the supply was taken up again, the PDC now counted over the 67 days without it).

Otherwise the course is judged as before: a course that responded before the gap keeps that
response ("relapse off the drug", the gap score never a failure), and a course not adequate
by the gap is judged over all of it.

Only a score dated on or before the gap's first day decides (not the on_treatment_days_after_end
days after it that a course which stopped gets): the supply was taken up again, so the record
shows the patient off the drug in the gap, and a score taken off the drug never decides a failure
(Trial.outcome_gap). The safer reading for a TMS referral: a failure counted only on a score
taken on the drug.

THE RESTART THAT RESPONDS (session 21 G2, lead's rule). The failure before the gap still COUNTS
(the trial count, Maudsley staging, the TMS criteria count), but the current recommendation
follows the current course's response: a restart that responded (`restart_reading`) is read
as a responding course (`responding_now`: the optimise card optimises it toward remission, no
switch or adjunct; no TMS referral while it responds). Chart h3 on 2025-10-06: PHQ-9 18 -> 9
since the restart; the cards had said "1 adequate trial failed (duloxetine): switch ... or
augment" beside "Responded after restarting". The restart responded when the latest PHQ-9 on
the drug, from on_treatment_from_week after the restart, is a remission or a >= 50 % drop
(Trial.remission / Trial.response, the policy's cut-offs) from the course's own baseline or
from the restart's (the baseline windows around the fill that took the supply up again,
score_windows.baseline_at). Either baseline, not only the restart's: in h3 the restart's is
17 (2025-06-16), so 9 on 2025-10-06 is a 47 % drop from it but 50 % from the course's 18.
When the two readings disagree the safer one for the patient is taken: a switch gives up the
gain on a drug improving now and an adjunct adds its risks (antipsychotics: metabolic,
akathisia), while optimising the dose and repeating the PHQ-9 (what a responding course gets)
is the step CANMAT 2023 takes first anyway (para 187) and the next score corrects it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from fhir_mapping.adherence import dispense_adherence, with_reported
from fhir_mapping.dose_timeline import _TimelineDose
from fhir_mapping.event_spans import _Span
from fhir_mapping.events import MedicationEvent
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import Score, Trial, Verdict
from fhir_mapping.supply_breaks import adequate_on_supply
from fhir_mapping.trial_parts import BeforeGap

if TYPE_CHECKING:  # score_windows.attach_scores calls `standing`: no import cycle at run time
    from fhir_mapping.score_windows import PHQ9ByDate

_ADEQUATE = Verdict.ADEQUATE
_NOT_A_TRIAL = Verdict.NOT_A_TRIAL


def before_gap(
    spans: Sequence[_Span],
    dispenses: Sequence[MedicationEvent],
    events: Sequence[MedicationEvent],
    gaps: Sequence[tuple[date, date]],
    holds: Sequence[tuple[date, date]],
    timeline: Sequence[tuple[date, _TimelineDose]],
    minimum: float | None,
    policy: MappingPolicy,
) -> BeforeGap | None:
    """The course judged up to its first supply gap (`gaps`: (first day without supply, the fill
    after it), Adherence.supply_gaps), when a fill took the supply up again after it and the
    course was an adequate trial on its supply by then; else None."""
    if minimum is None or not gaps:
        return None
    until, resumed = gaps[0]
    if not any(d.start == resumed for d in dispenses):
        return None  # the supply never taken up again: supply_breaks.py reads that course
    judged = with_reported(
        dispense_adherence(dispenses, window_end=until, policy=policy, holds=holds), events
    )
    adequate = adequate_on_supply(spans, judged, until, timeline, minimum, policy)
    if adequate is None:
        return None
    return BeforeGap(until=until, resumed=resumed, adherence=judged, adequate_from=adequate)


def standing(
    trial: Trial,
    phq9: PHQ9ByDate,
    policy: MappingPolicy,
    next_start: date | None,
    restart_baseline: Score | None = None,
) -> Trial:
    """The trial with its verdict before the gap, when that was "adequate, failed" and the whole
    course does not already read as failed; else the trial as judged over the whole course.
    `next_start`: the last day a score may be this trial's (next_course_scores._cut_off);
    `restart_baseline`: the baseline of the restart (score_windows.baseline_at its fill)."""
    gap = trial.before_gap
    if gap is None or trial.verdict is _NOT_A_TRIAL or trial.failed:
        return trial
    first = trial.start + timedelta(days=round(policy.on_treatment_from_week * 7))
    last = gap.until if next_start is None or next_start > gap.until else next_start
    score = phq9.latest(first, last)
    if score is None:
        return trial  # nothing measured before the gap: no failure read from the gap
    judged = dataclasses.replace(
        trial,
        verdict=_ADEQUATE,
        reasons=(),
        adherence=gap.adherence,
        adequate_from=gap.adequate_from,
        on_treatment=score,
        outcome_note=None,
        disagreeing=(),
    )
    if not judged.failed or judged.outcome_unmeasured:
        return trial
    after = restart_reading(trial, gap.resumed, restart_baseline, policy)
    # A running course whose supply ran out again a month or more ago (the restart not kept up):
    # a failure counted on it reads as supply_breaks.py reads one, "no supply since DATE", so
    # nothing assumes the drug is taken now (poor_adherence fixture: 566 days without supply).
    ran_out = trial.supply_ran_out
    until = trial.adherence.supply_until
    if (
        ran_out is None
        and trial.ongoing
        and until is not None
        and until > gap.resumed
        and (trial.end - until).days >= policy.supply_gap_days
    ):
        ran_out = until
    return dataclasses.replace(
        judged,
        # The whole course's adherence stays (its PDC, the gap named on the cards): only the
        # verdict, the day it became adequate and the outcome are the course's up to the gap.
        adherence=trial.adherence,
        before_gap=dataclasses.replace(
            gap,
            failed=True,
            after=None if after is None else after[1],
            after_baseline=None if after is None else after[0],
        ),
        supply_ran_out=ran_out,
    )


def restart_reading(
    trial: Trial, resumed: date, restart_baseline: Score | None, policy: MappingPolicy
) -> tuple[Score, Score] | None:
    """(baseline, score) when `trial` (the course judged over all of it) as read since the
    restart on `resumed` is a response or a remission: its latest PHQ-9 taken on the drug from
    on_treatment_from_week after the restart, against the course's own baseline (the reading
    the cards made before session 21 G: "Duloxetine responding (PHQ-9 18 -> 9)"), else against
    the restart's (`restart_baseline`). None when neither shows response or remission."""
    score = trial.on_treatment
    first = resumed + timedelta(days=round(policy.on_treatment_from_week * 7))
    if score is None or score.value is None or score.date < first:
        return None  # not measured long enough on the restarted drug to judge it
    if trial.outcome_gap is not None:
        return None  # taken in a later gap, off the drug: says nothing of the restart
    for baseline in (trial.baseline, restart_baseline):
        if baseline is None:
            continue
        reading = dataclasses.replace(trial, baseline=baseline)
        if reading.remission or reading.response:
            return baseline, score
    return None


def responding_now(trial: Trial) -> Trial | None:
    """The course as the current recommendation reads it when it responds now: the trial itself
    when it responds (Trial.response); when a failure before a supply gap stands and the restart
    responded (`restart_reading`), the trial read on the restart's pair (BeforeGap.after_baseline
    -> BeforeGap.after); None otherwise, and None when the supply ran out again since
    (Trial.supply_ran_out: nothing says the drug is taken now, so no response is read as
    current; the cards hold the next step until that is confirmed). The one reading of
    "responding" for the optimise card (optimize/courses.responding) and the TMS criteria
    (episode_trials._responding)."""
    if trial.response is True:
        return trial
    gap = trial.before_gap
    if gap is None or gap.after is None or trial.supply_ran_out is not None:
        return None
    return dataclasses.replace(trial, baseline=gap.after_baseline, on_treatment=gap.after)
