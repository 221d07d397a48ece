"""A course's outcome when a PHQ-9 of its pair was filed with a total that disagrees with its
items (Score.total_conflict; review s27 RB finding 1).

Before, such a score judged no course at all (score_windows.PHQ9ByDate left it out): sertraline
20 -> 11 (items 10) -> 6 (items 5) read "no PHQ-9 on treatment", while the scores section and the
timeline listed both scores on it. A total one point off its items is still a measurement: each
of its two readings (the filed total, the items' sum) is one the record shows.

The decision (the clinic's safer reading, s22, carried to the outcome): the course is judged on
each reading of each disagreeing score of its pair, the filed total and the items' sum (for
fewer than nine answers the sum is a floor, so its two readings are the filed total and that
floor, the least the total can be). When every reading gives the same outcome (response,
remission, failure, residual mild symptoms, measured or not), that outcome is the one the record
shows whichever number is right, and it stands: 20 -> 6 or 5 is a response without remission
either way. When the readings give different outcomes (24 -> 22 or 12: a failure on the filed
total, a response on the items), no outcome rests on them: the course is judged without those
scores, as before s27 (on an earlier score on treatment, whose outcome the optimise card holds
until the form is checked: services/phq9_disagreements.py), and with none left it reads as not
measured, never as an inferred failure (TrialOutcome.failed); the cards name the scores set
aside (`set_aside`, Trial.conflicted: "PHQ-9 22 on 2026-10-15, total filed 22, items sum to
12: each reading gives a different outcome, check the form"). So a response or remission claim
always holds on the higher on-treatment reading (the one that claims less improvement) and a
failure on the lower (the one that claims less failure): no outcome claims more than the record
shows.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from fhir_mapping.trial_parts import Score

if TYPE_CHECKING:  # (trial.py imports this module through trial_outcome.py)
    from fhir_mapping.trial import Trial


def readings(score: Score) -> tuple[int, ...]:
    """The totals a PHQ-9 may have: its value, or both readings of a disagreeing one (the higher
    is its value: phq9_item_sum.checked_total)."""
    conflict = score.total_conflict
    if conflict is None or score.value is None:
        return () if score.value is None else (score.value,)
    return tuple(sorted({conflict.filed, conflict.items_sum}))


def _read_as(score: Score | None) -> Iterator[Score | None]:
    """The score under each of its readings (one with no conflict is itself)."""
    if score is None or score.total_conflict is None:
        yield score
        return
    for value in readings(score):
        yield dataclasses.replace(score, value=value, total_conflict=None)


def _outcome(trial: Trial) -> tuple[object, ...]:
    """What the cards claim of a course's outcome (the judgements trial_outcome.py makes)."""
    return (
        trial.outcome_unmeasured,
        trial.response,
        trial.remission,
        trial.failed,
        trial.mild_residual,
        trial.episode_responded,
    )


def readings_agree(trial: Trial, with_scores: Callable[..., Trial]) -> bool:
    """True when the course's outcome is the same on every reading of its pair's scores (module
    docstring); True when no score of the pair disagrees with its items."""
    baseline, on_treatment = trial.baseline, trial.on_treatment
    if not any(s is not None and s.total_conflict is not None for s in (baseline, on_treatment)):
        return True
    outcomes = {
        _outcome(with_scores(trial, before, after))
        for before in _read_as(baseline)
        for after in _read_as(on_treatment)
    }
    return len(outcomes) == 1


def set_aside(trial: Trial, with_scores: Callable[..., Trial]) -> tuple[Score, ...]:
    """The disagreeing scores of the course's pair when their readings give different outcomes
    (Trial.conflicted: the course is then judged without them, as before s27), else ()."""
    if readings_agree(trial, with_scores):
        return ()
    pair = (trial.baseline, trial.on_treatment)
    return tuple(s for s in pair if s is not None and s.total_conflict is not None)


def conflicted_text(scores: Iterable[Score]) -> str:
    """ "PHQ-9 22 on 2026-10-15, total filed 22, items sum to 12": the scores a course's
    outcome was not judged on (Trial.conflicted), worded as services/phq9_disagreements.py
    words them; "" when none."""
    parts = []
    for score in scores:
        conflict = score.total_conflict
        if conflict is None:
            continue
        items = (
            f"items sum to {conflict.items_sum}"
            if conflict.complete
            else f"items filed sum to at least {conflict.items_sum}"
        )
        parts.append(
            f"PHQ-9 {score.value} on {score.day_text()}, total filed {conflict.filed}, {items}"
        )
    return "; ".join(parts)
