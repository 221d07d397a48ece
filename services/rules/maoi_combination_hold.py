"""The optimise card's one-click drug orders while the critical MAOI-combination card is shown
(review K63b findings 1-2, session 40 hold59).

Linezolid (or IV methylene blue) beside sertraline made the critical card "Linezolid (acts as an
MAOI) and sertraline both running: ... stop one", while the optimise card beside it offered
"Raise sertraline to 200 mg/day" and aripiprazole / brexpiprazole as one click; phenelzine 15 mg
beside sertraline offered "Raise phenelzine to 45 mg/day" on the below-range card. A warfarin
card held the same raise (rules/interactions.py), the critical MAOI card held nothing. Which drug
to stop is decided first (the card's own step), so while it is shown these are text, not one
click (one_click_hold: named on the card with why, never dropped):

- an order of either drug of a pair (a higher dose keeps it running, the below-range raise too);
- an order added while a drug of a pair is the running antidepressant it would go onto
  (one_click_hold.keeps_running: an adjunct builds on a drug that may be stopped today);
- an order of a drug the washout table says must not meet the pair's MAOI (a serotonergic or
  noradrenergic drug: a switch to venlafaxine beside linezolid), or of an antipsychotic (an
  adjunct onto the MAOI pair: K63b finding 2 at phenelzine 45).

Why this wide (the safer choice): a serotonin syndrome or hypertensive crisis risk is on the chart
today, and a one-click order of any of these either keeps it or adds to it. A label's "not recommended"
MAO-B pair alone (rasagiline or safinamide with an SSRI: data/maoi_washout.csv
`not_recommended_with`) is a warning card, and holds less (fix lai63: it held nothing, and "Raise
sertraline to 100 mg/day" stayed one click beside "Rasagiline and sertraline both running: ...
watch for serotonin syndrome"): an order of the pair's antidepressant (a raise) and of an added
drug the washout table says must not meet the MAO-B inhibitor (a serotonergic adjunct or switch),
held to "review the MAO-B inhibitor combination first". The rasagiline label reports serotonin
syndrome with SSRIs and SNRIs, and more of the serotonergic drug is the step that raises that risk;
an antipsychotic adjunct is not serotonergic by the table and stays one click, as the warning card
asks for no stop. Oral selegiline and selegiline transdermal (Emsam, at any dose: the table's
`maoi` row) make the critical card (their rows have no `not_recommended_with`), so the wider hold
above. A stopped course whose washout has passed
makes no pair (maoi_combination.running_pairs), so it holds nothing either.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from fhir_mapping.drug_table import drug_info
from fhir_mapping.record import Role
from services import drug_rules, washout, washout_table
from services.recommendation import Indicator, Recommendation, Suggestion
from services.rules import maoi_combination, one_click_hold
from services.rules.context import RuleContext

# What the summary and the line say the held proposals wait for (hold_words: "... first").
HELD_BY = "settle the MAOI combination first"
HELD_BY_MAOB = "review the MAO-B inhibitor combination first"


def _critical_shown(recs: Sequence[Recommendation], hidden: AbstractSet[str]) -> bool:
    """The MAOI-combination card is on the screen as a critical card (not the MAO-B warning)."""
    return one_click_hold.shown(recs, maoi_combination.TOPIC, hidden) and any(
        r.topic == maoi_combination.TOPIC and r.indicator is Indicator.CRITICAL for r in recs
    )


def _is_antipsychotic(ingredient: str) -> bool:
    """An antipsychotic by either of its drug-table rows (quetiapine has two)."""
    rows = (drug_info(ingredient), drug_info(ingredient, Role.AUGMENTATION))
    return any(i is not None and drug_rules.is_antipsychotic(i.drug_class) for i in rows)


def _meets(ingredient: str, maois: Sequence[washout.Exposure]) -> bool:
    """The washout table says `ingredient` must not meet one of `maois` (either way)."""
    row = washout_table.row_for(ingredient)
    if row is None:
        return False
    return any(
        washout_table.days_needed(m.row, row) is not None
        or washout_table.days_needed(row, m.row) is not None
        for m in maois
    )


def hold_one_click(
    ctx: RuleContext, recs: Sequence[Recommendation], hidden: AbstractSet[str] = frozenset()
) -> list[Recommendation]:
    """`recs` with the optimise card's drug orders the module docstring lists as text while the
    critical MAOI-combination card is shown (not in `hidden`)."""
    if not _critical_shown(recs, hidden):
        return _hold_serotonergic(ctx, recs, hidden)
    pairs = maoi_combination.running_pairs(ctx)
    if not pairs:
        return list(recs)
    drugs = frozenset(e.ingredient for pair in pairs for e in pair)
    maois = [maoi for maoi, _ in pairs]
    antidepressants = one_click_hold.running_antidepressants(ctx)

    def holds(suggestion: Suggestion) -> bool:
        ordered = one_click_hold.ordered_ingredients(suggestion)
        if not ordered:
            return False
        if one_click_hold.keeps_running(suggestion, drugs, antidepressants):
            return True
        added = ordered - drugs
        return any(_is_antipsychotic(d) or _meets(d, maois) for d in added)

    listed = sorted(drugs)
    names = " or ".join((", ".join(listed[:-1]), listed[-1])) if len(listed) > 1 else listed[0]

    def line(held: list[Suggestion]) -> str | None:
        if not held:
            return None
        return one_click_hold.held_line(
            "beside the MAOI combination",
            held,
            f"Each keeps {names} going or adds a serotonergic or antipsychotic drug beside "
            f"them (MAOI combination card: decide which drug to stop), held: {HELD_BY}.",
        )

    return one_click_hold.hold_drug_orders(recs, line, holds, held_by=HELD_BY, whole=False)


def _hold_serotonergic(
    ctx: RuleContext, recs: Sequence[Recommendation], hidden: AbstractSet[str]
) -> list[Recommendation]:
    """`recs` with the serotonergic drug orders as text while the warning MAO-B card is shown
    (module docstring, fix lai63): an order of the pair's antidepressant, or of an added drug the
    washout table says must not meet the MAO-B inhibitor."""
    if not one_click_hold.shown(recs, maoi_combination.TOPIC, hidden):
        return list(recs)
    pairs = maoi_combination.running_pairs(ctx)
    if not pairs:
        return list(recs)
    partners = frozenset(other.ingredient for _, other in pairs)
    maois = [maoi for maoi, _ in pairs]

    def holds(suggestion: Suggestion) -> bool:
        ordered = one_click_hold.ordered_ingredients(suggestion)
        return bool(ordered & partners) or any(_meets(d, maois) for d in ordered - partners)

    inhibitors = " and ".join(sorted({m.ingredient for m in maois}))
    names = " and ".join(sorted(partners))

    def line(held: list[Suggestion]) -> str | None:
        if not held:
            return None
        return one_click_hold.held_line(
            f"beside {inhibitors} (MAO-B inhibitor)",
            held,
            f"Each gives more of {names} or adds a serotonergic drug beside {inhibitors}, whose "
            "label warns of serotonin syndrome with these antidepressants (MAO-B inhibitor card), "
            f"held: {HELD_BY_MAOB}.",
        )

    return one_click_hold.hold_drug_orders(recs, line, holds, held_by=HELD_BY_MAOB, whole=False)
