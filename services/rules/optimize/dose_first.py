"""Dose first (review s19 item 3): a failed trial still running below the top of its range for
this patient is raised before an adjunct is added or the drug is switched.

Escitalopram 10 mg/day (range 10-20) with a partial response read "add an adjunct to escitalopram
first" with aripiprazole one click; sertraline 50 (range to 200) with no response read "switch or
augment". The card raised a dose only below the range's minimum (dose.py) or for a responder
(toward remission), never for a failed trial at the bottom of its range. CANMAT 2023 puts dose
optimisation first (Figure 7.1, paras 185-186): "higher than minimal therapeutic doses are more
effective" (para 187, Level 1), and without early improvement "increase dose or switch" (para
191; ../shared/clinical/REFERENCE.md 1.7). So when the running drug has room below the top for
this patient (rules/optimize/room.py: the range's top at this site, the older-adult, hepatic,
renal and pharmacogenomic maxima) and is tolerated, the card leads with raising it: its section
first, its summary, and one labelled titration step as the first one-click (data/start_doses.csv;
a drug with no step on record is raised as text, never by a jump to the top). The adjunct and
switch options stay below it, as the step after.

Not here: a course beside another running antidepressant or judged on a score taken on two (the
step is one drug's; more of either adds to the pair's load), a course with an adjunct already
added beside it (the sequence is past this step), a course whose refills put adherence in doubt
(the adherence card's: CANMAT 2023 para 184) or that rests on the patient's report alone (its dose
is to confirm first), an antipsychotic taken as the antidepressant (quetiapine XR: the card asks
for an antidepressant), a drug never proposed for this patient (paroxetine in pregnancy), and
patients under 18 (the card follows NICE NG134's agent list there; its doses are adult
guidelines' and the safer course is not to push a higher one from them).

An earlier response to the same drug is named beside it (earlier_course.py).
"""

from __future__ import annotations

from fhir_mapping.dose_basis import raise_means
from fhir_mapping.partial_response import partial_response
from fhir_mapping.record import AdherenceStatus, Role, Trial
from services import (
    cards,
    drug_rules,
    drugs,
    formulation_ceilings,
    level_high_hold,
    lowered_dose,
    maoi_diet,
    maybe_running,
    older_adult_cautions,
    older_adult_level_reading,
    start_doses,
    suggestions,
    trial_dates,
)
from services.dose_units import per_day
from services.order_doses import dosed_subject, fills_basis, fmt_dose, trial_dose
from services.recommendation import HELD, HeldSummary, Suggestion
from services.rules import populations
from services.rules.context import RuleContext
from services.rules.optimize import (
    catatonia,
    fixed_partner,
    lowered_failed,
    orders,
    raise_ordered,
    ruled_against,
)
from services.rules.optimize.courses import failed_together
from services.rules.optimize.partial import adjunct_added
from services.rules.optimize.room import Room, room
from services.rules.optimize.stopped_room import held_below_stopped
from services.rules.optimize.titration import steps
from services.rules.optimize.two_orders import SHORT as TWO_ORDERS
from services.rules.optimize.two_orders import act as two_orders_act
from services.rules.optimize.wording import failed_on_score_alone, short_drop
from services.trial_dose_text import sig_unclear_text

# How the card cites the step (REFERENCE.md 1.7: Figure 7.1, paras 185-187).
CITE = "CANMAT 2023 para 187"


def rooms(
    ctx: RuleContext, current: tuple[Trial, ...], skip: tuple[Trial, ...]
) -> tuple[Room, ...]:
    """The running failed antidepressant trials with room to raise, in the order the card counts
    them; `skip`: courses another section of the card speaks for (below range, tapered, taken as
    needed, not measured)."""
    if populations.is_minor(ctx):
        return ()
    antidepressants = {t.ingredient for t in current if t.role is Role.ANTIDEPRESSANT}
    # Another prescriber's open order a stop did not end (meds55: maybe_running.STOP_COUNTED):
    # if it is taken, the raise adds to two drugs' load as beside a running one, so it waits for
    # the answer, never offered as if only one ran. (A statement `unknown` keeps its own rules:
    # test_s21_maybe_named, one_click_hold.)
    antidepressants.update(
        m.ingredient
        for m in maybe_running.antidepressants(ctx.record)
        if m.counted == maybe_running.STOP_COUNTED
    )
    together = failed_together(ctx)
    paired = {p.ingredient for ps in together.values() for p in ps} | set(together)
    found = []
    for trial in ctx.facts.failed_trials:
        if (
            not trial.ongoing
            or trial.role is not Role.ANTIDEPRESSANT
            or trial not in current
            # Beside another antidepressant (a combination, a cross-taper) or judged on a score
            # taken on two: the dose step is one drug's, and more of either adds to the pair's
            # load (serotonergic, interactions); the card speaks of the combination.
            or antidepressants - {trial.ingredient}
            or trial.ingredient in paired
            or trial in skip
            or trial.adherence.status is AdherenceStatus.POOR
            # No supply for a month or more (Trial.supply_ran_out, review s20 RA finding 4):
            # whether it is still taken comes first; the adherence card asks it.
            or trial.supply_ran_out is not None
            # A dose only reported (Trial.report_only: the patient's, or a medication-list
            # statement whoever entered it; no order or fill): confirming it comes first, and
            # the cards already say "self-reported" or "medication list only".
            or trial.report_only
            or drug_rules.is_antipsychotic(trial.drug_class)
            or adjunct_added(ctx, trial) is not None
            # A drug never proposed for this patient (paroxetine in pregnancy): no "raise",
            # which would propose more of it (as the relapse card holds: relapse_dose_step.py).
            or populations.never(ctx, trial.ingredient, trial.drug_class) is not None
        ):
            continue
        space = room(ctx, trial) or held_below_stopped(trial)
        if space is not None:
            found.append(space)
    return tuple(found)


