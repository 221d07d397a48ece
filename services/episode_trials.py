"""The current episode's courses as the pathway counts them: what belongs to the episode, the
failed trials one per drug, the courses ended for intolerance, and the courses responding now.

Apart from pathway.py because these are the counts its rules stand on (TRD: failed trials only;
TMS: failed or not tolerated, per policy; a responding course blocks TMS), each read the same way
for every card; pathway.py joins them into PathwayFacts.
"""

from __future__ import annotations

from datetime import date
from operator import attrgetter

from fhir_mapping.episode import UNDATED_END, add_months, in_current_episode
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import FindingKind, PatientRecord, Role, Trial, Verdict
from fhir_mapping.verdict_before_gap import responding_now

# Enum members compared per trial, as module constants: on Python 3.11 reading a member off its
# Enum class costs about ten times reading a global (issue 14).
_NOT_A_TRIAL = Verdict.NOT_A_TRIAL
_AUGMENTATION = Role.AUGMENTATION
# Trials sorted by start, oldest first: a C-level key.
_START = attrgetter("start")


def in_episode(day: date | None, episode_start: date | None) -> bool:
    """Undated facts and facts on or after the episode start belong to the current episode."""
    return day is None or episode_start is None or day >= episode_start


def _failed_one_per_ingredient(trials: tuple[Trial, ...]) -> tuple[Trial, ...]:
    latest: dict[str, Trial] = {}
    for trial in sorted(trials, key=_START):
        if trial.failed:
            latest[trial.ingredient] = trial  # a re-tried drug counts once: keep its latest trial
    return tuple(sorted(latest.values(), key=_START))


def _intolerant_one_per_ingredient(
    trials: tuple[Trial, ...], failed: tuple[Trial, ...]
) -> tuple[Trial, ...]:
    """Ended courses with documented intolerance (issue 10), one per drug, leaving out drugs
    already counted as failed. A drug still taken despite a recorded reaction is not counted:
    the course has not ended for intolerance."""
    counted = {t.ingredient for t in failed}
    latest: dict[str, Trial] = {}
    for trial in sorted(trials, key=_START):
        if (
            trial.intolerance is not None
            and not trial.ongoing
            and trial.verdict is not _NOT_A_TRIAL
            and trial.ingredient not in counted
        ):
            latest[trial.ingredient] = trial
    return tuple(sorted(latest.values(), key=_START))


def _responding(
    episode_trials: tuple[Trial, ...], record: PatientRecord, episode_start: date | None
) -> tuple[Trial, ...]:
    """Courses of this episode running on the as-of date with a >= 50 % PHQ-9 drop from their
    baseline (Trial.response), antidepressants and adjuncts alike; a failure before a supply gap
    whose restart responded as read since the restart (verdict_before_gap.responding_now,
    session 21 G2: no TMS referral while the current course responds)."""
    adjuncts = tuple(
        [
            t
            for t in record.trials
            if t.role is _AUGMENTATION and in_current_episode(t, episode_start)
        ]
    )
    return tuple(
        [
            now
            for t in episode_trials + adjuncts
            if t.ongoing
            and t.verdict is not _NOT_A_TRIAL
            and (now := responding_now(t)) is not None
        ]
    )


def maybe_previous_episode(
    record: PatientRecord, episode_trials: tuple[Trial, ...], policy: MappingPolicy
) -> tuple[date, tuple[Trial, ...]] | None:
    """A boundary the record suggests but does not state (review 11 finding 4, the unsure
    case): a depression diagnosis whose onset comes after a treatment-free gap of at least
    episode_gap_months in which no PHQ-9 was taken (a PHQ-9 there decides it: episode.py rule
    1b). The episode's trials that ended before the gap may belong to a previous episode; they
    stay counted (the record does not say the episode ended) and the TMS criterion names them
    "to confirm". (the onset, those trials), or None.

    So too a depression marked resolved whose end is not dated (written as text: fhir_mapping/
    episode.py UNDATED_END, recheck 2 finding 6): the trials that ended before the latest
    depression diagnosis's onset, with or without a gap."""
    onsets = sorted(
        [
            f.onset_latest
            for f in record.context.of(FindingKind.DEPRESSION)
            if f.onset_latest is not None
        ]
    )
    if not onsets or not episode_trials:
        return None
    onset = onsets[-1]
    before = tuple([t for t in episode_trials if not t.ongoing and t.end < onset])
    if not before:
        return None
    if record.gaps and any(g.reason == UNDATED_END for g in record.gaps):
        return onset, tuple(sorted(before, key=_START))
    last_end = max(t.end for t in before)
    if any(t.start <= last_end < t.end for t in episode_trials):
        return None  # another course ran on through the end: no treatment-free gap
    gap_end = min([t.start for t in episode_trials if t.start > last_end] + [onset])
    if add_months(last_end, policy.episode_gap_months) > gap_end:
        return None
    if any(
        s.instrument == "PHQ-9" and last_end < s.date < gap_end and s.value is not None
        for s in record.scores
    ):
        return None
    return onset, tuple(sorted(before, key=_START))


def episode_augmentations(record: PatientRecord, episode_start: date | None) -> tuple[Trial, ...]:
    """The adjunct courses of this episode (PathwayFacts.augmentations): an adjunct still running
    augments this episode's trials whatever its start (review 13 W8: lithium since before the
    episode was left out of the optimise card, proposed-around and scored "Augmentation 0" in
    the Maudsley staging)."""
    return tuple(
        [
            t
            for t in record.trials
            if t.role is Role.AUGMENTATION
            and t.verdict is not Verdict.NOT_A_TRIAL
            and (in_current_episode(t, episode_start) or (t.ongoing and t.on_hold is None))
        ]
    )
