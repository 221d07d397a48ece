"""Review s19 item 8 (first MINOR): a course is named by the day its present dose began.

"escitalopram 20 mg/day since 2026-05-04" (ds01, review chart b01s) said 20 mg since May 4 when
the course began at 10 mg and 20 mg began on May 25; "mirtazapine 30 mg/day since 2026-09-01"
(ds02, b08) when 30 mg began on September 22. Now one rule (services/trial_dates.dose_since):
"escitalopram since 2026-05-04; 20 mg/day since 2026-05-25"; a course on one dose keeps
"venlafaxine 150 mg/day since 2026-09-29".

Charts: tests/services/dose_since_charts/ (ds01 Epic, ds02 Oracle; every prefetch key) and
undated_past_charts/up04 (venlafaxine 75 then 150 mg), evaluated as of 2026-12-01.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from services.policy import Policy
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]

_here = Path(__file__).parent
_chart = chart_files.loader(_here / "dose_since_charts")
_undated = chart_files.loader(_here / "undated_past_charts")


def _details(doc: Doc) -> str:
    result = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy())
    return "\n".join(c["detail"] for c in result.response.to_json()["cards"])


def test_the_running_escitalopram_is_named_with_the_day_20_mg_began() -> None:
    detail = _details(_chart("ds01_escitalopram_10_to_20_draft_venlafaxine_select"))
    assert "escitalopram 20 mg/day since 2026-05-04" not in detail
    assert "**Still running:** escitalopram since 2026-05-04; 20 mg/day since 2026-05-25 (" in (
        detail
    )


def test_the_responding_mirtazapine_is_named_with_the_day_30_mg_began() -> None:
    detail = _details(_chart("ds02_mirtazapine_15_to_30_responding_patient_view"))
    assert "mirtazapine 30 mg/day since 2026-09-01" not in detail
    assert "**Responding:** mirtazapine since 2026-09-01; 30 mg/day since 2026-09-22: PHQ-9 16" in (
        detail
    )


def test_a_course_on_one_dose_keeps_the_short_form() -> None:
    doc = _undated("up04_no_statement_draft_sertraline_select")
    # Leave out venlafaxine 75 mg (its order and its fill): 150 mg from the course's start.
    for key in ("medicationRequests", "medicationDispenses"):
        bundle = doc["prefetch"][key]
        bundle["entry"] = [
            e
            for e in bundle["entry"]
            if "75 MG" not in str(e["resource"].get("medicationCodeableConcept", ""))
            and "75 MG" not in str(e["resource"].get("medicationReference", ""))
            and "75 MG" not in str(e["resource"].get("code", ""))
        ]
    detail = _details(doc)
    assert "**Still running:** venlafaxine 150 mg/day since 2026-09-29 (" in detail


def test_a_titrated_course_names_both_days() -> None:
    detail = _details(_undated("up04_no_statement_draft_sertraline_select"))
    assert "**Still running:** venlafaxine since 2026-09-01; 150 mg/day since 2026-09-29 (" in (
        detail
    )
