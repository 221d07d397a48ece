"""Review s20 item 1: every card that names a running dose with a date names the day that dose
began (services/trial_dates.py `dose_since` / `named_since`, session 19's rule for the optimise
card), never the course's start beside the present dose.

Before, on these charts (as of 2026-12-01):
- w01 renal and interaction cards: "Lithium 900 mg/day, running since 2026-05-04" when lithium
  ran at 600 mg/day from May 4 and 900 mg/day began on September 7;
- w02 low-sodium card: "Escitalopram 20 mg/day, running since 2026-06-01" (20 mg from Aug 3);
- w03 optimise card's inducer line: "Carbamazepine 400 mg/day (running since 2025-12-01)" (its
  highest dose; 400 mg from 2026-06-01);
- w04 formulation card: "**Bupropion SR 450 mg/day** (running since 2026-05-04)" (450 mg from
  2026-09-01).
Now "lithium, running since 2026-05-04; 900 mg/day since 2026-09-07" and the like; a course on
one dose keeps the short form ("lisinopril 10 mg/day, running since 2026-01-05").

Charts: tests/services/wording20_charts/ (Epic / US Core shaped requests, every prefetch key).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
_chart = chart_files.loader(Path(__file__).parent / "wording20_charts")


_at = Evaluator(AS_OF)


def _cards(name: str) -> dict[str, Doc]:
    return _at.by_topic(_chart(name))


LITHIUM = "w01_lithium_600_to_900_egfr45_lisinopril"


def test_the_renal_card_names_the_day_900_mg_of_lithium_began() -> None:
    detail = _cards(LITHIUM)["running-drug-renal"]["detail"]
    assert "Lithium 900 mg/day, running since 2026-05-04" not in detail
    assert "- **Lithium:** Lithium, running since 2026-05-04; 900 mg/day since 2026-09-07. " in (
        detail
    )


def test_the_lithium_interaction_card_names_the_day_900_mg_began() -> None:
    detail = _cards(LITHIUM)["drug-interaction"]["detail"]
    assert "lithium 900 mg/day, running since 2026-05-04" not in detail
    assert "lithium, running since 2026-05-04; 900 mg/day since 2026-09-07; lisinopril" in detail
    # One dose the whole course: the short form stays.
    assert "lisinopril 10 mg/day, running since 2026-01-05. " in detail


def test_the_low_sodium_card_names_the_day_20_mg_of_escitalopram_began() -> None:
    detail = _cards("w02_escitalopram_10_to_20_sodium_128")["running-drug-low-sodium"]["detail"]
    assert "Escitalopram 20 mg/day, running since 2026-06-01" not in detail
    assert "- Escitalopram, running since 2026-06-01; 20 mg/day since 2026-08-03. " in detail
    # The sodium before the drug is still read against the course's start.
    assert "Last sodium before it started: 139 mmol/L on 2026-05-20." in detail


def test_the_inducer_line_names_the_present_dose_and_the_day_it_began() -> None:
    cards = _cards("w03_carbamazepine_200_to_400_two_failed_trials")
    detail = cards["optimize-switch-augment"]["detail"]
    assert "Carbamazepine 400 mg/day (running since 2025-12-01)" not in detail
    assert (
        "Carbamazepine (running since 2025-12-01; 400 mg/day since 2026-06-01), a CYP3A4 "
        "inducer, beside options listed: lowers mirtazapine levels"
    ) in detail


def test_the_formulation_card_names_the_day_450_mg_began() -> None:
    card = _cards("w04_bupropion_sr_300_to_450")["running-dose-above-formulation-max"]
    assert "(running since 2026-05-04):" not in card["detail"]
    assert (
        "**Bupropion SR 450 mg/day** (running since 2026-05-04; 450 mg/day since 2026-09-01): "
        "the labelled maximum of this formulation is 400 mg/day"
    ) in card["detail"]
