"""lab_values._interpretation_codes reads one concept of one flag-system coding without its loop
(issue 14, perf52): the same codes as the loop for that shape and for every shape beside it."""

from __future__ import annotations

from typing import Any

import pytest

from fhir_mapping.lab_values import _interpretation_codes, _interpretation_flag

V3 = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
V2 = "http://terminology.hl7.org/CodeSystem/v2-0078"
LOCAL = "urn:oid:1.2.840.114350.1.13.0.1.7.4.698084.10350"


def _one(coding: Any) -> dict[str, Any]:
    return {"resourceType": "Observation", "interpretation": [{"coding": [coding]}]}


@pytest.mark.parametrize(
    ("resource", "codes", "flag"),
    [
        (_one({"system": V3, "code": "N", "display": "Normal"}), ["N"], "normal"),
        (_one({"system": V2, "code": " H ", "display": "High"}), ["H"], "high"),
        (_one({"system": V3, "code": "LL"}), ["LL"], "low"),
        # Not the one-coding shape the shortcut reads: the loop's answers, as before.
        (_one({"code": "H"}), ["H"], "high"),  # no system: a bare flag
        (_one({"system": V3, "code": "  ", "display": "Critical Low"}), ["", "LL"], "low"),
        (_one({"system": LOCAL, "code": "4", "display": "Critical Low"}), ["4", "LL"], "low"),
        (_one({"system": ["x"], "code": "H"}), ["H"], "high"),  # a system not a string
        (_one({"system": V3, "code": 7}), [], None),
        (
            {"interpretation": [{"coding": [{"system": V3, "code": "A"}, {"code": "H"}]}]},
            ["A", "H"],
            "high",
        ),
        ({"interpretation": {"coding": [{"system": V3, "code": "L"}]}}, ["L"], "low"),  # STU3
        ({"interpretation": [{"text": "High"}]}, ["H"], "high"),
    ],
)
def test_codes_and_flag(resource: dict[str, Any], codes: list[str], flag: str | None) -> None:
    assert _interpretation_codes(resource) == codes
    assert _interpretation_flag(resource) == flag
