"""A course's ward doses (the MAR, ward_doses.py) read as adherence (review s25 RI findings 2-4).

- Ward PDC: over the days from the course's first to its last ward day (the days the MAR covers;
  a day with no dose charted between them counts as not given), the share of days a dose was
  given, held days (on-hold) left out as the refill PDC leaves a hold out. It is judged against
  the refill PDC's threshold (`policy.pdc_threshold`): below it the course is POOR whatever the
  fills say (the ward saw the doses refused), and the card names the days not given and why.
- At or above it: fills or a record that contradict adherence keep POOR; VERIFIED fills stay
  VERIFIED; a course with no refill PDC to judge (no fills, or one fill that covers the rest) is
  VERIFIED when the days outside the ward run that no fill covers are fewer than
  `policy.supply_gap_days` (the stretch that would be a supply gap), else it stays UNVERIFIED
  (a 5-day stay does not verify a year of unfilled orders).
- Home-fill gaps the ward doses filled (adherence.dispense_adherence `given`, `ward_covered`):
  no longer supply gaps, named with the stay they fell in.
Wording: "ward MAR 2026-10-10 – 2026-11-30 (stay ...): given on 13 of 52 days (25 %); not given
on 39 (Patient refused)". Never "verified": a dose charted given is the ward's word.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, timedelta

from fhir_mapping.adherence_record import Adherence, AdherenceStatus, DoseReading, WardDose
from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.policy import MappingPolicy

_TAKEN = DoseReading.TAKEN
_HELD = DoseReading.HELD
_POOR = AdherenceStatus.POOR
_VERIFIED = AdherenceStatus.VERIFIED


def ward_days(events: Iterable[MedicationEvent]) -> tuple[WardDose, ...]:
    """The course's ward days, one per day (a day given on two records reads as given)."""
    by_day: dict[date, WardDose] = {}
    for event in events:
        for dose in event.ward_doses:
            seen = by_day.get(dose.day)
            if seen is None or (dose.reading is _TAKEN and seen.reading is not _TAKEN):
                by_day[dose.day] = dose
    return tuple(by_day[d] for d in sorted(by_day))


def given_days(doses: Sequence[WardDose]) -> frozenset[int]:
    """Day numbers (ordinals) a ward dose was given, for adherence.dispense_adherence."""
    return frozenset(d.day.toordinal() for d in doses if d.reading is _TAKEN)


def _pct(value: float) -> str:
    return f"{round(value * 100)} %"


def _unfilled_days(
    start: date, end: date, first: date, last: date, dispenses: Sequence[MedicationEvent]
) -> int:
    """Days of `start`..`end` outside the ward run `first`..`last` that no fill's supply covers."""
    covered: set[date] = set()
    for fill in dispenses:
        for n in range(round(fill.days_supply or 0)):
            covered.add(fill.start + timedelta(days=n))
    day, count = start, 0
    while day < end:
        if not first <= day <= last and day not in covered:
            count += 1
        day += timedelta(days=1)
    return count


def with_ward(
    adherence: Adherence,
    doses: Sequence[WardDose],
    events: Sequence[MedicationEvent],
    start: date,
    end: date,
    policy: MappingPolicy,
) -> Adherence:
    """`adherence` with the course's ward days read in (module docstring); `end` exclusive."""
    mine = [d for d in doses if start <= d.day <= end]
    stays = sorted({d.stay for d in mine if d.stay})
    where = f" ({'; '.join(stays)})" if stays else ""
    covered = "; ".join(
        f"no home supply {g.start.isoformat()} – {g.end.isoformat()}: given on the ward"
        + (
            f" ({'; '.join(sorted({d.stay for d in doses if g.start <= d.day < g.end and d.stay}))})"
        )
        for g in adherence.ward_covered
    )
    if not mine:
        return replace(adherence, ward=covered) if covered else adherence
    first, last = mine[0].day, mine[-1].day
    held = sum(d.reading is _HELD for d in mine)
    taken = sum(d.reading is _TAKEN for d in mine)
    days = (last - first).days + 1 - held
    if days <= 0:
        return adherence
    ward_pdc = round(taken / days, 4)
    not_given = days - taken
    why = sorted({d.why for d in mine if d.reading is not _TAKEN and d.why})
    parts = [
        f"ward MAR {first.isoformat()} – {last.isoformat()}{where}: given on {taken} of "
        f"{days} days ({_pct(ward_pdc)})"
    ]
    if not_given:
        parts.append(
            f"not given on {not_given}" + (f" ({', '.join(why)})" if why else " (no reason stated)")
        )
    if held:
        parts.append(f"held on {held}, not counted")
    if covered:
        parts.append(covered)
    status = adherence.status
    if ward_pdc < policy.pdc_threshold:
        status = _POOR
    elif status is not _POOR and status is not _VERIFIED:
        dispenses = [e for e in events if e.kind is EventKind.DISPENSE]
        if _unfilled_days(start, end, first, last, dispenses) < policy.supply_gap_days:
            status = _VERIFIED
    return replace(
        adherence,
        status=status,
        pdc=adherence.pdc if adherence.pdc is not None else ward_pdc,
        first_fill=None if status is _VERIFIED else adherence.first_fill,
        ward="; ".join(parts),
        ward_pdc=ward_pdc,
    )
