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

Fix fetch65 (review K65a leftover 2): the orders search read only in part (an OperationOutcome
`incomplete` warning, entries of another type left out, fewer entries than the Bundle's total:
a PARTIAL gap of the MedicationRequest feed, DataGap.feed_type) proves no more: the order left
out may be the sertraline. The same critical card, saying the orders were read only in part;
the 200 with every other card stands (no required key is missing).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fhir_mapping.record import DataDomain, DraftOrder, GapCause, PatientRecord
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
    # (how the summary says it, its short form, what the records read show)
    if ctx.record.orders_unread:
        said_of = (
            "could not be read",
            "not read",
            "the fills and statements read show none, but an active order may be what could "
            "not be read",
        )
    elif orders_cut_short(ctx.record):
        said_of = (
            "were read only in part",
            "read in part",
            "the orders, fills and statements read show none, but an active order may be "
            "among those not read",
        )
    else:
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
            f"Current medication orders {said_of[0]}: {drug} not checked against "
            "serotonergic drugs; confirm the medication list",
            f"Medication orders {said_of[1]}: {drug} not checked; confirm the medication list",
        ),
        f"**Current medication orders {said_of[0]}:** {drug} was not checked against "
        f"{said.checked_against} the patient may be taking; {said_of[2]}. Confirm the "
        f"medication list before signing: {said.washout}.",
        indicator=Indicator.CRITICAL,
        basis=(said.source.split(";", 1)[0],),
    )


# The feed of the current medication orders (the `medicationRequests` key's resource type).
_ORDERS_FEED = "MedicationRequest"


def orders_cut_short(record: PatientRecord) -> bool:
    """Whether the orders search was read only in part (a PARTIAL medications gap of the
    MedicationRequest feed: gap_feeds.type_gaps, DataGap.feed_type)."""
    return any(
        g.cause is GapCause.PARTIAL and g.feed_type == _ORDERS_FEED
        for g in record.gaps_in(DataDomain.MEDICATIONS)
    )
