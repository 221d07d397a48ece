"""The dose a course's order states when its present dose was read from fills (s22 RU review
finding 6).

A fill with no sig gives its dose as quantity x strength / daysSupply (medication_event.py:
60 tablets of 50 mg for 30 days = 100 mg/day). When the course's latest dose comes from such
fills and its order states another dose ("1-2 tablets" of 50 mg: 50-100 mg/day), a card that
writes "100 mg/day" and offers a raise to 150 claims more than the record shows: 100 mg/day is
what the fills imply, and the order allows 50-100. The order's dose is kept beside the course
(Trial.ordered_mg_per_day, Trial.ordered_mg_per_day_high) so the card can say both.

The same fills bound a dose to confirm (`within_fills`, review s25 RK4 finding 16): an order of
"200 mg" beside "then 300 mg", unsequenced, reads "up to 300 (dose to confirm)"; with fills of
30 x 100 mg per 30 days after it, the packet said "50 -> 100, up to 300 (dose to confirm)" and a
card "up to 300 mg/day ... may be above the usual maximum". The fills cannot cover more than
100 mg a day, so the order's upper step alone is no dose to warn of: the dose is the fills', and
the order's reading stays beside it ("order says up to 300 mg/day, fills cover 100 mg/day:
confirm the dose taken", services/trial_dose_text.fills_below_order).
"""

from __future__ import annotations

from collections.abc import Sequence

from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.record import DoseSegment

# The note medication_event.py puts on a fill whose dose it read from quantity and daysSupply.
FILL_DOSE_NOTE = "dose from dispensed quantity and days supply"

_DISPENSE = EventKind.DISPENSE


def ordered_beside_fills(
    events: Sequence[MedicationEvent], segments: Sequence[DoseSegment]
) -> tuple[float | None, float | None]:
    """(lower, upper mg/day; upper None when no range) that the course's latest order or
    statement states, when the present dose segment's dose is the one the latest fills imply
    (their quantity over their days) and differs from it; (None, None) otherwise: the present
    dose is the order's own, the fills state their sig, or the order states no dose."""
    if not segments or not events:
        return None, None
    present = segments[-1]
    if present.as_needed or present.mg_per_day is None:
        return None, None
    dosed = [e for e in events if e.start <= present.end and e.mg_per_day_upper is not None]
    if not dosed:
        return None, None
    latest = dosed[-1]
    if (
        latest.kind is not _DISPENSE
        or FILL_DOSE_NOTE not in latest.notes
        or latest.mg_per_day != present.mg_per_day
    ):
        return None, None
    # A ward's order (MedicationEvent.ward_order) is the stay's dose, never the one home fills
    # are taken against (review s28 RH finding 5: "dose from fills, ordered 200 mg/day" quoted
    # the finished ward order beside 50 mg home fills).
    orders = [e for e in dosed if e.kind is not _DISPENSE and not e.as_needed and not e.ward_order]
    if not orders:
        return None, None
    order = orders[-1]
    if (order.mg_per_day, order.mg_per_day_high) == (present.mg_per_day, present.mg_per_day_high):
        return None, None
    return order.mg_per_day, order.mg_per_day_high


def within_fills(
    to_confirm: float | None, ordered: tuple[float | None, float | None]
) -> float | None:
    """The course's dose to confirm (Trial.dose_to_confirm_mg) bounded by its fills' supply: None
    when the present dose is the one the latest fills imply and the order states another
    (`ordered_beside_fills` found one), since the fills cover no more than that dose a day and
    the order's reading is kept as Trial.ordered_mg_per_day(_high) to be said beside it; else
    unchanged. Fills dated before the order do not bound it (`ordered_beside_fills` then finds
    the order latest: its new dose is not filled yet)."""
    if to_confirm is None or ordered == (None, None):
        return to_confirm
    return None
