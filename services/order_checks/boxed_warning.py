"""The FDA boxed warning on suicidality for a patient under 25 at an order (review 14 W4): the
line itself (`boxed_warning_line`, which order_hooks puts on any card such an order gets), and
its own information check for an order that starts antidepressant treatment
(`boxed_warning_start`): no antidepressant course running or taken within the policy's window;
one that starts a drug new to the patient (`boxed_warning_new_drug`); and one that changes the
daily dose of a running antidepressant (`boxed_warning_dose_change`, review s25 RA finding 3).

Apart from the drug-condition cautions (cautions.py) because it is about the patient's age and
course history, never a condition on record, and it is one check for all drafts together.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from fhir_mapping.record import DraftOrder, Role, Trial, Verdict
from services import cards, drug_rules, order_doses
from services.card_format import plural
from services.order_checks.model import CAUTION, OrderCheck
from services.recommendation import Indicator
from services.rules import populations
from services.rules.context import RuleContext

_NOT_A_TRIAL = Verdict.NOT_A_TRIAL
_ANTIDEPRESSANT = Role.ANTIDEPRESSANT


def own_label_drafts(ctx: RuleContext, drafts: Sequence[DraftOrder]) -> list[DraftOrder]:
    """The drafts outside the antidepressant table whose own label carries the suicidality boxed
    warning at this patient's age (aripiprazole, brexpiprazole, cariprazine, esketamine: data/
    age_restricted_antidepressants.csv; review s27 RC findings 1 and 3: aripiprazole at 19 got
    no warning while quetiapine, an antidepressant-table row, did). The order hook places the
    warning for them as for an antidepressant draft (order_boxed.py)."""
    years = populations.age(ctx)
    return [
        d
        for d in drafts
        if d.role is not _ANTIDEPRESSANT and drug_rules.own_boxed_warning(d.ingredient, years)
    ]


def own_label_lines(ctx: RuleContext, drafts: Sequence[DraftOrder]) -> str:
    """ "Aripiprazole: its own label carries ... (aripiprazole label)." for each such draft, so
    the card does not read as if an adjunct were an antidepressant; "" for antidepressants."""
    years = populations.age(ctx)
    lines = []
    for draft in drafts:
        rule = drug_rules.own_boxed_warning(draft.ingredient, years)
        if rule is not None and draft.role is not _ANTIDEPRESSANT:
            lines.append(f"{draft.ingredient.capitalize()}: {rule.note} ({rule.cite}).")
    return "\n".join(dict.fromkeys(lines))


def _last_course(ctx: RuleContext) -> Trial | None:
    """The antidepressant course taken most recently (running now, or ended latest), or None.
    A course that is no antidepressant trial (trazodone 50 mg for sleep, bupropion for smoking
    cessation: Verdict.NOT_A_TRIAL) does not count: an antidepressant started for depression
    beside it is still a start (the safer reading: the warning is shown)."""
    courses = [t for t in ctx.record.antidepressant_trials() if t.verdict is not _NOT_A_TRIAL]
    return max(courses, key=_last_taken) if courses else None


def _last_taken(trial: Trial) -> date:
    """The last day the record shows the course taken: as-of while it runs, the day an on-hold
    record last supports it (fhir_mapping/trial_record.py), else its end."""
    if trial.on_hold is not None:
        return min(trial.on_hold, trial.end)
    return trial.end


def _taken_within(ctx: RuleContext, since: date) -> frozenset[str]:
    """The antidepressants taken on or after `since` (running now included)."""
    return frozenset(
        t.ingredient
        for t in ctx.record.antidepressant_trials()
        if t.verdict is not _NOT_A_TRIAL and _last_taken(t) >= since
    )


def boxed_warning_new_drug(ctx: RuleContext, drafts: Sequence[DraftOrder]) -> OrderCheck | None:
    """The boxed warning as the drafted drug's own card when the order starts a drug the patient
    has not taken within policy.antidepressant_new_start_days, beside a running course (a
    switch or an addition; review s21 RD finding 9: bupropion drafted at 22 beside venlafaxine
    carried the warning only as "; boxed warning (under 25)" on the TMS card). The label's
    "initial few months of a course of drug therapy" are this drug's first months, so the
    warning belongs to this order; a renewal or dose change of a drug already taken stays
    without a card of its own unless the dose changes (`boxed_warning_dose_change`).
    `boxed_warning_start` words a first start (no course at all in the window); this one the new
    drug beside the others."""
    line = boxed_warning_line(ctx)
    if not line or not drafts:
        return None
    window = ctx.policy.antidepressant_new_start_days
    since = ctx.record.as_of - timedelta(days=window)
    taken = _taken_within(ctx, since) | _adjuncts_taken_within(ctx, drafts, since)
    new = [d for d in drafts if d.ingredient not in taken]
    if not new:
        return None
    warning = populations.boxed_warning(ctx)
    assert warning is not None  # boxed_warning_line said it applies
    years = populations.age(ctx)
    name = new[0].ingredient.capitalize()
    ordered = cards.and_list([f"{d.ingredient} {order_doses.draft_dose(d)}" for d in new])
    return OrderCheck(
        CAUTION,
        new[0],
        cards.fit_summary(
            f"{name} at age {years}: antidepressants raise the risk of suicidal thinking and "
            f"behaviour under 25 ({warning.cite}): monitor closely",
            f"{name} at age {years}: suicidality under 25 ({warning.cite}): monitor closely",
        ),
        cards.join_sections(
            line,
            own_label_lines(ctx, new),
            f"{ordered}: not taken in the last {window} days, so its first months start with "
            "this order.",
        ),
        indicator=Indicator.INFO,
        basis=(warning.cite,),
    )


def boxed_warning_start(ctx: RuleContext, drafts: Sequence[DraftOrder]) -> OrderCheck | None:
    """The FDA boxed warning as an information check, for an order that starts antidepressant
    treatment for a patient under 25 (review 14 W4): no antidepressant course runs now or ended
    within policy.antidepressant_new_start_days. The label asks for close monitoring "especially
    during the initial few months", so the start is when the prescriber needs it.

    Not on a renewal of a running antidepressant at its dose, nor on a switch from one taken
    within the window: the warning was due when that treatment started; the line still rides on
    any card such an order gets (order_hooks). A dose change has its own check
    (`boxed_warning_dose_change`). Not on patient-view either: review 13 y3 put the reminder
    at the order, where the decision is made. The order hook shows it only when no other card
    does, so the screen holds one card, not two."""
    line = boxed_warning_line(ctx)
    # An adjunct alone (aripiprazole with no antidepressant) starts no antidepressant treatment:
    # `boxed_warning_new_drug` words its warning.
    drafts = [d for d in drafts if d.role is _ANTIDEPRESSANT]
    if not line or not drafts:
        return None
    last = _last_course(ctx)
    window = ctx.policy.antidepressant_new_start_days
    since = ctx.record.as_of - timedelta(days=window)
    if last is not None and _last_taken(last) >= since:
        return None
    warning = populations.boxed_warning(ctx)
    assert warning is not None  # boxed_warning_line said it applies
    years = populations.age(ctx)
    ordered = cards.and_list([f"{d.ingredient} {order_doses.draft_dose(d)}" for d in drafts])
    verb = "starts" if len(drafts) == 1 else "start"
    before = (
        f" (last: {last.ingredient}, ended {_last_taken(last).isoformat()})"
        if last is not None
        else ""
    )
    name = drafts[0].ingredient.capitalize()
    return OrderCheck(
        CAUTION,
        drafts[0],
        cards.fit_summary(
            f"{name} at age {years}: antidepressants raise the risk of suicidal thinking and "
            f"behaviour under 25 ({warning.cite}): monitor closely",
            f"{name} at age {years}: suicidality under 25 ({warning.cite}): monitor closely",
        ),
        f"{line}\n\n{ordered} {verb} antidepressant treatment: no antidepressant course on "
        f"record in the last {plural(window, 'day')}{before}.",
        indicator=Indicator.INFO,
        basis=(warning.cite,),
    )


def _adjuncts_taken_within(
    ctx: RuleContext, drafts: Sequence[DraftOrder], since: date
) -> frozenset[str]:
    """The own-label adjuncts drafted (`own_label_drafts`) whose own course was taken on or after
    `since`: a renewal of aripiprazole is not a new start."""
    names = {d.ingredient for d in own_label_drafts(ctx, drafts)}
    if not names:
        return frozenset()
    return frozenset(
        t.ingredient
        for t in ctx.record.trials
        if t.ingredient in names and t.verdict is not _NOT_A_TRIAL and _last_taken(t) >= since
    )


def _changed(ctx: RuleContext, drafts: Sequence[DraftOrder]) -> list[tuple[DraftOrder, Trial]]:
    """The drafts that change the daily dose of a running antidepressant course, each with it. A
    dose either side cannot read (as needed, unclear sig) is no change the record shows: the
    boxed-warning line still rides on any card the order gets."""
    running = {
        t.ingredient: t
        for t in ctx.record.antidepressant_trials()
        if t.ongoing and t.verdict is not _NOT_A_TRIAL
    }
    found = []
    for draft in drafts:
        trial = running.get(draft.ingredient)
        if trial is None:
            continue
        new, now = draft.mg_per_day_upper, trial.current_mg_per_day_upper
        if new is not None and now is not None and new != now:
            found.append((draft, trial))
    return found


def boxed_warning_dose_change(ctx: RuleContext, drafts: Sequence[DraftOrder]) -> OrderCheck | None:
    """The boxed warning as an information card of its own when the order raises or lowers the
    daily dose of a running antidepressant under 25 (review s25 RA finding 3: escitalopram 10 ->
    20 mg/day at 16 and at 24 got no card at all). The warning's own words (data/
    age_restricted_antidepressants.csv: "especially in the first months and after dose
    changes") and the FDA Medication Guide for antidepressants ("very important when an
    antidepressant medicine is started or when the dose is changed", DailyMed) put a dose change
    beside a start; the prescribing information's "at times of dose changes, either increases or
    decreases" (Warnings, Clinical Worsening and Suicide Risk) was not read here. Both
    directions, as the label says: a lower dose is a change too, and the safer reading for a
    young patient is to say it. Shown only when no card about the drafted drug carries the line
    (order_boxed.py), so the screen holds one card."""
    line = boxed_warning_line(ctx)
    changed = _changed(ctx, drafts) if line else []
    if not changed:
        return None
    warning = populations.boxed_warning(ctx)
    assert warning is not None  # boxed_warning_line said it applies
    years = populations.age(ctx)
    first, trial = changed[0]
    name = first.ingredient.capitalize()
    return OrderCheck(
        CAUTION,
        first,
        cards.fit_summary(
            f"{name} dose change at age {years}: monitor closely for suicidal thinking and "
            f"behaviour ({warning.cite}, under 25)",
            f"{name} dose change at age {years}: suicidality under 25 ({warning.cite})",
        ),
        f"{line}\n\n{dose_change_line(ctx, drafts)}",
        indicator=Indicator.INFO,
        basis=(warning.cite,),
    )


def dose_change_line(ctx: RuleContext, drafts: Sequence[DraftOrder]) -> str:
    """ "This order raises fluoxetine from 20 mg/day to 40 mg/day: the warning asks ...", or ""
    with no dose change of a running antidepressant under 25. It rides with the boxed-warning
    line on the drafted drug's own card too (order_boxed.py; review s27 RQ2 finding 1: a raise to
    40 mg/day at 17 lost it when the pediatric-dose card came)."""
    changed = _changed(ctx, drafts) if boxed_warning_line(ctx) else []
    if not changed:
        return ""
    moves = cards.and_list([_move(d, t) for d, t in changed])
    return (
        f"This order {moves}: the warning asks for close monitoring after a dose change, as at a "
        "start."
    )


def _move(draft: DraftOrder, trial: Trial) -> str:
    """ "raises escitalopram from 10 mg/day to 20 mg/day" (both doses read: `_changed`)."""
    up = (draft.mg_per_day_upper or 0.0) > (trial.current_mg_per_day_upper or 0.0)
    return (
        f"{'raises' if up else 'lowers'} {draft.ingredient} from {order_doses.trial_dose(trial)} "
        f"to {order_doses.draft_dose(draft)}"
    )


def boxed_warning_line(ctx: RuleContext) -> str:
    """The FDA boxed warning on suicidality for a patient under 25 (data/
    age_restricted_antidepressants.csv), one line, or "" when it does not apply."""
    warning = populations.boxed_warning(ctx)
    if warning is None:
        return ""
    return f"**Boxed warning (age {populations.age(ctx)}):** {warning.note} ({warning.cite})."
