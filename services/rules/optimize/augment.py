"""The augment section: first-line adjuncts (CANMAT 2023 Table 7.2) not used yet, second-line
ones with their targets and monitoring, and the monitoring of an adjunct already running.

An adjunct that the interaction table marks critical with a drug taken now is left out and said
why; a warning pair is listed with the interaction (review 9 finding 3). An antipsychotic taken for
something else (pimozide, thioridazine) is never called the one to "optimise or replace" (review 9
finding 5): services/rules/optimize/interacting.py."""

from __future__ import annotations

from fhir_mapping.drug_table import DrugInfo
from fhir_mapping.record import Role, Trial
from services import (
    cards,
    drug_rules,
    drugs,
    interaction_table,
    lab_safety,
    pathway_options,
    renal_doses,
    thyroid_hormone_cautions,
    trial_dates,
)
from services.drugs import SECOND_LINE as SECOND_LINE  # kept importable from here
from services.order_doses import trial_dose
from services.rules import adjunct_harm, populations
from services.rules.context import RuleContext
from services.rules.optimize import interacting
from services.rules.optimize.courses import (
    held_ingredients,
    not_tolerated,
    running_antipsychotics,
    shares_an_ingredient,
)
from services.rules.optimize.orders import (
    dosed_by_level,
    first_line_adjuncts,
    first_line_left_out,
    same_mechanism_note,
)
from services.rules.optimize.wording import dose_text, drop_text, range_top


def _second_line(
    ctx: RuleContext, used: set[str], screen: interacting.Screen
) -> tuple[list[str], list[interacting.Hit]]:
    """The second-line non-antipsychotic adjuncts open to this patient, and the critical pairs
    with a drug taken now that left others out (said on the card: bupropion beside thioridazine)."""
    # Used, running or not tolerated: read once, not once per drug of the table.
    excluded = used | {t.ingredient for t in ctx.record.trials if t.ongoing} | not_tolerated(ctx)
    # Esketamine is named with the options beyond medication (its REMS, its indications).
    beyond = pathway_options.options()
    # Nor what shares an ingredient with a drug taken now or not tolerated: bupropion beside a
    # running dextromethorphan-bupropion would be a second bupropion (review 10 finding 1).
    held = held_ingredients(ctx)
    names: list[str] = []
    left_out: list[interacting.Hit] = []
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
        hits = screen.barring(d.ingredient)
        if hits:
            left_out.extend(hits)
        else:
            names.append(d.ingredient)
    return names, left_out


