"""Session 38 fix dose62 (review K58a findings 1-3). The reviewer's charts in dose62_charts/ (all
19 prefetch keys; sertraline 2025, then the course under test from 2026-05-01: its order and
monthly fills naming it, no sig on the fills), as of 2026-12-01.

Before the fix (108ce315):
- Finding 1: a fill above its order by less than a rounded pack won over the order: escitalopram
  10 mg "1.5 tablets daily" (15 mg) filled 50 per 30 days read 16.67 mg/day, "raise escitalopram
  16.67 -> 20 (dose from fills, ordered 15 mg/day)"; mirtazapine "2 tablets" of 15 filled 70 read
  35; sertraline 20 mg/mL "7.5 mL" filled 240 mL read 160. The fill now reads as its order's dose
  (fhir_mapping/fill_order_dose.py); a fill more than a pack above stays "dose to confirm"
  (c04-c07, controls).
- Finding 2: the order's own day read the order and later months the fills, a dose change that
  never happened ("duloxetine since 2026-05-01; 60 mg/day since 2026-06-01 (26 weeks)" for
  "1-2 capsules" filled at 60 throughout): a fill at a range's lower end on the order's day now
  gives the day its dose (fhir_mapping/fill_dose.day_in_range).
- Findings 4, 6 (wording): "Selegiline 24 mg/24 h is above the usual maximum of 12 mg/day" (a
  patch's maximum in its own unit now: range_ceiling.maximum); "to 20 mg/day (by 10 mg ..." for a
  raise from 15 (titration.steps names the smaller raise).
- Finding 3: fluoxetine 20 mg/5 mL "5 mL daily" filled 120 mL per 30 days (16 mg/day): "Raise
  fluoxetine to 20 mg/day", the dose already ordered. Both readings are said and no raise is
  offered; the trial stays not adequate (services/fills_short.py).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.config.settings import load_settings
from cds_hooks.offline import evaluate_document
from fhir_mapping.trial import Trial
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

OPTIMIZE = "optimize-switch-augment"
_FOLDER = Path(__file__).parent / "dose62_charts"
_chart = chart_files.loader(_FOLDER)
_at = Evaluator(date(2026, 12, 1))

FIXED = {
    "c01_escit10_1p5tab_fill50": "finding 1",
    "c03_mirt15_2tab_fill_rounded_70": "finding 1",
    "b06_sert_conc_7p5ml": "finding 1",
    "a03_dulox60_range_1to2": "finding 2",
    "c02_fluox_sol_5ml_bottle120": "finding 3",
}
CONTROLS = {
    "c04_escit10_half_tab_fill30per30": "fill a pack or more above: dose to confirm",
    "c05_mirt15_1tab_qhs_fill60per30": "fill a pack or more above: dose to confirm",
    "c06_mirt15_1p5tab_fill60per30": "fill a pack or more above: dose to confirm",
    "c07_venir37p5_1tab_bid_fill_rounded": "fill a pack or more above: dose to confirm",
    "b01_venxr75_epic3_disagree": "order and fills agree",
    "a01_escit10_1p5tab": "order and fills agree",
    "b03_escit10_text_one_and_a_half": "order and fills agree",
    "p02_selegiline6_draft_emsam12_two_patches": "finding 4 (order hooks)",
}


def _read(name: str) -> tuple[dict[str, Any], Trial]:
    cards, record = _at.by_topic_and_record(_chart(name))
    (trial,) = [t for t in record.trials if t.start == date(2026, 5, 1)]
    return cards, trial


def _ranges(trial: Trial) -> list[tuple[float | None, float | None]]:
    return [(s.mg_per_day, s.mg_per_day_high) for s in trial.segments]


@pytest.mark.parametrize(
    ("name", "dose", "raise_to", "name_said"),
    [
        ("c01_escit10_1p5tab_fill50", 15.0, "raise escitalopram 15 → 20 mg/day first", "15"),
        ("c03_mirt15_2tab_fill_rounded_70", 30.0, "raise mirtazapine 30 → 45 mg/day", "30"),
        ("b06_sert_conc_7p5ml", 150.0, "raise sertraline 150 → 200 mg/day", "150"),
        # Controls: the order's dose and its fills agree exactly.
        ("a01_escit10_1p5tab", 15.0, "raise escitalopram 15 → 20 mg/day first", "15"),
        ("b03_escit10_text_one_and_a_half", 15.0, "raise escitalopram 15 → 20 mg/day first", "15"),
        ("b01_venxr75_epic3_disagree", 150.0, "raise venlafaxine 150 → 225 mg/day first", "150"),
    ],
)
def test_a_fill_within_a_pack_of_its_order_is_the_order_dose(
    name: str, dose: float, raise_to: str, name_said: str
) -> None:
    cards, trial = _read(name)
    assert _ranges(trial) == [(dose, None)], _ranges(trial)
    card = cards[OPTIMIZE]
    assert raise_to in card["summary"], card["summary"]
    assert f"{name_said} mg/day since 2026-05-01 (30 weeks)" in card["detail"], card["detail"]
    assert "dose from fills" not in card["detail"]


def test_a_fill_at_a_range_low_end_reads_so_from_the_order_day() -> None:
    """Finding 2: "1-2 capsules" of duloxetine 60 filled 30 per 30 days from the order's day."""
    cards, trial = _read("a03_dulox60_range_1to2")
    assert _ranges(trial) == [(60.0, None)], _ranges(trial)
    detail = cards[OPTIMIZE]["detail"]
    assert "duloxetine 60 mg/day since 2026-05-01 (30 weeks; dose from fills, ordered 60-120" in (
        detail
    ), detail
    assert "since 2026-06-01" not in detail


