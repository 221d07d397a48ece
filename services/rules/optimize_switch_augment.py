"""The next pharmacological step: optimise the dose, switch mechanism, or augment.

CANMAT 2023 (Figure 7.1, paras 185-191, Table 7.2):
- a dose below the adequate range is raised toward it before response is judged;
- after one adequate failure, switch to a distinct mechanism or add an adjunct;
- after two, first-line adjuncts (Table 7.2 line "1st" in the drug table) or a class switch;
- psychotic features: antidepressant plus antipsychotic, or ECT (Table 3.6, para 215).
Classes that already failed adequately are named and never proposed as a switch. In bipolar
disorder there is no card: antidepressant switches are not pushed (ISBD 2013) and the diagnosis
review card says why. Where TMS is not an option (contraindication, psychotic features), the card
says why, since there will be no TMS card.

Safety rules (issue 11):
- a current trial that responds (>= 50 % PHQ-9 drop, CANMAT 2023 para 180) is not switched or
  augmented: at most the dose is optimised within its range toward remission (para 187), and only
  on a recent score; a current trial that has not run long enough to judge is left to run; an
  adequate one without a PHQ-9 on treatment gets the options as text, nothing ready to accept;
- a running antipsychotic (drug-table class in the "antipsychotic" group) means no second one;
- psychotic depression gets antidepressant plus antipsychotic at antipsychotic-range doses (the
  regimen table: STOP-PD) or ECT, never augmentation doses or bupropion; after a failed
  combination, ECT;
- population rules (populations.py): the under-18 list, the boxed warning under 25, no paroxetine
  in pregnancy, and antipsychotics as text only (no ready-to-accept order) in pregnancy and
  under 18;
- a drug the patient did not tolerate (its latest course carries Trial.intolerance: a stop reason,
  an AllergyIntolerance or an AdverseEvent; services/tolerability.py) is never proposed, as a
  switch, an adjunct or part of a regimen; the card names it in one line;
- a depressed patient on no antidepressant whose course(s) in this episode ended for intolerance,
  with no failed trial, gets this card as a switch to a better-tolerated agent (CANMAT 2023 para
  190: switch first when tolerability is poor). Not the adherence card: the course was not a
  question of dose or adherence, and the adherence card stays quiet on documented intolerance
  (issue 10); one card, not two;
- dose ranges the card prints for an older adult are capped at the labelled older-adult maximum
  (age_limits.py), as the dose it proposes is.
"""

from __future__ import annotations

from datetime import timedelta

from fhir_mapping import drug_table
from fhir_mapping.drug_table import DrugInfo
from fhir_mapping.record import AdherenceStatus, Role, SourceRef, Trial, Verdict
from services import (
    age_limits,
    cards,
    drug_rules,
    drugs,
    pathway_options,
    suggestions,
    tolerability,
    washout,
)
from services.drug_rules import Regimen
from services.pathway import in_episode
from services.recommendation import Evidence, Indicator, Recommendation, Suggestion
from services.rules import populations
from services.rules.context import RuleContext

TOPIC = "optimize-switch-augment"
# Courses whose outcome is the pathway's business (not e.g. an interacting drug such as linezolid).
PATHWAY_ROLES = frozenset({Role.ANTIDEPRESSANT, Role.AUGMENTATION})
SECOND_LINE = "2nd"  # the drug table's canmat_line value for CANMAT 2023 second-line agents


def subtherapeutic(ctx: RuleContext) -> tuple[Trial, ...]:
    """Ongoing antidepressant trials whose current dose is below the minimum adequate dose and
    whose adherence the refill data do not contradict. One card per concern (issue 12): this card
    raises the dose of such a trial and the adherence card leaves it alone; a trial whose refills
    contradict adherence is the adherence card's (raising a dose that is not being taken is not
    the next step: CANMAT 2023 para 184, assess adherence first)."""
    return tuple(
        t
        for t in ctx.facts.ongoing_trials
        if t.min_adequate_mg is not None
        and t.current_mg_per_day is not None
        and t.current_mg_per_day < t.min_adequate_mg
        and t.adherence.status is not AdherenceStatus.POOR
    )


# --- the current trial: responding, or not yet judged ---------------------------------------------


def current_trials(ctx: RuleContext) -> tuple[Trial, ...]:
    """Antidepressant and adjunct courses of this episode running on the as-of date."""
    start = ctx.facts.episode_start
    return tuple(
        t
        for t in ctx.record.trials
        if t.ongoing
        and t.role in PATHWAY_ROLES
        and t.verdict is not Verdict.NOT_A_TRIAL
        and in_episode(t.start, start)
    )


def responding(ctx: RuleContext) -> tuple[Trial, ...]:
    """Current courses with a >= 50 % PHQ-9 drop from their baseline (Trial.response)."""
    return tuple(t for t in current_trials(ctx) if t.response is True)


def not_yet_judged(ctx: RuleContext) -> tuple[Trial, ...]:
    """Current courses that have not run long enough, at an adequate dose, to be judged (verdict
    ongoing). Switching or adding to a course before its fair test is what CANMAT's sequence
    (optimise, then judge, then switch or add) rules out; the adherence card asks about doses."""
    return tuple(t for t in current_trials(ctx) if _pending(ctx, t))


def _pending(ctx: RuleContext, trial: Trial) -> bool:
    if trial.response is True:
        return False
    if trial.role is Role.AUGMENTATION and trial.min_adequate_mg is None:
        # No mg/day range to judge it by (esketamine per session, an antipsychotic that is not a
        # CANMAT adjunct): only its first weeks count as "too early", or it would block forever.
        return (trial.end - trial.start).days < ctx.policy.mapping.min_adequate_weeks * 7
    return trial.verdict is Verdict.ONGOING


def unmeasured(ctx: RuleContext) -> tuple[Trial, ...]:
    """Current adequate courses with no PHQ-9 on treatment: whether they work is unknown. The
    card still names the options, but offers nothing ready to accept until the PHQ-9 is
    repeated (an unmeasured course may be the one that is working: the safer reading)."""
    return tuple(
        t
        for t in current_trials(ctx)
        if t.verdict is Verdict.ADEQUATE and t.outcome_unmeasured and not _pending(ctx, t)
    )


