"""An MAOI pair the chart already holds, met by a draft that only re-orders one of the two
(session 28 leftover 1 of the s27 K1 recheck).

Phenelzine running (or tranylcypromine, isocarboxazid, transdermal selegiline), sertraline
running beside it, and a draft lowering sertraline: the MAOI card read the draft as a sertraline
start ("Sertraline ordered while phenelzine (MAOI) is ordered: ... 14 days off phenelzine
first") and offered "Remove the draft sertraline order", which removes only the lowering and
leaves 150 mg/day running beside the MAOI: the one click made things worse. A draft that
re-orders its running course with no stop starts nothing (services/draft_changes.py), so the
pair is not the order's: the card says the two are already taken together, names both courses
with their doses and dates and what the order does to one of them, and asks, as the chart-open
MAOI combination card does (rules/maoi_combination.py), to confirm what is taken, check for the
signs and decide which one to stop. It stays critical (the pair must not continue) and offers
no removal (OrderCheck.removable): which drug to stop is the prescriber's decision, and removing
the re-order would only undo the change it makes. A draft that STARTS the second drug keeps the
MAOI check's card and its removal (order_checks/maoi.py). A partner stopped within its washout
is such a pair too (the two met while both were taken): said with its stop, and with the
chart-open card's "confirm what is taken" in place of "stop one".

A course on hold is not such a pair: it is not taken, and a draft of it resumes it, a start
(draft_changes.continues_running; recheck K8 s28 finding 1). Both drugs of the pair re-ordered on
one order (both renewed) are one statement, the MAOI first, whichever draft is selected, and the
card's key names every draft it speaks of (OrderCheck.named; recheck K8 s28 finding 3).
"""

from __future__ import annotations

from fhir_mapping.record import DraftOrder, PatientRecord, Trial
from services import (
    cards,
    draft_changes,
    draft_tapers,
    drug_names,
    taken_to_confirm,
    washout,
    washout_partners,
    washout_table,
    washout_words,
)
from services.order_checks.model import MAOI, OrderCheck
from services.order_doses import draft_dose, trial_dose
from services.rules import maoi_combination
from services.rules.context import RuleContext
from services.trial_dates import dose_since
from services.washout_state import stop_said


def already_running(
    ctx: RuleContext, draft: DraftOrder, found: list[washout.Conflict]
) -> OrderCheck | None:
    """The card of a draft that re-orders its running course (draft_changes.continues_running)
    while a partner it must not meet runs too (neither on this order nor only listed): the pair
    the chart already holds. None for any other draft: a start keeps the MAOI check's card."""
    record = ctx.record
    trial = draft_changes.continues_running(record, draft)
    if trial is None:
        return None
    # A partner running, or stopped within its washout (its washout still counts: the pair
    # met while both were taken); one only listed keeps the MAOI check's words.
    # A running partner leads the summary (the MAOI check's order after that: longest washout).
    partners = sorted(
        (c for c in found if not c.old.on_order and not c.old.listed),
        key=lambda c: not c.old.running,
    )
    own = next(
        (
            e
            for e in washout.exposures(record, drafts=record.draft_orders)
            if e.ingredient == draft.ingredient and e.running and not e.on_order
        ),
        None,
    )
    if not partners or own is None:
        return None
    change = draft_changes.change_words(record, draft, trial)
    lines = [_pair_line(ctx, draft, trial, own, c, change) for c in partners]
    # What else the draft meets (a partner only listed): said as before, the draft still no
    # start of it.
    rest = [c.why() for c in found if c not in partners]
    also = _also_running(record, own, partners)
    # A drug with no line of its own above (not the draft's partner): named with the MAOI.
    unlined = [e for e in also if all(c.old.ingredient != e.ingredient for c in partners)]
    if unlined:
        maoi = _maoi_first(own, partners[0])[0]
        said = washout_partners.also_running(record, unlined)
        name = f"{drug_names.shown(maoi.ingredient)} ({washout_words.kind_label(maoi.row)})"
        where = f"beside {name}" if maoi.running else f"within {name}'s washout"
        rest.append(
            f"{said[0].upper()}{said[1:]}, {where} too: confirm today what the patient takes."
        )
    return OrderCheck(
        MAOI,
        draft,
        _summary(record, draft, own, partners[0], change, also),
        "\n\n".join([*lines, *rest]),
        removable=False,
        named=_named(record, draft, partners),
    )


