"""An `active` order no fill shows taken: how long the record supports it, and how the cards
say an order the chart's fill feed shows unfilled.

THE RULE (the lead's decision, session 31 orders32): "a card never claims more than the record
shows". An `active` MedicationRequest with no dispense of its drug dated on or after it counts as
taken only over the supply it authorises (`authorised_until`): its dispenseRequest.validityPeriod
end, or its day + one fill (expectedSupplyDuration, else quantity / daily dose:
medication_supply.order_supply) x (1 + numberOfRepeatsAllowed), the earlier when both are
stated; and never past rule 2c's window (event_spans._span: statement_confirmed_days after the
latest record of the drug, the window an old MedicationStatement gets). An order stating none
of these takes rule 2c's window alone, as before (review s21 RN finding 5). After that the time
is not counted and the course is listed, in rule 2c's words ("order of 2023-03-01 still active,
never filled or renewed since: time after 2023-08-28 not counted"); the course still appears (it
was prescribed). A renewal (a newer order of the same drug) is a record of the drug: it moves
rule 2c's confirmation to its day and covers its own supply, so the course joins across it (rule
3: a gap under new_trial_gap_weeks).

This holds whether or not the chart carries a fill feed. With one (review s23 RO finding 2): an
Oracle Millennium order of escitalopram 20 mg, 30 tablets with 5 refills (at most 180 days
authorised), active and never filled in 19 months, while the same chart's MedicationDispense
feed carried every sertraline fill, read "2025-05-05 -> 2026-12-01: 20 mg/day (575 days),
verdict: adequate": two adequate trials failed, the Maudsley score and the TMS trial count, on a
drug the record never shows dispensed. Oracle's own documentation says of a MedicationRequest
that "the system may not know if the patient ever filled or took the prescribed medication".
Without one (orders32; tests/services/test_course31.py item 3): an order of venlafaxine of
2023-03-01 with six months authorised, on a chart that sends no dispense, read as a course
running in 2026-12, its scoring window open to a PHQ-9 three years on: "1 adequate trial failed
(venlafaxine)". There the order is all the record has, and it shows six months authorised, not
three years taken. Not when the order carries adherence documented on it (the US Core
medication-adherence extension, MedicationEvent.reported_adherence): someone asked whether the
patient takes it, and the card names that answer (adherence.py); rule 2b's reading stands.

Which dispenses show the chart carries a fill feed (`fill_feed`, review s23 RR finding 1 and RR2
finding 5): every MedicationDispense of the patient, WHATEVER ITS DRUG AND STATUS but
entered-in-error, dated (whenHandedOver, else whenPrepared: medication_dates.py) on or before
as-of or not dated at all. A phenelzine order of 2024, never filled, beside twelve lisinopril fills
read an adequate failed trial; a pharmacy feed that sends a patient's lisinopril fills sends the
fills of any drug the same pharmacies dispense. A declined, cancelled or stopped dispense is a
record of that feed too (FHIR R4 MedicationDispense.status: "declined: the dispense was declined
and not performed"): an escitalopram order whose only dispense was declined for prior
authorisation read "2025-06-01 -> 2026-12-01 (548 days), adequate", a failed trial the record
shows was never dispensed; a chart whose only dispense was a cancelled lisinopril one read the same. Fix span74: an order is read so
only where feed_coverage.on_feed dates the feed by a pathway drug's fill (else orders-only).
Only entered-in-error says the record itself was a mistake. A replay still sees the chart as it was
that day (a dispense dated after as-of is no record yet); an undated one is counted, the safer
error (it lists an order, it never claims weeks). `dispense_on_record` reads only the type,
status and those dates of each dispense and stops at the first that counts; it is asked only when
no dispense event already shows the feed. Listing an unfilled order is the safer error: it claims
no weeks the record does not show, and the safety checks still see the drug (a listed MAOI order is
still critical).

Such a dispense OF THE ORDER (its authorizingPrescription) or of its drug on or after the order
(`refused_fills`, `mark_unfilled`) is said beside the listing: "fill declined 2025-06-02" (or
cancelled, stopped; Trial.fill_refused), so the adherence card says why the order is unfilled.
And an order-only course inside rule 2c's window, no fill of it yet while the feed exists, is
marked Trial.awaiting_fill (review s23 RR2 finding 6): the order cards said "phenelzine (MAOI) is
running" of a phenelzine order of ten days ago never filled; they say "ordered 2026-11-21, no fill
yet" (services/taken_to_confirm.course_claim), the indicator unchanged.

Those markings (`mark_unfilled`) need a fill feed (`fill_feed` True): many feeds send no
dispense, and there no fill yet is news of nothing. There an order-only course no fill shows
(listed, or its authorised supply run out) is marked Trial.no_fill_feed instead (orders33): the
cards say "no fill on record", never "never filled or renewed", which claims more than a chart
that sends no dispense shows.

How an order's authorised supply ends (orders33, the lead's refinement): exactly as a filled
course's last supply does (supply_breaks.py, course_support._supply_out_since). Inside
supply_gap_days after it the order runs as before (no gap yet); from then on the course "may be
running: no supply since DATE", judged up to that day (Trial.supply_ran_out, event_spans._span's
_Span.authorised_end); and only statement_confirmed_days after it is it listed, in the words
above. Not where the chart's fill feed shows the order never filled (`fills_elsewhere`: review
s23 RO finding 2): that feed is evidence the drug was not dispensed, so the order is listed once
its supply ends and never judged a trial. An Epic order of venlafaxine of 2026-06-01 with 90 days authorised read "listed" on
2026-12-01 at once under the first attempt, while a filled course whose last fill ran out the
same day read "may be running" for a year. Nor does it wait for a long authorised supply's end
(orders35, `unfilled_on_feed`): one fill's time plus supply_gap_days with no fill on the feed
lists it ("never filled"), and before that it reads "ordered <date>, no fill yet", never judged
a trial either (Trial.feed_unfilled): 28 days x 12 repeats read 26 weeks adequate, failed. A
supply run out by as-of is counted to that one fill too (orders36): 30 x 3 read 12.9 weeks.

When the drug's next record comes after the order's authorised supply ran out (orders34,
recheck K29a findings 1 and 2): a renewal is its own stretch, the order ending at its authorised
end and the gap judged as a filled course's supply gap (order_gaps.py); a first fill with no
renewal between starts the course, the order running from it as a filled order does, the time
before it not counted. Either note says which ("renewed 2025-05-20, no fill"; "counted from its
first fill, 2025-11-01"). Without the cap, a fill ten months on ran the order from its own day:
47.7 weeks adequate, "1 adequate trial failed".
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from fhir_mapping.authorising_order import the_order
from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.medication_dates import parse_date
from fhir_mapping.medication_drug import NO_MEDICATIONS, medication_index, read_drug
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.trial import Trial
from fhir_mapping.trial_parts import DoseBasis, Role

# The one dispense status that says the record itself was a mistake: no record of the feed.
_VOID = "entered-in-error"
# The dispense statuses that say a fill was not made (FHIR R4 MedicationDispense.status), as the
# card says them: "fill declined 2025-06-02".
_NOT_MADE = {"declined": "declined", "cancelled": "cancelled", "stopped": "stopped"}
_DISPENSE_TYPE = "MedicationDispense"
# How a note says an order was counted to the supply it authorises (event_spans._span): also how
# `_never_filled` knows an order stating its supply from one rule 2c alone reads.
AUTHORISED_END = " (its authorised supply's end)"
# orders35: the same for an order a fill feed shows unfilled one fill's time plus supply_gap_days
# on, listed before its authorised supply ends (`unfilled_on_feed`).
ONE_FILL = " (one fill's supply; the fill feed shows none)"
# orders35: the note of an order-only course a fill feed shows no fill of yet (`unfilled_on_feed`):
# running, "no fill yet", never judged a trial (`mark_unfilled`: Trial.feed_unfilled).
AWAITING_ON_FEED = "no fill on the chart's fill feed yet: not judged a trial"
# orders35: the note of an order counted inside its authorised supply on a chart that sends no
# dispense (event_spans._span): `mark_unfilled` marks it Trial.no_fill_feed.
ORDERS_ONLY = "order only, no fill on record: counted over the supply it authorises"
_ORDER_TYPE = "MedicationRequest"


def fills_on_record(events: Sequence[MedicationEvent]) -> bool:
    """Whether any dispense is among the chart's medication events (the feed carries fills)."""
    return any(e.kind is EventKind.DISPENSE for e in events)


