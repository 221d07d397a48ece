"""From when a chart's fill feed shows it was carrying the pathway's fills (fix span73, session
42 note).

span70 (feed_unfilled.py) reads an order no fill shows taken as never filled ("not shown taken:
confirm whether it was taken", no trial) once the chart's feed carries fills of any pathway drug.
Real feeds are often partial: Epic's dispense history starts when the health system's pharmacy
joined, Surescripts' fill history covers about one to two years. An order written before the
feed's first fill is no order the feed shows unfilled: sertraline 100 mg, stopped, 2026-01-05 to
2026-06-20, with venlafaxine's fills on record only from 2026-07-31, was "not shown taken" and a
real trial was lost (TMS withheld). So span70's reading applies to an order only where the feed
shows a pathway drug's fill dated ON OR BEFORE the order's day (episodes.build_trials); an order
before it is read as an orders-only chart reads it (the order being all the record has for that
time), and the cards say why (`before_feed`: Trial.fills_from, "no fill of it on record; the
fills on record start 2026-07-31: confirm it was taken").

No window after the order's day (a DESIGN CHOICE, the span73 brief's open question): the order's
own fill would come on or after its day, and a feed whose first record comes after it does not
show it was running then; a window would be a guess at when the feed joined. The orders-only
reading claims no more than the order's stated or authorised supply and asks to confirm it was
taken. A declined, cancelled or stopped dispense of the order (or of its drug on or after it:
unfilled_order.refused_fills) shows the feed carried that very order (`refused_of`): span70's
reading stays, whatever its date (an escitalopram order whose fill was declined).

unfilled_order.py's older rule for an `active` order stating its supply (orders33-36: "never
filled or renewed", Trial.feed_unfilled) takes the same test (fix span74, `on_feed` per order,
`covers` per course): it read ANY dispense (a lisinopril fill) as the feed, whatever its date
(sertraline active 2026-03-01, 30 days x 3, venlafaxine's fills from 2026-07-31: "never filled
or renewed", no trial, TMS withheld). An order the test leaves out is read as on an orders-only
chart, in its words ("no fill on record", the TMS card naming the fills' start): orders34 p8
(venlafaxine ordered 2024-10, lisinopril fills from 2025-05) and a chart whose only dispense is a
cancelled lisinopril one are orders-only readings, no "refill gaps" claimed of a feed that did
not carry the drug then. A lisinopril feed says nothing of an antidepressant (f3e13878).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.trial import Trial
from fhir_mapping.trial_parts import Role
from fhir_mapping.unfilled_order import RefusedFill, dispense_day, order_only, refusal

_DISPENSE = EventKind.DISPENSE
_DISPENSE_TYPE = "MedicationDispense"
_VOID = "entered-in-error"  # as unfilled_order.fill_feed: the one status that is no record


def pathway_start(usable: Sequence[MedicationEvent]) -> date | None:
    """The first fill of a pathway drug among the usable events (rule 1: completed, by as-of),
    span70's feed (episodes.build_trials: a drug read only as an interaction partner is not one);
    None when there is none."""
    return min(
        (e.start for e in usable if e.kind is _DISPENSE and e.role is not Role.INTERACTING),
        default=None,
    )


def feed_start(
    usable: Sequence[MedicationEvent], resources: Iterable[Mapping[str, Any]], as_of: date
) -> date | None:
    """The first dispense of any drug on record by as-of (unfilled_order.fill_feed's feed: any
    status but entered-in-error), the usable events' or the resources'; None when only undated
    dispenses show the feed (its start unknown: read as covering every order, as before)."""
    days = [e.start for e in usable if e.kind is _DISPENSE]
    for resource in resources:
        if resource.get("resourceType") == _DISPENSE_TYPE and resource.get("status") != _VOID:
            day = dispense_day(resource)
            if day is not None and day <= as_of:
                days.append(day)
    return min(days, default=None)


def before_feed(pathway_from: date | None, feed_from: date | None) -> Callable[[Trial], str]:
    """What Trial.fills_from says of an order-only course, none of its orders filled, that
    started before the feed's first pathway fill (`pathway_from`), read as on an orders-only chart
    (module docstring): "the fills on record start 2026-07-31", or, other drugs' fills (`feed_from`)
    starting earlier, "the antidepressant and adjunct fills on record start 2026-07-31"; ""."""

    def words(trial: Trial) -> str:
        if pathway_from is None or trial.start >= pathway_from or trial.adherence.fills:
            return ""
        if not order_only(trial):
            return ""
        which = (
            "" if feed_from is None or feed_from >= pathway_from else "antidepressant and adjunct "
        )
        return f"the {which}fills on record start {pathway_from.isoformat()}"

    return words


def refused_of(event: MedicationEvent, refused: Sequence[RefusedFill]) -> bool:
    """Whether a refused dispense names `event` (an order) or is of its drug on or after its day
    (unfilled_order.refusal's test for a course): the feed carried this order (module docstring)."""
    return any(
        r.order == event.source.id
        or (event.ingredient in r.ingredients and r.day is not None and r.day >= event.start)
        for r in refused
    )


def on_feed(
    event: MedicationEvent, pathway_from: date | None, refused: Sequence[RefusedFill]
) -> bool:
    """Whether the chart's fill feed shows `event` (an order) filled or not (module docstring):
    a pathway drug's fill on or before its day, or a refused dispense of it (`refused_of`)."""
    if pathway_from is not None and pathway_from <= event.start:
        return True
    return bool(refused) and refused_of(event, refused)


def covers(pathway_from: date | None, refused: Sequence[RefusedFill]) -> Callable[[Trial], bool]:
    """`on_feed` of a course (unfilled_order.mark_unfilled, fix span74): a course with a fill or
    not made of orders alone is judged as before; an order-only one by its start (the day
    `before_feed` dates it by) or a refused dispense of it (unfilled_order.refusal)."""

    def test(trial: Trial) -> bool:
        if trial.adherence.fills or not order_only(trial):
            return True
        if pathway_from is not None and trial.start >= pathway_from:
            return True
        return bool(refusal(trial, refused))

    return test
