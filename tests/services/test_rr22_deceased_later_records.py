"""Review s22 RR finding 1: a record of any kind dated long after a recorded death doubts it.

This session's rule (commit 4fc1380) gives no card on chart open for a patient long dead with
nothing in the record since. "Nothing since" counted only course starts, encounters, scores and
procedures: a creatinine of 2025, a MedicationStatement asserted in 2025 (started 2010) and a
Condition recorded in 2025, each thirteen years after a 2012 death, got no card at all (before the
rule: "Patient recorded deceased (2012-07-31): treatment-pathway cards not shown"). Such a record
shows the patient alive, or the chart wrong: the status card must say so. Now every record of the
patient is read by its own dates (fhir_mapping/record_days.py), whichever reader takes it, and
the chart gets "Patient recorded deceased (2012-07-31), but a record is dated DATE: check the
status". A record entered in error is no record: still no card.

Charts: tests/services/deceased_later_records_charts/ (US Core shaped requests, every prefetch
key), the repo's stale_records_charts/deceased_2012_mdd_fluoxetine_nothing_since.json with one
record added.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
STATUS = "Patient recorded deceased (2012-07-31)"

_chart = chart_files.loader(Path(__file__).parent / "deceased_later_records_charts")
_cards = Evaluator(AS_OF).cards


@pytest.mark.parametrize(
    ("name", "day"),
    [
        ("dead2012_creatinine_2025", "2025-05-06"),  # a lab Observation
        ("dead2012_statement_asserted_2025", "2025-09-10"),  # MedicationStatement.dateAsserted
        ("dead2012_condition_recorded_2025", "2025-03-03"),  # Condition.recordedDate / onset
        ("dead2012_lab_order_2025", "2025-02-11"),  # ServiceRequest.authoredOn
        ("dead2012_questionnaire_authored_2025", "2025-06-20"),  # QuestionnaireResponse.authored
        ("dead2012_weight_2025", "2025-10-02"),  # a vital sign no rule reads
    ],
)
def test_a_record_years_after_the_death_gives_the_status_card_naming_it(
    name: str, day: str
) -> None:
    cards = _cards(_chart(name))
    assert cards, "a record dated after a long-past death must not leave the chart silent"
    first = cards[0]
    assert first["summary"] == f"{STATUS}, but a record is dated {day}: check the status"
    assert first["indicator"] == "info"
    assert (
        f"A record dated {day}, after the recorded death, makes the date doubtful"
        in (first["detail"])
    )
    assert sum(STATUS in c["summary"] for c in cards) == 1


def test_a_drug_confirmed_after_the_death_is_read_as_the_chart_gives_it() -> None:
    # The statement asserted in 2025 leaves fluoxetine (and warfarin) unended: the safety
    # check runs as for a living patient, under the status card.
    summaries = [c["summary"] for c in _cards(_chart("dead2012_statement_asserted_2025"))]
    assert summaries[0].startswith(f"{STATUS}, but a record is dated 2025-09-10")
    assert any("Warfarin" in s and "fluoxetine" in s for s in summaries[1:])


def test_a_record_entered_in_error_is_no_record() -> None:
    assert _cards(_chart("dead2012_weight_2025_entered_in_error")) == []
