"""Review 13 W10 on the measurement-based-care card: a course measured with MADRS, HAM-D17,
QIDS-SR16 or BDI-II within the interval no longer gets "no PHQ-9 total on record ... response and
remission cannot be judged" (noise: the course is measured and judged on that scale). When the
other scale is stale too, the card still asks, and names the latest other scale. Charts:
tests/fhir_mapping/other_scale_charts.py (US Core survey Observations, R4B-valid)."""

from __future__ import annotations

from datetime import date

from services.rules import measurement_based_care
from tests.fhir_mapping.other_scale_charts import chart, scale
from tests.services.helpers import ctx


def test_a_recent_madrs_measures_the_course_no_phq9_card() -> None:
    record = chart(scale("MADRS", date(2025, 1, 6), 34), scale("MADRS", date(2025, 5, 19), 8))
    assert measurement_based_care.rule(ctx(record)) is None


def test_a_recent_hamd17_without_response_no_phq9_card() -> None:
    record = chart(scale("HAM-D17", date(2025, 1, 6), 24), scale("HAM-D17", date(2025, 5, 19), 20))
    assert measurement_based_care.rule(ctx(record)) is None


def test_a_stale_other_scale_still_brings_the_card_and_is_named() -> None:
    # BDI-II only at the start: nothing since week 4 of the course, so the PHQ-9 is asked for.
    record = chart(scale("BDI-II", date(2025, 1, 6), 35))
    rec = measurement_based_care.rule(ctx(record))
    assert rec is not None
    assert "Latest other depression scale: BDI-II 35 on 2025-01-06." in rec.detail


def test_control_no_scale_at_all_card_unchanged() -> None:
    rec = measurement_based_care.rule(ctx(chart()))
    assert rec is not None
    assert "response and remission (PHQ-9 < 5) cannot be judged without it." in rec.detail
    assert "other depression scale" not in rec.detail
