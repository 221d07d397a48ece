"""Session 25 review RA (age at both ends): older-adult and under-25 dose safety.

- Finding 1: nortriptyline 75 mg/day at 78 with a partial response read "then raise nortriptyline
  from 75 toward 150 mg/day". The Pamelor label gives elderly patients 30 to 50 mg/day
  (data/older_adult_doses.csv, kind "recommended"): the optimise card no longer proposes the raise
  (the same cap as citalopram 20 mg/day over 60: age_limits.capped), and the age-limit card names
  the labelled dose. Amitriptyline has no row (its label's 50 mg/day is for patients intolerant of
  more, not a recommended or maximum dose).

Charts: tests/services/age_dose_safety_charts/ (US Core / Epic shaped requests, every prefetch key).
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
OPTIMISE = "optimize-switch-augment"
AGE_CARD = "dose-above-age-limit"

_chart = chart_files.loader(Path(__file__).parent / "age_dose_safety_charts")
_at = Evaluator(date(2026, 12, 1))
_by_topic = _at.by_topic


# --- finding 1: the older-adult nortriptyline dose ----------------------------------------------


def test_nortriptyline_at_78_is_not_raised_above_the_labelled_elderly_dose() -> None:
    cards = _by_topic(_chart("nortriptyline75_partial_at_78"))
    optimise = cards[OPTIMISE]
    assert "toward 150" not in optimise["summary"]
    assert "raise nortriptyline" not in optimise["summary"]
    assert "**Dose first:**" not in optimise["detail"]
    assert optimise["summary"].endswith("then add an adjunct to nortriptyline")
    age = cards[AGE_CARD]
    assert age["summary"] == (
        "Nortriptyline 75 mg/day at age 78: above the labelled recommended 50 mg/day from age 65"
    )
    assert "Source: Pamelor label, Dosage (elderly patients)." in age["detail"]
    assert [s["label"] for s in age["suggestions"]] == ["Reduce nortriptyline to 50 mg/day"]


def test_nortriptyline_at_64_keeps_the_adult_range() -> None:
    """The row starts at 65 (the label's 'elderly' has no age: ICH E7's 65)."""
    doc = _chart("nortriptyline75_partial_at_78")
    doc["prefetch"]["patient"]["birthDate"] = "1962-02-01"
    cards = _by_topic(doc)
    assert AGE_CARD not in cards
    assert "raise nortriptyline from 75 toward 150 mg/day" in cards[OPTIMISE]["summary"]
