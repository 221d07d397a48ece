"""Where the episode's pathway courses stand: which run now, which respond, which are not yet
judged or not measured, which run below their range, which antipsychotics run, what was not
tolerated. The facts every section of the optimise / switch / augment card reads."""

from __future__ import annotations

from fhir_mapping import drug_table
from fhir_mapping.episode import in_current_episode
from fhir_mapping.record import AdherenceStatus, InadequacyReason, Role, Trial, Verdict
from fhir_mapping.verdict_before_gap import responding_now
from services import drug_rules, trial_count
from services.rules.context import RuleContext
from services.rules.optimize import adjunct_level
from services.rules.optimize.first_fill_wait import awaiting_first_fill

# Courses whose outcome is the pathway's business (not e.g. an interacting drug such as linezolid).
PATHWAY_ROLES = frozenset({Role.ANTIDEPRESSANT, Role.AUGMENTATION})
# Compared per course, several times per card: on Python 3.11 reading a member off its Enum class
# costs about ten times reading a global (issue 14).
_POOR = AdherenceStatus.POOR
_NOT_A_TRIAL = Verdict.NOT_A_TRIAL
_ONGOING = Verdict.ONGOING
_ADEQUATE = Verdict.ADEQUATE
_AUGMENTATION = Role.AUGMENTATION
_NOT_SHOWN_TAKEN = InadequacyReason.NOT_SHOWN_TAKEN


def subtherapeutic(ctx: RuleContext) -> tuple[Trial, ...]:
    """Ongoing antidepressant trials whose current dose is below the minimum adequate dose and
    whose adherence the refill data do not contradict. One card per concern (issue 12): this card
    raises the dose of such a trial and the adherence card leaves it alone; a trial whose refills
    contradict adherence is the adherence card's (raising a dose that is not being taken is not
    the next step: CANMAT 2023 para 184, assess adherence first)."""
    return tuple(
        [
            t
            for t in ctx.facts.ongoing_trials
            if t.min_adequate_mg is not None
            and t.current_mg_per_day is not None
            and t.current_mg_per_day < t.min_adequate_mg
            and t.adherence.status is not _POOR
            and not in_titration(t, ctx.policy.below_range_grace_weeks)
            # orders36/37: an order the fill feed shows unfilled, listed or awaiting its first
            # fill (optimize/awaiting_fill.py), has no exposure to raise.
            and not t.feed_unfilled
        ]
    )


def listed_never_filled(trial: Trial) -> bool:
    """An order the chart's fill feed lists never filled (unfilled_order.py: Trial.feed_unfilled,
    listed): no course to raise or wait for (orders36, recheck K32a finding 4: a venlafaxine
    37.5 mg order never dispensed read "raise the dose before judging response ... for 12.9
    weeks so far" and held the failed sertraline's switch; its listing says why)."""
    return trial.feed_unfilled and trial.unconfirmed_order


def in_titration(trial: Trial, grace_weeks: float) -> bool:
    """The running dose has been below the minimum adequate dose for less than `grace_weeks`
    (policy.below_range_grace_weeks; review 7 finding 11): a titration step such as a first
    week at 25 mg of sertraline, not yet a dose to raise. Counted from the start of the latest
    run of below-minimum segments to the course's end (the as-of date while it runs)."""
    minimum = trial.min_adequate_mg
    if grace_weeks <= 0 or minimum is None or not trial.segments:
        return False
    since = trial.segments[-1].start
    for segment in reversed(trial.segments):
        mg = segment.mg_per_day
        if mg is None or mg >= minimum:
            break
        since = segment.start
    return (trial.end - since).days < grace_weeks * 7


def current_trials(ctx: RuleContext) -> tuple[Trial, ...]:
    """Antidepressant and adjunct courses of this episode running on the as-of date."""
    start = ctx.facts.episode_start
    return tuple(
        [
            t
            for t in ctx.record.trials
            if t.ongoing
            and t.role in PATHWAY_ROLES
            and t.verdict is not _NOT_A_TRIAL
            and in_current_episode(t, start)
        ]
    )


