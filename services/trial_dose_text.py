"""A course's dose as the cards write it and measure it against the minimum adequate dose: the
dose path ("25 → 50 → 100", "56 mg per session"), the highest dose reached, an unknown dose
("dose not recorded", "dose to confirm (up to N mg/day)"), the weeks below the minimum or at an
unknown dose, and whether those stretches were taken only as needed.

Apart from trial_table.py because the order checks and other cards quote these one by one, and
the verdict's reasons (trial_verdict_text.py) build on them; re-exported by trial_table.py.
"""

from __future__ import annotations

from datetime import date

from fhir_mapping import product_conflict
from fhir_mapping.dose_basis import shown_dose
from fhir_mapping.record import DoseBasis, DoseSegment, Trial
from fhir_mapping.sig_unclear import MARK as _SIG_UNCLEAR
from services.card_format import as_needed_text, fmt_mg, plural
from services.dose_units import per_day
from services.microgram_doses import microgram_dose_text

# Enum members compared per trial, as module constants, as in trial_verdict_text.py (issue 14).
_DAILY = DoseBasis.DAILY


# How a dose that is not mg/day is written (issue 11 item 5b): never as an averaged mg/day.
PER_ADMINISTRATION = {DoseBasis.SESSION: "per session", DoseBasis.INTERVAL: "per injection"}


def per_administration(basis: DoseBasis, mg: float | None) -> str:
    """ "56 mg per session", "dosed per injection (not mg/day)": a dose that is not mg/day as
    written for one administration; "" for a daily dose. Review s19 M2: the running cards named
    esketamine 56 mg twice weekly "16 mg/day", its segments' time average for supply arithmetic."""
    if basis is _DAILY:
        return ""
    unit = PER_ADMINISTRATION[basis]
    return f"dosed {unit} (not mg/day)" if mg is None else f"{fmt_mg(mg)} mg {unit}"


# What a dose read per injection is (dose_basis.py), said after it: project wording.
LONG_ACTING = "long-acting injection"


def injection_dose(trial: Trial) -> str:
    """ "400 mg every 4 weeks (long-acting injection)": a running dose read per injection
    (DoseBasis.INTERVAL) as the clinician gives it, never its time average in mg/day (review
    K63b finding 4: "aripiprazole 14.29 mg/day" for 400 mg every 4 weeks). The interval is the
    one the record states: the injection's mg over its mg/day time average (an order's timing);
    with no mg/day (a MAR-only course: injection_courses.py) "per injection"."""
    mg, daily = trial.mg_per_administration, trial.current_mg_per_day
    if mg is None:
        return f"dose per injection not read ({LONG_ACTING})"
    # Fix care67: the product read from the dose alone, or a dose no product has, is said.
    note = trial.injection_tail.product_note if trial.injection_tail is not None else ""
    said = f"; {note}" if note else ""
    days = round(mg / daily) if daily else 0
    if days <= 1:
        return f"{fmt_mg(mg)} mg per injection ({LONG_ACTING}{said})"
    every = (
        ("every week" if days == 7 else f"every {days // 7} weeks")
        if days % 7 == 0
        else f"every {days} days"
    )
    return f"{fmt_mg(mg)} mg {every} ({LONG_ACTING}{said})"


def weeks_not_applicable(trial: Trial, sessions: int | None = None) -> str | None:
    """What stands for "weeks at an adequate dose" of a drug dosed per session or injection
    (review s20 item 3): "not applicable: dosed per session; 8 sessions on record". Its mg/day
    segments are a time average for supply arithmetic, so an adequacy of weeks at a mg/day dose
    is a criterion it can never meet: the cell and the verdict say what applies (the dose per
    session, the sessions, the dates) instead. `sessions`: those on record in the course's dates
    (clinic_courses.sessions_in), None when not counted. None for a daily dose."""
    if trial.dose_basis is _DAILY:
        return None
    said = f"not applicable: dosed {PER_ADMINISTRATION[trial.dose_basis]}"
    if sessions is None:
        return said
    return f"{said}; {plural(sessions, 'session')} on record"


def to_confirm_mg(trial: Trial, segment: DoseSegment | None = None) -> float | None:
    """The most the course's latest dose may be a day when its dosage lines leave it to confirm
    (Trial.dose_to_confirm_mg: "Take 2 tablets (200 mg) daily" beside "Then take 3 tablets (300
    mg) daily", unsequenced), when that is above what its latest segment reads; None otherwise,
    and for any `segment` but the latest. The one rule the packet, the card tables and the
    timeline mark a to-confirm dose by, as the running-dose cards say it ("up to 300 mg/day
    (dose to confirm)"; s25 RT finding 6: the packet said "50 → 200" and the timeline "200
    mg/day ... adequate dose" beside that card). Adequacy still reads the segment's own dose."""
    top = trial.dose_to_confirm_mg
    if top is None or not trial.segments:
        return None
    latest = trial.segments[-1]
    if segment is not None and segment is not latest and segment != latest:
        return None
    upper = latest.mg_per_day_upper
    return None if upper is not None and upper >= top else top


