"""The trials table a card shows: each trial's dose path, adherence, PHQ-9 pair and verdict in
words, and the markdown table of them, oldest first.

Apart from cards.py because this is where a Trial (fhir_mapping/record.py) becomes the words a
clinician checks its verdict by: why a course was not adequate, what the refill data show, what
was not recorded. cards.py assembles a card; the other cards' rules quote these texts one by one.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from datetime import date

from fhir_mapping import scale_outcomes
from fhir_mapping.dose_basis import shown_dose
from fhir_mapping.drug_table import drug_info, fixed_course_words
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import (
    Adherence,
    AdherenceStatus,
    DoseBasis,
    InadequacyReason,
    PatientRecord,
    Score,
    Trial,
    Verdict,
)
from services import inducers, preliminary_phq9, trial_dates, trial_indication
from services.card_format import as_needed_text, fmt_mg, fmt_pct, fmt_weeks, table

# Enum members the trial-table rows compare per trial, as module constants: on Python 3.11
# reading a member off its Enum class costs about ten times reading a global (issue 14).
_DAILY = DoseBasis.DAILY
_UNVERIFIED = AdherenceStatus.UNVERIFIED
_NOT_A_TRIAL = Verdict.NOT_A_TRIAL
_ONGOING = Verdict.ONGOING
_INADEQUATE = Verdict.INADEQUATE
_INTOLERANCE = InadequacyReason.INTOLERANCE
_TOO_SHORT = InadequacyReason.TOO_SHORT
# Orders only, none showing the drug was taken (intent plan, status unknown, held and never
# filled; fhir_mapping/trial_record.py): to confirm, never counted (review 14 W5, W6).
_NOT_SHOWN_TAKEN = InadequacyReason.NOT_SHOWN_TAKEN
_NOT_SHOWN_TAKEN_TEXT = (
    "ordered or planned, no fill or statement on record: not counted as a trial; confirm it "
    "was taken"
)
# Each adherence status as a card says it (a dict: Enum.value is a Python-level property on
# 3.11, read per trial). Never "verified" (review 6 finding 6): refill data show possession, not
# ingestion, and a report is a report; VERIFIED reads "refills on time (PDC nn %)", or the report
# ("reported by patient (date): ...") when no refill data exist (adherence_text).
_ADHERENCE_WORDS = {
    AdherenceStatus.VERIFIED: "refills on time",
    AdherenceStatus.POOR: "poor",
    AdherenceStatus.UNVERIFIED: "unverified",
}
_VERIFIED = AdherenceStatus.VERIFIED


# How a dose that is not mg/day is written (issue 11 item 5b): never as an averaged mg/day.
PER_ADMINISTRATION = {DoseBasis.SESSION: "per session", DoseBasis.INTERVAL: "per injection"}


def dose_path(trial: Trial) -> str:
    """Consecutive distinct doses, e.g. "25 → 50 → 100"; "56 mg per session" for a drug dosed
    per session or injection (its segments hold a time average, not a dose)."""
    if trial.dose_basis is not _DAILY:
        unit = PER_ADMINISTRATION[trial.dose_basis]
        if trial.mg_per_administration is None:
            return f"dosed {unit} (not mg/day)"
        return f"{fmt_mg(trial.mg_per_administration)} mg {unit}"
    doses: list[str] = []
    equivalence = trial.dose_equivalence
    for segment in trial.segments:
        high = segment.mg_per_day_high
        # A ranged dose as its range, never one number that claims more than the record shows;
        # an equivalent-dose product (Aplenzin, Prozac Weekly) as written beside its equivalent;
        # a dose taken only as needed as such, never as mg/day.
        if segment.as_needed:
            text = as_needed_text(segment.mg_per_day, high, segment.as_needed_max_mg)
        elif equivalence is not None:
            text = shown_dose(equivalence, segment.mg_per_day, high) or fmt_mg(segment.mg_per_day)
        elif high is not None:
            low = segment.mg_per_day
            text = f"{fmt_mg(low)}-{fmt_mg(high)}" if low is not None else f"up to {fmt_mg(high)}"
        else:
            text = fmt_mg(segment.mg_per_day)
        if not doses or doses[-1] != text:
            doses.append(text)
    return " → ".join(doses) if doses else "unknown"


def top_dose_text(trial: Trial) -> str:
    """The highest dose a course reached, with its unit: "100 mg/day"; "100 mg as needed" (with
    its daily ceiling) when the course was taken only as needed, never as a daily dose; "dose
    unknown" when none was read. A scheduled dose beside as-needed stretches is the daily one."""
    daily = [s.mg_per_day for s in trial.segments if not s.as_needed and s.mg_per_day is not None]
    if daily:
        return f"{fmt_mg(max(daily))} mg/day"
    needed = [s for s in trial.segments if s.as_needed and s.mg_per_day_upper is not None]
    if needed:
        top = max(needed, key=lambda s: s.mg_per_day_upper or 0.0)
        return as_needed_text(top.mg_per_day, top.mg_per_day_high, top.as_needed_max_mg)
    return "dose unknown"


