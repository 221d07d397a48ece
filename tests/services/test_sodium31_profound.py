"""Session 29 sodium31: a sodium below 125 mmol/L, Spasovski 2014's profound tier, beside an
antidepressant that can lower it is critical (sodium31_charts: requests with all 19 prefetch
keys, as of 2026-12-01, built from review K17's s20: 80 years old, venlafaxine running).

Before, a sodium "< 110 mmol/L" with venlafaxine running got the warning card a 129 gets; the
sodium-low rows (data/lab_safety.csv) drew one line, 130. The sodium-profound row (< 125 mmol/L,
indicator critical) adds the tier: the patient-view card (an SSRI or SNRI running) and the order
check (an SSRI, SNRI, mirtazapine or tricyclic drafted). A bound "< 110" counts; 125 and above,
and a bound "< 130", stay the warning; a lab's LL keeps the card critical (labsw30).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
_load = chart_files.loader(Path(__file__).parent / "sodium31_charts")
_at = Evaluator(date(2026, 12, 1))
RUNNING = "running-drug-low-sodium"
ORDER = "order-low-sodium"
TODO = "assess today (symptoms, repeat sodium); review the drug"


def _card(name: str, topic: str) -> Doc:
    (card,) = [c for c in _at.cards(_load(name)) if c["source"]["topic"]["code"] == topic]
    return card


@pytest.mark.parametrize(
    ("name", "sodium"),
    [
        ("p01_venlafaxine_lt_110_text", "< 110 mmol/L"),
        ("p02_venlafaxine_118_quantity", "118 mmol/L"),
        ("p03_venlafaxine_124_9_quantity", "124.9 mmol/L"),
    ],
)
def test_a_profound_sodium_with_an_snri_running_is_critical(name: str, sodium: str) -> None:
    card = _card(name, RUNNING)
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        f"Sodium {sodium} on 2026-11-25: profound hyponatraemia with venlafaxine running: {TODO}"
    )
    assert (
        f"**Sodium {sodium} on 2026-11-25**: below 125 mmol/L (profound hyponatraemia; "
        "Spasovski 2014)" in card["detail"]
    )
    assert "Assess today (symptoms, repeat sodium); review the drug." in card["detail"]
    # The drug line keeps what the record shows: no sodium before venlafaxine started.
    assert "No sodium on record before it started: venlafaxine may be the cause" in card["detail"]
    assert "moderate hyponatraemia or worse" not in card["detail"]


@pytest.mark.parametrize(
    "name",
    [
        "p04_control_venlafaxine_125",
        "p05_control_venlafaxine_127",
        "p06_control_venlafaxine_lt_130_bound",
    ],
)
def test_125_and_above_or_a_bound_not_known_below_it_stays_the_warning(name: str) -> None:
    card = _card(name, RUNNING)
    assert card["indicator"] == "warning"
    assert "profound" not in card["summary"] + card["detail"]
    assert "below 130 mmol/L (moderate hyponatraemia or worse" in card["detail"]


def test_a_lab_critical_low_flag_stays_critical_without_the_tier() -> None:
    card = _card("p07_venlafaxine_127_LL", RUNNING)
    assert card["indicator"] == "critical"
    assert "profound" not in card["summary"] + card["detail"]


def test_a_text_value_below_125_is_in_the_tier() -> None:
    card = _card("p08_venlafaxine_text_no_unit_122_L", RUNNING)
    assert card["indicator"] == "critical"
    assert card["summary"].startswith("Sodium 122 on 2026-11-25: profound hyponatraemia")


@pytest.mark.parametrize(
    ("name", "summary", "risk"),
    [
        (
            "o01_mirtazapine_118",
            "Mirtazapine at age 80 with sodium 118 mmol/L on 2026-11-25: profound "
            "hyponatraemia; mirtazapine can lower it further",
            "Mirtazapine can cause hyponatraemia (SIADH; mirtazapine label: hyponatremia)",
        ),
        (
            "o02_nortriptyline_lt_110",
            "Nortriptyline at age 80 with sodium < 110 mmol/L on 2026-11-25: profound "
            "hyponatraemia; TCAs can lower it further",
            "TCA antidepressants can cause hyponatraemia (SIADH; AGS Beers 2023 SIADH caution, "
            "UNVERIFIED)",
        ),
        (
            "o03_sertraline_121",
            "Sertraline at age 80 with sodium 121 mmol/L on 2026-11-25: profound "
            "hyponatraemia; SSRIs can lower it further",
            "SSRI antidepressants can cause hyponatraemia (SIADH; SSRI and SNRI labels)",
        ),
    ],
)
def test_a_profound_sodium_beside_a_draft_is_critical(name: str, summary: str, risk: str) -> None:
    card = _card(name, ORDER)
    assert card["indicator"] == "critical"
    assert card["summary"] == summary
    assert "below 125 mmol/L (profound hyponatraemia, Spasovski 2014)" in card["detail"]
    assert risk in card["detail"]
    assert "Assess today (symptoms, repeat sodium); review the drug." in card["detail"]


@pytest.mark.parametrize("name", ["o04_control_mirtazapine_127", "o05_control_sertraline_126"])
def test_a_moderate_sodium_beside_a_draft_stays_the_warning(name: str) -> None:
    card = _card(name, ORDER)
    assert card["indicator"] == "warning"
    assert "below 130 mmol/L" in card["summary"]
    assert "profound" not in card["summary"] + card["detail"]


@pytest.mark.parametrize(
    "name", sorted(p.stem for p in (Path(__file__).parent / "sodium31_charts").glob("*.json"))
)
def test_the_charts_carry_every_prefetch_key(name: str) -> None:
    chart_files.check_chart(_load(name))
