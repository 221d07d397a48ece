"""Fix allergy32 (s30, recheck K21 of course31 and allergy31).

1. UNSAFE: a short RUNNING course of a RELATED drug released the allergy. An escitalopram allergy
   (anaphylaxis, or hives; 2025-05-20), citalopram active since 2026-11-20 (12 days on
   2026-12-02), an order-sign draft of citalopram: no allergy card, only the SNRI-overlap warning
   (r1, r2), while the same course ended after 3 days answered the critical "citalopram contains
   escitalopram" (r4). `_cross_reactive_check` and `_shared_ingredient_check` returned None
   whenever a course of the drafted drug ran ("a renewal"). course31's rule now holds for both:
   a running course settles the entry only once it has run the settling length
   (tolerability.rechallenge_settles: the adequacy weeks at an adequate dose, or 42 days at any
   dose), as an ended one does. The cross-reaction card names the course "since 2026-11-20 runs
   now, 12 days so far"; the shared-ingredient card (bupropion anaphylaxis, Auvelity running 12
   days: s1) says "check before continuing it" and is critical for a severe reaction, as the
   drug's own and a cross-reactive allergy's cards are (it was a warning whatever the reaction).
   Controls: citalopram / Auvelity running since 2025-09 with monthly fills settle it (r3, s2).
2. Left as is (K21 #6): a single dispense typed refill ("RF") shows that supply came before it,
   not how long: it cannot show a course of the settling length, so the warning on the sertraline
   renewal after a 2015 nausea allergy stays ("documented as not tolerated... check before
   continuing it").
3. Reactions read as severe (allergy_classes.csv `severe` rows): serotonin syndrome / serotonin
   toxicity, Stevens-Johnson syndrome (SNOMED CT 73442001), toxic epidermal necrolysis, DRESS,
   neuroleptic malignant syndrome, agranulocytosis beside anaphylaxis and angioedema: an
   escitalopram allergy "Serotonin syndrome" with criticality low and no severity is critical
   (v1; SJS coded only, v2; TEN in words, v3). Controls: hives (v4) and a negated "no serotonin
   syndrome" (v5) stay warnings.

Charts: tests/services/allergy32_charts/ (all 19 prefetch keys), made from K21's and course31's.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files
from tests.services.helpers import Doc, Evaluator

pytestmark = pytest.mark.real_drug_table

DIR = Path(__file__).parent / "allergy32_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_at = Evaluator(date(2026, 12, 2))


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_an_ehr_chart(name: str) -> None:
    chart_files.check_chart(_chart(name))


def _allergy_cards(name: str) -> list[Doc]:
    """The cards on the drafted drug's allergy (not the SNRI-overlap warning)."""
    cards = _at.cards(_chart(name))
    return [c for c in cards if "two serotonin reuptake inhibitors" not in c["summary"]]


# --- 1: a short running course of a related drug ---------------------------------------------


def test_12_days_of_running_citalopram_do_not_release_an_escitalopram_anaphylaxis() -> None:
    (card,) = _allergy_cards("r1_esc_anaphylaxis_citalopram_running_12d")
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Escitalopram: anaphylaxis on record (allergy, 2025-05-20): citalopram contains "
        "escitalopram (its S-enantiomer)"
    )
    assert (
        "A course of citalopram since 2026-11-20 runs now, 12 days so far: too short to show it "
        "is tolerated."
    ) in card["detail"]


def test_12_days_of_running_citalopram_do_not_release_an_escitalopram_hives_allergy() -> None:
    (card,) = _allergy_cards("r2_esc_hives_citalopram_running_12d")
    assert card["indicator"] == "warning"
    assert "citalopram contains escitalopram" in card["summary"]
    assert "runs now, 12 days so far" in card["detail"]


def test_citalopram_running_for_over_a_year_settles_the_entry() -> None:
    assert _allergy_cards("r3_control_esc_hives_citalopram_running_since_2025_09") == []


def test_a_3_day_ended_course_still_reads_as_before() -> None:
    (card,) = _allergy_cards("r4_control_esc_anaphylaxis_citalopram_3d_ended")
    assert card["indicator"] == "critical"
    assert "(3 days) after the entry is too short to show it is tolerated." in card["detail"]


def test_12_days_of_running_auvelity_do_not_release_a_bupropion_anaphylaxis() -> None:
    (card,) = _allergy_cards("s1_bupropion_anaphylaxis_auvelity_running_12d")
    assert card["indicator"] == "critical"
    assert card["summary"].startswith("Dextromethorphan-bupropion contains bupropion")
    assert card["summary"].endswith("check before continuing it")
    assert "bupropion (documented allergy: Anaphylaxis, 2025-05-20)" in card["detail"]


def test_auvelity_running_for_over_a_year_settles_the_entry() -> None:
    assert _allergy_cards("s2_control_bupropion_hives_auvelity_running_since_2025_09") == []


# --- 3: reactions read as severe --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reaction"),
    [
        ("v1_serotonin_syndrome_low_criticality_no_severity", "Serotonin syndrome"),
        ("v2_sjs_coded_low_criticality", "SJS"),
        ("v3_ten_words_low_criticality", "Toxic epidermal necrolysis"),
    ],
)
def test_a_life_threatening_reaction_is_critical_whatever_the_criticality(
    name: str, reaction: str
) -> None:
    (card,) = _allergy_cards(name)
    assert card["indicator"] == "critical"
    assert f"(documented allergy: {reaction}, 2025-05-20)" in card["summary"]


@pytest.mark.parametrize(
    "name", ["v4_control_hives_low_criticality", "v5_control_no_serotonin_syndrome"]
)
def test_hives_and_a_negated_serotonin_syndrome_stay_warnings(name: str) -> None:
    (card,) = _allergy_cards(name)
    assert card["indicator"] == "warning"
    assert card["summary"].startswith("Escitalopram was documented as not tolerated")
