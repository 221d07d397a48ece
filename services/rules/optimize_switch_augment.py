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
drug proposals are text, not one click (optimize/suicide_hold.py): assessment comes first, as
that card says; an unreadable item 9 holds them too (review s23 RO finding 1).
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

Here: the rule (`rule`, `_rule`).
The summaries it chooses among are in optimize/summary.py; the running courses it sets apart (an
antidepressant tapered to a stop, an antipsychotic taken only as needed) in
optimize/tapered_and_prn.py.
"""

from __future__ import annotations

import dataclasses

from services import cards, thyroid_hormone_cautions, tolerability, unidentified_options
from services.older_adult_cautions import falls_once
from services.recommendation import Recommendation, Suggestion
from services.rules import adjunct_harm, one_click_hold, postpartum_psychosis
from services.rules.context import RuleContext
from services.rules.optimize import (
    as_needed,
    awaiting_fill,
    catatonia,
    device_course,
    dose_first,
    earlier_course,
    held_base,
    interacting,
    not_mdd,
    reassess,
    stale_score,
    suicide_hold,
    two_orders,
    unscored,
    worse_after_raise,
)
from services.rules.optimize.augment import (
    SECOND_LINE,
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
from services.rules.optimize.room import Room
from services.rules.optimize.summary import (
    _failed_words,
    below_range_summary,
    next_step_summary,
    tapering_summary,
    unmeasured_summary,
    while_held,
)
from services.rules.optimize.switch import switch_section
from services.rules.optimize.tapered_and_prn import (
    as_needed_antipsychotics,
    as_needed_line,
    tapering,
)
from services.rules.optimize.wording import dose_since_text

# The names other modules and tests use, kept importable from here (optimize/summary.py's and
# optimize/tapered_and_prn.py's among them).
__all__ = [
    "PATHWAY_ROLES",
    "SECOND_LINE",
    "TOPIC",
    "_failed_words",
    "after_intolerance",
    "as_needed_antipsychotics",
    "below_range_adjuncts",
    "current_trials",
    "not_tolerated",
    "not_yet_judged",
    "responding",
    "rule",
    "running_antipsychotics",
    "speaks_to_psychotic_features",
    "subtherapeutic",
    "tapering",
    "unmeasured",
]


def rule(ctx: RuleContext) -> Recommendation | None:
    rec = _rule(ctx)
    if rec is not None:
        # An adjunct presumes its antidepressant is taken: while that one is on hold the
        # adjuncts are named, not one click (review 14 recheck r10b; held_base.py).
        rec = held_base.hold_onto_held(ctx, rec)
        # A depressive disorder other than MDD on record (audit 16 W2): the adjuncts wait for
        # a major depressive episode to be assessed (optimize/not_mdd.py).
        rec = not_mdd.hold(ctx, rec)
        # A judgement resting on a PHQ-9 past the measurement interval (review s20 RA finding 3):
        # the summary names the score's date and age, and the drug proposals the two holds above
        # left are held too (optimize/stale_score.py).
        rec = stale_score.hold(ctx, rec, asks_already=bool(unmeasured(ctx)))
        # A PHQ-9 worse since a raise not yet judged (review s20 R3 finding 2): the card leads
        # with it and its drug proposals wait for the patient to be seen
        # (optimize/worse_after_raise.py).
        rec = worse_after_raise.hold(ctx, rec)
        # A TMS course running, or responded and holding: drug proposals wait (s24 RJ finding 2).
        rec = device_course.hold(ctx, rec)
    # An open suicide-risk card, acute or with an item 9 that could not be read: the drug
    # proposals wait for it (audit 13 WRONG 3; review s23 RO finding 1: optimize/suicide_hold.py).
    rec = suicide_hold.hold(ctx, rec)
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
        whole=True,
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
    # A failed trial whose dose was just raised (review s20 RA finding 5; optimize/reassess.py):
    # the raise is judged first, unless the PHQ-9 is too old to judge anything (stale_score).
    raised = reassess.pending(ctx, current)
    if raised and not (low or stale_score.stale(ctx)):
        return reassess.card(ctx, raised)
    mild = mild_residual(current)
    if mild and not low:
        return residual_card(ctx, mild)
    # A course being tapered to a stop will never be judged: it does not hold the card back.
    tapered = tapering(ctx)
    # Beside a daily antidepressant one is a line, never the lead nor a course waited on (prn71).
    beside = as_needed.beside_daily(ctx, current, low)
    waiting = tuple([t for t in not_yet_judged(ctx, current) if t not in tapered + beside])
    waiting += tuple([r.trial for r in raised if r.trial not in waiting])
    # An order awaiting its first fill past the titration grace (orders37): named, no dose
    # advice; it holds the switch as a course not yet judged does unless it re-orders a failed
    # drug, no step to wait for (orders38: optimize/awaiting_fill.py).
    unfilled = awaiting_fill.courses(ctx, current)
    waiting = awaiting_fill.holding(ctx, waiting, unfilled)
    # An adjunct below its range past the grace weeks (review 10 finding 6): never "waiting"
    # (courses._pending), named here with a raise, so it cannot silence the card.
    weak = below_range_adjuncts(ctx, current)
    # An antidepressant taken only as needed (review 15 W5) is no trial and never becomes one:
    # it waits for ever (courses._pending), so it is named here with a daily dose, or the card
    # would stay silent beside months of untreated depression.
    occasional = as_needed.as_needed_courses(ctx, current, low)
    if (
        not low
        and not weak
        and not occasional
        and not facts.failed_trials
        and after_intolerance(ctx)
    ):
        return switch_for_intolerance(ctx)
    if not (low or weak or occasional or unfilled or (facts.failed_trials and not waiting)):
        return None
    used = {t.ingredient for t in facts.augmentations}
    found: list[Suggestion] = []
    sections = opening(ctx)
    for trial in low:
        raise_dose(ctx, trial, sections, found)
    sections.extend(as_needed.beside_line(ctx, current, t) for t in beside)
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
    first: tuple[Room, ...] = ()  # the dose-first courses (below): none while one waits
    if waiting:
        # Switching or adding to a course that has not had a fair, measured test is premature.
        if unfilled:
            sections.append(awaiting_fill.section(ctx, unfilled))
        pending = [t for t in waiting if t not in low and t not in occasional and t not in unfilled]
        if pending:
            sections.append(
                "**Not judged yet:** "
                + "; ".join(dose_since_text(t) for t in pending)
                + ": no switch or augmentation until the current trial can be judged."
            )
        if low:
            summary = low_summary(ctx, low[0])
        elif occasional:
            summary = as_needed.summary(ctx, occasional[0])
        elif unfilled:
            summary = awaiting_fill.summary(unfilled[0])
        else:
            summary = level_guided_summary(ctx, weak[0]) or below_range_summary(ctx, weak[0])
    else:
        # Re-orders of a failed drug only: the failed-trials advice below stands (orders38).
        sections.extend(awaiting_fill.lines(ctx, unfilled, current))
        blind = unmeasured(ctx, current)
        if blind:
            # A form filed without its total is scored, not repeated (audit 17 M5: the same ask
            # as the measurement card's, services/phq9_no_total.py).
            ask = unscored.ask(ctx, blind)
            sections.append(
                f"{unscored.heading(blind)} "
                + "; ".join(
                    f"{dose_since_text(t)} {unscored.unmeasured_text(ctx, t)}" for t in blind
                )
                + f": {ask} before switching or adding an adjunct (it may be working); "
                "the options below are not offered as orders yet."
            )
        # The first-line adjuncts left, read once for the section, the orders and the summary;
        # what is taken now, read once for the adjunct and switch lists (review 9 finding 3).
        screen = interacting.screen(ctx) if facts.failed_trials else None
        remaining = first_line_adjuncts(ctx, used, screen) if facts.failed_trials else ()
        # Dose first (review s19 item 3; optimize/dose_first.py): a failed trial running below
        # the top of its range for this patient is raised before an adjunct or a switch, its
        # raise the first one-click; an earlier response to the same drug is named.
        first = dose_first.leading(
            ctx, current, tapered, after=bool(low or weak or occasional or blind)
        )
        for space in first:
            sections.append(dose_first.section(ctx, space))
            step = dose_first.suggestion(ctx, space)
            if step is not None:
                found.append(step)
        sections.extend(
            line
            for t in dict.fromkeys(t for t in facts.failed_trials if t.ongoing and t in current)
            for line in earlier_course.course_lines(ctx, t)
        )
        if facts.failed_trials:
            if tapered:
                # The base antidepressant is being stopped: the choice is the next one, not an
                # adjunct to it (review 10 recheck R4).
                sections.append(tapering_section(tapered))
            else:
                augment = augment_section(ctx, used, remaining, screen)
                prn = as_needed_line(ctx, remaining)
                sections.append(f"{augment} {prn}" if prn else augment)
            sections.append(switch_section(ctx, screen))
            # A running record not identified may be one of the options (fix meds46).
            sections.append(unidentified_options.options_line(ctx.record) or "")
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
            summary = as_needed.summary(ctx, occasional[0])
        elif weak:
            # Lithium is dosed by level (recheck R1): no "raise it" on mg/day.
            summary = level_guided_summary(ctx, weak[0]) or below_range_summary(ctx, weak[0])
        elif blind:
            summary = unmeasured_summary(ctx, blind[0])
        elif tapered and facts.failed_trials:
            summary = tapering_summary(ctx, tapered)
        elif catatonia.findings(ctx):
            summary = catatonia.summary(ctx, *_failed_words(ctx))
        elif first and (lead := dose_first.summary(ctx, first[0], _failed_words(ctx))):
            summary = lead
        else:
            summary = (
                # The diagnosis is not MDD: the adjuncts wait (optimize/not_mdd.py, audit 17 M10).
                not_mdd.summary(ctx, *_failed_words(ctx))
                if facts.not_mdd
                else next_step_summary(ctx, used, remaining)
            )
    summary = two_orders.confirm_summary(ctx, summary)  # meds55 finding 2 (meds57)
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
        # The falls record once per card (care65): the raise, adjunct and switch lines each had it.
        detail=cards.join_sections(*falls_once(ctx, sections), *basis(ctx, evidence=evidence)),
        suggestions=found,
        evidence=evidence,
    )
    held = while_held(ctx, low, weak, occasional)
    if held is None and first:
        held = dose_first.held_summary(ctx, first[0], _failed_words(ctx))
    return dataclasses.replace(card, held_summary=held)
