"""An antidepressant taken in one tablet with another drug (review s22 RU findings 4 and 5): what
a dose-first step means for the other part, said on the optimise card.

Amitriptyline/perphenazine (RxNorm 856797 and kin) at 75 mg/day with no response read "switch to
a non-TCA mechanism or augment", with no raise and no reason, while amitriptyline/chlordiazepoxide
at the same 75 mg read "raise amitriptyline from 75 toward 150" and never named the
chlordiazepoxide that the raise increases too.

The choice, written down: the card keeps going straight to the next step for the perphenazine
product, and says why. The perphenazine is an antipsychotic adjunct already added (it counts as
augmentation in the Maudsley staging, as any adjunct running beside the course does), and a course
already augmented is past the dose-first step (dose_first.py). More of the tablet is also more
perphenazine; raising the amitriptyline alone means splitting the combination into two
products, which the prescriber may choose but this card does not propose (the safer reading: a
one-click raise of the combination would raise an antipsychotic nobody chose to raise). The
chlordiazepoxide product keeps its raise (chlordiazepoxide is no adjunct to the depression), and
the raise names the benzodiazepine it brings with it.
"""

from __future__ import annotations

from fhir_mapping.record import Role, Trial
from services import cards
from services.rules.context import RuleContext
from services.rules.optimize.partial import adjunct_added
from services.rules.optimize.room import room


def partners(ctx: RuleContext, trial: Trial) -> tuple[Trial, ...]:
    """The other running parts of the combination product `trial` was read from, or ()."""
    product = trial.product
    if product is None or not trial.ongoing:
        return ()
    return tuple(
        t
        for t in ctx.record.trials
        if t.ongoing
        and t.ingredient != trial.ingredient
        and t.product is not None
        and t.product.name == product.name
    )


def _dose(trial: Trial) -> str:
    """ "30 mg/day", or "" when not read."""
    mg = trial.current_mg_per_day
    return f"{cards.fmt_mg(mg)} mg/day" if mg is not None else ""


def raise_line(ctx: RuleContext, trial: Trial) -> str | None:
    """ "Taken as amitriptyline/chlordiazepoxide: more of the combination is more chlordiazepoxide too
    (chlordiazepoxide 30 mg/day now); raising amitriptyline alone means a separate amitriptyline
    product." """
    others = partners(ctx, trial)
    if not others or trial.product is None:
        return None
    names = " and ".join(t.ingredient for t in others)
    doses = ", ".join(f"{t.ingredient} {_dose(t)}" for t in others if _dose(t))
    now = f" ({doses} now)" if doses else ""
    return (
        f"Taken as {trial.product.name}: more of the combination is more {names} too{now}; raising "
        f"{trial.ingredient} alone means a separate {trial.ingredient} product."
    )


def held_line(ctx: RuleContext, trial: Trial) -> str | None:
    """Why a failed course with room to raise gets no dose-first step when its adjunct is part of
    the same tablet (amitriptyline/perphenazine); None otherwise."""
    if not trial.ongoing or trial.role is not Role.ANTIDEPRESSANT:
        return None
    if trial not in ctx.facts.failed_trials or room(ctx, trial) is None:
        return None
    adjunct = adjunct_added(ctx, trial)
    if adjunct is None or adjunct not in partners(ctx, trial) or trial.product is None:
        return None
    dose = f" {_dose(adjunct)}" if _dose(adjunct) else ""
    kind = adjunct.drug_class or "adjunct"
    article = "an" if kind[:1] in "aeiou" else "a"
    return (
        f"**Dose first not proposed:** {trial.ingredient} is taken as {trial.product.name}, one "
        f"product with {adjunct.ingredient}{dose} ({article} {kind}). The {adjunct.ingredient} "
        "counts as an adjunct already added, so the next step is a switch or another adjunct, "
        f"and a higher dose of the combination may mean more {adjunct.ingredient} too. Raising "
        f"{trial.ingredient} alone (a strength with the same {adjunct.ingredient}, or separate "
        "products) is the prescriber's choice, not proposed here."
    )
