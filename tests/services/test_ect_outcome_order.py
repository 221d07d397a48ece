"""s26 LC item 2: a drug change drafted after an acute ECT course ended with its outcome not
recorded (open_referrals.ect_outcome_pending: no PHQ-9 after the last session) gets the
order-during-device-course card, as patient-view holds the same adjuncts then.

Before: aripiprazole drafted 31 days after 8 ECT sessions ended 2026-10-31, no PHQ-9 since, got
only the item 9 card. Now also "Aripiprazole ordered after an ECT course ended 2026-10-31: its
outcome (a PHQ-9) is not recorded yet" (warning), naming the course and asking for the outcome.

Chart: tests/services/ect_outcome_order_charts/ (ect_outcome_hold ect_ended_31d_no_phq9_after
as an order-select request with the Epic-shaped aripiprazole draft of the adjunct_renewal
charts).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
TOPIC = "order-during-device-course"
NAME = "ect_ended_31d_no_phq9_draft_aripiprazole_select"

_chart = chart_files.loader(Path(__file__).parent / "ect_outcome_order_charts")
_at = Evaluator(date(2026, 12, 1))


def test_the_chart_is_valid_r4b_with_every_prefetch_key() -> None:
    doc = _chart(NAME)
    chart_files.check_chart(doc)


def test_an_adjunct_drafted_while_the_ect_outcome_is_pending_is_told_so() -> None:
    card = _at.by_topic(_chart(NAME))[TOPIC]
    assert card["indicator"] == "warning"
    assert card["summary"] == (
        "Aripiprazole ordered after an ECT course ended 2026-10-31: its outcome (a PHQ-9) is "
        "not recorded yet"
    )
    assert "**Acute ECT course ended 2026-10-31**" in card["detail"]
    assert "record the outcome (a PHQ-9) and the ECT service's view first" in card["detail"]


def test_a_phq9_after_the_course_releases_it() -> None:
    doc = _chart(NAME)
    # The outcome recorded: a PHQ-9 the day after the last session (the hold's own rule).
    later = date(2026, 11, 20).isoformat()
    for entry in doc["prefetch"]["observations"]["entry"]:
        resource = entry["resource"]
        if any(c.get("code") == "44261-6" for c in resource["code"].get("coding", [])):
            resource["effectiveDateTime"] = later
            resource.pop("issued", None)
            break
    else:
        pytest.skip("no PHQ-9 total in the chart")
    assert TOPIC not in _at.by_topic(doc)