def running_antipsychotics(ctx: RuleContext) -> tuple[Trial, ...]:
    """Every antipsychotic running on the as-of date, in any role and at any dose (a 25 mg
    quetiapine for sleep is still an antipsychotic a second one would be stacked on)."""
    return tuple(
        t for t in ctx.record.trials if t.ongoing and drug_rules.is_antipsychotic(t.drug_class)
    )


def not_tolerated(ctx: RuleContext) -> frozenset[str]:
    """Ingredients never proposed because the patient did not tolerate them."""
    return tolerability.held_back(ctx.record)


def _dose(trial: Trial) -> str:
    return f"{trial.ingredient} {cards.fmt_mg(trial.current_mg_per_day)} mg/day"


def _top(ctx: RuleContext, trial: Trial) -> float | None:
    """The top of the trial's range for this patient: the labelled older-adult maximum where one
    applies (citalopram 20 mg/day from 60), else the adult maximum."""
    return age_limits.capped(trial.ingredient, ctx.record.patient.age, trial.max_mg)


def _range(ctx: RuleContext, trial: Trial) -> str:
    """ "20-40" for an adult; "20, also the maximum at age 70" when the older-adult maximum meets
    the minimum; "10-20 at age 70" when it lowers the top."""
    low, top = trial.min_adequate_mg, _top(ctx, trial)
    if top == trial.max_mg:
        return f"{cards.fmt_mg(low)}-{cards.fmt_mg(top)}"
    age = ctx.record.patient.age
    if top is not None and low is not None and top <= low:
        return f"{cards.fmt_mg(top)}, also the maximum at age {age}"
    return f"{cards.fmt_mg(low)}-{cards.fmt_mg(top)} at age {age}"


def _drop(trial: Trial) -> str:
    """ "PHQ-9 18 (2025-01-06) → 8 (2025-05-19), -56 %" for a trial with both scores."""
    before, after = trial.baseline, trial.on_treatment
    if before is None or after is None or before.value is None or after.value is None:
        return "PHQ-9 not measured"
    change = (before.value - after.value) / before.value if before.value else 0.0
    return (
        f"PHQ-9 {before.value} ({before.date.isoformat()}) → {after.value} "
        f"({after.date.isoformat()}), -{cards.fmt_pct(change)}"
    )


# --- suggestions --------------------------------------------------------------------------------


def _reasons(ctx: RuleContext) -> list[SourceRef]:
    depression = ctx.facts.depression_finding
    return [depression.source] if depression is not None and depression.source else []


def _medication(
    ctx: RuleContext,
    info: DrugInfo | None,
    ingredient: str,
    mg: float | None,
    note: str,
    reasons: list[SourceRef] | None = None,
) -> dict[str, object] | None:
    if ctx.patient_id is None:
        return None
    return suggestions.medication_request(
        patient_id=ctx.patient_id,
        ingredient=ingredient,
        rxcui=info.rxcui if info else None,
        mg_per_day=mg,
        reasons=_reasons(ctx) if reasons is None else reasons,
        note=note,
    )


def _first_line_adjuncts(ctx: RuleContext, used: set[str]) -> tuple[DrugInfo, ...]:
    """CANMAT first-line adjuncts not used yet, without a second antipsychotic and without what
    this patient must never get."""
    stacked = bool(running_antipsychotics(ctx))
    intolerant = not_tolerated(ctx)
    return tuple(
        d
        for d in drugs.first_line_augmenters()
        if d.ingredient not in used
        and d.ingredient not in intolerant
        and not (stacked and drug_rules.is_antipsychotic(d.drug_class))
        and populations.never(ctx, d.ingredient, d.drug_class) is None
    )


def _augmenter_suggestions(ctx: RuleContext, used: set[str]) -> list[Suggestion]:
    out = []
    for drug in _first_line_adjuncts(ctx, used):
        if populations.text_only(ctx, drug.ingredient, drug.drug_class) is not None:
            continue  # named in the augment section with the reason, never one click
        label = f"Propose adjunctive {drug.ingredient}"
        if drug.min_adequate_mg is not None:
            label += f" {cards.fmt_mg(drug.min_adequate_mg)} mg/day"
        resource = _medication(
            ctx,
            drug,
            drug.ingredient,
            drug.min_adequate_mg,
            "Adjunct to the current antidepressant (CANMAT 2023 Table 7.2, first line).",
        )
        out.append(suggestions.create(label + " (CANMAT first line)", resource))
    return out


def _raise_dose_suggestion(ctx: RuleContext, trial: Trial) -> Suggestion | None:
    """Raise a running dose to the minimum adequate dose (never above the older-adult maximum).
    None for a drug with a recorded reaction: more of it is not offered as one click (the dose
    section says why)."""
    if trial.ingredient in not_tolerated(ctx):
        return None
    mg = age_limits.capped(trial.ingredient, ctx.record.patient.age, trial.min_adequate_mg)
    label = f"Raise {trial.ingredient} to {cards.fmt_mg(mg)} mg/day"
    resource = _medication(
        ctx,
        drugs.info(trial.ingredient),
        trial.ingredient,
        mg,
        "Dose optimisation toward the adequate range (CANMAT 2023 Table 3.3).",
    )
    return suggestions.create(label, resource, recommended=True)


def _ect_suggestion(ctx: RuleContext, *, recommended: bool = False) -> Suggestion:
    refs = [f.source for f in ctx.facts.psychotic if f.source is not None] + _reasons(ctx)
    resource = None
    if ctx.patient_id is not None:
        resource = suggestions.service_request(
            patient_id=ctx.patient_id,
            concept="ect-evaluation",
            text="Referral for ECT evaluation (depression with psychotic features)",
            reasons=refs,
        )
    return suggestions.create("Refer for ECT evaluation", resource, recommended=recommended)


