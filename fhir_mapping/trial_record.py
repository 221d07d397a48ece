"""One course -> its Trial: dose segments, adherence, intolerance, verdict and notes (rules 5 to 7
of episodes.py, for one course).

`_trial` puts together, for one cluster of spans, what the other modules compute: the covered time
(course_clusters.py) less the refill gaps (adherence.py), the dose segments (dose_timeline.py), the
drug table row for the role the drug plays, the verdict (adequacy.py), the course's own
intolerance, and what the cards say about how far the record supports the course (on hold, listed
but not confirmed since, days assumed, dose basis and equivalence). Apart from episodes.py, which
decides what the courses are and how they relate to one another (a drug's role, the course a
documented intolerance belongs to): this module reads one course at a time.

How far the records support the course (a stop or an end stated near as-of, dates written
partial, a restart, days assumed, a hold, a stale listing) is read from its spans in
course_support.py; what its events say of the drug taken (not shown taken, dose equivalence,
formulation, a dose to confirm, the dose basis, its intolerance) in course_events.py. Both are
read by `_trial` only, and keep the underscore names of the fhir_mapping modules' course helpers
(course_clusters._cluster, dose_timeline._segment).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from operator import attrgetter

from fhir_mapping.adequacy import adequate_from, judge
from fhir_mapping.adherence import UNVERIFIED, dispense_adherence, outside_tail, with_reported
from fhir_mapping.agitation_doses import agitation_course
from fhir_mapping.course_clusters import _Cluster, _coverage, _without, end_from, statement_tail
from fhir_mapping.course_events import (
    _as_needed,
    _dose_basis,
    _ended_by_mania,
    _equivalence,
    _formulation,
    _intolerance,
    _not_shown_taken,
    _per_dose,
    _to_confirm_upper,
)
from fhir_mapping.course_notes import _NOTE_ORDER as _NOTE_ORDER
from fhir_mapping.course_notes import course_notes, intolerance_adherence
from fhir_mapping.course_support import (
    _assumed_days,
    _authorised_ran_out,
    _end_not_recorded,
    _ends_soon,
    _hold_windows,
    _newer_order_on_hold,
    _on_hold,
    _order_stopped,
    _stop_recorded_after,
    _stops_on,
    _supply_after_stop,
    _supply_out_since,
    _unconfirmed_order,
    _unconfirmed_since,
    _written_dates,
    held_long,
)
from fhir_mapping.course_use import course_use
from fhir_mapping.dose_not_tolerated import doses_not_tolerated
from fhir_mapping.drug_table import DrugInfo
from fhir_mapping.duration_to_confirm import shown_segments, shown_until
from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.fill_dose import ordered_beside_fills, within_fills
from fhir_mapping.first_fill import ordered_on
from fhir_mapping.fixed_course import fixed_course
from fhir_mapping.injection_tail import InjectionTail
from fhir_mapping.listed_start import listed_to_confirm
from fhir_mapping.lowered_adequacy import adequate_on_fills
from fhir_mapping.order_gaps import with_order_gaps
from fhir_mapping.ordered_injection_tail import ordered_tail
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.raise_unfilled import course_segments, course_timeline
from fhir_mapping.record import (
    AdherenceStatus,
    DoseBasis,
    DoseSegment,
    InadequacyReason,
    Intolerance,
    Role,
    TaperSpan,
    Trial,
    Verdict,
)
from fhir_mapping.sleep_use import sleep_course
from fhir_mapping.supply_breaks import adequate_on_supply
from fhir_mapping.taper import taper_spans
from fhir_mapping.taper_weeks import course_cut
from fhir_mapping.verdict_before_gap import before_gap
from fhir_mapping.ward_adherence import given_days, ward_days, with_ward
from fhir_mapping.ward_stop import ward_stopped

DrugLookup = Callable[[str, Role], DrugInfo | None]  # drug_table.drug_info(ingredient, role)

# Enum members compared once per event, as module constants: on Python 3.11 reading a member off
# its Enum class costs about ten times reading a global (issue 14).
_DISPENSE = EventKind.DISPENSE
_LISTED = "MedicationStatement"  # a statement's own record (a MAR-only run's is not one)
_ANTIDEPRESSANT = Role.ANTIDEPRESSANT
_AUGMENTATION = Role.AUGMENTATION
_DAILY = DoseBasis.DAILY
_POOR = AdherenceStatus.POOR
_INTOLERANCE = InadequacyReason.INTOLERANCE

_SOURCE_ID = attrgetter("id")
_SOURCE_TYPE = attrgetter("resource_type")


def _info(lookup: DrugLookup, ingredient: str, role: Role) -> DrugInfo | None:
    """The table row for the role the drug plays here, else its other row (bupropion, mirtazapine
    have both an antidepressant and an adjunct row)."""
    other = _AUGMENTATION if role is _ANTIDEPRESSANT else _ANTIDEPRESSANT
    return lookup(ingredient, role) or lookup(ingredient, other)


def _trial(
    ingredient: str,
    cluster: _Cluster,
    role: Role,
    lookup: DrugLookup,
    as_of: date,
    policy: MappingPolicy,
    documented: Sequence[Intolerance] = (),
    partial_feed: bool = False,
) -> Trial:
    spans = cluster.spans  # in _event_key order (`_cluster`)
    events = [s.event for s in spans]
    info = _info(lookup, ingredient, role)
    start = cluster.start
    # Rule 2e: a course that had ended by the day it was entered never runs, even entered today;
    # rule 2f: nor one reaching as-of only by statements that say the drug is no longer taken.
    ongoing = (
        cluster.end >= as_of
        and cluster.taken_before is None
        and not all(s.stopped for s in spans if s.end >= as_of)
    )
    end = cluster.end if cluster.end < as_of else as_of
    dispenses = [e for e in events if e.kind is _DISPENSE]
    # Review 11 finding 6: days only statements cover after the local supply are unverified, not
    # a supply gap (course_clusters.statement_tail, adherence.outside_tail): PDC counts up to them.
    tail = statement_tail(spans, end, policy.supply_gap_days) if dispenses else None
    on_hold, held_supply = _on_hold(spans, as_of)
    window_end = end if tail is None else tail[0]
    if on_hold is not None and on_hold < window_end:
        # Review 14 W6: a deliberate hold is no missed dose. The refill data are judged up to
        # the hold (the last supply, when the record gives no hold date), never over it.
        window_end = on_hold
    ward = ward_days(events)  # the ward's MAR (ward_adherence.py, s25 RI findings 2-4)
    given = given_days(ward)
    adherence = with_reported(
        dispense_adherence(
            dispenses, window_end=window_end, policy=policy, holds=_hold_windows(spans), given=given
        )
        if dispenses
        else UNVERIFIED,
        events,
    )
    if ward or adherence.ward_covered:
        adherence = with_ward(adherence, ward, events, start, window_end, policy)
    if tail is not None:
        adherence = outside_tail(adherence, tail[0], end, [s.event for s in tail[1]])
    # An order's dose from its first fill, tapers, ward orders; an unfilled raise, lowering.
    doses = course_timeline(spans, events)  # (orders39, orders41: raise_unfilled.py)
    timeline = doses.timeline
    minimum, maximum = (info.min_adequate_mg, info.max_mg) if info is not None else (None, None)
    # A session or injection drug (dose_basis.py) is never judged in mg/day: no range applies.
    basis, per_administration = _dose_basis(events)
    if basis is not _DAILY:
        minimum = maximum = None
    # Review s20 RA finding 4 (supply_breaks.py): a course adequate on its supply is judged up
    # to the day that supply ran out, and, a month on with no fill, reads as stopped there.
    ran_out: date | None = None
    until = adherence.supply_until
    if until is not None and tail is None and on_hold is None and minimum is not None:
        judged = with_reported(
            dispense_adherence(
                dispenses, window_end=until, policy=policy, holds=_hold_windows(spans), given=given
            ),
            events,
        )
        judged = with_ward(judged, ward, events, start, until, policy) if ward else judged
        if adequate_on_supply(spans, judged, until, timeline, minimum, policy) is not None:
            adherence = judged
            if (end - until).days >= policy.supply_gap_days:
                ran_out = until
    if not dispenses and on_hold is None:  # orders33: an unfilled order's authorised supply
        ran_out = _authorised_ran_out(spans)  # ran out, read as a filled course's (supply_breaks)
    # Session 21 G (verdict_before_gap.py): the course up to its first supply gap, when it was
    # adequate by then; score_windows keeps its verdict when its PHQ-9 there showed it failed.
    gap = None
    if adherence.supply_gaps and ran_out is None and tail is None and on_hold is None:
        gap = before_gap(
            spans,
            dispenses,
            events,
            [(g.start, g.end) for g in adherence.supply_gaps],
            _hold_windows(spans),
            timeline,
            minimum,
            policy,
        )
    adherence = with_order_gaps(adherence, spans, policy)  # orders34: unfilled orders' gaps
    coverage = _coverage(spans, end if ran_out is None else ran_out, cluster.counted_from)
    off_drug = adherence.off_drug
    if off_drug:
        # Review 6 finding 1: a stretch of >= supply_gap_days with no drug dispensed is not time
        # on the drug, even where an open order (rule 2c) or a statement spans it; nor is a held
        # one (review 14 audit W4), though it is no missed dose, nor a ward's held run (s28 K9).
        coverage = _without(coverage, off_drug)
    segments = course_segments(coverage, doses.timeline, start, ongoing, as_of)
    formulation = _formulation(events)
    reduced_after = policy.cross_taper_weeks * 7  # longer at a lower dose: no taper off
    intolerance = _intolerance(
        events, documented, ended=not ongoing, reduced_after_days=reduced_after
    )
    as_needed = _as_needed(events) if info is not None and info.low_dose_only_as_needed else False

    # Where records said the course steps off the drug (taper_weeks.py): no weeks at a dose tried.
    tapers = taper_spans(events)
    ends_soon = _ends_soon(spans, as_of, policy.cross_taper_weeks) if ongoing else None

    def cut_of(judged: Sequence[DoseSegment]) -> tuple[TaperSpan, ...]:
        return course_cut(judged, minimum, tapers, ongoing, ends_soon, policy.cross_taper_weeks)

    def verdict_of(
        judged: Sequence[DoseSegment], cuts: tuple[TaperSpan, ...]
    ) -> tuple[Verdict, tuple[InadequacyReason, ...], float, tuple[str, ...]]:
        return judge(
            judged,
            minimum,
            info,
            adherence,
            ongoing,
            ingredient,
            policy,
            intolerant=intolerance is not None,
            as_needed=as_needed,
            cuts=cuts,
            partial_feed=partial_feed,
        )

    # The days the weeks leave out, kept for the timeline (Trial.taper_cut): one cut, read twice.
    cut = cut_of(segments)
    verdict, reasons, weeks, verdict_notes = verdict_of(segments, cut)
    end_not_recorded = not ongoing and _end_not_recorded(spans, end)
    to_confirm_from: date | None = None  # Trial.shown_until
    if verdict is Verdict.ADEQUATE and end_not_recorded:
        # Session 21 F3 item 1 (duration_to_confirm.py): adequate only up to a stop whose day
        # was not recorded is not adequate unless other records show it ran that long; its
        # weeks stay those counted up to the recorded stop ("at most").
        shown = shown_until(spans, end)
        if shown < end:
            shown_only = shown_segments(spans, shown, timeline, adherence, start)
            on_record = verdict_of(shown_only, cut_of(shown_only))
            if on_record[0] is not Verdict.ADEQUATE:
                verdict, reasons, _, verdict_notes = on_record
                to_confirm_from = shown
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
    # An antipsychotic ordered only as needed or as one-time injections (review s27 RE f. 4).
    verdict, reasons, verdict_notes = agitation_course(
        events, ingredient, role, (verdict, reasons, verdict_notes)
    )
    # Mirtazapine 7.5 mg "at bedtime for sleep" or as needed: a sleep dose (sleep_use.py).
    slept = sleep_course(events, ingredient, role, (verdict, reasons, verdict_notes))
    (verdict, reasons, verdict_notes), product, stated = course_use(events, ingredient, slept, role)
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
    adherence = intolerance_adherence(adherence, reasons)  # course_notes.py
    # One per (type, id), in that order: keyed by the pair, hashed at C speed; sorted by id, then
    # (a stable sort) by type, so each sort compares plain strings at C speed rather than
    # (type, id) pairs, whose comparison is several calls each (issue 14: a source per fill).
    ordered = ordered_beside_fills(events, segments)
    by_source = {(e.source.resource_type, e.source.id): e.source for e in events}
    sources = sorted(by_source.values(), key=_SOURCE_ID)
    sources.sort(key=_SOURCE_TYPE)
    return listed_to_confirm(
        Trial(
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
            notes=course_notes(cluster, verdict_notes, end),
            remission_below=policy.remission_below,
            failure_min_baseline=policy.failure_min_baseline_phq9,
            intolerance=intolerance,
            dose_basis=basis,
            mg_per_administration=per_administration,
            injection_tail=_injection_tail(events, end),
            dose_equivalence=_equivalence(events),
            formulation=formulation,
            mg_per_dose=_per_dose(events, formulation),
            on_hold=on_hold,
            held_long=held_long(on_hold, end, policy.supply_gap_days),
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
            unconfirmed_order=_unconfirmed_order(spans),
            supply_out_since=_supply_out_since(spans, adherence, ongoing, as_of, policy),
            # Review 7 finding 6: only a PHQ-9 from this day on decides a failure (Trial.failed).
            adequate_from=adequate_from(segments, minimum, policy, partial_feed)
            if verdict is Verdict.ADEQUATE
            else None,
            written_dates=_written_dates(spans, start, end, ongoing),
            product=product,
            patient_reported=all(e.patient_reported for e in events),  # review 12 finding 14
            listed_order=any(e.listed_order for e in events)  # recheck K4 s27 finding 1
            and all(e.listed_order or e.source.resource_type == _LISTED for e in events),
            entry_dated=all(e.entry_dated for e in events),
            taken_before=cluster.taken_before,
            stop_recorded=None if ongoing else _stop_recorded_after(spans, end, as_of),
            home_order_open=None if ongoing else ward_stopped(spans),
            end_not_recorded=end_not_recorded,
            end_from=None if ongoing else end_from(spans, end),  # K58a finding 5
            shown_until=to_confirm_from,
            stated_reasons=stated,
            dose_to_confirm_mg=within_fills(_to_confirm_upper(events), ordered),
            stops_on=_stops_on(spans, cluster.end, as_of) if ongoing else None,
            ends_soon=ends_soon,
            newer_order_on_hold=_newer_order_on_hold(spans) if on_hold is None else None,
            order_stopped=_order_stopped(spans) if ongoing else None,
            supply_after_stop=None if ongoing else _supply_after_stop(spans, end),
            doses_not_tolerated=doses_not_tolerated(events),
            supply_ran_out=ran_out,
            before_gap=gap,
            ordered_mg_per_day=ordered[0],
            ordered_mg_per_day_high=ordered[1],
            ordered_on=ordered_on(spans, start),  # the baseline window opens from it
            raise_unfilled=doses.raised,
            lower_unfilled=doses.lowered,
            lower_filled_weeks=adequate_on_fills(  # orders42: adequacy to confirm
                segments, verdict, doses.lowered, spans, lambda s: verdict_of(s, cut_of(s))
            ),
            taper_spans=tapers,
            taper_cut=cut,
        )
    )


def _injection_tail(events: Sequence[MedicationEvent], end: date) -> InjectionTail | None:
    """The tail of the course's latest long-acting injection read from the MAR (fix lai62), else
    from its orders and fills (fix lai63: ordered_injection_tail.py)."""
    tails = [e.injection_tail for e in events if e.injection_tail is not None]
    return max(tails, key=lambda t: t.last_given) if tails else ordered_tail(events, end)
