"""An ECT order written for a patient below the ages NICE NG134 sets for it (review s27 RC
finding 2: an ECT referral drafted at 9 and at 15 got no card, while a TMS draft at 15 got the
TMS exclusion card, tms_draft.py).

The age rows are data/young_age_treatments.csv's "ect" rows, the ones the optimise and suicide-
risk cards already read (services/young_age_treatments.py, rules/suicide_risk_young.py): under
12 ECT is not recommended for depression; from 12 to 17 it is kept for very severe depression
with life-threatening or intractable symptoms, decided with child and adolescent psychiatry.
A warning naming the order, the age and the row, one card for the drafted ECT orders: a safety
check of the order, whatever the pathway stage; never snoozed. An unknown age is not assumed
young (young_age_treatments.row_for).
"""

from __future__ import annotations

from collections.abc import Sequence

from services import cards, young_age_treatments
from services.order_checks.lithium_ect import ect_drafts
from services.recommendation import Recommendation
from services.rules import populations
from services.rules.context import RuleContext

TOPIC = "order-ect-young"
_ECT = "ect"


def ect_young_check(ctx: RuleContext, selections: Sequence[str] = ()) -> Recommendation | None:
    drafts = ect_drafts(ctx, selections)
    if not drafts:
        return None
    years = populations.age(ctx)
    row = young_age_treatments.row_for(_ECT, years)
    if row is None:
        return None
    ordered = ", ".join(str(r.source) for r in drafts if r.source is not None) or "ECT order"
    summary = cards.fit_summary(
        f"ECT ordered at age {years}: {row.said()}",
        f"ECT ordered at age {years}: {row.cite} limits ECT under {row.below_age}: see the card",
    )
    detail = cards.join_sections(
        f"**ECT ordered** ({ordered}) at age {years}: {row.said()}.",
        # As the TMS exclusion card (tms_draft.py): the order is the clinician's to reconsider.
        "Reconsider the order, or document why ECT is chosen.",
    )
    keys = ",".join(f"{r.source or 'ect'}:{TOPIC}" for r in drafts)
    return cards.make(TOPIC, summary=summary, detail=detail, dedupe_key=keys)
