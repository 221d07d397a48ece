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

While the suicide-risk signal is acute (audit 13 WRONG 3), the card's first line says so and its
drug proposals are text, not one click (`rule`): assessment comes first, as that card says.
While the antidepressant an adjunct would be added to is on hold, the adjuncts are text too
(optimize/held_base.py): an augmentation presumes the base drug is taken.

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
  (age_limits.py), as the dose it proposes is;
- catatonic features (review 11 finding 7; optimize/catatonia.py): the summary names catatonia,
  the card names a running benzodiazepine and offers "Refer for ECT evaluation", and no
  antipsychotic is one click (antipsychotics can worsen catatonia; CANMAT 2023 Table 3.6 pairs a
  benzodiazepine with the antidepressant).
"""

from __future__ import annotations

import dataclasses

from fhir_mapping.drug_table import DrugInfo
from fhir_mapping.record import Role, Trial
from services import cards, drug_rules, drugs, thyroid_hormone_cautions, tolerability, trial_count
from services.acute_risk import SuicideLevel
from services.microgram_doses import microgram_dose_text
from services.order_doses import trial_dose
from services.recommendation import HELD, HeldSummary, Recommendation, Suggestion
from services.rules import adjunct_harm, one_click_hold, populations, postpartum_psychosis
from services.rules.context import RuleContext
from services.rules.optimize import as_needed, catatonia, held_base, interacting
from services.rules.optimize.augment import (
    SECOND_LINE,
    antipsychotic_alone,
    augment_section,
    below_range_section,
    level_guided_summary,
)
from services.rules.optimize.card import (
    TOPIC,
    basis,
    card_evidence,
    next_options,
    opening,
    taper_steps,
    tapering_section,
)
from services.rules.optimize.courses import (
    PATHWAY_ROLES,
    below_range_adjuncts,
    current_trials,
    not_tolerated,
    not_yet_judged,
    responding,
    running_antipsychotics,
    subtherapeutic,
    unmeasured,
)
from services.rules.optimize.dose import (
    low_summary,
    low_summary_while_held,
    raise_dose,
    toward_remission,
)
from services.rules.optimize.intolerance import after_intolerance, switch_for_intolerance
from services.rules.optimize.mild_baseline import mild_residual, residual_card
from services.rules.optimize.orders import (
    augmenter_suggestions,
    first_line_adjuncts,
    raise_dose_suggestion,
)
from services.rules.optimize.psychotic import (
    psychotic_depression,
    speaks_to_psychotic_features,
)
from services.rules.optimize.switch import age_switch, switch_section
from services.rules.optimize.wording import dose_text

_ANTIDEPRESSANT = Role.ANTIDEPRESSANT

# The names other modules and tests use, kept importable from here.
__all__ = [
    "PATHWAY_ROLES",
    "SECOND_LINE",
    "TOPIC",
    "after_intolerance",
    "below_range_adjuncts",
    "current_trials",
    "not_tolerated",
    "not_yet_judged",
    "responding",
    "rule",
    "running_antipsychotics",
    "speaks_to_psychotic_features",
    "subtherapeutic",
    "unmeasured",
]


def _summary(
    ctx: RuleContext, used: set[str], remaining: tuple[DrugInfo, ...] | None = None
) -> str:
    """`remaining`: `first_line_adjuncts(ctx, used)` when the caller has them already."""
    facts = ctx.facts
    if remaining is None:
        remaining = first_line_adjuncts(ctx, used)
    adjuncts = [d.ingredient for d in remaining]
    if adjuncts:
        adjunct_text = cards.or_list(adjuncts)
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
            no_tms = f"; TMS: outside adult payer policy (age {ctx.record.patient.age})"
        elif facts.ect_open is not None:
            no_tms = "; ECT referral already open"
    young = age_switch(ctx)
    if young is not None:
        # Under 18 the guideline's next step is the next agent of the age list (NICE NG134);
        # the adult adjuncts are named on the card as text only.
        age = populations.age(ctx)
        return cards.fit_summary(
            f"{failed}: switch to {young} (NICE NG134, age {age}) or augment" + no_tms,
            f"{failed}: switch to {young} (NICE NG134) or augment" + no_tms,
            # The TMS words outlast the failed drugs' names (they are in the detail's table).
            f"{failed_short}: switch to {young} (NICE NG134) or augment" + no_tms,
            f"{failed_short}: switch to {young} (NICE NG134) or augment",
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
        )
    if count == 1:
        cls = facts.failed_classes[0]
        return cards.fit_summary(
            f"{failed}: switch to a non-{cls} mechanism or augment ({adjunct_text})",
            f"{failed}: switch mechanism or augment",
            f"{failed_short}: switch mechanism or augment",
        )
    return cards.fit_summary(
        f"{failed}: augment ({adjunct_text}) or switch class" + no_tms,
        f"{failed}: augment ({adjunct_text}) or switch class",
        f"{failed_short}: augment ({adjunct_text}) or switch class",
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


def tapering(ctx: RuleContext) -> tuple[Trial, ...]:
    """The running antidepressants being tapered to a stop (card.taper_steps), when no other
    antidepressant continues (review 10 recheck R4): then no adjunct has a base to be added to.
    Empty otherwise (nearly every chart)."""
    running = [t for t in ctx.facts.ongoing_trials if t.role is _ANTIDEPRESSANT]
    tapered = tuple([t for t in running if taper_steps(t) is not None])
    return tapered if tapered and len(tapered) == len(running) else ()


def _tapering_summary(ctx: RuleContext, tapered: tuple[Trial, ...]) -> str:
    failed, failed_short = _failed_words(ctx)
    names = cards.names(tapered)
    return cards.fit_summary(
        f"{failed}; {names} being tapered to a stop: choose the next antidepressant",
        f"{failed_short}; {names} being tapered to a stop: choose the next antidepressant",
        f"{names} being tapered to a stop: choose the next antidepressant",
    )


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


def _as_needed_line(ctx: RuleContext, remaining: tuple[DrugInfo, ...]) -> str:
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


def _unmeasured_summary(ctx: RuleContext, trial: Trial) -> str:
    failed, failed_short = _failed_words(ctx)
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


def _below_range_summary(ctx: RuleContext, trial: Trial) -> str:
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
    """`_below_range_summary` while a safety card holds the raise (one_click_hold.held_summary):
    "...; PHQ-9 21: raise held (suicide risk assessment first)"."""
    return HeldSummary(trial.ingredient, tuple(t for t, _ in _below_range_summaries(ctx, trial)))


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
            f"{added} ({weeks} weeks), below the {minimum} {canmat}adjunct dose; {phq}: {HELD}",
            False,
        ),
        (f"{added} ({weeks} weeks), below the {minimum} {canmat}adjunct dose; {phq}: {HELD}", True),
        (f"{added}, below the {minimum} adjunct dose; {phq}: {HELD}", False),
        (f"{added}, below the {minimum} adjunct dose; {phq}: {HELD}", True),
        (f"{name} {dose} is below the {minimum} adjunct dose: {HELD}", True),
    )


def _acute_risk_line(ctx: RuleContext, held: list[Suggestion]) -> str:
    """The card's first line while the suicide-risk signal is acute (not yet assessed, or
    assessed as high risk), with the drug proposals it holds as text. The suicide-risk card says
    "Change medication or start TMS only after this assessment" and an
    acute signal removes the TMS card (tms_gate.blocks_tms): a one-click adjunct or dose change
    here would go ahead of it (audit 13 WRONG 3, d10). The ECT referral stays one click: ECT is
    one of the first options while the risk is acute (that card's own line)."""
    signal = ctx.facts.suicide
    high = signal is not None and signal.level is SuicideLevel.HIGH
    head = (
        "**Suicide risk card open (high risk found):** same-day psychiatric evaluation and a "
        "safety plan before changing treatment"
        if high
        else "**Suicide risk card open:** assess risk before changing treatment"
    )
    if not held:
        return head + "."
    return f"{head}; not one click until then: {'; '.join(s.label for s in held)}."


def rule(ctx: RuleContext) -> Recommendation | None:
    rec = _rule(ctx)
    if rec is not None:
        # An adjunct presumes the antidepressant it is added to is taken: while that one is on
        # hold the adjuncts are named, not one click (review 14 recheck r10b; held_base.py).
        rec = held_base.hold_onto_held(ctx, rec)
    signal = ctx.facts.suicide
    if rec is not None and signal is not None and signal.acute:
        rec = one_click_hold.hold_drug_orders(
            [rec],
            lambda held: _acute_risk_line(ctx, held),
            held_by="suicide risk assessment first",
        )[0]
    past = postpartum_psychosis.history(ctx) if rec is not None else ()
    if rec is None or not past:
        return rec
    # A past puerperal psychosis (recheck 11 finding 6): a strong marker of bipolarity, so the
    # card says to screen for it first and holds its drug proposals as text; a one-click
    # antidepressant beside that line would skip the screen (rules/postpartum_psychosis.py).
    pregnancy = postpartum_psychosis.perinatal_now(ctx, past)
    return one_click_hold.hold_drug_orders(
        [rec],
        lambda held: postpartum_psychosis.history_line(past, bool(held), pregnancy=pregnancy),
        held_by="screen for bipolarity first",
    )[0]


def _rule(ctx: RuleContext) -> Recommendation | None:
    facts = ctx.facts
    if facts.bipolar or facts.psychotic_disorder:
        # A primary psychotic disorder, inactive or not (review 9 recheck N1): as in bipolar
        # disorder, the unipolar pathway does not apply; the diagnosis review says so.
        return None
    if facts.psychotic:  # this episode's: without a past puerperal psychosis (pathway.py)
        return psychotic_depression(ctx)
    low = subtherapeutic(ctx)
    # An adjunct with an adverse effect on record (liothyronine with AF, an antipsychotic with
    # tardive dyskinesia: rules/adjunct_harm.py) is not waited on ("repeat
    # the PHQ-9, it may be working"), judged as responding or raised: its own card says to
    # review, reduce or stop it.
    harmed = adjunct_harm.harmed_ingredients(ctx)
    current = tuple([t for t in current_trials(ctx) if t.ingredient not in harmed])
    good = responding(ctx, current)
    if good:
        return toward_remission(ctx, good, low)
    # From a mild baseline to residual mild symptoms (review 15 W1): optimise and add
    # psychotherapy, never switch or augment on it (mild_baseline.py). Below-range doses are
    # this card's other business and come first.
    mild = mild_residual(current)
    if mild and not low:
        return residual_card(ctx, mild)
    # A course being tapered to a stop will never be judged: it does not hold the card back.
    tapered = tapering(ctx)
    waiting = tuple([t for t in not_yet_judged(ctx, current) if t not in tapered])
    # An adjunct below its range past the grace weeks (review 10 finding 6): never "waiting"
    # (courses._pending), named here with a raise, so it cannot silence the card.
    weak = below_range_adjuncts(ctx, current)
    # An antidepressant taken only as needed (review 15 W5) is no trial and never becomes one:
    # it waits for ever (courses._pending), so it is named here with a daily dose, or the card
    # would stay silent beside months of untreated depression.
    occasional = as_needed.as_needed_courses(current, low)
    if (
        not low
        and not weak
        and not occasional
        and not facts.failed_trials
        and after_intolerance(ctx)
    ):
        return switch_for_intolerance(ctx)
    if not (low or weak or occasional or (facts.failed_trials and not waiting)):
        return None
    used = {t.ingredient for t in facts.augmentations}
    found: list[Suggestion] = []
    sections = opening(ctx)
    for trial in low:
        raise_dose(ctx, trial, sections, found)
    for trial in occasional:
        sections.append(as_needed.section(ctx, trial))
        daily = as_needed.suggestion(ctx, trial)
        if daily is not None:
            found.append(daily)
    sections.append(catatonia.section(ctx))
    for trial in weak:
        # Liothyronine below its range with a cardiac history coded (before it started: one
        # after is the adverse-effect card's) or beside levothyroxine: the
        # label's caution named, and with a cardiac history the raise is text, not one click.
        thyroid = thyroid_hormone_cautions.card_lines(ctx, trial.ingredient)
        sections.append(" ".join([below_range_section(ctx, trial), *thyroid]))
        suggestion = raise_dose_suggestion(ctx, trial, adjunct=True)
        if (
            suggestion is not None
            and not catatonia.holds(ctx, trial.drug_class)
            and not thyroid_hormone_cautions.holding(ctx, trial.ingredient)
        ):
            found.append(suggestion)
    if waiting:
        # Switching or adding to a course that has not had a fair, measured test is premature.
        pending = [t for t in waiting if t not in low and t not in occasional]
        if pending:
            sections.append(
                "**Not judged yet:** "
                + "; ".join(f"{dose_text(t)} since {t.start.isoformat()}" for t in pending)
                + ": no switch or augmentation until the current trial can be judged."
            )
        if low:
            summary = low_summary(ctx, low[0])
        elif occasional:
            summary = as_needed.summary(occasional[0])
        else:
            summary = level_guided_summary(ctx, weak[0]) or _below_range_summary(ctx, weak[0])
    else:
        blind = unmeasured(ctx, current)
        if blind:
            sections.append(
                "**Current trial not measured:** "
                + "; ".join(
                    f"{dose_text(t)} since {t.start.isoformat()} has {t.unmeasured_text}"
                    for t in blind
                )
                + ": repeat the PHQ-9 before switching or adding an adjunct (it may be working); "
                "the options below are not offered as orders yet."
            )
        # The first-line adjuncts left, read once for the section, the orders and the summary;
        # what is taken now, read once for the adjunct and switch lists (review 9 finding 3).
        screen = interacting.screen(ctx) if facts.failed_trials else None
        remaining = first_line_adjuncts(ctx, used, screen) if facts.failed_trials else ()
        if facts.failed_trials:
            if tapered:
                # The base antidepressant is being stopped: the choice is the next one, not an
                # adjunct to it (review 10 recheck R4).
                sections.append(tapering_section(tapered))
            else:
                augment = augment_section(ctx, used, remaining, screen)
                prn = _as_needed_line(ctx, remaining)
                sections.append(f"{augment} {prn}" if prn else augment)
            sections.append(switch_section(ctx, screen))
            sections.append(tolerability.line(ctx.record))
            sections.extend(next_options(ctx))
            if not blind and not weak and not tapered:
                # Beside a below-range adjunct another is named, not one click (augment.py);
                # with catatonia an antipsychotic is named only (catatonia.py).
                offered = tuple([d for d in remaining if not catatonia.holds(ctx, d.drug_class)])
                found.extend(augmenter_suggestions(ctx, used, offered))
        if low:
            summary = low_summary(ctx, low[0])
        elif occasional:
            summary = as_needed.summary(occasional[0])
        elif weak:
            # Lithium is dosed by level (recheck R1): no "raise it" on mg/day.
            summary = level_guided_summary(ctx, weak[0]) or _below_range_summary(ctx, weak[0])
        elif blind:
            summary = _unmeasured_summary(ctx, blind[0])
        elif tapered and facts.failed_trials:
            summary = _tapering_summary(ctx, tapered)
        elif catatonia.findings(ctx):
            summary = catatonia.summary(ctx, *_failed_words(ctx))
        else:
            summary = _summary(ctx, used, remaining)
    if catatonia.findings(ctx):
        if not summary.startswith("Catatonia"):
            summary = catatonia.prefixed(ctx, summary)
        ect = catatonia.ect_suggestion(ctx)
        if ect is not None:
            found.insert(0, ect)  # ECT first: especially effective with catatonia (para 215)
        sections.append(catatonia.ect_line(ctx))
    evidence = card_evidence(ctx)
    card = cards.make(
        TOPIC,
        summary=summary,
        detail=cards.join_sections(*sections, *basis(ctx, evidence=evidence)),
        suggestions=found,
        evidence=evidence,
    )
    return dataclasses.replace(card, held_summary=_while_held(ctx, low, weak, occasional))


def _while_held(
    ctx: RuleContext,
    low: tuple[Trial, ...],
    weak: tuple[Trial, ...],
    occasional: tuple[Trial, ...] = (),
) -> HeldSummary | None:
    """The summary while a safety card holds the raise it proposes (one_click_hold.held_summary):
    the antidepressant below its range (`low_summary`), else the adjunct below its range
    (`_below_range_summary`); None when the summary proposes no one-click raise (a drug dosed by
    its level, a raise this card already holds as text). With catatonia, named first as the
    summary names it."""
    if low:
        found = low_summary_while_held(ctx, low[0])
    elif occasional:
        found = as_needed.while_held(occasional[0])
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
