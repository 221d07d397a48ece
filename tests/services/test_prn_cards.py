"""Cards never write an as-needed (PRN) dose as a daily dose (services/trial_table.py,
order_doses.py, interaction_table.py; the reading is fhir_mapping's, tests/fhir_mapping/
test_prn_dose.py).

Before: sertraline 100 mg "every 6 hours as needed" stood in the trials table as "100" mg/day and
as an adequate trial; ibuprofen 400 mg as needed beside lithium read "ibuprofen 400 mg/day, running
since ...". Now the dose is "100 mg as needed" (with the order's maxDosePerPeriod when it states
one), the course is not adequate, and an interaction line says "as needed". Charts are US Core /
Synthea-shaped FHIR (tests/fixtures/builders.py) mapped by build_record with the real drug table.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fhir_mapping.record import Verdict
from services import cards
from services.order_doses import draft_dose, together
from services.policy import Policy
from tests.services.test_interactions_lithium import IBUPROFEN_400, on_lithium
from tests.services.test_order_safety import (
    SERTRALINE_100,
    Resource,
    at_order,
    chart,
    depressed,
    drafted,
    on_chart,
    taking,
)

pytestmark = pytest.mark.real_drug_table

UCUM = "http://unitsofmeasure.org"
CHART = "drug-interaction"
ORDER = "order-drug-interaction"


def _as_needed(resource: Resource, *, per_day: int = 4, max_mg: float | None = None) -> Resource:
    """The order's dosage made "every 6 hours as needed" the way Epic writes it (asNeededBoolean,
    timing.code.text), with maxDosePerPeriod per 24 hours when `max_mg` is given."""
    line: dict[str, Any] = resource["dosageInstruction"][0]
    line["asNeededBoolean"] = True
    line["timing"]["repeat"].update({"frequency": 1, "period": 24 / per_day, "periodUnit": "h"})
    line["timing"]["code"] = {"text": "Every 6 hours as needed"}
    if max_mg is not None:
        line["maxDosePerPeriod"] = {
            "numerator": {"value": max_mg, "unit": "mg", "system": UCUM, "code": "mg"},
            "denominator": {"value": 24, "unit": "h", "system": UCUM, "code": "h"},
        }
    return resource


def test_an_as_needed_antidepressant_is_written_as_needed_and_not_adequate() -> None:
    prn = _as_needed(taking(SERTRALINE_100, date(2025, 1, 6), rid="mr-s"))
    record = chart(*depressed(), prn)
    (trial,) = [t for t in record.trials if t.ingredient == "sertraline"]
    assert trial.verdict is not Verdict.ADEQUATE
    assert cards.dose_path(trial) == "100 mg as needed"
    table = cards.trial_table(record.trials, Policy().mapping)
    assert "100 mg as needed" in table
    assert "| 100 |" not in table
    text = "\n".join(r.summary + "\n" + r.detail for r in on_chart(record).values())
    assert "sertraline 100 mg/day" not in text


def test_the_same_order_scheduled_still_reads_mg_per_day() -> None:
    record = chart(*depressed(), taking(SERTRALINE_100, date(2025, 1, 6), rid="mr-s"))
    (trial,) = [t for t in record.trials if t.ingredient == "sertraline"]
    assert trial.verdict is Verdict.ADEQUATE
    assert cards.dose_path(trial) == "100"


def test_ibuprofen_as_needed_beside_lithium_says_as_needed_with_its_ceiling() -> None:
    ibuprofen = _as_needed(taking(IBUPROFEN_400, date(2025, 5, 12), rid="mr-n"), max_mg=1600)
    card = on_chart(chart(*depressed(), on_lithium(), ibuprofen))[CHART]
    assert "ibuprofen 400 mg as needed (max 1600 mg/day), running since 2025-05-12" in card.detail
    assert "ibuprofen 400 mg/day" not in card.detail


def test_an_as_needed_nsaid_drafted_beside_lithium_says_as_needed_on_the_order() -> None:
    draft = _as_needed(drafted(IBUPROFEN_400))
    card = at_order(chart(*depressed(), on_lithium(), drafts=(draft,)), "order-sign")[ORDER]
    assert card.summary.startswith("Ibuprofen ordered with lithium running")
    assert "ibuprofen 400 mg as needed on this order" in card.detail


def test_an_as_needed_draft_is_not_added_to_a_scheduled_one() -> None:
    scheduled = drafted(SERTRALINE_100, rid="draft-1")
    extra = _as_needed(drafted(SERTRALINE_100, rid="draft-2"))
    record = chart(*depressed(), drafts=(scheduled, extra))
    first, second = record.draft_orders
    assert draft_dose(first) == "100 mg/day"
    assert draft_dose(second) == "100 mg as needed"
    assert together(record.draft_orders) == {}  # judged one by one: no "2 orders together"
