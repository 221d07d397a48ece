"""The augment section: first-line adjuncts (CANMAT 2023 Table 7.2) not used yet, second-line
ones with their targets and monitoring, and the monitoring of an adjunct already running."""

from __future__ import annotations

from fhir_mapping.drug_table import DrugInfo
from services import cards, drug_rules, drugs, lab_safety, pathway_options
from services.drugs import SECOND_LINE as SECOND_LINE  # kept importable from here
from services.rules import populations
from services.rules.context import RuleContext
from services.rules.optimize.courses import not_tolerated, running_antipsychotics
from services.rules.optimize.orders import first_line_adjuncts
from services.rules.optimize.wording import dose_text


def second_line_non_antipsychotics(ctx: RuleContext, used: set[str]) -> list[str]:
    # Used, running or not tolerated: read once, not once per drug of the table.
    excluded = used | {t.ingredient for t in ctx.record.trials if t.ongoing} | not_tolerated(ctx)
    # Esketamine is named with the options beyond medication (its REMS, its indications).
    beyond = pathway_options.options()
    return [
        d.ingredient
        for d in ctx.drug_lines.second_line_augmenters
        if not drug_rules.is_antipsychotic(d.drug_class)
        and d.ingredient not in excluded
        and d.ingredient not in beyond
        and populations.never(ctx, d.ingredient, d.drug_class) is None
        and ctx.facts.caution_for(d.ingredient) is None
    ]


def augment_section(
    ctx: RuleContext, used: set[str], remaining: tuple[DrugInfo, ...] | None = None
) -> str:
    """`remaining`: `first_line_adjuncts(ctx, used)` when the caller has them already."""
    lines = []
    if used:
        lines.append(f"Adjuncts already used in this episode: {', '.join(sorted(used))}.")
    stacked = running_antipsychotics(ctx)
    if stacked:
        lines.append(
            f"An antipsychotic is already running ({', '.join(dose_text(t) for t in stacked)}): a "
            "second antipsychotic is not proposed; optimise or replace the one running."
        )
    if remaining is None:
        remaining = first_line_adjuncts(ctx, used)
    if remaining:
        ranges = [
            f"{d.ingredient} {cards.fmt_mg(d.min_adequate_mg)}-{cards.fmt_mg(d.max_mg)} mg/day"
            for d in remaining
        ]
        watch = (
            f" (antipsychotics: {pathway_options.antipsychotic_monitoring()})"
            if any(drug_rules.is_antipsychotic(d.drug_class) for d in remaining)
            else ""
        )
        lines.append(f"First-line adjuncts (CANMAT 2023 Table 7.2): {', '.join(ranges)}{watch}.")
        second = _second_line_named(ctx, used)
        if second:
            lines.append(f"Second line: {', '.join(second)}.")
        held: dict[str, list[str]] = {}
        for d in remaining:
            why = populations.text_only(ctx, d.ingredient, d.drug_class)
            if why is not None:
                held.setdefault(why.reason(), []).append(d.ingredient)
        for reason, names in held.items():
            lines.append(
                f"{' and '.join(names)}: named here, not offered as a ready-to-accept order: "
                f"{reason}."
            )
    elif stacked:
        others = second_line_non_antipsychotics(ctx, used)
        if others:
            lines.append(
                f"Non-antipsychotic adjuncts (CANMAT 2023 Table 7.2, second line): "
                f"{', '.join(_with_monitoring(others))}."
            )
    else:
        others = second_line_non_antipsychotics(ctx, used)
        named = f": {', '.join(_with_monitoring(others))}" if others else ""
        lines.append(f"First-line adjuncts already used; second line (Table 7.2){named}.")
    lines.extend(_running_adjunct_lines(ctx))
    return "**Augment:** " + " ".join(line for line in lines if line)


def _range_text(info: DrugInfo) -> str:
    if info.min_adequate_mg is None:
        return ""
    return f"{cards.fmt_mg(info.min_adequate_mg)}-{cards.fmt_mg(info.max_mg)} mg/day"


def _with_monitoring(names: list[str]) -> list[str]:
    """Second-line adjuncts with their target level or dose and monitoring where the monitoring
    table has them (lithium, liothyronine: data/augmentation_monitoring.csv), else their range."""
    out = []
    for name in names:
        info = drugs.info(name)
        dose = _range_text(info) if info is not None else ""
        out.append(pathway_options.adjunct_line(name, dose).strip())
    return out


def _second_line_named(ctx: RuleContext, used: set[str]) -> list[str]:
    """Lithium and liothyronine while first-line adjuncts remain: named with their target level
    or dose only (their monitoring is shown once they are the option, or running)."""
    found = (
        pathway_options.second_line_target(name)
        for name in second_line_non_antipsychotics(ctx, used)
    )
    return [text for text in found if text is not None]


def _running_adjunct_lines(ctx: RuleContext) -> list[str]:
    """Monitoring of an adjunct already running: lithium, liothyronine, an antipsychotic. The
    lithium line names the last level, creatinine and eGFR with their dates, and the
    antipsychotic line the glucose/HbA1c and lipids since it started (review 7 findings 1 and 4:
    the card recited the schedule beside a level of 1.4 mmol/L it never read)."""
    lines = []
    for t in ctx.facts.augmentations:
        if not t.ongoing:
            continue
        row = pathway_options.monitoring_for(t.ingredient)
        if row is not None:
            line = pathway_options.adjunct_line(t.ingredient, "")
            labs = (
                f"; {lab_safety.lithium_level_text(ctx.record, ctx.policy)}"
                if t.ingredient == "lithium"
                else ""
            )
            lines.append(f"{line[:1].upper()}{line[1:]}: running{labs}.")
        elif drug_rules.is_antipsychotic(t.drug_class):
            lines.append(
                f"{t.ingredient.capitalize()} running: "
                f"{pathway_options.antipsychotic_monitoring()}; "
                f"{lab_safety.metabolic_text(ctx.record, t.start)}."
            )
    return lines
