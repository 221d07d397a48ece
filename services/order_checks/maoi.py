"""The MAOI check: an MAOI meeting a serotonergic or noradrenergic antidepressant, either way
round, running, within its washout or on the same order (services/washout.py), and the card
summary for each shape of conflict (linezolid: never "wait weeks", review finding 6)."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence

from fhir_mapping import drug_table
from fhir_mapping.record import DraftOrder
from services import (
    cards,
    draft_changes,
    drug_names,
    tables,
    taken_to_confirm,
    washout,
    washout_table,
)
from services.card_format import plural
from services.order_checks import maoi_held, maoi_running
from services.order_checks.maoi_diet import maoi_diet_check
from services.order_checks.model import MAOI, OrderCheck
from services.recommendation import Indicator
from services.rules.context import RuleContext
from services.washout_drafts import draft_conflicts


def maoi_check(
    ctx: RuleContext,
    draft: DraftOrder,
    reported: set[frozenset[str]],
    partners: Collection[str] | None = None,
) -> OrderCheck | None:
    """An MAOI meeting a serotonergic or noradrenergic antidepressant, either way round.
    `reported` holds the pairs of drafts on the same order already reported (one card line for
    citalopram + phenelzine ordered together, not two). `partners`: only the conflicts with
    these drugs (`toward_selected`); None, every conflict."""
    found = []
    for conflict in draft_conflicts(ctx.record, draft):
        if partners is not None and conflict.old.ingredient not in partners:
            continue
        if conflict.old.on_order:
            pair = frozenset({conflict.new, conflict.old.ingredient})
            if pair in reported:
                continue
            reported.add(pair)
        found.append(conflict)
    if not found:
        return None
    if all(maoi_held.past_washout(c) for c in found):
        return maoi_held.held_check(draft, found)  # only if the held drug is resumed
    # A running MAO-B inhibitor whose label only advises against this class (rasagiline with an
    # SSRI, audit 16 f01; safinamide with an SSRI, review 16 second recheck W1): a warning that
    # says what to watch, not a washout. The other drugs running with it are named too (m01).
    watched = [c for c in found if _not_recommended(c, draft)]
    partners = _partners_line(ctx, draft, found)
    if watched and len(watched) == len(found):
        return _watch_check(draft, watched, partners)
    # The summary names the partners the record shows taken (running, on the order, stopped
    # within the washout) first, the longest washout among them leading, the binding one
    # (review s23 RD finding 5: phenelzine with sertraline running and fluoxetine on the same
    # order led with sertraline's 14 days); a listed partner, which the record no longer shows
    # taken (taken_to_confirm.LISTED), after them, "listed (last supply ended DATE): confirm it
    # is not taken" (review s23 RR finding 5: "stop fluoxetine at least 35 days first; also
    # sertraline running" for a fluoxetine filled once in 2024). Each line leads the detail in
    # that order. The card stays critical whoever leads: a listed drug may still be taken, and
    # no source found says an MAOI may meet it then (the safer reading).
    found = sorted(found, key=lambda c: (c.old.listed, -c.days))
    # A draft re-ordering a course that already runs beside the MAOI pair: the chart's pair,
    # not the order's start (maoi_running.py, s28: no removal that leaves it running).
    running = maoi_running.already_running(ctx, draft, found)
    if running is not None:
        # The drug-to-confirm lines first and an opioid not to be stopped last, as below.
        lines = [*_confirm(found), running.detail, *_keep_running(found)]
        return dataclasses.replace(running, detail="\n\n".join(lines))
    first = found[0]
    # The card's source: each conflict's own cite when one is not the topic's guideline (the
    # FDA methylene blue communication, the Emsam label), with Keks 2016 beside them for the
    # conflicts that do rest on it; none of them: the topic's guideline, as before.
    own = [c.basis for c in found]
    basis = (
        tuple(dict.fromkeys(b or tables.guideline(tables.topic(MAOI).guideline).short for b in own))
        if any(own)
        else ()
    )
    return OrderCheck(
        MAOI,
        draft,
        _with_others(_listed_summary(draft, first) or _maoi_summary(draft, first), found),
        "\n\n".join(
            [
                *_confirm(found),
                *(c.why() for c in found),
                *_keep_running(found),
                *([partners] if partners else []),
            ]
        ),
        basis=basis,
        # A draft re-ordering its running course starts nothing: removing it ends no conflict
        # (a partner only listed, if taken, still meets the course at its old dose).
        removable=draft_changes.continues_running(ctx.record, draft) is None,
    )


def toward_selected(
    ctx: RuleContext, selected: Sequence[DraftOrder], reported: set[frozenset[str]]
) -> list[OrderCheck]:
    """At order-select, the MAOI check of each draft not selected, about the selected drafts
    only: the pair is one whichever of its drafts is selected (review s28 RG finding 1: a
    renewal of the running venlafaxine selected beside an MAOI drafted earlier raised no card,
    since a renewal starts nothing and meets the MAOI only in the MAOI's own check, which sign
    ran and select did not). The card is the MAOI draft's own, as sign shows it (its diet line
    too: maoi_diet.fold_beside_washout), so an answer given at select holds at sign; a pair the
    selected draft's check already reported (on the same order) is not said twice."""
    chosen = {id(d) for d in selected}
    names = {d.ingredient for d in selected}
    found = []
    for draft in ctx.record.draft_orders:
        if id(draft) in chosen:
            continue
        check = maoi_check(ctx, draft, reported, partners=names)
        if check is not None:
            found += [check, *filter(None, [maoi_diet_check(ctx, draft)])]
    return found


