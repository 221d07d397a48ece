"""The top of a running course's range at the clinic's site (review s19 item 4): the drug row's
maximum (CANMAT 2023 Table 3.3), or its release formulation's where the label sets its own
(formulation_ceilings.py), lowered to the market's labelled maximum where that is lower
(label_maximums.py, policy drug_market), and how a card says what set it.

Apart from rules/optimize/room.py (the patient's own ceilings: age, liver, kidney, genotype)
because the optimise card's range wording reads it too, and that wording must not import the
order checks room.py asks about the QTc.
"""

from __future__ import annotations

from fhir_mapping.record import Trial
from services import cards, drugs, formulation_ceilings, label_maximums
from services.policy import Policy

# The policy a page drawn without one reads the site's ceiling from: the documented defaults
# (drug_market "US"), the same the cards use when no configuration is given.
DEFAULT_POLICY = Policy()


def site_ceiling(policy: Policy, trial: Trial) -> float | None:
    """The top of the course's range at this site: its formulation's or drug row's maximum,
    lowered to the market's labelled maximum where that is lower (label_maximums.binding)."""
    return label_maximums.capped(
        trial.ingredient, formulation_ceilings.daily_ceiling(trial), policy.drug_market
    )


def site_label(policy: Policy, trial: Trial) -> str | None:
    """ "US label" when the market's labelled maximum is the top of the course's range at this
    site (mirtazapine 45 mg/day in the US), else None: the short name a range states it by
    ("30-45 mg/day, US label maximum"), as the optimise card's range_label does."""
    label = label_maximums.binding(
        trial.ingredient, formulation_ceilings.daily_ceiling(trial), policy.drug_market
    )
    # label_maximums.capped returns the label's maximum whenever a label binds, so the site's
    # ceiling is then that maximum: no second reading needed.
    return None if label is None else f"{label.market} label"


def site_maximum(policy: Policy, trial: Trial) -> tuple[float, str] | None:
    """The top of the course's range at this site and what sets it when it is not the drug
    row's maximum: (45, " (the US label's maximum, Remeron US label 2.1; CANMAT 2023 Table 3.3
    lists up to 60)"), (400, " (the SR maximum, ...)"); None when it is (`trd-cds evaluate
    --explain` then prints the row's, as the mapping reads it)."""
    top = site_ceiling(policy, trial)
    if top is None or top == trial.max_mg:
        return None
    return top, site_words(policy, trial, top)


def site_words(policy: Policy, trial: Trial, top: float | None, cite: str | None = None) -> str:
    """What a range's top is, said after the range when it is not the drug row's own: " (the SR
    maximum, bupropion SR label)"; " (the US label's maximum, Remeron US label 2.1; CANMAT 2023
    Table 3.3 lists up to 60)"; "" otherwise. `cite`: the range's source when the caller knows it
    (an adjunct's range is CANMAT 2023 Table 7.2's), else the drug row's."""
    ceiling = formulation_ceilings.daily_ceiling(trial)
    label = label_maximums.binding(trial.ingredient, ceiling, policy.drug_market)
    if label is not None and top == label.max_mg:
        # The range's own source for the role (Table 3.3 as an antidepressant, Table 7.2 as an
        # adjunct), so the higher figure is never put to the wrong table.
        source = cite or drugs.dose_cite(trial.ingredient, trial.role) or "the drug table"
        row = f"; {source} lists up to {cards.fmt_mg(ceiling)}" if ceiling else ""
        return f" (the {label.market} label's maximum, {label.cite}{label.flag}{row})"
    return formulation_ceilings.ceiling_words(trial, top)
