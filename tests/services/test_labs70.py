"""Session 42 labs70: review K71a findings 1-4 (lab-driven safety cards on vendor-shaped labs).

- Finding 1 (UNSAFE): a sodium valueQuantity {value: 118} with no unit, code or flag, venlafaxine
  and lithium running, was silent while the text "124" was critical: the sodium row of
  lab_ranges.csv says `bare_quantity yes` (read in mmol/L within 80-200), as lithium's does.
- Finding 2 (UNSAFE): a lithium level of 1.6 under a local code only (Epic urn:oid "LITHIUM LVL",
  Oracle code set 72 "Lithium, Serum") read "level due (none on record)" (info) and "no lithium
  level since ...": the level is named with its value ("under a local code: read it"), the
  monitoring card is a warning; a local-coded sodium is named in place of "no sodium in 365 days".
- Finding 3: an eGFR under 48642-3 / 88294-4 (race-specific MDRD, CKD-EPI) was not read.
- Finding 4: a free T4 under 14920-3 (pmol/L) was dropped; a bound with no unit under it is pmol/L.

Charts: tests/services/labs70_charts/ (built from K71a's harness: lab57 b1 lithium + venlafaxine +
lisinopril, diagnosis_review22 control_normal_tsh).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "labs70_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

LITHIUM = "running-lithium-level"
SODIUM = "running-drug-low-sodium"
RENAL = "running-drug-renal"
PAIR = "drug-interaction"
DIAGNOSIS = "diagnosis-review"

FIXED = {
    "f1_sodium_118_quantity_no_unit": "finding 1",
    "f2_lithium_1_6_epic_local_code": "finding 2",
    "f2_lithium_1_6_oracle_local_code": "finding 2",
    "f2_sodium_127_epic_local_code": "finding 2",
    "f3_egfr_25_48642_3": "finding 3",
    "f3_egfr_25_88294_4": "finding 3",
    "f3c_egfr_75_88294_4": "finding 3 (read: was a lab not read, now above every band)",
    "f4_free_t4_8_pmol_14920_3": "finding 4",
    "f4_free_t4_text_bound_5_14920_3": "finding 4",
}

CONTROLS = {
    "f1c_sodium_124_text": "control",
    "f1c_sodium_140_quantity_no_unit": "control",
    "f2c_lithium_1_6_loinc": "control",
    "f2c_lithium_0_6_loinc_then_local_older": "control",
    "f3c_egfr_25_33914_3": "control",
    "f4c_free_t4_15_pmol_14920_3": "control",
    "f4c_free_t4_8_pmol_3024_7": "control",
}


def test_the_folder_holds_the_named_charts() -> None:
    chart_files.check_folder(_FOLDER, FIXED, CONTROLS)


@pytest.mark.parametrize(
    ("name", "said"),
    [("f1_sodium_118_quantity_no_unit", "Sodium 118"), ("f1c_sodium_124_text", "Sodium 124")],
)
def test_a_profound_sodium_with_no_unit_is_critical(name: str, said: str) -> None:
    card = _cards(name)[SODIUM]
    assert card["indicator"] == "critical"
    assert card["summary"].startswith(said)
    assert "profound hyponatraemia" in card["summary"]


def test_control_a_normal_sodium_with_no_unit_gets_no_card() -> None:
    assert SODIUM not in _cards("f1c_sodium_140_quantity_no_unit")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("f2_lithium_1_6_epic_local_code", "1.6 mmol/L"),
        ("f2_lithium_1_6_oracle_local_code", "1.6 mEq/L"),
    ],
)
def test_a_lithium_level_under_a_local_code_is_named_never_none_on_record(
    name: str, value: str
) -> None:
    cards = _cards(name)
    card = cards[LITHIUM]
    assert card["indicator"] == "warning"
    said = f"lithium level {value} on 2026-11-25 under a local code: read it"
    assert said in card["summary"]
    assert "none on record" not in card["summary"]
    assert f"Level: no lithium level read: {said}" in card["detail"]
    pair = cards[PAIR]
    assert f"level {value} on 2026-11-25 under a local code: read it" in pair["summary"]
    assert "no lithium level since" not in pair["summary"] + pair["detail"]
    # The optimise card's proposals wait for the level, in the due card's words.
    assert "Not one click while the lithium level is not read" in _all(cards)


def test_a_sodium_under_a_local_code_is_named_never_missing() -> None:
    card = _cards("f2_sodium_127_epic_local_code")[LITHIUM]
    assert "sodium 127 mmol/L on 2026-11-20 under a local code: read it" in card["summary"]
    assert "no sodium in" not in card["summary"]


def test_control_a_coded_toxic_lithium_stays_critical() -> None:
    card = _cards("f2c_lithium_1_6_loinc")[LITHIUM]
    assert card["indicator"] == "critical"
    assert "under a local code" not in card["summary"]


def test_control_a_local_level_older_than_a_coded_one_is_left_to_it() -> None:
    cards = _cards("f2c_lithium_0_6_loinc_then_local_older")
    assert LITHIUM not in cards
    assert "last level 0.6 on 2026-11-25" in cards[PAIR]["summary"]
    assert "under a local code: read it" not in _all(cards)


@pytest.mark.parametrize(
    "name", ["f3_egfr_25_48642_3", "f3_egfr_25_88294_4", "f3c_egfr_25_33914_3"]
)
def test_an_egfr_under_each_code_reaches_the_renal_card(name: str) -> None:
    card = _cards(name)[RENAL]
    assert "eGFR 25 on 2026-11-20" in card["summary"]
    assert "lithium 600 mg/day" in card["summary"]


def test_an_egfr_above_every_band_is_read_not_a_gap() -> None:
    cards = _cards("f3c_egfr_75_88294_4")
    assert RENAL not in cards
    assert "data-quality" not in cards


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("f4_free_t4_8_pmol_14920_3", "free T4 low 8"),
        ("f4_free_t4_text_bound_5_14920_3", "free T4 low <5"),
        ("f4c_free_t4_8_pmol_3024_7", "free T4 low 8"),
    ],
)
def test_a_low_free_t4_in_pmol_per_l_is_read_under_either_code(name: str, said: str) -> None:
    card = _cards(name)[DIAGNOSIS]
    assert said in card["summary"]


def test_control_a_normal_free_t4_under_the_moles_code_gets_no_card() -> None:
    assert DIAGNOSIS not in _cards("f4c_free_t4_15_pmol_14920_3")


def test_the_new_codes_are_read_not_asked_for() -> None:
    # `labs` and `labsSI` have no room under MAX_QUERY_BYTES (observation_codes.csv asked no).
    from services import catalog

    for key in (catalog.LABS, catalog.LABS_SI):
        query = catalog._observation_query(catalog.NO_SITE_CODES, key)
        assert catalog.query_bytes(query) <= catalog.MAX_QUERY_BYTES
        for code in ("48642-3", "48643-1", "88294-4", "88293-6", "14920-3"):
            assert code not in query


def _all(cards: dict[str, dict[str, str]]) -> str:
    return "\n".join(c["summary"] + "\n" + c.get("detail", "") for c in cards.values())
