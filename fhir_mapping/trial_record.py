"""One course -> its Trial: dose segments, adherence, intolerance, verdict and notes (rules 5 to 7
of episodes.py, for one course).

`_trial` puts together, for one cluster of spans, what the other modules compute: the covered time
(course_clusters.py) less the refill gaps (adherence.py), the dose segments (dose_timeline.py), the
drug table row for the role the drug plays, the verdict (adequacy.py), the course's own
intolerance, and what the cards say about how far the record supports the course (on hold, listed
but not confirmed since, days assumed, dose basis and equivalence). Apart from episodes.py, which
decides what the courses are and how they relate to one another (a drug's role, the course a
documented intolerance belongs to): this module reads one course at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from operator import attrgetter

from fhir_mapping.adequacy import adequate_from, judge
from fhir_mapping.adherence import UNVERIFIED, dispense_adherence, outside_tail, with_reported
from fhir_mapping.combination_products import course_product
from fhir_mapping.course_clusters import _Cluster, _coverage, _without, statement_tail
from fhir_mapping.dose_timeline import _dose_on, _segment, _segments, _timeline
from fhir_mapping.drug_table import DrugInfo
from fhir_mapping.event_spans import _Span
from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.fixed_course import fixed_course
from fhir_mapping.formulations import ceiling_of
from fhir_mapping.indications import course_indication
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import (
    Adherence,
    AdherenceStatus,
    DoseBasis,
    InadequacyReason,
    IndicationCategory,
    Intolerance,
    Role,
    StatedReason,
    Trial,
    Verdict,
    WrittenDates,
)
from fhir_mapping.taper import taper_timeline

DrugLookup = Callable[[str, Role], DrugInfo | None]  # drug_table.drug_info(ingredient, role)

# Enum members compared once per event, as module constants: on Python 3.11 reading a member off
# its Enum class costs about ten times reading a global (issue 14).
_DISPENSE = EventKind.DISPENSE
_ORDER = EventKind.ORDER
_ANTIDEPRESSANT = Role.ANTIDEPRESSANT
_AUGMENTATION = Role.AUGMENTATION
_DAILY = DoseBasis.DAILY
_POOR = AdherenceStatus.POOR
_INTOLERANCE = InadequacyReason.INTOLERANCE

# The order a trial's notes come in: by span start, then end, then event key.
_NOTE_ORDER = attrgetter("start", "end", "key")
_SOURCE_ID = attrgetter("id")
_SOURCE_TYPE = attrgetter("resource_type")
_TAPER = attrgetter("taper")
_REASONS = attrgetter("reasons")
_DEPRESSION_REASON = IndicationCategory.DEPRESSION


def _info(lookup: DrugLookup, ingredient: str, role: Role) -> DrugInfo | None:
    """The table row for the role the drug plays here, else its other row (bupropion, mirtazapine
    have both an antidepressant and an adjunct row)."""
    other = _AUGMENTATION if role is _ANTIDEPRESSANT else _ANTIDEPRESSANT
    return lookup(ingredient, role) or lookup(ingredient, other)


def _as_needed(events: Sequence[MedicationEvent]) -> bool:
    """Mirtazapine for sleep (review 6 finding 10): every dosage on record for the course says
    "as needed" (events without a dosage, such as a dispense without a sig, say nothing). A
    course with one scheduled dosage is a course, not a sleep aid."""
    stated = [e.as_needed for e in events if e.as_needed is not None]
    return bool(stated) and all(stated)


def _trial(
    ingredient: str,
    cluster: _Cluster,
    role: Role,
    lookup: DrugLookup,
    as_of: date,
    policy: MappingPolicy,
    documented: Sequence[Intolerance] = (),
) -> Trial:
    spans = cluster.spans  # in _event_key order (`_cluster`)
    events = [s.event for s in spans]
    info = _info(lookup, ingredient, role)
    start = cluster.start
    ongoing = cluster.end >= as_of
    end = cluster.end if cluster.end < as_of else as_of
    dispenses = [e for e in events if e.kind is _DISPENSE]
    # Review 11 finding 6: days only statements cover after the local supply are unverified,
    # not a supply gap (course_clusters.statement_tail, adherence.outside_tail): the PDC counts
    # up to them.
    tail = statement_tail(spans, end, policy.supply_gap_days) if dispenses else None
    on_hold, held_supply = _on_hold(spans, as_of)
    window_end = end if tail is None else tail[0]
    if on_hold is not None and on_hold < window_end:
        # Review 14 W6: a deliberate hold is no missed dose. The refill data are judged up to
        # the hold (the last supply, when the record gives no hold date), never over it.
        window_end = on_hold
    adherence = with_reported(
        dispense_adherence(
            dispenses, window_end=window_end, policy=policy, holds=_hold_windows(spans)
        )
        if dispenses
        else UNVERIFIED,
        events,
    )
    if tail is not None:
        adherence = outside_tail(adherence, tail[0], end, [s.event for s in tail[1]])
    coverage = _coverage(spans, end)
    if adherence.supply_gaps or adherence.held_gaps:
        # Review 6 finding 1: a stretch of >= supply_gap_days with no drug dispensed is not time
        # on the drug, even where an open order (rule 2c) or a statement spans it; nor is a held
        # one (review 14 audit W4), though it is no missed dose.
        coverage = _without(coverage, adherence.supply_gaps + adherence.held_gaps)
    timeline = _timeline(events)
    if any(map(_TAPER, events)):  # a Taper is truthy, None is not: at C speed (issue 14)
        timeline = taper_timeline(timeline, events)  # review 10 finding 11: its dose steps
    segments = _segments(coverage, timeline) or (_segment(start, start, _dose_on(timeline, start)),)
    if info is not None:
        minimum, maximum = info.min_adequate_mg, info.max_mg
    else:
        minimum = maximum = None
    # A session or injection drug (dose_basis.py) is never judged in mg/day: no range applies.
    basis, per_administration = _dose_basis(events)
    if basis is not _DAILY:
        minimum = maximum = None
    intolerance = _intolerance(events, documented)
    verdict, reasons, weeks, verdict_notes = judge(
        segments,
        minimum,
        info,
        adherence,
        ongoing,
        ingredient,
        policy,
        intolerant=intolerance is not None,
        as_needed=_as_needed(events)
        if info is not None and info.low_dose_only_as_needed
        else False,
    )
    if (
        verdict is Verdict.ADEQUATE
        and not ongoing
        and intolerance is not None
        and _ended_by_mania(intolerance, events, start, end)
    ):
        # Review 10 recheck R8: a course ended after a manic or hypomanic switch on it is not a
        # non-response (an intolerance, as a course stopped for side effects is), whatever its
        # weeks. A course still running after the reaction keeps its verdict: the diagnosis
        # review names the reaction.
        verdict, reasons, verdict_notes = Verdict.INADEQUATE, (_INTOLERANCE,), ()
    # Zuranolone's 14-day course is never a trial (review 10 finding 2; fixed_course.py).
    fixed = fixed_course(info, ingredient, policy)
    if fixed is not None:
        verdict, reasons, verdict_notes = fixed
    # Contrave's bupropion (a weight-management product) is never a trial (combination_products).
    product, not_a_trial = course_product([e.product for e in events], ingredient)
    before_product = (verdict, reasons, verdict_notes)
    if not_a_trial is not None:
        verdict, reasons, verdict_notes = not_a_trial
    # The orders' and statements' stated reasons (indications.py): a course whose every order
    # and statement states a non-psychiatric reason (Zyban for smoking, duloxetine for
    # neuropathy) is no depression trial. Most courses state none: one attribute read per event
    # (issue 14).
    stated: tuple[StatedReason, ...] = ()
    if any(map(_REASONS, events)):
        # READ12 finding 1: an order or statement stating no reason counts as it always has (a
        # dispense states none in R4, so it says nothing either way).
        unstated = any(not e.reasons and e.kind is not _DISPENSE for e in events)
        stated, other_use = course_indication(
            [r for e in events for r in e.reasons], ingredient, unstated=unstated
        )
        depression = [r for r in stated if r.category is _DEPRESSION_REASON]
        if not_a_trial is not None and product is not None and depression:
            # A product labelled for another use (Zyban, Contrave) whose order states depression:
            # the prescriber's stated reason is the record's word on it, so the course is judged
            # as any (recheck of review 12, q29: Zyban with no reason is no trial).
            verdict, reasons, verdict_notes = before_product
            verdict_notes = (
                *verdict_notes,
                f"{ingredient} taken in {product.brand or product.name}, ordered for "
                f"{depression[0].text}: judged as a depression trial",
            )
        if other_use is not None:
            # The order's own stated reason says more than the product's label (Zyban ordered for
            # Z72.0: "ordered for smoking cessation (Z72.0)"), so it replaces the product's no.
            if verdict is Verdict.NOT_A_TRIAL and not_a_trial is None:
                # Already no trial (low dose, a fixed course, Contrave): its own reason stays,
                # and the stated indication is said beside it.
                verdict_notes = (*verdict_notes, other_use[2])
            else:
                verdict, reasons, verdict_notes = other_use[0], other_use[1], (other_use[2],)
    unshown = _not_shown_taken(events)
    if unshown is not None and verdict is not Verdict.NOT_A_TRIAL:
        # Review 14 W5, W6: orders that authorise nothing (intent plan), of unknown status, or
        # held and never filled, with no fill and no statement: nothing shows the drug was
        # taken. Never a trial, a current one or a failed one, on that alone: to confirm. The
        # course stays in view of the safety checks (a drug possibly taken).
        verdict, reasons, verdict_notes = (
            Verdict.NOT_A_TRIAL,
            (InadequacyReason.NOT_SHOWN_TAKEN,),
            (
                f"{unshown}; no fill or statement on record: not counted as a trial until the "
                "record shows it was taken",
            ),
        )
    if _INTOLERANCE in reasons and adherence.status is _POOR:
        # Judged first with the refill data as they are (intolerance never makes a course look
        # more adequate); then refill data that look poor on a drug stopped or skipped for its
        # side effects are not shown as adherence: no "poor adherence" is read into them.
        adherence = Adherence(
            AdherenceStatus.UNVERIFIED, documented="not judged: the course ended for intolerance"
        )
    # First occurrence of each, in order (a dict, not `not in` a list: a long course of undated
    # fills has a note per fill). Most courses have none: a list, not chained generators.
    # Only the spans with a note are put in _NOTE_ORDER (`_cluster`).
    noted = sorted([s for s in spans if s.note], key=_NOTE_ORDER)
    texts = [s.note for s in noted if s.note]
    for event in events:
        if event.notes:
            texts.extend(n for n in event.notes if n)
    texts.extend(n for n in verdict_notes if n)
    if cluster.restarted_on is not None or cluster.restarted_after is not None:
        texts.extend(_restart_notes(cluster, end))
    if cluster.renewals:
        # Review 10 recheck R3 (course_clusters._renews): one course, its gaps counted as no time.
        texts.append(
            "continuity assumed from renewals ("
            + ", ".join(d.isoformat() for d in cluster.renewals)
            + ") of the same dose: no record shows the supply between them, none shows a stop; "
            "one course, the months between not counted as time on the drug"
        )
    # One per (type, id), in that order: keyed by the pair, hashed at C speed; sorted by id, then
    # (a stable sort) by type, so each sort compares plain strings at C speed rather than
    # (type, id) pairs, whose comparison is several calls each (issue 14: a source per fill).
    by_source = {(e.source.resource_type, e.source.id): e.source for e in events}
    sources = sorted(by_source.values(), key=_SOURCE_ID)
    sources.sort(key=_SOURCE_TYPE)
    return Trial(
        ingredient=ingredient,
        drug_class=info.drug_class if info is not None else events[0].drug_class,
        role=role,
        start=start,
        end=end,
        ongoing=ongoing,
        segments=segments,
        min_adequate_mg=minimum,
        max_mg=maximum,
        weeks_at_adequate_dose=weeks,
        adherence=adherence,
        verdict=verdict,
        reasons=reasons,
        sources=tuple(sources),
        notes=tuple(dict.fromkeys(texts)),
        remission_below=policy.remission_below,
        failure_min_baseline=policy.failure_min_baseline_phq9,
        intolerance=intolerance,
        dose_basis=basis,
        mg_per_administration=per_administration,
        dose_equivalence=_equivalence(events),
        formulation=_formulation(events),
        on_hold=on_hold,
        # Review 14 recheck r10b: a held order's date is the end of its last supply, the last
        # day the record shows the drug taken: a PHQ-9 in the days after it is still the
        # course's, as it is after a course that ran out of supply and stopped (score_windows:
        # on_treatment_days_after_end). A held statement's date is the day the record says it
        # is held, the drug stopped on some day before it: no days after it count.
        held_scored_until=on_hold + timedelta(days=policy.on_treatment_days_after_end)
        if on_hold is not None and held_supply
        else None,
        assumed_days=_assumed_days(spans),
        unconfirmed_since=_unconfirmed_since(spans, as_of),
        # Review 7 finding 6: only a PHQ-9 from this day on decides a failure (Trial.failed).
        adequate_from=adequate_from(segments, minimum, policy)
        if verdict is Verdict.ADEQUATE
        else None,
        written_dates=_written_dates(spans, start, end, ongoing),
        product=product,
        # Review 12 finding 14: only the patient's report behind it, no order or fill.
        patient_reported=all(e.patient_reported for e in events),
        stated_reasons=stated,
        dose_to_confirm_mg=_to_confirm_upper(events),
        stops_on=_stops_on(spans, cluster.end, as_of) if ongoing else None,
        ends_soon=_ends_soon(spans, as_of, policy.cross_taper_weeks) if ongoing else None,
        newer_order_on_hold=_newer_order_on_hold(spans) if on_hold is None else None,
    )


def _stops_on(spans: Sequence[_Span], covered_end: date, as_of: date) -> date | None:
    """As-of, when the course reaches as-of only up to a record's stated end dated that day
    (an order's boundsPeriod.end, a statement's effectivePeriod.end) and no open record runs it
    on (review 14 M4: paroxetine stopped today read "still running"). FHIR Period.end is
    inclusive (a period ending on 2025-06-02 includes that day), so the course covers as-of and
    stays ongoing for the safety checks (an MAOI or an interacting drug drafted on the day of the
    stop still meets it: the safer reading); it does not go on after as-of, which cards say.
    None otherwise (an open order, or supply that runs out on as-of, runs the course on)."""
    if covered_end != as_of:
        return None  # the course runs on after as-of (supply or a later stated end)
    reaching = [s for s in spans if s.end >= as_of]
    stated = [s for s in reaching if s.event.end is not None and s.event.end == as_of]
    if not stated:
        return None
    # Every other record reaching as-of is supply cut at that stated end (rule 2a), never an
    # open order or statement running to as-of.
    if any(s.event.end is None and not s.from_supply for s in reaching):
        return None
    return as_of


def _ends_soon(spans: Sequence[_Span], as_of: date, weeks: float) -> date | None:
    """The latest stated end of the records reaching past as-of when it falls after as-of and
    within `weeks` (MappingPolicy.cross_taper_weeks), and no record runs the course on past it:
    no open order or statement, no supply beyond it. None otherwise (nearly every course)."""
    reaching = [s for s in spans if s.end > as_of]
    stated = [s.event.end for s in reaching if s.event.end is not None]
    if not stated:
        return None
    last = max(stated)
    if not as_of < last <= as_of + timedelta(weeks=weeks):
        return None
    # A span's `end` is exclusive: the day after the last day it covers.
    day = timedelta(days=1)
    if any(s.event.end is None and (not s.from_supply or s.end > last + day) for s in reaching):
        return None
    return last


def _written_dates(
    spans: Sequence[_Span], start: date, end: date, ongoing: bool
) -> WrittenDates | None:
    """The course's dates as written when its start or its end rests on a partial date (review
    10 finding 5): the start when every record starting the course that day writes a partial
    start; the end when the course ended with a record whose end is partial and no other record
    runs as late. None when the course states its days (nearly every course)."""
    if all(s.event.written_dates is None for s in spans):
        return None
    opening = [s.event.written_dates for s in spans if s.start == start]
    first = opening[0] if opening else None
    if first is None or first.start is None or any(w is None or w.start is None for w in opening):
        first = None
    last = None
    if not ongoing:
        ends = [s.event.written_dates for s in spans if s.end >= end]
        if ends and all(w is not None and w.end is not None for w in ends):
            last = ends[0]
    if first is None and last is None:
        return None
    return WrittenDates(
        first.start if first is not None else None,
        last.end if last is not None else None,
        first.earliest_start if first is not None else start,
        last.latest_end if last is not None else (None if ongoing else end),
    )


def _restart_notes(cluster: _Cluster, end: date) -> list[str]:
    """What the record shows of a drug ended by its order and ordered again (review 10 finding
    8, course_clusters._cluster): two courses, each judged on its own, and the time between them
    a stop the prescriber made, not a missed refill."""
    notes = []
    if cluster.restarted_after is not None:
        notes.append(
            f"ordered again on {cluster.start.isoformat()} after its order ended on "
            f"{cluster.restarted_after.isoformat()}: a new course, judged on its own (the "
            f"{(cluster.start - cluster.restarted_after).days} days between are a stop, not a "
            "missed refill)"
        )
    if cluster.restarted_on is not None:
        notes.append(
            f"ended by its order on {end.isoformat()}; ordered again on "
            f"{cluster.restarted_on.isoformat()}"
        )
    return notes


def _assumed_days(spans: Sequence[_Span]) -> int | None:
    """The days counted by assumption (rule 2d) over the course's records without any duration,
    summed; None when every record states one (review 6 finding 8: cards say so)."""
    days = [s.assumed_days for s in spans if s.assumed_days is not None]
    return sum(days) if days else None


def _on_hold(spans: Sequence[_Span], as_of: date) -> tuple[date | None, bool]:
    """The date a course on hold was last taken by the record (review 6 finding 3), when its
    latest order or statement is `on-hold` and no record of the drug after it takes it up
    again; else None. Never after as-of (review 14 W6: the end of a held renewal's assumed fill
    was said as "on hold as of" a future date). With it, True when the date is the end of a held
    order's last fill (Trial.held_scored_until).

    An order's status is its state now, so the dispenses of a held order are its fills before
    the hold: the date is the end of the last supply they carry (FHIR R4 records no hold date on
    the order), or, never filled, the order's own date. A held statement: the last date it
    supports (its dateAsserted, else its start: medication_dates.py).

    A held order is history, not a hold, once the drug is taken up again (review 14 recheck
    WRONG-1, chart o02): a later order or statement of the drug not on hold, or, while an
    `active` order of the drug runs to as-of, a fill after the held order (that running order's
    fill: a held order is not dispensed). Said "on hold" beside a drug filled monthly, the card
    read "not taken since" a day the patient was taking it."""
    held = [s for s in spans if s.covered_until is not None and s.listed is None]
    if not held:
        return None, False
    latest = max(held, key=lambda s: s.start)
    order = latest.event.kind is _ORDER
    # Dispenses after a held order are its own fills before the hold, unless another order of
    # the drug is running now to have authorised them (the event does not carry its
    # authorizingPrescription).
    fills_count = not order or any(
        s.event.kind is _ORDER
        and s.covered_until is None
        and s.event.status == "active"
        and s.end >= as_of
        for s in spans
    )
    if any(
        s.start > latest.start and (fills_count or s.event.kind is not _DISPENSE) for s in spans
    ):
        return None, False  # taken up again after the hold
    day = latest.covered_until or latest.start
    supplied = [s.end for s in spans if s.event.kind is _DISPENSE] if order else []
    if order:
        day = max(supplied) if supplied else latest.start
    return (day if day < as_of else as_of), bool(supplied)


def _held(span: _Span) -> bool:
    """An order or statement on hold (rule 2c: covered up to a day, not a stale listing)."""
    return span.covered_until is not None and span.listed is None


def _takes_up(span: _Span) -> bool:
    """An order or statement of the drug neither on hold nor a stale listing: the record of a
    prescriber running the drug (a dispense only carries the supply of one)."""
    return span.event.kind is not _DISPENSE and span.covered_until is None


def _hold_windows(spans: Sequence[_Span]) -> tuple[tuple[date, date], ...]:
    """(from, until) for each order or statement of the course on hold that a later record took
    up again: from the held record's date to the first order or statement of the drug after it
    not on hold (review 14 audit W4, chart o02: an order left on hold after two fills, a new
    order a month after the last supply ran out). FHIR R4 records no hold date, so a supply gap
    is read as the hold only when it lies wholly between those two records (adherence.py): a
    gap that began before the held record was written, or ran on after the new one, is still a
    gap to ask about (the safer reading: no missed doses are explained away). A held record not
    taken up again gives none: the course is on hold (`_on_hold`) and judged up to it."""
    if not any(map(_held, spans)):
        return ()  # nearly every course
    takers = sorted(s.start for s in spans if _takes_up(s))
    windows: list[tuple[date, date]] = []
    for span in spans:
        if not _held(span):
            continue
        later = [day for day in takers if day > span.start]
        if later:
            windows.append((span.start, later[0]))
    return tuple(windows)


def _newer_order_on_hold(spans: Sequence[_Span]) -> date | None:
    """The date of the latest order of the drug on hold when no order or statement taking the
    drug is dated on or after it (Trial.newer_order_on_hold); else None. Asked only of a course
    not on hold."""
    held = [s.start for s in spans if s.event.kind is _ORDER and _held(s)]
    if not held:
        return None
    latest = max(held)
    if any(s.start >= latest for s in spans if _takes_up(s)):
        return None
    return latest


def _not_shown_taken(events: Sequence[MedicationEvent]) -> str | None:
    """Why nothing in the course shows the drug was taken, when every record of it is an order
    that does not (intent plan, status unknown: MedicationEvent.not_shown_taken; or on hold and,
    the course having no dispense, never filled); else None. One fill, one statement or one
    order of known status and intent counts the course as before."""
    whys: list[str] = []
    for event in events:
        if event.kind is not _ORDER:
            return None
        why = event.not_shown_taken
        if why is None and event.status == "on-hold":
            why = "on hold, never filled"
        if why is None:
            return None
        whys.append(f"{event.source}: {why}")
    return "; ".join(dict.fromkeys(whys)) or None


def _unconfirmed_since(spans: Sequence[_Span], as_of: date) -> date | None:
    """The last date the record confirms a course kept running only by stale `active`
    statements (rule 2c, review 6 finding 11); None when no stale statement is in the course or
    another record covers it up to as-of."""
    listed = [s.listed for s in spans if s.listed is not None]
    if not listed:
        return None
    for span in spans:
        if span.listed is None:
            end = span.covered_until or span.end
            if end >= as_of:
                return None
    return max(listed)


def _equivalence(events: Sequence[MedicationEvent]) -> str | None:
    """The dose-equivalent key shared by every event of the course (all Aplenzin, all Prozac
    Weekly), else None: a course mixing forms is shown in the reference mg it is judged in."""
    first = events[0].dose_equivalence if events else None
    if first is None:
        return None
    return first if all(e.dose_equivalence == first for e in events) else None


def _formulation(events: Sequence[MedicationEvent]) -> str | None:
    """The formulation the course is taken in now (Trial.formulation): that of its latest event
    naming one. Where that day's events name several (an SR order filled as XL), the one with
    the lowest daily ceiling: the safer reading for a raise and for "above the maximum". A later
    event naming none (a text-only order) does not clear it, for the same reason."""
    named = [e for e in events if e.formulation is not None]
    if not named:
        return None  # nearly every course
    last = max(e.start for e in named)
    keys = {e.formulation for e in named if e.start == last and e.formulation is not None}
    return min(keys, key=lambda k: (ceiling_of(k) or float("inf"), k))


def _to_confirm_upper(events: Sequence[MedicationEvent]) -> float | None:
    """The highest reading of the course's latest stated dose when it is to confirm (Trial.
    dose_to_confirm_mg), else None. The dose timeline keeps no such dose (no mg/day is
    proven, so the segment's dose is unknown or the one before it), and the running-drug
    ceilings missed it: citalopram lines reading up to 40 mg/day at 70 got no age-limit card.
    "To confirm" is an event with no lower end and an upper one (taper._to_confirm's unclear
    unsequenced lines; "up to 40 mg" with no lower end, dose.daily_dose_bounds). The latest day
    on which any event states a dose decides: a later clear dose supersedes it; on one day, the
    highest to-confirm reading counts (the safer one for a ceiling)."""
    last: date | None = None
    highest: float | None = None
    for event in events:
        low, high = event.mg_per_day, event.mg_per_day_high
        if low is None and high is None:
            continue  # states no dose: the reading before it holds, as on the timeline
        if last is None or event.start > last:
            last, highest = event.start, None
        elif event.start < last:
            continue
        if low is None and high is not None:
            highest = high if highest is None else max(highest, high)
    return highest


def _dose_basis(events: Sequence[MedicationEvent]) -> tuple[DoseBasis, float | None]:
    """The basis of the latest event (oral aripiprazole bridging to its injection ends as an
    injection course) and the latest known dose per session or injection."""
    basis = events[-1].dose_basis if events else _DAILY
    if basis is _DAILY:
        return basis, None
    doses = [e.mg_per_administration for e in events if e.mg_per_administration is not None]
    return basis, (doses[-1] if doses else None)


def _ended_by_mania(
    intolerance: Intolerance, events: Sequence[MedicationEvent], start: date, end: date
) -> bool:
    """The course's intolerance is a manic or hypomanic reaction (by its code or its words: the
    judgement the bipolar finding reads, intolerance.py) that ended it: the stop reason of one of
    the course's own records, or a reaction dated within the course."""
    if not intolerance.manic_reaction:
        return False
    if any(e.source == intolerance.source for e in events):
        return True  # its own stop reason: about this very course, whatever its date
    return intolerance.date is not None and start <= intolerance.date <= end


def _intolerance(
    events: Sequence[MedicationEvent], documented: Sequence[Intolerance]
) -> Intolerance | None:
    """The trial's intolerance: a stop reason on one of its events first (it is about this very
    course), else an AllergyIntolerance / AdverseEvent matched to it; the latest of either."""
    own = [e.intolerance for e in events if e.intolerance is not None]
    found = own or list(documented)
    if not found:
        return None
    return max(found, key=lambda i: (i.date or date.min, str(i.source)))
