"""The words on the picture: dates, doses, verdicts, reasons, adherence and outcome."""

from __future__ import annotations

from datetime import date

from fhir_mapping.level_adequacy import level_words
from fhir_mapping.partial_response import response_words
from fhir_mapping.record import (
    Adherence,
    AdherenceStatus,
    DoseBasis,
    DoseSegment,
    InadequacyReason,
    RefillGap,
    Trial,
    Verdict,
)
from fhir_mapping.refills_unread import unknown_words
from fhir_mapping.relapse_on_drug import relapse_text
from services import formulation_ceilings, trial_dates
from services.card_format import as_needed_text
from services.card_format import plural as plural
from services.dose_units import per_day
from services.microgram_doses import UNIT as UG
from services.microgram_doses import in_micrograms, microgram_dose_text, ug_text
from services.order_doses import fmt_dose
from services.policy import Policy
from services.rules.optimize.stopped_dose import stopped_words
from services.site_ceiling import DEFAULT_POLICY, site_ceiling, site_label
from services.trial_adherence_text import ran_out_text, supply_lapses
from services.trial_dose_text import PER_ADMINISTRATION
from services.trial_table import fixed_course_text, held_text

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_VERDICT_TEXT = {
    Verdict.ADEQUATE: "Adequate",
    Verdict.INADEQUATE: "Inadequate",
    Verdict.ONGOING: "Ongoing, not yet adequate",
    Verdict.NOT_A_TRIAL: "Not an antidepressant trial",
}
_REASON_TEXT = {
    InadequacyReason.DOSE_BELOW_MINIMUM: "dose below minimum",
    InadequacyReason.TOO_SHORT: "too short",
    InadequacyReason.POOR_ADHERENCE: "poor adherence",
    InadequacyReason.DOSE_UNKNOWN: "dose unknown",
    InadequacyReason.LOW_DOSE_OTHER_INDICATION: "low dose, other indication",
    InadequacyReason.OTHER_INDICATION: "for another indication",  # stated, or a condition on record
    InadequacyReason.NOT_SHOWN_TAKEN: "not shown as taken: to confirm",
    # An antipsychotic given only as needed or as one-time injections (review s27 RE finding 4).
    InadequacyReason.AS_NEEDED_OR_ONE_TIME: "as needed or one-time doses only",
    # Refill data could not be read (fhir_mapping/refills_unread.py, review s21 RC W2).
    InadequacyReason.ADHERENCE_NOT_READ: "adherence not known: refill data could not be read",
}


# Each day of the month as written (index 0 unused): read from here instead of formatting the
# number, as day_text is asked for every dated row (issue 14). The severity history writes its
# dates with these two tables inline (services/packet/severity.py).
DAY_NUMBERS = tuple(str(day) for day in range(32))


def day_text(d: date) -> str:
    return f"{DAY_NUMBERS[d.day]} {MONTHS[d.month - 1]} {d.year}"


def mg_text(value: float) -> str:
    return f"{value:g}"


def range_text(trial: Trial, policy: Policy = DEFAULT_POLICY) -> str:
    """The adequate range up to the top of the course's range at this site (site_ceiling: its
    formulation's ceiling, lowered to the market's labelled maximum), named when it is not the
    drug row's ("150–400 mg/day, SR maximum"; "30–45 mg/day, US label maximum"), as the
    optimise card states it (fix19l item 4: the page said CANMAT's 30–60 at a US site)."""
    lo, hi = trial.min_adequate_mg, site_ceiling(policy, trial)
    own = formulation_ceilings.own_ceiling(trial)
    label = site_label(policy, trial)
    # In micrograms for a drug dosed in them, as the cards write its range (25-50 µg/day:
    # microgram_doses.py; review s29 RM finding 6).
    ug = in_micrograms(trial.ingredient)
    number, unit = (ug_text, f"{UG}/day") if ug else (mg_text, per_day(trial.ingredient))
    if lo is not None and hi is not None:
        whose = f", {label} maximum" if label else ""
        if not whose and own is not None and hi == own.max_mg_day:
            whose = f", {own.shown_as} maximum"
        return f"{number(lo)}–{number(hi)} {unit}{whose}"
    if lo is not None:
        return f"≥ {number(lo)} {unit}"
    return "range not verified"


def daily_text(ingredient: str | None, mg: float, top: float | None = None) -> str:
    """ "150 mg/day", "50 to 200 mg/day" (`top`: a course's highest dose); "25 µg/day" for a drug
    dosed in micrograms (microgram_doses.py, the cards' words; review s29 RM finding 6: "0.025
    mg/day" beside the card's "liothyronine 25 µg/day")."""
    number, unit = (
        (ug_text, f"{UG}/day") if in_micrograms(ingredient) else (mg_text, per_day(ingredient))
    )
    if top is None:
        return f"{number(mg)} {unit}"
    return f"{number(mg)} to {number(top)} {unit}"


def display_name(ingredient: str) -> str:
    return ingredient[:1].upper() + ingredient[1:]