def taken_only_as_needed(trial: Trial) -> bool:
    """Every dose of the course that was read was taken only as needed (no daily dose)."""
    read = [s for s in trial.segments if s.mg_per_day_upper is not None]
    return bool(read) and all(s.as_needed for s in read)


def fixed_course_text(trial: Trial) -> str | None:
    """ "fixed 14-day course" for a course of a drug its label gives as one course of a fixed
    length (zuranolone: DrugInfo.fixed_course_days, fhir_mapping/fixed_course.py), which is not
    a trial; None for any other course."""
    if trial.verdict is not _NOT_A_TRIAL:
        return None
    info = drug_info(trial.ingredient)
    if info is None or info.fixed_course_days is None:
        return None
    return f"fixed {fixed_course_words(info.fixed_course_days)}"


def held_text(adherence: Adherence) -> str:
    """ "held 2025-01-31 – 2025-03-03, not counted": the supply gaps inside a documented hold
    (fhir_mapping/adherence.py `held_gaps`), which leave the PDC's denominator. Said wherever the
    PDC is shown, so a PDC of 100 % over a course with a hold names the hold (audit 14
    leftover); "" when there is none (nearly every course)."""
    return "; ".join(
        f"held {g.start.isoformat()} – {g.end.isoformat()}, not counted"
        for g in adherence.held_gaps
    )


def pdc_text(adherence: Adherence, pdc: float) -> str:
    """ "PDC 100 %", with "; held ... , not counted" after it when a hold left days out."""
    held = held_text(adherence)
    return f"PDC {fmt_pct(pdc)}; {held}" if held else f"PDC {fmt_pct(pdc)}"


def adherence_text(trial: Trial) -> str:
    adherence = trial.adherence
    if trial.intolerance is not None and adherence.status is _UNVERIFIED:
        # Refill data of a course stopped for intolerance are not judged (issue 10): no PDC.
        return adherence.documented or "not judged: the course ended for intolerance"
    status, pdc = adherence.status, adherence.pdc
    # Supply gaps (>= policy supply_gap_days) not already named as refill gaps (review 6 f. 1).
    lapses = [g for g in adherence.supply_gaps if g not in adherence.refill_gaps]
    parts: list[str] = []
    if status is _VERIFIED and pdc is not None:
        shown = pdc_text(adherence, pdc)
        parts.append(f"refills: {shown}" if lapses else f"refills on time ({shown})")
    elif status is not _VERIFIED or adherence.documented is None:
        # VERIFIED without PDC rests on a report: the report alone says so (below).
        parts.append(_ADHERENCE_WORDS[status])
        if pdc is not None:
            parts.append(pdc_text(adherence, pdc))
    if adherence.first_fill is not None:  # no refill to judge: the fill, not a PDC (adherence.py)
        parts.append(first_fill_text(trial))
    for gap in adherence.refill_gaps:
        parts.append(f"gap {fmt_weeks(gap.days / 7)} wk from {gap.start.isoformat()}")
    for gap in lapses:
        parts.append(f"no supply {gap.days} days from {gap.start.isoformat()}")
    outcome_gap = trial.outcome_gap if lapses or adherence.refill_gaps else None
    if outcome_gap is not None and trial.on_treatment is not None:
        parts.append(
            f"{trial.outcome_scale} of {trial.on_treatment.date.isoformat()} taken in a supply gap"
        )
    if adherence.estimated:
        parts.append("days' supply estimated from quantity and the order's dose")
    if adherence.documented:  # US Core medication-adherence extension
        parts.append(adherence.documented)
    if adherence.not_verified:  # days only a statement covers (adherence.outside_tail)
        parts.append(adherence.not_verified)
    if trial.patient_reported:  # review 12 finding 14: a home medication, no order or fill
        parts.append("patient-reported, no order or fill on record: confirm it was taken")
    noted = adherence.documented or adherence.not_verified or trial.patient_reported
    if not noted and status is _UNVERIFIED and adherence.first_fill is None:
        fills = adherence.fills
        parts.append(
            f"{fills} fill{'' if fills == 1 else 's'} on record, days' supply not stated"
            if fills
            else "no dispensing data"
        )
    if trial.on_hold is not None:  # review 6 finding 3
        # The record gives no hold date: the last day it shows the drug taken (review 14 W6),
        # or, never filled, nothing.
        parts.append(
            "on hold, never filled: not taken now"
            if _NOT_SHOWN_TAKEN in trial.reasons
            else f"on hold, not taken since {trial.on_hold.isoformat()} at the latest"
        )
    if trial.unconfirmed_since is not None:  # review 6 finding 11
        parts.append(f"listed as active; not confirmed since {trial.unconfirmed_since.isoformat()}")
    return "; ".join(parts)


