"""patient-view: the latest PHQ-9 is a total with no item 9 on record (review 19 item 5; what
counts and why: services/item9_unrecorded.py).

Said once a screen, where it is least noise, on a card the clinician sees: a snoozed card does
not carry it (review s21 RE W1: the optimise and TMS cards snoozed, then a total-only PHQ-9 in
the same band, and no card on the screen said item 9; the snooze had been given before the line
existed, on an override reason about the treatment, not about item 9). The card that carries the
line has that PHQ-9 in its snooze fingerprint (`_carried`), so a new total ends its snooze:
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
from services.rules.measurement_based_care import TOPIC as _MEASUREMENT
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


def _topics(recs: Sequence[Recommendation], hidden: AbstractSet[str]) -> set[str]:
    """The cards the clinician sees: not the snoozed ones (`hidden`). A snooze may have been
    given before this PHQ-9 was on record, and with a reason about the card's treatment, not
    about item 9 (review s21 RE W1), so a snoozed card never carries the line."""
    return {r.topic for r in recs if r.topic not in hidden}


def _item(score: Score) -> str:
    """The PHQ-9 the line is about, as a fingerprint item: a new total-only PHQ-9 is a new one."""
    source = str(score.source) if score.source is not None else ""
    return f"phq9:{score.date.isoformat()}:{source}"


def _carried(ctx: RuleContext, rec: Recommendation, score: Score) -> Recommendation:
    """`rec`, which now carries the line, with that PHQ-9 in its snooze fingerprint
    (screen.stating_key): a snooze given on the card before the line was on it does not hide
    the line (review s21 RE W1)."""
    key = screen.stating_key(rec.evidence_key, ctx.facts, [_item(score)])
    return screen.with_fields(rec, evidence_key=key)


def hold_one_click(
    ctx: RuleContext, recs: Sequence[Recommendation], hidden: AbstractSet[str] = frozenset()
) -> list[Recommendation]:
    """`recs` with the line on the card that carries it (module docstring), the optimise card's
    drug proposals as text under it; `recs` as they are when item 9 is on record (nearly always)
    or no pathway card is shown (`alone` then says it). `hidden`: the snoozed topics."""
    shown = _topics(recs, hidden)
    # The optimise card's drug one-clicks wait for item 9 whatever the total's age (review s20
    # RA finding 3); the line on a card that orders nothing keeps to the look-back window.
    score = _latest(ctx, any_age=optimise_card.TOPIC in shown)
    if score is None:
        return list(recs)
    if optimise_card.TOPIC in shown:

        def line(held: list[Suggestion]) -> str:
            return item9_unrecorded.line(ctx.record, score, [s.label for s in held])

        held = one_click_hold.hold_drug_orders(
            recs, line, held_by=item9_unrecorded.held_by(ctx.record, score), whole=True
        )
        return [_carried(ctx, r, score) if r.topic == optimise_card.TOPIC else r for r in held]
    host = next((t for t in _HOSTS if t in shown), None)
    if host is None:
        return list(recs)
    said = item9_unrecorded.line(ctx.record, score, [])
    return [
        _carried(ctx, _hosting(ctx, r, said, score), score) if r.topic == host else r for r in recs
    ]


def _hosting(ctx: RuleContext, rec: Recommendation, said: str, score: Score) -> Recommendation:
    """`rec` carrying the line on top. The measurement card when it asks nothing itself (it
    names a week-5 non-response inside its grace days, measurement_due.early_non_response;
    review s23 RR finding 6) would bury the only ask on the screen in an information card, where
    the card said alone is a warning: it then leads with that card's summary and is a warning
    (the safer reading)."""
    detail = cards.join_sections(said, rec.detail)
    if rec.topic != _MEASUREMENT or rec.suggestions or rec.indicator is not Indicator.INFO:
        return screen.with_fields(rec, detail=detail)
    lead = item9_unrecorded.summary(ctx.record, score)
    return screen.with_fields(
        rec,
        detail=detail,
        summary=cards.fit_summary(f"{lead}; {rec.summary[:1].lower()}{rec.summary[1:]}", lead),
        indicator=Indicator.WARNING,
    )


def alone(
    ctx: RuleContext, recs: Sequence[Recommendation], hidden: AbstractSet[str] = frozenset()
) -> list[Recommendation]:
    """`recs` with the card of this topic when no pathway card carries the line (module
    docstring); `recs` as they are otherwise."""
    if TOPIC in hidden or not ctx.facts.active:
        return list(recs)
    shown = _topics(recs, hidden)
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
    card = screen.with_fields(card, evidence_key=screen.pairs_key([_item(score)]))
    return list(cards.ordered([*recs, card]))