def verdict_text(trial: Trial) -> str:
    # Zuranolone's 14-day course is what its label gives, not a trial (review 10 finding 2).
    fixed = fixed_course_text(trial)
    if fixed is not None:
        return fixed[:1].upper() + fixed[1:]
    return _VERDICT_TEXT.get(trial.verdict, str(trial.verdict))


def segment_dose_text(segment: DoseSegment, ingredient: str | None = None) -> str:
    """A segment's dose in words: "100 mg/day", "100-150 mg/day" for a sig's range (written by
    the cards' rule, order_doses.fmt_dose: review s20 R4 item 5 showed its low end alone), "100
    mg as needed" (never a daily dose), "dose unknown". In the unit of the course's `ingredient`
    (dose_units.per_day: "mg/24 h" for a patch)."""
    if segment.as_needed:
        return as_needed_text(segment.mg_per_day, segment.mg_per_day_high, segment.as_needed_max_mg)
    if segment.mg_per_day is None and segment.mg_per_day_high is None:
        return "dose unknown"
    if ingredient is not None:  # "25 µg/day" for a drug dosed in micrograms (daily_text)
        ug = microgram_dose_text(ingredient, segment.mg_per_day, segment.mg_per_day_high)
        if ug is not None:
            return ug
    return f"{fmt_dose(segment.mg_per_day, segment.mg_per_day_high)} {per_day(ingredient)}"


def written_dates_text(trial: Trial) -> str | None:
    """ "Dates as written: 2023–2024 (year only)" for a course dated to the year or month only
    (review 10 finding 5): its bars are drawn on the shortest reading of those dates, which the
    record does not state; None for other courses."""
    written = trial_dates.written_text(trial)
    return None if written is None else f"Dates as written: {written}"


def end_not_recorded_text(trial: Trial) -> str | None:
    """ "Stopped on or before 1 Jun 2025 (last dose not recorded)" for an ended course whose end
    is only the day its stop was recorded by (Trial.end_not_recorded: the cards' words,
    trial_dates.stopped_by_text); None for other courses."""
    day = day_text(trial.end)
    said = trial_dates.stopped_by_text(trial, day)
    return None if said == day else said[:1].upper() + said[1:]


def reasons_text(trial: Trial) -> str:
    """ "dose below minimum, too short"; for a drug dosed per session or injection "dosed per
    session" for its unknown dose and its short course alike, said once (review s20 item 3: no
    weeks at a mg/day dose to fall short of)."""
    said = (_reason_word(trial, r) for r in trial.reasons)
    return ", ".join(dict.fromkeys(said))


def _reason_word(trial: Trial, reason: InadequacyReason) -> str:
    if trial.dose_basis is not DoseBasis.DAILY and reason in _PER_ADMINISTRATION_REASONS:
        return f"dosed {PER_ADMINISTRATION[trial.dose_basis]}"
    if reason is InadequacyReason.TOO_SHORT:
        # A length the record does not state is not known to be short: the cards' reason
        # (fhir_mapping/course_length.py, review s20 W2 item 1), never "too short".
        unknown = trial_dates.length_not_recorded(trial)
        if unknown is not None and trial_dates.duration_to_confirm(trial):
            return f"adequacy to confirm: {unknown}"  # session 21 F3 item 1
        if unknown is not None:
            return unknown
    if reason is InadequacyReason.ADHERENCE_NOT_READ:
        # Not read, or read only in part (fhir_mapping/refills_unread.py, s21 RR finding 4).
        return f"adherence not known: {unknown_words(trial)}"
    if reason is InadequacyReason.LEVEL_NOT_SHOWN:  # no therapeutic level (fix trial74)
        return level_words(trial)
    return _REASON_TEXT.get(reason, str(reason))


# The reasons a drug dosed per session or injection meets by its dose basis alone.
_PER_ADMINISTRATION_REASONS = frozenset({InadequacyReason.TOO_SHORT, InadequacyReason.DOSE_UNKNOWN})


def adherence_text(trial: Trial) -> str:
    """ "Refills on time · PDC 100 %"; "Refills with a supply gap · PDC 82 % · no supply 33 days
    from 5 Jun 2025" over the gap the adherence card asks about (supply_lapses, its rule); never
    "verified" (review s20 R4 item 4; the cards' rule, trial_adherence_text: refill data show
    possession, not ingestion)."""
    adherence = trial.adherence
    lapses = supply_lapses(adherence)
    # A supply that ran out a month or more ago (Trial.supply_ran_out) is a gap too: the card
    # leads with it ("no supply since"), so the lane never says "on time" beside it.
    gap = bool(lapses) or trial.supply_ran_out is not None
    verified = "Refills with a supply gap" if gap else "Refills on time"
    status = {
        AdherenceStatus.VERIFIED: verified,
        AdherenceStatus.POOR: "Poor adherence",
    }.get(adherence.status, "Adherence unverified")
    parts = [status]
    if adherence.pdc is not None:
        parts.append(pdc_said(adherence))  # ward MAR days named as such (s27 RB finding 4)
        held = held_text(adherence)  # a hold's days are out of the PDC: say so (audit 14)
        if held:
            parts.append(held)
    elif adherence.first_fill is not None:  # no refill to judge: the fill, not a PDC
        fill = adherence.first_fill
        supply = f"{day_text(fill.date)} ({plural(fill.days, 'day')})"
        parts.append(
            f"{plural(adherence.fills, 'fill')} from {supply} covering the course: no refill due"
        )
    elif adherence.status is AdherenceStatus.UNVERIFIED:
        parts.append("no refill data")
    ward_held = ward_held_text(adherence)
    if ward_held:
        parts.append(ward_held)
    if adherence.refill_gaps:
        parts.append(plural(len(adherence.refill_gaps), "refill gap"))
    parts += [lapse_text(gap) for gap in lapses]
    ran_out = ran_out_text(trial)  # the adherence card's words for the same fact
    if ran_out:
        parts.append(ran_out)
    return " · ".join(parts)


