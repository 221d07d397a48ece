"""Review s21 RR2: the optimise card's lithium level, read for the patient and the course.

1. Recheck L3: lithium 600 mg/day, level 0.45 mmol/L at 79 read "raise lithium toward 0.5-0.8
   mmol/L first". At policy.older_adult_age and over the target is lab_safety.csv
   lithium-target-older (NICE NG222: 0.4-0.6 mmol/L at 65 and over): 0.45 is in it, no "raise
   first", and the line names the older-adult target.
2. Recheck L4: a level of 1.6 (toxic) on 11-18, then 0.3 on 11-20, same course, read "raise
   lithium ... first (level 0.3)"; 1.6 named nowhere. A current level above the target before
   the last one now stops "raise first" and is named with the lithium-toxic row's words.
3. Recheck L1: raised to 900 mg on 11-17, level 0.3 on 11-20 (3 days: not steady state) read
   "raise first". Now "too early after the change on 2026-11-17: repeat the level 5-7 days after
   it" (5-7 from data/level_monitoring.csv).

Charts: tests/services/lithium_level21_charts/ (the session 21 recheck's charts, built
from rf21_far_pathway_charts/lithium_600_level_0_3_below_target.json).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
OPTIMISE = "optimize-switch-augment"

_chart = chart_files.loader(Path(__file__).parent / "lithium_level21_charts")
_at = Evaluator(AS_OF)


def _optimise(name: str, policy: Policy | None = None) -> Doc:
    return _at.by_topic(_chart(name), policy=policy)[OPTIMISE]


def _text(card: Doc) -> str:
    return card["summary"] + "\n" + card.get("detail", "")


def test_older_adult_level_in_the_nice_target_is_not_raised() -> None:
    card = _optimise("L3_lithium_0_45_age_79")
    text = _text(card)
    assert "raise lithium toward" not in text
    assert "first (level 0.45" not in card["summary"]
    assert (
        "last level 0.45 mmol/L on 2026-11-20: in the 0.4-0.6 mmol/L target at 65 and over" in text
    )
    assert "NICE NG222" in text


def test_older_adult_age_is_the_clinics_policy() -> None:
    # Raised to 80, the 79-year-old is read against the general 0.5-0.8 target again.
    card = _optimise("L3_lithium_0_45_age_79", Policy(older_adult_age=80))
    assert "raise lithium toward 0.5-0.8 mmol/L first (level 0.45 on 2026-11-20)" in card["summary"]


def test_a_toxic_level_before_a_low_one_is_named_not_raised() -> None:
    card = _optimise("L4_lithium_toxic_1_6_then_0_3")
    text = _text(card)
    assert "raise lithium toward" not in text
    assert "raise it toward" not in text
    assert "level 1.6 on 2026-11-18 (at the toxicity line)" in card["summary"]
    assert (
        "level 1.6 mmol/L on 2026-11-18, above the 0.5-0.8 mmol/L target (at or above 1.5 mmol/L,"
        " where the lithium label puts a greater risk of toxicity)" in text
    )
    assert "do not raise it on the later level" in text


def test_a_level_three_days_after_a_raise_is_too_early() -> None:
    card = _optimise("L1_lithium_raised_3_days_before_level")
    text = _text(card)
    assert "raise lithium toward" not in text
    assert "raise it toward" not in text
    assert "repeat the level 5-7 days after it" in card["summary"]
    assert "too early after the change on 2026-11-17" in card["summary"]
    assert "Its level is too early after the change on 2026-11-17" in text


# --- the lithium-ECT line (services/lithium_ect.py) ----------------------------------------------


def _all_text(name: str) -> str:
    return "\n".join(_text(c) for c in _at.cards(_chart(name)))


@pytest.mark.parametrize(
    ("name", "held"),
    [
        ("E1_lithium_stopped_before_ect", "its order stopped on 2026-11-18"),
        ("E1b_lithium_on_hold_for_ect", "its order on hold (supply on record to 2026-12-01)"),
    ],
)
def test_a_stopped_or_held_lithium_order_is_not_called_running(name: str, held: str) -> None:
    # Recheck E1/E1b: "lithium 600 mg/day since 2026-09-10 during an ECT course" for an order
    # stopped ("Held before ECT") or on hold; its fill of 11-09 may still be at home.
    text = _all_text(name)
    assert "lithium 600 mg/day since 2026-09-10 during an ECT course" not in text
    assert (
        f"**Lithium during ECT:** lithium 600 mg/day since 2026-09-10, {held}, during an ECT "
        "course (last session 2026-11-23): confirm it is not being taken" in text
    )


def test_an_ect_order_left_active_after_its_course_is_no_current_course() -> None:
    # Recheck E2: sessions in May only, the ECT order of 2026-04-20 still `active`.
    assert "Lithium during ECT" not in _all_text("E2_ect_6_months_ago_order_left_active")
    assert "Lithium during ECT" not in _all_text("E3_ect_6_months_ago_no_order")


def test_an_old_ect_order_with_no_session_after_it_still_counts() -> None:
    # An order with no session after it is a course not yet started: it counts at any age.
    doc = _chart("E2_ect_6_months_ago_order_left_active")
    procedures = doc["prefetch"]["procedures"]
    procedures["entry"] = [
        e for e in procedures["entry"] if "90870" not in str(e["resource"].get("code"))
    ]
    procedures["total"] = len(procedures["entry"])
    text = "\n".join(_text(c) for c in _at.cards(doc))
    assert "during an ECT course (ECT order of 2026-04-20 active)" in text


# --- IV ketamine doses with a stated reason (fhir_mapping/named_doses.py) -----------------------

_KETAMINE_LINE = "**IV ketamine on the MAR in this episode:**"


def test_ketamine_doses_given_for_burn_dressings_are_not_a_possible_depression_series() -> None:
    # Recheck K1: six IV doses, reasonCode "Burn dressing change" (SNOMED 225401003).
    text = _all_text("K1_ketamine_burn_dressing_changes")
    assert _KETAMINE_LINE not in text
    assert "IV ketamine (off-label)" in text  # still offered: never given for depression


def test_ketamine_doses_given_for_depression_are_still_named() -> None:
    doc = _chart("K1_ketamine_burn_dressing_changes")
    for resource in chart_files.prefetch_resources(doc):
        if resource["resourceType"] == "MedicationAdministration" and "ketamine" in str(
            resource.get("medicationCodeableConcept")
        ):
            resource["reasonCode"] = [
                {
                    "coding": [
                        {
                            "system": "http://snomed.info/sct",
                            "code": "1153570009",
                            "display": "Treatment resistant depression (disorder)",
                        }
                    ],
                    "text": "Treatment resistant depression",
                }
            ]
    text = "\n".join(_text(c) for c in _at.cards(doc))
    assert f"{_KETAMINE_LINE} given on 6 days" in text
