"""patient-view: one raised reading on a session day of a drug whose label asks for a reading
before each dose (esketamine; review K35c finding 1).

A chart of a patient in a Spravato induction, 8 sessions, whose reading today was 165/100 (the one
before it 138/84) got no word about blood pressure: the running-drug card (running_blood_pressure.py)
needs the last two readings both at or above 160/100, the line for the SNRIs' "sustained rise".
The SPRAVATO label asks for a reading before each dose and draws its own line (as a guide, above
140/90: weigh the short-term rise against the benefit; do not dose when a rise would be a serious
risk): data/blood_pressure_cautions.csv `pre_dose_systolic` / `pre_dose_diastolic`.

So on a session day (the reading, or a session, dated today) with the course running, one reading
above that line is a warning: the reading, its date, the label's line. No suggestion: what to do
is the clinician's weighing, which the label asks for. Shown only when the two-reading card is not
(that card names the same readings and more). Snoozable as that card, with the reading and the drug
in its fingerprint, so a new reading or another such drug brings it back.
"""

from __future__ import annotations

from datetime import date

from services import blood_pressure, cards, clinic_courses, screen
from services.recommendation import Recommendation
from services.rules import running_cautions
from services.rules.context import RuleContext


def _running(ctx: RuleContext) -> list[tuple[str, str, date | None]]:
    """(ingredient, how the chart shows it running, its last session day) for each running drug
    whose row has a pre-dose line: a course given in clinic by clinic_courses' rule, else an
    order, statement or fill running_cautions reads as running."""
    found: dict[str, tuple[str, str, date | None]] = {}
    for course in clinic_courses.courses(ctx.record, ctx.policy):
        caution = blood_pressure.caution_for(course.ingredient)
        if course.running and caution is not None and caution.pre_dose_systolic is not None:
            found[course.ingredient] = (course.ingredient, course.text(), course.last_day)
    for taking, _ in running_cautions.running(ctx):
        caution = blood_pressure.caution_for(taking.ingredient)
        if caution is None or caution.pre_dose_systolic is None or taking.ingredient in found:
            continue
        found[taking.ingredient] = (taking.ingredient, taking.text(), None)
    return list(found.values())


def card(ctx: RuleContext) -> Recommendation | None:
    today = ctx.record.as_of
    lines: list[str] = []
    names: list[str] = []
    key: list[str] = []
    reading = None
    line = ""
    for ingredient, shown, last_session in _running(ctx):
        caution = blood_pressure.caution_for(ingredient)
        if caution is None:
            continue
        latest = blood_pressure.pre_dose_high(ctx.record, caution, ctx.policy)
        # A session day: the reading or a session dated today (a reading taken in clinic today is
        # the one the label asks for before today's dose).
        if latest is None or (latest.date != today and last_session != today):
            continue
        reading, line = latest, caution.pre_dose_words
        names.append(ingredient)
        lines.append(
            f"- {shown}: {latest.text()} is above {caution.pre_dose_words}, the label's line for a "
            f"raised blood pressure before a dose. {ingredient.capitalize()} {caution.says}; "
            f"{caution.if_running} "
            f"({caution.cite}{caution.flag})."
        )
        key.append(f"drug|{ingredient}")
    if reading is None:
        return None
    said = cards.and_list(names)
    summary = cards.fit_summary(
        f"Blood pressure {reading.text()} before {said}: above the label's {line}; recheck first",
        f"Blood pressure {reading.text()} with {said} running: recheck before the dose",
        f"Raised blood pressure with {said} running: recheck before the dose",
    )
    detail = cards.join_sections(
        f"**Blood pressure before a dose:** the latest reading, {reading.text()}, was taken on a "
        f"session day of {said}.",
        "\n".join(lines),
        "Recheck it before the dose; a clinician weighs whether the session goes ahead.",
    )
    fingerprint = screen.pairs_key(
        [f"bp|{reading.date.isoformat()}|{reading.taken}|{reading.systolic}|{reading.diastolic}"]
        + key
    )
    made = cards.make("running-drug-blood-pressure", summary=summary, detail=detail)
    return screen.with_fields(made, evidence_key=fingerprint)