def _stops_with_harm(c: washout.Conflict) -> bool:
    """An MAOI ordered while a drug whose stopping has its own harm runs (methadone,
    buprenorphine: WashoutRow.stopping_harm): the card does not ask to stop it first."""
    return c.into_maoi and c.old.running and not c.old.on_order and bool(c.old.row.stopping_harm)


def _keep_running(found: list[washout.Conflict]) -> list[str]:
    """ "**Do not stop buprenorphine for the MAOI:** stopping or quickly lowering an opioid ..." """
    return [
        f"**Do not stop {drug_names.shown(c.old.ingredient)} for the MAOI:** "
        f"{c.old.row.stopping_harm}."
        for c in found
        if _stops_with_harm(c)
    ]


def _confirm(found: list[washout.Conflict]) -> list[str]:
    """The drug-to-confirm line of each record the conflicts read a drug from that is to
    confirm (its code and name give different drugs): services/taken_to_confirm.py."""
    return taken_to_confirm.confirm_lines([(c.old.record, c.old.to_confirm) for c in found])


def _partners_line(ctx: RuleContext, draft: DraftOrder, found: list[washout.Conflict]) -> str:
    """The other drugs running with the MAOI the draft meets, which the draft's own conflicts do
    not name (review 16 second recheck m01: rasagiline and venlafaxine running, sertraline
    drafted, and the card named rasagiline alone). Each says whether the MAOI's label only
    advises against it (not_recommended_with) or contraindicates it. "" when there are none."""
    maois = {c.old.ingredient: c.old for c in found if not c.into_maoi and c.old.running}
    if not maois:
        return ""
    named = {draft.ingredient, *(c.old.ingredient for c in found)}
    running = [e for e in washout.exposures(ctx.record) if e.running and not e.on_order]
    lines = []
    for maoi in maois.values():
        others = [
            e
            for e in running
            if e.ingredient not in named
            and e.ingredient != maoi.ingredient
            # One record read as two drugs (its code and its name disagree: product_conflict)
            # is one drug to confirm, not a pair to stop one of (recheck 18c R2).
            and not e.other_reading(maoi)
            and washout_table.days_needed(maoi.row, e.row) is not None
        ]
        if not others:
            continue
        words = []
        for e in others:
            info = drug_table.drug_info(e.ingredient)
            drug_class = info.drug_class if info is not None else None
            since = e.since()
            verdict = (
                "a pair its label does not recommend"
                if drug_class is not None and drug_class in maoi.row.not_recommended_with
                else "a pair that must not meet: stop one"
            )
            cls = f"{drug_class}, " if drug_class else ""
            words.append(f"{drug_names.shown(e.ingredient)} ({cls}{since}; {verdict})")
        lines.append(
            f"**Also running with {drug_names.shown(maoi.ingredient)}:** "
            + "; ".join(words)
            + f". {drug_names.shown_first(draft.ingredient)} would be added to "
            + " and ".join(
                drug_names.shown(e) for e in (maoi.ingredient, *(o.ingredient for o in others))
            )
            + ": confirm each is meant, and watch for serotonin syndrome."
        )
    return "\n\n".join(lines)


def _not_recommended(c: washout.Conflict, draft: DraftOrder) -> bool:
    """An antidepressant of a class the running MAO-B inhibitor's label does not recommend with
    it (WashoutRow.not_recommended_with), ordered while it runs; never a contraindicated pair."""
    old = c.old
    return (
        not c.into_maoi
        and old.running
        and not old.on_order
        and draft.drug_class in old.row.not_recommended_with
    )


