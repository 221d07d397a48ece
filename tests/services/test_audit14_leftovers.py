"""Card wording that disagreed with itself (audit 14 leftovers): each card says one coherent,
true thing.

1. An optimise summary whose one-click raise a holding card takes off names that card's reason
   ("raise held (a condition on record weighs against it)"), never "see the first line": an EHR
   that shows summaries only does not show that line.

Charts are US Core shaped as Epic sends them (tests/fixtures/builders.py): RxNorm
MedicationRequests, ICD-10-CM problem-list Conditions, PHQ-9 panels.
"""

from __future__ import annotations

from datetime import date

import pytest

from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Recommendation
from tests.fixtures import builders as b
from tests.services import test_f1_restart as f1

pytestmark = pytest.mark.real_drug_table

OPTIMISE = "optimize-switch-augment"
DULOXETINE_20 = ("596926", "duloxetine 20 MG Delayed Release Oral Capsule")


def _on_open(*extra: b.Resource, current: tuple[str | None, str]) -> dict[str, Recommendation]:
    record = f1._chart(*extra, current=current)
    return {r.topic: r for r in patient_view(record, Policy())}


# --- 1. a held raise names its reason --------------------------------------------------------


def test_a_raise_held_by_a_running_drug_caution_names_the_reason_not_a_line() -> None:
    cirrhosis = b.condition(
        b.ICD10CM,
        "K74.60",
        "Unspecified cirrhosis of liver",
        date(2024, 1, 1),
        category="problem-list-item",
        patient=f1.P,
        id="cirrhosis",
    )
    cards = _on_open(cirrhosis, current=DULOXETINE_20)
    assert "running-drug-caution" in cards
    summary = cards[OPTIMISE].summary
    assert summary == (
        "Duloxetine 20 mg/day is below the adequate range (60-120): raise held (a condition on "
        "record weighs against it)"
    )
    assert "first line" not in summary
