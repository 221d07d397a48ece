"""The second recheck of review 13 (probes m09, m23, m08, m05, m12, m13, m11).

- m09/m11: the latest PHQ-9 (a US Core survey panel, items 1-8 answered, no item 9, no total)
  was named only when a PHQ-9 was due anyway, at info level; now the measurement card leads with
  "PHQ-9 on <date>: item 9 unanswered - ask it today", a warning, whatever the interval.
- m23: lithium 0.9 mmol/L at 79 got no card (the 1.0 line ignored age); the lithium-high-older
  row (0.8 mmol/L at 65 and over, a design line under NICE NG222's 0.4-0.6) gives a warning.
- m08: BDI-II remission is the manual's minimal band, <= 13 (Beck 1996), not <= 12.

Charts: the recheck's probes (CDS Hooks patient-view requests with US Core / Epic-shaped
prefetch, valid R4), copied to tests/services/recheck2_charts/; the controls edit them in place.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.scale_outcomes import scale_outcomes
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent / "recheck2_charts"
MBC = "measurement-based-care"
ITEM9 = "phq9-item9-unanswered"  # the measurement card while item 9 is unanswered
LITHIUM = "running-lithium-level"
Doc = dict[str, Any]


def _chart(prefix: str) -> Doc:
    (path,) = CHARTS.glob(f"{prefix}_*.json")
    doc: Doc = json.loads(path.read_text("utf-8"))
    return doc


_at = Evaluator(AS_OF, hook="patient-view")
_cards = _at.by_topic


# --- m09 / m11: item 9 unanswered on the latest PHQ-9 ----------------------------------------------


def test_m09_item_9_unanswered_is_a_warning_though_no_phq9_is_due() -> None:
    card = _cards(_chart("m09"))[ITEM9]
    assert card["indicator"] == "warning"
    assert card["summary"].startswith("PHQ-9 on 2025-05-28: item 9 unanswered - ask it today")
    assert "Ask item 9 today; if above 0, assess suicide risk." in card["detail"]


def test_m11_beside_a_recent_madrs_the_line_is_a_warning_not_info() -> None:
    card = _cards(_chart("m11"))[ITEM9]
    assert card["indicator"] == "warning"
    assert card["summary"].startswith("PHQ-9 on 2025-05-30: item 9 unanswered - ask it today")


# --- m23: lithium in an older adult ---------------------------------------------------------------


def _lithium_everywhere(doc: Doc, value: float) -> Doc:
    """Every lithium level (LOINC 14334-7) of the chart set to `value`, wherever it sits."""

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            concept = node.get("code")
            codes = (
                [c.get("code") for c in concept.get("coding", [])]
                if isinstance(concept, dict)
                else []
            )
            if node.get("resourceType") == "Observation" and "14334-7" in codes:
                node["valueQuantity"]["value"] = value
                node.pop("interpretation", None)
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(doc["prefetch"])
    return doc


def test_m23_lithium_0_9_at_79_is_a_warning_card() -> None:
    card = _cards(_chart("m23"))[LITHIUM]
    assert card["indicator"] == "warning"
    assert card["summary"].startswith(
        "Lithium 0.9 mmol/L on 2025-05-27 (above the 0.8 limit at 65 and over)"
    )
    assert "NICE advises 0.4-0.6 mmol/L at 65 and over" in card["detail"]  # lab63 wording


def test_m23_lithium_0_7_at_79_gets_no_card() -> None:
    found = _cards(_lithium_everywhere(_chart("m23"), 0.7))
    assert LITHIUM not in found or found[LITHIUM]["indicator"] == "info"  # due only (lith49)


# --- m08: BDI-II remission ------------------------------------------------------------------------


def test_bdi2_remission_is_the_manual_minimal_band() -> None:
    row = scale_outcomes()["BDI-II"]
    assert row.remission_at_most == 13


def test_m08_bdi2_20_to_13_is_remission_so_no_escalation_card() -> None:
    assert "optimize-switch-augment" not in _cards(_chart("m08"))
