"""The first-sight shortcuts of issue 14 in episodes.py and adherence.py read as the plain readings.

Each shortcut (one walk instead of a scan per dose cut, a bisection instead of a scan over the
dispenses, day numbers instead of dates, no sort of dispenses already in order) is checked against
the plain reading it replaced, written out here, over seeded random inputs that include the edge
cases: same-day records, dose changes on a coverage boundary, unknown doses, gaps between fills.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta

from fhir_mapping import episodes
from fhir_mapping.adherence import dispense_adherence
from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import DoseSegment, Role, SourceRef
from tests.fhir_mapping.test_adherence import dispense

POLICY = MappingPolicy()
DAY0 = date(2023, 1, 1)

Timeline = Sequence[tuple[date, float | None]]


def _plain_segments(
    coverage: Sequence[tuple[date, date]], timeline: Timeline
) -> tuple[DoseSegment, ...]:
    """Cut every covered stretch at each dose change inside it; read each piece's dose afresh."""
    segments: list[DoseSegment] = []
    for start, end in coverage:
        cuts = [start, *(d for d, _ in timeline if start < d < end), end]
        for a, b in zip(cuts, cuts[1:], strict=False):
            mg = episodes._dose_on(timeline, a)
            if segments and segments[-1].end == a and segments[-1].mg_per_day == mg:
                segments[-1] = DoseSegment(segments[-1].start, b, mg)
            else:
                segments.append(DoseSegment(a, b, mg))
    return tuple(segments)


def _coverage_and_timeline(rng: random.Random) -> tuple[list[tuple[date, date]], Timeline]:
    coverage = []
    day = rng.randint(0, 20)
    for _ in range(rng.randint(0, 4)):
        start = day + rng.randint(0, 15)
        end = start + rng.randint(1, 30)
        coverage.append((DAY0 + timedelta(start), DAY0 + timedelta(end)))
        day = end + rng.randint(1, 10)
    timeline = []
    day = rng.randint(-10, 30)
    for _ in range(rng.randint(0, 6)):
        day += rng.randint(1, 25)
        timeline.append((DAY0 + timedelta(day), rng.choice([None, 10.0, 20.0, 30.0])))
    return coverage, timeline


def test_dose_segments_walk_reads_as_a_fresh_reading_per_cut() -> None:
    rng = random.Random(14)
    for _ in range(3000):
        coverage, timeline = _coverage_and_timeline(rng)
        assert episodes._segments(coverage, timeline) == _plain_segments(coverage, timeline)


def test_a_dose_change_on_the_first_day_of_a_later_stretch_starts_it_at_the_new_dose() -> None:
    coverage = [(DAY0, DAY0 + timedelta(10)), (DAY0 + timedelta(20), DAY0 + timedelta(30))]
    timeline = [(DAY0, 50.0), (DAY0 + timedelta(20), 100.0), (DAY0 + timedelta(25), None)]
    assert episodes._segments(coverage, timeline) == (
        DoseSegment(DAY0, DAY0 + timedelta(10), 50.0),
        DoseSegment(DAY0 + timedelta(20), DAY0 + timedelta(25), 100.0),
        DoseSegment(DAY0 + timedelta(25), DAY0 + timedelta(30), None),
    )


def _order(start: date, supply: float | None, refills: int) -> MedicationEvent:
    return MedicationEvent(
        kind=EventKind.ORDER,
        ingredient="sertraline",
        drug_class="SSRI",
        role=Role.ANTIDEPRESSANT,
        start=start,
        end=None,
        mg_per_day=100.0,
        days_supply=supply,
        status="active",
        source=SourceRef("MedicationRequest", start.isoformat()),
        refills=refills,
    )


def test_dispensed_in_window_bisection_reads_as_the_scan_over_everydispense() -> None:
    rng = random.Random(10)
    for _ in range(3000):
        dispensed = sorted(
            {DAY0 + timedelta(rng.randint(0, 400)) for _ in range(rng.randint(0, 6))}
        )
        ordered = sorted({DAY0 + timedelta(rng.randint(0, 400)) for _ in range(rng.randint(1, 4))})
        order = _order(rng.choice(ordered), rng.choice([None, 0.0, 14.0, 30.0]), rng.randint(0, 3))
        supply = order.days_supply
        window = (
            timedelta(days=round(supply * (1 + order.refills)))
            if supply is not None and supply > 0
            else timedelta(weeks=POLICY.refill_gap_weeks)
        )
        last = order.start + window
        reorder = next((d for d in ordered if d > order.start), None)
        scanned = any(
            order.start <= d <= last and (reorder is None or d < reorder) for d in dispensed
        )
        assert episodes._dispensed_in_window(order, dispensed, ordered, POLICY) is scanned


def test_adherence_does_not_depend_on_the_order_the_dispenses_come_in() -> None:
    """Same-day fills (the larger first), fills out of date order, fills without daysSupply and
    long gaps: the shortcut that skips the sort for fills already in date order must agree."""
    rng = random.Random(7)
    for _ in range(2000):
        fills = [
            dispense(
                DAY0 + timedelta(rng.randint(0, 300)),
                rng.choice([None, 0.0, 7.0, 30.0, 90.0]),
                f"d{index}",
            )
            for index in range(rng.randint(1, 8))
        ]
        in_order = sorted(fills, key=lambda e: (e.start, -(e.days_supply or 0.0), str(e.source)))
        window_end = DAY0 + timedelta(rng.randint(-10, 420))
        expected = dispense_adherence(in_order, window_end=window_end, policy=POLICY)
        rng.shuffle(fills)
        assert dispense_adherence(fills, window_end=window_end, policy=POLICY) == expected


def test_a_gap_between_fills_is_dated_by_the_day_the_supply_ran_out() -> None:
    fills = [
        dispense(DAY0, 30.0, "a"),
        dispense(DAY0 + timedelta(200), 30.0, "b"),
    ]
    adherence = dispense_adherence(fills, window_end=DAY0 + timedelta(230), policy=POLICY)
    assert [(g.start, g.end) for g in adherence.refill_gaps] == [
        (DAY0 + timedelta(30), DAY0 + timedelta(200))
    ]
    assert adherence.pdc == round(60 / 230, 4)
