"""The running-drug card's words for a drug running beside a medication the service cannot
identify (fix drug49, drug48's leftover): bupropion's drug_cautions.csv row for such a record
(`drug-unidentified`, services/unidentified_screen.py) was said as a condition on record,
"Bupropion with RxNorm 2599543 on record: a running medication is not identified: ..." and
"RxNorm 2599543 ( , ordered 2025-03-10)". The pair now reads "Bupropion running beside a
medication not identified (RxNorm 2599543): rule out an antiseizure drug or an MAOI"
(data/unidentified_drug_words.csv `running_beside`), its bullet naming the record by its codes and
its day as its kind says it ("ordered 2025-03-10")."""

from __future__ import annotations

from dataclasses import replace

from fhir_mapping.record import FindingKind
from services import cards
from services.rules.running_caution_pairs import Pair
from services.unidentified_screen import words

_UNIDENTIFIED = FindingKind.DRUG_UNIDENTIFIED


def reworded(pair: Pair) -> Pair:
    """`pair` as the card says it: a pair of a medication not identified named as one (module
    docstring); any other pair unchanged."""
    if pair.kind is not _UNIDENTIFIED:
        return pair
    named = f"a medication not identified ({pair.short})"
    when = f", {pair.onset}" if pair.onset else ""
    return replace(pair, short=named, finding=f"{named}{when}", onset=None)


def summary(pair: Pair) -> str | None:
    """The card's summary when `pair` (reworded) is its one pair of a medication not identified;
    None for any other pair."""
    if pair.kind is not _UNIDENTIFIED:
        return None
    codes = pair.short.removeprefix("a medication not identified (").removesuffix(")")
    said = words().running_beside
    dosed = f"{pair.dosed()[0].upper()}{pair.dosed()[1:]}"
    return cards.fit_summary(
        *(
            said.format(drug=drug, codes=codes)
            for drug in (dosed, pair.taking.ingredient.capitalize())
        )
    )