# --- sections -----------------------------------------------------------------------------------


def _switch_candidates(ctx: RuleContext) -> tuple[list[str], list[str], str]:
    """(names proposed, notes on what was left out, the heading) for a switch."""
    facts = ctx.facts
    failed_classes = frozenset(facts.failed_classes)
    # Not proposed as a switch: what failed, whatever is taken now in any role (mirtazapine
    # already added to an SSRI is not a "switch option"), and what was not tolerated (named on
    # the card's own "Not tolerated" line, not here).
    taken = (
        {t.ingredient for t in ctx.record.trials if t.ongoing}
        | set(facts.failed_ingredients)
        | not_tolerated(ctx)
    )
    notes: list[str] = []
    names: list[str] = []
    choices = populations.age_choices(ctx)
    if choices:
        # Under 18 the guideline's order applies even inside a failed class (NICE NG134:
        # sertraline or citalopram after fluoxetine), so only failed ingredients are left out.
        for rule in choices:
            ingredient = rule.ingredient or ""
            info = drugs.info(ingredient)
            if ingredient in taken or info is None:
                continue
            why = facts.caution_for(ingredient)
            if why is not None:
                notes.append(f"{ingredient} not listed: {why}.")
                continue
            barred = populations.never(ctx, ingredient, info.drug_class)
            if barred is not None:
                notes.append(f"{ingredient} not listed: {barred.reason()}.")
                continue
            label = "first choice" if rule.choice is drug_rules.Choice.FIRST else "next"
            names.append(f"{ingredient} ({label}; {rule.cite})")
        barred_names = [r.label() for r in populations.age_never(ctx)]
        if barred_names:
            cites = sorted({r.cite for r in populations.age_never(ctx)})
            notes.append(
                f"Never proposed under {populations.age_never(ctx)[0].below_age}: "
                f"{', '.join(barred_names)} ({'; '.join(cites)})."
            )
        heading = f"Switch options at age {populations.age(ctx)}, in guideline order"
        return names, notes, heading
    by_class: dict[str, list[str]] = {}
    for d in drugs.switch_candidates(failed_classes):
        if d.ingredient in taken:
            continue
        why = facts.caution_for(d.ingredient)
        if why is not None:
            notes.append(f"{d.ingredient} not listed: {why}.")
            continue
        barred = populations.never(ctx, d.ingredient, d.drug_class)
        if barred is not None:
            notes.append(f"{d.ingredient} not listed: {barred.reason()}.")
            continue
        name = d.ingredient
        if d.not_marketed_in:
            name += f" (not marketed in {'/'.join(d.not_marketed_in)})"
        by_class.setdefault(d.drug_class, []).append(name)
    names = [f"{cls}: {', '.join(ings)}" for cls, ings in by_class.items()]
    if not failed_classes:
        # No class has failed (a course ended for intolerance): every first-line class is open.
        return names, notes, "Options (CANMAT 2023 first line)"
    return names, notes, "Switch options (CANMAT 2023 first line, other mechanisms)"


def _switch_section(ctx: RuleContext) -> str:
    facts = ctx.facts
    failed_classes = frozenset(facts.failed_classes)
    lines = []
    if facts.failed_trials:
        by_failed_class: dict[str, list[str]] = {}
        for t in facts.failed_trials:
            by_failed_class.setdefault(t.drug_class, []).append(t.ingredient)
        failed = ", ".join(f"{cls} ({', '.join(ings)})" for cls, ings in by_failed_class.items())
        lines.append(f"Failed an adequate trial, not proposed: {failed}.")
    same_class = [
        t
        for t in facts.ongoing_trials
        if t.drug_class in failed_classes and t.ingredient not in facts.failed_ingredients
    ]
    for t in same_class:
        lines.append(
            f"Current {t.ingredient} is in a class that already failed ({t.drug_class}); a "
            "switch within a failed class is less likely to help (CANMAT 2023 Figure 7.1)."
        )
    names, notes, heading = _switch_candidates(ctx)
    if names:
        separator = "; then " if populations.age_choices(ctx) else "; "
        lines.append(f"{heading}: {separator.join(names)}.")
    elif populations.age_choices(ctx):
        lines.append(
            "Every agent of the under-18 list has been tried or is ruled out: decide the next "
            "step with child and adolescent psychiatry."
        )
    elif failed_classes:
        lines.append(
            "No first-line agent of another mechanism is left (failed, not tolerated or ruled "
            "out): consider second-line agents or neuromodulation with psychiatry."
        )
    else:
        lines.append(
            "No first-line agent is left (not tolerated or ruled out): choose the next agent "
            "with psychiatry."
        )
    # Switch-specific safety lines (e.g. washout when crossing into or out of an MAOI) go after
    # the options and before the notes on what was left out.
    lines.extend(washout.switch_lines(ctx.record, names))
    return "**Switch:** " + " ".join(lines + notes)


def _second_line_non_antipsychotics(ctx: RuleContext, used: set[str]) -> list[str]:
    taken = {t.ingredient for t in ctx.record.trials if t.ongoing}
    return [
        d.ingredient
        for d in drug_table.all_drugs()
        if d.role is Role.AUGMENTATION
        and d.canmat_line == SECOND_LINE
        and not drug_rules.is_antipsychotic(d.drug_class)
        and d.ingredient not in used | taken | not_tolerated(ctx)
        # Esketamine is named with the options beyond medication (its REMS, its indications).
        and d.ingredient not in pathway_options.options()
        and populations.never(ctx, d.ingredient, d.drug_class) is None
        and ctx.facts.caution_for(d.ingredient) is None
    ]


