"""Was a course a fair test of the drug? Weeks at an adequate dose and the verdict of one trial.

- weeks_at_adequate_dose = days of the longest continuous run at mg/day >= the drug's minimum
  adequate dose / 7 (adequate_runs.py: a cut below the minimum or a supply gap breaks a run,
  review K69a finding 3)
  (antidepressants: lower bound of the CANMAT 2023 range; augmentation agents: lower bound of
  their CANMAT 2023 target range). A dose range ("1-2 tablets": DoseSegment.mg_per_day_high)
  counts at its LOWER end, the dose the record shows for sure: adequacy is never claimed from the
  top of a range, nor from fills sized for that top (fill_dose.fill_in_range, session 34 fix
  dose51). A dose taken only as needed (DoseSegment.as_needed) is no daily dose: its days never
  count, whatever its mg (the card says why: `judge`'s note); nor do the days of a taper to a
  stop (taper_weeks.py, session 26 LA item 2), which the note names too.
- Verdict:
   - NOT_A_TRIAL: the drug has a low-dose use (DrugInfo.low_dose_use, e.g. trazodone for sleep)
     and the highest known dose stays below the minimum: not a trial of that drug as treatment.
   - ADEQUATE: weeks at an adequate dose >= min_adequate_weeks and adherence not POOR.
   - ONGOING: still running and not yet adequate; reasons tell what else than time currently
     falls short (dose below the minimum or unknown, poor adherence).
   - INADEQUATE otherwise, with reasons: DOSE_UNKNOWN (no known dose or no verified minimum, or
     unknown-dose time that could have made it adequate), DOSE_BELOW_MINIMUM (time below the
     minimum), TOO_SHORT (too few weeks at the minimum, or in all), POOR_ADHERENCE.
   - An intolerant course (documented side effects, allergy or adverse event; issue 10) that is
     not adequate has the one reason INTOLERANCE: it ended because of the drug, so "too short",
     "dose below minimum" or "poor adherence" would misdescribe it and send the clinician to an
     adherence review. INADEQUATE once ended, ONGOING while it still runs. Whether it counts
     toward TMS is payer policy (services/policy/tms.py). An adequate course stays ADEQUATE.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from fhir_mapping.adequate_runs import adequate_runs, interrupted_note, run_reached
from fhir_mapping.drug_table import DrugInfo
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import (
    Adherence,
    AdherenceStatus,
    DoseSegment,
    InadequacyReason,
    TaperSpan,
    Verdict,
)
from fhir_mapping.taper_weeks import taper_note


def _fmt(mg: float) -> str:
    return f"{mg:g}"


def judge(
    segments: Sequence[DoseSegment],
    minimum: float | None,
    info: DrugInfo | None,
    adherence: Adherence,
    ongoing: bool,
    ingredient: str,
    policy: MappingPolicy,
    *,
    intolerant: bool = False,
    as_needed: bool = False,
    cuts: Sequence[TaperSpan] = (),
    partial_feed: bool = False,
) -> tuple[Verdict, tuple[InadequacyReason, ...], float, tuple[str, ...]]:
    """(verdict, reasons, weeks at an adequate dose, notes) of one course's dose segments.
    `as_needed`: every dosage line of the course says "as needed" (a drug whose low-dose use is
    as-needed only, DrugInfo.low_dose_only_as_needed, is a low-dose use only then).
    `cuts`: where the course steps off the drug (taper_weeks.course_cut of these segments, the
    caller's, kept on the trial as Trial.taper_cut for the timeline): those days are not
    counted. `partial_feed`: the dispense feed was read only in part, so a supply gap breaks no run
    (adequate_runs.py)."""
    tapered_days = 0  # days of the taper at a dose that would otherwise count
    # One pass over the segments gathers every sum the verdict needs (issue 14).
    unknown_days = total_days = adequate_days = 0
    top: float | None = None  # the highest known dose
    any_known = below = False  # a known dose at all; one below the minimum
    as_needed_days = 0  # days on an as-needed dose that would otherwise count
    for segment in segments:
        days = (segment.end - segment.start).days
        total_days += days
        cut_days = sum(span.days_of(segment.start, segment.end) for span in cuts)
        if cut_days or (not days and any(span.covers(segment.start) for span in cuts)):
            # Steps of a taper (taper_weeks.py): time on the drug, never at a dose tried (nor
            # "below the minimum": a step below it is the way off the drug, not a dose too low).
            if minimum is not None and segment.mg_per_day is not None:
                tapered_days += cut_days if segment.mg_per_day >= minimum else 0
            days -= cut_days
            if days <= 0:
                continue
        mg = segment.mg_per_day
        if mg is None:
            if not segment.as_needed:  # unknown as-needed time could never make it adequate
                unknown_days += days
            continue
        any_known = True
        if top is None or mg > top:
            top = mg
        if minimum is not None:
            if segment.as_needed and mg >= minimum:
                as_needed_days += days
            elif mg >= minimum:
                adequate_days += days
            elif mg < minimum:
                below = True
    needed = policy.min_adequate_weeks * 7
    notes: list[str] = []
    if minimum is not None and adequate_days:
        # Only a dose HELD >= the minimum counts (adequate_runs.py, review K69a finding 3): the
        # longest run, not the days added up across a cut below the minimum or a supply gap.
        runs = adequate_runs(segments, minimum, cuts, _gap_days(policy, partial_feed))
        if runs.longest < needed <= runs.total:
            notes.append(interrupted_note(ingredient, runs, minimum))
        adequate_days = runs.longest
    weeks = adequate_days / 7
    if (
        info is not None
        and info.low_dose_use
        and (as_needed or not info.low_dose_only_as_needed)
        and minimum is not None
        and top is not None
        and top < minimum
    ):
        notes.append(
            f"{ingredient} at most {_fmt(top)} mg/day, below the antidepressant range "
            f"(>= {_fmt(minimum)} mg/day): low-dose use ({info.low_dose_use}), not a trial"
        )
        return (
            Verdict.NOT_A_TRIAL,
            (InadequacyReason.LOW_DOSE_OTHER_INDICATION,),
            weeks,
            tuple(notes),
        )
    poor = adherence.status is AdherenceStatus.POOR
    if adequate_days >= needed and not poor:
        return Verdict.ADEQUATE, (), weeks, ()
    if intolerant:
        verdict = Verdict.ONGOING if ongoing else Verdict.INADEQUATE
        return verdict, (InadequacyReason.INTOLERANCE,), weeks, ()
    reasons: list[InadequacyReason] = []
    if tapered_days and cuts:
        notes.append(taper_note(ingredient, cuts[0].start, _fmt(round(tapered_days / 7, 1))))
    if as_needed_days:
        notes.append(
            f"{ingredient} taken only as needed for {_fmt(round(as_needed_days / 7, 1))} weeks: "
            "not a daily dose, not counted as weeks at an adequate dose"
        )
    if minimum is None:
        reasons.append(InadequacyReason.DOSE_UNKNOWN)
        notes.append(f"no verified minimum adequate dose for {ingredient} in the drug table")
    elif not any_known or (adequate_days < needed <= adequate_days + unknown_days):
        reasons.append(InadequacyReason.DOSE_UNKNOWN)
    if below:
        reasons.append(InadequacyReason.DOSE_BELOW_MINIMUM)
    # An ongoing course is not "too short": it is still running (ONGOING says so).
    if (
        not ongoing
        and adequate_days < needed
        and (total_days < needed or (minimum is not None and top is not None and top >= minimum))
    ):
        reasons.append(InadequacyReason.TOO_SHORT)
    if poor:
        reasons.append(InadequacyReason.POOR_ADHERENCE)
    verdict = Verdict.ONGOING if ongoing else Verdict.INADEQUATE
    return verdict, tuple(reasons), weeks, tuple(notes)


def adequate_from(
    segments: Sequence[DoseSegment],
    minimum: float | None,
    policy: MappingPolicy,
    partial_feed: bool = False,
) -> date | None:
    """The day the course became an adequate trial: the day its time at >= the minimum adequate
    dose reached policy.min_adequate_weeks (review 7 finding 6), else None.

    A PHQ-9 taken before that day was taken during "possibly adequate" time (REFERENCE.md 0.2:
    4 to < 6 weeks is "possibly adequate - review"): it can show a response, but it cannot show
    that an adequate trial failed (Trial.failed). Segments are in date order (episodes._segments);
    time below the minimum, at an unknown dose or in a supply gap (not in the segments) does not
    count, exactly as for weeks_at_adequate_dose.
    """
    if minimum is None:
        return None
    needed = math.ceil(policy.min_adequate_weeks * 7)
    # The day a run at the dose reached it (adequate_runs.py, review K69a finding 3), as `judge`.
    return run_reached(segments, minimum, needed, _gap_days(policy, partial_feed))


def _gap_days(policy: MappingPolicy, partial_feed: bool) -> int | None:
    """The supply gap that breaks a run; none on a feed read in part (adequate_runs.py)."""
    return None if partial_feed else policy.supply_gap_days


def adequate_weeks_until(
    segments: Sequence[DoseSegment],
    minimum: float | None,
    until: date,
    gap_days: int | None = None,
) -> float | None:
    """The weeks at an adequate dose before `until` (a TMS or ECT course's first session, which
    ends the drug's scoring window: Trial.device_cut_on), counted as weeks_at_adequate_dose is:
    the longest run (adequate_runs.py; adeq71: it added the runs up across a cut below the
    minimum). A supply gap breaks a run only when the caller gives `gap_days` (the services
    callers hold no MappingPolicy: there it does not). None without a minimum. The weeks the
    verdict's scores cover (s25 RT finding 9: "41 weeks" beside a verdict read on the scores up
    to week 19)."""
    if minimum is None:
        return None
    before = [
        replace(segment, end=min(segment.end, until))
        for segment in segments
        if segment.start < until
    ]
    return adequate_runs(before, minimum, (), gap_days).longest / 7
