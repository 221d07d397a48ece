"""The card for a pathway drug drafted while the allergies could not be read in full (review 16
recheck W-b): the draft was not checked against class or text allergies (split from
order_checks/intolerance.py, which calls it when no allergy speaks)."""

from __future__ import annotations

import re

from fhir_mapping.record import DataDomain, DataGap, DraftOrder, GapCause, Role
from services import cards, masked_records
from services.order_checks.model import NOT_TOLERATED, OrderCheck
from services.rules.context import RuleContext


def allergies_unread_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    """The allergies could not be read in full (the `allergyIntolerances` prefetch withheld or
    failed, or cut short) and a pathway drug is drafted: a warning that this draft was not
    checked against them. Matching a class or text allergen ("SSRIs", "Lexapro") is this
    service's job, since the EHR's check cannot match them, so an answer of no card read as "no
    class allergy" (review 16 recheck W-b), while withheld conditions raise a card at the same
    draft. The gap itself (why, which key) is listed under the card by services/data_gaps.py.
    A single allergy entry left out is named there too, on the cards of the intolerance domain.
    An entry sent with its allergen masked (fix order47) is a card of its own: the list was read,
    one entry of it was not (`_masked_entry_check`); beside a list not read, a line of this card."""
    if draft.role not in (Role.ANTIDEPRESSANT, Role.AUGMENTATION):
        return None
    masked = masked_records.order_allergy(ctx.record, draft.ingredient)
    if not ctx.record.incomplete(DataDomain.INTOLERANCES):
        return _masked_entry_check(draft, masked)
    why = _unread_why(
        [g for g in ctx.record.gaps_in(DataDomain.INTOLERANCES) if g.cause is not GapCause.LEFT_OUT]
    )
    return OrderCheck(
        NOT_TOLERATED,
        draft,
        cards.fit_summary(
            f"Allergies could not be read: {draft.ingredient} was not checked against class or "
            "text allergies; check the allergy list before ordering",
            f"Allergies could not be read: {draft.ingredient} was not checked against them",
            "Allergies could not be read: this draft was not checked against them",
        ),
        f"**Allergies not read:** the allergy and intolerance list could not be read in full, so "
        f'{draft.ingredient} was not checked against a drug-class allergy ("SSRIs"), a brand '
        "or a related drug written as text, which the EHR's own drug-allergy check does not "
        "match."
        + (f" {why}" if why else "")
        + " Check the allergy list before ordering."
        + (f"\n\n{masked[1]}" if masked else ""),
        # Its basis is the chart's data, not a guideline (review 16 second recheck a05: the card
        # cited CANMAT), as the data-gap card's (audit 16 W6).
        basis=(ALLERGY_DATA_SOURCE,),
    )


def _masked_entry_check(
    draft: DraftOrder, masked: tuple[tuple[str, ...], str] | None
) -> OrderCheck | None:
    """A pathway drug drafted beside an allergy entry whose allergen is masked or absent by a
    data-absent-reason (fhir_mapping/masked_codes.py; mask48 held the optimise card's one-clicks
    for it, the order said nothing: fix order47). The entry may name the drug drafted or its
    class, and the EHR's own check does not match a class or a text allergen, so this card says
    the draft was not checked against it, as for a list not read (the safer reading: a warning
    read before signing against a reaction ordered again). What it was is never guessed."""
    if masked is None:
        return None
    summaries, line = masked
    return OrderCheck(
        NOT_TOLERATED,
        draft,
        cards.fit_summary(*summaries),
        line,
        basis=(MASKED_ALLERGY_SOURCE,),
    )


# The masked-entry card's source: the entry it reports on.
MASKED_ALLERGY_SOURCE = (
    "This chart's allergy list as the EHR sent it (an entry's allergen withheld)"
)


# The error code of a failed prefetch search in a gap's reason (cds_hooks/fhir_data/prefetch.py:
# "the EHR's prefetch search failed (OperationOutcome: forbidden)").
_OUTCOME = re.compile(r"\(OperationOutcome: ([^)]+)\)")

# The allergies-not-read card's source: what it reports on.
ALLERGY_DATA_SOURCE = "This chart's allergy list as the EHR sent it (not read in full)"


def _unread_why(gaps: list[DataGap]) -> str:
    """Why the list was not read, in plain words (review 16 second recheck a05: "prefetch key
    'allergyIntolerances' was not sent" is protocol jargon; the technical reason stays in the
    --explain output and the logs): "The EHR did not send the list with this request, and it
    could not be fetched."; "" when no gap says."""
    missing = [g for g in gaps if g.cause in (GapCause.NOT_PROVIDED, GapCause.NOT_READ)]
    for gap in missing:
        # The EHR answered the search with an error (OperationOutcome: forbidden, not-found):
        # its code is the one part a reader can act on (ask for access), so it stays.
        code = _OUTCOME.search(gap.reason)
        if code is not None:
            return f"The EHR's search for the list failed ({code.group(1)})."
    if any(g.cause is GapCause.NOT_READ for g in missing):
        # A search the FHIR server answered with an error (s21 RC W3): the list exists and was
        # not read, which is not "not sent".
        return "The list could not be read from the EHR's FHIR server."
    if missing:
        return "The EHR did not send the list with this request, and it could not be fetched."
    partial = [g for g in gaps if g.cause is GapCause.PARTIAL]
    if not partial:
        return ""
    if any("withheld" in g.reason for g in partial):
        return "The EHR withheld some of its entries (consent, privacy or access rules)."
    return "Only part of the list reached the service (the rest could not be fetched)."
