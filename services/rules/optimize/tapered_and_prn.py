"""Running courses the optimise card sets apart: the antidepressants being tapered to a stop when
no other continues (`tapering`: no adjunct has a base to be added to, review 10 recheck R4), and
the antipsychotics taken only as needed (`as_needed_antipsychotics`, with the card's line on them:
not augmentation, but a second antipsychotic would run beside them, review 10 recheck R5).

Apart from optimize_switch_augment.py because they read the running courses, not the card's
choice; optimize_switch_augment re-exports `as_needed_antipsychotics` and `tapering`.
"""

from __future__ import annotations

from fhir_mapping.drug_table import DrugInfo
from fhir_mapping.record import Role, Trial
from services import cards, drug_rules
from services.rules.context import RuleContext
from services.rules.optimize.card import taper_steps
from services.rules.optimize.wording import dose_text

_ANTIDEPRESSANT = Role.ANTIDEPRESSANT


def tapering(ctx: RuleContext) -> tuple[Trial, ...]:
    """The running antidepressants being tapered to a stop (card.taper_steps), when no other
    antidepressant continues (review 10 recheck R4): then no adjunct has a base to be added to.
    Empty otherwise (nearly every chart)."""
    running = [t for t in ctx.facts.ongoing_trials if t.role is _ANTIDEPRESSANT]
    tapered = tuple([t for t in running if taper_steps(t) is not None])
    return tapered if tapered and len(tapered) == len(running) else ()


def as_needed_antipsychotics(ctx: RuleContext) -> tuple[Trial, ...]:
    """Antipsychotics running only as needed (courses.running_antipsychotics leaves them out):
    not augmentation, but a second antipsychotic would run beside them (review 10 recheck R5)."""
    return tuple(
        [
            t
            for t in ctx.record.trials
            if t.ongoing
            and t.segments
            and t.segments[-1].as_needed
            and drug_rules.is_antipsychotic(t.drug_class)
        ]
    )


def as_needed_line(ctx: RuleContext, remaining: tuple[DrugInfo, ...]) -> str:
    """ "Quetiapine taken as needed (quetiapine 25 mg as needed): not counted as antipsychotic
    augmentation; stop it if aripiprazole or brexpiprazole is started, so two antipsychotics do
    not run together." "" when none is taken as needed."""
    prn = as_needed_antipsychotics(ctx)
    if not prn:
        return ""
    names = " and ".join(
        f"{t.ingredient.capitalize()} taken as needed ({dose_text(t)})" for t in prn
    )
    adjuncts = [d.ingredient for d in remaining if drug_rules.is_antipsychotic(d.drug_class)]
    if not adjuncts:
        return f"{names}: not counted as antipsychotic augmentation."
    return (
        f"{names}: not counted as antipsychotic augmentation; stop it if "
        f"{cards.or_list(adjuncts)} is started, so two antipsychotics do not run together."
    )
