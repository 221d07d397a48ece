"""A dispense's own sig lines read by the order's multi-line rule (session 24 fix FP).

Found while building running_dose24_charts/sert_lines_to_confirm.json (whose committed fill
carries no sig): a MedicationDispense with two text-only lines, "Take 2 tablets by mouth daily" +
"Then take 3 tablets by mouth daily" (sertraline 100 mg tablets), was read as a proven
500 mg/day (the lines added up), while the MedicationRequest with the same lines is "up to 300,
to confirm". With the running-dose ceiling card (session 24 FK) that was a false overdose card,
"Sertraline 500 mg/day running: above the usual maximum of 200 mg/day", and the course counted
500 mg/day toward adequacy. Now lines to confirm are so on every kind of record (taper.with_taper)
and a dispense's lines that follow one another ("for 7 days", "then") read as their last step,
never their sum (dose_steps.governing_lines). A fill with one clear line reads as before.

Charts: tests/services/dispense_sig24_charts/ (running_dose24's sert_lines_to_confirm with the
100 mg fill's sig written back: Epic-shaped, every prefetch key).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.dose import daily_dose_bounds
from fhir_mapping.dose_steps import governing_lines
from fhir_mapping.record import PatientRecord, Trial
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
RANGE = "running-dose-above-range-max"
LABEL = "running-dose-above-label-max"

_chart = chart_files.loader(Path(__file__).parent / "dispense_sig24_charts")
_at = Evaluator(date(2025, 3, 24))


def _sertraline(record: PatientRecord) -> Trial:
    (trial,) = [t for t in record.trials if t.ingredient == "sertraline"]
    return trial


def _running_mg(trial: Trial) -> tuple[float | None, float | None]:
    present = trial.segments[-1]
    return present.mg_per_day, present.mg_per_day_upper


def test_a_fills_lines_to_confirm_stay_to_confirm() -> None:
    cards, record = _at.by_topic_and_record(_chart("sert_fill_lines_to_confirm"))
    # Before: "Sertraline 500 mg/day running: above the usual maximum of 200 mg/day".
    assert cards[RANGE]["summary"] == (
        "Sertraline up to 300 mg/day (dose to confirm) running: may be above the usual maximum "
        "of 200 mg/day"
    )
    assert "confirm the dose first" in cards[RANGE]["detail"]
    text = " ".join(c["summary"] + c["detail"] for c in cards.values())
    assert "500 mg/day" not in text
    trial = _sertraline(record)
    assert trial.dose_to_confirm_mg == 300
    # No dose the lines do not prove: not 500 (their sum), not 300 (their highest line).
    assert all(s.mg_per_day not in (300, 500) for s in trial.segments)
    assert all((s.mg_per_day_upper or 0) <= 200 for s in trial.segments)


def test_a_fills_titration_in_words_reads_its_last_step_not_the_sum() -> None:
    # "1 tablet daily for 7 days" + "Then 2 tablets daily" on the first fill and a refill a
    # month later; the order states 2 tablets (200 mg) daily.
    cards, record = _at.by_topic_and_record(_chart("sert_fill_titration_steps"))
    assert RANGE not in cards  # before: "Sertraline 300 mg/day running: above ..."
    assert LABEL not in cards
    assert _running_mg(_sertraline(record)) == (200, 200)


def test_a_fill_with_one_clear_line_reads_as_before() -> None:
    cards, record = _at.by_topic_and_record(_chart("sert_fill_one_line"))
    trial = _sertraline(record)
    assert _running_mg(trial) == (200, 200)  # the fill's "2 tablets daily": proven
    assert trial.dose_to_confirm_mg == 300  # the order's lines, as without the fill's sig
    assert cards[RANGE]["summary"] == (
        "Sertraline up to 300 mg/day (dose to confirm) running: may be above the usual maximum "
        "of 200 mg/day"
    )


def _text_line(text: str) -> dict[str, Any]:
    return {"text": text, "timing": {"code": {"text": "Daily"}}, "asNeededBoolean": False}


def test_unnumbered_lines_in_steps_govern_by_their_last_step() -> None:
    steps = [
        _text_line("Take 1 tablet by mouth daily for 7 days"),
        _text_line("Then take 2 tablets by mouth daily"),
    ]
    assert governing_lines(steps) == [steps[1]]
    assert daily_dose_bounds(steps, strength_mg=100, per_ml=False) == (200, None)
    # Lines taken together (one day's doses) still add up.
    together = [
        _text_line("Take 1 tablet by mouth every morning"),
        _text_line("Take 2 tablets by mouth at bedtime"),
    ]
    assert governing_lines(together) == together
    assert daily_dose_bounds(together, strength_mg=100, per_ml=False) == (300, None)


# --- s24 review RD finding 1: "in AM" is a time of day ----------------------------------------
# "Take 1 tab in AM and 1 tab at bedtime" (sertraline 150 mg capsules, order and fill) read 150
# mg/day: the "in AM" clause had no daily rate and was dropped, so a 300 mg/day course showed no
# above-maximum card. "in AM", "in the AM", "every AM" and their PM forms are rows of
# sig_frequencies.csv now; two lines at different times of day add up.


@pytest.mark.parametrize("name", ["sert_am_and_bedtime_one_line", "sert_am_line_and_bedtime_line"])
def test_a_morning_and_a_bedtime_tablet_add_up(name: str) -> None:
    cards, record = _at.by_topic_and_record(_chart(name))
    assert _running_mg(_sertraline(record)) == (300, 300)
    assert cards[RANGE]["summary"] == (
        "Sertraline 300 mg/day running: above the usual maximum of 200 mg/day"
    )


@pytest.mark.parametrize("name", ["sert_am_and_bedtime_one_line", "sert_am_line_and_bedtime_line"])
def test_the_am_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)
