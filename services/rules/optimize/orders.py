"""The card's ready-to-accept suggestions: medication requests (raise a dose, add a first-line
adjunct) and the ECT referral, with the findings they are for."""

from __future__ import annotations

from fhir_mapping.drug_table import DrugInfo
from fhir_mapping.record import SourceRef, Trial
from services import (
    adjunct_mechanisms,
    age_limits,
    cards,
    class_effects,
    drug_rules,
    drugs,
    formulation_ceilings,
    older_adult_levels,
    suggestions,
)
from services.recommendation import Suggestion
from services.rules import populations
from services.rules.context import RuleContext
from services.rules.optimize import injection_tail, interacting, young_ect
from services.rules.optimize.adjunct_level import dosed_by_level as dosed_by_level
from services.rules.optimize.courses import not_tolerated, running_antipsychotics
from services.rules.optimize.stopped_dose import stopped_cap
from services.trial_table import top_dose_text

# How a first-line adjunct one-click's label opens (one_click_hold reads it: a hold of these says
# "adjuncts held" in the summary).
ADJUNCT_LABEL = "Propose adjunctive"


def finding_refs(ctx: RuleContext) -> list[SourceRef]:
    depression = ctx.facts.depression_finding
    return [depression.source] if depression is not None and depression.source else []


def medication(
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
        reasons=finding_refs(ctx) if reasons is None else reasons,
        note=note,
    )


def same_mechanism_failed(ctx: RuleContext, ingredient: str) -> list[Trial]:
    """This episode's ended adjunct courses that failed and share `ingredient`'s mechanism, being
    another drug (aripiprazole, for brexpiprazole: both D2 partial agonists,
    services/data/adjunct_mechanisms.csv), oldest first."""
    return sorted(
        (
            t
            for t in ctx.facts.augmentations
            if not t.ongoing
            and t.failed
            and adjunct_mechanisms.shares_mechanism(ingredient, t.ingredient)
        ),
        key=lambda t: t.end,
    )


def _weeks_at_top(trial: Trial) -> float:
    """The weeks the course ran at the top daily dose `top_dose_text` names (review K61b finding
    6: "failed at 5 mg/day for 7.1 wk" counted from the 2 mg start, 5 mg ran 5.1 wk); the whole
    course when no daily dose was read."""
    daily = [s for s in trial.segments if not s.as_needed and s.mg_per_day is not None]
    if not daily:
        return (trial.end - trial.start).days / 7
    top = max(s.mg_per_day or 0.0 for s in daily)
    return sum((s.end - s.start).days for s in daily if s.mg_per_day == top) / 7


def same_mechanism_note(ctx: RuleContext, ingredient: str, *, short: bool = False) -> str:
    """ "a D2 partial agonist like aripiprazole, which failed at 5 mg/day for 13 wk in this
    episode" beside an adjunct offered after another of its mechanism failed (review 16 W6);
    `short`: "same mechanism as aripiprazole, failed 13 wk", for a one-click label. "" when none
    failed. Said, not hidden: CANMAT 2023 lists it first line whatever came before, and the
    choice against an adjunct of another mechanism (lithium, liothyronine) is the clinician's."""
    failed = same_mechanism_failed(ctx, ingredient)
    row = adjunct_mechanisms.mechanism(ingredient)
    if not failed or row is None:
        return ""
    t = failed[-1]
    weeks = cards.fmt_weeks(_weeks_at_top(t))
    if short:
        return f"same mechanism as {t.ingredient}, failed {weeks} wk"
    return (
        f"a {row.short} like {t.ingredient}, which failed at {top_dose_text(t)} for {weeks} wk "
        "in this episode"
    )


def _open_first_line(ctx: RuleContext, used: set[str]) -> tuple[DrugInfo, ...]:
    """CANMAT first-line adjuncts not used yet, without a second antipsychotic and without what
    this patient must never get (before the interaction table is asked)."""
    stacked = bool(running_antipsychotics(ctx))
    intolerant = not_tolerated(ctx)
    return tuple(
        d
        for d in ctx.drug_lines.first_line_augmenters
        if d.ingredient not in used
        and d.ingredient not in intolerant
        and not (stacked and drug_rules.is_antipsychotic(d.drug_class))
        and populations.never(ctx, d.ingredient, d.drug_class) is None
    )


def first_line_adjuncts(
    ctx: RuleContext, used: set[str], screen: interacting.Screen | None = None
) -> tuple[DrugInfo, ...]:
    """CANMAT first-line adjuncts not used yet, without a second antipsychotic, without what
    this patient must never get and without a drug the interaction table marks critical with one
    taken now (review 9 finding 3: never one click; the augment section says why). `screen`:
    `interacting.screen(ctx)` when the caller has read it already."""
    found = _open_first_line(ctx, used)
    if not found:
        return found  # a running antipsychotic: nothing to weigh
    if screen is None:
        screen = interacting.screen(ctx)
    return tuple(d for d in found if not screen.barring(d.ingredient))


def first_line_left_out(
    ctx: RuleContext, used: set[str], screen: interacting.Screen
) -> list[interacting.Hit]:
    """The critical pairs that kept a first-line adjunct out of `first_line_adjuncts`."""
    firsts = ctx.drug_lines.first_line_augmenters
    if not screen.live and screen.row_drugs.isdisjoint(d.ingredient for d in firsts):
        return []  # nearly every chart: the adjuncts were not weighed again
    return [hit for d in _open_first_line(ctx, used) for hit in screen.barring(d.ingredient)]


