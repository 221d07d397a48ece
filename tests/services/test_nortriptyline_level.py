"""Review s25 RK3 finding 7: an older adult's nortriptyline dose is judged by its serum level, but
the service never read one (no nortriptyline level code in the repository). With 95 ng/mL on
record the optimise card still said "check a nortriptyline level (and an ECG) before any raise";
with 180 ng/mL at 78 it said "raise it only while the level is below 50 ng/mL", no word of the
high level. The level (LOINC 3872-9, asked for under `labsSI`) is now read
(services/older_adult_level_reading.py) against the label's 50-150 ng/mL
(data/older_adult_level_doses.csv): below it a raise may be considered with an ECG (text, not one
click), within it no raise, above it a warning to lower the dose.

The review's charts coded the level 3872-1, whose LOINC check digit is wrong; these copies code
it 3872-9 and send it under `labsSI`, where the service asks for it.

Charts: tests/services/nortriptyline_level_charts/ (US Core shaped, every prefetch key).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.lab_si_key import key_tests, level_tests
from fhir_mapping.record import LabResult
from services import catalog, si_lab_gaps
from services.catalog import MAX_QUERY_BYTES, query_bytes
from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
OPTIMISE = "optimize-switch-augment"
DIR = Path(__file__).parent / "nortriptyline_level_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
CHECK_FIRST = "check a nortriptyline level (and an ECG) before any raise"

_chart = chart_files.loader(DIR)
_at = Evaluator(date(2026, 12, 1))


def _optimise(doc: Doc, policy: Policy | None = None) -> Doc:
    card: Doc = by_topic(_at.cards(doc, policy=policy))[OPTIMISE]
    return card


def _level_entry(doc: Doc) -> Doc:
    (entry,) = doc["prefetch"]["labsSI"]["entry"]
    resource: Doc = entry["resource"]
    return resource


@pytest.mark.parametrize("name", CHARTS)
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)


def _loinc_check_digit(number: str) -> int:
    """LOINC's mod-10 check digit: the digits in odd places from the right, as one number,
    doubled; the other digits before it; the digit sum brought up to a multiple of 10."""
    odd = number[::-1][0::2][::-1]
    even = number[::-1][1::2][::-1]
    total = sum(int(d) for d in even + str(int(odd) * 2))
    return (10 - total % 10) % 10


def test_the_level_code_is_a_valid_loinc_asked_for_under_labs_si() -> None:
    assert _loinc_check_digit("3872") == 9  # 3872-9, not the review's 3872-1
    assert _loinc_check_digit("14334") == 7  # lithium 14334-7: the check itself works
    (service,) = [s for s in catalog.services() if s.hook == "patient-view"]
    templates = dict(service.prefetch)
    assert "http://loinc.org|3872-9" in templates["labsSI"]
    assert "urn:oid:2.16.840.1.113883.6.1|3872-9" in templates["labsSI"]
    assert "3872-9" not in templates["labs"]
    assert query_bytes(templates["labsSI"]) <= MAX_QUERY_BYTES


def test_a_level_in_range_means_no_raise() -> None:
    card = _optimise(_chart("nortriptyline50_at_78_level95"))
    assert "nortriptyline level 95 ng/mL, within 50-150 ng/mL: no raise" in card["summary"]
    assert (
        "nortriptyline level 95 ng/mL on 2026-11-20 is within the 50-150 ng/mL range: no raise; "
        "judge the response at this dose."
    ) in card["detail"]
    assert CHECK_FIRST not in card["detail"]
    assert not card.get("suggestions")


def test_a_level_above_range_warns_to_lower_the_dose() -> None:
    card = _optimise(_chart("nortriptyline50_at_78_level180"))
    assert card["indicator"] == "warning"
    assert "nortriptyline level 180 ng/mL, above 50-150 ng/mL: lower the dose" in card["summary"]
    assert (
        "**nortriptyline level 180 ng/mL on 2026-11-20 is above the 50-150 ng/mL range: lower "
        "the dose**"
    ) in card["detail"]
    assert "raise it only while the level is below" not in card["detail"]
    assert not card.get("suggestions")


def test_a_level_below_range_allows_a_raise_with_an_ecg_as_text() -> None:
    card = _optimise(_chart("nortriptyline50_at_78_level35"))
    assert (
        "nortriptyline level 35 ng/mL, below 50-150 ng/mL: a raise may be considered"
        in (card["summary"])
    )
    assert "a raise may be considered, with an ECG before it and a level after" in card["detail"]
    # Never one click at 78 on a tricyclic (module docstring of older_adult_level_reading).
    assert not card.get("suggestions")


def test_a_level_from_before_the_course_is_named_not_used() -> None:
    doc = _chart("nortriptyline50_at_78_level95")
    _level_entry(doc)["effectiveDateTime"] = "2026-06-20T08:00:00-05:00"
    card = _optimise(doc)
    assert CHECK_FIRST in card["detail"]
    assert (
        "(the last, 95 ng/mL on 2026-06-20, was before the current dose of 2026-07-05)"
    ) in card["detail"]
    assert "within the 50-150" not in card["detail"]


def test_a_level_older_than_the_lab_window_is_not_used() -> None:
    card = _optimise(_chart("nortriptyline50_at_78_level180"), Policy(lab_recent_days=5))
    assert CHECK_FIRST in card["detail"]
    assert "lower the dose" not in card["detail"]


def test_a_level_in_another_unit_of_the_same_quantity_is_read() -> None:
    doc = _chart("nortriptyline50_at_78_level180")
    quantity = _level_entry(doc)["valueQuantity"]
    quantity["unit"] = quantity["code"] = "ug/L"
    assert "above 50-150 ng/mL: lower the dose" in _optimise(doc)["summary"]


# --- the `labsSI` gap: a level is needed only on the drug ----------------------------------------


def _record_without_labs_si_but_every_other_lab_recent(doc: Doc) -> Any:
    """The chart's record as an EHR without the `labsSI` key sends it, with a recent result of
    every other test the key carries (each has a code under `labs` too)."""
    del doc["prefetch"]["labsSI"]
    record = _at.result(doc).evaluation.record
    recent = [
        LabResult(test, 1.0, None, date(2026, 11, 25)) for test in key_tests() - level_tests()
    ]
    context = dataclasses.replace(record.context, labs=(*record.context.labs, *recent))
    return dataclasses.replace(record, context=context)


def test_on_nortriptyline_the_missing_key_keeps_its_gap() -> None:
    record = _record_without_labs_si_but_every_other_lab_recent(
        _chart("nortriptyline50_at_78_level95")
    )
    assert any(t.ingredient == "nortriptyline" for t in record.trials)
    assert si_lab_gaps.moot(record, 365) == frozenset()


def test_off_nortriptyline_the_level_does_not_keep_the_gap() -> None:
    record = _record_without_labs_si_but_every_other_lab_recent(
        _chart("nortriptyline50_at_78_level95")
    )
    record = dataclasses.replace(record, trials=())
    assert si_lab_gaps.moot(record, 365)


def test_without_the_labs_si_key_the_card_says_levels_were_not_received() -> None:
    doc = _chart("nortriptyline50_at_78_level95")
    del doc["prefetch"]["labsSI"]
    detail = _optimise(doc)["detail"]
    assert CHECK_FIRST in detail
    assert "(levels were not received from the EHR: check the chart for one first)" in detail
    # With the key received and holding no level, no such words.
    doc = _chart("nortriptyline50_at_78_level95")
    doc["prefetch"]["labsSI"]["entry"] = []
    doc["prefetch"]["labsSI"]["total"] = 0
    detail = _optimise(doc)["detail"]
    assert CHECK_FIRST in detail
    assert "not received" not in detail