def leading(
    ctx: RuleContext, current: tuple[Trial, ...], skip: tuple[Trial, ...], *, after: bool
) -> tuple[Room, ...]:
    """The rooms the optimise card leads with (`rooms`), or none: with no failed trial, while
    another section of the card comes first (`after`: a course below its range, taken as needed
    or not measured), with a diagnosis other than MDD or with catatonia. THE rule both the
    optimise card and the TMS card's hold (optimize/first_steps.py) read."""
    facts = ctx.facts
    if not facts.failed_trials or after or facts.not_mdd or catatonia.findings(ctx):
        return ()
    return rooms(ctx, current, skip)


def _step(space: Room) -> float | None:
    """The dose one labelled step up (data/start_doses.csv), never past the top; None when the
    drug has no step on record."""
    start = start_doses.start_dose(space.trial.ingredient)
    return None if start is None else start.next_step(space.now, space.top)


def _now(space: Room) -> str:
    trial = space.trial
    return fmt_dose(trial.current_mg_per_day, trial.current_mg_per_day_high)


def _outcome(trial: Trial) -> str:
    said = "no response" if partial_response(trial) is None else "partial response only"
    pair = short_drop(trial)
    basis = failed_on_score_alone(trial)
    if basis is not None:
        # meds44 item 2: no baseline, so no response can be measured ("no response (PHQ-9 not
        # measured)" beside a PHQ-9 of 20): what the score shows, and why it counts as failed.
        said, pair = "not in remission", f"{pair}; {basis}"
    # orders43: scored after an unfilled lowering, said beside the outcome (lowered_adequacy.py).
    after = lowered_dose.scored_after_lowering(trial)
    return f"{said} ({pair}{'' if after is None else f'; {after}'})"


