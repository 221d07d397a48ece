"""The TMS referral card's "Criteria met" header (rules/tms_referral.py `_criteria`), and what it
says of an incomplete record.

Review K59b finding 6: with the `questionnaireResponses` (or `medicationDispenses`) key not sent,
the header said "the record is incomplete: see *Data not read*" and no card had that block: a
kind of data merely not provided is not listed on every card (data_gap_section.shown_gaps), but
the header counted it. The pointer and the block now agree: the header points to *Data not read*
only when a gap the card lists is there, and otherwise names the kinds of data not provided, on
the card itself (the safer of the brief's two choices: the clinician still learns that the
criteria rest on a record without them)."""

from __future__ import annotations

from collections.abc import Sequence

from fhir_mapping.other_prescriber import OTHER_PRESCRIBER_TO_CONFIRM
from fhir_mapping.record import DataGap
from fhir_mapping.same_drug_prescribers import SAME_DRUG_DOSE_TO_CONFIRM
from services.data_gap_section import shown_gaps


def met_header(payer: str, gaps: Sequence[DataGap]) -> str:
    """ "**Criteria met** (payer):" on a complete record; "... on the data that could be read
    (payer; the record is incomplete: see *Data not read*)" when the card lists a gap; "...
    (payer; not provided: QuestionnaireResponse)" when the only gaps are kinds of data not sent."""
    # An open order another prescriber's stop did not end was read, not left out: the optimise
    # card's drug-to-confirm line says it (fhir_mapping/other_prescriber.py, meds55); so two
    # prescribers' open orders of one drug (meds57: its dose-first section).
    gaps = [
        g for g in gaps if g.reason not in (OTHER_PRESCRIBER_TO_CONFIRM, SAME_DRUG_DOSE_TO_CONFIRM)
    ]
    if not gaps:
        return f"**Criteria met** ({payer}):"
    head = "**Criteria met on the data that could be read**"
    if shown_gaps(gaps):
        return f"{head} ({payer}; the record is incomplete: see *Data not read*):"
    return f"{head} ({payer}; not provided: {', '.join(_kinds(gaps))}):"


def _kinds(gaps: Sequence[DataGap]) -> list[str]:
    """The resource types the gaps name ("QuestionnaireResponse: prefetch key ... was not sent"
    -> "QuestionnaireResponse"), else their domain ("scores"), each once."""
    kinds: dict[str, None] = {}
    for g in gaps:
        head, sep, _ = g.reason.partition(":")
        word = head.strip() if sep and head.strip().isalpha() else g.domain.value
        kinds.setdefault(word, None)
    return list(kinds)
