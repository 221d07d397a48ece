"""What the picture shows, in words: the SVG's <desc>, read by screen readers."""

from __future__ import annotations

from fhir_mapping.record import PatientRecord, Role, Trial, Verdict
from services import data_gaps, phq9_disagreements, trial_dates
from services.card_format import STOPPED_UNMEASURED
from services.timeline.contents import (
    PROCEDURE_ROWS,
    item9_positive,
    ordered_trials,
    treatment_procedures,
)
from services.timeline.style import timeline_style
from services.timeline.to_confirm import not_drawn
from services.timeline.wording import (
    daily_text,
    day_text,
    lapse_text,
    pdc_said,
    plural,
    reasons_text,
    segment_dose_text,
    ward_held_text,
)
from services.trial_adherence_text import supply_lapses
from services.trial_dose_text import per_administration
from services.trial_table import fixed_course_text, held_text

_SUMMARY_VERDICT = {
    Verdict.ADEQUATE: "adequate trial",
    Verdict.INADEQUATE: "inadequate trial",
    # The dates already say "ongoing" of a running course ("from 2 Nov 2026, ongoing"): the
    # verdict says what it adds (review s20 item 2: "ongoing, ongoing, not yet adequate").
    Verdict.ONGOING: "not yet adequate",
    Verdict.NOT_A_TRIAL: "not an antidepressant trial",
}


def describe(record: PatientRecord) -> str:
    """What the picture shows, in words (the SVG's <desc>, read by screen readers)."""
    trials = ordered_trials(record)
    scores = record.phq9()
    procedures = treatment_procedures(record)
    if not (trials or scores or procedures or not_drawn(record)):
        return (
            "Nothing to draw: no antidepressant trials, PHQ-9 scores or depression procedures "
            f"on record as of {day_text(record.as_of)}."
        )
    antidepressants = [t for t in trials if t.role is Role.ANTIDEPRESSANT]
    unseen = not_drawn(record)
    augmentations = [t for t in trials if t.role is Role.AUGMENTATION]
    sentences = [f"Treatment timeline as of {day_text(record.as_of)}."]
    if antidepressants:
        sentences.append(
            f"{plural(len(antidepressants), 'antidepressant trial')}: "
            + "; ".join(_trial_summary(t) for t in antidepressants)
            + "."
        )
    else:
        sentences.append("No antidepressant trials.")
    if augmentations:
        sentences.append(
            "Augmentation: " + "; ".join(_trial_summary(t) for t in augmentations) + "."
        )
    if unseen:  # no bar to read them from (review s20 R4 item 1)
        sentences.append("To confirm: " + "; ".join(unseen) + ".")
    valued = [s for s in scores if s.value is not None]
    if valued:
        latest = valued[-1]
        band = timeline_style().band_of(latest.value or 0)
        # A total its answers contradict says so (review s23 RP finding 4).
        doubt = phq9_disagreements.conflict_words(latest, dated=False)
        sentences.append(
            f"{plural(len(scores), 'PHQ-9 score')} from {day_text(scores[0].date)}; latest "
            f"{latest.value}{f' ({band.label})' if band else ''} on {day_text(latest.date)}"
            f"{f' ({doubt})' if doubt else ''}."
        )
    else:
        # Beside PHQ-9s that could not be read (phq9_lookalike.py), "none" would claim more than
        # the record shows.
        unread = data_gaps.unrecognised_phq9(record)
        sentences.append(
            f"No PHQ-9 total that could be read ({len(unread)} named PHQ-9 not read)."
            if unread
            else "No PHQ-9 total scores."
        )
    positives = [s for s in scores if item9_positive(s)]
    if positives:
        sentences.append(
            f"Item 9 (thoughts of death or self-harm) positive on "
            f"{plural(len(positives), 'occasion')}, latest {day_text(positives[-1].date)}."
        )
    for kind, name in PROCEDURE_ROWS:
        rows = [p for p in procedures if p.kind is kind]
        if rows:
            dated = sorted(p.date for p in rows if p.date is not None)
            when = f" from {day_text(dated[0])} to {day_text(dated[-1])}" if dated else ""
            sentences.append(f"{name}: {plural(len(rows), 'session')}{when}.")
    return " ".join(sentences)


