"""Leftovers of the running-drug card, beside the low-sodium card: the order card's
last-resort summary says "contraindicated" only where the drug_cautions.csv row says so.

services/order_checks/cautions.py words a drafted drug against a condition on record by the row's
note; when the drug's name and the note do not fit in a summary's 140 characters, a last resort
said "is contraindicated by a condition on record" for every row, also for a label's "avoid"
(duloxetine in chronic liver disease: a warning, the Cymbalta label's dosage section). The cards
must not claim more than the row: the last resort now reads "a condition on record weighs against
it" unless the row says "contraindicated".

US Core charts (test_order_safety's helpers: a problem-list Condition in ICD-10-CM, a draft
MedicationRequest as the EHR sends it at order-select).
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from services import tables
from tests.fixtures import builders as fb
from tests.services.test_order_safety import P, at_order, chart, depressed, drafted

pytestmark = pytest.mark.real_drug_table

CARD = "order-drug-contraindicated"
DULOXETINE_60 = ("596934", "duloxetine 60 MG Delayed Release Oral Capsule")
AUVELITY = (
    "2611260",
    "bupropion hydrochloride 105 MG / dextromethorphan hydrobromide 45 MG Extended Release Oral "
    "Tablet",
)
# A note as long as the label's hepatic-impairment wording, so the name and note do not fit.
LONG_AVOID = (
    "avoid in chronic liver disease or cirrhosis: duloxetine is hepatically metabolised and "
    "hepatotoxic, with raised exposure and cases of hepatic failure"
)


def _cirrhosis() -> dict[str, object]:
    return fb.condition(
        fb.ICD10CM,
        "K74.60",
        "Unspecified cirrhosis of liver",
        date(2023, 2, 1),
        category="problem-list-item",
        patient=P,
        id="cirrhosis",
    )


def test_a_warning_row_is_never_summarised_as_contraindicated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = tuple(
        dataclasses.replace(r, note=LONG_AVOID)
        if (r.ingredient, r.finding) == ("duloxetine", "liver-disease")
        else r
        for r in tables.drug_cautions()
    )
    monkeypatch.setattr(tables, "drug_cautions", lambda: rows)
    card = at_order(chart(*depressed(), _cirrhosis(), drafts=(drafted(DULOXETINE_60),)))[
        "order-drug-caution"
    ]
    assert len(f"Duloxetine: {LONG_AVOID}") > 140  # the last resort is what is said
    assert card.summary == (
        "Duloxetine: a condition on record weighs against it (Unspecified cirrhosis of liver)"
    )
    assert "contraindicated" not in card.summary
    # The row in full, capitalised as the line's first word (audit 16 f03).
    assert LONG_AVOID[:1].upper() + LONG_AVOID[1:] in card.detail


def test_a_contraindication_row_still_says_so_when_its_note_does_not_fit() -> None:
    withdrawal = fb.condition(
        fb.ICD10CM,
        "F10.230",
        "Alcohol dependence with withdrawal, uncomplicated",
        date(2025, 5, 30),
        category="problem-list-item",
        patient=P,
        id="withdrawal",
    )
    card = at_order(chart(*depressed(), withdrawal, drafts=(drafted(AUVELITY),)))[CARD]
    assert card.summary.startswith(
        "Dextromethorphan-bupropion is contraindicated by a condition on record"
    )
