"""A critical draft checked against a medication list that could not be read (review K65a
finding 2; generalised by fix fetch66).

An MAOI (phenelzine, linezolid...) drafted while the `medicationRequests` search failed (an error
OperationOutcome, 403, 404, a timeout): with no fill or statement showing a serotonergic drug,
the MAOI check (maoi.py) finds no partner and no critical card, and the call, missing a required
key, answered 412: the EHR showed nothing, beside the drug whose pairing is the most dangerous
this service checks. The active order of sertraline may be exactly what could not be read.

So with the orders unread (PatientRecord.orders_unread: set by services/required_gap.py, the one
place the missing keys are known) a drafted drug of a critical interaction kind (the MAOI kinds
of data/med_list_unread.csv; an MAO-B inhibitor whose label only advises against the
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

Fix fetch66 (session 41 leftovers 2 and 3): table-driven (data/med_list_unread.csv: which drafted
classes need which feeds). A MedicationStatement or MedicationDispense search that failed (an
error OperationOutcome, 403, a timeout: a NOT_READ gap of that feed) or was read in part (a
PARTIAL gap) hides a running SSRI known only from it as the orders would: the same critical card,
naming that feed. And a draft whose own row of drug_interactions.csv is critical (pimozide,
thioridazine, clozapine, tizanidine...: the `critical-interaction` row) with any of those feeds
unread gets the same card on the interaction topic instead of a 412 nobody sees, its partners
named from that table. The drafted SSRI whose pimozide partner may be running is not covered
(that would make every SSRI draft with its orders unread critical, where the 412 was kept on
purpose); said in the report of fix fetch66.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fhir_mapping.record import DataDomain, DraftOrder, GapCause, PatientRecord
from services import cards, interaction_table, washout_table
from services.order_checks.model import OrderCheck
from services.recommendation import Indicator
from services.rules.context import RuleContext


@dataclass(frozen=True, slots=True)
class UnreadWording:
    topic: str  # the card's topic ("order-maoi-interaction")
    label: str  # "MAOI"; "" for none
    short_against: str  # "serotonergic drugs": the summary's
    checked_against: str  # the drugs it could not be checked against ("" : from the table)
    confirm: str  # what to confirm before the first dose
    feeds: tuple[str, ...]  # the resource types whose searches the check needs
    source: str


@cache
def wording() -> dict[str, UnreadWording]:
    """Drafted class ("kind:maoi", "critical-interaction") -> its wording
    (services/data/med_list_unread.csv)."""
    text = resources.files("services").joinpath("data/med_list_unread.csv").read_text("utf-8")
    return {
        row["drafted"]: UnreadWording(
            row["topic"],
            row["label"],
            row["short_against"],
            row["checked_against"],
            row["confirm"],
            tuple(row["feeds"].split(";")),
            row["source"],
        )
        for row in csv.DictReader(text.splitlines())
    }


# The feeds by resource type, as the card says them: (the summary's words, the short form's,
# what else was read, what may not have been). The orders' wording is fetch64's, kept as it was.
_FEED_WORDS = {
    "MedicationRequest": (
        "Current medication orders",
        "Medication orders",
        "the fills and statements read show none",
        "an active order",
    ),
    "MedicationStatement": (
        "Medication statements",
        "Medication statements",
        "the orders and fills read show none",
        "a statement of a drug taken",
    ),
    "MedicationDispense": (
        "Medication fills",
        "Medication fills",
        "the orders and statements read show none",
        "a fill",
    ),
}


def orders_unread_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    """A critical card for a drafted MAOI-kind drug the medication list could not be checked
    against, or None (the list was read, or the draft is of no such kind)."""
    row = washout_table.table().get(draft.ingredient.lower())
    if row is None or row.not_recommended_with:
        return None
    said = wording().get(f"kind:{row.kind}")
    return None if said is None else _card(ctx.record, draft, said, said.checked_against)


def critical_unread_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    """The same card for a draft whose own interaction rows are critical (pimozide,
    thioridazine, clozapine...) when no critical pair of it was found in what was read."""
    said = wording().get("critical-interaction")
    partners = _critical_partners(draft.ingredient)
    if said is None or not partners or not _unread_feed(ctx.record, said.feeds):
        return None
    found = interaction_table.pairs(
        interaction_table.running(ctx.record),
        news=interaction_table.on_order([draft], ctx.record),
    )
    if any(p.severity is Indicator.CRITICAL and draft.ingredient in p.names() for p in found):
        return None  # the pair is on the interaction card already
    return _card(ctx.record, draft, said, ", ".join(partners))


@cache
def _critical_partners(ingredient: str) -> tuple[str, ...]:
    """The partners of `ingredient`'s own critical rows of drug_interactions.csv ("class:SSRI"
    read as "SSRIs"), in the table's order."""
    out: list[str] = []
    for row in interaction_table.table():
        if row.drug == ingredient and row.severity is Indicator.CRITICAL:
            out += [
                p.removeprefix("class:") + ("s" if p.startswith("class:") else "")
                for p in row.partners
            ]
    return tuple(dict.fromkeys(out))


def _unread_feed(record: PatientRecord, feeds: tuple[str, ...]) -> tuple[str, str] | None:
    """(the first of `feeds` not read whole, "unread" or "partial"), or None."""
    gaps = record.gaps_in(DataDomain.MEDICATIONS)
    for kind in feeds:
        if kind == _ORDERS_FEED and record.orders_unread:
            return kind, "unread"
        if kind != _ORDERS_FEED and any(
            g.cause is GapCause.NOT_READ and g.feed_type == kind for g in gaps
        ):
            return kind, "unread"
        if any(g.cause is GapCause.PARTIAL and g.feed_type == kind for g in gaps):
            return kind, "partial"
    return None


def _card(
    record: PatientRecord, draft: DraftOrder, said: UnreadWording, against: str
) -> OrderCheck | None:
    unread = _unread_feed(record, said.feeds)
    if unread is None:
        return None
    words, short, others, one = _FEED_WORDS[unread[0]]
    # (how the summary says it, its short form, what the records read show)
    if unread[1] == "unread":
        said_of = (
            "could not be read",
            "not read",
            f"{others}, but {one} may be what could not be read",
        )
    else:
        said_of = (
            "were read only in part",
            "read in part",
            f"the orders, fills and statements read show none, but {one} may be among those not read",
        )
    drug = f"{draft.ingredient} ({said.label})" if said.label else draft.ingredient
    return OrderCheck(
        said.topic,
        draft,
        cards.fit_summary(
            f"{words} {said_of[0]}: {drug} not checked against "
            f"{said.short_against}; confirm the medication list",
            f"{short} {said_of[1]}: {drug} not checked; confirm the medication list",
        ),
        f"**{words} {said_of[0]}:** {drug} was not checked against "
        f"{against} the patient may be taking; {said_of[2]}. Confirm the "
        f"medication list before signing: {said.confirm}.",
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