def dispense_day(resource: Mapping[str, Any]) -> date | None:
    return parse_date(resource.get("whenHandedOver")) or parse_date(resource.get("whenPrepared"))


def dispense_on_record(resources: Iterable[Mapping[str, Any]], as_of: date) -> bool:
    """Whether `resources` (the patient's medication resources) hold a MedicationDispense of any
    drug, not entered-in-error, dated on or before `as_of` or undated (module docstring): only
    its type, status and dates are read, and the walk stops at the first."""
    for resource in resources:
        if resource.get("resourceType") == _DISPENSE_TYPE and resource.get("status") != _VOID:
            day = dispense_day(resource)
            if day is None or day <= as_of:
                return True
    return False


def fill_feed(
    usable: Sequence[MedicationEvent], resources: Iterable[Mapping[str, Any]], as_of: date
) -> bool:
    """Whether the chart carries a fill feed (module docstring): a dispense among the usable
    events (rule 1: completed, by as-of), else any dispense on record by as-of."""
    return fills_on_record(usable) or dispense_on_record(resources, as_of)


@dataclass(frozen=True, slots=True)
class RefusedFill:
    """A dispense that says a fill was not made: its status word, day, order and drugs."""

    status: str
    day: date | None
    order: str | None  # the id of the one order it names (authorising_order.the_order)
    ingredients: frozenset[str]

    def words(self) -> str:
        """ "fill declined 2025-06-02" ("fill declined" when undated)."""
        when = f" {self.day.isoformat()}" if self.day is not None else ""
        return f"fill {self.status}{when}"


