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

Fix care66 (session 42 leftover 6): that SSRI draft is covered where the record shows its
partner within the longest washout (a pimozide fill run out last month: its order may be what
could not be read), the `critical-partner-on-record` row; with nothing of the kind on record the
412 stands. And every feed not read whole is named, not the first alone.
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
    thioridazine, clozapine...) when no critical pair of it was found in what was read; else
    for a draft that is the partner of a critical row whose own drug the statements or fills
    show within the longest washout (`critical-partner-on-record`, fix care66)."""
    said = wording().get("critical-interaction")
    partners = _critical_partners(draft.ingredient)
    on_record = wording().get("critical-partner-on-record")
    if said is None or not _unread_feeds(ctx.record, said.feeds):
        return None
    found = interaction_table.pairs(
        interaction_table.running(ctx.record),
        news=interaction_table.on_order([draft], ctx.record),
    )
    if any(p.severity is Indicator.CRITICAL and draft.ingredient in p.names() for p in found):
        return None  # the pair is on the interaction card already
    if partners:
        return _card(ctx.record, draft, said, ", ".join(partners))
    # Fix care66 (session 42 leftover 6): a sertraline draft with the orders unread beside a
    # pimozide fill that ran out last month was a 412 nobody sees; the pimozide order (or a
    # later fill's) may be what could not be read. Only a partner the record shows within the
    # longest washout: every SSRI draft with its orders unread is not made critical (the 412
    # fetch66 kept on purpose stands where nothing of the kind is on record).
    named = _partners_on_record(ctx.record, draft.ingredient)
    if on_record is None or not named:
        return None
    return _card(ctx.record, draft, on_record, ", ".join(named.values()), ", ".join(named))


def _partners_on_record(record: PatientRecord, ingredient: str) -> dict[str, str]:
    """The drugs of `record` (running, or last on record within the longest washout of as-of)
    whose critical drug_interactions.csv rows name `ingredient`: name -> the name with its last
    day."""
    out: dict[str, str] = {}
    for trial in sorted(record.trials, key=lambda t: t.end):
        if trial.ingredient == ingredient or not any(
            row.severity is Indicator.CRITICAL
            for row in interaction_table.rows_for(ingredient, trial.ingredient)
        ):
            continue
        if trial.ongoing:
            out[trial.ingredient] = trial.ingredient
        elif (record.as_of - trial.end).days < washout_table.longest_washout_days():
            out[trial.ingredient] = f"{trial.ingredient} (last on record {trial.end.isoformat()})"
    return out


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


def _unread_feeds(record: PatientRecord, feeds: tuple[str, ...]) -> list[tuple[str, str]]:
    """Every one of `feeds` not read whole, in the table's order: (its type, "unread" or
    "partial"). Fix care66: every one, not the first alone (statements and fills both failed
    named only the statements)."""
    gaps = record.gaps_in(DataDomain.MEDICATIONS)
    found: list[tuple[str, str]] = []
    for kind in feeds:
        # The orders' failure is known from the missing key (required_gap), the others' gaps.
        failed = (
            record.orders_unread
            if kind == _ORDERS_FEED
            else any(g.cause is GapCause.NOT_READ and g.feed_type == kind for g in gaps)
        )
        if failed:
            found.append((kind, "unread"))
        elif any(g.cause is GapCause.PARTIAL and g.feed_type == kind for g in gaps):
            found.append((kind, "partial"))
    return found


# How each state is said: (the summary's, its short form's).
_STATE_WORDS = {
    "unread": ("could not be read", "not read"),
    "partial": ("were read only in part", "read in part"),
}


def _feeds_said(unread: list[tuple[str, str]]) -> tuple[str, str]:
    """ "Medication statements and medication fills could not be read" and its short form;
    the feeds of each state together, the first capitalised as one feed's words were."""
    long: list[str] = []
    short: list[str] = []
    for state, (said, said_short) in _STATE_WORDS.items():
        kinds = [k for k, s in unread if s == state]
        if not kinds:
            continue
        words = [
            _FEED_WORDS[k][0] if not long and i == 0 else _FEED_WORDS[k][0].lower()
            for i, k in enumerate(kinds)
        ]
        shorts = [
            _FEED_WORDS[k][1] if not short and i == 0 else _FEED_WORDS[k][1].lower()
            for i, k in enumerate(kinds)
        ]
        long.append(f"{' and '.join(words)} {said}")
        short.append(f"{' and '.join(shorts)} {said_short}")
    return "; ".join(long), ", ".join(short)


def _card(
    record: PatientRecord, draft: DraftOrder, said: UnreadWording, against: str, names: str = ""
) -> OrderCheck | None:
    unread = _unread_feeds(record, said.feeds)
    if not unread:
        return None
    heading, heading_short = _feeds_said(unread)
    ones = " or ".join(_FEED_WORDS[k][3] for k, _ in unread)
    # What the records read show (one feed's wording kept as fetch64 and fetch66 wrote it).
    if names:
        # A partner on record (critical-partner-on-record): the records read show it stopped.
        shown = f"the records read show it stopped, but {ones} may be what could not be read"
    elif len(unread) == 1 and unread[0][1] == "unread":
        shown = f"{_FEED_WORDS[unread[0][0]][2]}, but {ones} may be what could not be read"
    elif len(unread) == 1:
        shown = f"the orders, fills and statements read show none, but {ones} may be among those not read"
    else:
        shown = f"the records read show none, but {ones} may be among those not read"
    drug = f"{draft.ingredient} ({said.label})" if said.label else draft.ingredient
    # A row with no short_against (critical-partner-on-record) names its partners in the summary.
    short_against = said.short_against or names
    return OrderCheck(
        said.topic,
        draft,
        cards.fit_summary(
            f"{heading}: {drug} not checked against {short_against}; confirm the medication list",
            f"{heading_short}: {drug} not checked; confirm the medication list",
        ),
        f"**{heading}:** {drug} was not checked against "
        f"{against} the patient may be taking; {shown}. Confirm the "
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
