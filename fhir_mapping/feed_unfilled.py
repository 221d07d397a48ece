"""Which orders a chart's fill feed shows never filled, whatever their status or stated end
(fix span70, review K69a findings 1 and 2).

unfilled_order.py lists an `active` order stating its supply and no stated end, no fill of which
the feed carries, after one fill's time (orders35/36): never judged a trial. Two holes stayed
open, both on charts whose feed carries other drugs' fills (venlafaxine, lithium):
- an order with a stated end (dosage boundsPeriod.end, Epic's "for 90 days") returned at rule 2a
  before that check: sertraline 100 mg, active, bounds 04-10..07-09, never dispensed, read
  "12.9 weeks at an adequate dose", TMS "Met, to confirm" (x04_active_bounds90_nofill); stopped
  or completed with bounds to 07-31: 16 weeks, "2 adequate trials failed", TMS "Met";
- a `stopped` or `completed` order stating no end had its authorised refills "bridge" the time
  up to the next antidepressant's order: 30 days x 4, never filled, 16 weeks adequate, failed.
Now an open order with a stated end takes the open orders' reading (the stated end is one more
bound on its authorised supply), and a closed one is never judged a trial: `closed_unfilled`
names why (MedicationEvent.not_shown_taken), so a course of such orders only reads "not shown
taken: confirm whether it was taken" (course_events._not_shown_taken), as an order on hold never
filled does. The safer reading: a drug the record never shows dispensed is no failed trial toward
TMS. The closed order keeps the span it had (span71: its stated end, its refills up to the next
record): that is the time it may have been taken, which the washout and interaction checks read
(89545bb9 cut it to one fill, and a phenelzine order stopped 10 days ago, never filled, lost the
14-day washout card at a sertraline order: maoi56). A course with any fill or statement of the
drug is judged as before (course_events._not_shown_taken needs every record an unshown order).
A closed order with no stated end is marked only where its refills would bridge it to the next
record; one ended by its recorded stop (rule 2g) keeps "duration to confirm" (s20, s21 RR).

Only where the chart HAS a fill feed (unfilled_order.fill_feed): a chart sending orders only
reads as before, the order being all the record has. Only an order a pharmacy fills for home, of
a drug taken daily, with no adherence documented on it (unfilled_order.authorised_until), not a
ward order (no pharmacy fills it for home), not a medication-list entry (reported, listed, from
another organisation: no fill to expect here), not an order written after its course's stated end
(a past course put on record, s27 h02: span71).
"""

from __future__ import annotations

from dataclasses import replace

from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.trial_parts import DoseBasis, Role


def fill_expected(event: MedicationEvent, fills_elsewhere: bool) -> bool:
    """Whether the feed (`fills_elsewhere`) would carry a fill of this order (module docstring).
    Asked only of an order no fill in its window shows taken (first_fill.first_fill_in_window)."""
    return (
        fills_elsewhere
        and event.kind is EventKind.ORDER
        and event.dose_basis is DoseBasis.DAILY
        and event.role is not Role.INTERACTING
        and event.reported_adherence is None
        and event.not_shown_taken is None
        and not event.ward_order
        and not event.ward_doses
        and not event.listed_order
        and not event.patient_reported
        and not event.entry_dated
        and not event.written_after_end
        and event.outside is None
        # A taper to a stop is taken from the tablets at home as often as filled: its steps end
        # the course (K65a finding 4), not a never-filled order's assumed supply (lead fix).
        and event.taper is None
    )


def closed_unfilled(event: MedicationEvent) -> MedicationEvent:
    """A closed order the feed shows never filled, saying why it shows nothing taken (module
    docstring): "stopped, never filled on the chart's fill feed"."""
    return replace(event, not_shown_taken=f"{event.status}, never filled on the chart's fill feed")