def refused_fills(resources: Iterable[Mapping[str, Any]], as_of: date) -> list[RefusedFill]:
    """The declined, cancelled and stopped dispenses among `resources`, dated on or before
    `as_of` or undated (module docstring); [] for nearly every chart, read no further."""
    resources = list(resources)
    found = [
        r
        for r in resources
        if r.get("resourceType") == _DISPENSE_TYPE
        # A malformed status (an object, a list) is absent: no refused fill, never a 500.
        and isinstance(r.get("status"), str)
        and r["status"] in _NOT_MADE
    ]
    if not found:
        return []
    medications: Mapping[str, Mapping[str, Any]] | None = None
    refused = []
    for resource in found:
        day = dispense_day(resource)
        if day is not None and day > as_of:
            continue
        if medications is None and resource.get("medicationReference") is not None:
            medications = medication_index(resources)
        components = read_drug(resource, medications or NO_MEDICATIONS)[0]
        refused.append(
            RefusedFill(
                _NOT_MADE[resource["status"]],
                day,
                the_order(resource),
                frozenset(c.ingredient for c in components),
            )
        )
    return refused


def refusal(trial: Trial, refused: Sequence[RefusedFill]) -> str:
    """The words of the latest refused fill of `trial`'s orders, or of its drug on or after its
    start (module docstring); "" when none."""
    orders = {s.id for s in trial.sources if s.resource_type == _ORDER_TYPE}
    mine = [
        r
        for r in refused
        if r.order in orders
        or (trial.ingredient in r.ingredients and r.day is not None and r.day >= trial.start)
    ]
    if not mine:
        return ""
    return max(mine, key=lambda r: r.day or date.min).words()


def order_only(trial: Trial) -> bool:
    """Whether only orders make the course, of a pathway drug the patient takes daily: a drug
    given in clinic (esketamine sessions, long-acting injections: dose_basis.py) is no pharmacy
    fill, so a fill feed says nothing of it (its sessions on record show it given); nor is a drug
    read only as an interaction partner (Role.INTERACTING: St John's wort is bought over the
    counter, tests/services/test_e2_sources.py)."""
    if trial.dose_basis is not DoseBasis.DAILY or trial.role is Role.INTERACTING:
        return False
    if not trial.sources:
        return False
    return all(s.resource_type == _ORDER_TYPE for s in trial.sources)