def to_confirm_text(mg_per_day: float, unit: str = "mg/day") -> str:
    """ "up to 40 mg/day (dose to confirm)": the most a dose to confirm may be, never a dose
    taken; `unit` "" where a column names it ("Doses, mg/day")."""
    return f"up to {fmt_mg(mg_per_day)}{f' {unit}' if unit else ''} (dose to confirm)"


def order_above_fills(trial: Trial) -> tuple[float, float] | None:
    """(the order's upper mg/day, the fills' mg/day) when the running dose is the one the latest
    fills imply and the order states more (Trial.ordered_mg_per_day(_high), fhir_mapping/
    fill_dose.py); None otherwise (an order within the fills' dose: "1-2 tablets" beside fills of
    2 a day). The one rule `fills_below_order` and the running-dose card
    (rules/running_range_dose.py: an order above the usual maximum, s25 FZ2) read."""
    low, high = trial.ordered_mg_per_day, trial.ordered_mg_per_day_high
    ordered = high if high is not None else low
    filled = trial.segments[-1].mg_per_day if trial.segments else None
    if ordered is None or filled is None or ordered <= filled:
        return None
    return ordered, filled


def order_says(trial: Trial, unit: str = "mg/day") -> str:
    """The course's order dose as its record states it beside fills: "up to 300 mg/day",
    "200-300 mg/day", "300 mg/day"."""
    low, high = trial.ordered_mg_per_day, trial.ordered_mg_per_day_high
    said = f" {unit}" if unit else ""
    if low is not None and high is not None:
        return f"{fmt_mg(low)}-{fmt_mg(high)}{said}"
    return f"up to {fmt_mg(high)}{said}" if low is None else f"{fmt_mg(low)}{said}"


def fills_below_order(trial: Trial, unit: str = "mg/day") -> str | None:
    """ "order says up to 300 mg/day, fills cover 100 mg/day: confirm the dose taken" when the
    running dose is the one the latest fills imply and the order states more (`order_above_fills`;
    review s25 RK4 finding 16: fills of 30 x 100 mg per 30 days beside "200 mg, then 300 mg"
    read "up to 300 (dose to confirm)" and drew an above-maximum card). The fills bound the dose
    (fill_dose.within_fills); the order's higher reading is said, not dropped, so the clinician
    confirms which is taken. None otherwise."""
    found = order_above_fills(trial)
    if found is None:
        return None
    said = f" {unit}" if unit else ""
    return (
        f"order says {order_says(trial, unit)}, fills cover {fmt_mg(found[1])}{said}: "
        "confirm the dose taken"
    )


def dose_path(trial: Trial) -> str:
    """Consecutive distinct doses, e.g. "25 → 50 → 100"; "56 mg per session" for a drug dosed
    per session or injection (its segments hold a time average, not a dose)."""
    if trial.dose_basis is not _DAILY:
        return per_administration(trial.dose_basis, trial.mg_per_administration)
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
        elif (ug := microgram_dose_text(trial.ingredient, segment.mg_per_day, high)) is not None:
            # In micrograms, as the cards say the running dose (review s29 RM finding 6:
            # "0.025" beside the card's "liothyronine 25 µg/day").
            text = ug
        elif high is not None:
            low = segment.mg_per_day
            text = f"{fmt_mg(low)}-{fmt_mg(high)}" if low is not None else f"up to {fmt_mg(high)}"
        else:
            text = fmt_mg(segment.mg_per_day)
        if not doses or doses[-1] != text:
            doses.append(text)
    top = to_confirm_mg(trial)
    if top is not None and doses:  # the latest dose as the running-dose cards say it
        known = trial.segments[-1].mg_per_day_upper is not None
        said = to_confirm_text(top, "")
        # "50 → 200, up to 300 (dose to confirm)"; "up to 40 (dose to confirm)", not "unknown, ..."
        doses[-1] = f"{doses[-1]}, {said}" if known else said
    beside = fills_below_order(trial, "")
    if beside is not None and doses:  # "50 → 100 (order says up to 300, fills cover 100: ...)"
        doses[-1] = f"{doses[-1]} ({beside})"
    lowered = trial.lower_unfilled
    if lowered is not None and doses:  # orders42: "150 → 75 (ordered 2026-11-20, no fill yet)"
        doses[-1] = f"{doses[-1]} (ordered {lowered.day.isoformat()}, no fill yet)"
    return " → ".join(doses) if doses else "unknown"