def _augment_section(ctx: RuleContext, used: set[str]) -> str:
    lines = []
    if used:
        lines.append(f"Adjuncts already used in this episode: {', '.join(sorted(used))}.")
    stacked = running_antipsychotics(ctx)
    if stacked:
        lines.append(
            f"An antipsychotic is already running ({', '.join(_dose(t) for t in stacked)}): a "
            "second antipsychotic is not proposed; optimise or replace the one running."
        )
    remaining = _first_line_adjuncts(ctx, used)
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
        others = _second_line_non_antipsychotics(ctx, used)
        if others:
            lines.append(
                f"Non-antipsychotic adjuncts (CANMAT 2023 Table 7.2, second line): "
                f"{', '.join(_with_monitoring(others))}."
            )
    else:
        others = _second_line_non_antipsychotics(ctx, used)
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
        for name in _second_line_non_antipsychotics(ctx, used)
    )
    return [text for text in found if text is not None]


def _running_adjunct_lines(ctx: RuleContext) -> list[str]:
    """Monitoring of an adjunct already running: lithium, liothyronine, an antipsychotic."""
    lines = []
    for t in ctx.facts.augmentations:
        if not t.ongoing:
            continue
        row = pathway_options.monitoring_for(t.ingredient)
        if row is not None:
            line = pathway_options.adjunct_line(t.ingredient, "")
            lines.append(f"{line[:1].upper()}{line[1:]}: running.")
        elif drug_rules.is_antipsychotic(t.drug_class):
            lines.append(
                f"{t.ingredient.capitalize()} running: "
                f"{pathway_options.antipsychotic_monitoring()}."
            )
    return lines


def _no_tms_section(ctx: RuleContext) -> str:
    facts = ctx.facts
    if facts.tms.eligible or len(facts.failed_trials) < ctx.policy.tms_min_failed_trials:
        return ""
    blockers = facts.tms.clinical
    if facts.psychotic:
        # Psychotic features appear once (issue 12): the card's own psychotic section already
        # says that TMS policies exclude them and that ECT is preferred.
        blockers = tuple(b for b in blockers if not b.startswith("psychotic features on record"))
    if not blockers:
        return ""
    text = (
        "**Why no TMS referral:** "
        + "; ".join(blockers)
        + " (LCD L34998/L37086 and payer policies). Discuss ECT or other options with psychiatry."
    )
    if populations.is_minor(ctx):
        text += " " + cards.guideline_links("fda-k231926")
    return text


def _evidence(ctx: RuleContext) -> tuple[Evidence, ...]:
    """The trials (with the adjuncts), scores and, after a failure, the stage: the evidence this
    card shares with the others of its screen (services/screen.py keeps it once)."""
    facts = ctx.facts
    trials = facts.episode_trials + tuple(t for t in facts.augmentations)
    found = []
    if trials:
        found.append(cards.trials_evidence(trials, ctx.policy.mapping))
    found.append(cards.scores_evidence(ctx.record))
    if facts.failed_trials:
        found.append(cards.staging_evidence(ctx.stage))
    return tuple(found)


def _next_options(ctx: RuleContext, *, exclude: frozenset[str] = frozenset()) -> list[str]:
    """The rest of the pathway (issue 12): ECT, esketamine and ketamine after two or more failed
    adequate trials (ECT first for an older adult), and one line on pharmacogenomic testing
    after a poor response (services/pathway_options.py)."""
    failed = len(ctx.facts.failed_trials)
    if populations.is_minor(ctx):
        return []  # the adult options are not named for a minor: decided with child psychiatry
    return [
        pathway_options.beyond_medication(
            failed, ctx.record.patient.age, ctx.policy, exclude=exclude
        ),
        pathway_options.pgx_line(failed),
    ]


def _basis(ctx: RuleContext, *extra_guidelines: str) -> list[str]:
    """What every variant of the card ends with: why no TMS, the trials table, scores, stage and
    guideline links."""
    keys = ["canmat2023"]  # the staging line links its own source (Fekadu 2018)
    if populations.age_choices(ctx):
        keys.append("nice-ng134")
    keys.extend(extra_guidelines)
    return [
        _no_tms_section(ctx),
        *cards.evidence_sections(*_evidence(ctx)),
        cards.guideline_links(*keys),
    ]


def _opening(ctx: RuleContext) -> list[str]:
    sections = []
    if ctx.facts.suicide is not None:
        sections.append("**Suicide risk card open:** assess risk before changing treatment.")
    sections.append(populations.population_notes(ctx))
    return sections


def _dose_section(ctx: RuleContext, trial: Trial) -> str:
    low, top, age = trial.min_adequate_mg, _top(ctx, trial), ctx.record.patient.age
    cap = ""
    if top == trial.max_mg:
        target = f"the adequate range {cards.fmt_mg(low)}-{cards.fmt_mg(top)} mg/day"
    elif top is not None and low is not None and top <= low:
        target = f"the adequate dose {cards.fmt_mg(top)} mg/day"
        cap = f", which is also the maximum at age {age}"
    else:
        target = f"the adequate range {cards.fmt_mg(low)}-{cards.fmt_mg(top)} mg/day at age {age}"
    low_weeks = cards.below_minimum(trial)
    so_far = (
        f" for {cards.fmt_weeks(low_weeks[1])} weeks so far"
        if low_weeks is not None and low_weeks[1] >= 1
        else ""
    )
    text = (
        f"**Dose:** {trial.ingredient} {cards.fmt_mg(trial.current_mg_per_day)} mg/day{so_far} "
        f"is below {target} (CANMAT 2023 Table 3.3){cap}; raise it before judging response "
        "(not an adequate trial until then)."
    )
    limit = age_limits.limit_for(trial.ingredient, ctx.record.patient.age)
    if limit is not None and trial.max_mg is not None and limit.max_mg < trial.max_mg:
        text += (
            f" The labelled maximum from age {limit.min_age} is {cards.fmt_mg(limit.max_mg)} "
            f"mg/day: {age_limits.label(limit)}"
        )
    course = tolerability.not_tolerated(ctx.record).get(trial.ingredient)
    if course is not None:
        text += (
            f" A reaction to it is on record ({tolerability.brief(course)}): raise it only if "
            "it is tolerated now; not offered as a ready-to-accept order."
        )
    return text


