"""A long-acting injectable antipsychotic whose cover ran out within its tail: still acting, so
no second antipsychotic in one click (fix lai62, lai61's leftover).

Abilify Maintena 400 mg given 52 days before as-of (cover 45 days: injection_courses.py) read
as stopped: "Adjuncts already used: aripiprazole" and brexpiprazole in one click, with no word
of the missed injection. Its half-life is weeks, so a second antipsychotic started now overlaps
it, and the injections may well continue (a missed or uncharted dose). Within the tail
(fhir_mapping/data/injection_intervals.csv `tail_days`) the antipsychotic adjuncts are named as
text only and the card asks whether the injections continue; beyond it, as before (the drug is
read as gone). The safer error: a held one click costs a confirmation, a doubled antipsychotic
costs the patient.
"""

from __future__ import annotations

from fhir_mapping.record import Trial
from services import drug_rules
from services.rules.context import RuleContext


def lapsed_injections(ctx: RuleContext) -> list[Trial]:
    """The ended long-acting antipsychotic courses still acting on as-of, latest injection first;
    none of a drug that runs again (its running course is the card's, running_antipsychotics)."""
    trials = ctx.record.trials
    running = {t.ingredient for t in trials if t.ongoing}
    found = [
        t
        for t in trials
        if not t.ongoing
        and t.injection_tail is not None
        and t.ingredient not in running
        and drug_rules.is_antipsychotic(t.drug_class)
        and t.injection_tail.acting_after_cover(ctx.record.as_of)
    ]
    return sorted(found, key=lambda t: t.injection_tail.last_given if t.injection_tail else t.end)


def holds_antipsychotic(ctx: RuleContext, drug_class: str) -> bool:
    """Whether a one-click adjunct of `drug_class` is held for a lapsed injection."""
    return drug_rules.is_antipsychotic(drug_class) and bool(lapsed_injections(ctx))


def still_acting(t: Trial) -> str:
    """ "aripiprazole (long-acting injection): last injection 2025-04-10 (cover to 2025-05-24):
    still acting for weeks after a missed dose: confirm whether injections continue before
    adding another antipsychotic": the words every card says of a lapsed course (the adjunct
    list, the psychotic-features regimen and the order-sign stacking check: fix lai63)."""
    tail = t.injection_tail
    given = "" if tail is None else f": last injection {tail.last_given.isoformat()}"
    cover = "" if tail is None else f" (cover to {tail.cover_end.isoformat()})"
    # Fix care67: a product read from the dose alone, or a dose no product has, is said.
    read = f"; {tail.product_note}" if tail is not None and tail.product_note else ""
    return (
        f"{t.ingredient} (long-acting injection{read}){given}{cover}: still acting for weeks after a "
        "missed dose: confirm whether injections continue before adding another antipsychotic"
    )


def holds_regimen(ctx: RuleContext, drug_class: str) -> str | None:
    """Why the psychotic-features regimen's antipsychotic of `drug_class` is not one click beside
    a lapsed injection (fix lai63: Maintena 400 mg 52 days before, olanzapine was one click),
    else None."""
    if not holds_antipsychotic(ctx, drug_class):
        return None
    return "; ".join(still_acting(t) for t in lapsed_injections(ctx))


def lines(ctx: RuleContext) -> list[str]:
    """ "Aripiprazole (long-acting injection): last injection 2025-04-10 (cover to 2025-05-24):
    still acting for weeks after a missed dose: ..." per lapsed course."""
    out = []
    for t in lapsed_injections(ctx):
        if t.injection_tail is None:
            continue
        text = still_acting(t)
        out.append(
            f"{text[:1].upper()}{text[1:]} (an antipsychotic adjunct is named here, not offered "
            "as a ready-to-accept order)."
        )
    return out