def section(ctx: RuleContext, space: Room) -> str:
    """ "**Dose first:** escitalopram 10 mg/day since 2026-09-14 (11 weeks), partial response only
    (PHQ-9 18 → 13); its range here runs to 20 mg/day (CANMAT 2023 Table 3.3). Raise it first
    ..."; the weeks are those taken at the present dose (trial_dates.weeks_at_present_dose)."""
    trial = space.trial
    # The course named as every card names it (trial_dates.dose_since: "fluoxetine since
    # 2026-06-01; 40 mg/day since 2026-08-30"), never from its last dose segment: a supply gap
    # cuts a segment, so "10 mg/day since 2026-10-01" read as a course begun after the gap.
    named, since = trial_dates.dose_since(trial, trial_dose(trial) + sig_unclear_text(trial))
    weeks, gap = trial_dates.weeks_at_present_dose(trial)
    # "1 week", never "1 weeks" (review s20 r4 item 14: card_format.plural).
    counted = cards.plural(weeks, "week")
    taken = f"{counted} on it, days without supply not counted" if gap else counted
    # The running dose read from the fills' quantity while the order states another (s22 RU
    # review finding 6): the raise below rests on it, so the card says where it comes from.
    basis = fills_basis(trial)
    if basis is not None:
        taken = f"{taken}; {basis}"
    cite = drugs.dose_cite(trial.ingredient, trial.role)
    where = space.ceiling or (f" ({cite})" if cite else "")
    # No step left below a dose stopped for an adverse effect, or a level at or above its line
    # (level_high_hold: no "raise it first" beside it, labs31 item 1).
    # orders43: a raise back to a dose the course already failed on (lowered_failed.py) is not
    # proposed as "raise it first" either: the hold names that dose and asks why it was lowered.
    # A course another card rules against (ruled_against.py, K63b finding 6): reviewed, not raised.
    # meds57: two prescribers' orders of the drug (two_orders.py): the dose taken comes first.
    held = (level_high_hold.SHORT, lowered_failed.SHORT, ruled_against.SHORT, TWO_ORDERS)
    if space.top <= space.now or space.hold_short in held:
        return (
            f"**Dose first:** {named} {since} ({taken}), {_outcome(trial)}: "
            f"{space.hold} The options below come next."
        )
    unit = per_day(trial.ingredient)
    levelled = _levelled(ctx, space)
    age = ctx.record.patient.age
    if levelled is not None and age is not None:
        # Dosed by level at this age (older_adult_levels.py): no "raise it first" on the mg/day.
        return (
            f"**Dose first:** {named} {since} ({taken}), {_outcome(trial)}; "
            f"range up to {cards.fmt_mg(space.top)} {unit}{where} in "
            f"adults, but {levelled.label_words(age)}: {levelled.check_words()} Then repeat "
            "the PHQ-9; the options below come next."
        )
    ordered = raise_ordered.line(trial)  # orders39: the raise is ordered, no fill at it yet
    if ordered is not None:
        return (
            f"**Dose first:** {named} {since} ({taken}), {_outcome(trial)}; "
            f"range here up to {cards.fmt_mg(space.top)} {unit}{where}. "
            f"{ordered}"
        )
    start = start_doses.start_dose(trial.ingredient)
    to = _step(space)
    how = (
        f": to {cards.fmt_mg(to)} {unit} ({steps(start, to - space.now)}, {start.cite})"
        if start is not None and to is not None
        else ""
    )
    text = (
        f"**Dose first:** {named} {since} ({taken}), "
        f"{_outcome(trial)}; range here up to "
        f"{cards.fmt_mg(space.top)} {unit}{where}. Raise it first if tolerated (higher doses "
        f"work better: {CITE}, Figure 7.1){how}, then repeat the PHQ-9; the options below "
        "come next."
    )
    return " ".join([text, *_raise_lines(ctx, space, to), *([space.hold] if space.hold else [])])


def _levelled(ctx: RuleContext, space: Room) -> older_adult_level_reading.LevelAdvice | None:
    """The older-adult level row that holds this raise (room._hold) with the level on record,
    or None."""
    if space.hold is None:
        return None
    return older_adult_level_reading.for_trial(ctx.record, ctx.policy, space.trial)


def _raise_lines(ctx: RuleContext, space: Room, to: float | None) -> list[str]:
    """What the proposed raise brings besides the dose, in one line each and only where it
    applies (review s22 RU findings 3 and 7): a product with no higher strength of its own
    (Prozac Weekly 90 mg: a higher dose is a daily product; data/dose_equivalents.csv), the other
    part of a combination tablet (chlordiazepoxide: fixed_partner.py), and a raise that crosses
    an MAOI's diet threshold (the selegiline patch from 9 mg/24 h: data/maoi_diet.csv), and falls
    on record in an older adult (older_adult_cautions.raise_falls_line)."""
    trial = space.trial
    lines = []
    means = raise_means(trial.dose_equivalence)
    if means is not None:
        lines.append(f"A higher dose means {means[0]}.")
    partner = fixed_partner.raise_line(ctx, trial)
    if partner is not None:
        lines.append(partner)
    diet = maoi_diet.raise_line(trial.ingredient, space.now, space.top if to is None else to)
    if diet is not None:
        lines.append(f"**MAOI diet:** {diet}")
    # Falls on record at an age and class AGS Beers names (review s25 RA finding 8).
    falls = older_adult_cautions.raise_falls_line(ctx, trial.drug_class)
    if falls:
        lines.append(falls)
    return lines


def suggestion(ctx: RuleContext, space: Room) -> Suggestion | None:
    """One labelled step up as the card's first one-click (recommended), or None: a raise held
    as text (`Room.hold`), a drug with no step on record, a product written in another drug's mg
    (Aplenzin: the order would not name it), a release form with its own ceiling and steps
    (paroxetine CR), or a drug dosed to a serum level."""
    trial = space.trial
    to = _step(space)
    if (
        space.hold is not None
        or to is None
        or raise_ordered.ordered(trial) is not None  # ordered already (orders39)
        or trial.dose_equivalence is not None
        # A release form with a ceiling of its own has steps of its own (paroxetine CR by
        # 12.5 mg): the IR step, written as a generic order, would not fit it.
        or formulation_ceilings.own_ceiling(trial) is not None
        or orders.dosed_by_level(trial.ingredient)
    ):
        return None
    unit = per_day(trial.ingredient)
    label = f"Raise {trial.ingredient} to {cards.fmt_mg(to)} {unit} (dose first, {CITE})"
    top = cards.fmt_mg(space.top)
    note = (
        f"Dose optimisation within the range (up to {top} {unit}) before a switch or an adjunct "
        f"({CITE}; Figure 7.1). Repeat the PHQ-9 after the change."
    )
    resource = orders.medication(ctx, drugs.info(trial.ingredient), trial.ingredient, to, note)
    return suggestions.create(label, resource, recommended=True)


