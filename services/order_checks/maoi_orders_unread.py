"""The MAOI check when the current medication orders could not be read (review K65a finding 2).

An MAOI (phenelzine, linezolid...) drafted while the `medicationRequests` search failed (an error
OperationOutcome, 403, 404, a timeout): with no fill or statement showing a serotonergic drug,
the MAOI check (maoi.py) finds no partner and no critical card, and the call, missing a required
key, answered 412: the EHR showed nothing, beside the drug whose pairing is the most dangerous
this service checks. The active order of sertraline may be exactly what could not be read.

So with the orders unread (PatientRecord.orders_unread: set by services/required_gap.py, the one
place the missing keys are known) a drafted drug of a critical interaction kind (the MAOI kinds
of data/orders_unread_maoi.csv; an MAO-B inhibitor whose label only advises against the
combination is not among them) gets a critical card saying what could not be checked and what to
confirm. Critical, so required_gap keeps it (topic order-maoi-interaction: no missing key
withholds it) and answers 200 with it instead of the 412: a false critical card (the clinician
confirms a medication list that held no partner) is the safer error than a signed MAOI beside a
running SSRI with nothing shown. The CDS Hooks spec allows a 200 with cards; the 412 stays where
nothing useful can be said (no such draft, and no other critical card).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fhir_mapping.record import DraftOrder
from services import cards, washout_table
from services.order_checks.model import MAOI, OrderCheck
from services.recommendation import Indicator
from services.rules.context import RuleContext


@dataclass(frozen=True, slots=True)
class UnreadWording:
    label: str  # "MAOI"
    checked_against: str  # the drugs it could not be checked against
    washout: str  # what to confirm before the first dose
    source: str


@cache
def wording() -> dict[str, UnreadWording]:
    """MAOI kind -> its wording (services/data/orders_unread_maoi.csv)."""
    text = resources.files("services").joinpath("data/orders_unread_maoi.csv").read_text("utf-8")
    return {
        row["kind"]: UnreadWording(
            row["label"], row["checked_against"], row["washout"], row["source"]
        )
        for row in csv.DictReader(text.splitlines())
    }


def orders_unread_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    """A critical card for a drafted MAOI-kind drug the orders could not be checked against, or
    None (the orders were read, or the draft is of no such kind)."""
    if not ctx.record.orders_unread:
        return None
    row = washout_table.table().get(draft.ingredient.lower())
    if row is None or row.not_recommended_with:
        return None
    said = wording().get(row.kind)
    if said is None:
        return None
    drug = f"{draft.ingredient} ({said.label})"
    return OrderCheck(
        MAOI,
        draft,
        cards.fit_summary(
            f"Current medication orders could not be read: {drug} not checked against "
            "serotonergic drugs; confirm the medication list",
            f"Medication orders not read: {drug} not checked; confirm the medication list",
        ),
        f"**Current medication orders could not be read:** {drug} was not checked against "
        f"{said.checked_against} the patient may be taking; the fills and statements read "
        "show none, but an active order may be what could not be read. Confirm the medication "
        f"list before signing: {said.washout}.",
        indicator=Indicator.CRITICAL,
        basis=(said.source.split(";", 1)[0],),
    )