def top_dose_text(trial: Trial) -> str:
    """The highest dose a course reached, with its unit: "100 mg/day"; "100 mg as needed" (with
    its daily ceiling) when the course was taken only as needed, never as a daily dose; "dose
    unknown" when none was read. A scheduled dose beside as-needed stretches is the daily one."""
    daily = [s.mg_per_day for s in trial.segments if not s.as_needed and s.mg_per_day is not None]
    if daily:
        return f"{fmt_mg(max(daily))} {per_day(trial.ingredient)}"
    needed = [s for s in trial.segments if s.as_needed and s.mg_per_day_upper is not None]
    if needed:
        top = max(needed, key=lambda s: s.mg_per_day_upper or 0.0)
        return as_needed_text(top.mg_per_day, top.mg_per_day_high, top.as_needed_max_mg)
    return "dose unknown"


def taken_only_as_needed(trial: Trial) -> bool:
    """Every dose of the course that was read was taken only as needed (no daily dose)."""
    read = [s for s in trial.segments if s.mg_per_day_upper is not None]
    return bool(read) and all(s.as_needed for s in read)


def _days(start: date, end: date) -> int:
    return (end - start).days


def _below_minimum_segments(trial: Trial) -> list[DoseSegment]:
    """The course's dose segments below its minimum adequate dose (none without a minimum)."""
    minimum = trial.min_adequate_mg
    if minimum is None:
        return []
    return [s for s in trial.segments if s.mg_per_day is not None and s.mg_per_day < minimum]


def below_minimum(trial: Trial) -> tuple[float, float] | None:
    """(highest dose below the minimum adequate dose, weeks spent below it), or None."""
    low = _below_minimum_segments(trial)
    if not low:
        return None
    top = max(s.mg_per_day for s in low if s.mg_per_day is not None)
    return top, sum(_days(s.start, s.end) for s in low) / 7


def below_minimum_dose(trial: Trial, micrograms: bool = False) -> str | None:
    """The highest dose below the minimum adequate dose as the cards write it: "15 mg", or the
    sig's range when that dose is one ("15-30 mg", never its low end alone: review s23 RP
    finding 8, the packet said "15 mg/day" where the card and its dose cell say "15-30"); None
    when no dose is below it. Without its unit (the caller's: mg/day, mg as needed, or µg/day
    with `micrograms`: the number in micrograms, review s29 K18 finding 3)."""
    low = _below_minimum_segments(trial)
    if not low:
        return None
    top = max(low, key=lambda s: (s.mg_per_day or 0.0, s.mg_per_day_high or 0.0))
    high = top.mg_per_day_high
    scale = 1000.0 if micrograms else 1.0
    shown = fmt_mg(top.mg_per_day * scale if top.mg_per_day is not None else None)
    return shown if high is None else f"{shown}-{fmt_mg(high * scale)}"


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


def dose_unknown_text(trial: Trial, *, nested: bool = False) -> str:
    """An unknown dose as the cards say it: "dose not recorded", or, when the dosage lines are
    there but to confirm (Trial.dose_to_confirm_mg), "dose to confirm (up to N mg/day)", the
    words the age, renal and hepatic cards use for the same course (review 14 recheck k01/k02:
    one card said "not recorded" beside another's "up to 30 mg/day"). `nested`: inside
    parentheses already (a summary's list of trials), said with a comma instead."""
    upto = to_confirm_upto(trial)
    if upto is None:
        return "dose not recorded"
    if nested:
        return f"dose to confirm, {upto}"
    # A record whose code and words disagree on the dose (review 18a W1): both readings named.
    disagree = product_conflict.readings(trial.notes)
    if disagree is not None:
        return f"dose to confirm ({upto}: {disagree})"
    return f"dose to confirm ({upto})"


# How a running dose to confirm opens where a dose is said (order_doses.trial_dose; trial_dates.
# dose_since reads it to say since when).
TO_CONFIRM = "dose to confirm"


def to_confirm_upto(trial: Trial) -> str | None:
    """ "up to 450 mg/day": the most the course's dose to confirm may be (Trial.
    dose_to_confirm_mg), "up to 75 mg as needed" when its latest stretch is taken as needed (an
    as-needed dose is no daily dose: fix order47, "up to 75 mg/day" was said of one); None when
    the course has no dose to confirm."""
    high = trial.dose_to_confirm_mg
    if high is None:
        return None
    if trial.segments and trial.segments[-1].as_needed:
        return f"up to {fmt_mg(high)} mg as needed"
    return f"up to {fmt_mg(high)} {per_day(trial.ingredient)}"


def sig_unclear_text(trial: Trial) -> str:
    """ " (sig unclear: 'twice daily at bedtime')": the words of a sig that contradicts itself
    about how often the running dose is taken (fhir_mapping/sig_unclear.py), for the dose
    sections to put after the dose, so the clinician checks the sig before a raise or an
    adequacy judgement rests on it; "" when the running dose is no range (the unclear sig is
    then not the one the dose was read from) or no such note is on the course."""
    if trial.current_mg_per_day_high is None:
        return ""
    for note in reversed(trial.notes):
        at = note.find(_SIG_UNCLEAR)
        if at != -1:
            return f" ({note[at:]})"
    return ""