def _then(ctx: RuleContext, partial: bool) -> str:
    if partial:
        return "then an adjunct"
    if len(ctx.facts.failed_trials) == 1:
        return "then switch or augment"
    return "then augment or switch class"


def _target(space: Room) -> str:
    """ "10 → 20 mg/day" (one step on record), else "60 toward 120 mg/day"."""
    to = _step(space)
    unit = per_day(space.trial.ingredient)
    if to is not None:
        return f"{_now(space)} → {cards.fmt_mg(to)} {unit}"
    return f"from {_now(space)} toward {cards.fmt_mg(space.top)} {unit}"


def summary(ctx: RuleContext, space: Room, failed: tuple[str, str]) -> str | None:
    """ "1 adequate trial failed (sertraline): raise sertraline 50 → 100 mg/day first (CANMAT
    para 187), then switch or augment"; None when this card holds the raise as text
    (`Room.hold`: a reaction, a QTc, a label limit to settle first), so the summary stays the
    next step's and the section says why the raise waits."""
    long, short = failed
    name = space.trial.ingredient
    then = _then(ctx, partial_response(space.trial) is not None)
    levelled = _levelled(ctx, space)
    if levelled is not None:
        # The level is the step (s25 FN item 1): said, never dropped for the next step.
        check = levelled.step()
        label = f"label's older-adult range {levelled.label_range()}"
        return cards.fit_summary(
            f"{long}: {check} ({label}), {then}",
            f"{long}: {check}, {then}",
            f"{short}: {check} ({label}), {then}",
            f"{short}: {check}, {then}",
            f"{short}: {check}",
        )
    if space.hold_short == lowered_failed.SHORT:
        # orders43: the dose already failed on is named, never proposed (lowered_failed.py).
        act = lowered_failed.summary_act(
            space.trial, space.now, ctx.policy.mapping.min_adequate_weeks
        )
        return cards.fit_summary(
            f"{long}: {act}, {then}", f"{long}: {act}", f"{short}: {act}, {then}", f"{short}: {act}"
        )
    if space.hold_short == TWO_ORDERS:
        said = two_orders_act(space.trial)
        return cards.fit_summary(
            f"{long}: {said}, {then}",
            f"{long}: {said}",
            f"{short}: {said}, {then}",
            f"{short}: {said}",
        )
    if space.hold is not None:
        return None
    # A product with no higher strength says what the raise means (s22 RU 7: "daily, not weekly").
    means = raise_means(space.trial.dose_equivalence)
    act = raise_ordered.act(space.trial) or (  # a raise ordered awaits its fill (orders39)
        f"raise {name} {_target(space)}{f' ({means[1]})' if means else ''} first"
    )
    return cards.fit_summary(
        f"{long}: {act} (CANMAT para 187), {then}",
        f"{long}: {act}, {then}",
        f"{long}: {act} (CANMAT para 187)",
        f"{long}: {act}",
        f"{short}: {act}, {then}",
        f"{short}: {act}",
        f"{short}: raise {name} first (CANMAT para 187)",
    )


def held_summary(ctx: RuleContext, space: Room, failed: tuple[str, str]) -> HeldSummary | None:
    """The summary while a safety card on the screen holds the one-click raise
    (one_click_hold.held_summary): "...: escitalopram 10 mg/day, room to 20: raise held
    (angle-closure glaucoma on record), then an adjunct" while the adjuncts stay one click;
    "...: raise held (suicide risk assessment first)", no next step, when the hold takes them
    too (`HeldSummary.adjuncts_held`: "then an adjunct" proposed what was held). None when the
    raise is not one click anyway."""
    if suggestion(ctx, space) is None:
        return None
    long, short = failed
    trial = space.trial
    then = _then(ctx, partial_response(trial) is not None)
    room_words = f"{trial.ingredient} {_now(space)} {per_day(trial.ingredient)}, room to {cards.fmt_mg(space.top)}"
    alone = (
        f"{long}: {room_words}: {HELD}",
        f"{long}: {trial.ingredient} {HELD}",
        f"{short}: {room_words}: {HELD}",
        f"{short}: {trial.ingredient} {HELD}",
    )
    return HeldSummary(
        trial.ingredient,
        (f"{long}: {room_words}: {HELD}, {then}", f"{long}: {trial.ingredient} {HELD}, {then}")
        + alone[1:],
        adjuncts_held=alone,
        subject=dosed_subject(trial),
    )
