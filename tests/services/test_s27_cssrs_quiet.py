"""The unread C-SSRS warning made precise (review s27 RF finding 2 follow-up, cssrsquiet).

The fix of finding 2 raised "C-SSRS result on DATE could not be read: check it in the chart"
for a row under a site's local code whose words name the C-SSRS WHATEVER its value, "No" and
"Low Risk" included. Epic sites file every C-SSRS question and the risk level as local flowsheet
rows (../shared/fhir/vendor/README.md trap 8), so every screened patient would carry the warning.

Now (fhir_mapping/suicide_screen_answers.says_no_risk): a value that clearly says no risk (a no
as text, LOINC LA32-8, SNOMED 373067005 or false; a low level; "Negative", "None", "No risk",
"Denies": data/suicide_screen_answers.csv `no-risk`) raises nothing, and is no assessment either
(it closes no earlier item 9 signal). A yes, a moderate or high level, a number, "Positive" or
other text stays the unread warning: any of them may be a positive screen. The same for the
93373-9 panel's own value: "Negative" / "No" is no unread gap, "Positive" stays one.

Charts: tests/services/s27_cssrs_unread_charts/ 40d (Q1 "No"), 40e ("C-SSRS Risk Level" = "Low
Risk"), 40f ("C-SSRS Screen Result" = "Positive"), 40g (Q1, Q2 "No", Q6 false, level locally
coded "High Risk"), 40h (the same rows all negative, level "No risk"): 40c's chart with its
reading replaced, every prefetch key, evaluated as of 2025-06-15.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator, drug_orders

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
RISK = "suicide-risk"
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"
UNREAD = (
    "C-SSRS result on 2025-06-10 could not be read: check it in the chart; if it is moderate or "
    "high risk, or a yes, assess suicide risk today"
)
QUIET = [
    "40d_cssrs_epic_local_no",
    "40e_cssrs_epic_local_low_risk",
    "40h_cssrs_epic_local_rows_negative",
]
WARNED = ["40f_cssrs_epic_local_positive", "40g_cssrs_epic_local_rows_high"]
NOT_READ = "named C-SSRS but coded with codes this service does not know"

_chart = chart_files.loader(Path(__file__).parent / "s27_cssrs_unread_charts")
_at = Evaluator(date(2025, 6, 15))


def _rows(doc: Doc) -> list[Doc]:
    """The chart's C-SSRS rows of 2025-06-10."""
    return [
        r
        for r in chart_files.prefetch_resources(doc)
        if r["resourceType"] == "Observation"
        and str(r.get("effectiveDateTime", "")).startswith("2025-06-10")
    ]


def _valued(name: str, value: Doc) -> Doc:
    """Chart `name` with its one C-SSRS row valued `value`."""
    doc = _chart(name)
    (row,) = _rows(doc)
    for key in [k for k in row if k.startswith("value")]:
        del row[key]
    row.update(value)
    return doc


def _texts(cards: dict[str, Doc]) -> str:
    return "\n".join(f"{c['summary']}\n{c.get('detail', '')}" for c in cards.values())


@pytest.mark.parametrize("name", QUIET + WARNED)
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    chart_files.check_chart(_chart(name))


@pytest.mark.parametrize("name", QUIET)
def test_a_local_cssrs_row_that_says_no_risk_raises_nothing(name: str) -> None:
    cards = _at.by_topic(_chart(name))
    assert RISK not in cards
    assert drug_orders(cards[OPTIMISE])  # nothing to hold
    assert "check C-SSRS" not in cards[TMS]["summary"]
    assert "Refer for TMS evaluation" in str(cards[TMS])
    texts = _texts(cards)
    assert NOT_READ not in texts  # no "Data not read" line either
    assert "C-SSRS" not in texts


@pytest.mark.parametrize("name", WARNED)
def test_a_local_cssrs_row_that_may_be_positive_keeps_the_unread_warning(name: str) -> None:
    cards = _at.by_topic(_chart(name))
    risk = cards[RISK]
    assert risk["indicator"] == "warning"
    assert risk["summary"] == UNREAD
    assert drug_orders(cards[OPTIMISE]) == []
    assert "check C-SSRS first" in cards[TMS]["summary"]


