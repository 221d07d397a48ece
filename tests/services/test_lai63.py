"""Fix lai63 (lai62's leftover; the MAO-B pair).

1. UNSAFE-ish: a long-acting injectable antipsychotic past its cover but still acting (Abilify
   Maintena 400 mg given on the MAR 52 days before as-of, cover 45 days, injection_tail.py) was
   gone for two checks that lai62 did not reach: the order-sign stacking check (quetiapine or
   brexpiprazole drafted: no card) and the psychotic-features regimen ("Add olanzapine 5 mg/day to
   sertraline" one click). Now the stacking check says "aripiprazole injection still acting:
   confirm whether injections continue", and the regimen's antipsychotic is text only with the
   lapsed injection named. Controls: within its cover (22 days, MAR, or an Epic clinic-administered
   order filled 22 days before) both read it as running, as before; 5 months on, no card.
   The same for a course known from an Epic order and its fill only (no MAR): it ended with its
   28-day supply and had no tail (ordered_injection_tail.py): filled 35 days before, a quetiapine
   draft got no card; 52 days before, brexpiprazole was one click.
2. WRONG: the warning-only MAO-B pair (rasagiline or safinamide with sertraline: the label's "not
   recommended", data/maoi_washout.csv `not_recommended_with`) held nothing: "Raise sertraline" one
   click beside it. Now the serotonergic orders are text ("review the MAO-B inhibitor combination
   first"); the card stays a warning; antipsychotic adjuncts stay one click. Controls: oral
   selegiline and Emsam 9 mg/24 h stay critical (their rows: a full MAOI pair), no MAO-B: as before.

Charts (tests/services/lai63_charts/): lai61's Epic-shaped Maintena charts, as of 2025-06-01.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "lai63_charts"
_AS_OF = date(2025, 6, 1)
_load = chart_files.loader(_FOLDER)
_at = Evaluator(_AS_OF)

FIXED = {
    "a_maintena_400_given_52_days_ago_sign_quetiapine": "no stacking card",
    "a_maintena_400_given_52_days_ago_sign_brexpiprazole": "no stacking card",
    "a_maintena_400_given_52_days_ago_psychotic_features": "olanzapine one click",
    "a_rasagiline_sertraline_50": "raise one click",
    "a_rasagiline_sertraline_150": "raise one click",
    "a_safinamide_sertraline_50": "raise one click",
    "a_maintena_order_filled_35_days_ago_sign_quetiapine": "no stacking card",
    "a_maintena_order_filled_52_days_ago": "brexpiprazole one click",
}
CONTROLS = {
    "c_maintena_400_given_22_days_ago_sign_quetiapine": "running: stacking",
    "c_maintena_400_given_22_days_ago_psychotic_features": "running",
    "c_maintena_400_given_5_months_ago_sign_quetiapine": "gone: no card",
    "c_maintena_order_filled_22_days_ago_sign_quetiapine": "running: stacking",
    "c_maintena_order_filled_22_days_ago_psychotic_features": "running",
    "c_oral_selegiline_sertraline_50": "critical",
    "c_emsam_9_sertraline_50": "critical",
    "c_no_maob_sertraline_50": "raise one click",
}


def test_the_folder() -> None:
    chart_files.check_folder(_FOLDER, FIXED, CONTROLS)


def _cards(name: str) -> list[dict[str, Any]]:
    doc = _load(name)
    chart_files.check_chart(doc)
    cards: list[dict[str, Any]] = _at.cards(doc)
    return cards


def _labels(cards: list[dict[str, Any]]) -> list[str]:
    return [s["label"] for c in cards for s in c.get("suggestions", [])]


def _stacking(cards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for c in cards if "antipsychotic" in c.get("detail", "") and "second" in c["detail"]]


_STILL = (
    "aripiprazole (long-acting injection): last injection 2025-04-10 (cover to 2025-05-24): still "
    "acting for weeks after a missed dose: confirm whether injections continue"
)


@pytest.mark.parametrize("drug", ["quetiapine", "brexpiprazole"])
def test_a_second_antipsychotic_beside_an_injection_still_acting(drug: str) -> None:
    cards = _cards(f"a_maintena_400_given_52_days_ago_sign_{drug}")
    found = [c for c in cards if c["summary"].startswith(drug.capitalize())]
    assert len(found) == 1, [c["summary"] for c in cards]
    card = found[0]
    assert card["indicator"] == "warning"
    assert "injection still acting: confirm whether injections continue" in card["summary"]
    assert _STILL in card["detail"]
    assert "confirm whether the injections continue" in card["detail"]


def test_within_its_cover_the_injection_is_running_as_before() -> None:
    for name in (
        "c_maintena_400_given_22_days_ago_sign_quetiapine",
        "c_maintena_order_filled_22_days_ago_sign_quetiapine",
    ):
        summaries = [c["summary"] for c in _cards(name)]
        assert (
            "Quetiapine ordered while aripiprazole (an antipsychotic) is running: a second "
            "antipsychotic"
        ) in summaries, (name, summaries)


def test_beyond_the_tail_no_stacking_card() -> None:
    assert not [
        c
        for c in _cards("c_maintena_400_given_5_months_ago_sign_quetiapine")
        if c["summary"].startswith("Quetiapine")
    ]


def test_the_psychotic_regimen_waits_for_the_injection() -> None:
    cards = _cards("a_maintena_400_given_52_days_ago_psychotic_features")
    assert not [label for label in _labels(cards) if "olanzapine" in label]
    details = "\n".join(c.get("detail", "") for c in cards)
    assert f"**Not offered as a ready-to-accept order:** olanzapine: {_STILL}" in details


@pytest.mark.parametrize(
    "name",
    [
        "c_maintena_400_given_22_days_ago_psychotic_features",
        "c_maintena_order_filled_22_days_ago_psychotic_features",
    ],
)
def test_a_running_injection_is_the_running_antipsychotic(name: str) -> None:
    summaries = [c["summary"] for c in _cards(name)]
    assert any("already running, no second one" in s for s in summaries), summaries


@pytest.mark.parametrize(
    ("name", "maob", "mg"),
    [
        ("a_rasagiline_sertraline_50", "rasagiline", "100"),
        ("a_rasagiline_sertraline_150", "rasagiline", "200"),
        ("a_safinamide_sertraline_50", "safinamide", "100"),
    ],
)
def test_the_warning_maob_pair_holds_the_serotonergic_raise(name: str, maob: str, mg: str) -> None:
    cards = _cards(name)
    pair = [c for c in cards if c["summary"].startswith(f"{maob.capitalize()} (MAO-B inhibitor)")]
    assert len(pair) == 1 and pair[0]["indicator"] == "warning"  # not raised to critical
    labels = _labels(cards)
    assert not [label for label in labels if label.startswith("Raise sertraline")]
    assert "Propose adjunctive aripiprazole 2 mg/day (CANMAT first line)" in labels
    details = "\n".join(c.get("detail", "") for c in cards)
    assert (
        f"**Not one click beside {maob} (MAO-B inhibitor):** Raise sertraline to {mg} mg/day"
        in (details)
    )
    assert "review the MAO-B inhibitor combination first" in details


@pytest.mark.parametrize("name", ["c_oral_selegiline_sertraline_50", "c_emsam_9_sertraline_50"])
def test_a_full_maoi_pair_stays_critical(name: str) -> None:
    cards = _cards(name)
    assert any(c["indicator"] == "critical" and "stop one" in c["summary"] for c in cards)
    assert not [label for label in _labels(cards) if label.startswith("Raise sertraline")]


def test_without_an_maob_the_raise_is_one_click() -> None:
    assert "Raise sertraline to 100 mg/day (dose first, CANMAT 2023 para 187)" in _labels(
        _cards("c_no_maob_sertraline_50")
    )


def test_an_ordered_and_filled_injection_has_a_tail_too() -> None:
    cards = _cards("a_maintena_order_filled_35_days_ago_sign_quetiapine")
    found = [c for c in cards if c["summary"].startswith("Quetiapine")]
    assert len(found) == 1, [c["summary"] for c in cards]
    assert (
        "aripiprazole (long-acting injection): last injection 2025-04-27 (cover to 2025-05-25): "
        "still acting for weeks after a missed dose"
    ) in found[0]["detail"]
    cards = _cards("a_maintena_order_filled_52_days_ago")
    assert not [label for label in _labels(cards) if "brexpiprazole" in label]
    details = "\n".join(c.get("detail", "") for c in cards)
    assert (
        "Aripiprazole (long-acting injection): last injection 2025-04-10 (cover to 2025-05-08)"
        in (details)
    )