def _raise(ctx: RuleContext, trial: Trial, sections: list[str], found: list[Suggestion]) -> None:
    """The dose section of a running trial below its range, and its raise suggestion if any."""
    sections.append(_dose_section(ctx, trial))
    suggestion = _raise_dose_suggestion(ctx, trial)
    if suggestion is not None:
        found.append(suggestion)


# --- summaries ----------------------------------------------------------------------------------


def _low_summary(ctx: RuleContext, t: Trial) -> str:
    return cards.fit_summary(
        f"{t.ingredient.capitalize()} {cards.fmt_mg(t.current_mg_per_day)} mg/day is below the "
        f"adequate range ({_range(ctx, t)}): raise the dose before judging response",
        f"{t.ingredient.capitalize()} {cards.fmt_mg(t.current_mg_per_day)} mg/day is below "
        f"the minimum adequate {cards.fmt_mg(t.min_adequate_mg)} mg/day: raise the dose",
    )


def _age_switch(ctx: RuleContext) -> str | None:
    """ "fluoxetine or citalopram" for an age with an ordered list; None for adults."""
    if not populations.age_choices(ctx):
        return None
    names, _, _ = _switch_candidates(ctx)
    first = [n.split(" (")[0] for n in names][:2]
    return cards.or_list(first) if first else "the next agent with child psychiatry"


def _summary(ctx: RuleContext, used: set[str]) -> str:
    facts = ctx.facts
    adjuncts = [d.ingredient for d in _first_line_adjuncts(ctx, used)]
    if adjuncts:
        adjunct_text = cards.or_list(adjuncts)
    elif running_antipsychotics(ctx):
        adjunct_text = "a non-antipsychotic adjunct"
    else:
        adjunct_text = "a second-line adjunct"
    count = len(facts.failed_trials)
    failed = cards.names(facts.failed_trials)
    trials = "1 adequate trial" if count == 1 else f"{count} adequate trials"
    no_tms = ""
    if count >= ctx.policy.tms_min_failed_trials:
        if facts.tms_contraindications:
            no_tms = f"; TMS contraindicated ({facts.tms_contraindications[0].display})"
        elif populations.is_minor(ctx):
            no_tms = f"; TMS: adults only (age {ctx.record.patient.age})"
        elif facts.ect_open is not None:
            no_tms = "; ECT referral already open"
    young = _age_switch(ctx)
    if young is not None:
        # Under 18 the guideline's next step is the next agent of the age list (NICE NG134);
        # the adult adjuncts are named on the card as text only.
        age = populations.age(ctx)
        return cards.fit_summary(
            f"{trials} failed ({failed}): switch to {young} (NICE NG134, age {age}) or augment"
            + no_tms,
            f"{trials} failed ({failed}): switch to {young} (NICE NG134) or augment" + no_tms,
            f"{trials} failed: switch to {young} (NICE NG134) or augment",
        )
    if count == 1:
        cls = facts.failed_classes[0]
        return cards.fit_summary(
            f"1 adequate trial failed ({failed}): switch to a non-{cls} mechanism or augment "
            f"({adjunct_text})",
            f"1 adequate trial failed ({failed}): switch mechanism or augment",
        )
    return cards.fit_summary(
        f"{trials} failed ({failed}): augment ({adjunct_text}) or switch class" + no_tms,
        f"{trials} failed ({failed}): augment ({adjunct_text}) or switch class",
        f"{trials} failed: augment ({adjunct_text}) or switch class",
    )


def _unmeasured_summary(ctx: RuleContext, trial: Trial) -> str:
    count = len(ctx.facts.failed_trials)
    failed = cards.names(ctx.facts.failed_trials)
    trials = "1 adequate trial" if count == 1 else f"{count} adequate trials"
    return cards.fit_summary(
        f"{trials} failed ({failed}); {trial.ingredient} not measured yet: repeat the PHQ-9 "
        "before augmenting or switching",
        f"{trials} failed; {trial.ingredient} not measured yet: repeat the PHQ-9 before "
        "augmenting or switching",
    )


# --- variants of the card -----------------------------------------------------------------------


def _toward_remission(
    ctx: RuleContext, good: tuple[Trial, ...], low: tuple[Trial, ...]
) -> Recommendation | None:
    """A responding current trial: no switch or augmentation; optimise the dose toward remission
    where the range leaves room (CANMAT 2023 para 187: higher doses within the range work better).
    Nothing to optimise (every responding drug at the top of its range) means no card."""
    found: list[Suggestion] = []
    sections = _opening(ctx)
    # The top of the range is lowered to the labelled older-adult maximum where one applies
    # (citalopram 20 mg/day over 60: age_limits.py), so no raise is proposed above it.
    age = ctx.record.patient.age
    top = {t: age_limits.capped(t.ingredient, age, t.max_mg) for t in good + low}
    # A response measured long ago says little about today: no dose change is pushed on it
    # (the measurement card asks for a new PHQ-9 first).
    fresh = ctx.record.as_of - timedelta(days=ctx.policy.mbc_interval_days)
    room = [
        t
        for t in good
        if t.on_treatment is not None
        and t.on_treatment.date >= fresh
        and t.current_mg_per_day is not None
        and (t_max := top[t]) is not None
        and t.current_mg_per_day < t_max
        and t not in low
    ]
    for t in good:
        state = "in remission on its last score" if t.remission else "not in remission"
        sections.append(
            f"**Responding:** {_dose(t)} since {t.start.isoformat()}: {_drop(t)} (response is a "
            f">= 50 % drop, CANMAT 2023 para 180); {state} (PHQ-9 < "
            f"{ctx.policy.remission_below}, CMS159). Switching or adding an adjunct is not "
            "proposed while the current trial responds."
        )
    for t in room:
        sections.append(
            f"**Optimise toward remission:** higher doses within the range are more effective "
            f"(CANMAT 2023 para 187): consider raising {t.ingredient} within "
            f"{cards.fmt_mg(t.min_adequate_mg)}-{cards.fmt_mg(top[t])} mg/day (now "
            f"{cards.fmt_mg(t.current_mg_per_day)}) and repeat the PHQ-9 after the change."
        )
    for t in low:
        _raise(ctx, t, sections, found)
    if not room and not low:
        return None
    first = (low or tuple(room))[0]
    resp = good[0]
    summary = cards.fit_summary(
        f"{resp.ingredient.capitalize()} responding ({_short_drop(resp)}), not in remission: "
        f"optimise {first.ingredient} within {cards.fmt_mg(first.min_adequate_mg)}-"
        f"{cards.fmt_mg(top[first])} mg/day; no switch or adjunct",
        f"{resp.ingredient.capitalize()} responding ({_short_drop(resp)}): optimise the dose "
        "toward remission; no switch or adjunct",
    )
    return cards.make(
        TOPIC,
        summary=summary,
        detail=cards.join_sections(*sections, *_basis(ctx)),
        suggestions=found,
        indicator=Indicator.INFO,
        evidence=_evidence(ctx),
    )


