"""patient-view: a running drug whose reaction was recorded while it ran (s30 allergy31, review
K20b finding al2b).

Sertraline 100 mg/day since 2026-10-15, an active allergy "Serotonin syndrome" (severe,
criticality high) recorded 2026-11-20: the screen's summaries read only "sertraline not measured
yet: repeat the PHQ-9", the allergy named nowhere but as "Not tolerated, never proposed:
sertraline" inside the optimise card's detail, which is about what to propose next, not the drug
given now. Here, whatever the pathway stage (a reaction does not lapse with remission), one card
names each such drug with its dose and start and the entry (reaction, date, resource), and asks
for a review before it continues. An undated severe entry of a drug running now is named the same
way, critical (s31 allergy36 item 1: running_reactions.undated_severe_running).

Which entries, and the tiers, are services/running_reactions.py's: critical for a severe entry
(never snoozed), a warning for another allergy or an AdverseEvent (snoozable with a reason: a
discussed decision to go on; the snooze holds for the entries it was given on, `fingerprint`). A
mild typed intolerance (nausea, criticality low) makes no card here: the prescriber going on
through a mild side effect is routine, the optimise card holds a raise as text for it, and an
order that raises the dose gets the order card's warning. Nothing is one click: whether to stop
or taper is the prescriber's decision.
"""

from __future__ import annotations

from services import cards, screen, tolerability
from services.order_doses import trial_dose
from services.recommendation import Indicator, Recommendation
from services.rules.context import RuleContext
from services.running_reactions import (
    RunningReaction,
    all_recorded_while_running,
    rechallenges_running,
    undated_severe_running,
)

TOPIC = "running-drug-allergy"
_ASK = "review before continuing"


def found(ctx: RuleContext) -> tuple[RunningReaction, ...]:
    """The running drugs this card names (mild typed intolerances left out)."""
    found = all_recorded_while_running(ctx.record) + rechallenges_running(ctx.record)
    found += undated_severe_running(ctx.record)
    return tuple(f for f in found if not f.mild)


def fingerprint(reactions: tuple[RunningReaction, ...]) -> str:
    """Each drug with the entry it carries: a new entry brings a snoozed card back."""
    return screen.pairs_key(f"{f.trial.ingredient}|{f.intolerance.source.id}" for f in reactions)


def _day(f: RunningReaction) -> str:
    """ "recorded 2026-11-20"; "on record, date not recorded" for an undated entry."""
    if f.intolerance.date is None:
        return "on record, date not recorded"
    return f"recorded {f.intolerance.date.isoformat()}"


def _summary(reactions: tuple[RunningReaction, ...]) -> str:
    first = next((f for f in reactions if f.indicator is Indicator.CRITICAL), reactions[0])
    if len(reactions) == 1:
        name = first.trial.ingredient.capitalize()
        dosed = f"{name} {trial_dose(first.trial)}"
        said = f"{first.reaction()} {_day(first)}{_while(first)}"
        # The restart day goes before the dose does: a longer reaction ("throat tightness")
        # had lost the dose a shorter one ("lip swelling") kept (s31 allergy38 item 4).
        short = f"{first.reaction()} {_day(first)}{_while(first).split(' (')[0]}"
        return cards.fit_summary(
            f"{dosed} running: {said} (active {_kind(first)}): {_ASK}",
            f"{dosed} running: {said}: {_ASK}",
            f"{dosed} running: {short}: {_ASK}",
            f"{name} running: {said}: {_ASK}",
        )
    names = cards.and_list([f"{f.trial.ingredient} ({f.reaction()})" for f in reactions])
    return cards.fit_summary(
        f"Reactions recorded while running: {names}: {_ASK}",
        f"Reactions recorded while running {cards.and_list([f.trial.ingredient for f in reactions])}"
        f": {_ASK}",
    )


def _while(f: RunningReaction) -> str:
    if f.undated:
        return ""  # whether before this course or on it is what the record does not say
    if f.rechallenge:
        since = tolerability.taken_up(f.trial, f.trial.start)
        return f" before this course (taken again since {since.isoformat()})"
    return " while on it"


def _kind(f: RunningReaction) -> str:
    return f.entry().split(";", 1)[0]


def _line(f: RunningReaction) -> str:
    t = f.trial
    reaction = f.reaction()
    return (
        f"- {t.ingredient} {trial_dose(t)} since {t.start.isoformat()}: "
        f"{reaction[0].upper()}{reaction[1:]} {_day(f)} ({f.entry()}), still active, "
        f"{f.ran_on()}."
    )


def _heading(reactions: tuple[RunningReaction, ...]) -> str:
    # An undated entry was not shown recorded while the drug ran (s31 allergy36 item 1).
    if any(f.undated for f in reactions):
        return "**Reaction on record for a drug running now:**\n"
    return "**Reaction recorded while running:**\n"


def _why(reactions: tuple[RunningReaction, ...]) -> str:
    said = ""
    if any(not f.rechallenge and not f.undated for f in reactions):
        said += (
            "A course already running when the reaction was recorded is the course it happened "
            "on, not a re-challenge that was tolerated: continuing it continues the exposure. "
        )
    if any(f.rechallenge for f in reactions):
        # s30 allergy34 item 1: a re-challenge after a severe entry, said at chart open.
        said += (
            "A course begun after a severe reaction is a re-challenge: a severe entry stays "
            "active until it is reconciled, and a short course shows nothing yet. "
        )
    if any(f.undated for f in reactions):
        # s31 allergy36 item 1: nothing places an undated entry before or after the course.
        said += (
            "An undated severe entry cannot be placed before or after the course: the reaction "
            "may have been to the drug as it is given now, and no length of dosing settles it. "
        )
    return said


def rule(ctx: RuleContext) -> Recommendation | None:
    reactions = found(ctx)
    if not reactions:
        return None
    # A severe entry the course has run the settling length since is a warning (s30 allergy33).
    critical = any(f.indicator is Indicator.CRITICAL for f in reactions)
    card = cards.make(
        TOPIC,
        indicator=Indicator.CRITICAL if critical else None,
        summary=_summary(reactions),
        detail=cards.join_sections(
            _heading(reactions) + "\n".join(_line(f) for f in reactions),
            _why(reactions)
            + "Review with the patient whether it continues, and the entry if it was recorded in "
            "error (CANMAT 2023 para 190: switch when tolerability is poor). Not offered as an "
            "order: whether to stop or taper is the prescriber's decision.",
        ),
    )
    return screen.with_fields(card, evidence_key=fingerprint(reactions))