def _named(
    record: PatientRecord, draft: DraftOrder, partners: list[washout.Conflict]
) -> tuple[DraftOrder, ...]:
    """The other drafts the card speaks of (OrderCheck.named, in its key at order-select and
    order-sign alike: recheck K8 s28 finding 3): the other drafts of a split dose read as one
    re-order (draft_tapers.as_reorder: sertraline 100 + 25 mg), and the drafts re-ordering a
    partner's running course (both drugs of the pair renewed)."""
    reordered = {c.old.ingredient for c in partners if c.old.reordered}
    return tuple(
        d
        for d in record.draft_orders
        if d is not draft
        and (
            d.ingredient == draft.ingredient
            or (d.ingredient in reordered and draft_changes.continues_running(record, d))
        )
    )


def _maoi_first(own: washout.Exposure, c: washout.Conflict) -> tuple[washout.Exposure, ...]:
    """(the MAOI, the other drug) of the pair the draft's course `own` makes with `c.old`."""
    return (own, c.old) if c.into_maoi else (c.old, own)


def _also_running(
    record: PatientRecord, own: washout.Exposure, partners: list[washout.Conflict]
) -> list[washout.Exposure]:
    """The other drugs running beside the lead pair's MAOI that it must not meet (session 33
    fix drug49, cards46 leftover: renewing sertraline beside phenelzine named the pair and left
    the trazodone running with the phenelzine to the chart card): the draft's other running
    partners, then every running course with a washout to or from the MAOI (as the chart card
    pairs them: rules/maoi_combination.running_pairs). A drug only listed, or on this order, is
    left to the MAOI check's own words."""
    maoi, other = _maoi_first(own, partners[0])
    named = {maoi.ingredient, other.ingredient}
    found = {c.old.ingredient: c.old for c in partners[1:] if c.old.running}
    for e in washout.exposures(record, drafts=record.draft_orders):
        if (
            e.running
            and not e.on_order
            and not e.listed
            and e.ingredient not in named
            and not e.other_reading(maoi)
            and (
                washout_table.days_needed(e.row, maoi.row) is not None
                or washout_table.days_needed(maoi.row, e.row) is not None
            )
        ):
            found.setdefault(e.ingredient, e)
    return [e for i, e in found.items() if i not in named]


