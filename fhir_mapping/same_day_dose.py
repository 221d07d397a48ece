"""The dose one day's medication events state (rule 4 of episodes.py; review 6 finding 2).

A day's events are read whole: the first known dose in `_event_key` order (an order's before a
statement's before a dispense's, then the higher), unless the day's dispenses are two strengths of
one regimen taken together (sertraline 100 mg + 50 mg tablets with the same days of supply: 150
mg/day, `_combined_fill`). Apart from dose_timeline.py because when same-day fills add up is a
clinical rule of its own, with its own safety argument: summing too readily would overstate a dose
and call an under-dosed trial adequate.
"""

from __future__ import annotations

from collections.abc import Sequence

from fhir_mapping.events import EventKind, MedicationEvent

# Enum members compared once per event, as module constants: on Python 3.11 reading a member off
# its Enum class costs about ten times reading a global (issue 14).
_DISPENSE = EventKind.DISPENSE

# A dose on the timeline: mg/day, None when unknown, or a ranged dose's (lower, upper) pair
# (DoseSegment): a change of either end is a new segment. A plain dose stays a float, so a
# chart without ranges is walked as before (issue 14).
_Dose = float | tuple[float, float] | None


def _dose_of(event: MedicationEvent) -> _Dose:
    mg, high = event.mg_per_day, event.mg_per_day_high
    return mg if mg is None or high is None else (mg, high)


def _combined_fill(day: Sequence[MedicationEvent]) -> float | None:
    """The summed dose of one day's dispenses of different strengths (review 6 finding 2), else
    None.

    Two strengths of one ingredient handed over on the same day, each with its daily dose and the
    same days of supply (sertraline 100 mg + 50 mg tablets, 30 days each), are one regimen taken
    together: 150 mg/day. Only that shape is summed: the same dose twice on a day may be one fill
    recorded twice (never summed, it would overstate the dose), a titration pack's starter strength
    comes with a shorter supply, and orders that merely overlap are never summed (an order left
    open after a dose change would double the dose and call an under-dosed trial adequate)."""
    fills = [e for e in day if e.kind is _DISPENSE and e.mg_per_day is not None]
    if len(fills) < 2:
        return None
    supplies = {e.days_supply for e in fills}
    if len(supplies) != 1 or not (fills[0].days_supply or 0.0) > 0:
        return None
    if any(e.mg_per_day_high is not None for e in fills):
        return None  # a ranged dose: its parts are not one number each
    strengths = {e.mg_per_day for e in fills if e.mg_per_day is not None}
    return float(sum(strengths)) if len(strengths) > 1 else None


def _day_dose(day: Sequence[MedicationEvent]) -> _Dose:
    """One day's dose: the first known one in _event_key order (an order's before a statement's,
    a statement's before a dispense's; then the higher), unless the day's dispenses are a
    combined regimen (_combined_fill) and every order or statement of the day with a dose names
    one of its strengths (they are its parts, not another dose)."""
    # A loop, not next() over a generator left suspended (issue 14, session 31).
    for known in day:
        if known.mg_per_day is not None:
            break
    else:
        return None
    if len(day) > 1:
        combined = _combined_fill(day)
        if combined is not None:
            parts = {e.mg_per_day for e in day if e.kind is _DISPENSE}
            if all(
                e.mg_per_day in parts and e.mg_per_day_high is None
                for e in day
                if e.kind is not _DISPENSE and e.mg_per_day is not None
            ):
                return combined
    return _dose_of(known)
