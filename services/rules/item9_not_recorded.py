"""patient-view: the latest PHQ-9 is a total with no item 9 on record (review 19 item 5; what
counts and why: services/item9_unrecorded.py).

Said once a screen, where it is least noise (a card snoozed counts as shown: it carried the line
when the clinician saw it, so its snooze neither moves the line nor raises a card):
- on the optimise card when it is shown: one line at the top, and its drug proposals as text,
  not one click, until item 9 is asked (`hold_one_click`), as the unanswered-item-9 card holds
  them (rules/measurement_based_care.hold_one_click). Why hold (the safer choice): the suicide
  item is unknown, and a new drug one click away (a tricyclic or an MAOI above all, lethal in
  overdose: data/overdose_toxicity.csv) would be ordered before the question is asked. Only
  MedicationRequests are held (one_click_hold.orders_a_drug): psychotherapy, ECT and the TMS
  referral add no means of overdose and stay one click;
- else on the first other pathway card shown (`_HOSTS`: the TMS referral, the relapse card, ...),
  the line only: no card of them orders a drug;
- else, when no pathway card is shown and the pathway applies (PathwayFacts.active: depressed,
  not in remission), as a warning card of its own (`alone`). A remitted chart gets none: nothing
  else is proposed there, the next PHQ-9 asks item 9 again, and a card on every remitted chart
  of a site whose flowsheet files totals only would teach clinicians to dismiss item-9 cards.
  Snoozable: nothing says the answer is positive, and the fingerprint is the PHQ-9's own, so a
  new total brings the card back. It goes once item 9 or a risk assessment is recorded, or when
  the total leaves policy.suicide_item9_lookback_days; on the optimise card the line and its hold
  do not leave on time alone (review s20 RA finding 3: services/item9_unrecorded.py).

It runs after every other hold on the optimise card (services/patient_view.py): each of them
names what it holds and, first come, words the summary ("adjuncts held: review low B12 first");
this one takes what they left, so its line, on top, lists only those.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from fhir_mapping.record import Score
from services import cards, item9_unrecorded, screen
from services.recommendation import Indicator, Recommendation, Suggestion
from services.rules import one_click_hold
from services.rules.context import RuleContext
from services.rules.optimize import card as optimise_card

TOPIC = "phq9-item9-not-recorded"

# The pathway cards that carry the line when the optimise card is not shown, first first: the
# cards that propose a treatment step, then the reviews (patient_view.PATHWAY_RULES' topics).
_HOSTS = (
    "relapse-on-treatment",
    "recurrence-off-treatment",
    "tms-referral",
    "adherence-review",
    "psychotherapy",
    "tms-course",
    "measurement-based-care",
    "diagnosis-review",
)


def _latest(ctx: RuleContext, *, any_age: bool = False) -> Score | None:
    return item9_unrecorded.unrecorded(ctx.record, ctx.policy, ctx.facts.suicide, any_age=any_age)


def _topics(recs: Sequence[Recommendation]) -> set[str]:
    """The cards of the screen, snoozed ones among them: a card the clinician snoozed carried the
    line when they saw it, so its snooze neither moves the line nor raises this card (as a
    snoozed card's data gap raises no data-quality card: services/screen.py)."""
    return {r.topic for r in recs}


def hold_one_click(ctx: RuleContext, recs: Sequence[Recommendation]) -> list[Recommendation]:
    """`recs` with the line on the card that carries it (module docstring), the optimise card's
    drug proposals as text under it; `recs` as they are when item 9 is on record (nearly always)
    or no pathway card is shown (`alone` then says it)."""
    shown = _topics(recs)
    # The optimise card's drug one-clicks wait for item 9 whatever the total's age (review s20
    # RA finding 3); the line on a card that orders nothing keeps to the look-back window.
    score = _latest(ctx, any_age=optimise_card.TOPIC in shown)
    if score is None:
        return list(recs)
    if optimise_card.TOPIC in shown:

        def line(held: list[Suggestion]) -> str:
            return item9_unrecorded.line(ctx.record, score, [s.label for s in held])

        return one_click_hold.hold_drug_orders(
            recs, line, held_by=item9_unrecorded.held_by(ctx.record)
        )
    host = next((t for t in _HOSTS if t in shown), None)
    if host is None:
        return list(recs)
    said = item9_unrecorded.line(ctx.record, score, [])
    return [
        screen.with_fields(r, detail=cards.join_sections(said, r.detail)) if r.topic == host else r
        for r in recs
    ]


def alone(
    ctx: RuleContext, recs: Sequence[Recommendation], hidden: AbstractSet[str] = frozenset()
) -> list[Recommendation]:
    """`recs` with the card of this topic when no pathway card carries the line (module
    docstring); `recs` as they are otherwise."""
    if TOPIC in hidden or not ctx.facts.active:
        return list(recs)
    shown = _topics(recs)
    if optimise_card.TOPIC in shown or any(t in shown for t in _HOSTS):
        return list(recs)
    score = _latest(ctx)
    if score is None:
        return list(recs)
    evidence = (cards.scores_evidence(ctx.record),)
    card = cards.make(
        TOPIC,
        summary=item9_unrecorded.summary(ctx.record, score),
        detail=cards.join_sections(
            item9_unrecorded.line(ctx.record, score, []),
            *cards.evidence_sections(*evidence),
            cards.guideline_links("simon2013", "cssrs"),
        ),
        indicator=Indicator.WARNING,
        evidence=evidence,
    )
    source = str(score.source) if score.source is not None else ""
    card = screen.with_fields(
        card, evidence_key=screen.pairs_key([f"phq9:{score.date.isoformat()}:{source}"])
    )
    return list(cards.ordered([*recs, card]))
