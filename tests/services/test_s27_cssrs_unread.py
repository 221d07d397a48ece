"""Review s27 RF finding 2 (UNSAFE): a C-SSRS risk level filed under the panel code 93373-9, or
under an Epic local code, was silently unread. "High Risk" as the panel's valueString (40), as a
locally coded answer on the panel (40b), or under an Epic flowsheet row "C-SSRS Risk Level" (40c)
raised no suicide-risk card and no "could not be read" line, and the optimise card kept its
one-click adjuncts; the same value under 93374-7 (44) raised the critical card.

Now (fhir_mapping/suicide_screen.py, "A valued panel"): a panel value that names a risk level is
the day's documented level, as under 93374-7; any other panel value, and a row under a code not
known whose words name the C-SSRS (data/screen_item_terms.csv), is an unread C-SSRS result: the
suicide-risk card's UNREAD warning ("check it in the chart"), the drug proposals held, the TMS
referral waiting for the check (unless the value clearly says no risk: "No", "Low Risk",
"Negative": test_s27_cssrs_quiet.py). A later PHQ-9 item 9 = 0 does not clear an unread C-SSRS result
(only an assessment does), as it closes no readable high level either.

Charts: tests/services/s27_cssrs_unread_charts/ (the RF probes: tests/fixtures/patients/
trd_meets_tms.request.json plus one C-SSRS reading on 2025-06-10, every prefetch key), evaluated
as of 2025-06-15.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.suicide_screen import SuicideScreen
from services.risk_wording import screen_text
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic, drug_orders, labels

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
RISK = "suicide-risk"
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"
HIGH = (
    "C-SSRS: risk level high on 2025-06-10: high suicide risk, same-day psychiatric evaluation "
    "and safety plan"
)
UNREAD = (
    "C-SSRS result on 2025-06-10 could not be read: check it in the chart; if it is moderate or "
    "high risk, or a yes, assess suicide risk today"
)
CHARTS = [
    "40_cssrs_panel_string_high",
    "40b_cssrs_panel_cc_high",
    "40c_cssrs_epic_local_risk",
    "44_risk_level_93374_string",
]

_chart = chart_files.loader(Path(__file__).parent / "s27_cssrs_unread_charts")
_at = Evaluator(date(2025, 6, 15))


def _reading(doc: Doc) -> Doc:
    """The chart's C-SSRS Observation of 2025-06-10."""
    found: Doc = next(
        r
        for r in chart_files.prefetch_resources(doc)
        if r["resourceType"] == "Observation"
        and str(r.get("effectiveDateTime", "")).startswith("2025-06-10")
    )
    return found


@pytest.mark.parametrize("name", CHARTS)
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    chart_files.check_chart(_chart(name))


@pytest.mark.parametrize(
    "name", ["40_cssrs_panel_string_high", "40b_cssrs_panel_cc_high", "44_risk_level_93374_string"]
)
def test_a_high_level_on_the_panel_reads_as_under_93374_7(name: str) -> None:
    cards = _at.by_topic(_chart(name))
    assert cards[RISK]["indicator"] == "critical"
    assert cards[RISK]["summary"] == HIGH  # no "(+-1 more)" after a level alone
    assert TMS not in cards  # an acute signal removes the TMS card
    assert drug_orders(cards[OPTIMISE]) == []
    assert "suicide risk assessment first" in cards[OPTIMISE]["summary"]


def test_a_local_cssrs_row_is_an_unread_result_that_holds_the_drug_proposals() -> None:
    cards = _at.by_topic(_chart("40c_cssrs_epic_local_risk"))
    risk = cards[RISK]
    assert risk["indicator"] == "warning"
    assert risk["summary"] == UNREAD
    assert "(high risk: same-day psychiatric evaluation and a safety plan)" in risk["detail"]
    assert "Observation/a02b16f0-37d5-50ae-83dc-fbaa6b033719" in risk["detail"]
    assert "named C-SSRS but coded with codes this service does not know" in risk["detail"]
    # Only an assessment clears it: no "readable PHQ-9 item 9" in what makes the card go.
    assert "readable PHQ-9 item 9" not in risk["detail"]
    assert drug_orders(cards[OPTIMISE]) == []
    assert "check C-SSRS (not read) first" in cards[OPTIMISE]["summary"]
    assert "check C-SSRS first" in cards[TMS]["summary"]
    assert "check item 9" not in cards[TMS]["summary"]
    assert "Refer for TMS evaluation" not in labels(cards[TMS])


