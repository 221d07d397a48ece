"""The suicide-risk card's quantity line at order-select / order-sign (review order-hooks finding
14): a drafted drug dangerous in overdose (data/overdose_toxicity.csv: the tricyclics,
venlafaxine; MAOIs and lithium UNVERIFIED) and the means-restriction advice, limiting the
quantity supplied.

Apart from the card (suicide_risk.py) because it reads only the draft orders and its own data
table, never the risk signal; the card adds the line when a signal is open.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fhir_mapping.record import DraftOrder


@dataclass(frozen=True, slots=True)
class OverdoseRisk:
    """A drug dangerous in overdose (data/overdose_toxicity.csv)."""

    ingredient: str
    why: str
    status: str


@cache
def _overdose_table() -> tuple[dict[str, OverdoseRisk], str]:
    """(ingredient -> why it is dangerous in overdose, the means-restriction advice)."""
    text = resources.files("services").joinpath("data/overdose_toxicity.csv").read_text("utf-8")
    drugs: dict[str, OverdoseRisk] = {}
    advice = ""
    for row in csv.DictReader(text.splitlines()):
        if row["kind"] == "advice":
            advice = row["text"]
        else:
            drugs[row["name"]] = OverdoseRisk(row["name"], row["text"], row["status"])
    return drugs, advice


def overdose_risks(drafts: Sequence[DraftOrder]) -> tuple[OverdoseRisk, ...]:
    """The drafted drugs that are dangerous in overdose, once each, in draft order."""
    drugs, _ = _overdose_table()
    found: dict[str, OverdoseRisk] = {}
    for draft in drafts:
        risk = drugs.get(draft.ingredient)
        if risk is not None:
            found.setdefault(risk.ingredient, risk)
    return tuple(found.values())


def means_restriction_line(drafts: Sequence[DraftOrder]) -> str | None:
    """The card's line about limiting the quantity of a drafted drug that is dangerous in
    overdose (review order-hooks finding 14), or None when no draft is one."""
    risks = overdose_risks(drafts)
    if not risks:
        return None
    _, advice = _overdose_table()
    named = "; ".join(
        f"{r.ingredient} is {r.why}" + (" (UNVERIFIED)" if r.status == "UNVERIFIED" else "")
        for r in risks
    )
    # The advice is a design drawn from the confirmed toxicity rows (its own guideline wording
    # was not read: the table says so); an unverified drug fact is marked on the card.
    return f"**Quantity on this order:** {named}. {advice[0].upper()}{advice[1:]}."