# `current` below: `current_trials(ctx)` when the caller has read them already (the card asks
# three of these questions of the same courses).


def responding(ctx: RuleContext, current: tuple[Trial, ...] | None = None) -> tuple[Trial, ...]:
    """Current courses with a >= 50 % PHQ-9 drop from their baseline (Trial.response), or a
    failure before a supply gap whose restart responded, as read since the restart
    (verdict_before_gap.responding_now, session 21 G2)."""
    if current is None:
        current = current_trials(ctx)
    return tuple([now for t in current if (now := responding_now(t)) is not None])


def not_yet_judged(ctx: RuleContext, current: tuple[Trial, ...] | None = None) -> tuple[Trial, ...]:
    """Current courses that have not run long enough, at an adequate dose, to be judged (verdict
    ongoing). Switching or adding to a course before its fair test is what CANMAT's sequence
    (optimise, then judge, then switch or add) rules out; the adherence card asks about doses."""
    if current is None:
        current = current_trials(ctx)
    return tuple([t for t in current if _pending(ctx, t)])


def _pending(ctx: RuleContext, trial: Trial) -> bool:
    """Whether a current course still has to run before switching or adding is judged. Bounded
    (review 10 finding 6: a year of severe non-response must never leave an empty screen): a
    course at an adequate dose waits until it has had min_adequate_weeks there (its verdict turns
    ADEQUATE), an antidepressant below its range is raised on this card (`subtherapeutic`) or is
    still titrating, an adjunct below its range waits only for below_range_grace_weeks (then it
    is `below_range_adjuncts`: raise it or change strategy), and anything else (no range, no
    known dose) only for its first min_adequate_weeks."""
    if trial.response is True:
        return False
    if listed_never_filled(trial):
        # orders35: an order a fill feed lists never filled is no course to wait for: counted to
        # one fill's supply, it read "ongoing" and held the failed sertraline's switch for ever.
        return False
    first_weeks = (trial.end - trial.start).days < ctx.policy.mapping.min_adequate_weeks * 7
    minimum = trial.min_adequate_mg
    if trial.role is _AUGMENTATION and minimum is None:
        # No mg/day range to judge it by (esketamine per session, an antipsychotic that is not a
        # CANMAT adjunct): only its first weeks count as "too early", or it would block forever.
        return first_weeks
    if trial.verdict is not _ONGOING:
        return False
    if InadequacyReason.LEVEL_NOT_SHOWN in trial.reasons:
        # Running lithium with no level at its target (fix trial74): no weeks will make it
        # adequate, so waiting would block the card for ever; the level section asks for the
        # level and raises toward the target (adjunct_level.py), as it did before the fix.
        return False
    mg = trial.current_mg_per_day
    if mg is None or minimum is None:
        return first_weeks  # no dose (or no range) to wait for: never a block for ever
    if mg >= minimum or trial.role is not _AUGMENTATION:
        # At an adequate dose: it becomes a judged trial after min_adequate_weeks there (poor
        # adherence keeps it open: the adherence card's). An antidepressant below its range is
        # not left silent either: this card raises it (CANMAT: optimise before switching).
        return True
    return in_titration(trial, ctx.policy.below_range_grace_weeks)


def below_range_adjuncts(
    ctx: RuleContext, current: tuple[Trial, ...] | None = None
) -> tuple[Trial, ...]:
    """Current adjuncts (role augmentation) below the minimum of their CANMAT 2023 Table 7.2
    range for longer than policy.below_range_grace_weeks, with adherence not contradicted by
    refills (review 10 finding 6: mirtazapine 15 mg added to a failed SSRI). Such a course
    never becomes a judged trial, so waiting for it would silence the card for as long as it
    runs: the card names it and asks to raise it or change strategy. A responding one is not
    here (the card optimises it toward remission instead)."""
    if current is None:
        current = current_trials(ctx)
    grace = ctx.policy.below_range_grace_weeks
    return tuple(
        [
            t
            for t in current
            if t.role is _AUGMENTATION
            and t.response is not True
            and t.adherence.status is not _POOR
            # No fill yet on a fill feed: no dose to raise (first_fill_wait.py, orders39).
            and not awaiting_first_fill(t)
            and (_below_mg_range(t, grace) or _below_level_target(ctx, t, grace))
        ]
    )