def _short_drop(trial: Trial) -> str:
    before, after = trial.baseline, trial.on_treatment
    if before is None or after is None:
        return "PHQ-9 not measured"
    return f"PHQ-9 {before.value} → {after.value}"


def _weeks_at_or_above(trial: Trial, mg: float) -> float:
    days = sum(
        (s.end - s.start).days
        for s in trial.segments
        if s.mg_per_day is not None and s.mg_per_day >= mg
    )
    return days / 7


def _failed_combination(ctx: RuleContext, regimen: Regimen) -> Trial | None:
    """The regimen's antipsychotic given at its antipsychotic-range dose for an adequate time
    alongside an antidepressant, without response or remission: the combination failed."""
    antidepressants = ctx.record.antidepressant_trials()
    for t in ctx.record.trials:
        if t.ingredient != regimen.antipsychotic or not in_episode(
            t.start, ctx.facts.episode_start
        ):
            continue
        if (
            _weeks_at_or_above(t, regimen.antipsychotic_min_mg)
            < ctx.policy.mapping.min_adequate_weeks
        ):
            continue
        if t.response is True or t.remission is True or (t.ongoing and t.outcome_unmeasured):
            continue
        if any(a.start <= t.end and a.end >= t.start for a in antidepressants):
            return t
    return None


def speaks_to_psychotic_features(ctx: RuleContext) -> bool:
    """Whether this card takes up psychotic features (its psychotic-depression variant), so the
    diagnosis review need not say them again (issue 12: psychotic features appear once). Not in
    bipolar disorder (no card), nor when an antidepressant and an antipsychotic are running and
    responding (nothing to change)."""
    facts = ctx.facts
    if not facts.psychotic or facts.bipolar:
        return False
    return not (running_antipsychotics(ctx) and responding(ctx))


def _psychotic_depression(ctx: RuleContext) -> Recommendation | None:
    """Antidepressant plus antipsychotic at antipsychotic-range doses, or ECT (CANMAT 2023 Table
    3.6, para 215; STOP-PD); never augmentation doses, a second antipsychotic or bupropion; ECT
    after a failed combination."""
    facts = ctx.facts
    finding = facts.psychotic[0]
    regimen = next(iter(drug_rules.psychotic_depression_regimens()), None)
    stacked = running_antipsychotics(ctx)
    if not speaks_to_psychotic_features(ctx):
        return None  # antidepressant and antipsychotic running and responding: nothing to change
    failed = _failed_combination(ctx, regimen) if regimen is not None else None
    reasons = [f.source for f in facts.psychotic if f.source is not None] + _reasons(ctx)
    found: list[Suggestion] = []
    sections = _opening(ctx)
    sections.append(
        f"**Psychotic features:** {finding.display}. CANMAT 2023 Table 3.6: antidepressant plus "
        "an atypical antipsychotic at antipsychotic-range doses; ECT is especially effective "
        "with psychotic features (para 215). Augmentation doses (e.g. aripiprazole 2 mg/day) "
        "are not a treatment of psychotic depression. TMS policies exclude psychotic features."
    )
    if regimen is not None:
        sections.append(
            f"**Regimen with trial evidence:** {regimen.text()} (Meyers 2009, Arch Gen "
            "Psychiatry; Flint 2019, JAMA)."
        )
    if failed is not None:
        summary = cards.fit_summary(
            f"Psychotic depression: {failed.ingredient} at antipsychotic-range dose with an "
            "antidepressant failed: refer for ECT (CANMAT 2023)",
            "Psychotic depression: antidepressant plus antipsychotic failed: refer for ECT",
        )
        floor = regimen.antipsychotic_min_mg if regimen is not None else 0.0
        weeks = cards.fmt_weeks(_weeks_at_or_above(failed, floor))
        sections.append(
            f"**Combination failed:** {_dose(failed)} from {failed.start.isoformat()}, {weeks} "
            f"weeks at an antipsychotic-range dose with an antidepressant, {_drop(failed)}: "
            "refer for ECT (CANMAT 2023 para 215)."
        )
    elif stacked:
        sections.append(_running_antipsychotic_section(ctx, stacked, regimen, found, reasons))
        summary = cards.fit_summary(
            f"Psychotic features ({finding.display}): {stacked[0].ingredient} already running, "
            "no second antipsychotic: antipsychotic-range dose or ECT",
            "Psychotic features: antipsychotic already running, no second one: antipsychotic-"
            "range dose or ECT",
        )
    else:
        if regimen is not None:
            _propose_regimen(ctx, regimen, found, sections, reasons)
        summary = cards.fit_summary(
            f"Psychotic features ({finding.display}): antidepressant plus antipsychotic at "
            "antipsychotic-range dose, or ECT",
            "Psychotic features: antidepressant plus antipsychotic at antipsychotic-range dose, "
            "or ECT",
        )
    if facts.ect_open is None:
        found.append(_ect_suggestion(ctx, recommended=failed is not None))
    else:
        sections.append("**ECT:** a referral is already open; not proposed again.")
    for t in subtherapeutic(ctx):
        _raise(ctx, t, sections, found)
    for t in facts.ongoing_trials:
        barred = populations.never(ctx, t.ingredient, t.drug_class)
        if barred is not None:
            sections.append(
                f"**Current antidepressant:** {_dose(t)}: {barred.reason()}; consider changing it."
            )
    if facts.failed_trials:
        sections.append(_switch_section(ctx))
    sections.append(tolerability.line(ctx.record))
    # Esketamine and ketamine are not named here: the esketamine label asks for care with
    # psychosis, and CANMAT's options with psychotic features are the antipsychotic or ECT
    # (acute_risk.py says the same). Pharmacogenomic testing is one line after a failure.
    sections.append(pathway_options.pgx_line(len(facts.failed_trials)))
    extra = ("stop-pd",) if regimen is not None else ()
    return cards.make(
        TOPIC,
        summary=summary,
        detail=cards.join_sections(*sections, *_basis(ctx, *extra)),
        suggestions=found,
        evidence=_evidence(ctx),
    )


