"""The diagnosis review card's line on the TMS referral a bipolar finding holds (review K30c,
cards45 item 1).

With bipolar disorder (or mania on an antidepressant) on record and two failed trials, the only
card was "Confirm the diagnosis before escalating: bipolar disorder on record, ..."; the TMS card
was gone with no word why, while a contraindication says "Why no TMS referral: ..." on the
optimise card (which a bipolar finding also removes). Now, when the bipolar finding is the only
thing standing in the way of the referral (TmsAssessment.bipolar_only: the trial count, the
severity and the screens are met), the diagnosis card says the referral is held until the
diagnosis is settled, and which payer criteria exclude bipolar disorder: the shipped rule sets
whose exclusions criterion reads bipolar findings (data/payer_criteria/*.toml, Ambetter
CP.BH.200: ../shared/clinical/REFERENCE.md 3.3, 3.4), the clinic's own set first.

When another blocker stands too (too few failed trials, an epilepsy, a TMS course already
open), nothing is said here: the referral would not be offered with the diagnosis settled, and
saying it is "held until the diagnosis is settled" would promise what the chart does not give.
"""

from __future__ import annotations

from fhir_mapping.record import FindingKind
from services import cards
from services.payer_criteria import CriterionKind, RuleSet, builtin_rule_sets, rule_set_for
from services.policy import Policy
from services.rules.context import RuleContext


def _excludes_bipolar(rule_set: RuleSet) -> bool:
    return any(
        c.kind is CriterionKind.EXCLUSIONS and FindingKind.BIPOLAR in c.findings
        for c in rule_set.criteria
    )


def excluding_rule_sets(policy: Policy) -> tuple[str, ...]:
    """The names of the payer rule sets that exclude bipolar disorder, the clinic's own first
    ("Ambetter CP.BH.200")."""
    sets = (rule_set_for(policy), *builtin_rule_sets().values())
    return tuple(dict.fromkeys(s.name for s in sets if _excludes_bipolar(s)))


def held_line(ctx: RuleContext) -> str:
    """ "**TMS referral held until the diagnosis is settled** (payer criteria exclude bipolar
    disorder: Ambetter CP.BH.200)." when the bipolar finding alone holds the referral, else ""."""
    facts = ctx.facts
    if not (facts.bipolar and facts.tms.bipolar_only):
        return ""
    names = excluding_rule_sets(ctx.policy)
    why = (
        f" (payer criteria exclude bipolar disorder: {cards.and_list(list(names))})"
        if names
        else ""
    )
    return f"**TMS referral held until the diagnosis is settled**{why}."