def _watch_check(draft: DraftOrder, found: list[washout.Conflict], partners: str) -> OrderCheck:
    new = drug_names.shown_first(draft.ingredient)
    first = found[0]
    old = drug_names.shown(first.old.ingredient)
    label = washout.kind_label(first.old.row)
    lines = []
    for c in found:
        head = drug_names.shown_first(c.old.ingredient)
        cite = cards.record_cite(c.old.cited, c.old.start is not None)
        lines.append(
            f"**{head} ({label}) → {drug_names.shown(c.new)}**: {drug_names.shown(c.old.ingredient)} "
            f"{c.state()}{cite}: {c.old.row.with_running}. Source: {c.old.row.shown_cite}."
        )
    running = first.old.claim
    return OrderCheck(
        MAOI,
        draft,
        cards.fit_summary(
            f"{new} ordered while {old} ({label}) {running.verb}: not recommended by its label; "
            "watch for serotonin syndrome",
            f"{new} with {old} ({label}) {running.bare}: watch for serotonin syndrome",
        ),
        "\n\n".join([*_confirm(found), *lines, *([partners] if partners else [])]),
        indicator=Indicator.WARNING,
        basis=tuple(dict.fromkeys(c.old.row.shown_cite for c in found)),
    )


def _with_others(lead: tuple[str, ...], found: list[washout.Conflict]) -> str:
    """The lead conflict's summary (its long and short forms) with the other partners named
    when it fits ("...; also sertraline running"); a listed one in full ("fluoxetine listed
    (last supply ended 2024-02-10): confirm it is not taken") when that fits, else "fluoxetine
    listed: confirm it is not taken": the detail says each."""
    full = _others(found[1:], brief=False)
    if not full:
        return cards.fit_summary(*lead)
    brief = _others(found[1:], brief=True)
    # The short lead beside the others only when one is listed: naming it is then the point.
    leads = lead if any(c.old.listed for c in found[1:]) else lead[:1]
    return cards.fit_summary(
        *(f"{summary}; also {others}" for others in (full, brief) for summary in leads), *lead
    )


def _others(found: list[washout.Conflict], *, brief: bool) -> str:
    """ "sertraline running and fluoxetine listed (...): confirm it is not taken"."""
    said = (
        f"{drug_names.shown(c.old.ingredient)} "
        + (c.old.listed_short() if brief and c.old.listed else _state(c))
        for c in found
    )
    return cards.and_list(list(dict.fromkeys(said)))


def _state(c: washout.Conflict) -> str:
    """ "running" ("may be running" for a record to confirm), "on the order", "stopped",
    "listed (last supply ended 2024-02-10): confirm it is not taken"."""
    if c.old.on_order:
        return "on the order"
    if c.old.listed:
        return c.old.listed_brief()
    return c.old.claim.bare if c.old.running else "stopped"


def _listed_summary(draft: DraftOrder, c: washout.Conflict) -> tuple[str, ...] | None:
    """The summary of a card whose every partner is listed (`c` the lead): what keeps it listed
    and "confirm it is not taken", then the washout should it be taken (review s23 RR finding
    5, e1: a PRN sumatriptan filled once in 2024 read "stop sumatriptan at least 14 days
    first"). None for any other lead (the urgent-use and stop-with-harm wording stand)."""
    if not c.old.listed or c.urgent_use or _stops_with_harm(c) or c.earliest_start is not None:
        return None
    new, old = drug_names.shown_first(draft.ingredient), drug_names.shown(c.old.ingredient)
    listed = c.old.listed_brief()
    if_taken = f"({c.days}-day washout if taken)"
    if c.into_maoi:
        label = washout.kind_label(c.new_row)
        head, short = f"{new} ({label}) ordered while {old} is", f"{new} ({label}) with {old}"
        first = f"stop it at least {plural(c.days, 'day')} first"
    else:
        label = washout.kind_label(c.old.row)
        head = f"{new} ordered while {old} ({label}) is"
        short = f"{new} with {old} ({label})"
        first = f"{washout.days_text(c.days)} off {old} first"
    brief = c.old.listed_short()
    return (
        f"{head} {listed}; if taken, {first}",
        f"{head} {listed} {if_taken}",
        f"{short} {listed} {if_taken}",
        f"{head} {brief} {if_taken}",
        f"{short} {brief} {if_taken}",
    )


