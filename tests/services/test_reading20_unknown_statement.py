"""Fix 20 item 1: a MedicationStatement `unknown` is a drug to confirm, not a drug not taken.

FHIR R4 `unknown`: "the state of the medication use is not currently known". Chart u01 (an
escitalopram order filled monthly, and a patient-reported phenelzine statement `unknown`; Epic /
US Core shaped, every prefetch key) said nothing of the MAOI with the SSRI: phenelzine was one
assumed 30-day course ("duration not recorded") that ended two days before as-of, so only a
washout line on the switch card remained. If the patient does take it, that is the combination
most likely to harm them. Now (fhir_mapping/status_to_confirm.py, services/taken_to_confirm.py)
the record is no course (no trial, no outcome), its drug "may be running" for every check that
asks what runs, and the card names the record to confirm. Its `active` twin is unchanged: there
phenelzine is running, said as a fact.

Charts: tests/services/reading20_charts/u01_*.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.record import PatientRecord
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
Doc = dict[str, Any]

_chart = chart_files.loader(Path(__file__).parent / "reading20_charts")
UNKNOWN = "u01_phenelzine_statement_unknown_on_escitalopram"
ACTIVE = "u01_phenelzine_statement_active_on_escitalopram"


_at = Evaluator(AS_OF)


def _evaluate(name: str) -> tuple[dict[str, Doc], PatientRecord]:
    return _at.by_topic_and_record(_chart(name))


def _statement_id(name: str) -> str:
    (found,) = [
        r["id"]
        for r in chart_files.prefetch_resources(_chart(name))
        if r["resourceType"] == "MedicationStatement"
    ]
    return str(found)


def test_an_unknown_phenelzine_statement_raises_the_maoi_card_as_may_be_running() -> None:
    # Before: no maoi-combination card; phenelzine an inadequate trial ("duration not
    # recorded") on the adherence card.
    cards, record = _evaluate(UNKNOWN)
    card = cards["maoi-combination"]
    assert card["indicator"] == "critical"
    assert card["summary"].startswith("Phenelzine (MAOI) may be running with escitalopram")
    assert (
        "**Drug to confirm:** the statement, status unknown, "
        "recorded 2025-05-26: confirm whether the patient takes it; checked as taken."
    ) in card["detail"]
    assert "phenelzine (MAOI) running since" not in card["detail"]


def test_an_unknown_statement_is_no_trial_and_no_outcome() -> None:
    cards, record = _evaluate(UNKNOWN)
    assert [t.ingredient for t in record.trials] == ["sertraline", "escitalopram"]
    assert "phenelzine" not in cards.get("adherence-review", {}).get("summary", "")
    washout = cards["optimize-switch-augment"]["detail"]
    assert "phenelzine (an MAOI) may be running: at least 14 days off it" in washout


def test_the_active_twin_still_says_phenelzine_is_running() -> None:
    cards, record = _evaluate(ACTIVE)
    card = cards["maoi-combination"]
    assert card["summary"].startswith("Phenelzine (MAOI) and escitalopram both running")
    assert "**Drug to confirm:**" not in card["detail"]
    assert "phenelzine" in [t.ingredient for t in record.trials]
