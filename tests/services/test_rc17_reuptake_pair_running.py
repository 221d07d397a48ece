"""Review 17 recheck R3 and M10: two serotonin reuptake inhibitors running at chart open, and a
tricyclic drafted over a strong CYP2D6 inhibitor.

- R3 (f06): venlafaxine 225 mg/day since 2025-01-06 and sertraline 100 mg/day since 2025-03-03,
  both active and filled on time. The optimise card speaks: one line at the top of it names both
  courses, the serotonin-syndrome risk and CANMAT's third line, and says the PHQ-9 of 2025-05-23
  was taken on both; its switch list calls sertraline "still running beside venlafaxine:
  failed?", not a finished failed trial. No card of its own beside it.
- Variants: in remission (PHQ-9 3: no optimise card) the pair is a warning card of its own; a
  cross-taper (venlafaxine's order ends within the policy's 4 weeks) and a course whose supply ran
  out a month ago (no fill since 2025-04-02) get no line.
- M10 (f05): clomipramine drafted while fluoxetine runs: beside the reuptake card, an interaction
  card says fluoxetine raises tricyclic levels (CYP2D6; Prozac label 7, Anafranil label).

Charts: the recheck's CDS Hooks requests (RxNorm MedicationRequests and MedicationDispenses, US
Core survey Observations, an ICD-10-CM Condition), copied to tests/services/review17_charts/;
the variants edit them in place.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent / "review17_charts"
OPTIMISE = "optimize-switch-augment"
PAIR = "running-reuptake-pair"
Doc = dict[str, Any]

_chart = chart_files.loader(CHARTS)
_resources = chart_files.prefetch_resources

F06 = "rc17_f06_sertraline_venlafaxine_running"
F05 = "rc17_f05_clomipramine_draft_over_fluoxetine"
VENLAFAXINE_ORDER = "960acb04-2cc0-597e-9a7f-f06f138da601"
SERTRALINE_LATE_FILLS = (
    "a6b11a29-3430-5a79-b2f2-5d54ad4462eb",
    "729e9d43-0e62-54ac-8226-e1a5c2a99806",
)
PHQ9_MAY = "6b7ae501-d2aa-5c2e-accc-46ffdd68fc8e"


_at = Evaluator(AS_OF)
_cards = _at.cards
_by_topic = _at.by_topic


def _said(cards: list[Doc]) -> list[Doc]:
    """The cards that say the pair (summary or detail)."""
    return [c for c in cards if "Two serotonin reuptake inhibitors running" in c["detail"]]


def test_pair_is_one_line_on_the_optimise_card() -> None:
    cards = _by_topic(_chart(F06))
    assert PAIR not in cards  # said once: the optimise card speaks
    detail = cards[OPTIMISE]["detail"]
    assert detail.startswith("**Two serotonin reuptake inhibitors running:**")
    assert "venlafaxine 225 mg/day since 2025-01-06" in detail
    assert "sertraline 100 mg/day since 2025-03-03" in detail
    assert "together since 2025-03-03" in detail
    assert "serotonin-syndrome risk" in detail and "third line, Level 3" in detail
    assert "PHQ-9 16 on 2025-05-23 was taken on both" in detail
    assert len(_said(list(cards.values()))) == 1


def test_switch_list_says_the_failed_course_still_runs() -> None:
    # Its PHQ-9 was taken on both: the combination is named as what failed (audit 17b W1;
    # test_audit17b_combination_classes), never the SSRI alone.
    detail = _by_topic(_chart(F06))[OPTIMISE]["detail"]
    assert "SSRI (sertraline) and SNRI (venlafaxine), together" in detail
    assert "Failed, not proposed: SSRI (sertraline)." not in detail


def test_no_optimise_card_gives_a_warning_card_of_its_own() -> None:
    doc = _chart(F06)
    # The total as Epic writes it (valueQuantity) or as a plain integer: set whichever it has.
    for r in _resources(doc):
        if r.get("id") == PHQ9_MAY:
            if "valueInteger" in r:
                r["valueInteger"] = 3
            else:
                r["valueQuantity"]["value"] = 3
    cards = _by_topic(doc)
    assert OPTIMISE not in cards
    card = cards[PAIR]
    assert card["indicator"] == "warning"
    assert card["summary"].startswith(
        "Venlafaxine 225 mg and sertraline 100 mg both running: two serotonin"
    )
    assert "unfinished switch or third-line combination?" in card["summary"]
    assert "suggestions" not in card or not card["suggestions"]
    assert len(_said(list(cards.values()))) == 1


def test_cross_taper_under_way_gets_no_line() -> None:
    doc = _chart(F06)
    for r in _resources(doc):
        if r.get("id") == VENLAFAXINE_ORDER:
            r["dosageInstruction"][0]["timing"]["repeat"]["boundsPeriod"] = {
                "start": "2025-01-06",
                "end": "2025-06-20",
            }
    cards = _cards(doc)
    assert not _said(cards)
    assert all(c["source"]["topic"]["code"] != PAIR for c in cards)


def test_supply_ran_out_gets_no_line() -> None:
    doc = _chart(F06)
    entries = doc["prefetch"]["medicationDispenses"]["entry"]
    doc["prefetch"]["medicationDispenses"]["entry"] = [
        e for e in entries if e["resource"]["id"] not in SERTRALINE_LATE_FILLS
    ]
    assert not _said(_cards(doc))


def test_tricyclic_drafted_over_fluoxetine_names_cyp2d6() -> None:
    cards = _cards(_chart(F05))
    interaction = [c for c in cards if c["source"]["topic"]["code"] == "order-drug-interaction"]
    assert len(interaction) == 1
    card = interaction[0]
    assert card["summary"].startswith("Clomipramine ordered with fluoxetine running")
    assert "CYP2D6" in card["summary"]
    assert "tricyclic level" in card["detail"] and "Prozac label 7" in card["detail"]
    # The two-reuptake-inhibitors card stays.
    assert any("two serotonin reuptake inhibitors" in c["summary"] for c in cards)