def first_fill_text(trial: Trial) -> str:
    """A course with no refill to judge (Adherence.first_fill, adherence.py): "one fill
    (2024-01-08, 30 days) covers the course: no refill was due", or "first fill 2024-01-08 (90
    days) of 2 ..." when a refill came before that supply ran out. Not "too short to judge": a
    90-day mail-order fill can cover a whole 12-week trial (review 9 finding 9); it shows the drug
    was supplied, and no refill could show more."""
    adherence = trial.adherence
    fill = adherence.first_fill
    if fill is None:
        return ""
    day, fills = fill.date.isoformat(), adherence.fills
    days = f"{fill.days} day{'' if fill.days == 1 else 's'}"
    what = f"one fill ({day}, {days})" if fills <= 1 else f"first fill {day} ({days}) of {fills}"
    return f"{what} covers the course: no refill was due"


def intolerance_text(trial: Trial) -> str:
    """The documented intolerance, e.g. "not tolerated: Medication stopped - side effect
    (2024-03-15, MedicationRequest/abc)"."""
    intolerance = trial.intolerance
    if intolerance is None:
        return ""
    when = f"{intolerance.date.isoformat()}, " if intolerance.date else ""
    return f"not tolerated: {intolerance.reason} ({when}{intolerance.source})"


def _days(start: date, end: date) -> int:
    return (end - start).days


def below_minimum(trial: Trial) -> tuple[float, float] | None:
    """(highest dose below the minimum adequate dose, weeks spent below it), or None."""
    minimum = trial.min_adequate_mg
    if minimum is None:
        return None
    low = [s for s in trial.segments if s.mg_per_day is not None and s.mg_per_day < minimum]
    if not low:
        return None
    top = max(s.mg_per_day for s in low if s.mg_per_day is not None)
    return top, sum(_days(s.start, s.end) for s in low) / 7


def below_only_as_needed(trial: Trial) -> bool:
    """Every stretch below the minimum adequate dose was taken only as needed: its dose is one
    administration's ("25 mg as needed"), not a mg/day."""
    minimum = trial.min_adequate_mg
    low = [
        s
        for s in trial.segments
        if minimum is not None and s.mg_per_day is not None and s.mg_per_day < minimum
    ]
    return bool(low) and all(s.as_needed for s in low)


def adequate_only_as_needed(trial: Trial) -> bool:
    """Every stretch at or above the minimum adequate dose was ordered only as needed, so none
    of it counts as weeks at an adequate dose (DoseSegment.as_needed): the card says so, never
    a bare "0 weeks" beside months of full fills (review 10 recheck R11)."""
    minimum = trial.min_adequate_mg
    if minimum is None:
        return False
    at_dose = [s for s in trial.segments if s.mg_per_day is not None and s.mg_per_day >= minimum]
    return bool(at_dose) and all(s.as_needed for s in at_dose)


