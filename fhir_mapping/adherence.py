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
- No PDC (`first_fill` instead) when the fills show no refill to judge and the PDC would only
  claim coverage: the window is no longer than the first fill's days' supply (a 10-day course on
  a 30-day fill: "PDC 100 %" says nothing), or all fills were handed over on one day (a refill is
  a second hand-over; a PDC of one fill is only its days over the window). Such a course is
  UNVERIFIED (adherence not shown, not contradicted). A single fill that leaves the window
  uncovered keeps its PDC and POOR: the low PDC and the gap are what the record shows.
- Days only a statement covers after the local orders and fills end (an outside organisation's
  continuation, Care Everywhere; review 11 finding 6): their supply is not in this pharmacy feed,
  so the PDC window ends where they begin and those days are "not verified", neither a supply gap
  nor verified (`outside_tail`; course_clusters.statement_tail finds them). They are named in
  `Adherence.not_verified`, apart from `documented` (what a clinician recorded).
- Documented adherence (US Core medication-adherence extension on a MedicationRequest or
  MedicationStatement; codes in data/adherence_codes.csv): documented non-compliance ("partial
  non-compliance", "non-compliance", "does not take") makes the trial's adherence POOR whatever
  the refill data say, so the trial is not adequate and no TMS referral rests on it; documented
  compliance ("complies with drug therapy") verifies adherence only where no refill data exist
  (a patient's word never overrides refill data that contradict it). Any documented
  non-compliance during the trial counts, even if a later one says "complies": the safer reading
  is not to claim an adequate trial the record says was not taken as prescribed.
- Holds (review 14 audit W4, chart o02): a supply gap that falls inside a documented hold (an
  order of the drug now on hold, written before the supply ran out, up to the record that took
  the drug up again: course_support._hold_windows) is a hold, not missed doses: it goes to
  `Adherence.held_gaps`, not `supply_gaps`, and its days leave the PDC's denominator (neither
  covered nor missed, as a PDC leaves out days in hospital). It is still no time on the drug.
  A stretch longer than the refill-gap threshold stays a refill gap whatever its reason: a
  treatment break of over 14 weeks splits a course (Fabbri 2021), held or not.
- Ward doses (review s25 RI finding 2): a day a ward dose was given (the MAR, ward_adherence.py)
  is covered whatever the home fills say; a supply gap the ward doses leave no
  `supply_gap_days` stretch of is `Adherence.ward_covered`, not a supply gap (home fills pause
  during a long stay while the ward gives the drug). The supply runs at least to the last ward
  day given (`supply_until` is the day after it; review s28 RH finding 1).
- The window's days are those before `window_end` (as-of for a running course). A fill handed
  over on `window_end` itself (today's fill) is a fill: it starts supply that day, so no supply
  ran out, though it covers no day of the window (review s28 RH finding 2).

Documented adherence (the US Core extension read from an order or statement, and its
correction of the dispense-based adherence: `reported_adherence`, `with_reported`) is
adherence_documented.py: a reading of FHIR extensions and data/adherence_codes.csv with nothing
of the PDC in it. Its names stay importable from here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import replace
from datetime import date, timedelta
from operator import attrgetter, lt
from statistics import median

from fhir_mapping.adherence_documented import reported_adherence, with_reported
from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import (
    RESPONSE_FRACTION,
    Adherence,
    AdherenceStatus,
    Fill,
    RefillGap,
    Score,
    Trial,
)

# The names other modules use, kept importable from here (adherence_documented.py's among them).
__all__ = [
    "UNVERIFIED",
    "dispense_adherence",
    "outside_tail",
    "reported_adherence",
    "response_before_gap",
    "with_reported",
]

UNVERIFIED = Adherence(AdherenceStatus.UNVERIFIED)

# Enum members read once per dispense or per trial, as module constants: on Python 3.11 reading a
# member off its Enum class costs about ten times reading a global (issue 14).
_DISPENSE = EventKind.DISPENSE
_POOR = AdherenceStatus.POOR
_VERIFIED = AdherenceStatus.VERIFIED
_UNVERIFIED = AdherenceStatus.UNVERIFIED
_LAST_DAY = date.max.toordinal()


def outside_tail(
    adherence: Adherence, start: date, end: date, statements: Sequence[MedicationEvent]
) -> Adherence:
    """The adherence of a course whose last days, `start` to `end`, only statements cover
    (course_clusters.statement_tail; review 11 finding 6): the dispense-based adherence was
    counted up to `start`, so the PDC is that of the local fills as before, and those days are
    named "not verified", never a supply gap.

    THE RULE: the supply behind a statement is not in this pharmacy feed (an outside
    organisation prescribed and dispensed it: tagged external or sourced from an Organization,
    medication_supply.outside_source; or a report with no order or fill behind it). Safer both
    ways: no "poor adherence" is read into days the feed cannot show, and no "adherence
    verified" either. A course VERIFIED by its local fills becomes UNVERIFIED (its PDC kept), so
    the cards ask to confirm it; POOR local fills stay POOR (they contradict adherence whatever
    came after); a VERIFIED resting on a documented report (no PDC) keeps the report's word."""
    outside = sorted({e.outside for e in statements if e.outside})
    sources = sorted({str(e.source) for e in statements})
    what = f"outside record from {', '.join(outside)}" if outside else "statement only"
    text = (
        f"adherence not verified {start.isoformat()} – {end.isoformat()}: {what}, no fills "
        f"seen ({', '.join(sources)})"
    )
    # In `not_verified`, never `documented`: the cards read `documented` as adherence a clinician
    # recorded, so beside POOR local fills this note read "non-adherence documented" (wave 4 K1).
    status = adherence.status
    if status is _VERIFIED and adherence.pdc is not None:
        status = _UNVERIFIED
    return replace(adherence, status=status, not_verified=text)


# Whole numbers of days by themselves: a supply of whole days (nearly every one: 30.0, 90.0) finds
# its day count here at dict speed, since a float hashes and compares equal to the integer it
# equals; round() is a slow call, asked only of other values (issue 14: it ran once per fill).
_WHOLE_DAYS: dict[float, int] = {n: n for n in range(1000)}


def _dispense_order(e: MedicationEvent) -> tuple[date, float, str]:
    return (e.start, -(e.days_supply or 0.0), str(e.source))


_SUPPLY_ESTIMATED = attrgetter("supply_estimated")


def dispense_adherence(
    events: Iterable[MedicationEvent],
    *,
    window_end: date,
    policy: MappingPolicy,
    holds: Sequence[tuple[date, date]] = (),
    given: AbstractSet[int] = frozenset(),
) -> Adherence:
    """PDC, refill gaps and supply gaps of the dispenses among `events`, up to `window_end`
    (exclusive). `holds`: (from, until) days a documented hold may span (module docstring); a
    supply gap inside one is a held gap. `given`: the day numbers (ordinals) a ward dose was
    given (ward_adherence.given_days): covered days whatever the home fills say, and a supply
    gap they leave no `supply_gap_days` stretch of is `ward_covered`, no gap."""
    dispenses = [e for e in events if e.kind is _DISPENSE]
    starts = [e.start for e in dispenses]
    # Order of hand-over (same day: the larger supply first). A trial's dispenses usually come in
    # date order, one a day: then they are in that order already and no key is built (issue 14).
    # "Each start before the next", checked pairwise at C speed: the same test as
    # `starts == sorted(set(starts))`, without hashing and sorting every date.
    if not all(map(lt, starts, starts[1:])):
        dispenses.sort(key=_dispense_order)
    stated = [e.days_supply for e in dispenses if e.days_supply is not None and e.days_supply > 0]
    if not stated:
        # Fills on record, none stating its days: nothing to count, but not "no dispensing data".
        return Adherence(AdherenceStatus.UNVERIFIED, fills=len(dispenses))
    # Only a dispense without daysSupply uses the median of the stated ones.
    fallback = float(median(stated)) if len(stated) < len(dispenses) else 0.0
    first = dispenses[0].start
    if window_end <= first:
        window_end = first + timedelta(days=1)
    # Day numbers (date ordinals), not dates: the loop runs once per fill, and integer sums cost a
    # fraction of building a timedelta for each (issue 14).
    window = window_end.toordinal()
    gap_days = policy.refill_gap_weeks * 7
    lapse_days = policy.supply_gap_days
    covered = 0
    supply_end = first.toordinal()  # first day without supply on hand
    gaps: list[RefillGap] = []
    lapses: list[RefillGap] = []
    on_hold: list[RefillGap] = []  # supply gaps inside a documented hold
    by_ward: list[RefillGap] = []  # supply gaps ward doses filled (`given`)
    held_days = 0
    # Day numbers, as the loop's: asked only of a course with a held order (most have none).
    hold_days = [(a.toordinal(), b.toordinal()) for a, b in holds]
    # Dispenses handed over on one day (two strengths of one drug: sertraline 100 mg + 50 mg for
    # 150 mg, review 6 finding 2) cover the SAME days, side by side: the day's longest supply
    # counts once. Carrying one after the other would double the days covered and read half the
    # supply as PDC 100 %; the parallel reading never claims more supply than the fills show.
    previous_day = -1
    day_begin = 0
    first_day = first.toordinal()
    last_fill = first
    for event in dispenses:
        start = event.start.toordinal()
        if start > window:
            break
        # A fill handed over ON the window's end (today's fill, the window ending at as-of; review
        # s28 RH finding 2) is a fill: its supply starts that day, so no supply ran out, though it
        # covers no day of the window (the window's days are those before it). Read here, it is
        # the loop's usual arithmetic: the stretch before it is the trailing stretch the window's
        # end would be, and it covers `window - begin` = 0 days.
        last_fill = event.start
        days = event.days_supply
        if not (days is not None and days > 0):
            days = fallback
        whole = _WHOLE_DAYS.get(days)
        length = whole if whole is not None else round(days)
        if start == previous_day:
            # Same day as the previous fill: in parallel from the same first day.
            begin = day_begin
            end = begin + length
            if end <= supply_end:
                continue
            held = (end if end < window else window) - (supply_end if supply_end > begin else begin)
        else:
            previous_day = start
            stretch = start - supply_end
            if given and stretch > 0:  # ward doses in a gap (rare: a stay during the course)
                stretch, ward_days = _uncovered(supply_end, start, window, given)
                covered += ward_days
                if start - supply_end >= lapse_days > stretch:
                    by_ward.append(RefillGap(date.fromordinal(supply_end), event.start))
            if stretch > gap_days:
                gaps.append(RefillGap(date.fromordinal(supply_end), event.start))
            if stretch >= lapse_days:
                lapse = RefillGap(date.fromordinal(supply_end), event.start)
                if start - supply_end <= gap_days and _inside(supply_end, start, hold_days):
                    on_hold.append(lapse)
                    held_days += start - supply_end
                else:
                    lapses.append(lapse)
            begin = start if start > supply_end else supply_end
            day_begin = begin
            end = begin + length
            held = (end if end < window else window) - begin
        if end > _LAST_DAY:
            # Past the calendar: date arithmetic raises for it as it always did.
            date.fromordinal(begin) + timedelta(days=round(days))
        if held > 0:
            covered += held
        if end > supply_end:
            supply_end = end
    stretch = window - supply_end
    if given and stretch > 0:
        stretch, ward_days = _uncovered(supply_end, window, window, given)
        covered += ward_days
        if window - supply_end >= lapse_days > stretch:
            by_ward.append(RefillGap(date.fromordinal(supply_end), window_end))
    if stretch > gap_days:
        gaps.append(RefillGap(date.fromordinal(supply_end), window_end))
    if stretch >= lapse_days:
        lapse = RefillGap(date.fromordinal(supply_end), window_end)
        if window - supply_end <= gap_days and _inside(supply_end, window, hold_days):
            on_hold.append(lapse)
            held_days += window - supply_end
        else:
            lapses.append(lapse)
    pdc = round(covered / (window - first_day - held_days), 4)
    # The first day without supply, when the window runs past the last fill's days (review s20
    # RA finding 4: trial_record reads it; supply_breaks.py says why). A ward dose given after
    # the last fill's days is supply too (review s28 RH finding 1: a stay that gave the drug
    # every day up to discharge read "no supply since" the last home fill's end): supply runs at
    # least to the day after the last ward day given in the window.
    if given and supply_end < window:
        supply_end = max(supply_end, _after_ward(given, supply_end, window))
    until = date.fromordinal(supply_end) if supply_end < window else None
    ok = pdc >= policy.pdc_threshold and not gaps
    if ok:
        # No refill to judge (module docstring): the first fill is named instead of a PDC that
        # claims more than the record shows. The first day's supply is read here, not per fill.
        first_days, refilled = _first_fill(dispenses, fallback, window_end)
        if not refilled or window - first_day <= first_days:
            return Adherence(
                status=_UNVERIFIED,
                refill_gaps=tuple(gaps),
                supply_gaps=tuple(lapses),
                held_gaps=tuple(on_hold),
                ward_covered=tuple(by_ward),
                fills=len(dispenses),
                estimated=any(map(_SUPPLY_ESTIMATED, dispenses)),
                first_fill=Fill(first, first_days),
                supply_until=until,
                last_fill=None if until is None else last_fill,
            )
    return Adherence(
        status=_VERIFIED if ok else _POOR,
        pdc=pdc,
        refill_gaps=tuple(gaps),
        supply_gaps=tuple(lapses),
        held_gaps=tuple(on_hold),
        ward_covered=tuple(by_ward),
        fills=len(dispenses),
        # Days of some fills estimated from quantity and the order's dose (review 6 finding 9):
        # the cards and packet say so beside the PDC.
        estimated=any(map(_SUPPLY_ESTIMATED, dispenses)),
        supply_until=until,
        last_fill=None if until is None else last_fill,
        pdc_line=policy.pdc_threshold,
    )


def _uncovered(first: int, end: int, window: int, given: AbstractSet[int]) -> tuple[int, int]:
    """(The longest stretch of days `first` to `end` (day numbers, end exclusive) with no ward
    dose given, how many of those days before `window` a ward dose was given on)."""
    longest = run = ward = 0
    for day in range(first, end):
        if day in given:
            run = 0
            ward += day < window
        else:
            run += 1
            longest = max(longest, run)
    return longest, ward


def _after_ward(given: AbstractSet[int], first: int, window: int) -> int:
    """The day after the last ward day given from `first` to `window` (day numbers, window
    exclusive); `first` when none was."""
    last = max((day for day in given if first <= day < window), default=first - 1)
    return last + 1


def _inside(first: int, end: int, holds: Sequence[tuple[int, int]]) -> bool:
    """True when the days `first` to `end` (day numbers, end exclusive) lie inside one of
    `holds` (day numbers: from, until)."""
    return any(start <= first and end <= until for start, until in holds)


def _first_fill(
    dispenses: Sequence[MedicationEvent], fallback: float, window_end: date
) -> tuple[int, bool]:
    """(The first hand-over day's longest supply in whole days, as `dispense_adherence` counts
    them; whether a later hand-over day falls before `window_end`, i.e. a refill was made).
    `dispenses` in hand-over order; a fill without days takes `fallback`."""
    first = dispenses[0].start
    longest = 0
    for event in dispenses:
        if event.start != first:
            return longest, event.start < window_end
        days = event.days_supply
        if not (days is not None and days > 0):
            days = fallback
        whole = _WHOLE_DAYS.get(days)
        length = whole if whole is not None else round(days)
        if length > longest:
            longest = length
    return longest, False


def response_before_gap(trial: Trial, scores: Iterable[Score], *, from_week: float) -> Score | None:
    """The latest PHQ-9 that showed response (>= 50 % drop from the trial's baseline) while the
    drug was on hand, before the supply gap its on-treatment score was taken in; else None.

    Review 6 finding 1: response on the drug, then a PHQ-9 back at baseline seven weeks into a
    lapse, is a relapse off the drug, not a failed trial. Scores from `from_week` (the policy's
    on-treatment window) count, as for the on-treatment score.
    """
    gap = trial.outcome_gap
    baseline = trial.baseline
    if gap is None or baseline is None or not baseline.value:
        return None
    first = trial.start + timedelta(days=round(from_week * 7))
    cut = baseline.value * RESPONSE_FRACTION
    hits = [
        s
        for s in scores
        if s.instrument == "PHQ-9"
        and s.value is not None
        and first <= s.date < gap.start
        and s.value <= cut
    ]
    return max(hits, key=lambda s: s.date) if hits else None
