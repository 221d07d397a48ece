"""Medication records whose drug could not be identified, said at an order whose checks read the
drugs the patient takes (review 18a M1).

The MAOI washout check (washout.py) and the interaction check (interaction_table.py) at an order
weigh the drafted drug against what the chart says is taken. A medication record whose drug the
mapping could not identify (an NDC alone, a drug code the tables do not hold with no name, a
Medication reference that resolves to nothing: fhir_mapping/medication_drug.UNIDENTIFIED_REASONS)
is left out of both, so "no card" at an MAOI draft does not mean "no antidepressant running": it
may be escitalopram coded by a brand product code only (review 18a U1). The generic "N medication
records could not be read" did not say that the safety check itself was incomplete, so at such an
order the "Data not read" block says which check could not include them, and the data-quality
card's summary says it first (the clinician who reads summaries only).

Not for a draft's own unidentified drug: that is unidentified_drafts.py's card.
"""

from __future__ import annotations

from collections.abc import Sequence

from fhir_mapping.gap_counts import counted
from fhir_mapping.medication_drug import unidentified_reason
from fhir_mapping.record import DataDomain, DataGap, DraftOrder, PatientRecord
from services import card_format
from services.interaction_rows import table as interaction_rows
from services.washout_table import row_for

_MEDICATION_DOMAINS = (DataDomain.MEDICATIONS, DataDomain.PARTNER_DRUGS)


def unidentified(gaps: Sequence[DataGap]) -> list[DataGap]:
    """The medication records among `gaps` whose drug could not be identified."""
    return [
        g
        for g in gaps
        if g.domain in _MEDICATION_DOMAINS
        and g.source is not None
        and unidentified_reason(g.reason)
    ]


def _washout_applies(draft: DraftOrder) -> bool:
    """An MAOI, or a drug an MAOI must not meet (any antidepressant: washout_table.row_for reads
    one with no row as serotonergic), is drafted: an unidentified record may be the other half."""
    row = row_for(draft.ingredient, draft.role)
    return row is not None and (row.is_maoi or row.interacts)


def _interactions_apply(draft: DraftOrder) -> bool:
    """A drug of the interaction table (its own drug or a partner) is drafted."""
    name = draft.ingredient.lower()
    return any(r.is_about(name) or r.names(name) for r in interaction_rows())


def maoi_drafted_beside(gaps: Sequence[DataGap], record: PatientRecord) -> bool:
    """An MAOI is drafted while a medication record's drug could not be identified: that record
    may be any serotonergic drug the MAOI must not meet (escitalopram coded by a brand code only,
    review 18a U1), and the washout check that would have been critical could not run on it. The
    card saying so is critical: an MAOI draft is rare, and a missed washout is the harm the
    critical MAOI card exists for (the safer choice; an antidepressant drafted beside an
    unidentified record stays a warning, as NDC-only charts are common)."""
    if not unidentified(gaps):
        return False
    for draft in record.draft_orders:
        row = row_for(draft.ingredient, draft.role)
        if row is not None and row.is_maoi:
            return True
    return False


def checks(record: PatientRecord) -> list[str]:
    """The order checks at this hook that read the running drugs: "MAOI washout",
    "interaction"; none at patient-view (no drafts)."""
    found: list[str] = []
    drafts = record.draft_orders
    if any(_washout_applies(d) for d in drafts):
        found.append("MAOI washout")
    if any(_interactions_apply(d) for d in drafts):
        found.append("interaction")
    return found


def _them(found: Sequence[DataGap]) -> str:
    return "it" if len({g.source for g in found}) == 1 else "them"


def _checks(named: list[str]) -> str:
    """ "the MAOI washout check", "the MAOI washout and interaction checks"."""
    return f"the {' and '.join(named)} check{'s' if len(named) > 1 else ''}"


def line(gaps: Sequence[DataGap], record: PatientRecord) -> str:
    """ "The MAOI washout check at this order could not include the medication records above
    whose drug was not identified: check what the patient takes now before signing", or "" when
    none is unidentified or no check at this order reads the running drugs. The records are
    counted and named by their own line above it (gaps.describe), so this one does not count
    them again (audit 18: "6 medication records could not be read" and "6 medication records
    could not be identified" stood one under the other)."""
    found = unidentified(gaps)
    named = checks(record) if found else []
    if not named:
        return ""
    records = "record" if len({g.source for g in found}) == 1 else "records"
    check = _checks(named)
    return (
        f"{check[:1].upper()}{check[1:]} at this order could not include the medication "
        f"{records} above whose drug was not identified: check what the patient takes now "
        "before signing"
    )


def summary(gaps: Sequence[DataGap], record: PatientRecord) -> str:
    """The data-quality card's summary at such an order ("6 medication records could not be
    identified: the MAOI washout check could not include them"), or "" (`line`)."""
    found = unidentified(gaps)
    named = checks(record) if found else []
    if not named:
        return ""
    # Counted as the "Data not read" lines count them: an order and its fills as one
    # medication (fhir_mapping/gap_counts.py).
    head = f"{counted(found)} could not be identified"
    check = f"{_checks(named)} could not include {_them(found)}"
    return card_format.fit_summary(
        f"{head}: {check}",
        f"{head}: {' and '.join(named)} checks incomplete",
        f"{head}: order checks incomplete",
    )
