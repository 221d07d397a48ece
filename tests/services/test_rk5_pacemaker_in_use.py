"""Review s25 rk5 finding 2: only a pacemaker in use softens a heart block's contraindication.

An inactive pacemaker Device, or a Z95.0 Condition resolved and abated, made a tricyclic draft
beside a complete heart block a warning ("heart block with a pacemaker on record") instead of
the critical contraindication. Now a pacemaker counts only from a Device with status "active" or
an active, unabated Z95.0 / SNOMED CT Condition (services/pacing.py); a Device with no status
keeps the critical card and names the pacemaker as "status not recorded" (the safer reading).

Charts: tests/services/rk5_charts/ (US Core shaped order-sign requests, every prefetch key).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fhir.resources.R4B import get_fhir_model_class

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

_DIR = Path(__file__).parent / "rk5_charts"
_chart = chart_files.loader(_DIR)
_cards = Evaluator(date(2026, 12, 1)).cards
CONTRAINDICATED = "Amitriptyline is contraindicated by a condition on record (Complete heart block)"
PACED = "Amitriptyline: heart block with a pacemaker on record: ECG (QRS) and cardiology"


def _heart_block_card(name: str) -> dict[str, object]:
    cards = [c for c in _cards(_chart(name)) if "heart block" in c["summary"]]
    assert len(cards) == 1, [c["summary"] for c in cards]
    return cards[0]


@pytest.mark.parametrize(
    "name",
    [
        "pm_device_INACTIVE_i442_amitriptyline_sign",
        "pm_z950_RESOLVED_i442_amitriptyline_sign",
        "pm_device_EIE_i442_amitriptyline_sign",
    ],
)
def test_a_pacemaker_not_in_use_keeps_the_critical_contraindication(name: str) -> None:
    card = _heart_block_card(name)
    assert card["indicator"] == "critical"
    assert card["summary"] == CONTRAINDICATED
    assert "pacemaker on record" not in str(card["detail"])


@pytest.mark.parametrize(
    "name", ["pm_device_i442_amitriptyline_sign", "pm_z950_i442_amitriptyline_sign"]
)
def test_a_pacemaker_in_use_still_makes_it_a_warning(name: str) -> None:
    card = _heart_block_card(name)
    assert card["indicator"] == "warning"
    assert str(card["summary"]).startswith(PACED)


def test_a_pacemaker_device_without_status_stays_critical_and_is_named() -> None:
    card = _heart_block_card("pm_device_NOSTATUS_i442_amitriptyline_sign")
    assert card["indicator"] == "critical"
    assert card["summary"] == CONTRAINDICATED
    assert (
        "pacemaker status not recorded (Implantable cardiac pacemaker (physical object), "
        "SNOMED CT 706004007): read as not pacing until confirmed"
    ) in str(card["detail"])


@pytest.mark.parametrize("path", sorted(_DIR.glob("*.json")), ids=lambda p: p.stem)
def test_the_charts_are_valid_r4b_with_every_prefetch_key(path: Path) -> None:
    doc = _chart(path.stem)
    assert {"encounters", "labsSI", "devices", "conditions"} <= doc["prefetch"].keys()
    for resource in chart_files.prefetch_resources(doc):
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def test_a_resolved_block_beside_a_running_tricyclic_asks_no_start_step() -> None:
    # rk5 finding 3: the history row said "before starting" to a drug running since 2026-10-01.
    cards = _cards(_chart("resolved_i442_running_nortriptyline_pv"))
    (card,) = [c for c in cards if "with Complete heart block on record" in c["summary"]]
    assert card["indicator"] == "warning"
    detail = str(card["detail"])
    assert "now resolved): ECG and cardiology review first" in detail
    assert "before starting" not in detail
