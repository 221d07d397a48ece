"""What the order hook (order_hooks.py) holds back: the below-range finding on a draft the MAOI
card, a contraindication on record or any critical card says must not start now
(`no_titration_beside_washout`: audit 15 M1, review 16 M1, review 16 recheck a06), and the TMS card for
a draft that only renews or re-doses the running drug (`renews_running`: issue 12; a product
that shares an ingredient with the running one is no renewal, review 10 finding 1); and which
drafts start or raise a drug (`starts_or_raises`: the unread item-9 card at an order, session 25;
an adjunct renewed at its running dose is no start, review s25 RK2 finding 1).

Apart from the hook because each is one rule about what not to say, read from the findings or
the running courses, and the hook's loop reads more plainly without them.
"""

from __future__ import annotations

from fhir_mapping.record import DoseBasis, DraftOrder, Role, Trial
from services.order_checks.model import BELOW, CONTRAINDICATED, MAOI, OrderCheck
from services.order_checks.shared_ingredient_others import in_other_product
from services.recommendation import Indicator
from services.rules.context import RuleContext


def held_drafts(by_topic: dict[str, list[OrderCheck]]) -> set[tuple[str, str]]:
    """(draft id, ingredient) of the drafts not to be started now: an MAOI washout, a
    contraindication on record, or any critical card on the draft (`no_titration_beside_washout`)."""
    held = {
        (c.draft.id, c.draft.ingredient)
        for topic in (MAOI, CONTRAINDICATED)
        for c in by_topic.get(topic, [])
    }
    held |= {
        (c.draft.id, c.draft.ingredient)
        for checks in by_topic.values()
        for c in checks
        if c.indicator is Indicator.CRITICAL
    }
    return held


def no_titration_beside_washout(by_topic: dict[str, list[OrderCheck]]) -> None:
    """Takes the below-range finding off a draft the MAOI card (critical) says must not start
    now: "Tranylcypromine 20 mg/day is below the minimum adequate dose; fine for titration" beside
    "stop fluoxetine at least 35 days first" gave titration advice for an order to hold
    (audit 15 M1). The dose is for the prescriber to plan once the washout is done; the card
    also carried the same "Data not read" block a second time. A draft a condition on record
    rules out (order-drug-contraindicated: a tricyclic in the acute recovery period after an MI,
    a "never" row) is not to be started either: "fine for titration" beside it is the same
    contradiction (review 16 M1). So is any critical card on the draft: a class allergy with
    anaphylaxis ("Nortriptyline is in a class with a documented allergy") beside "fine for
    titration" (review 16 recheck a06). In place."""
    held = held_drafts(by_topic)
    below = by_topic.get(BELOW)
    if not held or not below:
        return
    kept = [c for c in below if (c.draft.id, c.draft.ingredient) not in held]
    if kept:
        by_topic[BELOW] = kept
    else:
        del by_topic[BELOW]


def renews_running(ctx: RuleContext, draft: DraftOrder) -> bool:
    """The draft renews or re-doses an antidepressant the patient takes now: the same drug.

    A product that only shares an ingredient with the running one (bupropion drafted while
    Auvelity runs, or Auvelity while bupropion runs: drug_table.shared_ingredients) is no renewal
    (review 10 finding 1): it changes the regimen (adds or drops dextromethorphan, adds bupropion
    on top), so it gets the shared-ingredient card (order_checks/shared_ingredient.py) and keeps
    the TMS card a change of treatment brings. Counting it as a renewal would only silence cards
    (the safer reading keeps them)."""
    # A course of the same drug taken in a combination product (Symbyax's fluoxetine, Contrave's
    # bupropion) is not renewed by the single drug (review 10 recheck R2).
    return any(
        t.ingredient == draft.ingredient and not in_other_product(t, draft)
        for t in ctx.facts.ongoing_trials
    )


def running_courses(ctx: RuleContext) -> tuple[Trial, ...]:
    """Every pathway course running on the as-of date: the antidepressants
    (`PathwayFacts.ongoing_trials`) and the adjuncts (`PathwayFacts.augmentations`, which also
    holds the episode's ended adjuncts, hence the `ongoing` filter). Lithium or aripiprazole sit
    only in the second: reading the first alone made every adjunct renewal a new start, and the
    unread item-9 card stood on each one (review s25 RK2 finding 1)."""
    return ctx.facts.ongoing_trials + tuple(t for t in ctx.facts.augmentations if t.ongoing)


def continues_running(ctx: RuleContext, draft: DraftOrder) -> Trial | None:
    """The running course this draft renews at its dose or lower (review s21 RR finding 8), or
    None: a new start, a raise, or a dose that cannot be compared (either not read as a daily
    dose, or the draft a product that only shares the ingredient: `renews_running`). A check
    whose advice is for a start ("start low, go slowly") speaks of review instead for such an
    order; when the doses cannot be compared it keeps the start's words (the safer reading)."""
    mg = draft.mg_per_day_upper if draft.dose_basis is DoseBasis.DAILY else None
    if mg is None:
        return None
    for t in running_courses(ctx):
        if t.ingredient != draft.ingredient or in_other_product(t, draft):
            continue
        now = t.current_mg_per_day_upper if t.dose_basis is DoseBasis.DAILY else None
        if now is not None and mg <= now:
            return t
    return None


# The drafts the service reads that change the depression regimen (an INTERACTING draft, such as
# linezolid, is read only for the MAOI check: no antidepressant course starts with it). The
# suicide-risk card speaks at an order of any of them (order_hook_cards.suicide_risk_card), and
# its gaps are left to patient-view on the same drafts (rules/suicide_risk.left_to_patient_view).
PATHWAY_ROLES = frozenset({Role.ANTIDEPRESSANT, Role.AUGMENTATION})


def starts_or_raises(ctx: RuleContext, draft: DraftOrder) -> bool:
    """The draft starts an antidepressant or an adjunct, or raises its dose: anything but a
    renewal of the running course at its dose or lower (`continues_running`; a dose that cannot
    be compared counts as a raise, the safer reading). The label's boxed warning asks for close
    monitoring when treatment starts and when the dose changes (FDA class labeling; the
    adjuncts approved for depression, aripiprazole, brexpiprazole, quetiapine XR, carry it too),
    so this is when an unread suicide item matters at an order (rules/suicide_risk.py)."""
    return draft.role in PATHWAY_ROLES and continues_running(ctx, draft) is None