def augmenter_suggestions(
    ctx: RuleContext, used: set[str], remaining: tuple[DrugInfo, ...] | None = None
) -> list[Suggestion]:
    """`remaining`: `first_line_adjuncts(ctx, used)` when the caller has them already."""
    out = []
    for drug in first_line_adjuncts(ctx, used) if remaining is None else remaining:
        if populations.text_only(ctx, drug.ingredient, drug.drug_class) is not None:
            continue  # named in the augment section with the reason, never one click
        if injection_tail.holds_antipsychotic(ctx, drug.drug_class):
            continue  # a long-acting injection still acting (fix lai62): named, never one click
        label = f"{ADJUNCT_LABEL} {drug.ingredient}"
        if drug.min_adequate_mg is not None:
            label += f" {cards.fmt_mg(drug.min_adequate_mg)} mg/day"
        note = "Adjunct to the current antidepressant (CANMAT 2023 Table 7.2, first line)."
        # After another drug of its mechanism failed (review 16 W6), the label and the order's
        # note say so: the one click is not taken as a new mechanism.
        same = same_mechanism_note(ctx, drug.ingredient, short=True)
        if same:
            note += (
                f" {drug.ingredient.capitalize()} is {same_mechanism_note(ctx, drug.ingredient)}."
            )
        # A reaction recorded on another drug of its group that the group shares (akathisia on
        # aripiprazole before brexpiprazole: review 16 M5) is named on the line and in the order.
        shared = class_effects.note(ctx.record, drug.ingredient)
        if shared:
            note += f" Watch for {shared}."
        resource = medication(ctx, drug, drug.ingredient, drug.min_adequate_mg, note)
        # The label says it short (audit 16 c04); the order's note and the card say it in full.
        brief = class_effects.short_note(ctx.record, drug.ingredient) if shared else ""
        tail = "".join(f"; {part}" for part in (same, brief) if part)
        out.append(suggestions.create(f"{label} (CANMAT first line{tail})", resource))
    return out


def raise_dose_suggestion(
    ctx: RuleContext, trial: Trial, *, adjunct: bool = False
) -> Suggestion | None:
    """Raise a running dose to the minimum adequate dose (never above the older-adult maximum).
    None for a drug with a recorded reaction: more of it is not offered as one click (the dose
    section says why); nor for a course that rests on reports only (Trial.report_only). None for a drug dosed to a serum level (lithium, recheck R1): its mg/day
    range says nothing about the level a dose gives at this age, kidney function and with these
    drugs, so the card says to adjust it to its level as text. `adjunct`: the course is an
    adjunct below its Table 7.2 range (review 10 finding 6), and the order's note cites that
    table."""
    if trial.ingredient in not_tolerated(ctx) or dosed_by_level(trial.ingredient):
        return None
    # A dose only reported (Trial.report_only: no order or fill shows it dispensed): confirmed
    # before any raise, which the section says (room.report_hold); never one click.
    if trial.report_only:
        return None
    # An older adult's label that doses it by plasma level (nortriptyline; s25 FN item 1): the
    # level decides a raise, never the mg/day range (the dose section says so).
    if older_adult_levels.for_patient(trial.ingredient, ctx.record.patient.age) is not None:
        return None
    mg = age_limits.capped(
        trial.ingredient, ctx.record.patient.age, trial.min_adequate_mg, trial.formulation
    )
    # Never above the formulation's own ceiling either (review 15 W3: bupropion SR 400 mg/day).
    ceiling = formulation_ceilings.daily_ceiling(trial)
    if mg is not None and ceiling is not None:
        mg = min(mg, ceiling)
    # Never to (or past) a dose of the course stopped for an adverse effect: the cap the
    # optimise card's room reads (stopped_dose.stopped_cap; session 20 item L5-2). With no step left
    # above the running dose there is nothing to offer: the section says why.
    cap = stopped_cap(trial)
    if mg is not None and cap is not None:
        mg = min(mg, cap[0])
        if mg <= (trial.current_mg_per_day_upper or 0.0):
            return None
    label = f"Raise {trial.ingredient} to {cards.fmt_mg(mg)} mg/day"
    # The row's own cite (column dose_source): fluvoxamine's range is CPS 2023 Table 6's.
    cite = drugs.dose_cite(trial.ingredient, trial.role)
    where = f" ({cite})" if cite else ""
    note = (
        f"Adjunct dose toward its range{where}."
        if adjunct
        else f"Dose optimisation toward the adequate range{where}."
    )
    resource = medication(ctx, drugs.info(trial.ingredient), trial.ingredient, mg, note)
    return suggestions.create(label, resource, recommended=True)


def ect_suggestion(ctx: RuleContext, *, recommended: bool = False) -> Suggestion | None:
    """ "Refer for ECT evaluation" for psychotic features, or None below the age whose ECT row
    holds the one click (optimize/young_ect.py says why and what the card says instead)."""
    if young_ect.held(ctx) is not None:
        return None
    refs = [f.source for f in ctx.facts.psychotic if f.source is not None] + finding_refs(ctx)
    resource = None
    if ctx.patient_id is not None:
        resource = suggestions.service_request(
            patient_id=ctx.patient_id,
            concept="ect-evaluation",
            text="Referral for ECT evaluation (depression with psychotic features)",
            reasons=refs,
        )
    return suggestions.create("Refer for ECT evaluation", resource, recommended=recommended)
