"""The outcome of a Trial (trial.py): response, remission, whether it failed, whether its
outcome was measured, and the windows and cut-offs those judgements read. `TrialOutcome` is the
base of the frozen Trial dataclass: these judgements read only the trial's own fields, which never
change, so the ones the rules ask of each trial again and again (issue 14: a typical first sight
asked `failed` 49 times of 3 trials, `outcome_before_adequate` 79 times) are computed once per
trial object and kept in a slot of their own (`kept`).

The kept values live in slots of this base class, not in the dataclass's fields: they take no
part in the Trial's equality, hash, repr, `dataclasses.fields`, `dataclasses.replace` or the
stored-record codec (a copy or a replaced trial computes its own again).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, TypeVar

from fhir_mapping.no_baseline import response_possible
from fhir_mapping.phq9_conflict_readings import conflicted_text, unsettled_words
from fhir_mapping.scale_outcomes import moderate_from as _scale_moderate_from
from fhir_mapping.scale_outcomes import remission_below as _scale_remission_below
from fhir_mapping.trial_parts import (
    _PHQ9,
    RESPONSE_FRACTION,
    Adherence,
    DoseSegment,
    Intolerance,
    RefillGap,
    Score,
    Verdict,
)

# Enum members compared per trial, as module constants: on Python 3.11 reading a member off its
# Enum class costs about ten times reading a global (issue 14).
_ADEQUATE = Verdict.ADEQUATE

# One slot per kept judgement (`kept`), named after it.
_KEPT_SLOTS = (
    "_kept_failed",
    "_kept_outcome_unmeasured",
    "_kept_outcome_inferred",
    "_kept_outcome_before_adequate",
    "_kept_response",
    "_kept_mild_residual",
)

# ... and one per judgement another module computes and keeps here the same way, with `kept` on
# a function of the trial: partial_response.py's (it imports Trial, so Trial cannot import it;
# asked 23 times of 3 trials on a typical first sight, issue 14).
_KEPT_ELSEWHERE = ("_kept_partial_response",)

T = TypeVar("T")
S = TypeVar("S", bound="TrialOutcome")


def kept(slot: str) -> Callable[[Callable[[S], T]], Callable[[S], T]]:
    """A judgement computed on its first reading and kept in `slot` (one of _KEPT_SLOTS or
    _KEPT_ELSEWHERE): the slot's own descriptor stores it, as the frozen dataclass's
    `__setattr__` would refuse. An unset slot reads as AttributeError, once per trial and
    judgement."""

    def keep(compute: Callable[[S], T]) -> Callable[[S], T]:
        def read(self: S) -> T:
            try:
                value: T = getattr(self, slot)
            except AttributeError:
                value = compute(self)
                _STORES[slot](self, value)  # (the class exists by the first reading)
            return value

        read.__name__ = compute.__name__
        read.__qualname__ = compute.__qualname__
        read.__doc__ = compute.__doc__
        read.__wrapped__ = compute  # type: ignore[attr-defined]  # (the tests compute afresh)
        return read

    return keep


class TrialOutcome:
    """The outcome judgements of a Trial, read off its fields (declared on Trial itself)."""

    __slots__ = _KEPT_SLOTS + _KEPT_ELSEWHERE

    if TYPE_CHECKING:  # Trial's fields these judgements read (trial.py documents each)
        ongoing: bool
        segments: tuple[DoseSegment, ...]
        adherence: Adherence
        verdict: Verdict
        baseline: Score | None
        on_treatment: Score | None
        remission_below: int
        intolerance: Intolerance | None
        on_hold: date | None
        unconfirmed_since: date | None
        feed_unfilled: bool
        adequate_from: date | None
        outcome_note: str | None
        held_scored_until: date | None
        failure_min_baseline: int
        episode_baseline: Score | None
        relapsed_from: Score | None
        conflicted: tuple[Score, ...]
        unsettled: tuple[str, ...]

    def scored_while_held(self, day: date) -> bool:
        """True when a score of `day` was taken after the course was put on hold, past the days
        a score is still the course's (`held_scored_until`): it does not decide the outcome."""
        held = self.on_hold
        if held is None:
            return False
        until = self.held_scored_until
        return day > (until if until is not None and until > held else held)

    @property
    def outcome_gap(self) -> RefillGap | None:
        """The supply gap the on-treatment PHQ-9 was taken in, else None (review 6 finding 1):
        a score taken off the drug does not decide the trial's outcome."""
        on_treatment = self.on_treatment
        if on_treatment is None:
            return None
        day = on_treatment.date
        for gap in self.adherence.supply_gaps:
            if gap.start <= day < gap.end:
                return gap
        # A score taken while the drug was held says nothing of it either (review 14 audit W4).
        for gap in (*self.adherence.held_gaps, *self.adherence.ward_held):
            if gap.start <= day < gap.end:
                return gap
        return None

    @property
    @kept("_kept_response")
    def response(self) -> bool | None:
        """>= 50 % drop in PHQ-9 from baseline (CANMAT 2023); None when either score is missing,
        or when the readings of a PHQ-9 of the pair whose total and items disagree give it
        differently (`unsettled`, review s27 K3 finding 2): not claimed either way."""
        if not (self.baseline and self.on_treatment) or "response" in self.unsettled:
            return None
        if self.baseline.value is None or self.on_treatment.value is None:
            return None
        if self.baseline.value == 0:
            return None
        return self.on_treatment.value <= self.baseline.value * RESPONSE_FRACTION

    @property
    def remission(self) -> bool | None:
        """PHQ-9 below the remission cut-off on treatment (CMS159: < 5), or the other scale's
        own cut-off when the pair is another scale's (`outcome_remission_below`). None when the
        readings of a disagreeing PHQ-9 give it differently (`unsettled`: remission to confirm)."""
        if self.on_treatment is None or self.on_treatment.value is None:
            return None
        if "remission" in self.unsettled:
            return None
        return self.on_treatment.value < self.outcome_remission_below

    @property
    def outcome_scale(self) -> str:
        """The scale the outcome pair is on: "PHQ-9", or another depression scale ("MADRS")
        when the course had no PHQ-9 on treatment but that scale before and on it
        (score_windows.py, review 13 W10). Both scores of the pair are always one scale's."""
        on_treatment = self.on_treatment
        return _PHQ9 if on_treatment is None else on_treatment.instrument

    @property
    def outcome_remission_below(self) -> int:
        """The remission cut-off (exclusive) of the outcome pair's scale: the clinic's PHQ-9
        cut-off (`remission_below`), else the other scale's (data/scale_outcomes.csv: MADRS
        <= 10 is < 11). `remission_below` itself stays the PHQ-9's: episode.py compares PHQ-9
        totals with it."""
        on_treatment = self.on_treatment
        if on_treatment is None or on_treatment.instrument == _PHQ9:
            return self.remission_below
        below = _scale_remission_below(on_treatment.instrument)
        return self.remission_below if below is None else below

    @property
    def outcome_moderate_from(self) -> int:
        """The moderate band's floor on the outcome pair's scale: the clinic's PHQ-9 value
        (`failure_min_baseline`), else the other scale's (data/scale_outcomes.csv:
        HAM-D17 17, MADRS 20, QIDS-SR16 11, BDI-II 20)."""
        on_treatment = self.on_treatment
        if on_treatment is None or on_treatment.instrument == _PHQ9:
            return self.failure_min_baseline
        floor = _scale_moderate_from(on_treatment.instrument)
        return self.failure_min_baseline if floor is None else floor

    @property
    def episode_responded(self) -> bool:
        """The score on treatment is a >= 50 % drop from the episode baseline
        (`episode_baseline`; CANMAT 2023 para 180): PHQ-9 19 at the episode's start, 9 on
        escitalopram, 8 on sertraline is a response of the episode without remission, whose
        residual symptoms are optimised, not escalated on. Not halved (14 -> 9 -> 8): the
        episode is failing, and the course is judged on its own pair. False without one, or
        when the readings of a disagreeing PHQ-9 give it differently (`unsettled`)."""
        peak, on_treatment = self.episode_baseline, self.on_treatment
        if peak is None or on_treatment is None or peak.value is None:
            return False
        if "episode_responded" in self.unsettled:
            return False
        after = on_treatment.value
        return after is not None and after <= peak.value * RESPONSE_FRACTION

    @property
    @kept("_kept_mild_residual")
    def mild_residual(self) -> bool:
        """Baseline below the moderate band (PHQ-9 < 10: mild or none) and the score on
        treatment still below it, without remission and without a >= 50 % drop (review 15 W1),
        in an episode never moderate or worse before it or one that has since responded
        (`episode_baseline`, `episode_responded`):
        whether the drug failed cannot be judged from such a pair (a 50 % drop from 9 is 4
        points), and the score on it is residual mild symptoms, which CANMAT 2023 meets by
        optimising the dose and adding psychological treatment (Figure 7.1, paras 185-187), not
        by switching or an adjunct. Never a failed trial (`failed`). False when the readings of a
        disagreeing PHQ-9 give it differently (`unsettled`)."""
        baseline, on_treatment = self.baseline, self.on_treatment
        if baseline is None or on_treatment is None or "mild_residual" in self.unsettled:
            return False
        before, after = baseline.value, on_treatment.value
        if before is None or after is None or before == 0:
            return False
        floor = self.outcome_moderate_from
        return (
            (self.episode_baseline is None or self.episode_responded)
            and before < floor
            and after < floor
            and after >= self.outcome_remission_below
            and not after <= before * RESPONSE_FRACTION
        )

    @property
    @kept("_kept_outcome_before_adequate")
    def outcome_before_adequate(self) -> bool:
        """The on-treatment PHQ-9 (the latest) was taken before the course became adequate
        (`adequate_from`) and shows neither response nor remission (review 7 finding 6): no
        PHQ-9 since the trial became adequate says whether it failed. REFERENCE.md 0.2: 4 to
        < 6 weeks is "possibly adequate - review", so a week-5 score cannot prove the failure
        of an adequate trial; a response or remission at week 5 is still one."""
        adequate_from, on_treatment = self.adequate_from, self.on_treatment
        if adequate_from is None or on_treatment is None or on_treatment.value is None:
            return False
        if on_treatment.date >= adequate_from or on_treatment.value < self.outcome_remission_below:
            return False
        baseline = self.baseline
        if baseline is None or baseline.value is None or baseline.value == 0:
            return True  # response unknown
        return not on_treatment.value <= baseline.value * RESPONSE_FRACTION

    @property
    @kept("_kept_outcome_unmeasured")
    def outcome_unmeasured(self) -> bool:
        """No PHQ-9 total on treatment, or none since the course became adequate that could
        show its failure (`outcome_before_adequate`): whether it failed is not measured."""
        on_treatment = self.on_treatment
        if on_treatment is None or on_treatment.value is None:
            return True
        return self.adequate_from is not None and self.outcome_before_adequate

    @property
    def unmeasured_text(self) -> str:
        """Why the outcome is not measured, as cards say it: "no PHQ-9 on treatment", or "no
        PHQ-9 since it became adequate (2025-05-26)" when the only score predates that."""
        if self.conflicted:
            # Set aside: its readings give different outcomes (phq9_conflict_readings.py).
            return (
                f"{conflicted_text(self.conflicted)}: each reading gives a different outcome, "
                "check the form"
            )
        if self.adequate_from is not None and self.outcome_before_adequate:
            return f"no PHQ-9 since it became adequate ({self.adequate_from.isoformat()})"
        if self.outcome_note is not None:
            return f"no PHQ-9 on treatment ({self.outcome_note})"
        return "no PHQ-9 on treatment"

    @property
    def unsettled_text(self) -> str:
        """ "remission to confirm (PHQ-9 5 on 2025-06-10, total filed 4, items sum to 5: the
        readings differ on it, check the form)": the claims the readings of a disagreeing PHQ-9
        give differently (`unsettled`, review s27 K3 finding 2); "" when none."""
        if not self.unsettled:
            return ""
        pair = (s for s in (self.baseline, self.on_treatment) if s is not None)
        return (
            f"{unsettled_words(self.unsettled)} ({conflicted_text(pair)}: "
            "the readings differ on it, check the form)"
        )

    @property
    def response_not_ruled_out(self) -> bool:
        """No baseline score, and the score on treatment could be a >= 50 % drop from one
        (no_baseline.py, review K69a finding 4: PHQ-9 6 with no baseline was "failed"): the
        response is not measurable, so no failure is shown."""
        baseline, after = self.baseline, self.on_treatment
        if baseline is not None and baseline.value is not None:
            return False
        if after is None or after.value is None:
            return False
        return response_possible(after.value, after.instrument)

    @property
    @kept("_kept_outcome_inferred")
    def outcome_inferred(self) -> bool:
        """Counted as failed with no PHQ-9 on treatment: the failure was read from the course
        having stopped (Fabbri 2021 EHR phenotype), not measured; every card that counts it says
        so."""
        return self.failed and self.outcome_unmeasured

    @property
    @kept("_kept_failed")
    def failed(self) -> bool:
        """An adequate trial without response or remission: counts toward treatment resistance.

        For a course that has ended, a missing on-treatment score is not evidence of response:
        stopping or switching is read as failure and the card says the outcome was inferred (the
        Fabbri 2021 EHR phenotype counts a switch after >= 6 weeks as a failure). A course still
        running with no on-treatment score has no outcome yet: it is not counted as failed, so no
        switch, augmentation or TMS is proposed on an unmeasured trial (the safer reading; the
        measurement-based-care card asks for the PHQ-9 instead).
        """
        if self.verdict is not _ADEQUATE or self.feed_unfilled:
            return False  # (feed_unfilled: never judged a trial, unfilled_order.py)
        # `remission is not True and response is not True`, read straight off the scores: the
        # rules ask this of every trial several times per card (issue 14).
        on_treatment = self.on_treatment
        if on_treatment is None or on_treatment.value is None:
            # Outcome unmeasured: neither remission nor response known. A course stopped for a
            # documented intolerance (nausea) was stopped for that, not for lack of effect: no
            # failure is read from the stop (audit 13 WRONG 4); it counts as not tolerated.
            # Nor from a course whose PHQ-9 was set aside because its total and items give
            # different outcomes (`conflicted`, review s27 RB 1): the record shows a score, and
            # which outcome it shows is to check, so no failure is claimed.
            return not self.ongoing and self.intolerance is None and not self.conflicted
        if self.adequate_from is not None and self.outcome_before_adequate:
            # No PHQ-9 since the course became adequate (review 7 finding 6): read exactly as
            # no PHQ-9 on treatment: a running course has no outcome yet, an ended one is an
            # inferred failure (outcome_inferred), never a measured one; and, as there, not
            # one stopped for its intolerance (review K61b finding 6: aripiprazole stopped for
            # akathisia a week after it became adequate was called failed).
            return not self.ongoing and self.intolerance is None
        if self.relapsed_from is not None:
            # Response or remission on the drug, then a relapse on it (relapse_on_drug.py, review
            # s23 RC finding 1): not an inadequate response; the clinician judges whether it
            # counts (to confirm), the safer reading before a TMS referral rests on it.
            return False
        if self.scored_while_held(on_treatment.date):
            return False  # scored while the drug was held (review 6 finding 3): to confirm
        if self.unconfirmed_since is not None and (
            not self.segments or on_treatment.date >= self.segments[-1].end
        ):
            return False  # scored after the time the record confirms (review 6 finding 11)
        if (
            self.adherence.supply_gaps or self.adherence.held_gaps
        ) and self.outcome_gap is not None:
            # Scored with no drug on hand (review 6 finding 1): a relapse off the drug, or a score
            # that says nothing of the drug; never a failure of it. "To confirm", not counted: the
            # safer reading for a TMS referral and a payer packet.
            return False
        if on_treatment.value < self.outcome_remission_below:
            return False  # remission (the PHQ-9's cut-off, or the other scale's)
        baseline = self.baseline
        if baseline is None or baseline.value is None:
            # No baseline (review K69a finding 4): failed only when no baseline the scale allows
            # makes the score a response (no_baseline.py); else "failure not shown".
            return not self.response_not_ruled_out
        if baseline.value == 0:
            return True  # no drop from 0: no response
        floor = self.outcome_moderate_from
        if (
            baseline.value < floor
            and on_treatment.value < floor
            and (self.episode_baseline is None or self.episode_responded)
        ):
            # From a mild baseline to residual mild symptoms (`mild_residual`, review 15 W1):
            # not a failure the pathway escalates on. A score at the floor or above on
            # treatment (worse than the mild baseline) still is one.
            return False
        return not on_treatment.value <= baseline.value * RESPONSE_FRACTION


# Each kept slot's own descriptor stores a value (a frozen dataclass refuses `setattr`).
_STORES: dict[str, Callable[[TrialOutcome, object], None]] = {
    name: TrialOutcome.__dict__[name].__set__ for name in _KEPT_SLOTS + _KEPT_ELSEWHERE
}