def _below_mg_range(trial: Trial, grace_weeks: float) -> bool:
    return (
        trial.min_adequate_mg is not None
        and trial.current_mg_per_day is not None
        and trial.current_mg_per_day < trial.min_adequate_mg
        and not in_titration(trial, grace_weeks)
    )


def _below_level_target(ctx: RuleContext, trial: Trial, grace_weeks: float) -> bool:
    """An adjunct dosed by its level (lithium) whose latest level on the course is below its
    target, at any mg/day (review s21 RF finding 3: lithium 600 mg/day, the bottom of its Table
    7.2 range, at 0.3 mmol/L got a second adjunct one click). The level, not the mg/day, says
    whether it has had a fair dose (optimize/adjunct_level.py); past the grace weeks on the dose,
    as a dose below its range (a level days after a start is not yet at steady state)."""
    return adjunct_level.below_target(ctx, trial) is not None and not _on_dose_within(
        trial, grace_weeks
    )


def _on_dose_within(trial: Trial, grace_weeks: float) -> bool:
    """The course started under `grace_weeks` ago: its first level may not be at steady state."""
    return grace_weeks > 0 and (trial.end - trial.start).days < grace_weeks * 7


def unmeasured(ctx: RuleContext, current: tuple[Trial, ...] | None = None) -> tuple[Trial, ...]:
    """Current adequate courses with no PHQ-9 on treatment: whether they work is unknown. The
    card still names the options, but offers nothing ready to accept until the PHQ-9 is
    repeated (an unmeasured course may be the one that is working: the safer reading)."""
    if current is None:
        current = current_trials(ctx)
    # A course whose PHQ-9 was taken on it and a counted course together is measured, as the
    # combination (trial_count.taken_with; recheck 17-2 W4: "sertraline not measured yet" beside
    # a PHQ-9 taken on sertraline + escitalopram): the count names the two together.
    together = trial_count.combined_partners(ctx.facts.failed_trials, ctx.record)
    return tuple(
        [
            t
            for t in current
            if t.verdict is _ADEQUATE
            and t.outcome_unmeasured
            # orders37: an order awaiting its first fill is no trial to measure yet (its own
            # line: optimize/awaiting_fill.py), never "it may be working".
            and not t.feed_unfilled
            and not _pending(ctx, t)
            and t.ingredient not in together
        ]
    )


def failed_together(ctx: RuleContext) -> dict[str, tuple[Trial, ...]]:
    """Failed trial's ingredient -> the other antidepressants its PHQ-9 was also taken on
    (trial_count.taken_with), each not counted in its own right; {} for nearly every chart.

    Audit 17b W1: sertraline judged on a score taken on sertraline + venlafaxine listed only the
    SSRI as failed and then offered SNRIs, desvenlafaxine (venlafaxine's active metabolite:
    fhir_mapping/data/allergy_cross_reactions.csv, Pristiq label) among them. What failed is the
    combination, so both classes are tried: a switch within a failed class is less likely to
    help (CANMAT 2023 Figure 7.1)."""
    counted = set(ctx.facts.failed_ingredients)
    found: dict[str, tuple[Trial, ...]] = {}
    for t in ctx.facts.failed_trials:
        partners = tuple(
            [p for p in trial_count.taken_with(t, ctx.record) if p.ingredient not in counted]
        )
        if partners:
            found[t.ingredient] = partners
    return found


