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

The outcome is compared claim by claim (review s27 K3 finding 2). When every reading agrees on
whether the course failed and was measured but not on another claim (17 -> filed 4, items 5: a
response on both, remission on one), the score is not set aside: falling back to an earlier 18
read "no response" and "2 adequate trials failed", which both readings rule out. The score stays
the course's outcome; what every reading gives stands (response; not failed) and the claims the
readings give differently (`CLAIMS`) are not claimed (Trial.unsettled: remission "to confirm").
Nor does a course fall back to an earlier score whose outcome every reading contradicts (an
earlier remission beside readings 22 and 12): it is then judged on no score (`contradicted`).
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


# The judgements that decide whether a course counts as failed: every reading must give the same
# for the score to judge the course at all.
_DECIDING = ("outcome_unmeasured", "failed")
# The other claims of an outcome: one the readings give differently is not claimed
# (Trial.unsettled; trial_outcome.py reads it).
CLAIMS = ("response", "remission", "mild_residual", "episode_responded")
# How the cards name each of them when it is not claimed ("remission to confirm").
_CLAIM_WORDS = {
    "response": "response",
    "remission": "remission",
    "mild_residual": "residual mild symptoms",
    "episode_responded": "the episode's response",
}


def unsettled_words(unsettled: Iterable[str]) -> str:
    """ "remission to confirm": the claims the readings give differently (Trial.unsettled);
    "" when none."""
    names = [_CLAIM_WORDS[c] for c in unsettled]
    return f"{' and '.join(names)} to confirm" if names else ""


def _outcome(trial: Trial) -> dict[str, object]:
    """What the cards claim of a course's outcome (the judgements trial_outcome.py makes)."""
    return {name: getattr(trial, name) for name in _DECIDING + CLAIMS}


def _outcomes(trial: Trial, with_scores: Callable[..., Trial]) -> list[dict[str, object]]:
    """The outcome on each reading of the pair's scores; [] when no score of it disagrees."""
    baseline, on_treatment = trial.baseline, trial.on_treatment
    if not any(s is not None and s.total_conflict is not None for s in (baseline, on_treatment)):
        return []
    if trial.unsettled:  # each reading judged afresh, every claim made
        trial = dataclasses.replace(trial, unsettled=())
    return [
        _outcome(with_scores(trial, before, after))
        for before in _read_as(baseline)
        for after in _read_as(on_treatment)
    ]


def _differing(outcomes: list[dict[str, object]], names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(n for n in names if len({o[n] for o in outcomes}) > 1)


def readings_agree(trial: Trial, with_scores: Callable[..., Trial]) -> bool:
    """True when the course's outcome is the same on every reading of its pair's scores (module
    docstring); True when no score of the pair disagrees with its items."""
    return not _differing(_outcomes(trial, with_scores), _DECIDING + CLAIMS)


@dataclasses.dataclass(frozen=True)
class Judged:
    """How a course's pair with a disagreeing PHQ-9 judges it (module docstring)."""

    set_aside: tuple[Score, ...] = ()  # Trial.conflicted: its readings differ on the failure
    unsettled: tuple[str, ...] = ()  # Trial.unsettled: the claims not claimed


def judge(trial: Trial, with_scores: Callable[..., Trial]) -> Judged:
    """The scores set aside when their readings differ on whether the course failed or was
    measured, else the claims (`CLAIMS`) the readings give differently; Judged() when they
    all agree or no score of the pair disagrees with its items."""
    outcomes = _outcomes(trial, with_scores)
    if _differing(outcomes, _DECIDING):
        pair = (trial.baseline, trial.on_treatment)
        return Judged(set_aside=tuple(s for s in pair if s is not None and s.total_conflict))
    return Judged(unsettled=_differing(outcomes, CLAIMS))


def set_aside(trial: Trial, with_scores: Callable[..., Trial]) -> tuple[Score, ...]:
    """The disagreeing scores of the course's pair when their readings differ on whether it
    failed (Trial.conflicted: the course is then judged without them, as before s27), else ()."""
    return judge(trial, with_scores).set_aside


def contradicted(fallback: Trial, trial: Trial, with_scores: Callable[..., Trial]) -> bool:
    """True when every reading of `trial`'s disagreeing pair gives one failure, response or
    remission claim and `fallback` (the course judged without those scores) the opposite one
    (an earlier remission beside readings 22 and 12): the fallback is then not the outcome."""
    outcomes = _outcomes(trial, with_scores)
    for name in ("failed", "response", "remission"):
        said = {o[name] for o in outcomes}
        held = getattr(fallback, name)
        if len(said) == 1 and None not in said and held is not None and held not in said:
            return True
    return False


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
