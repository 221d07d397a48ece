"""Session 26 items 1 and 2: a tricyclic running beside a heart block, at patient-view.

1. A resolved complete heart block (I44.2 abated, or SNOMED CT 27885002 with clinicalStatus
   resolved and no abatement date) beside running nortriptyline: the running-drug card's summary
   read "with Complete heart block on record since 2024-03-01", a current block; only the detail
   said it had resolved. Now the summary says "(resolved 2025-01-10)" ("(resolved)" undated), the
   detail names the finding with its dates, and the optimise hold names it so too.
2. A paced complete heart block (an active pacemaker Device, or Z95.0) beside running
   nortriptyline: the order hooks soften the contraindication to a warning naming the pacemaker
   (services/pacing.py), but patient-view still said "Contraindicated with heart block ...
   (contraindicated: heart block)". Now both ask pacing.reading (one rule) and the running card
   says drug_cautions.csv `if_paced_running`, naming the pacemaker.

Charts: tests/services/tca_lb26_charts/ (US Core shaped patient-view requests, every prefetch
key), written with the rk5 and comorbidity24 charts as templates.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fhir.resources.R4B import get_fhir_model_class

from services import drug_rules, tables
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

_DIR = Path(__file__).parent / "tca_lb26_charts"
_chart = chart_files.loader(_DIR)
_cards = Evaluator(date(2026, 12, 1)).cards
RUNNING = "running-drug-caution"


def _running_card(name: str) -> dict[str, object]:
    (card,) = [c for c in _cards(_chart(name)) if "with Complete" in str(c["summary"])]
    return card


def _optimise_summary(name: str) -> str:
    (summary,) = [
        str(c["summary"]) for c in _cards(_chart(name)) if "raise held" in str(c["summary"]).lower()
    ]
    return summary


def test_a_resolved_block_is_said_resolved_in_the_summary_not_since_its_onset() -> None:
    card = _running_card("resolved_i442_abated_running_nortriptyline_pv")
    assert card["summary"] == (
        "Nortriptyline 25 mg/day since 2026-10-01 with Complete heart block on record (resolved "
        "2025-01-10): review whether it should continue"
    )
    detail = str(card["detail"])
    assert "Complete heart block (ICD-10-CM I44.2, 2024-03-01, resolved 2025-01-10)" in detail
    assert "since 2024-03-01" not in detail
    assert "History of heart block (a high-grade AV block, now resolved)" in detail
    assert _optimise_summary("resolved_i442_abated_running_nortriptyline_pv").endswith(
        "nortriptyline with complete heart block on record (resolved 2025-01-10))"
    )


def test_a_resolved_block_with_no_abatement_date_is_still_said_resolved() -> None:
    card = _running_card("resolved_snomed_cavb_undated_running_nortriptyline_pv")
    assert card["summary"] == (
        "Nortriptyline 25 mg/day since 2026-10-01 with Complete atrioventricular block on record "
        "(resolved): review whether it should continue"
    )
    assert "(SNOMED CT 27885002, 2024-03-01, resolved (no date on record))" in str(card["detail"])


@pytest.mark.parametrize(
    ("name", "pacemaker"),
    [
        (
            "paced_device_i442_running_nortriptyline_pv",
            "pacemaker: Implantable cardiac pacemaker (physical object), SNOMED CT 706004007.",
        ),
        (
            "paced_z950_i442_running_nortriptyline_pv",
            "pacemaker: Presence of cardiac pacemaker, ICD-10-CM Z95.0, since 2024-03-04.",
        ),
    ],
)
def test_a_paced_block_softens_the_running_card_as_the_order_hooks_do(
    name: str, pacemaker: str
) -> None:
    card = _running_card(name)
    assert card["summary"] == (
        "Nortriptyline 25 mg/day with Complete heart block on record and a pacemaker in use: "
        "review whether it should continue"
    )
    detail = str(card["detail"])
    assert "contraindicated" not in detail.lower()
    assert "before starting" not in detail
    assert pacemaker in detail
    assert "Heart block with a pacemaker on record: ECG (QRS) and cardiology review." in detail
    assert "not the tricyclics' QRS widening and ventricular arrhythmia" in detail


def test_an_unpaced_block_keeps_the_contraindication_on_the_running_card() -> None:
    card = _running_card("unpaced_i442_running_nortriptyline_pv")
    # Critical and said contraindicated since review s26 RN finding 3 (test_hb26_heart_block).
    assert card["indicator"] == "critical"
    assert str(card["summary"]).endswith(
        "Complete heart block on record: contraindicated (ECG and cardiology now; do not stop it "
        "abruptly)"
    )
    assert "Contraindicated with heart block" in str(card["detail"])
    assert "pacemaker in use" not in str(card["summary"])


def test_every_row_a_pacemaker_softens_has_running_words_and_only_those() -> None:
    # One rule for both hooks: a row the order hooks soften (`if_paced`) is softened at
    # patient-view too (`if_paced_running`), never "before starting" of a running drug.
    paced = {(c.ingredient, c.finding) for c in tables.drug_cautions() if c.if_paced}
    running = {
        (c.ingredient, c.finding.value) for c in drug_rules.running_cautions() if c.if_paced_running
    }
    assert paced == running and paced
    for caution in drug_rules.running_cautions():
        assert "before starting" not in caution.if_paced_running


@pytest.mark.parametrize("path", sorted(_DIR.glob("*.json")), ids=lambda p: p.stem)
def test_the_charts_are_valid_r4b_with_every_prefetch_key(path: Path) -> None:
    doc = _chart(path.stem)
    assert {"encounters", "labsSI", "devices", "conditions", "procedures"} <= doc["prefetch"].keys()
    for resource in chart_files.prefetch_resources(doc):
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    for entry in doc["context"].get("draftOrders", {}).get("entry", []):
        get_fhir_model_class("MedicationRequest").model_validate(entry["resource"])