def unknown_dose_weeks(trial: Trial) -> float:
    return sum(_days(s.start, s.end) for s in trial.segments if s.mg_per_day is None) / 7


def possibly_adequate(trial: Trial, policy: MappingPolicy) -> bool:
    """4 to < 6 weeks at an adequate dose (policy values): "possibly adequate - review"."""
    return (
        InadequacyReason.TOO_SHORT in trial.reasons
        and policy.possibly_adequate_weeks <= trial.weeks_at_adequate_dose
        and trial.weeks_at_adequate_dose < policy.min_adequate_weeks
    )


def reason_text(trial: Trial, reason: InadequacyReason, policy: MappingPolicy) -> str:
    if reason is InadequacyReason.DOSE_BELOW_MINIMUM:
        low = below_minimum(trial)
        # Below the minimum only as needed: the dose per administration, not a mg/day.
        unit = " mg as needed" if below_only_as_needed(trial) else " mg/day"
        dose = "a dose" if low is None else f"{fmt_mg(low[0])}{unit} for {fmt_weeks(low[1])} weeks"
        return f"{dose}, below the minimum adequate {fmt_mg(trial.min_adequate_mg)} mg/day"
    if reason is InadequacyReason.TOO_SHORT:
        # Dates to the year or month only: short only on their shortest reading (review 10 f5).
        partial = trial_dates.partial_too_short(trial, policy.min_adequate_weeks)
        if partial is not None:
            return partial
        if trial_dates.start_unknown(trial):
            # No start, no length: "0 weeks" would read as measured (review 6 finding 8).
            return (
                "weeks at an adequate dose not known: start not recorded "
                f"(needs {fmt_weeks(policy.min_adequate_weeks)})"
            )
        weeks = (
            f"{fmt_weeks(trial.weeks_at_adequate_dose)} weeks at an adequate dose "
            f"(needs {fmt_weeks(policy.min_adequate_weeks)})"
        )
        if adequate_only_as_needed(trial):
            # Days of an as-needed order are not days the dose was taken (DoseSegment).
            return f"{weeks}: ordered as needed, and as-needed days are not counted"
        if possibly_adequate(trial, policy):
            return f"possibly adequate - review: {weeks}; not counted as a failure"
        return weeks
    if reason is InadequacyReason.POOR_ADHERENCE:
        if trial.adherence.documented:  # US Core medication-adherence extension (issue 10)
            pdc = trial.adherence.pdc
            refills = f"; refill data PDC {fmt_pct(pdc)}" if pdc is not None else ""
            # Days only a statement covers are named too, never as part of the documented
            # non-adherence (adherence.outside_tail; wave 4 K1).
            tail = trial.adherence.not_verified
            outside = f"; {tail}" if tail else ""
            return f"non-adherence {trial.adherence.documented}{outside}{refills}"
        return f"adherence contradicted by refill data ({adherence_text(trial)})"
    if reason is InadequacyReason.INTOLERANCE:
        return intolerance_text(trial)
    if reason is InadequacyReason.DOSE_UNKNOWN:
        if trial.dose_basis is not DoseBasis.DAILY:
            return (
                f"{trial.ingredient} is dosed {PER_ADMINISTRATION[trial.dose_basis]}: no mg/day "
                "range applies, judge the course clinically"
            )
        if trial.min_adequate_mg is None:
            return (
                f"no verified minimum adequate dose for {trial.ingredient}: judge the dose "
                "clinically"
            )
        unknown = unknown_dose_weeks(trial)
        span = f" for {fmt_weeks(unknown)} weeks" if unknown > 0 else ""
        # A length the record does not state is not shown as weeks (review 6 finding 8).
        assumed = trial.assumed_days
        if assumed is not None:
            span = f"; duration not recorded (counted as {assumed} days)"
        return f"{dose_unknown_text(trial)}{span}: confirm the dose taken"
    if reason is InadequacyReason.OTHER_INDICATION:
        return trial_indication.other_use_text(trial) or "ordered for another indication"
    if reason is _NOT_SHOWN_TAKEN:
        return _NOT_SHOWN_TAKEN_TEXT
    return "low dose for another indication"


