"""A course's ward doses (the MAR, ward_doses.py) read as adherence (review s25 RI findings 2-4).

- Ward runs: the course's ward days split where more than `policy.supply_gap_days` pass between
  two (ward_runs; a readmission months later is another stay, and the days between are no ward
  days). Ward PDC: over the days from each run's first to its last ward day (a day with no dose
  charted between them counts as not given), the share of days a dose was given, held days
  (on-hold, or not done for a clinical reason: administration_reasons.py) left out as the refill
  PDC leaves a hold out.
- Judged within the course (review s25 RK1 finding 1: one dose withheld on a 2-day stay made a
  99 % PDC course POOR and dropped a failed trial). When the fills give the course a refill
  PDC, the ward days are weighed with the fill days: the refill PDC with each ward day not
  given that a fill covered taken off, and each held ward day left out (`Adherence.pdc` becomes
  that course PDC); POOR below `policy.pdc_threshold`. Ward days stand alone (a ward PDC below
  the threshold makes the course POOR whatever the fills say) only where there is no refill
  PDC (the ward is all the record shows), they are more than `policy.ward_alone_share` of the
  course's days counted (review s25 RK4 finding 2: a fixed count of 7 ward days flipped a 99 %
  PDC course with 2 refusals to POOR, where 6 did not), or one run counts at least
  `policy.ward_alone_days` days (review s25 RK5 finding 1: a fortnight of directly observed
  refusals is not outweighed by a year of fills). The weighed course PDC stands as the course's
  PDC whenever a ward day was not given: a stay's fill days are not home supply taken.
- Runs under an as-needed order (WardDose.as_needed, ward_courses.py): no ward PDC (a night a
  PRN dose was not wanted is no missed dose); the days given are named.
- At or above it: fills or a record that contradict adherence keep POOR; VERIFIED fills stay
  VERIFIED; a course with no refill PDC to judge (no fills, or one fill that covers the rest) is
  VERIFIED when the days outside the ward run that no fill covers are fewer than
  `policy.supply_gap_days` (the stretch that would be a supply gap), else it stays UNVERIFIED
  (a 5-day stay does not verify a year of unfilled orders).
- A ward run with no dose given (every day refused, missed or held, none given) is never
  VERIFIED, however short and whatever the fills say or the reason: UNVERIFIED (POOR where the
  rules above say so), and, unless POOR, the run is named ("no dose given on the ward ...":
  review s28 RH finding 4; held runs too, review s28 K9 finding 1).
- A stretch of a run held (no dose given, none refused or missed, first held day to last) of at
  least `policy.ward_held_days` days is no time on the drug (`Adherence.ward_held`: the trial
  cuts it from the weeks at an adequate dose as it cuts a supply gap) and is named ("held on
  the ward 2026-10-15 – 2026-11-07 (24 days: NPO): not counted as time on the drug"; review s28
  K9 finding 1: 24 days held on a 7-week course read 7.4 weeks at dose, adequate). Shorter
  holds (a day NPO for a procedure inside a long stay) leave the course whole.
- Home-fill gaps the ward doses filled (adherence.dispense_adherence `given`, `ward_covered`):
  no longer supply gaps, named with the stay they fell in.
Wording: "ward MAR 2026-10-10 – 2026-11-30 (stay ...): given on 13 of 52 days (25 %); not given
on 39 (Patient refused)". Never "verified": a dose charted given is the ward's word.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, timedelta

from fhir_mapping.adherence_record import (
    Adherence,
    AdherenceStatus,
    DoseReading,
    RefillGap,
    WardDose,
)
from fhir_mapping.administration_reasons import names_side_effect
from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.percent import pct
from fhir_mapping.policy import MappingPolicy

_TAKEN = DoseReading.TAKEN
_HELD = DoseReading.HELD
_POOR = AdherenceStatus.POOR
_VERIFIED = AdherenceStatus.VERIFIED
_UNVERIFIED = AdherenceStatus.UNVERIFIED


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


def ward_runs(doses: Sequence[WardDose], break_days: int) -> list[tuple[WardDose, ...]]:
    """`doses` (in day order) split where the stay they name changes, or where more than
    `break_days` pass between two (one stay's days; ward_courses gives each run to its course by
    the same rule). A run's days from its first to its last are read as ward days, so two stays
    25 days apart are two runs: the days at home between them are never days not given (review
    s25 RK4 finding 1). Doses naming no stay go with their neighbours by the gap alone."""
    runs: list[list[WardDose]] = []
    for dose in doses:
        if runs and not _new_stay(runs[-1], dose, break_days):
            runs[-1].append(dose)
        else:
            runs.append([dose])
    return [tuple(r) for r in runs]


def _new_stay(run: Sequence[WardDose], dose: WardDose, break_days: int) -> bool:
    if (dose.day - run[-1].day).days > break_days:
        return True
    stay = next((d.encounter for d in reversed(run) if d.encounter), "")
    return bool(stay and dose.encounter and dose.encounter != stay)


def _fill_days(dispenses: Sequence[MedicationEvent], end: date) -> set[int]:
    """Day numbers before `end` with home supply on hand, as adherence.dispense_adherence counts
    them: each fill from the later of its day and the supply already on hand; fills of one day
    side by side (the day's longest)."""
    fills = sorted(
        (e for e in dispenses if e.days_supply),
        key=lambda e: (e.start, -(e.days_supply or 0.0)),
    )
    covered: set[int] = set()
    supply_end = 0
    previous: tuple[int, int] | None = None  # (hand-over day, first day it covered)
    for fill in fills:
        day, length = fill.start.toordinal(), round(fill.days_supply or 0)
        begin = previous[1] if previous and previous[0] == day else max(day, supply_end)
        previous = (day, begin)
        covered.update(range(begin, min(begin + length, end.toordinal())))
        supply_end = max(supply_end, begin + length)
    return covered


def _unfilled_days(
    start: date, end: date, spans: Sequence[tuple[date, date]], filled: set[int]
) -> int:
    """Days of `start`..`end` outside the ward runs' `spans` that no fill's supply covers."""
    return sum(
        1
        for n in range(start.toordinal(), end.toordinal())
        if n not in filled and not any(a.toordinal() <= n <= b.toordinal() for a, b in spans)
    )


def _course_pdc(
    adherence: Adherence,
    dispenses: Sequence[MedicationEvent],
    end: date,
    filled: set[int],
    missed: Sequence[int],
    held: Sequence[int],
) -> tuple[float, int] | None:
    """The refill PDC with the ward days read in (module docstring): a day not given that a fill
    covered is uncovered, a held day leaves the days counted; with the days counted. None
    without a refill PDC."""
    if adherence.pdc is None or not dispenses:
        return None
    first = min(e.start for e in dispenses).toordinal()
    last = end.toordinal()
    days = last - first - sum(g.days for g in adherence.held_gaps)
    held_in = [d for d in held if first <= d < last]
    counted = days - len(held_in)
    if counted <= 0:
        return None
    covered = round(adherence.pdc * days)
    covered -= sum(1 for d in missed if first <= d < last and d in filled)
    covered -= sum(1 for d in held_in if d in filled)
    return round(max(covered, 0) / counted, 4), counted


def _stands_alone(
    runs: Sequence[Sequence[WardDose]],
    given: set[int],
    days: int,
    weighed: tuple[float, int] | None,
    policy: MappingPolicy,
) -> bool:
    """Whether the ward days judge the course's adherence on their own (module docstring): no
    refill PDC to weigh them with, more than `policy.ward_alone_share` of the course's days, or
    a run of at least `policy.ward_alone_days` days counted (review s25 RK5 finding 1: a 21-day
    stay with every dose refused, weighed with a year of fills, read 93 % and the trial failed;
    the share alone let a long course dilute any stay). Share and length both, so 2 refusals in
    a 7-day stay stay weighed (review s25 RK4 finding 2)."""
    if weighed is None or days > policy.ward_alone_share * weighed[1]:
        return True
    return any(_run_days(run, given) >= policy.ward_alone_days for run in runs)


def _run_days(run: Sequence[WardDose], given: set[int]) -> int:
    """A run's days counted: its first to its last ward day, held days left out (a held day
    has its dose reading HELD and is never given)."""
    first, last = run[0].day.toordinal(), run[-1].day.toordinal()
    held = {d.day.toordinal() for d in run if d.reading is _HELD} - given
    return last - first + 1 - len(held)


def _nothing_given(runs: Sequence[Sequence[WardDose]]) -> str:
    """ "no dose given on the ward 2026-11-01 – 2026-11-12: adherence not verified" for the runs
    in which no dose was given, whatever the reason (held too: review s28 K9 finding 1); ""
    when every run has a dose given. Review s28 RH finding 4: 12 of 12 doses refused on a 12-day stay after
    8 months of fills read "adherence verified, PDC 95 %" and no card named a refusal; shorter
    than `policy.ward_alone_days`, the run is still weighed with the fills (it does not by
    itself make the course POOR), but doses none of which was given are not verified."""
    spans = [
        f"{r[0].day.isoformat()} – {r[-1].day.isoformat()}"
        for r in runs
        if not any(d.reading is _TAKEN for d in r)
    ]
    if not spans:
        return ""
    return f"no dose given on the ward {', '.join(spans)}: adherence not verified"


def held_runs(
    runs: Sequence[Sequence[WardDose]], given: set[int], min_days: int
) -> list[tuple[RefillGap, tuple[WardDose, ...]]]:
    """The stretches of the runs held on the ward (module docstring) of at least `min_days`
    days, each as a gap (end exclusive) with its held doses: consecutive held ward days, no day
    given or charted not given between them (an uncharted day between two held ones is held
    with them: the ward was holding the drug)."""
    found: list[tuple[RefillGap, tuple[WardDose, ...]]] = []
    for run in runs:
        stretch: list[WardDose] = []
        for dose in [*run, None]:
            if dose is not None and dose.reading is _HELD and dose.day.toordinal() not in given:
                stretch.append(dose)
                continue
            if stretch and (stretch[-1].day - stretch[0].day).days + 1 >= min_days:
                gap = RefillGap(stretch[0].day, stretch[-1].day + timedelta(days=1))
                found.append((gap, tuple(stretch)))
            stretch = []
    return found


def _held_text(found: Sequence[tuple[RefillGap, tuple[WardDose, ...]]]) -> str:
    """ "held on the ward 2026-10-15 – 2026-11-07 (24 days: NPO): not counted as time on the
    drug" for each held stretch; the last held day is named (the gap's end is the day after)."""
    parts = []
    for gap, doses in found:
        why = ", ".join(sorted({d.why for d in doses if d.why}))
        last = gap.end - timedelta(days=1)
        parts.append(
            f"held on the ward {gap.start.isoformat()} – {last.isoformat()} "
            f"({gap.days} days{': ' + why if why else ''}): not counted as time on the drug"
        )
    return "; ".join(parts)


def _covered_text(adherence: Adherence, doses: Sequence[WardDose]) -> str:
    return "; ".join(
        f"no home supply {g.start.isoformat()} – {g.end.isoformat()}: given on the ward"
        + (
            f" ({'; '.join(sorted({d.stay for d in doses if g.start <= d.day < g.end and d.stay}))})"
        )
        for g in adherence.ward_covered
    )


def with_ward(
    adherence: Adherence,
    doses: Sequence[WardDose],
    events: Sequence[MedicationEvent],
    start: date,
    end: date,
    policy: MappingPolicy,
) -> Adherence:
    """`adherence` with the course's ward days read in (module docstring); `end` exclusive."""
    within = [d for d in doses if start <= d.day <= end]
    covered = _covered_text(adherence, doses)
    mine = [d for d in within if not d.as_needed]
    prn = [d for d in within if d.as_needed and d.reading is _TAKEN]
    if not mine:
        if prn:  # an as-needed order: the nights given, no PDC (module docstring)
            covered = "; ".join(
                filter(
                    None,
                    (
                        f"ward MAR {prn[0].day.isoformat()} – {prn[-1].day.isoformat()}: given "
                        f"as needed on {len(prn)} days (an as-needed order: no ward PDC)",
                        covered,
                    ),
                )
            )
        return replace(adherence, ward=covered) if covered else adherence
    stays = sorted({d.stay for d in mine if d.stay})
    where = f" ({'; '.join(stays)})" if stays else ""
    runs = ward_runs(mine, policy.supply_gap_days)
    spans = [(r[0].day, r[-1].day) for r in runs]
    held_days = sorted({d.day.toordinal() for d in mine if d.reading is _HELD})
    held_set = set(held_days)
    given = {d.day.toordinal() for d in mine if d.reading is _TAKEN}
    missed = [
        n
        for a, b in spans
        for n in range(a.toordinal(), b.toordinal() + 1)
        if n not in given and n not in held_set
    ]
    held, taken = len(held_days), len(given)
    days = taken + len(missed)
    # Every ward day held: no ward PDC, the held days named (review s28 K9 finding 1).
    ward_pdc = round(taken / days, 4) if days > 0 else None
    stretches = held_runs(runs, given, policy.ward_held_days)
    why = sorted(
        {d.why for d in mine if d.reading is not _TAKEN and d.reading is not _HELD and d.why}
    )
    held_why = sorted({d.why for d in mine if d.reading is _HELD and d.why})
    when = ", ".join(f"{a.isoformat()} – {b.isoformat()}" for a, b in spans)
    parts = [
        f"ward MAR {when}{where}: given on {taken} of {days} days "
        f"({pct(ward_pdc, policy.pdc_threshold)})"
        if ward_pdc is not None
        else f"ward MAR {when}{where}"  # every day held: named below, no share of days
    ]
    if missed:
        parts.append(
            f"not given on {len(missed)}"
            + (f" ({', '.join(why)})" if why else " (no reason stated)")
        )
    side = [w for w in why if names_side_effect(w)]
    if side:  # review s25 RK4 finding 5: the tolerability signal is said, not only the refusal
        parts.append("a side effect named: ask about tolerability")
    in_stretches = {d.day.toordinal() for _, run in stretches for d in run}
    unnamed = held and not held_set <= in_stretches  # held days the stretches do not name
    if unnamed:
        parts.append(
            f"held on {held}" + (f" ({', '.join(held_why)})" if held_why else "") + ", not counted"
        )
    if stretches:  # no time on the drug (module docstring)
        parts.append(_held_text(stretches))
    dispenses = [e for e in events if e.kind is EventKind.DISPENSE]
    filled = _fill_days(dispenses, end)
    weighed = _course_pdc(adherence, dispenses, end, filled, missed, held_days)
    status, pdc = adherence.status, adherence.pdc
    if weighed is not None:  # the fill days weighed with the ward days (module docstring)
        if weighed[0] < policy.pdc_threshold:
            status = _POOR
        if missed or held:  # a stay's fill days are not home supply taken where it was not given
            parts.append(f"course PDC with the ward days {pct(weighed[0], policy.pdc_threshold)}")
            pdc = weighed[0]
    if (
        ward_pdc is not None
        and ward_pdc < policy.pdc_threshold
        and _stands_alone(runs, given, days, weighed, policy)
    ):
        status = _POOR
    refused = _nothing_given(runs)
    if refused and status is not _POOR:  # never "verified" (module docstring): named on the
        parts.append(refused)  # trial line; a POOR line says "given on 0 of 12 days" already
        if status is _VERIFIED:
            status = _UNVERIFIED
    if covered:
        parts.append(covered)
    if (
        status is not _POOR
        and status is not _VERIFIED
        and not refused
        and _unfilled_days(start, end, spans, filled) < policy.supply_gap_days
    ):
        status = _VERIFIED
    return replace(
        adherence,
        status=status,
        pdc=pdc if pdc is not None else ward_pdc,
        first_fill=None if status is _VERIFIED else adherence.first_fill,
        ward="; ".join(parts),
        ward_pdc=ward_pdc,
        ward_held=tuple(gap for gap, _ in stretches),
        ward_held_days=held if unnamed else 0,
        ward_given=taken if pdc is None else 0,
        ward_counted=days if pdc is None else 0,
        pdc_line=policy.pdc_threshold,
    )
