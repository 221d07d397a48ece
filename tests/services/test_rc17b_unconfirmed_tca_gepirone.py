"""Review 17 second recheck W2, W3, M1, M4, M9 and M11.

- W2: an active phenelzine order under another MRN beside a sertraline draft: the card names the
  draft and the 14-day washout, and is critical (the harm if the order is hers is serotonin
  syndrome from the drug about to be signed; the summary says "if").
- W3: duloxetine drafted over a running nortriptyline: a CYP2D6 card (duloxetine a moderate
  inhibitor, Cymbalta label 7).
- M1: a PHQ-9 of unconfirmed subject with item 9 = 0 raises no card of its own; it is listed on a
  card that rests on scores, and a signal's card says its reason once.
- M4: gepirone 54.5 mg with diltiazem: half is 27.3 mg, no strength: the summary names 18.2 mg.
- M9: a merged record with `active` true is not called inactive.
- M11: amitriptyline with a bupropion draft names the lowered seizure threshold.

Charts: tests/services/review17_charts/rc17b_*.json (CDS Hooks requests, Epic / US Core shaped,
every prefetch key), from the recheck's probes.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services import interaction_table
from services.rules.merged_record_hold import merged_line
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent / "review17_charts"
Doc = dict[str, Any]

_chart = chart_files.loader(CHARTS)
_at = Evaluator(AS_OF)
_cards = _at.cards


def _topic(card: Doc) -> str:
    code: str = card["source"]["topic"]["code"]
    return code


def _resource(doc: Doc, rid: str) -> Doc:
    for resource in chart_files.prefetch_resources(doc):
        if resource.get("id") == rid:
            return resource
    raise AssertionError(rid)


# W2 ----------------------------------------------------------------------------------------


def test_unconfirmed_maoi_beside_a_drafted_ssri_names_the_draft_and_is_critical() -> None:
    (card,) = _cards(_chart("rc17b_us01_unconfirmed_phenelzine_sertraline_draft"))
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Phenelzine order under another identifier: if it is this patient's, sertraline is "
        "contraindicated (14-day washout): confirm before signing"
    )
    assert (
        "Sertraline 50 mg/day on this order is contraindicated with phenelzine and for 14 days"
        in (card["detail"])
    )
    assert "CPS 2023 Table 5" in card["detail"]


def test_unconfirmed_maoi_with_no_draft_stays_a_warning() -> None:
    (card,) = _cards(_chart("rc17b_us02_unconfirmed_phenelzine_nothing_running"))
    assert card["indicator"] == "warning"
    assert "contraindicated" not in card["summary"]


# W3, M11 -----------------------------------------------------------------------------------


def test_duloxetine_drafted_over_nortriptyline_gets_the_cyp2d6_card() -> None:
    cards = _cards(_chart("rc17b_rp04_nortriptyline_running_duloxetine_draft"))
    (card,) = [c for c in cards if _topic(c) == "order-drug-interaction"]
    assert card["indicator"] == "warning"
    assert card["summary"].startswith(
        "Duloxetine ordered with nortriptyline running: raises tricyclic levels (CYP2D6, "
        "moderate inhibitor)"
    )
    assert "Cymbalta label 7" in card["detail"]


@pytest.mark.parametrize("tca", ["nortriptyline", "amitriptyline", "clomipramine"])
def test_duloxetine_is_a_tricyclic_cyp2d6_partner_at_chart_open_too(tca: str) -> None:
    (row,) = interaction_table.rows_for("duloxetine", tca)
    assert row.id == "tca-duloxetine"
    assert row.chart_severity is None  # a chart-open card as for fluoxetine (rp07)


def test_bupropion_over_amitriptyline_names_the_seizure_threshold() -> None:
    cards = _cards(_chart("rc17b_rp06_amitriptyline_running_bupropion_draft"))
    (card,) = [c for c in cards if _topic(c) == "order-drug-interaction"]
    assert "both lower the seizure threshold" in card["summary"]
    assert "CYP2D6" in card["summary"]
    assert "Wellbutrin label" in card["detail"]


# M1 ----------------------------------------------------------------------------------------


def test_unconfirmed_phq9_with_item9_0_on_a_quiet_chart_raises_no_card() -> None:
    assert _cards(_chart("rc17b_it01_item9_0_unconfirmed_quiet_chart")) == []


def test_unconfirmed_phq9_no_signal_is_listed_where_a_card_rests_on_scores() -> None:
    doc = _chart("rc17b_it03_i06_item9_3_unconfirmed_rerun")
    _resource(doc, "40d80895-1981-5a72-9034-a8afe0986e8c")["valueQuantity"]["value"] = 8
    _resource(doc, "273eae05-47ba-5339-a1c1-3811a07a8b77")["valueInteger"] = 0
    cards = _cards(doc)
    assert not [c for c in cards if _topic(c) == "data-quality"]
    assert any("Observation/273eae05-47ba-5339-a1c1-3811a07a8b77" in c["detail"] for c in cards)


def test_unconfirmed_item9_signal_says_its_reason_once() -> None:
    cards = _cards(_chart("rc17b_it03_i06_item9_3_unconfirmed_rerun"))
    (card,) = [c for c in cards if _topic(c) == "data-quality"]
    assert card["summary"].startswith("PHQ-9 item 9 = 3 (nearly every day) on 2025-05-28")
    assert "an MAOI with a serotonergic drug" not in card["detail"]


# M4 ----------------------------------------------------------------------------------------


def test_gepirone_54_5_with_diltiazem_names_the_strength_to_use() -> None:
    cards = _cards(_chart("rc17b_gp03_gepirone_54_5_diltiazem"))
    (card,) = [c for c in cards if _topic(c) == "order-drug-interaction"]
    assert "reduce to 18.2 mg (no 27.3 mg tablet; do not split)" in card["summary"]
    assert "halve the gepirone dose" not in card["summary"]
    assert "50 % of 54.5 mg/day is 27.3 mg, which no tablet gives" in card["detail"]


def test_gepirone_36_3_halves_to_a_strength_and_keeps_its_wording() -> None:
    cards = _cards(_chart("rc17b_gp02_f09_gepirone_36_aprepitant_rerun"))
    (card,) = [c for c in cards if _topic(c) == "order-drug-interaction"]
    assert card["summary"].endswith("halve the gepirone dose")


# M9 ----------------------------------------------------------------------------------------


def test_merged_record_still_active_is_not_called_inactive() -> None:
    cards = _cards(_chart("rc17b_mg02_replaced_by_but_active_true"))
    text = " ".join(c["detail"] for c in cards)
    assert "This chart's record was merged into Patient/merged-survivor-12345" in text
    assert "inactive" not in text


def test_merged_line_says_inactive_when_marked_so() -> None:
    assert "an inactive record merged into Patient/x" in merged_line("Patient/x", True)
    assert "inactive" not in merged_line("Patient/x", True, inactive=False)