def dose_unknown_text(trial: Trial, *, nested: bool = False) -> str:
    """An unknown dose as the cards say it: "dose not recorded", or, when the dosage lines are
    there but to confirm (Trial.dose_to_confirm_mg), "dose to confirm (up to N mg/day)", the
    words the age, renal and hepatic cards use for the same course (review 14 recheck k01/k02:
    one card said "not recorded" beside another's "up to 30 mg/day"). `nested`: inside
    parentheses already (a summary's list of trials), said with a comma instead."""
    high = trial.dose_to_confirm_mg
    if high is None:
        return "dose not recorded"
    if nested:
        return f"dose to confirm, up to {fmt_mg(high)} mg/day"
    return f"dose to confirm (up to {fmt_mg(high)} mg/day)"


def verdict_text(trial: Trial, policy: MappingPolicy) -> str:
    if trial.verdict is _NOT_A_TRIAL and _NOT_SHOWN_TAKEN in trial.reasons:
        return _NOT_SHOWN_TAKEN_TEXT  # review 14 W5: planned or held, never filled
    if trial.verdict is _NOT_A_TRIAL:
        # Zuranolone's 14-day course is a treatment given as its label says, not a use of an
        # antidepressant for something else: say what it is (review 10 finding 2).
        product = trial.product
        # The order's own stated reason first (Zyban ordered for Z72.0: the code the clinician
        # gave), then the product's label (Contrave's bupropion).
        stated = trial_indication.other_use_text(trial) if _OTHER_USE in trial.reasons else None
        if stated is not None and fixed_course_text(trial) is None:
            return stated
        if fixed_course_text(trial) is None and product is not None and product.brand:
            # Contrave's bupropion (combination_products.py): say which product and what for.
            use = f" ({product.indication})" if product.indication else ""
            return f"{product.brand}'s {trial.ingredient}{use}: not an antidepressant trial"
        # Every stated reason of its orders is non-psychiatric (fhir_mapping/indications.py).
        other_use = trial_indication.other_use_text(trial)
        if other_use is not None and fixed_course_text(trial) is None:
            return other_use
        return fixed_course_text(trial) or "not an antidepressant trial"
    if _INTOLERANCE in trial.reasons:
        # Neither a failure of efficacy nor poor adherence: the drug was not tolerated.
        running = "ongoing; " if trial.verdict is _ONGOING else ""
        return f"{running}intolerant ({intolerance_text(trial)})"
    if trial.verdict is _ONGOING:
        why = "; ".join(reason_text(trial, r, policy) for r in trial.reasons if r is not _TOO_SHORT)
        return f"ongoing; {why}" if why else "ongoing"
    if trial.verdict is _INADEQUATE:
        why = "; ".join(reason_text(trial, r, policy) for r in trial.reasons)
        return f"not adequate: {why}" if why else "not adequate"
    outcome = _adequate_text(trial)
    if trial.intolerance is not None:  # adequate, and documented as not tolerated
        outcome = f"{outcome}; {intolerance_text(trial)}"
    # A failure counted toward TRD / TMS from an order stating no depression reason (PTSD, a
    # reason not read): said where it counts, for the clinician to confirm.
    confirm = trial_indication.to_confirm_text(trial) if trial.failed else None
    return f"{outcome}; {confirm}" if confirm else outcome


def _adequate_text(trial: Trial) -> str:
    # The scale the outcome was judged on, named when it is not the PHQ-9 (review 13 W10).
    scale = trial.outcome_scale
    if trial.remission:
        if scale != "PHQ-9":
            return f"adequate: remission ({scale_outcomes.remission_text(scale)})"
        return "adequate: remission"
    response = trial.response  # computed from the scores on each read: read once
    if response:
        return "adequate: response" if scale == "PHQ-9" else f"adequate: response ({scale})"
    if trial.outcome_unmeasured:
        if trial.ongoing:
            return f"adequate; outcome not measured yet ({trial.unmeasured_text})"
        return f"failed (adequate; {trial.unmeasured_text}: outcome inferred from stopping it)"
    if not trial.failed:
        # Scored with no drug on hand, after a hold or in a supply gap (review 6 findings 1 and
        # 3): not a failure of the drug (Trial.failed); the packet's outcome cell says more.
        on_treatment = trial.on_treatment
        when = f" of {on_treatment.date.isoformat()}" if on_treatment is not None else ""
        off = "after it was put on hold" if trial.on_hold is not None else "in a supply gap"
        return f"adequate; to confirm: the {scale}{when} was taken {off}"
    if response is None:
        return f"failed (adequate; no baseline {scale}, not in remission on treatment)"
    if scale != "PHQ-9":
        return (
            f"failed (adequate; < 50 % {scale} drop, not in remission: "
            f"{scale_outcomes.remission_text(scale)})"
        )
    return "failed (adequate; < 50 % PHQ-9 drop)"


