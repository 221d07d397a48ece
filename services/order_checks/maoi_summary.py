"""The MAOI check's summary for each shape of conflict (order_checks/maoi.py): a partner only
listed, linezolid or IV methylene blue (never "wait weeks", review finding 6), a recorded stop
after the supply, a dated switch, the same order, either way round. Apart from maoi.py to keep
it under 400 lines (session 28): the words, not which conflicts the card is about.
"""

from __future__ import annotations

from fhir_mapping.record import DraftOrder
from services import drug_names, washout
from services.card_format import and_list, plural
from services.washout_state import stop_recorded, stop_said


def stops_with_harm(c: washout.Conflict) -> bool:
    """An MAOI ordered while a drug whose stopping has its own harm runs (methadone,
    buprenorphine: WashoutRow.stopping_harm): the card does not ask to stop it first."""
    return c.into_maoi and c.old.running and not c.old.on_order and bool(c.old.row.stopping_harm)


def listed_summary(draft: DraftOrder, c: washout.Conflict) -> tuple[str, ...] | None:
    """The summary of a card whose every partner is listed (`c` the lead): what keeps it listed
    and "confirm it is not taken", then the washout should it be taken (review s23 RR finding
    5, e1: a PRN sumatriptan filled once in 2024 read "stop sumatriptan at least 14 days
    first"). None for any other lead (the urgent-use and stop-with-harm wording stand)."""
    if not c.old.listed or c.urgent_use or stops_with_harm(c) or c.earliest_start is not None:
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


def maoi_summary(draft: DraftOrder, c: washout.Conflict) -> tuple[str, ...]:
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
        if start is not None and not c.old.on_order:
            return _urgent_after_stop(draft, c)
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
        after = f"{old}'s last dose" if c.tapered else stop_said(c.old, old)
        return (
            f"{new}{kind} starts {c.first_day.isoformat()}, {c.gap_text()} {after}: not before "
            f"{start.isoformat()} ({c.days}-day washout)",
            f"{new}{kind}: not before {start.isoformat()} ({washout.days_text(c.days)} after {old})",
        )
    if start is not None and (unrecorded := _stop_not_recorded(draft, c)):
        return unrecorded
    if c.old.on_order:
        return (
            f"{new} and {old} on the same order: {c.maoi} is an MAOI, {c.risk_short}",
            f"{new} and {old} on one order: MAOI combination",
        )
    if c.into_maoi:
        label = washout.kind_label(c.new_row)
        if start is None and stops_with_harm(c):
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
            f"{new} ({label}) ordered {off} after {stop_said(c.old, old)}: not before "
            f"{start.isoformat()} ({c.days}-day washout)",
            f"{new} ({label}): not before {start.isoformat()} ({washout.days_text(c.days)} after {old})",
        )
    label = washout.kind_label(c.old.row)
    if start is None:
        # Between the two, the long form without its risk: room for what the summary adds
        # after it ("; sertraline also running beside it", `_with_others`) with the days kept.
        return (
            f"{new} ordered while {old} ({label}) {verb}: {c.risk_short}; "
            f"{washout.days_text(c.days)} off {old} first",
            f"{new} ordered while {old} ({label}) {verb}: "
            f"{washout.days_text(c.days)} off {old} first",
            f"{new} with {old} ({label}) {running.bare}: {c.days}-day washout needed",
        )
    return (
        f"{new} ordered {off} after {stop_said(c.old, f'{old} ({label})')}: not before "
        f"{start.isoformat()} ({c.days}-day washout)",
        f"{new}: not before {start.isoformat()} ({washout.days_text(c.days)} after {old}, {label})",
    )