def test_fills_short_of_an_adequate_order_name_both_and_offer_no_raise() -> None:
    """Finding 3: ordered 20 mg/day (5 mL of 20 mg/5 mL), fills cover 16 mg/day."""
    cards, trial = _read("c02_fluox_sol_5ml_bottle120")
    assert trial.adequate_from is None
    card = cards[OPTIMIZE]
    said = f"{card['summary']} {card['detail']}"
    assert "ordered 20 mg/day, fills cover 16 mg/day" in card["summary"], card["summary"]
    assert "confirm the dose taken" in said
    labels = [s["label"] for s in card.get("suggestions", [])]
    assert not [x for x in labels if x.startswith("Raise fluoxetine")], labels


@pytest.mark.parametrize(
    "name",
    [
        "c04_escit10_half_tab_fill30per30",
        "c05_mirt15_1tab_qhs_fill60per30",
        "c06_mirt15_1p5tab_fill60per30",
        "c07_venir37p5_1tab_bid_fill_rounded",
    ],
)
def test_a_fill_more_than_a_pack_above_stays_dose_to_confirm(name: str) -> None:
    cards, trial = _read(name)
    assert _ranges(trial)[-1][0] is None, _ranges(trial)
    assert trial.adequate_from is None
    assert "dose to confirm" in cards[OPTIMIZE]["summary"] or any(
        "dose to confirm" in c["summary"] for c in cards.values()
    )


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, FIXED, CONTROLS)


def test_a_raise_smaller_than_the_label_step_is_said_so() -> None:
    """Finding 6: escitalopram 15 -> 20 is a 5 mg raise; the label's step (10 mg) is named as such."""
    cards, _trial = _read("a01_escit10_1p5tab")
    detail = cards[OPTIMIZE]["detail"]
    assert "to 20 mg/day (by 5 mg no sooner than weekly, within the label's 10 mg step" in detail
    assert "by 10 mg no sooner" not in detail


@pytest.mark.parametrize("hook", ["order-select", "order-sign"])
def test_a_patch_maximum_is_said_in_its_own_unit(hook: str) -> None:
    """Finding 4: a draft of two 12 mg/24 h selegiline patches."""
    found = evaluate_document(
        _chart("p02_selegiline6_draft_emsam12_two_patches"),
        hook=hook,
        as_of=date(2026, 12, 1),
        policy=load_settings(None).clinical_policy(),
    )
    summaries = [c["summary"] for c in found.response.to_json()["cards"]]
    assert "Selegiline 24 mg/24 h is above the usual maximum of 12 mg/24 h" in summaries, summaries
    assert not [s for s in summaries if "12 mg/day" in s], summaries