def pdc_said(adherence: Adherence) -> str:
    """The figure the course's adherence was judged by, as the card names it: "ward MAR 24 %
    given (course PDC 93 %)" when the ward MAR's share, not the fill PDC, made it poor
    (Adherence.ward_deciding; review s29 RM finding 3: "Poor adherence · PDC 93 %" beside the
    card's "escitalopram ward MAR 24 % given"), else Adherence.pdc_words ("PDC 92 %", "given on
    13 of 52 ward days (MAR)")."""
    # Only on a course judged poor: the card names it in that verdict's reason alone
    # (rules/adherence_review._short_reason); a ward share below the line that did not stand
    # alone against the fills (ward_adherence._stands_alone) left the course adherent.
    ward = adherence.ward_deciding() if adherence.status is AdherenceStatus.POOR else None
    if ward is not None:
        return f"ward MAR {ward} given (course PDC {adherence.pdc_percent()})"
    return adherence.pdc_words()


def ward_held_text(adherence: Adherence) -> str:
    """ "held on 16 ward days (MAR), not counted": the ward's held days no drawn stretch names
    (Adherence.ward_held_days, the cards' "held on 16 (...), not counted"); "" for none."""
    days = adherence.ward_held_days
    return f"held on {plural(days, 'ward day')} (MAR), not counted" if days else ""


def lapse_text(gap: RefillGap) -> str:
    """ "no supply 33 days from 5 Jun 2025": a supply gap the adherence card names."""
    return f"no supply {plural(gap.days, 'day')} from {day_text(gap.start)}"


def outcome_text(trial: Trial, raised: str | None = None) -> str:
    """ "PHQ-9 21 → 11: response"; `raised`: a raise the optimise card holds as not judged yet
    (timeline/raise_wait.py), said instead of a non-response the raised dose has had no time to
    show (review s20 R4 item 9)."""
    before, after = trial.baseline, trial.on_treatment
    if trial_dates.never_filled(trial):
        return ""  # an order never filled: no response to judge (review s23 RP finding 3)
    if before is None or after is None or before.value is None or after.value is None:
        return raised[:1].upper() + raised[1:] if raised else ""
    if trial_dates.outcome_to_confirm(trial):  # taken after the last confirmation
        return f"{after.instrument} {before.value} → {after.value}: outcome to confirm"
    relapsed = relapse_text(trial)
    if relapsed is not None:  # review s23 RC finding 1: "PHQ-9 21 → 5 → 19", not "21 → 19"
        return relapsed[:1].upper() + relapsed[1:] + ": not counted as a failed trial"
    if trial.remission:
        outcome = "remission"
    elif trial.mild_residual and trial.episode_baseline is not None:  # review 15 recheck m05
        peak = trial.episode_baseline
        outcome = f"residual symptoms after the episode's response (episode baseline {peak.value})"
    elif trial.mild_residual:  # review 15 W1: a mild baseline, never a failure
        outcome = "mild baseline, residual symptoms (response not judged)"
    elif raised:
        outcome = raised
    else:
        # A 25-49 % drop is named, though it is no response (review 17 W4); from an on-treatment
        # baseline the change itself (review s19 a10: fhir_mapping/partial_response.py).
        outcome = response_words(trial)
    return f"{after.instrument} {before.value} → {after.value}: {outcome}"


def not_tolerated_lines(trial: Trial) -> list[str]:
    """ "Not tolerated: 150 mg/day stopped 2025-07-14 for adverse effect: not proposed again
    (Adverse effect: GI upset and insomnia)", worded by the optimise card's rule
    (optimize/stopped_dose.stopped_words), one per dose, this course's and the drug's earlier
    courses' alike (a fact of the patient and the drug: dose_not_tolerated.py); then a reaction
    documented for the drug rather than a dose ("Not tolerated: nausea, 22 Jan 2024"). Review s20
    R4 item 6: the timeline showed none of them, so a course stopped for a reaction read as a
    plain verdict."""
    lines = [f"Not tolerated: {stopped_words(d)}" for d in trial.doses_not_tolerated]
    said = {d.intolerance.source for d in trial.doses_not_tolerated}
    reaction = trial.intolerance
    if reaction is not None and reaction.source not in said:
        when = day_text(reaction.date) if reaction.date is not None else "date not recorded"
        lines.append(f"Not tolerated: {reaction.reason}, {when}")
    return lines
