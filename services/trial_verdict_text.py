"""A course's verdict in words: not a trial (a fixed course, another indication, a product's
label, ordered but never shown taken), intolerant, ongoing or not adequate with each reason
(`reason_text`: the dose below the minimum, too short, poor adherence, an unknown dose...), or
adequate with its outcome (remission, response, failed, not measured, to confirm).

Apart from trial_table.py because cards quote the verdict and its reasons outside the table;
the dose and adherence texts it quotes are trial_dose_text.py's and trial_adherence_text.py's.
Re-exported by trial_table.py.
"""

from __future__ import annotations

from fhir_mapping import scale_outcomes
from fhir_mapping.adequate_runs import interrupted_in
from fhir_mapping.drug_table import drug_info, fixed_course_words
from fhir_mapping.level_adequacy import level_words
from fhir_mapping.partial_response import partial_text
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import DoseBasis, InadequacyReason, Trial, Verdict
from fhir_mapping.refills_unread import REFILLS_INCOMPLETE, REFILLS_NOT_READ
from fhir_mapping.relapse_on_drug import relapse_text
from fhir_mapping.taper_weeks import not_counting_taper
from services import trial_dates, trial_indication
from services.adherence_words import orders_only_gaps
from services.card_format import fmt_mg, fmt_weeks, plural, record_cite, weeks_text
from services.microgram_doses import UNIT as UG
from services.microgram_doses import in_micrograms, ug_text
from services.trial_adherence_text import adherence_text
from services.trial_dose_text import (
    PER_ADMINISTRATION,
    adequate_only_as_needed,
    below_minimum,
    below_minimum_dose,
    below_only_as_needed,
    dose_unknown_text,
    unknown_dose_weeks,
)

# Enum members the trial-table rows compare per trial, as module constants: on Python 3.11
# reading a member off its Enum class costs about ten times reading a global (issue 14).
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
_OTHER_USE = InadequacyReason.OTHER_INDICATION
_AGITATION = InadequacyReason.AS_NEEDED_OR_ONE_TIME


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


def intolerance_text(trial: Trial) -> str:
    """The documented intolerance, e.g. "not tolerated: Medication stopped - side effect
    (2024-03-15)"; an undated one by its record ("(MedicationRequest/abc)": cards.record_cite)."""
    intolerance = trial.intolerance
    if intolerance is None:
        return ""
    if intolerance.date is not None:
        return f"not tolerated: {intolerance.reason} ({intolerance.date.isoformat()})"
    return f"not tolerated: {intolerance.reason}{record_cite(intolerance.source, False)}"


def reduced_text(trial: Trial) -> str:
    """ "20 mg/day not tolerated (Side effect: nausea, 2026-04-12): the course went on at a lower
    on": a dose of this ended course stopped for side effects, the drug then taken at a lower
    dose (review K61b finding 5: a dose reduction, not the course ending for intolerance,
    course_events._intolerance); "" for every other course."""
    if trial.ongoing or trial.intolerance is not None:
        return ""
    own = set(trial.sources)
    doses = [d for d in trial.doses_not_tolerated if d.intolerance.source in own]
    said = [
        f"{fmt_mg(d.mg_per_day)} mg/day not tolerated ({d.intolerance.reason}"
        + (f", {d.intolerance.date.isoformat()})" if d.intolerance.date is not None else ")")
        for d in doses
    ]
    return "; ".join(said) + ": the course went on at a lower dose" if said else ""


def possibly_adequate(trial: Trial, policy: MappingPolicy) -> bool:
    """4 to < 6 weeks at an adequate dose (policy values): "possibly adequate - review"."""
    return (
        InadequacyReason.TOO_SHORT in trial.reasons
        and policy.possibly_adequate_weeks <= trial.weeks_at_adequate_dose
        and trial.weeks_at_adequate_dose < policy.min_adequate_weeks
    )


def _weeks_unknown(trial: Trial) -> str | None:
    """What a too-short course's weeks at an adequate dose rest on when the record does not give
    them: "dose not recorded" (no dose read, so no day counts as at an adequate dose), "duration
    not recorded" (its whole length is the assumed one: trial_dates.whole_course_assumed), or
    both; None when the weeks are measured."""
    no_dose = InadequacyReason.DOSE_UNKNOWN in trial.reasons and trial.weeks_at_adequate_dose == 0
    # The one rule for a length not on record (fhir_mapping/course_length.py): "duration not
    # recorded", or "dates not recorded" for a course reported without dates.
    no_length = trial_dates.length_not_recorded(trial)
    if no_dose and no_length:
        return f"dose and {no_length}"
    if no_dose:
        return "dose not recorded"
    return no_length