def _trial_summary(trial: Trial) -> str:
    daily = [s for s in trial.segments if s.mg_per_day is not None and not s.as_needed]
    doses = [s.mg_per_day for s in daily if s.mg_per_day is not None]
    # The top of a sig's range is part of the dose (review s20 R4 item 5).
    tops = [s.mg_per_day_upper for s in daily if s.mg_per_day_upper is not None]
    needed = [s for s in trial.segments if s.as_needed]
    per_dose = per_administration(trial.dose_basis, trial.mg_per_administration)
    if per_dose:  # esketamine per session: never its time-averaged mg/day (review s19 M2)
        dose = per_dose
    elif not doses and needed:  # taken only as needed: no daily dose (review 10, PRN doses)
        dose = segment_dose_text(
            max(needed, key=lambda s: s.mg_per_day_upper or 0.0), trial.ingredient
        )
    elif not doses:
        dose = "dose unknown"
    elif min(doses) == max(tops):
        dose = daily_text(trial.ingredient, doses[0])  # "25 µg/day" in micrograms (s29 RM 6)
    elif len(daily) == 1:  # one ranged dose: as the cards write it
        dose = segment_dose_text(daily[0], trial.ingredient)
    else:
        dose = daily_text(trial.ingredient, min(doses), max(tops))
    written = trial_dates.written_text(trial)
    if written is not None:  # dates to the year or month only, as written (review 10 f5)
        text = f"{trial.ingredient} {dose}, {written}"
    elif trial_dates.listed_undated(trial):  # listed that day, not begun (review s23 RT f2)
        text = f"{trial.ingredient} {dose}, {trial_dates.dates_text(trial)}"
    else:
        text = f"{trial.ingredient} {dose} from {day_text(trial.start)}"
        if trial.alone_from is not None:  # its weeks count from then (role 49)
            text += f", alone from {day_text(trial.alone_from)}"
        end = day_text(trial.end)
        stopped = trial_dates.stopped_by_text(trial, end)  # its stop's day only (W2 item 1)
        if trial.ongoing:  # "listed: order ... still active, ..." for a listed course
            text += f", {trial_dates.ongoing_text(trial, day_text)}"
        else:
            text += f" to {end}" if stopped == end else f", {stopped}"
    verdict = fixed_course_text(trial) or _SUMMARY_VERDICT.get(trial.verdict, str(trial.verdict))
    if trial_dates.never_filled(trial):  # its listing says why (review s23 RP finding 3)
        verdict = "not counted as a trial"
    elif trial_dates.duration_to_confirm(trial):
        # Session 21 F3 item 1: not known to be short; its reason says "adequacy to confirm".
        verdict = "trial"
    text += f", {verdict}"
    if trial.patient_reported:  # only the patient's statements (review 18b M4)
        text += ", self-reported"
    elif trial.statement_only:  # a clinician's or unsourced statement (review s27 RA 2)
        text += ", medication list only"
    if trial.failed and trial.outcome_inferred and verdict != "not counted as a trial":
        # A failure read from the stop alone, in the cards' words (review s27 RB finding 2:
        # "adequate trial" where the cards say "stopped, response not measured"), to confirm as
        # the packet's Counted cell says it (review s27 K4 finding 7).
        text += f", to confirm: {STOPPED_UNMEASURED}"
    if trial.reasons:
        text += f" ({reasons_text(trial)})"
    if trial.adherence.pdc is not None:
        # The deciding figure, ward MAR days named as such (s27 RB 4; s29 RM finding 3).
        text += f", {pdc_said(trial.adherence)}"
        held = held_text(trial.adherence)  # a hold's days are out of the PDC: say so (audit 14)
        if held:
            text += f" ({held})"
    ward_held = ward_held_text(trial.adherence)  # the ward's held days (s29 RM finding 6)
    if ward_held:
        text += f", {ward_held}"
    if trial.adherence.refill_gaps:
        text += f", {plural(len(trial.adherence.refill_gaps), 'refill gap')}"
    for gap in supply_lapses(trial.adherence):  # the gaps the adherence card names (R4 item 4)
        text += f", {lapse_text(gap)}"
    return text
