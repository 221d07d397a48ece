"""Fix 20 W1: at chart open, a serotonin reuptake inhibitor that may be running counts beside a
running course, as it does at an order (order_checks/duplicate_maybe.py).

Before: a fluoxetine MedicationStatement `unknown` (or undated active, or coded escitalopram
and named fluoxetine) beside a running, filled sertraline course got no line at chart open: the
pair rule (rules/running_reuptake_pair.py) read only the courses. Now
(rules/running_reuptake_maybe.py) the line "Two SSRIs if both are taken" goes on the optimise
card when it speaks, else on a warning card of the pair's topic, with the drug-to-confirm line
once; nothing when the sertraline course is not filled through today (the pair rule's guard).

Charts: tests/services/chart_open_maybe_charts/ (the recheck-17 f06 chart, review17_charts/,
with its venlafaxine order and fills removed and the statement of maybe_running_charts/m01, m03
or m04 added; Epic / US Core shaped, every prefetch key).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from services import catalog
from services.card_format import SUMMARY_MAX
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
Doc = dict[str, Any]
_DIR = Path(__file__).parent / "chart_open_maybe_charts"
_chart = chart_files.loader(_DIR)
_by_topic = Evaluator(AS_OF).by_topic
OPTIMISE = "optimize-switch-augment"
PAIR = "running-reuptake-pair"
UNKNOWN = "p01_sertraline_running_fluoxetine_statement_unknown"
UNDATED = "p02_sertraline_running_fluoxetine_statement_active_undated"
CONFLICT = "p03_sertraline_running_statement_coded_escitalopram_named_fluoxetine"
SERTRALINE_ORDER = "91db3477-c56b-5642-ab88-09c0fd18bf5e"
PHQ9_MAY = "6b7ae501-d2aa-5c2e-accc-46ffdd68fc8e"
SERTRALINE_LATE_FILLS = (
    "a6b11a29-3430-5a79-b2f2-5d54ad4462eb",
    "729e9d43-0e62-54ac-8226-e1a5c2a99806",
)


def _statement(doc: Doc) -> str:
    (entry,) = doc["prefetch"]["medicationStatements"]["entry"]
    return f"MedicationStatement/{entry['resource']['id']}"


def _said(cards: dict[str, Doc]) -> list[str]:
    return [code for code, c in cards.items() if "inhibit serotonin reuptake" in c["detail"]]


@pytest.mark.parametrize("path", sorted(_DIR.glob("*.json")), ids=lambda p: p.stem)
def test_the_charts_are_valid_r4b_with_every_prefetch_key(path: Path) -> None:
    doc = _chart(path.stem)
    (service,) = [s for s in catalog.services() if s.hook == "patient-view"]
    expected = {key for key, _ in service.prefetch}
    assert doc["hook"] == "patient-view"
    assert {"encounters", "labsSI"} <= set(doc["prefetch"]) == expected
    for resource in chart_files.prefetch_resources(doc):
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def test_an_unknown_fluoxetine_statement_is_a_line_on_the_optimise_card() -> None:
    doc = _chart(UNKNOWN)
    cards = _by_topic(doc)
    assert PAIR not in cards  # said once: the optimise card speaks
    detail = cards[OPTIMISE]["detail"]
    confirm = (
        # Named as the data-not-read list names it, its day said once (session 21 F4 item 2).
        "**Drug to confirm:** the statement, status unknown, recorded 2025-05-26: confirm "
        "whether the patient takes it; checked as taken."
    )
    assert detail.startswith(confirm)
    assert detail.count(confirm) == 1
    assert (
        "**Two SSRIs if both are taken:** sertraline 100 mg/day since 2025-03-03 (SSRI; " in detail
    )
    assert "fluoxetine (SSRI; the statement of 2025-05-26; no course read" in detail
    assert _statement(doc) not in detail
    assert ") may be running. Both inhibit serotonin reuptake" in detail
    assert "serotonin-syndrome risk" in detail and "third line, Level 3" in detail
    assert "Confirm whether the patient takes fluoxetine" in detail
    assert _said(cards) == [OPTIMISE]


def test_without_an_optimise_card_it_is_a_warning_card_of_its_own() -> None:
    doc = _chart(UNKNOWN)
    for r in chart_files.prefetch_resources(doc):
        if r.get("id") == PHQ9_MAY:  # remission: the optimise card does not speak
            if "valueInteger" in r:
                r["valueInteger"] = 3
            else:
                r["valueQuantity"]["value"] = 3
    cards = _by_topic(doc)
    assert OPTIMISE not in cards
    card = cards[PAIR]
    assert card["indicator"] == "warning"
    assert card["summary"] == (
        "Sertraline running; fluoxetine may be running (status unknown, recorded 2025-05-26): "
        "two SSRIs if both are taken: confirm"
    )
    assert len(card["summary"]) <= SUMMARY_MAX
    assert card["detail"].count("**Drug to confirm:**") == 1
    assert "suggestions" not in card or not card["suggestions"]
    assert _said(cards) == [PAIR]


def test_an_undated_active_statement_is_running_with_nothing_to_confirm() -> None:
    detail = _by_topic(_chart(UNDATED))[OPTIMISE]["detail"]
    assert detail.startswith("**Two SSRIs running (fluoxetine: dates not read):** sertraline")
    assert "**Drug to confirm:**" not in detail
    assert "may be running" not in detail


def test_a_record_read_as_two_ssris_is_one_drug_to_confirm() -> None:
    doc = _chart(CONFLICT)
    detail = _by_topic(doc)[OPTIMISE]["detail"]
    assert detail.count("**Drug to confirm:**") == 1
    assert "escitalopram or fluoxetine (SSRI; the statement of 2025-05-26; " in detail
    assert _statement(doc) not in detail
    assert "Confirm whether the patient takes escitalopram or fluoxetine" in detail


@pytest.mark.parametrize("name", [UNKNOWN, UNDATED, CONFLICT])
def test_no_line_when_the_sertraline_supply_ran_out(name: str) -> None:
    # The pair rule's guard: a course not filled through today is no running course.
    doc = _chart(name)
    entries = doc["prefetch"]["medicationDispenses"]["entry"]
    doc["prefetch"]["medicationDispenses"]["entry"] = [
        e for e in entries if e["resource"]["id"] not in SERTRALINE_LATE_FILLS
    ]
    assert not _said(_by_topic(doc))


def test_no_line_while_the_sertraline_order_ends_in_a_cross_taper() -> None:
    # A course whose order ends within the policy's cross-taper window is a switch under way,
    # as for two courses (Trial.ends_soon).
    doc = _chart(UNKNOWN)
    for r in chart_files.prefetch_resources(doc):
        if r.get("id") == SERTRALINE_ORDER:
            r["dosageInstruction"][0]["timing"]["repeat"]["boundsPeriod"] = {
                "start": "2025-03-03",
                "end": "2025-06-20",
            }
    assert not _said(_by_topic(doc))
