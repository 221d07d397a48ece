"""patient-view: an SNRI, bupropion or esketamine running with uncontrolled blood pressure
(review 13 W6; esketamine: review 18b W3).

The chart of a patient on venlafaxine 225 mg/day whose last two readings were 162/102 and 166/104
got an optimise card proposing a switch or an adjunct and not a word about the blood pressure,
which the venlafaxine label ties to the drug (dose-related) and for which it advises a lower dose
or stopping it. One card on chart open, speaking whatever the pathway stage: the readings with
their dates, each running drug the table covers with its dose and start, and the label's line.

A warning, snoozable with a reason: at the policy's line (two readings in a row at or above 160/100,
services/policy/safety_readings.py) the card is rare, and what it names is what the label says to
act on; an information line would sit below the pathway cards the clinician reads first. Its snooze
fingerprint is the readings and the drugs, so a snooze never hides a new high reading.

A drug given in clinic (esketamine) runs by services/clinic_courses.py's rule, the one the
optimise card's course line reads (audit 19 finding 3: the two cards disagreed). A course whose
sessions stopped while its order stays open is named as ended, with the label's caution for a
restart ("if sessions resume: ..."), never with a dose to review.
"""

from __future__ import annotations

from services import blood_pressure, cards, clinic_courses, screen
from services.card_format import plural
from services.clinic_courses import ClinicCourse
from services.recommendation import Recommendation
from services.rules import pre_dose_blood_pressure, running_cautions
from services.rules.context import RuleContext

TOPIC = "running-drug-blood-pressure"


def _ended_line(course: ClinicCourse, caution: blood_pressure.BpCaution, window: int) -> str:
    """A course given in clinic whose sessions stopped, its order still open: the caution for a
    restart (the row's `if_resumed`), never a dose to review."""
    order = f" ({course.order_source})" if course.order_source is not None else ""
    ended = (
        f"- {course.text()}, none since (more than {plural(window, 'day')}): the course reads as ended, "
        f"though its order{order} is still active; {caution.says}"
    )
    return f"{ended}. If sessions resume: {caution.if_resumed} ({caution.cite}{caution.flag})."


def rule(ctx: RuleContext) -> Recommendation | None:
    pair = blood_pressure.uncontrolled(ctx.record, ctx.policy)
    if pair is None:
        # One raised reading on a session day of a drug whose label draws a pre-dose line
        # (esketamine; review K35c finding 1).
        return pre_dose_blood_pressure.card(ctx)
    # Esketamine given in clinic runs by clinic_courses' rule, whatever its order says (audit 19
    # finding 3); given only in clinic (the MAR, or HCPCS session codes) it has no order or fill
    # to make a running course, and a recent session makes it running (recheck 18a e05).
    clinic = {
        c.ingredient: c
        for c in clinic_courses.courses(ctx.record, ctx.policy)
        if blood_pressure.caution_for(c.ingredient) is not None  # the table's rows decide
    }
    drugs = [
        (taking, caution)
        for taking, _ in running_cautions.running(ctx)
        if (caution := blood_pressure.caution_for(taking.ingredient)) is not None
        and (
            taking.ingredient not in clinic
            # A course read from its sessions alone (no order: fhir_mapping/session_courses.py)
            # is named by its last session below, as before it was a course (recheck 18a e05).
            or (clinic[taking.ingredient].running and clinic[taking.ingredient].open_order)
        )
    ]
    named = {t.ingredient for t, _ in drugs}
    sessions = [
        c for c in clinic.values() if c.running and c.last is not None and c.ingredient not in named
    ]
    ended = [c for c in clinic.values() if not c.running and c.open_order and c.last is not None]
    if not drugs and not sessions and not ended:
        return None
    # A drug given in clinic is named with its last session, not "running" (recheck 18c e10: the
    # optimise card on the same screen called the course ended).
    taking = [f"{cards.and_list([t.ingredient for t, _ in drugs])} running"] if drugs else []
    given = [f"{c.ingredient} last given {c.last_day}" for c in sessions + ended]
    names = cards.and_list(taking + given)
    latest = pair[0]
    if drugs or sessions:
        summary = cards.fit_summary(
            f"Blood pressure {latest.text()} and the reading before also high, with {names}: review",
            f"Uncontrolled blood pressure ({latest.text()}) with {names}: review",
            f"Uncontrolled blood pressure with {names}: review",
        )
    else:  # only courses that ended: the caution is for a restart
        ended_names = f"{names}, course ended: treat the pressure before any restart"
        summary = cards.fit_summary(
            f"Blood pressure {latest.text()} and the reading before also high; {ended_names}",
            f"Uncontrolled blood pressure ({latest.text()}); {ended_names}",
            f"Uncontrolled blood pressure; {ended_names}",
        )
    window = ctx.policy.esketamine_session_recent_days
    lines = (
        [
            f"- {taking.text()}: {caution.says}; {caution.if_running} ({caution.cite}{caution.flag})."
            for taking, caution in drugs
        ]
        + [
            f"- {c.text()}: {b.says}; {b.if_running} ({b.cite}{b.flag})."
            for c in sessions
            if (b := blood_pressure.caution_for(c.ingredient)) is not None
        ]
        + [
            _ended_line(c, b, window)
            for c in ended
            if (b := blood_pressure.caution_for(c.ingredient)) is not None
        ]
    )
    detail = cards.join_sections(
        f"**Blood pressure:** the last two readings, {blood_pressure.readings_text(pair)}, are "
        f"both at or above {blood_pressure.line_words(ctx.policy)}, the line this clinic reads "
        "as uncontrolled (ACC/AHA 2017 stage 2 hypertension starts at 140/90).",
        "\n".join(lines),
        _closing(bool(drugs or sessions), ended),
    )
    # The card's snooze fingerprint (screen.pairs_key): both readings and the drugs, so a snooze
    # ends with the next reading, another such drug, or a course that stops or starts again.
    key = screen.pairs_key(
        [f"bp|{r.date.isoformat()}|{r.taken}|{r.systolic}|{r.diastolic}" for r in pair]
        + [f"drug|{t.ingredient}" for t, _ in drugs]
        + [f"drug|{c.ingredient}" for c in sessions]
        + [f"ended|{c.ingredient}|{c.last_day}" for c in ended]
    )
    card = cards.make(TOPIC, summary=summary, detail=detail)
    return screen.with_fields(card, evidence_key=key)


def _closing(runs: bool, ended: list[ClinicCourse]) -> str:
    """The card's last line: the dose review when a drug runs; for courses that ended only,
    what the open order means."""
    if runs:
        return (
            "Review the dose with the blood pressure (and whoever treats it); a switch to an "
            "antidepressant with no blood-pressure warning is an option (this service's switch "
            "lists do not weigh blood pressure)."
        )
    names = cards.and_list([c.ingredient for c in ended])
    return (
        f"No {names} dose runs to review; if the course has ended, closing its order keeps the "
        "chart from reading it as running."
    )