def reason_text(trial: Trial, reason: InadequacyReason, policy: MappingPolicy) -> str:
    if reason is InadequacyReason.DOSE_BELOW_MINIMUM:
        low = below_minimum(trial)
        as_needed = below_only_as_needed(trial)
        # A drug dosed in micrograms says both doses in µg, as its dose cell does (review s29
        # K18 finding 3: "0.005 mg/day ... below the minimum adequate 0.025 mg/day").
        ug = not as_needed and in_micrograms(trial.ingredient)
        # Below the minimum only as needed: the dose per administration, not a mg/day.
        unit = " mg as needed" if as_needed else (f" {UG}/day" if ug else " mg/day")
        shown = below_minimum_dose(trial, ug)  # a sig's range as the dose cell writes it
        dose = "a dose" if low is None else f"{shown}{unit} for {weeks_text(low[1])}"
        interrupted = interrupted_in(trial.ingredient, trial.notes)
        if interrupted is not None and low is not None and f" at {shown}{unit}" in interrupted:
            # The cut that broke the run is named in the "possibly adequate" words already
            # (adeq71: "25 mg/day for 6 weeks, below ...; ... interrupted by 6 weeks at 25
            # mg/day"): said once, as the too-short reason says it (the joins drop the repeat).
            return f"{interrupted}; not counted as a failure"
        minimum = trial.min_adequate_mg
        line = (
            f"{ug_text(minimum)} {UG}/day"
            if ug and minimum is not None
            else f"{fmt_mg(minimum)} mg/day"
        )
        return f"{dose}, below the minimum adequate {line}"
    if reason is _TOO_SHORT and trial.dose_basis is not DoseBasis.DAILY:
        # No weeks at a mg/day dose to reach (review s20 item 3): said as the dose reason says
        # it, once (`verdict_text` drops the repeat).
        return _per_administration_text(trial)
    if reason is InadequacyReason.TOO_SHORT:
        # Adequate only counted up to a stop whose day was not recorded (session 21 F3 item 1):
        # "adequacy to confirm", never "too short" nor a failed trial.
        to_confirm = trial_dates.duration_to_confirm_text(trial)
        if to_confirm is not None:
            return to_confirm
        # Dates to the year or month only: short only on their shortest reading (review 10 f5).
        partial = trial_dates.partial_too_short(trial, policy.min_adequate_weeks)
        if partial is not None:
            return partial
        if trial_dates.listed_undated(trial):
            # Review s23 RT finding 2: weeks from the day it was listed are no measured weeks.
            return (
                f"{trial_dates.length_not_recorded(trial)}, "
                f"{weeks_text(trial.weeks_at_adequate_dose)} since "
                f"(needs {fmt_weeks(policy.min_adequate_weeks)}): confirm when it was started"
            )
        if trial_dates.start_unknown(trial):
            # No start, no length: "0 weeks" would read as measured (review 6 finding 8).
            return (
                "weeks at an adequate dose not known: start not recorded "
                f"(needs {fmt_weeks(policy.min_adequate_weeks)})"
            )
        needs = f"(needs {fmt_weeks(policy.min_adequate_weeks)})"
        not_recorded = _weeks_unknown(trial)
        if not_recorded is not None:
            # No dose or no duration on record: "0 weeks" or "4.3 weeks" (the assumed 30 days)
            # would read as measured (audit 16 W4). The dose reason beside it already says what
            # is not recorded; said once.
            if InadequacyReason.DOSE_UNKNOWN in trial.reasons:
                return f"weeks at an adequate dose unknown {needs}"
            return f"weeks at an adequate dose unknown: {not_recorded} {needs}"
        interrupted = interrupted_in(trial.ingredient, trial.notes)
        if interrupted is not None:
            # Runs that reach the weeks only added up (review K69a finding 3): not a trial held
            # at the dose, nor a failed one; the clinician confirms (adequate_runs.py).
            return f"{interrupted}; not counted as a failure"
        weeks = f"{weeks_text(trial.weeks_at_adequate_dose)} at an adequate dose {needs}"
        tapered = not_counting_taper(trial.ingredient, trial.notes)
        if tapered is not None:
            # Session 26 LA item 2: the taper's weeks were left out (taper_weeks.py).
            weeks = (
                f"{weeks_text(trial.weeks_at_adequate_dose)} at an adequate dose, {tapered} {needs}"
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
            refills = (
                f"; refill data PDC {trial.adherence.pdc_percent()}" if pdc is not None else ""
            )
            # Days only a statement covers are named too, never as part of the documented
            # non-adherence (adherence.outside_tail; wave 4 K1).
            tail = trial.adherence.not_verified
            outside = f"; {tail}" if tail else ""
            return f"non-adherence {trial.adherence.documented}{outside}{refills}"
        ward = trial.adherence.ward_pdc
        if ward is not None and ward < policy.pdc_threshold:  # the MAR (ward_adherence.py)
            return f"adherence contradicted by the ward MAR ({adherence_text(trial)})"
        # span74: gaps between orders no fill shows are no refill data (orders34 p8, p2b).
        source = "its orders" if orders_only_gaps(trial) else "refill data"
        return f"adherence contradicted by {source} ({adherence_text(trial)})"
    if reason is InadequacyReason.INTOLERANCE:
        return intolerance_text(trial)
    if reason is InadequacyReason.ADHERENCE_NOT_READ:
        # fhir_mapping/refills_unread.py (review s21 RC W2): the weeks may be enough, but the
        # refill data that would show the drug taken could not be read; or were read only in
        # part (review s21 RR finding 4): the weeks are those the fills read show; none read of
        # it (review s24 RS W1), they are the orders' ("on the fills read" would claim fills).
        in_part = trial.adherence.not_verified == REFILLS_INCOMPLETE
        shown = " on the fills read" if in_part and trial.adherence.fills else ""
        return (
            f"{fmt_weeks(trial.weeks_at_adequate_dose)} weeks at an adequate dose{shown}; "
            f"adherence {REFILLS_INCOMPLETE if in_part else REFILLS_NOT_READ}: not counted as a failed "
            "adequate trial until confirmed with the patient or pharmacy"
        )
    if reason is InadequacyReason.DOSE_UNKNOWN:
        if trial.dose_basis is not DoseBasis.DAILY:
            return _per_administration_text(trial)
        if trial.min_adequate_mg is None:
            return (
                f"no verified minimum adequate dose for {trial.ingredient}: judge the dose "
                "clinically"
            )
        unknown = unknown_dose_weeks(trial)
        span = f" for {weeks_text(unknown)}" if unknown > 0 else ""
        # A length the record does not state is not shown as weeks (review 6 finding 8).
        assumed = trial.assumed_days
        if trial.taken_before is not None:
            # A past course of unknown dates (rule 2e of fhir_mapping/episodes.py): no day of it
            # is counted, so when it was taken is asked too.
            return f"{dose_unknown_text(trial)}; dates not recorded: confirm the dose and when"
        if assumed is not None:
            length = "dates" if trial_dates.reported_undated(trial) else "duration"
            span = f"; {length} not recorded (counted as {plural(assumed, 'day')})"
            course = (trial.end - trial.start).days
            if course > assumed:
                # Records before the last one cover the rest (K69a 7: four monthly fills
                # without daysSupply read "counted as 22 days" for a 16-week course): the
                # assumed days are the last record's only, and the course's span is said.
                span = (
                    f"; the last record's {length} not recorded (counted as "
                    f"{plural(assumed, 'day')}; the course spans {trial.start.isoformat()} to "
                    f"{trial.end.isoformat()}, {weeks_text(course / 7)})"
                )
        return f"{dose_unknown_text(trial)}{span}: confirm the dose taken"
    if reason is InadequacyReason.OTHER_INDICATION:
        return trial_indication.other_use_text(trial) or "ordered for another indication"
    if reason is _NOT_SHOWN_TAKEN:
        return _NOT_SHOWN_TAKEN_TEXT
    if reason is InadequacyReason.LEVEL_NOT_SHOWN:
        # Lithium's adequacy rests on its level, not its mg/day (fix trial74, level_adequacy.py).
        return f"{level_words(trial)}: not counted as a failed adequate trial"
    return "low dose for another indication"


def _per_administration_text(trial: Trial) -> str:
    return (
        f"{trial.ingredient} is dosed {PER_ADMINISTRATION[trial.dose_basis]}: no mg/day range "
        "applies, judge the course clinically"
    )


def _reasons_text(trial: Trial, policy: MappingPolicy, *, too_short: bool = True) -> str:
    """The reasons, each said once: a drug dosed per session says its dose basis for both its
    unknown dose and its short course (review s20 item 3)."""
    said = (
        reason_text(trial, r, policy) for r in trial.reasons if too_short or r is not _TOO_SHORT
    )
    return "; ".join(dict.fromkeys(said))


def verdict_text(trial: Trial, policy: MappingPolicy) -> str:
    if trial.verdict is _NOT_A_TRIAL and _NOT_SHOWN_TAKEN in trial.reasons:
        return _NOT_SHOWN_TAKEN_TEXT  # review 14 W5: planned or held, never filled
    if trial.verdict is _NOT_A_TRIAL and _AGITATION in trial.reasons:
        # Haloperidol IM PRN for agitation (fhir_mapping/agitation_doses.py, review s27 RE f. 4).
        return "given only as needed or as one-time injections: not an augmentation course"
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
        # A course known only from a listing says why it is not adequate (review s23 RT f2).
        why = _reasons_text(trial, policy, too_short=trial_dates.listed_undated(trial))
        return f"ongoing; {why}" if why else "ongoing"
    if trial.verdict is _INADEQUATE and InadequacyReason.LEVEL_NOT_SHOWN in trial.reasons:
        return _reasons_text(trial, policy)  # "adequacy not shown: ...", never "not adequate"
    if trial.verdict is _INADEQUATE:
        why = _reasons_text(trial, policy)
        return f"not adequate: {why}" if why else "not adequate"
    outcome = _adequate_text(trial)
    if trial.unsettled:  # claims its readings give differently (review s27 K3 finding 2)
        outcome = f"{outcome}; {trial.unsettled_text}"
    if trial.intolerance is not None:  # adequate, and documented as not tolerated
        outcome = f"{outcome}; {intolerance_text(trial)}"
    reduced = reduced_text(trial)
    if reduced:
        outcome = f"{outcome}; {reduced}"
    # A failure counted toward TRD / TMS from an order stating no depression reason (PTSD, a
    # reason not read): said where it counts, for the clinician to confirm.
    confirm = trial_indication.to_confirm_text(trial) if trial.failed else None
    if not trial.outcome_unmeasured and trial.outcome_note is not None:
        # The outcome score was taken after the next course started beside it (audit 17b W2):
        # said, so "19 -> 16" is not read as the drug alone.
        outcome = f"{outcome}; {trial.outcome_note}"
    return f"{outcome}; {confirm}" if confirm else outcome


def _adequate_text(trial: Trial) -> str:
    if trial.feed_unfilled:
        # orders35: an order the fill feed shows no fill of is never judged (unfilled_order.py);
        # "to confirm: the PHQ-9 was taken in a supply gap" said what the record does not.
        return "not judged: ordered, no fill on the fill feed"
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
        if trial.failed:
            return f"failed (adequate; {trial.unmeasured_text}: outcome inferred from stopping it)"
        # Stopped for its intolerance (trial_outcome.failed, review K61b finding 6): no failure
        # is read from the stop; the intolerance is said after this.
        return f"adequate; {trial.unmeasured_text}: stopped for intolerance, no failure inferred"
    if trial.unsettled and not trial.failed:
        return "adequate"  # what is not claimed follows (review s27 K3 finding 2)
    relapsed = relapse_text(trial)
    if relapsed is not None:
        # Review s23 RC finding 1: the response is kept and the relapse named; not a failure.
        return f"adequate: {relapsed}; not counted as a failed trial: clinician to judge"
    if not trial.failed:
        # Scored with no drug on hand, after a hold or in a supply gap (review 6 findings 1 and
        # 3): not a failure of the drug (Trial.failed); the packet's outcome cell says more.
        on_treatment = trial.on_treatment
        when = f" of {on_treatment.date.isoformat()}" if on_treatment is not None else ""
        off = "after it was put on hold" if trial.on_hold is not None else "in a supply gap"
        return f"adequate; to confirm: the {scale}{when} was taken {off}"
    if response is None:
        return f"failed (adequate; no baseline {scale}, not in remission on treatment)"
    partial = partial_text(trial)
    if partial is not None:
        # Review s20 R4 finding 8: the packet said "failed (adequate; < 50 % PHQ-9 drop)" where
        # the card, --explain and the timeline say "partial response (28 %)". One verdict: what
        # the course did. That a payer rule set counts it as an inadequate response is the rule
        # set's reading, said where it counts (payer_criteria/trials.py COUNTED_PARTIAL).
        return f"adequate: {partial}" if scale == "PHQ-9" else f"adequate: {partial}, {scale}"
    if scale != "PHQ-9":
        return (
            f"failed (adequate; < 50 % {scale} drop, not in remission: "
            f"{scale_outcomes.remission_text(scale)})"
        )
    return "failed (adequate; < 50 % PHQ-9 drop)"
