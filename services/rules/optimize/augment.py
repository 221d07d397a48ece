"""The augment section: first-line adjuncts (CANMAT 2023 Table 7.2) not used yet, second-line
ones with their targets and monitoring, and the monitoring of an adjunct already running.

An adjunct that the interaction table marks critical with a drug taken now is left out and said
why; a warning pair is listed with the interaction (review 9 finding 3). An antipsychotic taken for
something else (pimozide, thioridazine) is never called the one to "optimise or replace" (review 9
finding 5): services/rules/optimize/interacting.py.

This module makes the augment paragraph (`augment_section`). The monitoring lines of an adjunct
already running are running_adjuncts.py; an adjunct running below its Table 7.2 range (its own
section, and the summary of one dosed by its serum level) is below_range.py.
`below_range_section` and `level_guided_summary` stay importable from here.
"""

from __future__ import annotations

from fhir_mapping.drug_table import DrugInfo
from fhir_mapping.record import Role, Trial
from services import (
    cards,
    class_effects,
    drug_rules,
    drugs,
    lab_safety,
    label_maximums,
    older_adult_cautions,
    pathway_options,
    renal_doses,
    thyroid_hormone_cautions,
)
from services.drugs import SECOND_LINE as SECOND_LINE  # kept importable from here
from services.rules import adjunct_harm, populations
from services.rules.context import RuleContext
from services.rules.optimize import earlier_adjunct, injection_tail, interacting
from services.rules.optimize.below_range import below_range_section, level_guided_summary
from services.rules.optimize.courses import (
    held_ingredients,
    not_tolerated,
    running_antipsychotics,
    shares_an_ingredient,
)
from services.rules.optimize.first_fill_wait import awaiting_first_fill, ordered_words
from services.rules.optimize.orders import (
    first_line_adjuncts,
    first_line_left_out,
    same_mechanism_note,
)
from services.rules.optimize.partial import MINOR_NEXT, MINOR_START
from services.rules.optimize.running_adjuncts import running_adjunct_lines
from services.rules.optimize.wording import dose_text

# The names optimize_switch_augment.py and summary.py import from here (below_range.py's among
# them).
__all__ = [
    "SECOND_LINE",
    "antipsychotic_alone",
    "augment_section",
    "below_range_section",
    "level_guided_summary",
]


def _second_line(
    ctx: RuleContext, used: set[str], screen: interacting.Screen
) -> tuple[list[str], list[interacting.Hit], dict[str, str]]:
    """The second-line non-antipsychotic adjuncts open to this patient, the critical pairs
    with a drug taken now that left others out (said on the card: bupropion beside thioridazine),
    and the line of each one a label's renal "avoid" left out, by name (K63b finding 7: "lithium: not
    recommended" was listed at eGFR 25; renal_doses.left_out)."""
    # Used, running or not tolerated: read once, not once per drug of the table.
    excluded = used | {t.ingredient for t in ctx.record.trials if t.ongoing} | not_tolerated(ctx)
    # Esketamine is named with the options beyond medication (its REMS, its indications).
    beyond = pathway_options.options()
    # Nor what shares an ingredient with a drug taken now or not tolerated: bupropion beside a
    # running dextromethorphan-bupropion would be a second bupropion (review 10 finding 1).
    held = held_ingredients(ctx)
    names: list[str] = []
    left_out: list[interacting.Hit] = []
    renal: dict[str, str] = {}
    for d in ctx.drug_lines.second_line_augmenters:
        if (
            drug_rules.is_antipsychotic(d.drug_class)
            or d.ingredient in excluded
            or shares_an_ingredient(d.ingredient, held) is not None
            or d.ingredient in beyond
            or populations.never(ctx, d.ingredient, d.drug_class) is not None
            or ctx.facts.caution_for(d.ingredient) is not None
        ):
            continue
        avoid = renal_doses.left_out(ctx.record, ctx.policy, d.ingredient)
        if avoid is not None:
            renal[d.ingredient] = avoid
            continue
        hits = screen.barring(d.ingredient)
        if hits:
            left_out.extend(hits)
        else:
            names.append(d.ingredient)
    return names, left_out, renal


