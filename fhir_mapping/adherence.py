"""Adherence of one trial from its MedicationDispense events: PDC and refill gaps.

- Proportion of days covered (PDC): the days from the first dispense to min(trial end, as-of)
  on which the patient had supply on hand. Each dispense covers `days_supply` days from the later
  of its own date and the end of the supply already on hand (an early refill is used after the
  previous one runs out, the usual PDC convention), clipped to the window.
- A refill gap is a stretch without supply longer than `policy.refill_gap_weeks` (Fabbri 2021:
  > 14 weeks between supplies marks a treatment break), including the stretch from the last
  supply's end to the window's end when the trial runs on (an active order never refilled).
- Status: VERIFIED when PDC >= policy.pdc_threshold and no refill gap; POOR otherwise; UNVERIFIED
  without dispense data, or when no dispense states its days of supply (nothing to count).
  A dispense without daysSupply, among others that state it, is taken to cover the median of the
  stated ones (an estimate; it neither invents nor drops a fill).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from statistics import median

from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import Adherence, AdherenceStatus, RefillGap

UNVERIFIED = Adherence(AdherenceStatus.UNVERIFIED)


def dispense_adherence(
    events: Iterable[MedicationEvent], *, window_end: date, policy: MappingPolicy
) -> Adherence:
    """PDC and refill gaps of the dispenses among `events`, up to `window_end` (exclusive)."""
    dispenses = sorted(
        (e for e in events if e.kind is EventKind.DISPENSE),
        key=lambda e: (e.start, -(e.days_supply or 0.0), str(e.source)),
    )
    stated = [e.days_supply for e in dispenses if e.days_supply is not None and e.days_supply > 0]
    if not dispenses or not stated:
        return UNVERIFIED
    fallback = float(median(stated))
    first = dispenses[0].start
    if window_end <= first:
        window_end = first + timedelta(days=1)
    gap_days = policy.refill_gap_weeks * 7
    covered = 0
    supply_end = first  # first day without supply on hand
    gaps: list[RefillGap] = []
    for event in dispenses:
        if event.start >= window_end:
            break
        if (event.start - supply_end).days > gap_days:
            gaps.append(RefillGap(supply_end, event.start))
        days = (
            event.days_supply
            if event.days_supply is not None and event.days_supply > 0
            else fallback
        )
        begin = max(event.start, supply_end)
        end = begin + timedelta(days=round(days))
        covered += max(0, (min(end, window_end) - begin).days)
        supply_end = max(supply_end, end)
    if (window_end - supply_end).days > gap_days:
        gaps.append(RefillGap(supply_end, window_end))
    pdc = round(covered / (window_end - first).days, 4)
    ok = pdc >= policy.pdc_threshold and not gaps
    return Adherence(
        status=AdherenceStatus.VERIFIED if ok else AdherenceStatus.POOR,
        pdc=pdc,
        refill_gaps=tuple(gaps),
    )
