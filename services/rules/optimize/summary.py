"""The optimise card's summaries: the next step after failed trials (`next_step_summary`: switch
or augment, the under-18 switch, an antidepressant for an antipsychotic taken alone, TMS not an
option), a base antidepressant tapered to a stop, a current trial not measured yet, an adjunct
below its range (raised, or held as text: `below_range_summary`), and the summary while a
safety card holds the raise it proposes (`while_held`). `_failed_words` keeps its name: tests
call it through optimize_switch_augment, which re-exports it.

Apart from optimize_switch_augment.py, whose rule picks one of them, because they are wording:
which summary applies is the rule's choice, how each reads (cards.fit_summary, longest first) is
here.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from fhir_mapping.drug_table import DrugInfo
from fhir_mapping.record import Trial
from services import (
    cards,
    drugs,
    fills_short,
    thyroid_hormone_cautions,
    trial_count,
    young_age_treatments,
)
from services.card_format import plural
from services.microgram_doses import microgram_dose_text
from services.order_doses import dosed_subject, trial_dose
from services.recommendation import HELD, HeldSummary
from services.rules import populations
from services.rules.context import RuleContext
from services.rules.optimize import as_needed, catatonia, unscored
from services.rules.optimize.augment import antipsychotic_alone, level_guided_summary
from services.rules.optimize.courses import failed_together, running_antipsychotics
from services.rules.optimize.dose import low_summary_while_held
from services.rules.optimize.orders import first_line_adjuncts
from services.rules.optimize.partial import adjunct_added, awaiting_adjunct, partial_running
from services.rules.optimize.switch import age_switch


def next_step_summary(
    ctx: RuleContext, used: set[str], remaining: tuple[DrugInfo, ...] | None = None
) -> str:
    """`remaining`: `first_line_adjuncts(ctx, used)` when the caller has them already."""
    facts = ctx.facts
    if remaining is None:
        remaining = first_line_adjuncts(ctx, used)
    # Only the adjuncts the detail offers: one it names as text only (pregnancy, NMS on record:
    # populations.text_only) is never the summary's next step (review K73a finding 8: "augment
    # (aripiprazole or brexpiprazole)" in pregnancy while the detail held both back; fix adj76).
    held = [r for d in remaining if (r := populations.text_only(ctx, d.ingredient, d.drug_class))]
    adjuncts = [
        d.ingredient
        for d in remaining
        if not populations.text_only(ctx, d.ingredient, d.drug_class)
    ]
    if adjuncts:
        adjunct_text = cards.or_list(adjuncts)
    elif held:
        adjunct_text = held[0].rule.short_note or "adjuncts as text only, see below"
    elif running_antipsychotics(ctx):
        adjunct_text = "a non-antipsychotic adjunct"
    else:
        adjunct_text = "a second-line adjunct"
    count = len(facts.failed_trials)
    failed, failed_short = _failed_words(ctx)
    no_tms = ""
    if count >= ctx.policy.tms_min_failed_trials:
        if facts.tms_contraindications:
            no_tms = f"; TMS contraindicated ({facts.tms_contraindications[0].display})"
        elif populations.is_minor(ctx):
            # Not "adults only": the detail names an adolescent clearance (NeuroStar, 15-21, as an
            # adjunct; review 13 M4): the summary says what is true, the adult payer policy.
            # Below every clearance no payer policy is the reason (review s27 RC finding 7).
            uncleared = young_age_treatments.tms_uncleared(populations.age(ctx))
            no_tms = (
                f"; {young_age_treatments.tms_uncleared_words(uncleared)}"
                if uncleared is not None
                else f"; TMS: outside adult payer policy (age {ctx.record.patient.age})"
            )
        elif facts.ect_open is not None:
            no_tms = "; ECT referral already open"
    young = age_switch(ctx)
    if young is not None:
        # Under 18 the guideline's next step is the next agent of the age list (NICE NG134);
        # the adult adjuncts are named on the card as text only.
        age = populations.age(ctx)
        # Not "or augment": the adjuncts are adult guidelines' (CANMAT 2023 Table 7.2), named on
        # the card without doses, a specialist's decision (review s25 RA finding 11).
        adjunct = "; adjuncts: child psychiatry"
        return cards.fit_summary(
            f"{failed}: switch to {young} (NICE NG134, age {age}){adjunct}" + no_tms,
            f"{failed}: switch to {young} (NICE NG134){adjunct}" + no_tms,
            # The TMS words outlast the failed drugs' names (they are in the detail's table),
            # and then the adjunct words (the detail's augment section says them).
            f"{failed_short}: switch to {young} (NICE NG134){adjunct}" + no_tms,
            f"{failed_short}: switch to {young} (NICE NG134)" + no_tms,
            f"{failed_short}: switch to {young} (NICE NG134){adjunct}",
            f"{failed_short}: switch to {young} (NICE NG134)",
        )
    alone = _antipsychotic_alone(ctx)
    if alone:
        # Quetiapine XR taken alone is the antidepressant (CANMAT 2023 Table 3.3, monotherapy):
        # "augment (a non-antipsychotic adjunct)" would build on an antipsychotic with no
        # antidepressant at all (recheck 13 n09). The step CANMAT gives after a failed
        # antidepressant is another antidepressant, in its place or added to it.
        names = cards.or_list(alone)
        return cards.fit_summary(
            f"{failed}: switch to an antidepressant of another class or add one to {names} "
            "(CANMAT 2023)" + no_tms,
            f"{failed}: switch to or add an antidepressant (CANMAT 2023)",
            f"{failed_short}: switch to or add an antidepressant",
            f"{_brief(ctx)}: switch to or add an antidepressant",
        )
    tried = _adjunct_tried(ctx, adjunct_text, no_tms)
    if tried is not None:
        return tried
    partial = awaiting_adjunct(ctx)
    if partial:
        # CANMAT 2023 para 190: a partial response is met by an adjunct first (review 17 W4).
        # The counting words name the partial response as every card of the screen does
        # (trial_count.partial_words: "1 adequate trial failed (sertraline), 1 partial response
        # (venlafaxine, 40 %)"; audit 17 W3), so the step is said once, to the drug running.
        on = cards.names(partial)
        return cards.fit_summary(
            f"{failed}: add an adjunct ({adjunct_text}) to {on} first (CANMAT 2023 para 190)"
            + no_tms,
            f"{failed}: add an adjunct ({adjunct_text}) to {on} first (CANMAT 2023 para 190)",
            f"{failed}: add an adjunct to {on} first (CANMAT para 190)",
            f"{failed_short}: add an adjunct to {on} first (CANMAT para 190)",
            f"{_brief(ctx)}: add an adjunct to {on} first (CANMAT para 190)",
        )
    if count == 1:
        cls = facts.failed_classes[0]
        # A trial judged on a score taken on two antidepressants failed with both classes
        # (audit 17b W1): "a non-SSRI mechanism" would leave the SNRI it ran with open.
        mechanism = "another mechanism" if failed_together(ctx) else f"a non-{cls} mechanism"
        return cards.fit_summary(
            f"{failed}: switch to {mechanism} or augment ({adjunct_text})",
            f"{failed}: switch mechanism or augment",
            f"{failed_short}: switch mechanism or augment",
            f"{_brief(ctx)}: switch mechanism or augment",
        )
    return cards.fit_summary(
        f"{failed}: augment ({adjunct_text}) or switch class" + no_tms,
        f"{failed}: augment ({adjunct_text}) or switch class",
        f"{failed_short}: augment ({adjunct_text}) or switch class",
        # The marks as one count, the action whole (review s27 RQ2 finding 4).
        f"{_brief(ctx)}: augment ({adjunct_text}) or switch class",
    )


def _adjunct_tried(ctx: RuleContext, adjunct_text: str, no_tms: str) -> str | None:
    """The summary when a running partial responder already had an adjunct added (recheck 17-2
    W1: "add an adjunct to venlafaxine first" beside "Adjuncts already used in this episode:
    aripiprazole"): para 190's step was taken, so the summary says where it stands. Running and
    younger than an adequate trial (policy min_adequate_weeks): "aripiprazole 5 mg/day added
    2025-03-10 to venlafaxine: judge it at week 6 (2025-04-21)"; running longer: its weeks and
    scores, then "optimise its dose or the next step"; stopped: "aripiprazole tried 8 wk with
    venlafaxine: another adjunct (...) or switch class". None: no such partial responder."""
    partial = [t for t in partial_running(ctx) if t not in awaiting_adjunct(ctx)]
    if not partial:
        return None
    trial = partial[0]
    adjunct = adjunct_added(ctx, trial)
    if adjunct is None:
        return None
    failed, failed_short = _failed_words(ctx)
    name = adjunct.ingredient
    weeks = (adjunct.end - adjunct.start).days // 7
    if not adjunct.ongoing:
        step = f"another adjunct ({adjunct_text}) or switch class"
        return cards.fit_summary(
            f"{failed}; {name} tried {weeks} wk with {trial.ingredient}: {step}" + no_tms,
            f"{failed}; {name} tried {weeks} wk with {trial.ingredient}: {step}",
            f"{failed}; {name} tried {weeks} wk: {step}",
            f"{failed}; {name} tried {weeks} wk: another adjunct or switch class",
            f"{failed_short}; {name} tried {weeks} wk with {trial.ingredient}: {step}",
            f"{failed_short}; {name} tried {weeks} wk: another adjunct or switch class",
        )
    dose = trial_dose(adjunct)
    day = adjunct.start.isoformat()
    judge_weeks = ctx.policy.mapping.min_adequate_weeks
    if weeks < judge_weeks:
        judge_day = (adjunct.start + timedelta(weeks=judge_weeks)).isoformat()
        week = cards.fmt_weeks(judge_weeks)
        return cards.fit_summary(
            f"{failed}; {name} {dose} added {day}: judge it at week {week} ({judge_day})",
            f"{failed_short}; {name} {dose} added {day} to {trial.ingredient}: judge it at week "
            f"{week} ({judge_day})",
            f"{failed_short}; {name} added {day}: judge it at week {week} ({judge_day})",
            f"{failed_short}; {name} added {day}: judge it at week {week}",
        )
    before, after = adjunct.baseline, adjunct.on_treatment
    scores = (
        f", {after.instrument} {before.value} -> {after.value}"
        if before is not None and after is not None and before.instrument == after.instrument
        else ""
    )
    act = "optimise its dose or the next step"
    return cards.fit_summary(
        f"{failed}; {name} {dose} added {day} ({weeks} wk{scores}): {act}" + no_tms,
        f"{failed}; {name} {dose} added {day} ({weeks} wk{scores}): {act}",
        f"{failed}; {name} added {day} ({weeks} wk{scores}): {act}",
        f"{failed_short}; {name} {dose} added {day} to {trial.ingredient} ({weeks} wk{scores}): "
        + act,
        f"{failed_short}; {name} {dose} added {day} ({weeks} wk{scores}): {act}",
        f"{failed_short}; {name} {dose} added {day} ({weeks} wk{scores}): optimise it or the next "
        "step",
        f"{failed_short}; {name} added {day} ({weeks} wk{scores}): optimise it or the next step",
        f"{failed_short}; {name} added {day}: optimise it or the next step",
    )


def _antipsychotic_alone(ctx: RuleContext) -> list[str]:
    """The running antidepressant courses when every one is an antipsychotic taken as the
    antidepressant (quetiapine XR monotherapy), else []: there is no antidepressant to augment."""
    return sorted({t.ingredient for t in antipsychotic_alone(ctx)})


def _failed_words(ctx: RuleContext) -> tuple[str, str]:
    """The failed trials as a summary counts them, with and without their names: "1 adequate
    trial failed (sertraline)"; an inferred failure is "stopped unmeasured" (review 10 finding
    16). The same words on every card that counts them (services/trial_count.py, audit 13)."""
    return trial_count.failed_words(ctx.facts.failed_trials, ctx.record)


def _brief(ctx: RuleContext) -> str:
    """The count with its marks said as one ("..., 2 to confirm": trial_count.failed_brief), for
    the last candidate of a summary whose marks would push its action past the limit."""
    return trial_count.failed_brief(ctx.facts.failed_trials, ctx.record)


def tapering_summary(ctx: RuleContext, tapered: tuple[Trial, ...]) -> str:
    failed, failed_short = _failed_words(ctx)
    names = cards.names(tapered)
    return cards.fit_summary(
        f"{failed}; {names} being tapered to a stop: choose the next antidepressant",
        f"{failed_short}; {names} being tapered to a stop: choose the next antidepressant",
        f"{names} being tapered to a stop: choose the next antidepressant",
    )


def unmeasured_summary(ctx: RuleContext, trial: Trial) -> str:
    failed, failed_short = _failed_words(ctx)
    form = unscored.form_on(ctx, trial)
    if form is not None:
        # Audit 17 M5: the form was done; score it, as the measurement card asks.
        # A form not finished is completed, not scored (review s34 K39a finding 4).
        said, act = unscored.summary_words(ctx, form)
        of = f"{trial.ingredient}'s PHQ-9 of {form.date.isoformat()} {said}"
        return cards.fit_summary(
            f"{failed}; {of}: {act} before augmenting or switching",
            f"{failed_short}; {of}: {act} before augmenting or switching",
            f"{failed_short}; {of}: {act}",
        )
    checked = unscored.conflicted_summary(trial)
    if checked:
        return cards.fit_summary(
            f"{failed}; {checked} before augmenting or switching",
            f"{failed_short}; {checked} before augmenting or switching",
            f"{failed_short}; {checked}",
        )
    return cards.fit_summary(
        f"{failed}; {trial.ingredient} not measured yet: repeat the PHQ-9 before augmenting or "
        "switching",
        f"{failed_short}; {trial.ingredient} not measured yet: repeat the PHQ-9 before "
        "augmenting or switching",
        f"{failed_short}; {trial.ingredient} not measured yet: repeat the PHQ-9",
    )


def _raise_held_because(ctx: RuleContext, trial: Trial) -> tuple[str, str] | None:
    """Why the card holds the raise of this below-range adjunct as text (long, short), or None
    when the raise is one click: liothyronine with a cardiac history coded (Cytomel label 5.1:
    thyroid_hormone_cautions.holding), an antipsychotic with catatonia (catatonia.holds)."""
    held = thyroid_hormone_cautions.holding(ctx, trial.ingredient)
    if held:
        return f"cardiac history: {held[0].short()}", "cardiac history"
    if catatonia.holds(ctx, trial.drug_class):
        return "catatonia", "catatonia"
    return None


def below_range_summary(ctx: RuleContext, trial: Trial) -> str:
    """An adjunct below its range (review 10 finding 6): "Mirtazapine 15 mg/day added 2025-01-27
    (18 weeks), below the 30 mg/day CANMAT adjunct dose; PHQ-9 21: raise it or change strategy".
    A raise the card holds as text (`_raise_held_because`) is not what the summary proposes:
    "...: review it (cardiac history: atrial fibrillation) or change strategy" (review 14: a
    liothyronine summary said "raise it" beside a detail that withheld the raise); a raise a
    safety card holds later reads as `_below_range_while_held` says."""
    held = _raise_held_because(ctx, trial)
    act, act_short = (
        (f"review it ({held[0]}) or change strategy", f"review it ({held[1]}) or change strategy")
        if held is not None
        else ("raise it or change strategy", "raise it or change strategy")
    )
    return cards.fit_summary(
        *(
            text.replace(HELD, act_short if short else act)
            for text, short in _below_range_summaries(ctx, trial)
        )
    )


def _below_range_while_held(ctx: RuleContext, trial: Trial) -> HeldSummary:
    """`below_range_summary` while a safety card holds the raise (one_click_hold.held_summary):
    "...; PHQ-9 21: raise held (suicide risk assessment first)"."""
    return HeldSummary(
        trial.ingredient,
        tuple(t for t, _ in _below_range_summaries(ctx, trial)),
        subject=dosed_subject(trial),
    )


def _below_range_summaries(ctx: RuleContext, trial: Trial) -> tuple[tuple[str, bool], ...]:
    """The summaries of a below-range adjunct, longest first, with HELD where the act goes
    (True: the short act)."""
    name, dose = trial.ingredient.capitalize(), trial_dose(trial)
    # In the unit the dose is written in ("25 µg/day" for liothyronine, never "0.025 mg/day").
    minimum = microgram_dose_text(trial.ingredient, trial.min_adequate_mg, None) or (
        f"{cards.fmt_mg(trial.min_adequate_mg)} mg/day"
    )
    cite = drugs.dose_cite(trial.ingredient, trial.role) or ""
    canmat = "CANMAT " if cite.startswith("CANMAT") else ""
    score = trial.on_treatment
    phq = (
        f"{score.instrument} {score.value}"
        if score is not None and score.value is not None
        else "no PHQ-9 on it"
    )
    weeks = (trial.end - trial.start).days // 7
    added = f"{name} {dose} added {trial.start.isoformat()}"
    return (
        (
            f"{added} ({plural(weeks, 'week')}), below the {minimum} {canmat}adjunct dose; {phq}: {HELD}",
            False,
        ),
        (
            f"{added} ({plural(weeks, 'week')}), below the {minimum} {canmat}adjunct dose; {phq}: {HELD}",
            True,
        ),
        (f"{added}, below the {minimum} adjunct dose; {phq}: {HELD}", False),
        (f"{added}, below the {minimum} adjunct dose; {phq}: {HELD}", True),
        (f"{name} {dose} is below the {minimum} adjunct dose: {HELD}", True),
    )


def while_held(
    ctx: RuleContext,
    low: tuple[Trial, ...],
    weak: tuple[Trial, ...],
    occasional: tuple[Trial, ...] = (),
) -> HeldSummary | None:
    """The summary while a safety card holds the raise it proposes (one_click_hold.held_summary):
    the antidepressant below its range (`low_summary`), else the adjunct below its range
    (`below_range_summary`); None when the summary proposes no one-click raise (a drug dosed by
    its level, a raise this card already holds as text). With catatonia, named first as the
    summary names it."""
    if low and (low[0].lower_unfilled is not None or fills_short.short_of_order(low[0])):
        # orders43: below range only by an unfilled lowering the summary proposes no raise
        # (lowered_dose.below_range_summary), so there is none to say held ("raise held"); nor
        # one below it only by fills short of an adequate order (dose62, fills_short.py).
        return None
    if low:
        found = low_summary_while_held(ctx, low[0])
    elif occasional:
        found = as_needed.while_held(ctx, occasional[0])
    elif (
        weak
        and level_guided_summary(ctx, weak[0]) is None
        and _raise_held_because(ctx, weak[0]) is None
    ):
        found = _below_range_while_held(ctx, weak[0])
    else:
        return None
    prefix = catatonia.prefix(ctx)
    if not prefix:
        return found
    return dataclasses.replace(
        found, summaries=(*(prefix + t for t in found.summaries), *found.summaries)
    )