def _same_mechanism(ctx: RuleContext, ingredient: str) -> str:
    """ " (a D2 partial agonist like aripiprazole, which failed ...)" after an adjunct
    of `ingredient`'s mechanism failed in this episode (review 16 W6), and " (watch: akathisia
    on aripiprazole (2024-01-10), a class effect of the D2 partial agonists)" after a reaction
    its group shares (review 16 M5: said here in full, the one-click label says it short, audit
    16 c04); else ""."""
    # An earlier course of the same drug, fair test or not (review K73a finding 9, fix adj76).
    notes = [earlier_adjunct.note(ctx, ingredient), same_mechanism_note(ctx, ingredient)]
    shared = class_effects.note(ctx.record, ingredient)
    notes.append(f"watch: {shared}" if shared else "")
    return "".join(f" ({n})" for n in notes if n)


def _interaction_lines(
    screen: interacting.Screen, left_out: list[interacting.Hit], names: list[str]
) -> list[str]:
    """What was left out for a critical pair, and the warning pairs of what is listed."""
    return screen.left_out(left_out) + screen.cautioned(screen.cautions(names), names)


def augment_section(
    ctx: RuleContext,
    used: set[str],
    remaining: tuple[DrugInfo, ...] | None = None,
    screen: interacting.Screen | None = None,
) -> str:
    """`remaining`: `first_line_adjuncts(ctx, used)` and `screen`: `interacting.screen(ctx)` when
    the caller has them already."""
    alone = antipsychotic_alone(ctx)
    if alone:
        return _alone_section(ctx, alone)
    lines = []
    if used:
        lines.append(f"Adjuncts already used in this episode: {', '.join(sorted(used))}.")
    # An injection past its cover still acts for weeks (fix lai62): said before any adjunct.
    lines.extend(injection_tail.lines(ctx))
    stacked = running_antipsychotics(ctx)
    # The regimen's own antipsychotic may be optimised or replaced; one prescribed for something
    # else (pimozide for Tourette's) is its prescriber's (review 9 finding 5).
    ours = [t for t in stacked if not interacting.outside_regimen(t)]
    theirs = [t for t in stacked if interacting.outside_regimen(t)]
    # One with tardive dyskinesia or akathisia on record (rules/adjunct_harm.py) is never
    # the one to "optimise": a dose increase continues the exposure, and "replace"
    # would invite another antipsychotic. Its own card says to reduce or stop it.
    harmed = [h for h in (adjunct_harm.harm_of(ctx, t.ingredient) for t in ours) if h is not None]
    if harmed:
        lines.append(
            "An antipsychotic is already running with "
            + "; ".join(
                f"{h.names} on record ({dose_text(h.trial)}): {adjunct_harm.action(h)}"
                for h in harmed
            )
            + "; no dose increase and no second antipsychotic; a non-antipsychotic adjunct is "
            "below (the adverse-effect card says why)."
        )
    elif ours and all(map(awaiting_first_fill, ours)):
        # Ordered, no fill yet (orders39): no dose to optimise; whether it was collected first.
        lines.append(
            f"An antipsychotic is already ordered ({', '.join(map(ordered_words, ours))}): a "
            "second antipsychotic is not proposed; check it was collected before judging it."
        )
    elif ours:
        lines.append(
            f"An antipsychotic is already running ({', '.join(dose_text(t) for t in ours)}): a "
            "second antipsychotic is not proposed; optimise or replace the one running."
        )
    if screen is None:
        screen = interacting.screen(ctx)
    if theirs:
        lines.append(interacting.other_prescriber_line(theirs, _antipsychotic_adjuncts(ctx, used)))
    if populations.is_minor(ctx):
        # Under 18 no adult adjunct list (review s27 RC finding 6: a 9-year-old was shown CANMAT's
        # first and second line): the child's next step (partial.MINOR_NEXT).
        # "Continue" only beside a course on record (review K65b finding 4).
        from services.rules.psychotherapy import psychotherapy_on_record  # (import cycle)

        step = MINOR_NEXT if psychotherapy_on_record(ctx) else MINOR_START
        lines.append(
            f"Under 18 no adjunct is proposed (CANMAT 2023 Table 7.2 is adult guidance): {step}."
        )
        lines.extend(running_adjunct_lines(ctx))
        return "**Augment:** " + " ".join(line for line in lines if line)
    if remaining is None:
        remaining = first_line_adjuncts(ctx, used, screen)
    lines.extend(screen.left_out(first_line_left_out(ctx, used, screen)))
    offered: list[str] = []  # the adjuncts this list offers (for the renal line)
    # Below the adult age the adjuncts are named without CANMAT's adult doses and targets (review
    # s25 RA finding 11: lithium 0.5-0.8 mmol/L and liothyronine 25-50 µg/day printed for an
    # 11-year-old): the dose is child and adolescent psychiatry's, as the age line says.
    minor = populations.is_minor(ctx)
    if remaining:
        ranges = [
            d.ingredient
            + (
                ""
                if minor
                else f" {cards.fmt_mg(d.min_adequate_mg)}-{cards.fmt_mg(d.max_mg)} mg/day"
            )
            + _same_mechanism(ctx, d.ingredient)
            for d in remaining
        ]
        watch = (
            f" (antipsychotics: {pathway_options.antipsychotic_monitoring()})"
            if any(drug_rules.is_antipsychotic(d.drug_class) for d in remaining)
            else ""
        )
        table = "CANMAT 2023 Table 7.2" + (", adult doses not shown under 18" if minor else "")
        lines.append(f"First-line adjuncts ({table}): {', '.join(ranges)}{watch}.")
        # Beers 2023: antipsychotics with falls or fractures on record (review K65b finding 2).
        lines.append(
            older_adult_cautions.adjunct_falls_line(ctx, (d.drug_class for d in remaining))
        )
        first = [d.ingredient for d in remaining]
        lines.extend(screen.cautioned(screen.cautions(first), first))
        named, left_out, renal = _second_line(ctx, used, screen)
        # Lithium and liothyronine only, while first-line adjuncts remain: said with their
        # target; a left-out one is said only if it would have been named here.
        age = ctx.record.patient.age
        targets = {n: pathway_options.second_line_target(n, age, ctx.policy) for n in named}
        second = [text for text in targets.values() if text is not None]
        offered = first + [n for n, text in targets.items() if text is not None]
        if second:
            shown = [n for n, text in targets.items() if text is not None] if minor else second
            lines.append(f"Second line: {', '.join(shown)}.")
        lines.extend(
            _interaction_lines(
                screen,
                [
                    h
                    for h in left_out
                    if pathway_options.second_line_target(h.ingredient, age, ctx.policy)
                ],
                [n for n, text in targets.items() if text is not None],
            )
        )
        lines.extend(
            line
            for name, line in renal.items()
            if pathway_options.second_line_target(name, age, ctx.policy)
        )
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
        others, left_out, renal = _second_line(ctx, used, screen)
        offered = others
        if others:
            lines.append(
                f"Non-antipsychotic adjuncts (CANMAT 2023 Table 7.2, second line): "
                f"{', '.join(_with_monitoring(ctx, others))}."
            )
        lines.extend(_interaction_lines(screen, left_out, others))
        lines.extend(renal.values())
    else:
        others, left_out, renal = _second_line(ctx, used, screen)
        offered = others
        listing = f": {', '.join(_with_monitoring(ctx, others))}" if others else ""
        lines.append(f"First-line adjuncts already used; second line (Table 7.2){listing}.")
        lines.extend(_interaction_lines(screen, left_out, others))
        lines.extend(renal.values())
    # Liothyronine named with a cardiac history coded or beside levothyroxine: the
    # label's caution, and with a cardiac history no one-click order of it anywhere on
    # the card (services/thyroid_hormone_cautions.py).
    for drug in offered:
        lines.extend(thyroid_hormone_cautions.card_lines(ctx, drug))
    # The labels' renal limits of the adjuncts offered, at the latest eGFR (review 11 finding 1).
    # Their names, never the rendered lines: those also name what was left out and the drugs
    # taken now (bupropion "not listed" beside thioridazine was given a renal limit as if offered).
    lines.append(renal_doses.caveat_line(ctx.record, ctx.policy, offered) or "")
    lines.extend(running_adjunct_lines(ctx))
    return "**Augment:** " + " ".join(line for line in lines if line)


