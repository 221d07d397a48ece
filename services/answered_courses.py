"""A course not adequate that a later adequate course of the same drug has since answered (RC
review s23 finding 4): sertraline 25 mg/day in 2021, then sertraline 150 mg/day for 13 weeks in
2025. The adherence card asked to "review dose and adherence before counting failures" for the 2021
course, a question the 2025 course already answers: the drug had its fair test, and that test is
the one counted (once: trial_count). So is a course stopped for pregnancy (statusReason `preg`,
finding 5): its stop reason answers "missed doses, side effects or cost?". Dropped from the
adherence card only; the timeline and the trial table still list it.

Apart from adherence_review.py because it is one judgement across a drug's courses, not about one
course's adequacy.
"""

from __future__ import annotations

from collections.abc import Iterable

from fhir_mapping.record import Trial, Verdict


def already_answered(trial: Trial, trials: Iterable[Trial]) -> bool:
    """Whether a finished course not adequate is answered already: a later adequate course of the
    same drug in `trials` (started after it): that course, not this one, is the drug's test; or
    its record states a stop reason that is no failure and no side effect (Trial.stopped_for:
    pregnancy). A running course is never superseded (its question is live)."""
    if trial.verdict is not Verdict.INADEQUATE or trial.ongoing:
        return False
    if trial.stopped_for is not None:
        # Stopped for pregnancy, an admission, surgery (RC s23 finding 5): the stop reason
        # answers the card's question ("missed doses, side effects and cost?"); not a failure.
        return True
    return any(
        other.ingredient == trial.ingredient
        and other.verdict is Verdict.ADEQUATE
        and other.start > trial.start
        for other in trials
    )