def _summary(
    record: PatientRecord,
    draft: DraftOrder,
    own: washout.Exposure,
    c: washout.Conflict,
    change: str,
    also: list[washout.Exposure],
) -> str:
    """ "Phenelzine (MAOI) and sertraline both running already; this order only lowers
    sertraline (100 mg/day), not starting the pair: serotonin syndrome risk; stop one"; with
    "; also running: trazodone 50 mg/day" after the pair when other drugs run beside the MAOI
    (`_also_running`: fix drug49)."""
    maoi, other = _maoi_first(own, c)
    m, o = drug_names.shown_first(maoi.ingredient), drug_names.shown(other.ingredient)
    label = washout_words.kind_label(maoi.row)
    running = taken_to_confirm.RUNNING.verb
    # As the chart-open card says a pair (maoi_combination._both): a stopped partner's stop,
    # and then no "stop one" but what the chart-open card asks of it.
    act = "stop one" if c.old.running else "confirm what is taken"
    # The stop as washout_state.stop_said words it (fix wash66): "the last fill of fluoxetine
    # ran out 31 days ago" of a fill's supply end, never "fluoxetine stopped" (nothing records a
    # stop). The stopped drug is always the partner `c.old` (the draft's own course runs).
    if not maoi.running:
        said = stop_said(
            maoi, f"{drug_names.shown(maoi.ingredient)} ({label})", f"{c.days_off()} ago"
        )
        both = f"{said[:1].upper()}{said[1:]}, {o} running"
    elif not other.running:
        both = f"{m} ({label}) running, {stop_said(other, o, f'{c.days_off()} ago')}"
    elif maoi.claim.verb == running and other.claim.verb == running:
        both = f"{m} ({label}) and {o} both running"
    else:
        # "Phenelzine (MAOI) ordered (no fill yet) and sertraline running": each as its claim.
        both = f"{m} ({label}) {maoi.claim.bare} and {o} {other.claim.bare}"
    risk = washout_words.risk_words(maoi.row, other.row).short
    # What the order does to each drug of the pair it re-orders, the MAOI first: one statement
    # whichever of two re-orders (both renewed) is selected (recheck K8 s28 finding 3: select
    # said "only renews phenelzine", sign "only renews sertraline").
    done = [
        (_verb(words), drug_names.shown(e.ingredient), _dose(record, e.ingredient))
        for e in (maoi, other)
        if (words := change if e is own else e.reordered)
    ]
    with_dose = _does(done, dosed=True)
    bare = _does(done, dosed=False)
    # A partner stopped within its washout: its stop kept, "already" left out, before the
    # fallback's "already taken together" (fix wash66: "the last fill of phenelzine (MAOI) ran
    # out 11 days ago" is longer than "stopped 11 days ago" and no longer fitted).
    stopped = not c.old.running
    if also:
        # Every drug that meets the MAOI named (washout_partners.py, review K34): the doses
        # give way first, then the order's dose, then the risk.
        doses = washout_partners.also_running(record, also)
        names = washout_partners.also_running(record, also, with_dose=False)
        return cards.fit_summary(
            f"{both} already; {doses}; this order only {with_dose}, not starting the pair: "
            f"{risk}; {act}",
            f"{both} already; {doses}; this order only {with_dose}, not starting the pair: {act}",
            f"{both} already; {doses}; this order only {bare}: {act}",
            f"{both} already; {names}; this order only {bare}: {act}",
            *([f"{both}; {names}; this order only {bare}: {act}"] if stopped else []),
            f"{m} ({label}) and {o} already taken together; {names}; this order only {bare}: {act}",
            f"{m} and {o} already taken together; {names}: {act}",
        )
    return cards.fit_summary(
        f"{both} already; this order only {with_dose}, not starting the pair: {risk}; {act}",
        f"{both} already; this order only {with_dose}, not starting the pair: {act}",
        f"{both} already; this order only {bare}, not starting the pair: {act}",
        f"{both} already; this order only {bare}: {act}",
        *([f"{both}; this order only {bare}: {act}"] if stopped else []),
        # A long state ("on hold, not taken since 2026-12-01 at the latest": recheck K8 s28
        # h04) left to the detail; the order's change and the action kept.
        f"{m} ({label}) and {o} already taken together; this order only {bare}: {act}",
        f"{m} and {o} already taken together: {act}",
    )


def _verb(change: str) -> str:
    """ "lowers" for "lowered to 100 mg/day on this order" (the head of draft_changes.
    change_words), "re-orders" for any other."""
    return next((v for k, v in _VERBS.items() if change.startswith(k)), "re-orders")


def _dose(record: PatientRecord, ingredient: str) -> str:
    """The drafted dose of `ingredient`'s re-order, a split dose by its total (draft_tapers.
    as_reorder)."""
    draft = next(d for d in record.draft_orders if d.ingredient == ingredient)
    return draft_dose(draft_tapers.as_reorder(record, draft) or draft)


def _does(done: list[tuple[str, str, str]], *, dosed: bool) -> str:
    """ "lowers sertraline (100 mg/day)", "renews phenelzine (45 mg/day) and sertraline (150
    mg/day)", "renews phenelzine and lowers sertraline"."""
    said = []
    for i, (verb, name, dose) in enumerate(done):
        head = "" if i and verb == done[0][0] else f"{verb} "
        said.append(f"{head}{name}" + (f" ({dose})" if dosed else ""))
    return cards.and_list(said)


# What the order does to the running course, as a summary's verb, by the head of its
# draft_changes.change_words ("lowered to 100 mg/day on this order": "lowers").
_VERBS = {"lowered": "lowers", "raised": "raises", "renewed": "renews"}


