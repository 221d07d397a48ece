"""A partial response on the antidepressant still running: the optimise card adds an adjunct to
it first (CANMAT 2023 para 190: "switch first when no response or poor tolerability; add adjunct
first when partial response and good tolerability"; REFERENCE.md line 146).

Review 17 W4: venlafaxine 225 mg/day, PHQ-9 20 -> 12 (40 %), was "Failed, not proposed" beside
"augment or switch class", as if switching away were as good: a switch loses the partial gain.
The course still counts toward treatment resistance (< 50 % is no response: REFERENCE.md rule 4),
so the TMS card is unchanged but for the words; only the optimise card's order and its switch
line change. A stopped course with a partial response is history: it is named (trial_count), and
the switch list treats it as any other failed class.

Recheck 17-2 W1: an adjunct already added while the partial responder ran (aripiprazole 5 mg
beside venlafaxine 225 mg, running or stopped after 8 weeks) is para 190's step taken: the cards
no longer ask for "an adjunct first" (`awaiting_adjunct`); the optimise summary names the adjunct
(`adjunct_added`) and the TMS referral is no longer held back for it.
"""

from __future__ import annotations

from fhir_mapping.partial_response import partial_response
from fhir_mapping.record import Trial
from services.rules.context import RuleContext


def partial_running(ctx: RuleContext) -> tuple[Trial, ...]:
    """The counted courses still running whose outcome is a partial response."""
    return tuple(
        t for t in ctx.facts.failed_trials if t.ongoing and partial_response(t) is not None
    )


def adjunct_added(ctx: RuleContext, trial: Trial) -> Trial | None:
    """The latest adjunct of this episode (PathwayFacts.augmentations) that ran while `trial` ran
    (their dates overlap: added during it, or already running beside it), or None. An adjunct
    that ended before the partial responder started was not added to it."""
    found = [
        a
        for a in ctx.facts.augmentations
        if a.start <= trial.end and a.end >= trial.start and a.ingredient != trial.ingredient
    ]
    return max(found, key=lambda a: (a.start, a.ongoing), default=None)


def awaiting_adjunct(ctx: RuleContext) -> tuple[Trial, ...]:
    """The running partial responders with no adjunct added yet (`adjunct_added`): the ones the
    cards still put "an adjunct first" to (CANMAT 2023 para 190)."""
    return tuple(t for t in partial_running(ctx) if adjunct_added(ctx, t) is None)


# Under 18 the next step after a partial response is no adult guideline's adjunct (CANMAT 2023
# para 190 and Table 7.2 are adult guidance): NICE NG134 gives an antidepressant to a child or
# young person only alongside a psychological therapy (data/young_age_treatments.csv, its
# psychotherapy row), and the next step is child and adolescent psychiatry's (review s27 RC
# finding 6: a 9-year-old read "CANMAT 2023 prefers adding an adjunct ... (para 190)").
MINOR_NEXT = (
    "continue the psychological therapy and decide the next step with child and adolescent "
    "psychiatry (NICE NG134)"
)
# Review K65b finding 4: "continue the psychological therapy" was said at 15 with none on record.
# With no course current (services/rules/psychotherapy.psychotherapy_on_record), NG134's
# alongside-therapy rule reads as start one, or confirm the one given elsewhere.
MINOR_START = (
    "start or confirm a psychological therapy and decide the next step with child and "
    "adolescent psychiatry (NICE NG134)"
)


def switch_line(trial: Trial, minor: bool = False) -> str:
    """The switch section's line for a running partial responder, in place of "Failed, not
    proposed". The pair of scores is not repeated: the card names it once elsewhere (it may be
    another scale's pair, review 13 W10). `minor`: under 18, no adult reasoning (the augment
    section says MINOR_NEXT)."""
    drop = partial_response(trial) or 0
    if minor:
        return (
            f"Partial response on {trial.ingredient} ({drop:.0f} % drop): the next step is child "
            "and adolescent psychiatry's (NICE NG134)."
        )
    return (
        f"Partial response on {trial.ingredient} ({drop:.0f} % drop): CANMAT 2023 prefers adding "
        "an adjunct to it over switching (para 190); a switch gives up the partial gain."
    )
