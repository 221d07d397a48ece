"""The age-limit line of a QTc order card (order_checks/qtc.py): the drafted or running dose
above the drug's older-adult limit, named on the QTc card so a reader of one card sees the other
(both limits are about the same QT risk). Apart from qtc.py to keep each module to one idea and
under 400 lines."""

from __future__ import annotations

from fhir_mapping.record import DoseBasis, DraftOrder
from services import age_limits, cards
from services.order_doses import draft_dose, trial_dose
from services.rules import running_dose
from services.rules.context import RuleContext


def age_line(ctx: RuleContext, draft: DraftOrder) -> str | None:
    """The line naming the age-limit card beside this QTc card: the drafted daily dose above the
    drug's older-adult limit (order_checks/doses.py `age_check`'s card), else a running course of
    it above the limit (the patient-view card, services/rules/age_dose_limit.py). Both limits are
    about the same QT risk, so a reader of one card sees the other."""
    age = ctx.record.patient.age
    limit = age_limits.limit_for(draft.ingredient, age)
    if limit is None:
        return None
    top = f"{limit.labelled(cards.fmt_mg(limit.max_mg))} from age {limit.min_age}"
    if draft.dose_basis is DoseBasis.DAILY and age_limits.exceeded(
        draft.ingredient, age, draft.mg_per_day_upper
    ):
        return f"**Age-limit card:** at {age}, {draft_dose(draft)} is above the {top}."
    for trial in ctx.facts.ongoing_trials:
        # The age-limit card's own reading: a dose to confirm at its highest.
        read = running_dose.ceiling_reading(trial)
        if (
            trial.ingredient == draft.ingredient
            and trial.dose_basis is DoseBasis.DAILY
            and age_limits.exceeded(trial.ingredient, age, read.mg)
        ):
            if read.to_confirm and read.mg is not None:
                return (
                    f"**Age-limit card:** at {age}, the running dose, "
                    f"{running_dose.to_confirm_text(read.mg)}, may be above the {top}."
                )
            return (
                f"**Age-limit card:** at {age}, the running {trial_dose(trial)} is above the {top}."
            )
    return None
