"""One card leads while a running antidepressant's supply has run out (review s20 RA finding 4,
second pass: Trial.supply_ran_out).

A course whose last fill ran out supply_gap_days or more ago, its order still open, is judged up
to that day (fhir_mapping/supply_breaks.py): its failure counts. Whether the patient still takes
it is unknown, and every next step the pathway proposes for it (raise it, add to it, switch from
it, measure response on it) assumes the patient does. On the golden charts (fills ending in 2025,
read on 2026-12-01) the honest count turned one card ("1 trial not adequate (venlafaxine PDC
18 %)") into five: the no-supply card, the optimise card asking for a PHQ-9 before switching,
the TMS card with an 18-month-old score and its criteria not met, "On venlafaxine since ...:
repeat the PHQ-9" (which contradicts "confirm whether it is still taken") and the TSH card.

THE RULE, at patient-view, while the adherence card (the no-supply card) is on the screen:

- it leads: its summary says the no-supply fact, then the count and the last PHQ-9, the facts
  the held cards would have said ("venlafaxine: no supply since 2025-06-10 (539 days), order
  still open: confirm whether it is still taken before the next step; 2 adequate trials failed
  (sertraline, venlafaxine), last PHQ-9 18 on 2025-05-12");
- the optimise card folds into it: its summary becomes a line of the no-supply card, its drug
  proposals named there as text, not one click (one_click_hold's rule: a held proposal stays
  named), its other proposals (a referral) kept one click on the no-supply card;
- the measurement card "On venlafaxine ...: repeat the PHQ-9" for that drug is not made (the
  no-supply card names the last PHQ-9; a repeat is the next step once the drug is confirmed):
  measurement_based_care.measured leaves out a course that "may be running", whether or not
  this card is on the screen (review s24 RN finding 2);
- the TMS card is held while its payer criteria are not met (the count is on the no-supply card;
  a referral card with an old score and unmet criteria is noise); one whose criteria are met
  stays.

Safety cards (suicide risk, interactions, MAOI, lab and dose checks), the diagnosis review and
psychotherapy are never held: none assumes the drug is taken. With the adherence card snoozed,
the optimise card stays with its drug proposals held as text under the no-supply line (the
safer choice: an unconfirmed drug is not raised or added to one click away).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from fhir_mapping.record import Role, Trial
from services import cards, screen, trial_count
from services.payer_criteria import evaluate_payer_criteria
from services.recommendation import Recommendation, Suggestion
from services.rules import adherence_review, one_click_hold, tms_referral
from services.rules.context import RuleContext
from services.rules.optimize import card as optimise_card
from services.trial_adherence_text import no_supply_for, no_supply_since, still_open


def held_by(trials: Sequence[Trial]) -> str:
    """Why the optimise card's proposals are held, as its summary says it
    (one_click_hold.held_summary): "sertraline: no supply since 2025-05-04" (the latest to run
    out), named so the summary's step says which drug to confirm (hold_words: "confirm sertraline
    is still taken"; review s24 FH: "confirm it is still taken" named none)."""
    names = cards.and_list(list(dict.fromkeys(t.ingredient for t in trials)))
    return f"{names}: {no_supply_since(trials[0], count=False)}"


def ran_out(ctx: RuleContext) -> tuple[Trial, ...]:
    """The running antidepressants whose supply ran out (Trial.supply_ran_out), latest first."""
    found = [
        t
        for t in ctx.facts.ongoing_trials
        if t.supply_ran_out is not None and t.role is Role.ANTIDEPRESSANT
    ]
    return tuple(sorted(found, key=lambda t: t.supply_ran_out or t.start, reverse=True))


def _head(trials: Sequence[Trial]) -> tuple[str, str]:
    """ "venlafaxine: no supply since 2025-06-10 (539 days)" and a shorter form."""
    lead = trials[0]
    assert lead.supply_ran_out is not None
    names = cards.names(trials)
    return f"{names}: {no_supply_since(lead)}", f"{names}: {no_supply_for(lead)}"


def _facts(ctx: RuleContext) -> tuple[str, str]:
    """The count and the last PHQ-9 the held cards would have said: "2 adequate trials failed
    (sertraline, venlafaxine), last PHQ-9 18 on 2025-05-12", and without the names; ("", "")
    when neither is on record."""
    named = plain = ""
    if ctx.facts.failed_trials:
        named, plain = trial_count.failed_words(ctx.facts.failed_trials, ctx.record)
    latest = ctx.record.latest_phq9()
    if latest is not None and latest.value is not None:
        score = f"last PHQ-9 {latest.value} on {latest.date.isoformat()}"
        named = f"{named}, {score}" if named else score
        plain = f"{plain}, {score}" if plain else score
    return named, plain


