"""Session 40 fix k64fix: review K64a findings 5, 6 and 7 (over-reading by lai61, trial74, bip69).

- Finding 5 (lai61): a single short-acting "aripiprazole (ABILIFY) 9.75 mg/1.3 mL injection" given
  IM 20 days before as-of was read as a running long-acting course (the any-product aripiprazole
  row of injection_intervals.csv matched any dose), and the optimise card disappeared. That row
  now needs 160 mg, Abilify Maintena's lowest label dose (l_ charts, as of 2025-06-01, lai61's
  Epic shape); a reduced-dose Maintena 200 mg still runs (control).
- Finding 6 (trial74): a stop reason naming tremor as improved, essential, baseline or another
  drug's ("tremor from valproate") made lithium "not tolerated, never proposed"
  (reaction_attribution.py, intolerance_reasons.csv qualifier rows). "tremor resolved after
  stopping" and "tremor from lithium" stay lithium's intolerance (t_ charts, trial74's t6 chart,
  as of 2026-12-01).
- Finding 7 (bip69): "Family history of bipolar disorder (mother), pt also depressed" read as the
  patient's bipolar disorder (TMS held). A "pt also" tail that is only another condition's words
  (diagnosis_terms.csv, indication_codes.csv word rows, text_negations.csv
  `family_other_condition`) leaves the bipolar the relative's; "pt also" alone, or with a bipolar
  word or other words in its tail, stays the patient's (b_ charts, bip69's Epic shapes, as of
  2025-06-01).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.record import PatientRecord, Trial
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "k64fix_charts"
_load = chart_files.loader(_FOLDER)
_cards = chart_files.topic_reader(_FOLDER, date(2025, 6, 1))
_at_2026 = Evaluator(date(2026, 12, 1))
_at_2025 = Evaluator(date(2025, 6, 1))

DIAGNOSIS = "diagnosis-review"
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"
BREXPIPRAZOLE = "Propose adjunctive brexpiprazole 0.5 mg/day (CANMAT first line)"

# Finding 5: a one-time short-acting IM dose is no course (the optimise card is back).
ONE_DOSE = {"l_aripiprazole_9_75_im_once_20_days_ago": "fixed"}
RUNNING = {"l_maintena_200_given_22_days_ago_control": "control"}

# Finding 6: a tremor that is not lithium's.
NOT_LITHIUMS = {
    "t_Patient_request_tremor_improved": "fixed",
    "t_essential_tremor_stopped_for_cost": "fixed",
    "t_tremor_from_valproate_lithium_stopped_cost": "fixed",
    "t_non_response_baseline_tremor_Parkinson_s": "fixed",
}
LITHIUMS = {
    "t_tremor_resolved_after_stopping": "control",
    "t_tremor_from_lithium": "control",
}

# Finding 7: the relative's bipolar, the patient's other condition (optimise and TMS offered).
OFFERED = {
    "b_visit_reason_Family_history_of_bipolar_disorder_mother_pt_also_depressed": "fixed",
    "b_problem_Family_history_of_bipolar_disorder_mother_pt_also_depressed": "fixed",
    "b_visit_reason_mother_bipolar_pt_also_depressed": "fixed",
    "b_visit_reason_FHx_bipolar_in_mother_pt_also_MDD": "fixed",
    "b_visit_reason_mom_w_bipolar_pt_also_anxious": "fixed",
    "b_visit_reason_FHx_bipolar_in_mother_pt_also_with_anxiety": "control",
}
# The patient's: "pt also" alone, or a tail with a bipolar word or in doubt.
HELD = {
    "b_visit_reason_mother_bipolar_pt_also": "control",
    "b_visit_reason_FHx_bipolar_mother_pt_also_depressed_and_manic": "control",
    "b_visit_reason_FHx_bipolar_mother_pt_also_hypomanic": "control",
}


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, ONE_DOSE, RUNNING, NOT_LITHIUMS, LITHIUMS, OFFERED, HELD)


def _trial(record: PatientRecord, ingredient: str) -> Trial:
    (trial,) = [t for t in record.trials if t.ingredient == ingredient]
    return trial


def _clicks(cards: dict[str, Any]) -> list[str]:
    return [s["label"] for card in cards.values() for s in card.get("suggestions", [])]


@pytest.mark.parametrize("name", sorted(ONE_DOSE))
def test_a_short_acting_im_dose_is_no_running_course(name: str) -> None:
    cards, record = _at_2025.by_topic_and_record(_load(name))
    assert not _trial(record, "aripiprazole").ongoing
    assert OPTIMISE in cards
    assert BREXPIPRAZOLE in _clicks(cards)


@pytest.mark.parametrize("name", sorted(RUNNING))
def test_a_reduced_dose_maintena_still_runs(name: str) -> None:
    cards, record = _at_2025.by_topic_and_record(_load(name))
    assert _trial(record, "aripiprazole").ongoing
    assert BREXPIPRAZOLE not in _clicks(cards)


@pytest.mark.parametrize("name", sorted(NOT_LITHIUMS))
def test_a_tremor_not_lithiums_is_no_intolerance(name: str) -> None:
    cards, record = _at_2026.by_topic_and_record(_load(name))
    assert _trial(record, "lithium").intolerance is None
    assert "Not tolerated, never proposed:** lithium" not in cards[OPTIMISE]["detail"]


@pytest.mark.parametrize("name", sorted(LITHIUMS))
def test_lithiums_tremor_stays_an_intolerance(name: str) -> None:
    cards, record = _at_2026.by_topic_and_record(_load(name))
    assert _trial(record, "lithium").intolerance is not None
    assert "Not tolerated, never proposed:** lithium" in cards[OPTIMISE]["detail"]


@pytest.mark.parametrize("name", sorted(OFFERED))
def test_a_relatives_bipolar_beside_the_patients_other_condition(name: str) -> None:
    cards = _cards(name)
    review = cards.get(DIAGNOSIS)
    assert review is None or "bipolar" not in review["summary"].lower(), (name, review)
    assert OPTIMISE in cards, name
    assert TMS in cards, name


@pytest.mark.parametrize("name", sorted(HELD))
def test_the_patients_bipolar_is_held(name: str) -> None:
    cards = _cards(name)
    assert "bipolar disorder on record" in cards[DIAGNOSIS]["summary"], cards.get(DIAGNOSIS)
    assert TMS not in cards
    assert OPTIMISE not in cards