def antipsychotic_alone(ctx: RuleContext) -> list[Trial]:
    """The running antidepressant courses when every one is an antipsychotic taken as the
    antidepressant (quetiapine XR monotherapy), else []: there is no antidepressant to augment."""
    running = [t for t in ctx.facts.ongoing_trials if t.role is Role.ANTIDEPRESSANT]
    if running and all(drug_rules.is_antipsychotic(t.drug_class) for t in running):
        return sorted(running, key=lambda t: t.ingredient)
    return []


def _alone_section(ctx: RuleContext, alone: list[Trial]) -> str:
    """The augment paragraph with only an antipsychotic running as the antidepressant (recheck 13
    n09): the summary says "switch to or add an antidepressant", and the detail must not list
    adjuncts to the antipsychotic (lithium, liothyronine, bupropion "added to" quetiapine): the
    step CANMAT gives after a failed antidepressant is another antidepressant, in its place or
    added to it (the switch list below). Its metabolic monitoring stays named."""
    doses = ", ".join(dose_text(t) for t in alone)
    lines = [
        f"Only an antipsychotic is running as the antidepressant ({doses}): there is no "
        "antidepressant to augment. Switch to an antidepressant of another class, or add one to "
        "it (the switch options below); a second antipsychotic is not proposed."
    ]
    for t in alone:
        lines.append(
            f"{t.ingredient.capitalize()} running: {pathway_options.antipsychotic_monitoring()}; "
            f"{lab_safety.metabolic_text(ctx.record, t.start)}."
        )
    return "**Augment:** " + " ".join(lines)