def _same_mechanism(ctx: RuleContext, ingredient: str) -> str:
    """ " (a D2 partial agonist like aripiprazole, which failed ...)" after an adjunct
    of `ingredient`'s mechanism failed in this episode (review 16 W6), else ""."""
    note = same_mechanism_note(ctx, ingredient)
    return f" ({note})" if note else ""


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
    elif ours:
        lines.append(
            f"An antipsychotic is already running ({', '.join(dose_text(t) for t in ours)}): a "
            "second antipsychotic is not proposed; optimise or replace the one running."
        )
    if screen is None:
        screen = interacting.screen(ctx)
    if theirs:
        lines.append(interacting.other_prescriber_line(theirs, _antipsychotic_adjuncts(ctx, used)))
    if remaining is None:
        remaining = first_line_adjuncts(ctx, used, screen)
    lines.extend(screen.left_out(first_line_left_out(ctx, used, screen)))
    offered: list[str] = []  # the adjuncts this list offers (for the renal line)
    if remaining:
        ranges = [
            f"{d.ingredient} {cards.fmt_mg(d.min_adequate_mg)}-{cards.fmt_mg(d.max_mg)} mg/day"
            + _same_mechanism(ctx, d.ingredient)
            for d in remaining
        ]
        watch = (
            f" (antipsychotics: {pathway_options.antipsychotic_monitoring()})"
            if any(drug_rules.is_antipsychotic(d.drug_class) for d in remaining)
            else ""
        )
        lines.append(f"First-line adjuncts (CANMAT 2023 Table 7.2): {', '.join(ranges)}{watch}.")
        first = [d.ingredient for d in remaining]
        lines.extend(screen.cautioned(screen.cautions(first), first))
        named, left_out = _second_line(ctx, used, screen)
        # Lithium and liothyronine only, while first-line adjuncts remain: said with their
        # target; a left-out one is said only if it would have been named here.
        targets = {n: pathway_options.second_line_target(n) for n in named}
        second = [text for text in targets.values() if text is not None]
        offered = first + [n for n, text in targets.items() if text is not None]
        if second:
            lines.append(f"Second line: {', '.join(second)}.")
        lines.extend(
            _interaction_lines(
                screen,
                [h for h in left_out if pathway_options.second_line_target(h.ingredient)],
                [n for n, text in targets.items() if text is not None],
            )
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
        others, left_out = _second_line(ctx, used, screen)
        offered = others
        if others:
            lines.append(
                f"Non-antipsychotic adjuncts (CANMAT 2023 Table 7.2, second line): "
                f"{', '.join(_with_monitoring(others))}."
            )
        lines.extend(_interaction_lines(screen, left_out, others))
    else:
        others, left_out = _second_line(ctx, used, screen)
        offered = others
        listing = f": {', '.join(_with_monitoring(others))}" if others else ""
        lines.append(f"First-line adjuncts already used; second line (Table 7.2){listing}.")
        lines.extend(_interaction_lines(screen, left_out, others))
    # Liothyronine named with a cardiac history coded or beside levothyroxine: the
    # label's caution, and with a cardiac history no one-click order of it anywhere on
    # the card (services/thyroid_hormone_cautions.py).
    for drug in offered:
        lines.extend(thyroid_hormone_cautions.card_lines(ctx, drug))
    # The labels' renal limits of the adjuncts offered, at the latest eGFR (review 11 finding 1).
    # Their names, never the rendered lines: those also name what was left out and the drugs
    # taken now (bupropion "not listed" beside thioridazine was given a renal limit as if offered).
    lines.append(renal_doses.caveat_line(ctx.record, ctx.policy, offered) or "")
    lines.extend(_running_adjunct_lines(ctx))
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


def _running_adjunct_lines(ctx: RuleContext) -> list[str]:
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
            line = pathway_options.adjunct_line(t.ingredient, "")
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


def _phq_text(trial: Trial) -> str:
    """The PHQ-9 on the course as the summary reads it (on_treatment): "PHQ-9 18 (2025-01-06) →
    21 (2025-05-19), ..." with a baseline, "PHQ-9 21 on 2025-05-19 (no baseline)" without one,
    never "not measured" beside a summary that quotes the score (recheck R1)."""
    drop = drop_text(trial)
    score = trial.on_treatment
    if drop == "PHQ-9 not measured" and score is not None and score.value is not None:
        return f"{score.instrument} {score.value} on {score.date.isoformat()} (no baseline)"
    return drop


def below_range_section(ctx: RuleContext, trial: Trial) -> str:
    """An adjunct running below its CANMAT 2023 Table 7.2 range past the grace weeks (review 10
    finding 6; courses.below_range_adjuncts): named with its start, weeks, range and PHQ-9, and
    the two ways on (raise it, or change strategy). Another adjunct is not offered as an order
    beside it: one click would stack a third drug on a regimen whose adjunct was never given a
    fair dose; replacing it is the safer default (a design choice, not a guideline statement; the
    clinician can still order one)."""
    if dosed_by_level(trial.ingredient):
        return _level_section(ctx, trial)
    weeks = (trial.end - trial.start).days // 7
    text = (
        f"**Adjunct below its range:** {dose_text(trial)} added {trial.start.isoformat()} "
        f"({weeks} weeks) is below the adjunct range {cards.fmt_mg(trial.min_adequate_mg)}-"
        f"{cards.fmt_mg(range_top(ctx, trial))} mg/day (CANMAT 2023 Table 7.2); "
        f"{_phq_text(trial)}: raise it or change strategy (below: replace it or switch). "
        "Another adjunct is named, not offered as an order, while it runs."
    )
    if trial.ingredient in not_tolerated(ctx):
        text += " A reaction to it is on record: raise it only if it is tolerated now."
    return text


# --- an adjunct dosed to a serum level (lithium: recheck R1) -------------------------------------


def _target(ingredient: str) -> lab_safety.LabRule | None:
    """The serum-level target of a drug dosed by level (lab_safety.csv "lithium-target")."""
    return next(
        (r for r in lab_safety.rules() if r.check.endswith("-target") and ingredient in r.drugs),
        None,
    )


def _level_state(ctx: RuleContext, trial: Trial) -> tuple[str, str]:
    """The latest level against the target, in a few words for the summary ("level 0.7 mmol/L
    in the 0.5-0.8 target", "no level on record"), and its state: "in" (within the target and
    recent), "below", "above", "old" (over lab_recent_days ago, whatever its value), "unknown" (unit
    not compared) or "none"."""
    rule = _target(trial.ingredient)
    lab = lab_safety.latest(ctx.record, rule.test) if rule is not None else None
    if rule is None or lab is None:
        return "no level on record", "none"
    number = lab_safety.value(lab)
    shown = f"{cards.fmt_mg(number)} {rule.unit}" if number is not None else "level"
    bounds = f"{cards.fmt_mg(rule.low)}-{cards.fmt_mg(rule.high)}"
    if not lab_safety.is_recent(ctx.record, ctx.policy, lab):
        # An old level says nothing of today's, whatever its value: a two-year-old 0.4 is no
        # reason to adjust now (read of the diff); the card asks for a level first.
        return f"level {shown} on {lab.date.isoformat()} (old)", "old"
    if lab_safety.above(rule, lab):
        return f"level {shown} above the {bounds} target", "above"
    if lab_safety.below(rule, lab):
        return f"level {shown} below the {bounds} target", "below"
    if number is None:
        return f"level on {lab.date.isoformat()} (unit not compared)", "unknown"
    return f"level {shown} in the {bounds} target", "in"


def _raisers(ctx: RuleContext, trial: Trial) -> list[str]:
    """Running drugs the interaction table says raise this drug's level ("lisinopril")."""
    rows = interaction_table.rows_about(trial.ingredient)
    if not rows:
        return []
    return sorted(
        {
            taking.ingredient
            for taking in interaction_table.running(ctx.record)
            if any(row.names(taking.ingredient) for row in rows)
        }
    )


def _level_section(ctx: RuleContext, trial: Trial) -> str:
    """An adjunct dosed to a serum level (augmentation_agents.csv dose_by_level: lithium) below
    the mg/day range of Table 7.2 (recheck R1). The mg/day says nothing about the level it gives
    at this age, kidney function and with these drugs: doubling the dose of a 78-year-old with
    eGFR 45 and a level of 0.7 mmol/L roughly doubles the level, into toxicity. So the card says
    to adjust it to its level, naming the latest level, creatinine/eGFR and the running drugs
    that raise it, and never offers a dose change as one click (orders.raise_dose_suggestion)."""
    rule = _target(trial.ingredient)
    weeks = (trial.end - trial.start).days // 7
    target = f"a level of {rule.bounds()}" if rule is not None else "its serum level"
    labs = (
        lab_safety.lithium_level_text(ctx.record, ctx.policy)
        if trial.ingredient == "lithium"
        else _level_state(ctx, trial)[0]
    )
    raisers = _raisers(ctx, trial)
    running = f"; {', '.join(raisers)} running, which raises the level" if raisers else ""
    state = _level_state(ctx, trial)[1]
    if state == "in":
        way = (
            "At a level within the target it has had a fair dose: if it has not helped, change "
            "strategy (below: replace it or switch) rather than raise it."
        )
    elif state in ("none", "old", "unknown"):
        way = (
            "Check the level and creatinine/eGFR before any dose change, or change strategy "
            "(below: replace it or switch)."
        )
    else:
        way = "Adjust it to the level, or change strategy (below: replace it or switch)."
    return (
        f"**Adjunct dosed by its level:** {dose_text(trial)} added {trial.start.isoformat()} "
        f"({weeks} weeks); {_phq_text(trial)}: adjust {trial.ingredient} to {target} (check "
        f"level, renal function, interacting drugs); {labs}{running}. Its dose is set by the "
        f"level, not by the {cards.fmt_mg(trial.min_adequate_mg)}-"
        f"{cards.fmt_mg(range_top(ctx, trial))} mg/day range (CANMAT 2023 Table 7.2), so no dose "
        f"change is offered as a ready-to-accept order. {way} Another adjunct is named, not "
        "offered as an order, while it runs."
    )


def level_guided_summary(ctx: RuleContext, trial: Trial) -> str | None:
    """The card summary for an adjunct dosed by level below its mg/day range (recheck R1):
    "Lithium 300 mg/day added 2025-01-06 (21 weeks), level 0.7 mmol/L in the 0.5-0.8 target;
    PHQ-9 21: adjust by level or change strategy"; None for any other drug (the mg/day summary)."""
    if not dosed_by_level(trial.ingredient):
        return None
    name, dose = trial.ingredient.capitalize(), trial_dose(trial)
    level, state = _level_state(ctx, trial)
    score = trial.on_treatment
    phq = (
        f"{score.instrument} {score.value}"
        if score is not None and score.value is not None
        else "no PHQ-9 on it"
    )
    act = (
        "check level and eGFR before any dose change"
        if state in ("none", "old", "unknown")
        else "adjust by level or change strategy"
    )
    weeks = (trial.end - trial.start).days // 7
    return cards.fit_summary(
        f"{name} {dose} added {trial.start.isoformat()} ({weeks} weeks), {level}; {phq}: {act}",
        f"{name} {dose}, {level}; {phq}: {act}",
        f"{name} {dose}, {level}: {act}",
        f"{name} is dosed by its level: {act}",
    )