def _running_antipsychotic_section(
    ctx: RuleContext,
    stacked: tuple[Trial, ...],
    regimen: Regimen | None,
    found: list[Suggestion],
    reasons: list[SourceRef],
) -> str:
    running = ", ".join(_dose(t) for t in stacked)
    text = f"**Antipsychotic running:** {running}; a second antipsychotic is not proposed."
    for t in stacked:
        if regimen is not None and t.ingredient == regimen.antipsychotic:
            mg = t.current_mg_per_day
            if mg is not None and mg < regimen.antipsychotic_min_mg:
                text += (
                    f" {t.ingredient} is below the antipsychotic range "
                    f"{cards.fmt_mg(regimen.antipsychotic_min_mg)}-"
                    f"{cards.fmt_mg(regimen.antipsychotic_max_mg)} mg/day ({regimen.name})."
                )
                held = populations.text_only(ctx, t.ingredient, t.drug_class)
                if held is not None:
                    text += (
                        f" Raising {t.ingredient} is not offered as a ready-to-accept order: "
                        f"{held.reason()}."
                    )
                else:
                    label = (
                        f"Raise {t.ingredient} to {cards.fmt_mg(regimen.antipsychotic_min_mg)} "
                        f"mg/day ({regimen.name})"
                    )
                    resource = _medication(
                        ctx,
                        drugs.info(t.ingredient),
                        t.ingredient,
                        regimen.antipsychotic_min_mg,
                        f"Antipsychotic-range dose for psychotic depression ({regimen.name}).",
                        reasons,
                    )
                    found.append(suggestions.create(label, resource))
        else:
            text += (
                f" {t.ingredient}: no antipsychotic-range dose for psychotic depression is on "
                "file here (trial evidence: "
                + (regimen.text() if regimen else "none on file")
                + "): review the agent and dose with psychiatry."
            )
    return text


def _propose_regimen(
    ctx: RuleContext,
    regimen: Regimen,
    found: list[Suggestion],
    sections: list[str],
    reasons: list[SourceRef],
) -> None:
    """Propose the regimen: its antipsychotic added to the running antidepressant, or both drugs
    when no antidepressant runs. Text only (no ready-to-accept order) when the patient's age or a
    finding says so, or when no antidepressant runs and the regimen's own one already failed in
    this episode (the clinician chooses the antidepressant; an antipsychotic alone is not the
    regimen)."""
    ap_info = drugs.info(regimen.antipsychotic)
    ap_class = ap_info.drug_class if ap_info else "atypical antipsychotic"
    held = populations.text_only(ctx, regimen.antipsychotic, ap_class)
    years = populations.age(ctx)
    why_text: str | None = None
    intolerant = tolerability.not_tolerated(ctx.record)
    if regimen.antipsychotic in intolerant:
        # Never propose a drug the patient did not tolerate: the clinician picks the
        # antipsychotic (the card's "Not tolerated" line names the record).
        why_text = f"not tolerated before ({tolerability.brief(intolerant[regimen.antipsychotic])})"
    elif held is not None:
        why_text = held.reason()
    elif regimen.min_age is not None and years is not None and years < regimen.min_age:
        why_text = f"{regimen.name} enrolled adults ({regimen.min_age}+); age {years}"
    if why_text is not None:
        sections.append(
            f"**Not offered as a ready-to-accept order:** {regimen.antipsychotic}: {why_text}."
        )
        return
    running_ad = [t for t in ctx.facts.ongoing_trials if t.role is Role.ANTIDEPRESSANT]
    note = f"Antipsychotic-range dose for psychotic depression ({regimen.name})."
    ap_target = (
        f"{cards.fmt_mg(regimen.antipsychotic_min_mg)}-"
        f"{cards.fmt_mg(regimen.antipsychotic_max_mg)} mg/day"
    )
    resources = [
        _medication(
            ctx, ap_info, regimen.antipsychotic, regimen.antipsychotic_min_mg, note, reasons
        )
    ]
    usable = [t for t in running_ad if populations.never(ctx, t.ingredient, t.drug_class) is None]
    if running_ad and not usable:
        sections.append(
            f"**Combination:** the running antidepressant ({', '.join(_dose(t) for t in running_ad)})"
            f" is not one to combine here: choose another with psychiatry ({regimen.name} used "
            f"{regimen.antidepressant}), then add {regimen.antipsychotic} {ap_target}; not offered "
            "as a ready-to-accept order."
        )
        return
    if usable:
        running_ad = usable
        label = (
            f"Add {regimen.antipsychotic} {cards.fmt_mg(regimen.antipsychotic_min_mg)} mg/day "
            f"to {running_ad[0].ingredient} (target {ap_target}, {regimen.name})"
        )
    else:
        ad_info = drugs.info(regimen.antidepressant)
        ad_class = ad_info.drug_class if ad_info else ""
        barred = populations.never(ctx, regimen.antidepressant, ad_class)
        failed = regimen.antidepressant in ctx.facts.failed_ingredients
        untolerated = intolerant.get(regimen.antidepressant)
        if barred is not None or failed or untolerated is not None or ad_info is None:
            if barred is not None:
                why = barred.reason()
            elif untolerated is not None:
                why = f"{regimen.antidepressant} was not tolerated before"
            else:
                why = f"{regimen.antidepressant} already failed alone in this episode"
            sections.append(
                f"**Combination:** no antidepressant is running and {why}: choose the "
                f"antidepressant with psychiatry, then add {regimen.antipsychotic} {ap_target} "
                f"({regimen.name}); not offered as a ready-to-accept order."
            )
            return
        resources.append(
            _medication(
                ctx, ad_info, regimen.antidepressant, regimen.antidepressant_min_mg, note, reasons
            )
        )
        label = (
            f"Start {regimen.antidepressant} {cards.fmt_mg(regimen.antidepressant_min_mg)} and "
            f"{regimen.antipsychotic} {cards.fmt_mg(regimen.antipsychotic_min_mg)} mg/day "
            f"({regimen.name})"
        )
    found.append(suggestions.create_many(label, [r for r in resources if r is not None]))