@pytest.mark.parametrize("value", [{"valueString": "Positive"}, {"valueInteger": 4}])
def test_a_panel_value_that_names_no_level_is_an_unread_result(value: Doc) -> None:
    doc = _chart("40_cssrs_panel_string_high")
    reading = _reading(doc)
    del reading["valueString"]
    reading.update(value)
    cards = _at.by_topic(doc)
    assert cards[RISK]["indicator"] == "warning"
    assert cards[RISK]["summary"] == UNREAD
    assert (
        "C-SSRS screener result (the panel's own value) could not be read"
        in (cards[RISK]["detail"])
    )
    assert drug_orders(cards[OPTIMISE]) == []


def test_a_panel_without_a_value_stays_silent() -> None:
    doc = _chart("40_cssrs_panel_string_high")
    del _reading(doc)["valueString"]
    cards = _at.by_topic(doc)
    assert RISK not in cards
    assert drug_orders(cards[OPTIMISE])  # nothing to hold


def test_a_low_level_on_the_panel_is_a_documented_level_not_a_signal() -> None:
    doc = _chart("40_cssrs_panel_string_high")
    _reading(doc)["valueString"] = "Low Risk"
    cards = _at.by_topic(doc)
    assert RISK not in cards
    assert drug_orders(cards[OPTIMISE])


def test_a_later_phq9_item9_of_0_does_not_clear_an_unread_cssrs_result() -> None:
    """A readable PHQ-9 after the day clears an unread item 9 answer; a C-SSRS risk level is an
    assessment, which a re-screen does not replace."""
    doc = _chart("40c_cssrs_epic_local_risk")
    cards = _at.by_topic(doc, as_of=date(2025, 6, 20))
    assert cards[RISK]["summary"] == UNREAD
    item9 = next(
        r
        for r in chart_files.prefetch_resources(doc)
        if r["resourceType"] == "Observation"
        and any(c.get("code") == "44260-8" for c in r["code"].get("coding", []))
    )
    later = {**item9, "id": "item9-later", "effectiveDateTime": "2025-06-12", "valueInteger": 0}
    later.pop("valueCodeableConcept", None)
    later.pop("valueQuantity", None)
    doc["prefetch"]["observations"]["entry"].append({"resource": later})
    cards = _at.by_topic(doc, as_of=date(2025, 6, 20))
    assert cards[RISK]["summary"] == UNREAD


def test_an_assessment_the_same_day_clears_an_unread_cssrs_result() -> None:
    doc = _chart("40c_cssrs_epic_local_risk")
    level = _reading(_chart("44_risk_level_93374_string"))
    level = {**level, "id": "level-low", "valueString": "Low"}
    doc["prefetch"]["observations"]["entry"].append({"resource": level})
    cards = _at.by_topic(doc)
    assert RISK not in cards  # a documented low level the same day: assessed, nothing current
    assert drug_orders(cards[OPTIMISE])


def test_a_level_alone_is_worded_without_a_negative_count() -> None:
    screen = SuicideScreen(date(2025, 6, 10), True, (), (), (), True, "high")
    assert screen_text(screen)[1] == "C-SSRS: risk level high"


def test_without_its_reading_the_chart_raises_no_risk_card() -> None:
    """The base chart (trd_meets_tms) raises none: the card above is the reading's own."""
    doc = _chart("40c_cssrs_epic_local_risk")
    entries = doc["prefetch"]["observations"]["entry"]
    doc["prefetch"]["observations"]["entry"] = [
        e for e in entries if e["resource"]["id"] != _reading(doc)["id"]
    ]
    cards = by_topic(_at.cards(doc))
    assert RISK not in cards
