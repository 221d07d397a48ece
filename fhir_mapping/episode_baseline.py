"""The episode's baseline of a course that starts from a mild score (Trial.episode_baseline).

Review 15 W1 stopped calling a trial failed when it went from a mild baseline (PHQ-9 < 10) to
residual mild symptoms: from 9 a >= 50 % drop is a few points. The recheck of that fix (m05)
found the other side: an episode that began at PHQ-9 19, fell to 9 on escitalopram (a partial
response) and stayed at 8 on sertraline was called "a mild baseline" for sertraline. The 9 is
not the episode's severity but what is left of it: "mild" misdescribes the episode, and when the
episode is still failing it hides the failure from the pathway (no switch, adjunct or TMS).

The rule, the ">= 50 % drop" of CANMAT 2023 para 180 applied to the episode, not the course: a
course whose own baseline is below the moderate floor carries the episode baseline when the
current episode was at or above that floor before it. The episode baseline is the highest score
of the course's baseline scale dated from the episode start (less the baseline window,
MappingPolicy.baseline_days_before, as the first course's baseline may predate its start) up to
the course's own baseline: the episode's first presentation, or a worse score during an earlier
course of the episode. Then (Trial.episode_responded):
- the score on the course is a >= 50 % drop from the episode baseline (19 -> 9 -> 8): the
  episode responded, without remission; the course is residual symptoms as before (optimise the
  dose, add psychotherapy: CANMAT 2023 Figure 7.1, paras 185-187), and the card says "after a
  response of the episode (episode baseline PHQ-9 19)", never "a mild baseline";
- it is not (14 -> 9 -> 8): the episode is failing, and the course is judged on its own pair as
  any course is (9 -> 8 is no response: a failed trial), the card naming the episode baseline.
Why not count every such course as failed (the stricter reading): the episode's own >= 50 % drop
is a response by the same measure a single course is judged by (a course from 19 to 8 is one),
and counting it failed would offer an antipsychotic adjunct, and after a second such course TMS
or esketamine, to a patient whose depression has more than halved (review 15 W1 removed exactly
that: one-click aripiprazole at PHQ-9 6 after a postpartum episode from 23). A failing episode is
never hidden: it is counted.
Courses before the current episode are left as they are: their episode is not known here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, timedelta

from fhir_mapping.policy import MappingPolicy
from fhir_mapping.trial import Trial
from fhir_mapping.trial_parts import Score


def _peak(trial: Trial, scores: Sequence[Score], since: date) -> Score | None:
    baseline = trial.baseline
    if baseline is None or baseline.value is None:
        return None
    if baseline.value >= trial.outcome_moderate_from:
        return None  # the course's own baseline is moderate or worse: nothing hidden
    dated = [
        s
        for s in scores
        if s.instrument == baseline.instrument
        and s.value is not None
        and since <= s.date <= baseline.date
    ]
    if not dated:
        return None
    # The highest; of equal ones the latest (the nearest to this course).
    peak = max(dated, key=lambda s: (s.value or 0, s.date))
    floor = trial.outcome_moderate_from
    return peak if peak.value is not None and peak.value >= floor else None


def with_episode_baselines(
    trials: Iterable[Trial],
    scores: Iterable[Score],
    episode_start: date | None,
    policy: MappingPolicy,
) -> tuple[Trial, ...]:
    """`trials`, each course of the current episode with a mild own baseline carrying the
    episode's moderate-or-worse baseline (module docstring); every other course as it is."""
    trials = tuple(trials)
    if episode_start is None:
        return trials
    since = episode_start - timedelta(days=policy.baseline_days_before)
    kept = tuple(s for s in scores if s.date >= since)
    out = []
    for trial in trials:
        peak = _peak(trial, kept, since) if trial.start >= episode_start else None
        out.append(trial if peak is None else replace(trial, episode_baseline=peak))
    return tuple(out)
