"""Session 20 items L5-1..4: a dose read from a sig, and a dose not tolerated, as the cards say them.

1. A free-text sig is read only when unambiguous: a strength of one unit times its count is the
   dose ("50 mg tablet: take 2 daily" is 100 mg/day, not 50); alternatives are a range ("100 mg
   or 150 mg": 100-150, not 150); alternatives that cannot be one range are not read
   (fhir_mapping/sig_amounts.py).
2. A dose stopped for an adverse effect is never proposed, by any card (stopped_dose.stopped_cap).
3. "Not tolerated, never proposed" names the dose, not the drug, when the drug continues lower.
4. An inducer beside a trial is named by the trial_dates "since" rule, never its highest dose
   beside the course's start; the repeat-order card likewise.
Charts: tests/services/dose_reading_charts/ (Epic and Oracle-shaped sigs).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.dose import daily_dose_bounds
from tests.services import chart_files
from tests.services.helpers import Evaluator

Doc = dict[str, Any]
_chart = chart_files.loader(Path(__file__).parent / "dose_reading_charts")
AS_OF = date(2025, 8, 25)
_at = Evaluator(AS_OF, hook="patient-view")


def _cards(name: str, as_of: date = AS_OF) -> list[Doc]:
    return _at.cards(_chart(name), as_of=as_of)


def _text(cards: list[Doc]) -> str:
    return "\n".join(c["summary"] + "\n" + c.get("detail", "") for c in cards)


def _labels(cards: list[Doc]) -> list[str]:
    return [s["label"] for c in cards for s in c.get("suggestions", [])]


def _sig(text: str, strength: float | None = None) -> tuple[float | None, float | None]:
    line = {"text": text, "timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d"}}}
    return daily_dose_bounds([line], strength_mg=strength)


# --- 1. the sig reader --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sig", "expected"),
    [
        ("5 mg tablet: take 2 daily", (10.0, None)),
        ("5mg tab - take 2 tabs daily", (10.0, None)),
        ("sertraline 50 mg tablet, take 1 tablet daily", (50.0, None)),
        ("take 2 x 5 mg tablets daily", (10.0, None)),
        ("take two 5 mg tablets daily", (10.0, None)),
        ("5 mg tablet: take 1-2 daily", (5.0, 10.0)),
        # Oracle Health writes the mass equal to the count.
        ("50 mg = 1 tab(s), Oral, Daily", (50.0, None)),
        # Epic's shapes, as before.
        ("Take 1 tablet (20 mg total) by mouth daily", (20.0, None)),
        ("Take 2 tablets (10 mg total) by mouth daily", (10.0, None)),
        ("100 mg tab daily", (100.0, None)),
        ("50 mg tablet: take 100 mg daily", (100.0, None)),
    ],
)
def test_a_strength_times_its_count_is_the_dose(sig: str, expected: tuple[float, ...]) -> None:
    assert _sig(sig) == expected


@pytest.mark.parametrize(
    ("sig", "expected"),
    [
        ("5 mg or 10 mg daily", (5.0, 10.0)),
        ("5 or 10 mg daily", (5.0, 10.0)),
        ("5 mg-10 mg daily", (5.0, 10.0)),
        ("10 mg daily or 20 mg daily", (10.0, 20.0)),  # was 30: the two added up
    ],
)
def test_alternatives_are_a_range_never_one_end(sig: str, expected: tuple[float, ...]) -> None:
    assert _sig(sig) == expected


@pytest.mark.parametrize(
    "sig",
    [
        "10 mg daily or 20 mg twice daily",  # different frequencies: no one range
        "5 mg tablet and 10 mg tablet, take 1 daily",  # which strength is counted?
        "take 1 tablet daily, 50 mg tablets",  # a count before the strength
    ],
)
def test_an_ambiguous_sig_is_not_read(sig: str) -> None:
    assert _sig(sig, strength=5.0) == (None, None)


def test_a_stated_step_or_a_conditional_increase_still_reads_the_dose_taken() -> None:
    assert _sig("take 50 mg daily for 7 days then 100 mg daily") == (100.0, None)
    assert _sig("Take 50 mg daily. May increase to 100 mg if tolerated") == (50.0, None)


def test_a_dose_under_read_from_the_sig_is_not_proposed_as_a_raise() -> None:
    # Oracle-style "50 mg tablet: take 2 by mouth daily" (100 mg/day) after 150 mg was stopped
    # for an adverse effect: read as 50, the card proposed raising "to 100 mg/day", the dose taken.
    text = _text(_cards("strength_times_count_after_stopped_dose"))
    assert "100 mg/day since 2025-07-14" in text
    assert "hold at 100 mg/day" in text
    assert "to 100 mg/day (by 50 mg" not in text


def test_alternatives_in_the_sig_are_shown_as_the_range() -> None:
    text = _text(_cards("alternatives_in_sig"))
    assert "100-150 mg/day since 2025-07-14" in text
    assert "raised to 150 mg/day on 2025-06-30" not in text


# --- 2. the stopped-dose cap in every raise -------------------------------------------------------


def test_a_raise_toward_the_minimum_names_the_minimum_stopped_for_an_adverse_effect() -> None:
    cards = _cards("below_minimum_after_stopped_minimum")
    text = _text(cards)
    assert "sertraline 25 mg/day for 6 weeks so far is below the adequate range" in text
    assert "50 mg/day stopped 2025-07-14 for adverse effect: not proposed again" in text
    assert not [label for label in _labels(cards) if label.startswith("Raise sertraline")]


# --- 3. the dose not tolerated, not the drug, when the drug continues ---------------------------


def test_the_not_tolerated_line_names_the_dose_when_the_drug_continues() -> None:
    text = _text(_cards("continues_below_dose_not_tolerated"))
    assert "**Not tolerated, never proposed:** sertraline 150 mg/day (Adverse effect" in text
    assert "; 100 mg/day continues)." in text
    assert "never proposed:** sertraline (" not in text


# --- 4. the "since" rule for an inducer beside a trial ------------------------------------------


def test_an_inducer_is_named_by_its_present_dose_and_when_it_began() -> None:
    text = _text(_cards("inducer_dose_raised_during_course", date(2026, 12, 1)))
    assert "taken with carbamazepine (since 2025-12-01; 400 mg/day since 2026-06-01)" in text
    assert "carbamazepine 400 mg/day (from 2025-12-01)" not in text


def test_the_repeat_card_names_a_running_failed_course_by_its_present_dose() -> None:
    # Was "(150 mg/day, running since 2025-05-05)": the course's top dose beside its start.
    from services.order_checks.repeat import _dose_when

    result = _at.result(_chart("continues_below_dose_not_tolerated"))
    (trial,) = [t for t in result.evaluation.record.trials if t.ingredient == "sertraline"]
    assert _dose_when(trial) == "running since 2025-05-05; 100 mg/day since 2025-07-14"
