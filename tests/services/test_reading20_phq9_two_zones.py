"""Fix 20 item 3: one PHQ-9 written in two time zones is one PHQ-9, on the local day as written.

Chart p01 (Epic / US Core shaped, every prefetch key): an Epic flowsheet PHQ-9 total and item 9 at
2025-05-29T23:30:00-05:00 and the same administration's QuestionnaireResponse authored
2025-05-30T04:30:00Z, the same instant. Duplicates were matched by the day as written, so it
counted as two PHQ-9s on consecutive days, and the cards named the later one ("PHQ-9 16 on
2025-05-30"). Now the records are matched by instant as well (fhir_mapping/
questionnaire_duplicates.py, Score.instant), and the merged score is shown on the day written in
the patient's zone, 2025-05-29. Two PHQ-9s at different instants of one day still merge as
before (the same-day rule is unchanged).

Charts: tests/services/reading20_charts/p01_*.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.record import PatientRecord
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
Doc = dict[str, Any]

_chart = chart_files.loader(Path(__file__).parent / "reading20_charts")
CHART = "p01_phq9_flowsheet_local_and_response_utc_same_instant"


_evaluate = Evaluator(AS_OF).by_topic_and_record


def _late_may(record: PatientRecord) -> list[tuple[date, int | None]]:
    return [(s.date, s.value) for s in record.scores if s.date >= date(2025, 5, 27)]


def test_one_instant_in_two_zones_is_one_phq9_on_the_local_day() -> None:
    cards, record = _evaluate(_chart(CHART))
    assert _late_may(record) == [(date(2025, 5, 29), 16)]
    assert "PHQ-9 16 on 2025-05-29" in cards["tms-referral"]["detail"]
    assert "2025-05-30" not in cards["tms-referral"]["detail"]


def test_two_instants_a_day_apart_stay_two_phq9s() -> None:
    # The response an hour later than the flowsheet, written in UTC on the next day: two.
    doc = _chart(CHART)
    for r in chart_files.prefetch_resources(doc):
        if r["resourceType"] == "QuestionnaireResponse":
            r["authored"] = "2025-05-30T05:30:00Z"
    _, record = _evaluate(doc)
    assert _late_may(record) == [(date(2025, 5, 29), 16), (date(2025, 5, 30), 16)]
