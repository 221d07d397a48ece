"""`chart_files.check_chart`: the one check every probe-chart folder's tests run (every prefetch
key the services declare; each prefetch resource and draft order valid R4B)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from pydantic import ValidationError

from tests.services import chart_files

FOLDER = Path(__file__).parent / "order_rail26_charts"
_chart = chart_files.loader(FOLDER)
NAME = "escitalopram_raise_at_24_ten_days_after_discharge"


def test_a_chart_as_an_ehr_sends_it_passes() -> None:
    chart_files.check_chart(_chart(NAME))


def test_a_missing_prefetch_key_is_named() -> None:
    doc = _chart(NAME)
    doc["prefetch"].pop("encounters")
    with pytest.raises(AssertionError, match="encounters"):
        chart_files.check_chart(doc)


def test_an_invalid_prefetch_resource_fails() -> None:
    doc = _chart(NAME)
    resource = next(r for r in chart_files.prefetch_resources(doc) if "status" in r)
    resource["status"] = 7
    with pytest.raises(ValidationError):
        chart_files.check_chart(doc)


def test_an_invalid_draft_order_fails() -> None:
    doc = copy.deepcopy(_chart(NAME))
    doc["context"]["draftOrders"]["entry"][0]["resource"]["intent"] = ["order"]
    with pytest.raises(ValidationError):
        chart_files.check_chart(doc)
