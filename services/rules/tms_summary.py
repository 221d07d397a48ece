"""The TMS card's summary: its candidates, longest first, and the count's brief form.

The summary says what the referral rests on (the trials counted, the latest score) and the
action. Where the count with its names and marks pushes the action past 140 characters, the
count is said briefly, its marks as one number ("4 adequate trials failed, 1 stopped unmeasured,
4 to confirm": trial_count.failed_brief), as the optimise card's summary does (recheck K6 s28
finding 2: with four marked trials the card said only "PHQ-9 22: consider TMS referral" though
its trial criterion read "Met, to confirm"). Only a long safety item's name still pushes the
count out (review s26 RN finding 9: the item is what the referral waits on).
"""

from __future__ import annotations

from fhir_mapping.record import PatientRecord, Trial
from services import cards, tms_retreatment, trial_count
from services.rules.context import RuleContext
from services.rules.tms_referral_notes import retreatment_words, screen_forms

# What the summary proposes; an inpatient stay in progress rewords it ("TMS referral after
# discharge": services/rules/inpatient_hold.py), as the referral then waits for discharge.
CONSIDER = "consider TMS referral"
# ... and after a course that responded, then a relapse (services/tms_retreatment.py).
CONSIDER_AGAIN = "consider TMS retreatment"


def counted_brief(trials: tuple[Trial, ...], record: PatientRecord) -> str:
    """The counted trials (PathwayFacts.tms_trials) said briefly: the failed ones as
    trial_count.failed_brief says them, those not tolerated (when the clinic counts them) by
    number, and every mark on either said as one count ("..., 2 to confirm")."""
    failed = [t for t in trials if t.failed]
    other = [t for t in trials if not t.failed]
    if not other:
        return trial_count.failed_brief(trials, record)
    marked = trial_count.to_confirm(failed, record) | {
        t.ingredient for t in other if t.patient_reported or t.statement_only
    }
    n = len(other)
    head = trial_count.failed_unmarked(failed, record) if failed else ""
    tolerated = f"{n} {'trial' if n == 1 else 'trials'} not tolerated"
    said = f"{head} and {n} not tolerated" if head else tolerated
    return f"{said}, {len(marked)} to confirm" if marked else said


def summary(
    ctx: RuleContext,
    counted: tuple[str, str, str],
    scored_short: str,
    steps: tuple[str, str],
    screen: str,
    payer: str,
) -> str:
    """The card's summary: `counted` the count named, plain and brief (`counted_brief`),
    `steps` the step first with and without the adjunct's names ("" when none), `screen` the
    safety screen's words, `payer` the unmet criteria's words ("" when met)."""
    counted_named, counted_plain, brief = counted
    first, first_short = steps
    unmet = "; payer criteria not yet met" if payer else ""
    # An earlier TMS course on record: the referral is a retreatment, said in the summary
    # (review s21 RF finding 9); it gives way before the payer's name does. A course that
    # responded, then a relapse (tms_retreatment.py, review s24 RJ finding 6), leads the summary:
    # "TMS responded 2025-08..10 (50 % better), relapsed: PHQ-9 16: consider TMS retreatment".
    relapsed = tms_retreatment.retreatment(ctx.record, ctx.policy)
    again = retreatment_words(ctx)
    retreatment: tuple[str, ...] = ()
    if relapsed is not None:
        lead = f"TMS responded {relapsed.months()} ({relapsed.better()}), relapsed"
        retreatment = (
            f"{lead}: {scored_short}: {first}{CONSIDER_AGAIN}{screen}{payer}",
            f"{lead}: {scored_short}: {first_short}{CONSIDER_AGAIN}{screen}{payer}",
            f"{lead}: {scored_short}: {first_short}{CONSIDER_AGAIN}{screen}{unmet}",
            f"{lead}: {scored_short}: {first_short}{CONSIDER_AGAIN}{screen}",
        )
    elif again:
        retreatment = (
            f"{counted_named}; {scored_short}: {first}{CONSIDER}{again}{screen}{payer}",
            f"{counted_plain}; {scored_short}: {first}{CONSIDER}{again}{screen}{payer}",
            f"{counted_plain}; {scored_short}: {first_short}{CONSIDER}{again}{screen}",
            f"{brief}; {scored_short}: {first_short}{CONSIDER}{again}{screen}",
        )
    return cards.fit_summary(
        *retreatment,
        f"{counted_named}; {scored_short}: {first}{CONSIDER}{screen}{payer}",
        f"{counted_plain}; {scored_short}: {first}{CONSIDER}{screen}{payer}",
        f"{counted_plain}; {scored_short}: {first_short}{CONSIDER}{screen}{payer}",
        # The rule set's kind gives way before the adjunct step does (the criteria name it).
        f"{counted_plain}; {scored_short}: {first_short}{CONSIDER}{screen}{unmet}",
        f"{counted_plain}; {scored_short}: {first_short}{CONSIDER}{screen}",
        # The marks said as one count before the count gives way (module docstring).
        f"{brief}; {scored_short}: {first_short}{CONSIDER}{screen}{unmet}",
        f"{brief}; {scored_short}: {first_short}{CONSIDER}{screen}",
        # A long safety item's name gives way by whole clauses, then the trial count (review s26
        # RN finding 9: the item is what the referral waits on; the count is on the criteria).
        *(
            text
            for s in screen_forms(screen)
            for text in (
                f"{counted_plain}; {scored_short}: {first_short}{CONSIDER}{s}",
                f"{brief}; {scored_short}: {first_short}{CONSIDER}{s}",
                f"{scored_short}: {first_short}{CONSIDER}{s}",
            )
        ),
    )