def _never_filled(trial: Trial) -> bool:
    """A listed order-only course no fill of which is on record, on a chart with a fill feed:
    that feed shows the drug never dispensed (module docstring, RO finding 2). Only orders
    stating their supply (counted to its end: AUTHORISED_END): one stating none reads rule 2c
    alone, as an old statement, judged as before (tests/bench: the series stay like for like)."""
    return (
        trial.unconfirmed_order
        and trial.adherence.fills == 0
        and order_only(trial)
        and any(AUTHORISED_END in n or ONE_FILL in n for n in trial.notes)
    )


def unfilled_on_feed(
    event: MedicationEvent, counted: date, as_of: date, policy: MappingPolicy
) -> tuple[date, str, bool]:
    """An order stating its supply, no record of its drug after it, on a chart with a fill feed
    (orders35, recheck K30b finding 1): the day it is counted to, what its listing says after
    that day, and whether it still awaits its first fill (then the words are its note: running,
    never judged a trial, `mark_unfilled`). Listed once the feed has had one fill's time plus
    supply_gap_days with no fill, counted to that one fill (ONE_FILL): an Epic order of 28 days x
    12 repeats read 26 weeks adequate, failed, "consider TMS referral", the feed carrying
    lisinopril every month. Whether or not its authorised supply has run out by as-of (orders36,
    recheck K32a finding 4: 30 days x 3, ended 2026-10-30, counted all 12.9 weeks, one x 12 one
    fill: the same feed said the same of both); an order authorising one fill alone ends there
    anyway (AUTHORISED_END is said). Its authorised supply run out before one fill's time plus
    supply_gap_days (a validityPeriod ending early): listed there, as before ("")."""
    if event.dose_basis is not DoseBasis.DAILY or event.role is Role.INTERACTING:
        # A drug given in clinic or read only as an interaction partner: no pharmacy fill to
        # await (`order_only`); read as before.
        return counted, "", False
    days = event.days_supply
    if days is not None and days > 0:
        first = event.start + timedelta(days=round(days))
        if (as_of - first).days >= policy.supply_gap_days:
            return min(first, counted), ONE_FILL, False
    if counted < as_of:
        return counted, "", False
    return counted, f"{event.source}: {AWAITING_ON_FEED}", True


def mark_unfilled(
    trials: Sequence[Trial],
    resources: Iterable[Mapping[str, Any]],
    feed: bool,
    as_of: date,
    before_feed: Callable[[Trial], str] = lambda _: "",
    covered: Callable[[Trial], bool] = lambda _: True,
) -> tuple[Trial, ...]:
    """`trials` with the unfilled orders marked (module docstring): Trial.fill_refused on a
    listed never-filled order or an order awaiting its fill; Trial.awaiting_fill on a running
    order-only course inside rule 2c's window while the chart carries a fill feed. Without a
    feed, Trial.no_fill_feed on an order-only course no fill shows (orders33): the cards say
    "no fill on record". `before_feed` (span73, feed_coverage.py): Trial.fills_from's words;
    `covered` (span74, feed_coverage.covers): False reads a course as on a chart with no feed."""
    if not feed:
        return tuple(_orders_only(t) for t in trials)
    refused: list[RefusedFill] | None = None
    out = []
    for trial in trials:
        if not covered(trial):
            # span74: an order before the feed's first pathway fill, or a feed of other drugs
            # alone: the order is all the record has (feed_coverage.py), and the cards say why.
            marked = _orders_only(trial)
            out.append(replace(marked, fills_from=said) if (said := before_feed(trial)) else marked)
            continue
        awaiting = (
            trial.ongoing
            and not trial.listed
            # A medication-list entry (Trial.report_only: the patient's report, or a reported
            # order a clinician entered, recheck K4 s27 finding 1) awaits no pharmacy fill.
            and not trial.report_only
            and trial.adherence.last_fill is None
            # A course the ward MAR charts (given or offered) is supplied by the ward, not
            # awaiting a pharmacy fill (review s27 RB finding 4: "ordered (no fill yet)" of a
            # venlafaxine given on 46 of 46 ward days).
            and trial.adherence.ward is None
            and order_only(trial)
        )
        if trial.unconfirmed_order or awaiting:
            if refused is None:
                refused = refused_fills(resources, as_of)
            trial = replace(
                trial,
                awaiting_fill=trial.start if awaiting else None,
                fill_refused=refusal(trial, refused),
            )
            if _never_filled(trial) or (
                awaiting and any(AWAITING_ON_FEED in n for n in trial.notes)
            ):
                # orders34 (recheck K29a finding 3): never judged a trial, so never a failed
                # one (Trial.feed_unfilled): two venlafaxine orders neither filled, the feed
                # carrying lisinopril's fills, read "1 adequate trial failed, venlafaxine to
                # confirm" on a PHQ-9 inside the renewal's authorised supply.
                trial = replace(trial, feed_unfilled=True)
        elif said := before_feed(trial):
            trial = replace(trial, fills_from=said)  # span73: counted, the cards say why
        out.append(trial)
    return tuple(out)