def _urgent_after_stop(draft: DraftOrder, c: washout.Conflict) -> tuple[str, ...]:
    """Linezolid or IV methylene blue drafted within a stopped partner's washout: the stop as
    the record has it and how long to monitor, the table's days and what they count from
    (session 30 orders31 item 3: "Linezolid with sertraline stopped at least 11 days ago: if
    urgent give linezolid, monitor" named no washout, and "stopped at least 0 days ago" for an
    order recorded stopped today, its last dose not recorded). Days, never the washout's last
    day: a date beside an antibiotic reads as a wait (review finding 6)."""
    new, old = drug_names.shown_first(draft.ingredient), drug_names.shown(c.old.ingredient)
    lin = drug_names.shown(draft.ingredient)
    assert c.old.end is not None  # a conflict with a first safe day has an end
    end = c.old.end.isoformat()
    if c.old.ended_by:
        # Known only taken before a day (Exposure.ended_by): no stop day at all.
        said, since = f"taken before {end}", "from then"
    elif c.old.supply_end is not None or c.old.end_not_recorded:
        # Its order recorded stopped by a day, the last dose not recorded (may be that day).
        said, since = f"stopped on or before {end}", "from then"
    else:
        said, since = f"stopped {c.days_off()} ago", "after its last dose"
    head, after = f"{old} {said}", f"{new} with"
    if not stop_recorded(c.old):
        # What the stop rests on, as washout_state.stop_said words it (fix maoi56, as wash66
        # did for the other MAOI cards): "sertraline supply ran out 11 days ago", "the end
        # counted for the last order of sertraline was 11 days ago", never "stopped" of a
        # stop nothing records; a noun phrase then follows a colon, not "with".
        head = stop_said(c.old, old, f"{c.days_off()} ago")
        after = f"{new}:" if head.startswith("the end") else after
    watch = f"monitor up to {c.days} days {since}"
    alt = "else an alternative"
    return (
        f"{after} {head}: if urgent give {lin}, {watch}; {alt}",
        f"{after} {head}: if urgent give it, {watch}; {alt}",
        f"{new}: {head}: if urgent give it, {watch}; {alt}",
        f"{new}: {head}: if urgent give it, monitor {c.days} days; {alt}",
    )


def _stop_not_recorded(draft: DraftOrder, c: washout.Conflict) -> tuple[str, ...]:
    """A past partner whose stop date is not recorded, only a day it had stopped by (its
    order's recorded stop, Exposure.end_not_recorded; a course only known taken before a day,
    Exposure.ended_by): said so, with the washout from its last dose and the first safe day.
    "ordered at least 3 days after sertraline stopped" gave a count with no day to count from
    (session 29 orders30 item 3). () for any other conflict."""
    old_exp = c.old
    if old_exp.end is None or not (old_exp.end_not_recorded or old_exp.ended_by):
        return ()
    new, old = drug_names.shown_first(draft.ingredient), drug_names.shown(old_exp.ingredient)
    label = washout.kind_label(c.new_row if c.into_maoi else c.old.row)
    new_kind, old_kind = (f" ({label})", "") if c.into_maoi else ("", f" ({label})")
    assert c.earliest_start is not None
    start, end = c.earliest_start.isoformat(), old_exp.end.isoformat()
    bound = f"taken before {end}" if old_exp.ended_by else f"stopped by {end}"
    after = f"{washout.days_text(c.days)} after its last dose"
    return (
        f"{new}{new_kind}: {old}{old_kind} stop date not recorded ({bound}): not before "
        f"{start}, {after}",
        f"{new}{new_kind}: {old} stop date not recorded: not before {start}, {after}",
        f"{new}{new_kind}: not before {start} ({c.days}-day washout; {old} stop date not recorded)",
    )