def test_beside_negative_rows_only_the_high_level_is_unread() -> None:
    doc = _chart("40g_cssrs_epic_local_rows_high")
    detail = _at.by_topic(doc)[RISK]["detail"]
    level, *answers = sorted(_rows(doc), key=lambda r: r["code"]["text"] != "C-SSRS Risk Level")
    assert f"Observation/{level['id']}" in detail
    for answer in answers:  # the "No" answers and the false are not listed as unread
        assert f"Observation/{answer['id']}" not in detail


@pytest.mark.parametrize(
    "value",
    [
        {"valueString": "Negative"},
        {"valueString": "None"},
        {"valueString": "No risk"},
        {"valueString": "denies."},
        # Review s27 RQ2 finding 2: flowsheet wordings that warned.
        {"valueString": "N"},
        {"valueString": "No Risk Identified"},
        {"valueString": "Low"},
        {"valueBoolean": False},
        {"valueCodeableConcept": {"coding": [{"system": "http://loinc.org", "code": "LA32-8"}]}},
        {
            "valueCodeableConcept": {
                "coding": [{"system": "http://snomed.info/sct", "code": "373067005"}]
            }
        },
    ],
)
def test_every_clearly_negative_value_is_quiet(value: Doc) -> None:
    cards = _at.by_topic(_valued("40d_cssrs_epic_local_no", value))
    assert RISK not in cards
    assert drug_orders(cards[OPTIMISE])


@pytest.mark.parametrize(
    "value",
    [
        {"valueString": "Yes"},
        {"valueString": "Moderate Risk"},
        {"valueString": "Low to moderate risk"},  # the highest level named counts
        {"valueString": "High"},
        {"valueString": "Positive"},
        {"valueString": "Not assessed"},  # free text: not clearly negative
        {"valueInteger": 0},  # a number: whose scale is not known
        {"valueBoolean": True},
        {"valueCodeableConcept": {"coding": [{"system": "http://loinc.org", "code": "LA33-6"}]}},
    ],
)
def test_every_value_not_clearly_negative_keeps_the_warning(value: Doc) -> None:
    cards = _at.by_topic(_valued("40d_cssrs_epic_local_no", value))
    assert cards[RISK]["summary"] == UNREAD
    assert drug_orders(cards[OPTIMISE]) == []


def test_a_negative_local_row_does_not_close_an_earlier_item9_signal() -> None:
    """Item 9 = 2 on 2025-05-12: the negative C-SSRS rows of 2025-06-10 are under codes not
    known, so they are no documented assessment and the item 9 card stands as without them."""

    def with_item9(doc: Doc) -> Doc:
        item9 = next(
            r
            for r in doc["prefetch"]["observations"]["entry"]
            for r in [r["resource"]]
            if any(c.get("code") == "44260-8" for c in r["code"].get("coding", []))
            and r["effectiveDateTime"].startswith("2025-05-12")
        )
        item9["valueInteger"] = 2
        return doc

    negative = with_item9(_chart("40h_cssrs_epic_local_rows_negative"))
    without = with_item9(_chart("40h_cssrs_epic_local_rows_negative"))
    ids = {r["id"] for r in _rows(without)}
    entries = without["prefetch"]["observations"]["entry"]
    without["prefetch"]["observations"]["entry"] = [
        e for e in entries if e["resource"]["id"] not in ids
    ]
    expected = _at.by_topic(without)[RISK]
    risk = _at.by_topic(negative)[RISK]
    assert "item 9" in risk["summary"]
    assert (risk["indicator"], risk["summary"]) == (expected["indicator"], expected["summary"])


@pytest.mark.parametrize("value", ["Negative", "No"])
def test_a_negative_panel_value_is_no_unread_gap(value: str) -> None:
    doc = _chart("40_cssrs_panel_string_high")
    (row,) = _rows(doc)
    row["valueString"] = value
    cards = _at.by_topic(doc)
    assert RISK not in cards
    assert drug_orders(cards[OPTIMISE])
    assert "could not be read" not in _texts(cards)