def running_antipsychotics(ctx: RuleContext) -> tuple[Trial, ...]:
    """Every antipsychotic running on the as-of date, in any role and at any dose (a 25 mg
    quetiapine for sleep is still an antipsychotic a second one would be stacked on), except one
    now ordered only as needed (review 10 recheck R5: a PRN quetiapine is no antipsychotic
    augmentation and does not keep aripiprazole off the card; the card names it in a caution,
    optimize_switch_augment.as_needed_antipsychotics)."""
    return tuple(
        [
            t
            for t in ctx.record.trials
            if t.ongoing
            and drug_rules.is_antipsychotic(t.drug_class)
            and not (t.segments and t.segments[-1].as_needed)
        ]
    )


def not_tolerated(ctx: RuleContext) -> frozenset[str]:
    """Ingredients never proposed because the patient did not tolerate them (read once per
    evaluation: RuleContext.held_back)."""
    return ctx.held_back


def held_ingredients(ctx: RuleContext, *, failed: tuple[str, ...] = ()) -> dict[str, str]:
    """Drugs an option must not share an ingredient with -> why they are held: `failed` (the
    switch list passes the failed trials), "taken now", "not tolerated"."""
    held: dict[str, str] = dict.fromkeys(failed, "failed an adequate trial")
    unshown = not_shown_taken(ctx)
    for t in ctx.record.trials:
        if t.ongoing:
            # Still held (a product containing it would duplicate it if it is taken after all),
            # but never called "taken now" when nothing shows it was (review 14 W5).
            held.setdefault(
                t.ingredient, "ordered, not shown taken" if t.ingredient in unshown else "taken now"
            )
    for name in sorted(not_tolerated(ctx)):
        held.setdefault(name, "not tolerated")
    return held


def shares_an_ingredient(ingredient: str, held: dict[str, str]) -> str | None:
    """Why `ingredient` is no new option though it is not itself held: it shares an ingredient
    with a held drug (review 10 finding 1: a fixed combination counts as each of its components,
    drug_table.shared_ingredients). After dextromethorphan-bupropion, bupropion gives
    "dextromethorphan-bupropion (failed an adequate trial) contains it"; after bupropion,
    dextromethorphan-bupropion gives "it contains bupropion (failed an adequate trial)"; None
    when it shares nothing."""
    for other, reason in held.items():
        shared = drug_table.shared_ingredients(ingredient, other)
        if not shared:
            continue
        part = shared[0]
        if ingredient == part:
            return f"{other} ({reason}) contains it"
        if other == part:
            return f"it contains {part} ({reason})"
        return f"it contains {part}, as {other} ({reason}) does"
    return None


def shown_not_taken(trial: Trial) -> bool:
    """A course read from orders only, none showing the drug was taken (intent plan, status
    unknown, held and never filled; InadequacyReason.NOT_SHOWN_TAKEN): not a trial, to confirm."""
    return trial.verdict is _NOT_A_TRIAL and _NOT_SHOWN_TAKEN in trial.reasons


def not_shown_taken(ctx: RuleContext) -> dict[str, Trial]:
    """Ingredient -> its latest course, for each ingredient whose every course on record is
    `shown_not_taken` (review 14 recheck r09: a planned venlafaxine never filled). Such a drug
    was never tried: the switch list keeps it, marked to confirm, and it is not "taken now"."""
    found: dict[str, Trial] = {}
    taken: set[str] = set()
    for t in sorted(ctx.record.trials, key=lambda t: t.start):
        if shown_not_taken(t):
            found[t.ingredient] = t
        else:
            taken.add(t.ingredient)
    return {name: t for name, t in found.items() if name not in taken}


def ordered_on(trial: Trial) -> str:
    """The day a course's first order is dated, as written (a partial date stays partial:
    review 10 finding 5)."""
    written = trial.written_dates
    return written.start if written is not None and written.start else trial.start.isoformat()
