"""Session 26 item 3: a nortriptyline draft above the label's older-adult range got no line of it.

Patient-view says it on the optimise card (older_adult_levels.py: the Pamelor label's "Elderly
Patients 30 to 50 mg/day" and optimal levels of 50-150 ng/mL), but a NEW nortriptyline 75 mg/day
draft for a patient aged 70 got only the Beers card at order-select and order-sign. Now a draft
above the range gets order-older-adult-level-dose (order_checks/older_adult_level_dose.py): a new
start is told to start within 30-50 mg/day and go above it by a level; a change of a running
course is judged by the level on its current dose, as patient-view judges it.

Charts: tests/services/tca_lb26_charts/ (US Core shaped order-select/-sign requests, every
prefetch key; the level charts are the nortriptyline_level_charts with a 75 mg/day draft).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

_chart = chart_files.loader(Path(__file__).parent / "tca_lb26_charts")
_at = Evaluator(date(2026, 12, 1))
LABEL = "at 70 its label gives 30-50 mg/day for elderly patients and optimal responses at plasma"


def _level_card(name: str) -> dict[str, object]:
    (card,) = [c for c in _at.cards(_chart(name)) if "30-50" in str(c["detail"])]
    return card


@pytest.mark.parametrize(
    "name", ["nortriptyline75_new_at70_select", "nortriptyline75_new_at70_sign"]
)
def test_a_new_75_mg_start_at_70_carries_the_older_adult_range(name: str) -> None:
    card = _level_card(name)
    assert card["indicator"] == "warning"
    assert card["summary"] == (
        "Nortriptyline 75 mg/day at age 70: above the label's older-adult 30-50 mg/day: dosed by "
        "level (50-150 ng/mL)"
    )
    detail = str(card["detail"])
    assert LABEL in detail
    assert "Consider starting within 30-50 mg/day" in detail
    assert "ready-to-accept" not in detail
    assert "Pamelor (nortriptyline) US label" in str(card["source"])


def test_a_draft_within_the_older_adult_range_gets_no_such_card() -> None:
    doc = _chart("nortriptyline75_new_at70_sign")
    draft = doc["context"]["draftOrders"]["entry"][0]["resource"]
    draft["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"]["value"] = 2  # 50 mg/day
    draft["dosageInstruction"][0]["text"] = "Take 2 capsules (50 mg) by mouth at bedtime"
    assert not [c for c in _at.cards(doc) if "older-adult 30-50" in str(c["summary"])]
    # The same chart at 75 mg/day has it: the check above can fail.
    assert _level_card("nortriptyline75_new_at70_sign")


@pytest.mark.parametrize(
    ("level", "summary", "says"),
    [
        (
            35,
            "Nortriptyline 75 mg/day at age 70: nortriptyline level 35 ng/mL, below 50-150 ng/mL: "
            "a raise may be considered (ECG first)",
            "is below the 50-150 ng/mL range: a raise may be considered, with an ECG before it",
        ),
        (
            95,
            "Nortriptyline 75 mg/day at age 70: above the label's older-adult 30-50 mg/day; "
            "nortriptyline level 95 ng/mL, within 50-150 ng/mL: no raise",
            "is within the 50-150 ng/mL range: no raise",
        ),
        (
            180,
            "Nortriptyline 75 mg/day at age 70: nortriptyline level 180 ng/mL, above 50-150 "
            "ng/mL: lower the dose",
            "is above the 50-150 ng/mL range: lower the dose**",
        ),
    ],
)
def test_a_raise_of_a_running_course_is_judged_by_its_level(
    level: int, summary: str, says: str
) -> None:
    card = _level_card(f"nortriptyline50_to75_at70_level{level}_sign")
    assert card["summary"] == summary
    detail = str(card["detail"])
    assert LABEL in detail and says in detail
    assert f"nortriptyline level {level} ng/mL on 2026-11-20" in detail


def test_an_age_below_the_row_gets_no_older_adult_line() -> None:
    doc = _chart("nortriptyline75_new_at70_sign")
    doc["prefetch"]["patient"]["birthDate"] = "1962-05-05"  # 64
    assert not [c for c in _at.cards(doc) if "30-50" in str(c["detail"])]


def test_the_level_words_at_patient_view_still_say_not_one_click() -> None:
    # The order's words drop "not offered as a ready-to-accept order"; the optimise card keeps it.
    from services.older_adult_levels import for_patient

    row = for_patient("nortriptyline", 70)
    assert row is not None
    assert row.check_words().endswith("not offered as a ready-to-accept order.")
    assert not row.check_words(at_order=True).endswith("ready-to-accept order.")
