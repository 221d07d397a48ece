"""What the switch list says beside an option about its earlier courses: a course that neither
failed nor runs now ("tried 2023-2024 (year only), adequacy to confirm": review 10 recheck R11),
a failed adjunct course of the drug in this episode (review 16 W6; a measured non-response on it
is "failed as adjunct, not proposed": RC review s23 finding 7), and an order nothing shows
was taken ("ordered or planned ..., not shown taken: confirm": review 14 recheck r09).

Apart from switch.py because it reads only the record's courses, never which options the list
holds.
"""

from __future__ import annotations

from fhir_mapping.record import InadequacyReason, Role, Trial, Verdict
from services import cards, trial_dates
from services.rules.context import RuleContext
from services.rules.optimize.courses import ordered_on
from services.trial_table import top_dose_text


def tried_courses(ctx: RuleContext) -> dict[str, str]:
    """Ingredient -> how an earlier course of it that neither failed nor runs now is named beside
    it in the switch list (review 10 recheck R11: fluoxetine offered again after a year-only
    fluoxetine course, with nothing said): "tried 2023–2024 (year only), adequacy to confirm",
    "tried 2024-01-08 – 2024-01-22, not an adequate trial", "tried 2021-01-04 – 2021-07-05,
    remission on it". The latest course of each; a low dose for another indication (not a trial)
    is not named."""
    found: dict[str, str] = {}
    for t in sorted(ctx.record.trials, key=lambda t: t.end):
        if t.ongoing or t.role is not Role.ANTIDEPRESSANT or t.verdict is Verdict.NOT_A_TRIAL:
            continue
        text = f"tried {trial_dates.dates_text(t)}"
        if trial_dates.reported_undated(t):
            # Its start is the day the report was entered, not a day it was taken (recheck 2 of
            # review 16, W2): "tried from" would place a past course at that day.
            dose = _reported_dose(t)
            text = trial_dates.reported_text(t, dose, dose_known=dose is not None)
        elif trial_dates.whole_course_assumed(t) is not None and t.written_dates is None:
            # Its end is the assumed 30 days, not a date on record (audit 16 W4).
            text = f"tried from {trial_dates.start_text(t)}; {_not_recorded(t)}"
        elif (
            t.written_dates is not None and t.verdict is not Verdict.ADEQUATE
        ) or trial_dates.duration_to_confirm(t):
            # Dates partial, or adequate only up to a stop whose day was not recorded (session
            # 21 F3 item 1): how long it ran is to confirm.
            text += ", adequacy to confirm"
        elif t.verdict is Verdict.INADEQUATE and t.stopped_for is not None:
            text += f", stopped for {t.stopped_for}, not a failure"  # RC s23 finding 5
        elif t.verdict is Verdict.INADEQUATE:
            text += ", not an adequate trial"
        elif t.remission is True:
            text += ", remission on it"
        elif t.response is True:
            text += ", response on it"
        elif t.failed:
            # Failed in an earlier episode (the switch list leaves out only this episode's).
            text += ", response not recorded" if t.outcome_inferred else ", no response"
        found[t.ingredient] = text
    return found


def _reported_dose(trial: Trial) -> str | None:
    """The dose a reported course names ("150 mg/day"), None when none was read."""
    if InadequacyReason.DOSE_UNKNOWN in trial.reasons and trial.weeks_at_adequate_dose == 0:
        return None
    dose = top_dose_text(trial)
    return None if dose == "dose unknown" else dose


def _not_recorded(trial: Trial) -> str:
    """ "dose and duration not recorded" or "duration not recorded" for a course whose whole
    length is the assumed one."""
    if InadequacyReason.DOSE_UNKNOWN in trial.reasons and trial.weeks_at_adequate_dose == 0:
        return "dose and duration not recorded"
    return "duration not recorded"


def failed_as_adjunct(ctx: RuleContext) -> dict[str, str]:
    """Ingredient -> how its failed adjunct course in this episode is named beside it in the
    switch list (review 16 W6: bupropion 300 mg/day failed 13 weeks as an add-on, then listed as a
    switch option with nothing said): "tried as adjunct 300 mg/day for 13 wk, 2024-03-04 –
    2024-06-03, no remission". Kept in the list only when the add-on's failure is not a measured
    non-response (a response short of remission, or a failure inferred with no PHQ-9 on it):
    monotherapy after such an add-on is another use of the drug, and the clinician weighs it. A
    measured non-response is `adjunct_non_response`'s, never proposed. The latest failed course
    of each drug; one still running is the augment section's."""
    found: dict[str, str] = {}
    for t, text in _failed_adjuncts(ctx):
        if not _non_response(t):
            found[t.ingredient] = f"tried as adjunct {text}"
    return found


def adjunct_non_response(ctx: RuleContext) -> dict[str, str]:
    """Ingredient -> "30 mg/day for 13.1 wk, 2025-06-01 – 2025-09-01, no response": a drug whose
    adjunct course in this episode failed with a measured non-response (RC review s23 finding 7:
    mirtazapine 30 mg/day beside venlafaxine 225 for 13 weeks, PHQ-9 22 -> 20, then offered as a
    switch). The drug was taken at an adequate dose for an adequate time and the depression did
    not respond; as a switch it is a low-yield option, so it is named "failed as adjunct, not
    proposed" as the failed antidepressants are. Only a drug the switch list could propose (a
    first-line antidepressant: mirtazapine, bupropion; not aripiprazole). The latest failed
    course of each drug."""
    options = {d.ingredient for d in ctx.drug_lines.first_line_antidepressants}
    return {
        t.ingredient: text
        for t, text in _failed_adjuncts(ctx)
        if _non_response(t) and t.ingredient in options
    }


def _non_response(trial: Trial) -> bool:
    return trial.response is False and not trial.outcome_unmeasured


def _failed_adjuncts(ctx: RuleContext) -> list[tuple[Trial, str]]:
    """The finished failed adjunct courses of this episode, each with "300 mg/day for 13 wk,
    2024-03-04 – 2024-06-03, no remission", in end order (a drug's latest last)."""
    found: list[tuple[Trial, str]] = []
    for t in sorted(ctx.facts.augmentations, key=lambda t: t.end):
        if t.ongoing or not t.failed:
            continue
        if t.outcome_unmeasured:
            outcome = "failure inferred (no PHQ-9 on it)"
        else:
            outcome = "no response" if t.response is False else "no remission"
        weeks = cards.fmt_weeks((t.end - t.start).days / 7)
        found.append(
            (t, f"{top_dose_text(t)} for {weeks} wk, {trial_dates.dates_text(t)}, {outcome}")
        )
    return found


def unshown_text(trial: Trial) -> str:
    """ "ordered or planned 2024-10-01, not shown taken: confirm": beside an option whose only course is an
    order nothing shows was taken (courses.not_shown_taken)."""
    return f"ordered or planned {ordered_on(trial)}, not shown taken: confirm"