def _pair_line(
    ctx: RuleContext,
    draft: DraftOrder,
    trial: Trial,
    own: washout.Exposure,
    c: washout.Conflict,
    change: str,
) -> str:
    """The pair's paragraph: both courses with their doses and dates, what the order does to the
    drafted one, why removing the draft is no fix, and the chart-open card's advice and
    intervals (rules/maoi_combination.py)."""
    maoi, other = _maoi_first(own, c)
    name = drug_names.shown(draft.ingredient)
    partner = c.old
    theirs = _latest_trial(ctx, partner.ingredient)
    courses = [
        f"{_course(own, trial)}, {change}",
        _course(c, theirs) + (f", {partner.reordered}" if partner.reordered else ""),
    ]
    if partner.reordered and theirs is not None:
        # Both drugs of the pair re-ordered on this order (recheck K8 s28 finding 3): one
        # paragraph, the MAOI first, whichever draft's check says it.
        doses = {own.ingredient: trial_dose(trial), partner.ingredient: trial_dose(theirs)}
        if own is not maoi:
            courses.reverse()
        left = cards.and_list(
            [f"{drug_names.shown(e.ingredient)} at {doses[e.ingredient]}" for e in (maoi, other)]
        )
        what = (
            "it re-orders both, which run already, and removing the drafts would leave "
            f"{left} together"
        )
    else:
        what = (
            f"it re-orders {name}, which runs already, and removing the draft would leave "
            f"{name} at {trial_dose(trial)} {{beside}}"
        )
    ways = [
        w
        for w in (
            maoi_combination.switch_interval(ctx, other, maoi),
            maoi_combination.switch_interval(ctx, maoi, other),
        )
        if w
    ]
    signs = washout_words.risk_words(maoi.row, other.row).signs
    head = drug_names.shown_first(maoi.ingredient)
    shown = drug_names.shown(partner.ingredient)
    if partner.running:
        beside = f"beside {shown}"
        advice = (
            f": confirm today what the patient takes, check for signs of {signs}, and decide "
            "with psychiatry which one to stop"
        )
    else:
        # The chart-open card's words for a partner stopped within its washout.
        beside = f"within {shown}'s washout"
        advice = (
            ", and a drug stopped within its washout still counts: confirm today what the "
            f"patient takes and when {shown} was last taken, and check for signs of {signs}"
        )
    return (
        f"**{head} ({washout_words.kind_label(maoi.row)}) and {drug_names.shown(other.ingredient)}"
        f" already taken together:** {'; '.join(courses)}. This order does not start the "
        f"pair: {what.format(beside=beside)}. "
        f"{maoi_combination.risk_sentence(maoi, other)}{advice}. Washout for "
        f"a switch between them: {'; '.join(ways)}. Intervals: "
        f"{maoi_combination.interval_sources(maoi, other)}."
    )


def _latest_trial(ctx: RuleContext, ingredient: str) -> Trial | None:
    """The drug's latest course (a running one before an ended one), whose dose a line names."""
    trials = [t for t in ctx.record.trials if t.ingredient == ingredient]
    return max(trials, key=lambda t: (t.ongoing, t.end, t.start)) if trials else None


def _course(of: washout.Exposure | washout.Conflict, trial: Trial | None) -> str:
    """ "sertraline 150 mg/day, running since 2026-06-01", "phenelzine 45 mg/day, ordered
    2026-11-20 (no fill yet)": the course by its present dose and its dates (trial_dates.
    dose_since), as its claim says it is taken (taken_to_confirm.course_claim); a partner
    stopped within its washout (`of` its conflict) as the MAOI card says its stop
    (washout.Conflict.state: "phenelzine 45 mg/day, last taken on 2026-11-20 as recorded (11
    days ago)")."""
    if isinstance(of, washout.Conflict):
        e = of.old
        if not e.running:
            dose = f" {trial_dose(trial)}" if trial is not None else ""
            return f"{drug_names.shown(e.ingredient)}{dose}, {of.state().removeprefix('was ')}"
    else:
        e = of
    if trial is not None:
        named, since = dose_since(trial, trial_dose(trial))
        named = drug_names.shown(e.ingredient) + named[len(e.ingredient) :]
    else:
        named, since = drug_names.shown(e.ingredient), e.since()
    cite = cards.record_cite(e.cited, e.start is not None, ", {}")
    if e.awaiting_fill is not None:
        return f"{named}, ordered {e.awaiting_fill.isoformat()} (no fill yet){cite}"
    # A course on hold after its dates, as a listed one is: "fluoxetine since 2026-04-21; ...,
    # is on hold, not taken since 2026-12-01 at the latest" (recheck K8 s28 finding 1, h04: the
    # hold went between the name and its dates, "on hold, not taken since X at the latest since
    # 2026-04-21").
    if e.listed or e.claim.why or e.on_hold:
        return f"{named} {since}, {e.claim.said()}{cite}"
    return f"{named}, {e.claim.bare} {since}{cite}"