def _maoi_summary(draft: DraftOrder, c: washout.Conflict) -> tuple[str, str]:
    # The display name: "St John's wort", never "st john's wort" (review 14 recheck t04).
    new, old = drug_names.shown_first(draft.ingredient), drug_names.shown(c.old.ingredient)
    off = c.days_off()  # "at least 6 days" for a past course of unknown dates
    start = c.earliest_start
    # "is running", or "may be running" when only a record to confirm says so (fix 19a).
    running = c.old.claim
    # A running course this order re-orders (Exposure.reordered): "is running (lowered to 100
    # mg/day on this order)", never read as a start on the same order (review s27 K1 recheck 1).
    verb = f"{running.verb} ({c.old.reordered})" if c.old.reordered else running.verb
    if c.urgent_use:
        # Linezolid / IV methylene blue: never "wait weeks" for an antibiotic (review finding
        # 6); the FDA advice (give it if urgent, stop the other drug, monitor) is in the detail.
        state = (
            "on the same order"
            if c.old.on_order
            else (running.bare if start is None else f"stopped {off} ago")
        )
        # The detail's steps, in the short form too (review 20 RB finding 7: "give it and
        # monitor" left out the stop of the other drug); one on the same order is held, one
        # already stopped needs no step.
        give = f"give {drug_names.shown(draft.ingredient)}, monitor"
        if c.old.on_order:
            steps = f"hold {old}, {give}"
        elif start is None:
            steps = f"stop {old}, {give}"
        else:
            steps = give
        return (
            f"{new} (acts as an MAOI) with {old} {state}: if urgent {steps} "
            f"({c.risk_short}); else an alternative",
            f"{new} with {old} {state}: if urgent {steps}; else an alternative",
        )
    if start is not None and c.old.supply_end is not None and c.old.end is not None:
        # Review s20 r3 finding 1: the old drug's order was recorded stopped after its supply
        # ran out; the washout counts from that day, the latest the drug may have been taken.
        label = washout.kind_label(c.new_row if c.into_maoi else c.old.row)
        new_kind, old_kind = (f" ({label})", "") if c.into_maoi else ("", f" ({label})")
        stop = c.old.end.isoformat()
        return (
            f"{new}{new_kind}: {old}{old_kind} order stopped on or before {stop}, last dose not "
            f"recorded: not before {start.isoformat()} unless confirmed earlier",
            f"{new}{new_kind}: not before {start.isoformat()} ({old} stopped on or before {stop}; "
            "confirm the last dose)",
        )
    if start is not None and (c.tapered or c.starts is not None):
        # A dated switch (review s20 RB 1): the new drug's written start, how it stands to the
        # old drug's last dose, and the first safe day, never "on the same order" alone.
        label = washout.kind_label(c.new_row if c.into_maoi else c.old.row)
        kind = f" ({label})" if c.into_maoi else ""
        after = f"{old}'s last dose" if c.tapered else f"{old} stopped"
        return (
            f"{new}{kind} starts {c.first_day.isoformat()}, {c.gap_text()} {after}: not before "
            f"{start.isoformat()} ({c.days}-day washout)",
            f"{new}{kind}: not before {start.isoformat()} ({washout.days_text(c.days)} after {old})",
        )
    if c.old.on_order:
        return (
            f"{new} and {old} on the same order: {c.maoi} is an MAOI, {c.risk_short}",
            f"{new} and {old} on one order: MAOI combination",
        )
    if c.into_maoi:
        label = washout.kind_label(c.new_row)
        if start is None and _stops_with_harm(c):
            return (
                f"{new} ({label}) ordered while {old} {running.verb}: not to be combined; prefer "
                f"another antidepressant to stopping {old}",
                f"{new} ({label}) with {old} {running.bare}: not to be combined; do not stop "
                f"{old} for it",
            )
        if start is None:
            return (
                f"{new} ({label}) ordered while {old} {verb}: stop {old} at least "
                f"{plural(c.days, 'day')} first",
                f"{new} ({label}) with {old} {running.bare}: {c.days}-day washout needed",
            )
        return (
            f"{new} ({label}) ordered {off} after {old} stopped: not before "
            f"{start.isoformat()} ({c.days}-day washout)",
            f"{new} ({label}): not before {start.isoformat()} ({washout.days_text(c.days)} after {old})",
        )
    label = washout.kind_label(c.old.row)
    if start is None:
        return (
            f"{new} ordered while {old} ({label}) {verb}: {c.risk_short}; "
            f"{washout.days_text(c.days)} off {old} first",
            f"{new} with {old} ({label}) {running.bare}: {c.days}-day washout needed",
        )
    return (
        f"{new} ordered {off} after {old} ({label}) stopped: not before "
        f"{start.isoformat()} ({c.days}-day washout)",
        f"{new}: not before {start.isoformat()} ({washout.days_text(c.days)} after {old}, {label})",
    )