def urgent_summary(draft: DraftOrder, found: list[washout.Conflict]) -> tuple[str, ...]:
    """Linezolid or IV methylene blue drafted beside two partners or more the record shows
    taken (none only listed): each named with its state and its step, the shortest form naming
    them still ("Linezolid with sertraline and venlafaxine running: if urgent stop sertraline and
    venlafaxine, give linezolid, monitor; else an alternative"). Session 29 orders30 item 4: the
    summary named sertraline alone, venlafaxine only in the detail, so its stop and its washout
    were not on the card's face. () unless every conflict is such a one (`maoi_summary` then)."""
    if len(found) < 2 or not all(c.urgent_use and not c.old.listed for c in found):
        return ()
    by_state: dict[str, list[str]] = {}
    stop, hold = [], []
    for c in found:
        name = drug_names.shown(c.old.ingredient)
        if c.old.on_order:
            state = "on the same order"
            hold.append(name)
        elif c.earliest_start is None:
            state = c.old.claim.bare
            stop.append(name)
        elif c.old.end is not None and (
            c.old.ended_by or c.old.supply_end is not None or c.old.end_not_recorded
        ):
            # Only a day it had stopped by (session 30 orders31 item 3): that day, never
            # "stopped at least 0 days ago".
            state = f"stopped on or before {c.old.end.isoformat()}"
        else:
            # What the stop rests on, as stop_said words it (fix maoi56): the names take the
            # place of _NAMES ("sertraline and venlafaxine supply ran out 11 days ago").
            state = stop_said(c.old, _NAMES, f"{c.days_off()} ago")
        by_state.setdefault(state if _NAMES in state else f"{_NAMES} {state}", []).append(name)
    said = and_list([state.replace(_NAMES, and_list(names)) for state, names in by_state.items()])
    names = and_list([drug_names.shown(c.old.ingredient) for c in found])
    give = f"give {drug_names.shown(draft.ingredient)}, monitor"
    steps = "; ".join(
        part
        for part in (
            f"stop {and_list(stop)}" if stop else "",
            f"hold {and_list(hold)}" if hold else "",
        )
        if part
    )
    steps = f"{steps}, {give}" if steps else give
    new = drug_names.shown_first(draft.ingredient)
    risk = found[0].risk_short
    # Each partner's washout bounds the monitoring the detail asks after it (up to its washout
    # after its last dose, or 24 hours after linezolid): "monitor up to 14 days", or "monitor up
    # to 35 days (fluoxetine), 14 (sertraline)" when they differ; the longest alone if not.
    days = sorted({c.days for c in found}, reverse=True)
    per = [
        f"{d} ({and_list([drug_names.shown(c.old.ingredient) for c in found if c.days == d])})"
        for d in days
    ]
    longest = f"monitor up to {washout.days_text(days[0])}"
    each = f"monitor up to {per[0].replace(' (', ' days (', 1)}, {', '.join(per[1:])}"
    watches = (longest,) if len(days) == 1 else (each, longest)
    both = "both" if len(found) == 2 else "them"
    # "stop both" when one step is every partner's; else each named with its step.
    short = next(
        (
            f"{verb} {both}"
            for verb, who in (("stop", stop), ("hold", hold))
            if len(who) == len(found)
        ),
        steps.removesuffix(give).removesuffix(", "),
    )
    lead = f"if urgent {short + ', ' if short else ''}give {drug_names.shown(draft.ingredient)}"
    alt = "else an alternative"
    # Every partner to be stopped or held: the step names each, so the lead need not, and the
    # room goes to each one's washout (session 30 orders31 item 4: fluoxetine and sertraline
    # read "monitor up to 35 days", sertraline's 14 on the detail only).
    named = steps.removesuffix(give).removesuffix(", ")
    own = f"{new}: if urgent {named}, give" if len(stop) + len(hold) == len(found) else ""
    each_own = (
        (f"{own} {drug_names.shown(draft.ingredient)}, {each}; {alt}", f"{own} it, {each}; {alt}")
        if own and len(days) > 1
        else ()
    )
    return (
        *(
            f"{new} with {said}: if urgent {steps.replace('monitor', w)}; {alt}"
            for w in watches[:1]
        ),
        *(f"{new} with {who}: {lead}, {watches[0]}; {alt}" for who in (said, names)),
        *each_own,
        *(
            f"{new} with {said}: if urgent {steps.replace('monitor', w)}; {alt}"
            for w in watches[1:]
        ),
        *(f"{new} with {who}: {lead}, {w}; {alt}" for w in watches[1:] for who in (said, names)),
        f"{new} (acts as an MAOI) with {said}: if urgent {steps} ({risk}); {alt}",
        f"{new} with {said}: if urgent {steps}; {alt}",
        f"{new} with {names}: if urgent {steps}; {alt}",
        f"{new} with {names}: {lead}, monitor; {alt}",
    )


# Where urgent_summary puts the partners sharing one state (a character no drug name holds).
_NAMES = "\x00"
