"""Where a drug a start would meet stands, as the end of a card's sentence about it: "is running
(since 2024-01-08)", "was last taken on 2024-05-13 as recorded (20 days ago)", "is stopped on this
same order". Apart from washout.py (the conflicts and the rest of their wording), whose
Conflict.state reads it.
"""

from __future__ import annotations

from datetime import date

from fhir_mapping.course_end_basis import EndFrom, EndKind
from services import drug_names
from services.card_format import plural
from services.washout_exposures import Exposure


def old_state(old: Exposure, new: str, as_of: date) -> str:
    """Where the old drug stands, as the end of a sentence about it: "is running (since
    2024-01-08)", "was last taken on 2024-05-13 as recorded (20 days ago)"."""
    if old.held and old.end is not None:
        # On hold (DraftTiming.held): a pause, which the order expects to end (review s27
        # K1 recheck finding 2); the pair's washout counts from today as for a stop.
        return (
            f"is on hold on this same order (last dose {old.end.isoformat()} at the latest; "
            f"not to be resumed with {drug_names.shown(new)})"
        )
    if old.halted and old.end is not None:
        return f"is stopped on this same order (last dose {old.end.isoformat()} at the latest)"
    if old.on_order and old.end is not None:  # Conflict.tapered: a taper on this same order
        return f"is tapered to a stop on this same order (last dose {old.end.isoformat()})"
    if old.on_order:
        return "is on this same order"
    if old.running and (listing := old.listing()):
        return f"{old.claim.verb} ({listing}; confirm whether it is taken)"
    if old.running:
        claim = old.claim  # "may be running (since 2025-01-06; no supply since 2025-06-05)"
        # "is running (start not recorded; listed 2026-11-25)" for a course known only from
        # a listing (Exposure.since; review s23 RR finding 4).
        # An order awaiting its fill names its day in its verb (review s23 RR2 finding 6).
        since = old.start and old.awaiting_fill is None and old.since()
        # A draft of this order re-orders it (Exposure.reordered, review s27 K1 recheck 1):
        # "is running (since 2026-06-01; lowered to 100 mg/day on this order)".
        said = "; ".join(w for w in (since, claim.why, old.reordered) if w)
        if old.on_hold and since:
            return _held_state(old.on_hold, said)
        return f"{claim.verb} ({said})" if said else claim.verb
    assert old.end is not None
    ago = (as_of - old.end).days
    if old.ended_by:
        # Rule 2e of fhir_mapping/episodes.py: no day of it is on record; the interval is
        # counted from the day the record says it had ended by.
        return (
            f"was taken before {old.end.isoformat()} (dates not recorded; counted from that "
            f"day, {plural(ago, 'day')} ago)"
        )
    if old.end_not_recorded:
        # Review s20 r4 finding 3: the end is only the day the order's stop was recorded by
        # (its meta.lastUpdated, or as-of when it gives none), not a recorded last dose.
        return (
            f"was stopped on or before {old.end.isoformat()} (last dose not recorded; "
            f"{_ago_text(ago)})"
        )
    if old.supply_end is not None:
        # Review s20 r3 finding 1: the order stood after its supply on record ran out; the
        # interval is counted from the day its stop was recorded by, the latest the drug may
        # have been taken (fill elsewhere, tablets at home), not from the supply's end.
        return (
            f"is covered on record to {old.supply_end.isoformat()}, but its order was "
            f"stopped only on or before {old.end.isoformat()} ({_ago_text(ago)}): the last "
            "dose is not recorded and may have been as late as that day"
        )
    if old.end_from is not None:
        # Review K58a finding 5: the end is worked out from a record (the last fill's supply),
        # no dose was recorded that day: the card names the record, never "as recorded".
        return _worked_out(old.end_from, ago)
    return f"was last taken on {old.end.isoformat()} as recorded ({plural(ago, 'day')} ago)"


def _ago_text(days: int) -> str:
    """ "11 days ago"; "as of today" when the day the stop is bounded by is today (recorded
    today, or no day recorded at all: as-of), never "0 days ago" (session 30 orders31 item 3)."""
    return "as of today" if days == 0 else f"{plural(days, 'day')} ago"


