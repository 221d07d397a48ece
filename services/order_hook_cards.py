"""The order hooks' cards raised once per hook call, not per draft: the suicide-risk card and the
TMS card (services/order_hooks.py runs the per-draft checks, then adds these).

Which drafts bring which card:
- the suicide-risk card (rules/suicide_risk.py): any pathway draft, an antidepressant or an
  augmentation agent (review s25 RI finding 1). After an overdose, lithium or aripiprazole
  drafted at an ED visit got no suicide-risk card, because the card ran only beside an
  antidepressant draft; and lithium, toxic in overdose (data/overdose_toxicity.csv), lost the
  quantity (means-restriction) line its row exists for. The risk is the patient's, not the
  antidepressant's: an order of any drug on the pathway is a moment to assess it, and the
  quantity line names whichever selected draft is dangerous in overdose. An interacting drug
  outside the pathway tables (linezolid, ondansetron) does not raise it: the card speaks at
  patient-view whatever is ordered, and at the order hooks it stays with the depression
  treatment it is about. That treatment may be a referral: a TMS, ECT, esketamine-session,
  psychotherapy or psychiatry ServiceRequest drafted (order_hook_referrals.TREATMENT_KINDS;
  review K65a finding 1: TMS or ECT drafted beside PHQ-9 item 9 = 3 got no suicide-risk card).
- the TMS card (rules/tms_referral.py): only an antidepressant that changes treatment (a drug
  the patient does not take now: issue 12). An adjunct drafted is itself the next step the TMS
  card would weigh against, and a renewal or dose change of the running drug is no moment for
  the alternative; patient-view shows the card on the chart either way.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from fhir_mapping.record import DraftOrder, Role
from services.order_cards import keyed
from services.order_hook_referrals import treatment_referrals
from services.order_hook_skips import PATHWAY_ROLES, renews_running
from services.recommendation import Recommendation
from services.rules import suicide_risk, tms_referral
from services.rules.context import RuleContext


def suicide_risk_card(
    ctx: RuleContext, selected: Sequence[DraftOrder], selections: Sequence[str] = ()
) -> Recommendation | None:
    """The suicide-risk card at an order of a pathway drug or a depression-treatment referral,
    keyed on its first antidepressant draft (else its first adjunct draft, else its referrals),
    with the quantity line for any selected draft dangerous in overdose; None when neither is
    drafted or the rule has nothing to say."""
    # The drafts whose order is a treatment step of the pathway (module docstring), the
    # antidepressants first (a stable sort keeps the order within each role).
    pathway = sorted(
        (d for d in selected if d.role in PATHWAY_ROLES),
        key=lambda d: d.role is not Role.ANTIDEPRESSANT,
    )
    referred = treatment_referrals(ctx.record, selections)
    if not pathway and not referred:
        return None
    found = suicide_risk.rule(ctx, drafts=selected, referred=bool(referred))
    if pathway or found is None:
        return keyed(found, pathway[0]) if pathway else None
    keys = ",".join(f"{r.source}:{found.topic}" for r in referred)
    return dataclasses.replace(found, dedupe_key=keys)


def tms_card(ctx: RuleContext, drafts: Sequence[DraftOrder]) -> Recommendation | None:
    """The TMS card when an antidepressant draft (`drafts`: the selected antidepressants)
    changes treatment and the patient is depressed; keyed on the first such draft."""
    changing = [d for d in drafts if not renews_running(ctx, d)]
    if not ctx.facts.active or not changing:
        return None
    return keyed(tms_referral.rule(ctx), changing[0])
