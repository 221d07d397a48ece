"""How a proposed regimen's doses are worded: a labelled start dose and the titration to the
regimen's target, or one labelled step toward it for a drug already running below the range
(review 18a W2: STOP-PD's doses are targets reached by titration, never a first day's dose).
The steps and cites are data (services/data/start_doses.csv, services/start_doses.py)."""

from __future__ import annotations

from fhir_mapping.record import Trial
from services import cards, start_doses
from services.card_format import plural
from services.drug_rules import Regimen
from services.rules.optimize.wording import dose_text


def steps(start: start_doses.StartDose, by: float | None = None) -> str:
    """ "by 5 mg no sooner than weekly"; `by`, the raise proposed when it is smaller than the
    labelled step: "by 5 mg no sooner than weekly, within the label's 10 mg step" (dose62, review K58a
    finding 6: "to 20 mg/day (by 10 mg ..." for a raise from 15 to 20)."""
    every = "weekly" if start.step_min_days == 7 else f"every {plural(start.step_min_days, 'day')}"
    step = f"{cards.fmt_mg(start.step_mg)} mg"
    if by is not None and 0 < by < start.step_mg:
        return f"by {cards.fmt_mg(by)} mg no sooner than {every}, within the label's {step} step"
    return f"by {step} no sooner than {every}"


def raise_toward_range(regimen: Regimen, ingredient: str, mg: float) -> tuple[str, float, str]:
    """The label, dose and note of raising a running antipsychotic below the regimen's range: one
    labelled step (olanzapine: 5 mg, at least a week apart), never a jump to the target (review
    18a W2: 5 mg/day to 15 in one order); the last step reaches the range's floor."""
    floor = regimen.antipsychotic_min_mg
    target = f"{cards.fmt_mg(floor)}-{cards.fmt_mg(regimen.antipsychotic_max_mg)} mg/day"
    start = start_doses.start_dose(ingredient)
    if start is None or start.next_step(mg, floor) >= floor:
        return (
            f"Raise {ingredient} to {cards.fmt_mg(floor)} mg/day ({regimen.name})",
            floor,
            f"Antipsychotic-range dose for psychotic depression ({regimen.name}).",
        )
    to_mg, step = start.next_step(mg, floor), steps(start)
    return (
        f"Raise {ingredient} to {cards.fmt_mg(to_mg)} mg/day (a step toward {target}, "
        f"{regimen.name})",
        to_mg,
        f"One step ({start.cite}: {step}) toward the antipsychotic-range target {target} for "
        f"psychotic depression ({regimen.name}); raise again {step} as tolerated.",
    )


def start_note(start: start_doses.StartDose, target: str, purpose: str) -> str:
    """An order's note: its start dose, then the titration to the regimen's target."""
    return (
        f"Start dose {cards.fmt_mg(start.start_mg)} mg/day ({start.cite}); raise {steps(start)} "
        f"to the target {target} ({purpose}), as tolerated."
    )


def below_target(regimen: Regimen, trial: Trial, trials: str) -> str:
    """ "**Sertraline below the STOP-PD target:** sertraline 50 mg/day is below the STOP-PD
    target of 150-200 mg/day (trials): raise it by 50 mg no sooner than weekly (sertraline label,
    MDD) toward the target, as tolerated." for the regimen's antidepressant running below the
    regimen's range; "" at or above it, or when the running dose was not read (review 19 r02)."""
    mg = trial.current_mg_per_day
    if mg is None or mg >= regimen.antidepressant_min_mg:
        return ""
    target = (
        f"{cards.fmt_mg(regimen.antidepressant_min_mg)}-"
        f"{cards.fmt_mg(regimen.antidepressant_max_mg)} mg/day"
    )
    start = start_doses.start_dose(trial.ingredient)
    how = f" {steps(start)} ({start.cite})" if start is not None else ""
    return (
        f"**{trial.ingredient.capitalize()} below the {regimen.name} target:** "
        f"{dose_text(trial)} is below the {regimen.name} target of {target} ({trials}): raise "
        f"it{how} toward the target, as tolerated."
    )
