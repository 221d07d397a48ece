"""Mixed numbers, halves and number words in a free-text sig (fhir_mapping/sig_numbers.py;
session 34 fix dose51, review K38b finding 1, UNSAFE). Before the fix "1 1/2" became "1 0.5" and
"one and one-half" "1 and 0.5": both read as 0.5 per dose."""

from __future__ import annotations

import pytest

from fhir_mapping.dose_sig import normalise_sig, sig_doses


@pytest.mark.parametrize(
    ("sig", "value", "per_day"),
    [
        ("Take 1 1/2 tablets by mouth 2 times daily", 1.5, (2, 2)),
        ("Take 1 1/2 tabs po qd", 1.5, (1, 1)),
        ("take one and one-half capsules daily", 1.5, (1, 1)),
        ("take one and a half tablets daily", 1.5, (1, 1)),
        ("Take 1 and 1/2 tablets daily", 1.5, (1, 1)),
        ("Take 2 1/2 tablets daily", 2.5, (1, 1)),
        ("Take 1\u00bd tablets daily", 1.5, (1, 1)),
        ("Take 1-1/2 tablets daily", 1.5, (1, 1)),
        ("take two and half tablets at bedtime", 2.5, (1, 1)),
        # Controls: read as before.
        ("Take 1.5 tablets by mouth 2 times daily", 1.5, (2, 2)),
        ("Take 1/2 tab daily", 0.5, (1, 1)),
        ("Take one half tablet daily", 0.5, (1, 1)),
        ("Take \u00bd tablet daily", 0.5, (1, 1)),
        ("Take two tablets daily", 2.0, (1, 1)),
    ],
)
def test_the_amount_is_the_whole_number_plus_the_fraction(
    sig: str, value: float, per_day: tuple[float, float]
) -> None:
    (dose,) = sig_doses(sig)
    assert (dose.value, dose.high, dose.per_day) == (value, None, per_day), dose


def test_a_range_ending_in_a_mixed_number() -> None:
    (dose,) = sig_doses("Take 1-1 1/2 tablets daily")
    assert (dose.value, dose.high) == (1.0, 1.5), dose


def test_a_range_starting_with_a_half() -> None:
    (dose,) = sig_doses("Take 1/2-1 tablet daily")
    assert (dose.value, dose.high) == (0.5, 1.0), dose


@pytest.mark.parametrize(
    ("sig", "normalised"),
    [
        # A step's number is not the dose's whole part.
        ("Week 1 1/2 tab daily, week 2 1 tab daily", "week 1 0.5 tab daily, week 2 1 tab daily"),
        ("Day 1 1/2 tab", "day 1 0.5 tab"),
        # A half in words joins a whole number only through "and".
        ("1 half tab daily", "1 0.5 tab daily"),
        # Epic's "2 (two) times daily" still folds to one number.
        ("Take 1 1/2 tablets 2 (two) times daily", "take 1.5 tablets 2 times daily"),
    ],
)
def test_what_is_not_a_mixed_number(sig: str, normalised: str) -> None:
    assert normalise_sig(sig) == normalised
