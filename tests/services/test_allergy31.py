"""Fix allergy31 (s30): a reaction recorded while its drug runs (review K20b finding al2, UNSAFE).

Sertraline 100 mg/day running since 2026-10-15; an AllergyIntolerance of sertraline, active,
confirmed, criticality high, "Serotonin syndrome" (severe), recorded 2026-11-20 while the course
runs. Before: an order-sign draft of 150 mg/day answered no card (a running course was read as a
renewal the EHR's own allergy check covers), and patient-view named the entry only inside the
optimise card's detail ("Not tolerated, never proposed: sertraline"). Now
(services/running_reactions.py):

a. order-sign of a raise or a renewal: a critical order-not-tolerated card naming the reaction,
   its date and the running dose (a1, a3: criticality low but the reaction's severity severe);
   patient-view: a critical running-drug-allergy card (a2).
b. a mild typed intolerance (nausea, criticality low): no card on a renewal (b1) nor at chart
   open (b3), today's behaviour; a warning on a raise (b2).
c. an allergy that is not severe (rash, criticality low): a warning at order-sign (c1) and at
   chart open (c2).
d. an entry entered resolved, refuted or inactive: nothing new (d1-d3).

Charts: tests/services/allergy31_charts/ (all 19 prefetch keys), built from K20b's chart.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files
from tests.services.helpers import Doc, Evaluator

pytestmark = pytest.mark.real_drug_table

DIR = Path(__file__).parent / "allergy31_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_at = Evaluator(date(2026, 12, 1))
NOT_TOLERATED = "order-not-tolerated"
RUNNING = "running-drug-allergy"


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_an_ehr_chart(name: str) -> None:
    chart_files.check_chart(_chart(name))


def _of(name: str, topic: str) -> list[Doc]:
    card = _at.by_topic(_chart(name)).get(topic)
    return [card] if card is not None else []


# --- a: a severe reaction recorded while running ----------------------------------------------


def test_a_raise_after_serotonin_syndrome_recorded_while_running_is_critical() -> None:
    (card,) = _of("a1_serotonin_syndrome_while_running_draft_150", NOT_TOLERATED)
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Sertraline 150 mg/day ordered: serotonin syndrome recorded 2026-11-20 while on "
        "sertraline 100 mg/day: review before continuing"
    )
    assert "raised to 150 mg/day on this order" in card["detail"]
    assert "a higher dose adds to it" in card["detail"]


def test_the_patient_view_names_the_running_drug_and_its_reaction() -> None:
    cards = _at.cards(_chart("a2_serotonin_syndrome_while_running_patient_view"))
    (card,) = _of("a2_serotonin_syndrome_while_running_patient_view", RUNNING)
    assert card["indicator"] == "critical"
    assert card["summary"].startswith(
        "Sertraline 100 mg/day running: serotonin syndrome recorded 2026-11-20 while on it"
    )
    assert "sertraline 100 mg/day since 2026-10-15" in card["detail"]
    assert cards[0]["summary"] == card["summary"]  # critical leads the screen


def test_a_renewal_is_critical_when_the_reaction_was_severe_whatever_the_criticality() -> None:
    (card,) = _of("a3_serotonin_syndrome_severity_only_draft_100_renewal", NOT_TOLERATED)
    assert card["indicator"] == "critical"
    assert "renewed on this order" in card["detail"]


# --- b: a mild typed intolerance --------------------------------------------------------------


def test_a_mild_intolerance_adds_no_card_to_a_renewal_nor_at_chart_open() -> None:
    assert not _of("b1_nausea_intolerance_while_running_draft_100_renewal", NOT_TOLERATED)
    assert not _of("b3_nausea_intolerance_while_running_patient_view", RUNNING)
    cards = _at.cards(_chart("b3_nausea_intolerance_while_running_patient_view"))
    assert all(c["indicator"] != "critical" for c in cards)


def test_a_raise_after_a_mild_intolerance_is_a_warning() -> None:
    (card,) = _of("b2_nausea_intolerance_while_running_draft_150", NOT_TOLERATED)
    assert card["indicator"] == "warning"
    assert "nausea recorded 2026-11-20" in card["summary"]


# --- c: an allergy that is not severe ---------------------------------------------------------


def test_a_rash_allergy_recorded_while_running_is_a_warning_at_both_hooks() -> None:
    (order,) = _of("c1_rash_allergy_while_running_draft_100_renewal", NOT_TOLERATED)
    assert order["indicator"] == "warning"
    (card,) = _of("c2_rash_allergy_while_running_patient_view", RUNNING)
    assert card["indicator"] == "warning"
    assert "(active allergy)" in card["summary"]


# --- d: entries that no longer hold -----------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "d1_resolved_allergy_while_running_draft_150",
        "d3_inactive_allergy_while_running_draft_150",
    ],
)
def test_a_resolved_or_inactive_entry_adds_no_order_card(name: str) -> None:
    assert not _at.cards(_chart(name))


def test_a_refuted_entry_adds_no_patient_view_card() -> None:
    assert not _of("d2_refuted_allergy_while_running_patient_view", RUNNING)
    cards = _at.cards(_chart("d2_refuted_allergy_while_running_patient_view"))
    assert all(c["indicator"] != "critical" for c in cards)