def _score_value(score: Score | None) -> str:
    if score is None or score.value is None:
        return "–"
    return str(score.value)


def _phq9_pair(trial: Trial) -> str:
    pair = f"{_score_value(trial.baseline)} → {_score_value(trial.on_treatment)}"
    # Another scale's pair (no PHQ-9 on treatment; review 13 W10) is named: "MADRS 34 → 8".
    scale = trial.outcome_scale
    return pair if scale == "PHQ-9" else f"{scale} {pair}"


_OTHER_USE = InadequacyReason.OTHER_INDICATION
_START = operator.attrgetter("start")  # oldest first: a C-level sort key


def trial_table(
    trials: Sequence[Trial], policy: MappingPolicy, record: PatientRecord | None = None
) -> str:
    """The trials as a markdown table, oldest first. With the `record`, a trial taken beside a
    drug that lowers its levels says so in its verdict, "to confirm" (services/inducers.py,
    review 12 finding 11).

    A course that is not an antidepressant trial (e.g. trazodone 50 mg at night for sleep) shows
    no adherence or PHQ-9 columns: an as-needed hypnotic's refill rate and the depression scores
    around it say nothing about it, and "poor adherence" on it would mislead.
    """
    rows = []
    for t in sorted(trials, key=_START):
        not_a_trial = t.verdict is _NOT_A_TRIAL
        rows.append(
            (
                f"{t.ingredient} ({t.drug_class})",
                dose_path(t),
                trial_dates.dates_text(t),  # as written when partial; a stop dated today
                trial_dates.partial_weeks(t) or fmt_weeks(t.weeks_at_adequate_dose),
                "–" if not_a_trial else adherence_text(t),
                "–" if not_a_trial else _phq9_pair(t),
                _with_preliminary(
                    _with_inducer(verdict_text(t, policy), t, record), t, record, policy
                ),
            )
        )
    return table(
        (
            "Drug",
            "mg/day",
            "Dates",
            "Weeks at adequate dose",
            "Adherence",
            "PHQ-9 before → after",
            "Verdict",
        ),
        rows,
    )


def _with_preliminary(
    verdict: str, trial: Trial, record: PatientRecord | None, policy: MappingPolicy
) -> str:
    """The verdict of a trial whose outcome is not measured, with the preliminary PHQ-9 on
    treatment named (services/preliminary_phq9.py): "no PHQ-9 on treatment" beside a card that
    names one filed last week would contradict it (review 14 U1). It still judges nothing: the
    verdict stands, and the missing PHQ-9 is said as a missing reviewed one."""
    if record is None or not record.unfinished_scores:
        return verdict
    score = preliminary_phq9.on_treatment(trial, record, policy)
    if score is None:
        return verdict
    unmeasured = trial.unmeasured_text
    reviewed = unmeasured.replace("no PHQ-9", "no reviewed PHQ-9", 1)
    verdict = verdict.replace(unmeasured, reviewed, 1)
    if score == preliminary_phq9.newer_than_reviewed(record):
        # Named once (audit 14 leftover): every card whose table reads the record names this
        # total beside it, in the scores section ("Newer: preliminary PHQ-9 ...", kept in the
        # basis when the section goes behind a link) or in the measurement card's own section.
        return verdict
    return f"{verdict}; {preliminary_phq9.row_text(score)}"


def _with_inducer(verdict: str, trial: Trial, record: PatientRecord | None) -> str:
    """The verdict, and "to confirm: taken with carbamazepine ..." when an inducer that lowers the
    drug's levels ran beside it (review 12 finding 11)."""
    if record is None:
        return verdict
    note = inducers.note(trial, record)
    return f"{verdict}; to confirm: {note}" if note else verdict
