"""The current trial "not measured" only because its PHQ-9 was filed without a total (audit 17
M5): the optimise card asks to score that form, as the measurement card does
(services/phq9_no_total.py), rather than "repeat the PHQ-9" beside a card that says "score it".
"""

from __future__ import annotations

from collections.abc import Sequence

from fhir_mapping.record import Score, Trial
from services import phq9_disagreements, phq9_no_total
from services.rules.context import RuleContext


def form_on(ctx: RuleContext, trial: Trial) -> Score | None:
    """The latest PHQ-9 filed without a total since `trial` started and after the latest total,
    or None."""
    latest = ctx.facts.latest_phq9
    return phq9_no_total.latest_untotalled(
        ctx.record, trial.start, latest.date if latest is not None else None
    )


def unmeasured_text(ctx: RuleContext, trial: Trial) -> str:
    """What the "Current trial not measured" line says of `trial` after its dose and start:
    "has no PHQ-9 on treatment" as before, or "has a PHQ-9 without a total on 2025-05-26"."""
    form = form_on(ctx, trial)
    if form is None:
        return f"has {trial.unmeasured_text}"
    so_far = phq9_no_total.unfinished(ctx.record, form)
    if so_far:  # a form not finished: named with its total so far (review s34 K39a finding 4)
        return f"has a PHQ-9 not finished on {form.date.isoformat()} ({so_far}, not final)"
    return f"has a PHQ-9 without a total on {form.date.isoformat()}"


def ask(ctx: RuleContext, blind: Sequence[Trial]) -> str:
    """The ask of the "Current trial not measured" line: score the form filed without a total
    (phq9_no_total.ASK), complete one not finished, else "repeat the PHQ-9"."""
    forms = [f for t in blind if (f := form_on(ctx, t)) is not None]
    if not forms and blind and all(t.conflicted for t in blind):
        # A score whose total and items disagree is on record: the form is checked first, as
        # the measurement card asks (care65, review K65b finding 5).
        # (unmeasured_text already ends "check the form").
        return "if it cannot be checked, repeat the PHQ-9"
    if not forms:
        return "repeat the PHQ-9"
    return phq9_no_total.ask(ctx.record, forms[0])


def heading(blind: Sequence[Trial]) -> str:
    """ "**Current trial not measured:**", or "**Current trial's PHQ-9 to check:**" when every
    such trial has a PHQ-9 on record whose total and items give different outcomes
    (Trial.conflicted): a score that exists but conflicts is not "not measured" (care65)."""
    if blind and all(t.conflicted for t in blind):
        return "**Current trial's PHQ-9 to check:**"
    return "**Current trial not measured:**"


def conflicted_summary(trial: Trial) -> str:
    """ "citalopram's PHQ-9 of 2026-11-15: total filed 13, items sum to 10: check the form", the
    optimise summary's words for a current trial judged on no score because its PHQ-9's
    readings give different outcomes (Trial.conflicted); "" for any other trial. The outcome
    stays unclaimed either way (the safer reading, phq9_conflict_readings.py: no switch or
    augmentation offered as an order on an outcome the record does not settle); only the words
    change, so the card no longer says "not measured yet" beside the measurement card's
    "check the form" (care65, review K65b finding 5)."""
    if not trial.conflicted:
        return ""
    score = trial.conflicted[-1]
    said = phq9_disagreements.conflict_words(score, dated=False)
    return f"{trial.ingredient}'s PHQ-9 of {score.date.isoformat()}: {said}"


def summary_words(ctx: RuleContext, form: Score) -> tuple[str, str]:
    """What the optimise summary says of the form and asks: ("has no total", "score it"), or
    ("is in progress, total 23 as filed (not final)", "complete it")."""
    so_far = phq9_no_total.unfinished(ctx.record, form)
    if so_far:
        return f"is {so_far} (not final)", "complete it"
    return "has no total", "score it"
