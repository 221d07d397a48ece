"""The current trial "not measured" only because its PHQ-9 was filed without a total (audit 17
M5): the optimise card asks to score that form, as the measurement card does
(services/phq9_no_total.py), rather than "repeat the PHQ-9" beside a card that says "score it".
"""

from __future__ import annotations

from fhir_mapping.record import Score, Trial
from services import phq9_no_total
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
    return f"has a PHQ-9 without a total on {form.date.isoformat()}"