def _held_state(on_hold: str, said: str) -> str:
    """A course on hold with its dates: "is on hold (course since 2026-07-05), hold date not
    recorded". The course's start beside the hold's own words, never after them: "is on hold,
    hold date not recorded (since 2026-07-05)" read as on hold since its order's day (recheck
    K17 s29 finding 5)."""
    head, _, tail = on_hold.partition(", ")
    return f"is {head} (course {said})" + (f", {tail}" if tail else "")


def _worked_out(end: EndFrom, ago: int) -> str:
    """ "was last filled on 2026-10-01 for 30 days, a supply that ran to 2026-10-31 (31 days
    ago; last dose not recorded)"; an order's days ("was last ordered on 2026-10-01 for 30 days,
    counted to ..."), or those counted for an order or a statement stating no duration ("no
    duration stated: 30 days counted, to ..."), likewise: only a fill is a supply handed over."""
    days = plural(end.days, "day")
    to = end.until.isoformat()
    if end.assumed:
        how = f", no duration stated: {days} counted, to {to}"
    elif end.kind is EndKind.FILL:
        how = f" for {days}, a supply that ran to {to}"
    else:
        how = f" for {days}, counted to {to}"
    what = _END_WORDS[end.kind]
    return f"was {what} {end.day.isoformat()}{how} ({_ago_text(ago)}; last dose not recorded)"


_END_WORDS = {
    EndKind.FILL: "last filled on",
    EndKind.ORDER: "last ordered on",
    EndKind.STATEMENT: "recorded taken from",
}


def stop_said(old: Exposure, name: str, when: str = "") -> str:
    """The old drug's stop as a summary counts from it, on the same basis as `old_state`:
    "fluoxetine stopped" for a recorded stop (or one the summary bounds otherwise), but "the
    last fill of fluoxetine ran out" (now "fluoxetine supply ran out") when the end is worked out from a fill's supply (fix meds54:
    wash65 named the fill in the detail while the summary still said "31 days after fluoxetine
    stopped", a stop nothing records); "the end counted for the last order of fluoxetine" when
    it is an order's (or a statement's) counted days. `name` is the drug as the summary shows
    it, with its label when the summary gives one ("fluoxetine (SSRI)"). `when` ("2026-10-31",
    "31 days ago") says when, in the same one rule (fix wash66: the MAOI combination cards said
    "fluoxetine stopped 2026-10-31" of a fill's supply end): "fluoxetine stopped 2026-10-31",
    "the last fill of fluoxetine ran out 2026-10-31", "the end counted for the last order of
    fluoxetine was 2026-10-31"."""
    at = f" {when}" if when else ""
    end = old.end_from
    if stop_recorded(old) or end is None:
        return f"{name} stopped{at}"
    if end.kind is EndKind.FILL and not end.assumed:
        # "supply ran out", not "the last fill of X ran out": the shorter words leave room in a
        # 140-character summary for its action ("confirm what is taken, watch for signs").
        return f"{name} supply ran out{at}"
    # A noun, not a clause: its day needs a verb ("... of fluoxetine was 2026-10-31").
    return f"the end counted for the {_COUNTED_ON[end.kind]} of {name}" + (
        f" was {when}" if when else ""
    )


def stop_recorded(old: Exposure) -> bool:
    """Whether `stop_said` says "stopped" of `old`: a recorded stop (or one bounded otherwise),
    not an end worked out from a fill's supply or counted for an order (fix maoi56: the cards
    that keep their own words for a recorded stop ask this, so the other ends read alike)."""
    return bool(
        old.end_from is None or old.ended_by or old.end_not_recorded or old.supply_end is not None
    )


# The record a summary's counted end rests on (`stop_said`): only a fill is a supply handed over.
_COUNTED_ON = {
    EndKind.FILL: "last fill",
    EndKind.ORDER: "last order",
    EndKind.STATEMENT: "statement",
}