def _summary(ctx: RuleContext, trials: Sequence[Trial]) -> str:
    head, head_short = _head(trials)
    named, plain = _facts(ctx)
    ask = f"{still_open(trials[0])}: confirm whether it is still taken"  # a statement: no order
    if not named:
        return cards.fit_summary(
            f"{head}, {ask} before the next step", f"{head}, {ask}", f"{head_short}: confirm"
        )
    return cards.fit_summary(
        f"{head}, {ask} before the next step; {named}",
        f"{head}, {ask}; {named}",
        f"{head}: confirm it is still taken; {named}",
        f"{head}: confirm it is still taken; {plain}",
        f"{head_short}: confirm it is still taken; {plain}",
        f"{head}, {ask} before the next step",
        f"{head_short}: confirm it is still taken",
    )


def _line(trials: Sequence[Trial], step: str, held: Sequence[Suggestion]) -> str:
    """The optimise card's step, folded: what it proposes and why not now."""
    # Fills since that were not read (Trial.unread_fills): not "no supply on record".
    why = "the fills since are not read" if trials[0].unread_fills else "no supply is on record"
    text = (
        f"**Next step once {cards.names(trials)} is confirmed taken** (the optimise card, held "
        f"while {why}): {step}."
    )
    if held:
        text += f" Not one click until then: {'; '.join(s.label for s in held)}."
    return text


def hold(
    ctx: RuleContext, recs: Sequence[Recommendation], hidden: AbstractSet[str]
) -> list[Recommendation]:
    """`recs` with the no-supply card leading and the cards that assume the drug is taken held
    (module docstring); `recs` as they are when no running antidepressant's supply ran out."""
    trials = ran_out(ctx)
    if not trials:
        return list(recs)
    if ctx.facts.psychotic or not one_click_hold.shown(recs, adherence_review.TOPIC, hidden):
        # With psychotic features the optimise card's step (an antipsychotic, or ECT: CANMAT
        # 2023 Table 3.6) rests on them, not on the drug being taken: it stays a card of its
        # own, its drug proposals held as text until the drug is confirmed (the safer choice).
        head, _ = _head(trials)

        def line_for(held: list[Suggestion]) -> str:
            # Said even when an earlier hold (a stale PHQ-9: optimize/stale_score.py) took every
            # proposal already: with the no-supply card snoozed this line is the only place
            # the screen says the drug may not be taken.
            text = (
                f"**{head}, its {still_open(trials[0])}:** confirm whether it is still taken before "
                "raising, adding to or switching from it."
            )
            if held:
                text += f" Not one click until then: {'; '.join(s.label for s in held)}."
            return text

        return one_click_hold.hold_drug_orders(recs, line_for, held_by=held_by(trials), whole=True)
    optimise = next((r for r in recs if r.topic == optimise_card.TOPIC), None)
    held = [s for s in optimise.suggestions if one_click_hold.orders_a_drug(s)] if optimise else []
    kept = [s for s in optimise.suggestions if s not in held] if optimise else []
    tms_unmet = not evaluate_payer_criteria(ctx.record, ctx.facts, ctx.policy).met
    out: list[Recommendation] = []
    for rec in recs:
        if rec.topic == optimise_card.TOPIC:
            continue
        if rec.topic == tms_referral.TOPIC and tms_unmet:
            continue
        if rec.topic == adherence_review.TOPIC:
            rec = _fold(ctx, trials, rec, optimise, held, kept)
        out.append(rec)
    return out


def _fold(
    ctx: RuleContext,
    trials: Sequence[Trial],
    rec: Recommendation,
    optimise: Recommendation | None,
    held: Sequence[Suggestion],
    kept: Sequence[Suggestion],
) -> Recommendation:
    """The no-supply card leading (module docstring): its summary, and the optimise card's step
    and detail as a section of it, the evidence it shares with this card once (this card's copy),
    the rest (the staging) moved over with its section."""
    lines = []
    lead = trials[0]
    heads = tuple(f"{lead.ingredient}: {h}" for h in (no_supply_since(lead), no_supply_for(lead)))
    if not rec.summary.startswith(heads):
        # The card led with another finding (a trial not adequate): it stays said.
        lines.append(f"**Also:** {rec.summary}.")
    evidence = rec.evidence
    folded = ""
    if optimise is not None:
        own = {e.key for e in rec.evidence}
        folded = optimise.detail
        for section in optimise.evidence:
            if section.key in own:
                folded = folded.replace(section.text, "")
            else:
                evidence = (*evidence, section)
        folded = re.sub(r"\n{3,}", "\n\n", folded).strip()
        folded = cards.join_sections(_line(trials, optimise.summary, held), folded)
    return screen.with_fields(
        rec,
        summary=_summary(ctx, trials),
        detail=cards.join_sections(*lines, rec.detail, folded),
        suggestions=(*rec.suggestions, *kept),
        evidence=evidence,
    )
