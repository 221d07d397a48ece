"""patient-view: an SNRI, bupropion or esketamine running with uncontrolled blood pressure
(review 13 W6; esketamine: review 18b W3).

The chart of a patient on venlafaxine 225 mg/day whose last two readings were 162/102 and 166/104
got an optimise card proposing a switch or an adjunct and not a word about the blood pressure,
which the venlafaxine label ties to the drug (dose-related) and for which it advises a lower dose
or stopping it. One card on chart open, speaking whatever the pathway stage: the readings with
their dates, each running drug the table covers with its dose and start, and the label's line.

A warning, snoozable with a reason: at the policy's line (two readings in a row at or above
160/100, services/policy.py) the card is rare, and what it names is what the label says to act
on; an information line would sit below the pathway cards the clinician reads first. Its
snooze fingerprint is the readings and the drugs, so a snooze never hides a new high reading.
"""

from __future__ import annotations

from services import blood_pressure, cards, screen
from services.recommendation import Recommendation
from services.rules import running_cautions
from services.rules.context import RuleContext

TOPIC = "running-drug-blood-pressure"


def rule(ctx: RuleContext) -> Recommendation | None:
    pair = blood_pressure.uncontrolled(ctx.record, ctx.policy)
    if pair is None:
        return None
    drugs = [
        (taking, caution)
        for taking, _ in running_cautions.running(ctx)
        if (caution := blood_pressure.caution_for(taking.ingredient)) is not None
    ]
    # Esketamine given only in clinic (the MAR, or HCPCS session codes) has no order or fill to
    # make a running course: a recent session makes it running here (recheck 18a e05).
    named = {t.ingredient for t, _ in drugs}
    sessions = [
        s
        for s in blood_pressure.session_courses(ctx.record, ctx.policy)
        if s.ingredient not in named
    ]
    if not drugs and not sessions:
        return None
    # A drug given in clinic is named with its last session, not "running" (recheck 18c e10: the
    # optimise card on the same screen called the course ended).
    taking = [f"{cards.and_list([t.ingredient for t, _ in drugs])} running"] if drugs else []
    given = [f"{s.ingredient} last given {s.last.date}" for s in sessions]
    names = cards.and_list(taking + given)
    latest = pair[0]
    summary = cards.fit_summary(
        f"Blood pressure {latest.text()} and the reading before as high, with {names}: review",
        f"Uncontrolled blood pressure ({latest.text()}) with {names}: review",
        f"Uncontrolled blood pressure with {names}: review",
    )
    lines = [
        f"- {taking.text()}: {caution.says}; {caution.if_running} ({caution.cite}{caution.flag})."
        for taking, caution in drugs
    ] + [
        f"- {s.text()}: {c.says}; {c.if_running} ({c.cite}{c.flag})."
        for s in sessions
        if (c := blood_pressure.caution_for(s.ingredient)) is not None
    ]
    detail = cards.join_sections(
        f"**Blood pressure:** the last two readings, {blood_pressure.readings_text(pair)}, are "
        f"both at or above {blood_pressure.line_words(ctx.policy)}, the line this clinic reads "
        "as uncontrolled (ACC/AHA 2017 stage 2 hypertension starts at 140/90).",
        "\n".join(lines),
        "Review the dose with the blood pressure (and whoever treats it); a switch to an "
        "antidepressant with no blood-pressure warning is an option (this service's switch "
        "lists do not weigh blood pressure).",
    )
    # The card's snooze fingerprint (screen.pairs_key): both readings and the drugs, so a snooze
    # ends with the next reading or another such drug.
    key = screen.pairs_key(
        [f"bp|{r.date.isoformat()}|{r.taken}|{r.systolic}|{r.diastolic}" for r in pair]
        + [f"drug|{t.ingredient}" for t, _ in drugs]
        + [f"drug|{s.ingredient}" for s in sessions]
    )
    card = cards.make(TOPIC, summary=summary, detail=detail)
    return screen.with_fields(card, evidence_key=key)
