"""The order check for a draft that continues or raises a course its reaction was recorded on
(s30 allergy31, review K20b finding al2): sertraline 100 mg/day since 2026-10-15, an allergy
"Serotonin syndrome" (severe, criticality high) recorded 2026-11-20, a draft of 150 mg/day at
order-sign answered no card, the running course read as a renewal the EHR's own allergy check
covers. That check may well be overridden as "patient already taking": the pathway says it.

Which entries, and the tiers, are services/running_reactions.py's: critical for a severe one,
a warning for another allergy or an AdverseEvent, a warning on a raise only for a mild typed
intolerance (nausea); a warning for a severe entry the course has run the settling length
since (s30 allergy33), none for another such entry. Not flagged: a draft that tapers the drug to
a stop (the reaction acted on), and a lower dose after a reaction that was not severe (the
prescriber already responding).
"""

from __future__ import annotations

from fhir_mapping.record import DraftOrder
from services import cards, draft_changes, draft_tapers, order_doses
from services.order_checks.model import NOT_TOLERATED, OrderCheck
from services.rules.context import RuleContext
from services.running_reactions import RunningReaction, recorded_while_running


def running_reaction_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    """The card for `draft` when its drug's running course carries a reaction recorded while it
    ran (module docstring); None otherwise."""
    found = recorded_while_running(ctx.record, draft.ingredient)
    if found is None or draft_tapers.tapers_running(ctx.record, draft):
        return None
    change = draft_changes.change_words(ctx.record, draft, found.trial)
    raised = change.startswith("raised")
    if found.mild and not raised:
        return None
    if not found.severe and change.startswith("lowered"):
        return None
    return OrderCheck(
        NOT_TOLERATED,
        draft,
        _summary(draft, found),
        _detail(found, change, raised),
        indicator=found.indicator,
        # Removing the draft leaves the course running at its dose: it ends nothing.
        removable=False,
    )


def _summary(draft: DraftOrder, found: RunningReaction) -> str:
    """ "Sertraline 150 mg/day ordered: serotonin syndrome recorded 2026-11-20 while on
    sertraline 100 mg/day: review before continuing"."""
    named = order_doses.draft_named(draft)
    reaction = found.reaction()
    day = found.intolerance.date.isoformat() if found.intolerance.date else ""
    running = f"{found.trial.ingredient} {order_doses.trial_dose(found.trial)}"
    return cards.fit_summary(
        f"{named} ordered: {reaction} recorded {day} while on {running}: review before continuing",
        f"{named} ordered: {reaction} recorded {day} while on it: review before continuing",
        f"{draft.ingredient.capitalize()}: {reaction} recorded {day} while on it: review first",
    )


def _detail(found: RunningReaction, change: str, raised: bool) -> str:
    trial, intolerance = found.trial, found.intolerance
    day = intolerance.date.isoformat() if intolerance.date else "date not recorded"
    more = " and a higher dose adds to it" if raised else ""
    reaction = found.reaction()
    return (
        f"**Reaction recorded while running:** {trial.ingredient} "
        f"{order_doses.trial_dose(trial)} since {trial.start.isoformat()}; "
        f"{reaction[0].upper()}{reaction[1:]} recorded {day} ({found.entry()}), still active, "
        f"{found.ran_on()}. This draft: "
        f"{change}. A course already running when the reaction was recorded is the course it "
        f"happened on, not a re-challenge that was tolerated: continuing it continues the "
        f"exposure{more}. Review with the patient whether it continues, and the entry if it was "
        "recorded in error (CANMAT 2023 para 190: switch when tolerability is poor). The EHR's "
        "own allergy check may be passed over as a drug already taken."
    )
