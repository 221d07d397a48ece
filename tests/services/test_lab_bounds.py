"""A result sent as a bound (valueQuantity.comparator: "< 0.2 mmol/L" below a lithium assay's
limit, "> 60" for an eGFR) is compared as what it says, and shown with its sign: never as if the
bound were the value."""

from __future__ import annotations

from datetime import date

import pytest

from fhir_mapping.record import LabResult
from services import lab_safety

DAY = date(2025, 5, 20)


def _lab(test: str, value: float, unit: str, comparator: str | None) -> LabResult:
    return LabResult(test=test, value=value, unit=unit, date=DAY, comparator=comparator)


def _rule(check: str) -> lab_safety.LabRule:
    return next(r for r in lab_safety.rules() if r.check == check)


@pytest.mark.parametrize(
    ("value", "comparator", "expected"),
    [
        (0.2, None, True),
        (0.2, "<", True),  # below the assay's limit: certainly below the 0.5 target
        (0.6, "<", None),  # somewhere below 0.6: may or may not be below 0.5
        (0.5, "<", True),
        (0.5, "<=", None),
        (0.4, ">", None),  # above 0.4: not known against 0.5
        (0.6, ">", False),
    ],
)
def test_a_bound_is_below_a_line_only_when_it_says_so(
    value: float, comparator: str | None, expected: bool | None
) -> None:
    rule = _rule("lithium-target")
    assert rule.low == 0.5
    assert lab_safety.below(rule, _lab("lithium", value, "mmol/L", comparator)) is expected


@pytest.mark.parametrize(
    ("value", "comparator", "expected"),
    [
        (0.9, ">", True),
        (0.8, ">", True),
        (0.8, ">=", None),
        (0.7, ">", None),
        (1.0, "<", None),
        (0.7, "<", False),
        (0.9, None, True),
    ],
)
def test_a_bound_is_above_a_line_only_when_it_says_so(
    value: float, comparator: str | None, expected: bool | None
) -> None:
    rule = _rule("lithium-target")
    assert rule.high == 0.8
    assert lab_safety.above(rule, _lab("lithium", value, "mmol/L", comparator)) is expected


def test_a_bound_is_shown_with_its_sign() -> None:
    lab = _lab("egfr", 60, "mL/min/{1.73_m2}", ">")
    assert lab_safety.text(lab).startswith("> 60 ")
