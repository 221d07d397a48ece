"""Review s27 RA finding 1: a reuptake inhibitor the record says is taken now counts in the
chart-open pair.

- Finding 1 (UNSAFE): sertraline 100 mg daily since 2026-10-01 on an `active`
  MedicationStatement (the patient's report, r01; a practitioner's, r02) beside venlafaxine
  225 mg ordered and filled got no "two serotonin reuptake inhibitors" line and the optimise card
  offered aripiprazole and brexpiprazole one click, while the same sertraline as an order with
  fills (r03, the control) got the line and held them: rules/running_reuptake_pair.py counted a
  course running only with a fill. Now a course a statement or the patient's report says is
  taken, with no fill, is running for the pair, worded "reported taken"; the adjuncts are held
  as for the prescribed pair. A listing nothing has confirmed for a year (Trial.listed) is not.

Charts: tests/services/s27_reported_running_charts/, the reviewer's scratch charts (US Core
shaped RxNorm MedicationRequest, MedicationDispense and MedicationStatement, LOINC PHQ-9), with
the labsSI key added so every prefetch key is sent.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services.card_format import SUMMARY_MAX
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
_DIR = Path(__file__).parent / "s27_reported_running_charts"
_chart = chart_files.loader(_DIR)
_at = Evaluator(AS_OF)
OPTIMISE = "optimize-switch-augment"
PAIR = "running-reuptake-pair"
PATIENT = "r01_sertraline_reported_by_patient_beside_filled_venlafaxine"
PRACTITIONER = "r02_sertraline_statement_by_practitioner_beside_filled_venlafaxine"
CONTROL = "r03_control_sertraline_ordered_and_filled_beside_venlafaxine"
PHQ9_NOVEMBER = "08e29765-397e-51e4-8e6a-8e631b7521f9"
SERTRALINE = "st-sert-now"
PAIR_LINE = "**Two serotonin reuptake inhibitors running:**"
HELD = "**Not one click while both run:** Propose adjunctive aripiprazole"


def _resource(doc: Doc, rid: str) -> Doc:
    (found,) = [r for r in chart_files.prefetch_resources(doc) if r.get("id") == rid]
    return found


def _suggestions(card: Doc) -> list[str]:
    return [s["label"] for s in card.get("suggestions") or []]


def _said(cards: dict[str, Doc]) -> list[str]:
    return [code for code, c in cards.items() if "inhibit serotonin reuptake" in c["detail"]]


@pytest.mark.parametrize("path", sorted(_DIR.glob("*.json")), ids=lambda p: p.stem)
def test_the_charts_send_every_prefetch_key_as_valid_r4b(path: Path) -> None:
    chart_files.check_chart(_chart(path.stem))


def test_sertraline_the_patient_reports_taking_pairs_with_filled_venlafaxine() -> None:
    cards = _at.by_topic(_chart(PATIENT))
    assert PAIR not in cards  # said once: the optimise card speaks
    card = cards[OPTIMISE]
    detail = card["detail"]
    assert detail.startswith(PAIR_LINE)
    assert "venlafaxine 225 mg/day since 2026-07-08 (SNRI; refills on time (PDC 100 %))" in detail
    assert (
        "sertraline 100 mg/day since 2026-10-01 (SSRI; reported taken by the patient, no order "
        "or fill on record)"
    ) in detail
    assert "together since 2026-10-01" in detail and "serotonin-syndrome risk" in detail
    # Before: aripiprazole and brexpiprazole were one click beside the two drugs.
    assert _suggestions(card) == []
    assert HELD in detail
    assert "reuptake inhibitor" in card["summary"]
    assert _said(cards) == [OPTIMISE]


def test_a_practitioner_statement_is_reported_taken_too() -> None:
    card = _at.by_topic(_chart(PRACTITIONER))[OPTIMISE]
    assert card["detail"].startswith(PAIR_LINE)
    assert (
        "sertraline 100 mg/day since 2026-10-01 (SSRI; reported taken (medication statement), "
        "no fill on record)"
    ) in card["detail"]
    assert _suggestions(card) == []


def test_the_prescribed_control_is_unchanged() -> None:
    card = _at.by_topic(_chart(CONTROL))[OPTIMISE]
    assert card["detail"].startswith(PAIR_LINE)
    assert "sertraline 100 mg/day since 2026-10-01 (SSRI; refills on time" in card["detail"]
    assert "reported taken" not in card["detail"]
    assert _suggestions(card) == []


def test_in_remission_the_reported_pair_is_a_warning_card_of_its_own() -> None:
    doc = _chart(PATIENT)
    _resource(doc, PHQ9_NOVEMBER)["valueQuantity"]["value"] = 3
    cards = _at.by_topic(doc)
    assert OPTIMISE not in cards
    card = cards[PAIR]
    assert card["indicator"] == "warning"
    # The doses do not fit the summary beside the question; the names do.
    assert card["summary"] == (
        "Venlafaxine running and sertraline reported taken: two serotonin reuptake inhibitors - "
        "unfinished switch or third-line combination?"
    )
    assert len(card["summary"]) <= SUMMARY_MAX
    assert _suggestions(card) == []
    assert _said(cards) == [PAIR]


def test_a_listing_nothing_confirmed_for_a_year_makes_no_pair() -> None:
    doc = _chart(PATIENT)
    statement = _resource(doc, SERTRALINE)
    statement["effectivePeriod"] = {"start": "2024-09-01"}
    statement["dateAsserted"] = "2024-09-01T09:30:00-05:00"
    cards = _at.by_topic(doc)
    assert not _said(cards)


def test_a_statement_on_hold_is_not_taken_now() -> None:
    doc = _chart(PATIENT)
    _resource(doc, SERTRALINE)["status"] = "on-hold"
    assert not _said(_at.by_topic(doc))


def test_a_dose_not_read_is_said_so_never_unknown_mg() -> None:
    # The reviewer's v15: an ingredient-only code and "1 tab daily".
    doc = _chart(PATIENT)
    statement = _resource(doc, SERTRALINE)
    statement["medicationCodeableConcept"] = {
        "coding": [
            {
                "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                "code": "36437",
                "display": "sertraline",
            }
        ],
        "text": "sertraline",
    }
    statement["dosage"] = [{"text": "1 tab daily"}]
    cards = _at.by_topic(doc)
    (said,) = _said(cards)
    detail = cards[said]["detail"]
    assert "sertraline (dose not read) since 2026-10-01 (SSRI; reported taken by the" in detail
    assert "unknown mg" not in detail