def _orders_only(trial: Trial) -> Trial:
    """`trial` as on a chart that sends no dispense: Trial.no_fill_feed on an order-only course
    no fill shows (orders33), inside its authorised supply too (orders35, recheck K30b f2)."""
    if (
        trial.unconfirmed_order
        or trial.supply_ran_out is not None
        or any(ORDERS_ONLY in n for n in trial.notes)
    ) and (trial.adherence.last_fill is None and order_only(trial)):
        return replace(trial, no_fill_feed=True)
    return trial


def authorised_until(event: MedicationEvent) -> date | None:
    """The day the supply an `active` order no fill shows taken authorises runs out (module
    docstring), when the rule applies: an order stating its supply (its validityPeriod's end,
    one fill times 1 + its repeats, the earlier when both are stated) and no adherence documented
    on it. Asked only of an order with no fill in its window (first_fill.first_fill_in_window):
    a fill of its drug outside it, however long after, is its own course start, never a fill of
    this order (orders34, recheck K29a finding 1: "did a dispense of the drug come on or after
    the order" let an order of 2025-01-01 with 30 days authorised, filled once on 2025-11-01,
    read 47.7 weeks taken). None otherwise (the order keeps its reading: rule 2c for an order
    stating no supply, rule 2b for one documented adherence shows taken)."""
    if event.kind is not EventKind.ORDER or event.reported_adherence is not None:
        return None  # taking it was asked and documented on the order (module docstring)
    ends = [] if event.valid_until is None else [max(event.valid_until, event.start)]
    days = event.days_supply
    if days is not None and days > 0:
        ends.append(event.start + timedelta(days=round(days * (1 + max(event.refills, 0)))))
    return min(ends, default=None)


def next_record(
    start: date, dispense_starts: Sequence[date], order_starts: Sequence[date]
) -> tuple[date, bool] | None:
    """The first dispense or order of the drug after `start` (both lists sorted) and whether it
    is an order (a renewal), else None."""
    after = [
        (starts[i], is_order)
        for starts, is_order in ((order_starts, True), (dispense_starts, False))
        if (i := bisect_right(starts, start)) < len(starts)
    ]
    return min(after, key=lambda a: (a[0], not a[1])) if after else None


def supply_gap_words(
    event: MedicationEvent, counted: date, after: tuple[date, bool], feed: bool
) -> str | None:
    """The note of an unfilled order whose authorised supply ran out before the drug's next
    record (orders34, recheck K29a findings 2 and 4): "renewed 2025-05-20, no fill" (its own
    date, never "not confirmed since" the renewal's), "no fill on record" without a fill feed
    (orders33); None when the next record comes within its supply (no gap)."""
    day, renewal = after
    if day <= counted:
        return None
    if renewal:
        what = f"renewed {day.isoformat()}, no fill" + ("" if feed else " on record")
    else:
        return (
            f"{event.source}: order of {event.start.isoformat()} active, no fill of its "
            f"authorised supply (to {counted.isoformat()}); counted from its first fill, "
            f"{day.isoformat()}"
        )
    return (
        f"{event.source}: order of {event.start.isoformat()} active, {what}; counted to "
        f"{counted.isoformat()}{AUTHORISED_END}, the time up to "
        f"{day.isoformat()} not counted"
    )
