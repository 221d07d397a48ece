"""An augmenting agent started before the current episode and still running is running (review
13 W8): named with its start on the optimise card, counted in the Maudsley augmentation
dimension, never proposed, and its level "due" once older than its monitoring interval
(services/data/level_monitoring.csv: lithium every 6-12 months, CANMAT 2023 para 164).

Before, lithium since 2024-01-15 beside an episode that began later was left out of
PathwayFacts.augmentations: the optimise card never named it, Maudsley read "Augmentation 0 (not
used)", and a level 14 months old went unremarked.

Charts are US Core shaped as Epic sends them (tests/fixtures/builders.py): the lithium level a
lab Observation, category laboratory, LOINC 14334-7 in mmol/L.
"""

from __future__ import annotations

from datetime import date

import pytest

from fhir_mapping.record import PatientRecord
from services.pathway import derive_facts
from services.policy import Policy
from services.staging import maudsley_stage
from tests.services.test_lithium_level_card import (
    LITHIUM_300,
    OPTIMISE,
    TOPIC,
    _cards,
    _chart,
    _level,
    _medication_orders,
    _order,
)

pytestmark = pytest.mark.real_drug_table


def _before_episode(*levels: dict[str, object]) -> PatientRecord:
    """Lithium 600 mg/day since 2024-01-15; the episode (F33.2, sertraline) from 2024-06-03."""
    return _chart(_order(LITHIUM_300, date(2024, 1, 15), 2, "mr-li"), *levels)


def test_lithium_from_before_the_episode_counts_as_a_running_augmentation() -> None:
    record = _before_episode(_level(date(2024, 3, 20), 0.6, "N", rid="li-old"))
    facts = derive_facts(record, Policy())
    assert facts.episode_start == date(2024, 6, 3)
    assert [t.ingredient for t in facts.augmentations] == ["lithium"]
    staging = maudsley_stage(record, facts)
    assert staging.augmentation.points == 1


def test_the_optimise_card_names_it_running_with_its_start_and_the_level_due() -> None:
    cards = _cards(_before_episode(_level(date(2024, 3, 20), 0.6, "N", rid="li-old")))
    optimise = cards[OPTIMISE]
    assert "Adjuncts already used in this episode: lithium." in optimise.detail
    assert (
        "running since 2024-01-15; last level 0.6 mmol/L on 2024-03-20 (14 months ago: due; "
        "every 6-12 months, CANMAT 2023 para 164)" in optimise.detail
    )
    # Never proposed: it runs.
    assert not any("lithium" in label.lower() for label in _medication_orders(optimise))
    second_line = [line for line in optimise.detail.split(". ") if "Second line" in line]
    assert all("lithium" not in line for line in second_line)
    # a level in range: no above-target card (the monitoring-due info card may speak: lith49)
    assert TOPIC not in cards or cards[TOPIC].indicator == "info"


def test_no_level_at_all_is_said() -> None:
    optimise = _cards(_before_episode())[OPTIMISE]
    assert "running since 2024-01-15; no lithium level on record" in optimise.detail


def test_a_recent_level_is_not_due() -> None:
    optimise = _cards(_before_episode(_level(date(2025, 3, 3), 0.6, "N", rid="li-new")))[OPTIMISE]
    assert "last level 0.6 mmol/L on 2025-03-03;" in optimise.detail
    assert "due" not in optimise.detail.split("last level 0.6 mmol/L")[1].split(";")[0]


def test_a_lithium_course_that_ended_before_the_episode_is_not_counted() -> None:
    import tests.fixtures.builders as b

    stopped = b.medication_request(
        *LITHIUM_300,
        date(2023, 1, 9),
        dose_value=1,
        frequency=2,
        expected_supply_days=30,
        status="stopped",
        bounds_end=date(2023, 6, 5),
        patient="p-lithium-level",
        id="mr-li-old",
    )
    facts = derive_facts(_chart(stopped), Policy())
    assert facts.augmentations == ()
