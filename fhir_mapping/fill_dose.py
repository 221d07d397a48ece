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

A fill inside an order's dose RANGE reads as the range (`fill_in_range`; session 34 fix dose51,
review K38b finding 2). A pharmacy fills "Take 1-2 tablets daily" for its top (60 tablets of 25 mg
for 30 days), so the fill's 50 mg/day shows what the patient MAY take, not what was taken. The first
fill, on the order's own day, already read as the order's range (same_day_dose: an order's reading
outranks a fill's), and the later fills read the top: the course became 50 mg/day from the second
fill, "adequate, failed", and counted toward TMS though the record shows 25-50 mg/day throughout.
THE DECISION (the safer reading): never claim a dose, or an adequacy, the record does not show. A
fill whose quantity over its days lies above the order's lower end and at most its upper end reads
as the order's range, as the first fill does; adequacy.py then counts the range at its lower end
(the dose the record proves), and the card writes "25 to 50 mg/day (range)". The range stops at the
fill's dose (session 34 fix dose53, review K41a findings 1, 2): "1-3 capsules" of 75 mg filled as
60 per 30 days reads 75-150, never 75-225, since no fill supplied the top; the first fill, on the
order's own day, is cut the same way (`day_in_range`). A fill at the lower end, or outside the
range, keeps its own reading: it says something the range does not. A range
read from an unclear sig (sig_unclear.py: "twice daily at bedtime") is no prescriber's range: a
fill inside it says which reading the pharmacy supplied (fill_sig.py) and stays the dose.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.record import DoseSegment
from fhir_mapping.sig_unclear import MARK as _UNCLEAR

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
    stated = _in_effect(order, present.end)
    if stated == (present.mg_per_day, present.mg_per_day_high):
        return None, None
    return stated


def _in_effect(order: MedicationEvent, day: date) -> tuple[float | None, float | None]:
    """The dose `order` states for `day`: its own reading, or for a sig written in dose steps
    (MedicationEvent.taper, sig_steps.py: "10 mg daily for 7 days, then 20 mg daily") the step
    in effect that day. orders43: a filled fluoxetine titration read "dose from fills, ordered 10
    mg/day" beside 20 mg/day, the sig's first step, where the order asks for 20 from day 8."""
    taper = order.taper
    if taper is None or not taper.steps:
        return order.mg_per_day, order.mg_per_day_high
    start, found = order.start, order.mg_per_day
    for step in taper.steps:
        if start > day:
            break
        if step.mg_per_day is not None:
            found = step.mg_per_day
        if step.days is None:
            break
        start += timedelta(days=step.days)
    if taper.stops and start <= day:
        return order.mg_per_day, order.mg_per_day_high  # past a taper's end: no step to name
    return found, None


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


def stated_range(event: MedicationEvent) -> tuple[float, float] | None:
    """The dose range (lower, upper mg/day) a scheduled order or statement states, for the fills
    after it (`fill_in_range`); None for a dispense, a single dose, an as-needed or ward order,
    or a range read from an unclear sig (module docstring)."""
    low, high = event.mg_per_day, event.mg_per_day_high
    if (
        event.kind is _DISPENSE
        or low is None
        or high is None
        or event.as_needed
        or event.ward_order
        or any(_UNCLEAR in note for note in event.notes)
    ):
        return None
    return low, high


def fill_in_range(
    event: MedicationEvent, ranged: tuple[float, float] | None
) -> tuple[float, float] | None:
    """`ranged`, the course's latest order's dose range (`stated_range`), cut at the fill's dose,
    when `event` is a fill whose dose was read from its quantity over its days and lies above the
    range's lower end and at most its upper end: the fill shows the range was supplied up to its
    own dose, not which dose in it was taken (module docstring). None otherwise: the fill's own
    reading stands."""
    if ranged is None or event.kind is not _DISPENSE or FILL_DOSE_NOTE not in event.notes:
        return None
    mg = event.mg_per_day
    if mg is None or event.mg_per_day_high is not None or event.as_needed:
        return None
    low, high = ranged
    # The range stops at what the fill covers (session 34 fix dose53, review K41a findings 1, 2):
    # 60 x 75 mg for 30 days under "1-3 capsules" supplies at most 150 mg/day, so the order's
    # top (225) is no dose the record shows; reading it would skip the raise (CANMAT para 187)
    # or warn of a dose above the maximum ("1-4 capsules": 300) that no fill supplied.
    return (low, mg) if low < mg <= high else None


def day_in_range(
    day: Sequence[MedicationEvent], dose: tuple[float, float]
) -> tuple[float, float] | float:
    """A day's ranged dose (an order's range, read before the day's fills: same_day_dose.py) cut
    at the dose of a fill of the same day inside it (`fill_in_range`): the first fill on the
    order's own day covers no more of the range than the later ones. A fill of the day at the
    range's lower end gives that dose, as the later fills at it do (their own reading: module
    docstring): "1-2 capsules" of duloxetine 60 filled 30 for 30 days from the order's day read
    60-120 for the first month and 60 after it, a dose change that never happened ("60 mg/day
    since 2026-06-01 (26 weeks)" for a course at 60 since 05-01; dose62, review K58a finding 2).
    Unchanged when no scheduled order or statement of the day states this range (a range from an
    unclear sig, `stated_range`) or no fill of the day lies inside it or at its lower end."""
    if dose not in [stated_range(e) for e in day]:
        return dose
    cut = [fill_in_range(e, dose) for e in day]
    inside = next((c for c in cut if c is not None), None)
    if inside is not None:
        return inside
    low = dose[0]
    at_low = any(
        e.kind is _DISPENSE
        and FILL_DOSE_NOTE in e.notes
        and e.mg_per_day == low
        and e.mg_per_day_high is None
        and not e.as_needed
        for e in day
    )
    return low if at_low else dose
