"""Fix allergy33 (s30): recheck K23 of the allergy cards (allergy31, allergy32).

1. Dosing continued since the entry settles it (services/running_reactions.py): sertraline since
   2023-01 with monthly dispenses and a rash allergy recorded 2023-03-20 warned at every renewal
   (a15) and chart open (a16). The time the course ran SINCE the entry is now set against the
   settling length (tolerability.settle_days, 42 days): no card. A severe entry (serotonin
   syndrome) that long ago stays a warning, not critical (a17-a19): it still wants reconciling.
   An Epic re-order authored after a recent entry still gives the card (a13, a14).
2. A severe reaction written as a doubt or a mild form ("Serotonin syndrome?", "possible",
   "r/o", "mild": b01-b05) is a warning naming the reaction as written, not critical
   (fhir_mapping/allergy_classes.severe_reaction, `uncertain` rows). "Suspected" and "probable"
   stay critical (b06, b07), as does a "mild" that qualifies another reaction (b08).
3. The abbreviations SJS, SJS/TEN, DRESS, NMS in a reaction's manifestation are critical
   (c06-c12); "ten" in lower case (c14), the abbreviations in the entry's note only (c15) and a
   "possible SJS" (c16) are not.

Charts: tests/services/allergy33_charts/ (all 19 prefetch keys), from the allergy31/32 charts.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files
from tests.services.helpers import Doc, Evaluator

pytestmark = pytest.mark.real_drug_table

DIR = Path(__file__).parent / "allergy33_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_at = Evaluator(date(2026, 12, 1))
NOT_TOLERATED = "order-not-tolerated"
RUNNING = "running-drug-allergy"


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_an_ehr_chart(name: str) -> None:
    chart_files.check_chart(_chart(name))


def _card(name: str, topic: str) -> Doc | None:
    return _at.by_topic(_chart(name)).get(topic)


# --- 1: dosing continued since the entry ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "topic"),
    [
        ("a15_rash_2023_sertraline_since_2023_renewal", NOT_TOLERATED),
        ("a16_rash_2023_sertraline_since_2023_pv", RUNNING),
    ],
)
def test_years_of_dosing_since_a_rash_entry_settle_it(name: str, topic: str) -> None:
    assert _card(name, topic) is None


@pytest.mark.parametrize(
    ("name", "topic"),
    [
        ("a17_serotonin_syndrome_2023_sertraline_since_2023_renewal", NOT_TOLERATED),
        ("a18_serotonin_syndrome_2023_sertraline_since_2023_pv", RUNNING),
        ("a19_serotonin_syndrome_2023_sertraline_since_2023_draft_150", NOT_TOLERATED),
    ],
)
def test_a_severe_entry_dosed_through_for_years_is_a_warning(name: str, topic: str) -> None:
    card = _card(name, topic)
    assert card is not None
    assert card["indicator"] == "warning"
    assert "serotonin syndrome recorded 2023-03-20" in card["summary"]
    assert "ran on 1352 days since (at least the 42 days" in card["detail"]
    assert "reconcile it" in card["detail"]


@pytest.mark.parametrize(
    ("name", "topic"),
    [
        ("a13_control_epic_reorder_after_entry_renewal", NOT_TOLERATED),
        ("a14_control_epic_reorder_after_entry_pv", RUNNING),
    ],
)
def test_a_re_order_after_a_recent_entry_still_gives_the_card(name: str, topic: str) -> None:
    card = _card(name, topic)
    assert card is not None
    assert card["indicator"] == "warning"
    assert "rash recorded 2026-11-20" in card["summary"]
    assert "and the course ran on." in card["detail"]


# --- 2: a doubt or a mild form ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ("b01_ss_query", "Serotonin syndrome?"),
        ("b02_ss_possible", "possible serotonin syndrome"),
        ("b03_ss_ro", "r/o serotonin syndrome"),
        ("b05_ss_mild", "mild serotonin syndrome"),
        ("c16_control_possible_sjs", "possible SJS"),
    ],
)
def test_an_uncertain_or_mild_severe_reaction_is_a_warning_naming_it(
    name: str, written: str
) -> None:
    card = _card(name, NOT_TOLERATED)
    assert card is not None
    assert card["indicator"] == "warning"
    assert f"documented allergy: {written}, 2025-05-20" in card["summary"]


@pytest.mark.parametrize(
    "name",
    [
        "b06_control_ss_suspected",
        "b07_control_ss_probable",
        "b08_control_mild_rash_and_serotonin_syndrome",
        "b09_control_serotonin_toxicity",
    ],
)
def test_suspected_probable_and_another_reactions_mild_stay_critical(name: str) -> None:
    card = _card(name, NOT_TOLERATED)
    assert card is not None
    assert card["indicator"] == "critical"


# --- 3: abbreviations ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "c06_sjs_abbrev",
        "c08_dress_bare",
        "c09_nms_abbrev",
        "c12_sjs_ten",
        "c13_control_sjs_hyphen",
    ],
)
def test_a_severe_reaction_abbreviated_in_the_manifestation_is_critical(name: str) -> None:
    card = _card(name, NOT_TOLERATED)
    assert card is not None
    assert card["indicator"] == "critical"


@pytest.mark.parametrize("name", ["c14_control_rash_ten_days_in", "c15_control_sjs_in_note_only"])
def test_ten_in_lower_case_or_an_abbreviation_in_the_note_is_no_severe_reaction(name: str) -> None:
    card = _card(name, NOT_TOLERATED)
    assert card is not None
    assert card["indicator"] == "warning"
