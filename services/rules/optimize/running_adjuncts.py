"""The monitoring lines of an adjunct already running, at the end of the augment paragraph
(augment.py): lithium with its last level, creatinine and eGFR; liothyronine; an antipsychotic
with its glucose/HbA1c and lipids since it started (review 7 findings 1 and 4); one with an
adverse effect on record named with it, never "monitor for" it (review 13 U2, U3).

Apart from augment.py because it reads the adjuncts taken, not the ones to add.
"""

from __future__ import annotations

from services import drug_rules, lab_safety, pathway_options, trial_dates
from services.rules import adjunct_harm
from services.rules.context import RuleContext


def running_adjunct_lines(ctx: RuleContext) -> list[str]:
    """Monitoring of an adjunct already running: lithium, liothyronine, an antipsychotic. The
    lithium line names the last level, creatinine and eGFR with their dates, and the
    antipsychotic line the glucose/HbA1c and lipids since it started (review 7 findings 1 and 4:
    the card recited the schedule beside a level of 1.4 mmol/L it never read)."""
    lines = []
    for t in ctx.facts.augmentations:
        if not t.ongoing:
            continue
        harm = adjunct_harm.harm_of(ctx, t.ingredient)
        if harm is not None:
            # Not "monitor for tardive dyskinesia" beside tardive dyskinesia on record, nor
            # "liothyronine: running" beside AF on it (review 13 U2, U3): the adverse effect is
            # named and the card that says what to do.
            metabolic = (
                f"; {lab_safety.metabolic_text(ctx.record, t.start)}"
                if drug_rules.is_antipsychotic(t.drug_class)
                else ""
            )
            lines.append(
                f"{t.ingredient.capitalize()} running with {harm.names} on record: "
                f"{adjunct_harm.action(harm)} (adverse-effect card){metabolic}."
            )
            continue
        row = pathway_options.monitoring_for(t.ingredient)
        if row is not None:
            line = pathway_options.adjunct_line(
                t.ingredient, "", ctx.record.patient.age, ctx.policy
            )
            labs = (
                f"; {lab_safety.lithium_level_text(ctx.record, ctx.policy)}"
                if t.ingredient == "lithium"
                else ""
            )
            # Its start named (review 13 W8: "lithium running since 2024-01-15", also when it
            # started before this episode).
            since = trial_dates.start_text(t)
            lines.append(f"{line[:1].upper()}{line[1:]}: running since {since}{labs}.")
        elif drug_rules.is_antipsychotic(t.drug_class):
            lines.append(
                f"{t.ingredient.capitalize()} running: "
                f"{pathway_options.antipsychotic_monitoring()}; "
                f"{lab_safety.metabolic_text(ctx.record, t.start)}."
            )
    return lines