def _range_text(ctx: RuleContext, info: DrugInfo) -> str:
    """ "lithium 600-1200 mg/day"; the top lowered to the market's label where it stops below the
    table's (mirtazapine "30-45 mg/day (US label maximum)": review s19 item 4)."""
    if info.min_adequate_mg is None:
        return ""
    label = label_maximums.binding(info.ingredient, info.max_mg, ctx.policy.drug_market)
    top = info.max_mg if label is None else label.max_mg
    mark = "" if label is None else f" ({label.market} label maximum)"
    return f"{cards.fmt_mg(info.min_adequate_mg)}-{cards.fmt_mg(top)} mg/day{mark}"


def _with_monitoring(ctx: RuleContext, names: list[str]) -> list[str]:
    """Second-line adjuncts with their target level or dose and monitoring where the monitoring
    table has them (lithium, liothyronine: data/augmentation_monitoring.csv), else their range."""
    out = []
    for name in names:
        info = drugs.info(name)
        dose = _range_text(ctx, info) if info is not None else ""
        out.append(
            pathway_options.adjunct_line(name, dose, ctx.record.patient.age, ctx.policy).strip()
        )
    return out


def _antipsychotic_adjuncts(ctx: RuleContext, used: set[str]) -> list[str]:
    """The first-line antipsychotic adjuncts a running antipsychotic keeps off the card
    (aripiprazole, brexpiprazole), as the card would otherwise weigh them: not used, tolerated,
    not barred for this patient."""
    intolerant = not_tolerated(ctx)
    return [
        d.ingredient
        for d in ctx.drug_lines.first_line_augmenters
        if drug_rules.is_antipsychotic(d.drug_class)
        and d.ingredient not in used
        and d.ingredient not in intolerant
        and populations.never(ctx, d.ingredient, d.drug_class) is None
    ]