def after_intolerance(ctx: RuleContext) -> tuple[Trial, ...]:
    """Courses of this episode ended for documented intolerance (PathwayFacts.intolerant_trials)
    while no antidepressant or adjunct runs now: the patient is off treatment because the last
    drug was not tolerated. () otherwise (e.g. already on the next drug: it is left to run)."""
    if current_trials(ctx):
        return ()
    return ctx.facts.intolerant_trials


def _switch_for_intolerance(ctx: RuleContext) -> Recommendation:
    """Off treatment after a course that was not tolerated, with nothing failed: switch to a
    better-tolerated agent (CANMAT 2023 para 190: switch first when tolerability is poor). The
    intolerant drug is never proposed; the rest of its class is (an intolerance is of a drug,
    not a mechanism failure), and the options stay text: which agent depends on the side effect
    and the clinician's choice, so nothing is ready to accept."""
    stopped = after_intolerance(ctx)
    last = stopped[-1]
    intolerance = last.intolerance
    reason = intolerance.reason if intolerance is not None else "not tolerated"
    when = intolerance.date.isoformat() if intolerance is not None and intolerance.date else None
    sections = _opening(ctx)
    sections.append(
        "**Stopped for intolerance, no antidepressant running:** "
        + "; ".join(tolerability.course_line(t) for t in stopped)
        + ". Not a failure of efficacy (not counted toward treatment resistance) and not a "
        "question of adherence; never proposed again. CANMAT 2023 (para 190): switch when "
        "tolerability is poor; choose an agent with a different side-effect profile."
    )
    names, notes, heading = _switch_candidates(ctx)
    lines: list[str] = []
    if names:
        separator = "; then " if populations.age_choices(ctx) else "; "
        lines.append(f"{heading}: {separator.join(names)}.")
    else:
        lines.append(
            "No first-line agent is left (not tolerated or ruled out): choose the next agent "
            "with psychiatry."
        )
    lines.extend(washout.switch_lines(ctx.record, names))
    sections.append("**Switch:** " + " ".join(lines + notes))
    sections.append(tolerability.line(ctx.record, named=(t.ingredient for t in stopped)))
    name = last.ingredient.capitalize()
    dated = f"{reason}, {when}" if when else reason
    summary = cards.fit_summary(
        f"{name} not tolerated ({dated}) and no antidepressant running: switch to a "
        "better-tolerated agent (CANMAT 2023)",
        f"{name} not tolerated ({dated}), no antidepressant running: switch to a "
        "better-tolerated agent",
        f"{name} not tolerated ({when or 'date not recorded'}), no antidepressant running: "
        "switch to a better-tolerated agent",
        f"{name} not tolerated, no antidepressant running: switch to a better-tolerated agent",
    )
    return cards.make(
        TOPIC,
        summary=summary,
        detail=cards.join_sections(*sections, *_basis(ctx)),
        evidence=_evidence(ctx),
    )


def rule(ctx: RuleContext) -> Recommendation | None:
    facts = ctx.facts
    if facts.bipolar:
        return None
    if facts.psychotic:
        return _psychotic_depression(ctx)
    low = subtherapeutic(ctx)
    good = responding(ctx)
    if good:
        return _toward_remission(ctx, good, low)
    waiting = not_yet_judged(ctx)
    if not low and not facts.failed_trials and after_intolerance(ctx):
        return _switch_for_intolerance(ctx)
    if not (low or (facts.failed_trials and not waiting)):
        return None
    used = {t.ingredient for t in facts.augmentations}
    found: list[Suggestion] = []
    sections = _opening(ctx)
    for trial in low:
        _raise(ctx, trial, sections, found)
    if waiting:
        # Switching or adding to a course that has not had a fair, measured test is premature.
        pending = [t for t in waiting if t not in low]
        if pending:
            sections.append(
                "**Not judged yet:** "
                + "; ".join(f"{_dose(t)} since {t.start.isoformat()}" for t in pending)
                + ": no switch or augmentation until the current trial can be judged."
            )
        summary = _low_summary(ctx, low[0])
    else:
        blind = unmeasured(ctx)
        if blind:
            sections.append(
                "**Current trial not measured:** "
                + "; ".join(f"{_dose(t)} since {t.start.isoformat()}" for t in blind)
                + " has no PHQ-9 on treatment: repeat the PHQ-9 before switching or adding an "
                "adjunct (it may be working); the options below are not offered as orders yet."
            )
        if facts.failed_trials:
            sections.append(_augment_section(ctx, used))
            sections.append(_switch_section(ctx))
            sections.append(tolerability.line(ctx.record))
            sections.extend(_next_options(ctx))
            if not blind:
                found.extend(_augmenter_suggestions(ctx, used))
        if low:
            summary = _low_summary(ctx, low[0])
        elif blind:
            summary = _unmeasured_summary(ctx, blind[0])
        else:
            summary = _summary(ctx, used)
    return cards.make(
        TOPIC,
        summary=summary,
        detail=cards.join_sections(*sections, *_basis(ctx)),
        suggestions=found,
        evidence=_evidence(ctx),
    )
