"""Session 39 fix meds54: session 38's medication-course leftovers (unknown orders, washout wording,
anxiety text).

1. (UNSAFE) A clinic order read `unknown` that states no supply (no dispenseRequest) and that no
   completed fill names was to confirm only for 35 days (MappingPolicy.unknown_ended_days) after
   it was written, then a course of the 30 days counted for an order stating no duration: a
   phenelzine order of 2026-10-01 so read gave no card beside a sertraline draft on 2026-12-01,
   and patient-view named nothing. Nothing bounds it: it stays a record to confirm, its drug
   possibly running, "no supply or fill on record, so how long it was taken is not known", no
   trial (fhir_mapping/unknown_order.py).
2. (control) The same order with completed fills: the fills make the course, and it counts when
   the fills alone show an adequate dose for 6 weeks or more (3 fills: 1 failed trial; 1 fill:
   4.3 weeks, not counted).
3. The MAOI washout summary said "31 days after fluoxetine stopped" where the end is the last
   fill's supply (wash65 changed only the detail): now "after the last fill of fluoxetine ran
   out" (services/washout_state.stop_said).
4. Buspirone whose order's reason is the text "GAD" alone was counted as augmentation
   (Augmentation 1); "GAD" now reads as anxiety as F41.1 does (indication_codes.csv).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "meds54_charts"
_AS_OF = date(2026, 12, 1)
_cards = chart_files.topic_reader(_FOLDER, _AS_OF)
_chart = chart_files.loader(_FOLDER)
MAOI = "order-maoi-interaction"
_QUALITY = "data-quality"
_OPTIMISE = "optimize-switch-augment"
_UNBOUNDED = (
    "status unknown, recorded 2026-10-01; no supply or fill on record, so how long it was taken "
    "is not known"
)

FIXED = {
    "f_phenelzine_order_unknown_no_supply_sertraline_sign": "fixed: was no card",
    "f_sertraline_order_unknown_no_supply_phenelzine_sign": "fixed: was MAOI diet card only",
    "f_phenelzine_order_unknown_no_supply_patient_view": "fixed: was no card naming the order",
    "f_phenelzine_fill_ran_out_sertraline_sign": "fixed: summary said 'phenelzine stopped'",
    "f_fluoxetine_fill_ran_out_phenelzine_select": "fixed: summary said 'fluoxetine stopped'",
    "f_buspirone_reason_text_GAD": "fixed: was Augmentation 1 (used)",
}
CONTROLS = {
    "c_phenelzine_order_unknown_no_supply_3_fills_patient_view": "control: fills bound it",
    "c_phenelzine_order_unknown_3_fills_patient_view": "control: fills make the course",
    "c_phenelzine_order_unknown_1_fill_patient_view": "control: 4.3 weeks, not counted",
    "c_buspirone_reason_text_generalized_anxiety_disorder": "control: anxiety, no augmentation",
}


def test_folder() -> None:
    chart_files.check_folder(_FOLDER, FIXED, CONTROLS)


@pytest.mark.parametrize(
    ("name", "summary"),
    [
        (
            "f_phenelzine_order_unknown_no_supply_sertraline_sign",
            "Sertraline ordered while phenelzine (MAOI) may be running",
        ),
        (
            "f_sertraline_order_unknown_no_supply_phenelzine_sign",
            "Phenelzine (MAOI) ordered while sertraline may be running",
        ),
    ],
)
def test_unknown_order_without_supply_stays_to_confirm(name: str, summary: str) -> None:
    maoi = _cards(name)[MAOI]
    assert maoi["indicator"] == "critical"
    assert maoi["summary"].startswith(summary)
    assert _UNBOUNDED in maoi["detail"]
    assert "stopped" not in maoi["summary"]


def test_unknown_order_without_supply_is_named_and_no_trial() -> None:
    name = "f_phenelzine_order_unknown_no_supply_patient_view"
    quality = _cards(name)[_QUALITY]
    assert f"the order (phenelzine, may be taken now; {_UNBOUNDED})" in quality["detail"]
    record = Evaluator(_AS_OF).result(_chart(name)).evaluation.record
    assert not [t for t in record.trials if t.ingredient == "phenelzine"]


@pytest.mark.parametrize(
    "name",
    [
        "c_phenelzine_order_unknown_no_supply_3_fills_patient_view",
        "c_phenelzine_order_unknown_3_fills_patient_view",
    ],
)
def test_fills_of_an_unknown_order_make_the_counted_course(name: str) -> None:
    cards = _cards(name)
    optimise = cards[_OPTIMISE]
    assert "Failed antidepressants 1 (1 failed" in optimise["detail"]
    assert "Failed, not proposed: MAOI (phenelzine)" in optimise["detail"]
    assert _UNBOUNDED not in optimise["detail"]
    record = Evaluator(_AS_OF).result(_chart(name)).evaluation.record
    (trial,) = [t for t in record.trials if t.ingredient == "phenelzine"]
    assert trial.adherence.fills == 3
    assert round(trial.weeks_at_adequate_dose, 1) == 12.9


def test_recent_unknown_order_with_fills_names_its_supply() -> None:
    detail = _cards("c_phenelzine_order_unknown_3_fills_patient_view")[_OPTIMISE]["detail"]
    assert (
        "the order (phenelzine, may be taken now; status unknown, recorded 2026-08-01; its "
        "supply with repeats reached 2026-10-30)"
    ) in detail


def test_one_fill_of_an_unknown_order_is_not_a_counted_trial() -> None:
    cards = _cards("c_phenelzine_order_unknown_1_fill_patient_view")
    assert "phenelzine 4.3 wk, possibly adequate" in cards["adherence-review"]["summary"]
    assert _OPTIMISE not in cards


@pytest.mark.parametrize(
    ("name", "summary"),
    [
        (
            "f_phenelzine_fill_ran_out_sertraline_sign",
            "Sertraline ordered 12 days after phenelzine (MAOI) supply ran out: not before "
            "2026-12-03 (14-day washout)",
        ),
        (
            "f_fluoxetine_fill_ran_out_phenelzine_select",
            "Phenelzine (MAOI) ordered 31 days after fluoxetine supply ran out: not before "
            "2026-12-05 (35-day washout)",
        ),
    ],
)
def test_washout_summary_names_the_fill_it_counts_from(name: str, summary: str) -> None:
    maoi = _cards(name)[MAOI]
    assert maoi["summary"] == summary
    assert "stopped" not in maoi["summary"]


def test_washout_summary_of_a_recorded_stop_is_unchanged() -> None:
    wash65 = chart_files.topic_reader(Path(__file__).parent / "wash65_charts", _AS_OF)
    maoi = wash65("f_statement_fluoxetine_stopped_oct31_draft_phenelzine")[MAOI]
    assert maoi["summary"].startswith("Phenelzine (MAOI) ordered 31 days after fluoxetine stopped")
    order = wash65("c_order_fluoxetine_supply_to_oct31_draft_phenelzine")[MAOI]
    assert "after the end counted for the last order of fluoxetine" in order["summary"]


@pytest.mark.parametrize(
    "name", ["f_buspirone_reason_text_GAD", "c_buspirone_reason_text_generalized_anxiety_disorder"]
)
def test_buspirone_for_gad_in_words_is_no_augmentation(name: str) -> None:
    detail = _cards(name)[chart_files.TMS]["detail"]
    assert "Augmentation 0 (not used)" in detail
