"""The MAOI check: an MAOI meeting a serotonergic or noradrenergic antidepressant, either way
round, running, within its washout or on the same order (services/washout.py); the card
summary for each shape of conflict is maoi_summary.py's (linezolid: never "wait weeks", review
finding 6)."""

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
from services.order_checks import maoi_held, maoi_mixed, maoi_running, maoi_summary
from services.order_checks.maoi_diet import maoi_diet_check
from services.order_checks.med_list_unread import orders_unread_check
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
        # No partner in the data read: with the orders unread, that proves nothing (review K65a
        # finding 2: med_list_unread.py). Only for the whole check, not `toward_selected`'s.
        return orders_unread_check(ctx, draft) if partners is None else None
    if all(maoi_held.past_washout(c) for c in found):
        return maoi_held.held_check(draft, found)  # only if the held drug is resumed
    # A running MAO-B inhibitor whose label only advises against this class (rasagiline with an
    # SSRI, audit 16 f01; safinamide with an SSRI, review 16 second recheck W1): a warning that
    # says what to watch, not a washout. The other drugs running with it are named too (m01).
    watched = [c for c in found if _not_recommended(c, draft)]
    partners, beside = _partners_line(ctx, draft, found)
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
    # Linezolid beside several partners: each named in the lead itself (maoi_summary.
    # urgent_summary).
    urgent = maoi_summary.urgent_summary(draft, found)
    # Drugs stopped within their washout beside drugs still running: each named, with its stop
    # day and days left or its dose (maoi_mixed.py, review K34), none left to "also".
    named = urgent or maoi_mixed.mixed_summary(ctx.record, draft, found)
    return OrderCheck(
        MAOI,
        draft,
        _with_others(
            named
            or maoi_summary.listed_summary(draft, first)
            or maoi_summary.maoi_summary(draft, first),
            found[:1] if named else found,
            beside,
        ),
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


def _keep_running(found: list[washout.Conflict]) -> list[str]:
    """ "**Do not stop buprenorphine for the MAOI:** stopping or quickly lowering an opioid ..." """
    return [
        f"**Do not stop {drug_names.shown(c.old.ingredient)} for the MAOI:** "
        f"{c.old.row.stopping_harm}."
        for c in found
        if maoi_summary.stops_with_harm(c)
    ]


def _confirm(found: list[washout.Conflict]) -> list[str]:
    """The drug-to-confirm line of each record the conflicts read a drug from that is to
    confirm (its code and name give different drugs): services/taken_to_confirm.py."""
    return taken_to_confirm.confirm_lines([(c.old.record, c.old.to_confirm) for c in found])


def _partners_line(
    ctx: RuleContext, draft: DraftOrder, found: list[washout.Conflict]
) -> tuple[str, list[str]]:
    """The other drugs running with the MAOI the draft meets, which the draft's own conflicts do
    not name (review 16 second recheck m01: rasagiline and venlafaxine running, sertraline
    drafted, and the card named rasagiline alone). Each says whether the MAOI's label only
    advises against it (not_recommended_with) or contraindicates it. ("", []) when there are
    none; else the line and the drugs' names, which the summary names after its lead ("...;
    sertraline also running beside it": recheck K8 s28 finding 2)."""
    maois = {c.old.ingredient: c.old for c in found if not c.into_maoi and c.old.running}
    if not maois:
        return "", []
    names: list[str] = []
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
            # The summary names them beside an MAOI the record shows taken; beside one only
            # listed, its listing keeps the room (recheck18a d01), the detail names them.
            if not maoi.listed:
                names.append(drug_names.shown(e.ingredient))
        lines.append(
            f"**Also running with {drug_names.shown(maoi.ingredient)}:** "
            + "; ".join(words)
            + f". {drug_names.shown_first(draft.ingredient)} would be added to "
            + " and ".join(
                drug_names.shown(e) for e in (maoi.ingredient, *(o.ingredient for o in others))
            )
            + ": confirm each is meant, and watch for serotonin syndrome."
        )
    return "\n\n".join(lines), list(dict.fromkeys(names))


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


def _with_others(
    lead: tuple[str, ...], found: list[washout.Conflict], beside: Sequence[str] = ()
) -> str:
    """The lead conflict's summary (its long and short forms) with the other partners named
    when it fits ("...; also sertraline running"); a listed one in full ("fluoxetine listed
    (last supply ended 2024-02-10): confirm it is not taken") when that fits, else "fluoxetine
    listed: confirm it is not taken": the detail says each. `beside`: the other drugs running
    with the MAOI (`_partners_line`), named last when it fits ("Bupropion ordered while
    phenelzine (MAOI) is running: ...; sertraline also running beside it": recheck K8 s28
    finding 2, where the order lowered sertraline and started bupropion)."""
    full = _others(found[1:], brief=False)
    if not full:
        forms = list(lead)
    else:
        brief = _others(found[1:], brief=True)
        # The short lead beside the others only when one is listed or is an MAOI itself (an
        # MAOI beside an MAOI or linezolid, recheck K8 s28 v20, v24: tranylcypromine ordered
        # with sertraline and phenelzine running named sertraline only): naming it is then
        # the point.
        leads = lead if any(c.old.listed or c.old.row.is_maoi for c in found[1:]) else lead[:1]
        forms = [
            *(f"{summary}; also {others}" for others in (full, brief) for summary in leads),
            *lead,
        ]
    if beside:
        also = f"{cards.and_list(list(beside))} also running beside it"
        forms = [*(f"{form}; {also}" for form in forms), *forms]
    return cards.fit_summary(*forms)


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
