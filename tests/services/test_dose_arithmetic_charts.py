"""Dose arithmetic every card rests on (session 22 RU review, findings 1, 2 and 6).

- Finding 1: words for one time of day were counted as two doses. "Take 1 tablet (15 mg) by
  mouth nightly at bedtime" read 30 mg/day ("raise mirtazapine 30 -> 45", one-click to 45 = 3x
  the dose taken); an ODT 30 mg draft "every night at bedtime", or timed HS with the text
  "nightly at bedtime", read 60 mg/day, above the US label's 45. Sig times of day are now
  counted by slot (data/sig_frequencies.csv `slot`), and a local "HS"/"QHS" timing code is read
  as the sig term it is. Evening and bedtime stay two slots (dose_tables.time_slots says why);
  one amount "every evening at bedtime" is 1-2 a day (session 22 RUC).
- Finding 2: "2 tablets every morning" and "1 tablet every evening" of sertraline 50 mg as
  dosage lines sequence 1 and 2, one start, no end, read as two steps (100, then 50) and offered
  "raise to 150", the dose taken. Numbered lines are steps only when an earlier line ends (or a
  later one says "then"): dose_steps.governing_lines.
- Finding 6: "1-2 tablets" of 50 mg ordered, 60 tablets per 30 days filled: the Dose first
  section said "100 mg/day" with no word that the 100 comes from the fills and the order allows
  50-100. It now says "dose from fills, ordered 50-100 mg/day". Session 34 fix dose51 (review
  K38b finding 2): fills inside the order's range no longer read as its top at all (the first
  fill already read as the range): "sertraline 50-100 mg/day since 2026-06-01" (fill_dose.py).

Charts: tests/services/dose_arithmetic_charts/ (Epic / US Core shaped requests built from
leftover18 c01, every prefetch key; the review's r09, r17, r18, r27-r30, r36, r37).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
OPTIMISE = "optimize-switch-augment"
RUNNING_ABOVE = "running-dose-above-label-max"
ORDER_ABOVE = "order-dose-above-range"

_chart = chart_files.loader(Path(__file__).parent / "dose_arithmetic_charts")
_at = Evaluator(AS_OF)
_cards = _at.cards


def _labels(card: Doc) -> list[str]:
    return [s["label"] for s in card.get("suggestions", [])]


def _order(doc: Doc) -> Doc:
    resource: Doc = doc["prefetch"]["medicationRequests"]["entry"][0]["resource"]
    return resource


def _mg_per_day(doc: Doc) -> float | None:
    """The running course's dose as the record reads it (one course on these charts)."""
    _, record = _at.by_topic_and_record(doc)
    (trial,) = record.trials
    return trial.current_mg_per_day


# --- finding 1: one time of day, one dose ------------------------------------------------------


def test_nightly_at_bedtime_is_one_dose_not_a_raise_from_30() -> None:
    doc = _chart("mirtazapine15_sig_nightly_at_bedtime")
    card = by_topic(_cards(doc))[OPTIMISE]
    assert "Mirtazapine 15 mg/day is below the adequate range" in card["summary"]
    assert "30 mg/day" not in card["detail"]
    assert not any("45 mg/day" in label for label in _labels(card))
    assert _mg_per_day(doc) == 15


def test_every_night_at_bedtime_draft_is_not_above_the_label_maximum() -> None:
    cards = _cards(_chart("mirtazapine30_draft_every_night_at_bedtime_sign"))
    assert ORDER_ABOVE not in by_topic(cards)
    assert not any("60 mg/day" in c["summary"] for c in cards)


def test_hs_code_with_nightly_at_bedtime_text_draft_is_30_mg() -> None:
    cards = _cards(_chart("mirtazapine30_draft_hs_code_nightly_text_sign"))
    assert ORDER_ABOVE not in by_topic(cards)


def test_hs_code_order_reads_30_and_offers_45() -> None:
    doc = _chart("mirtazapine30_hs_order_only")
    cards = by_topic(_cards(doc))
    assert RUNNING_ABOVE not in cards
    assert "raise mirtazapine 30 → 45 mg/day first" in cards[OPTIMISE]["summary"]


def test_hs_order_with_fills_is_30_from_the_first_day() -> None:
    doc = _chart("mirtazapine30_hs_with_fills")
    card = by_topic(_cards(doc))[OPTIMISE]
    assert "mirtazapine 30 mg/day since 2026-06-01" in card["detail"]
    _, record = _at.by_topic_and_record(doc)
    (trial,) = record.trials
    assert [s.mg_per_day for s in trial.segments] == [30]


def test_a_local_qhs_code_alone_is_once_a_day() -> None:
    """No sig, no timing text: only the order's own code "QHS" (a local system) says how often.
    It was not read (not a GTS code), and the dose was unknown."""
    doc = _chart("mirtazapine30_hs_order_only")
    line = _order(doc)["dosageInstruction"][0]
    line.pop("text")
    line["timing"]["code"] = {"coding": [{"system": "urn:oid:1.2.840.114350.1", "code": "QHS"}]}
    assert _mg_per_day(doc) == 30


def test_every_evening_at_bedtime_is_one_to_two_a_day() -> None:
    """Evening and bedtime are two slots (dose_tables.time_slots), but one amount "every evening
    at bedtime" leaves it open whether they are one time or two: a range of 1-2 a day, its low
    end the dose the record proves (session 22 RUC; the high end keeps the ceiling checks awake:
    test_dose_evening_bedtime_range.py)."""
    doc = _chart("mirtazapine15_sig_nightly_at_bedtime")
    line = _order(doc)["dosageInstruction"][0]
    line["text"] = "Take 1 tablet (15 mg) by mouth every evening at bedtime"
    assert _mg_per_day(doc) == 15


# --- finding 2: numbered lines of one day ------------------------------------------------------


def test_morning_and_evening_lines_in_sequence_1_and_2_are_one_day() -> None:
    doc = _chart("sertraline_am2_pm1_seq12_order_only")
    card = by_topic(_cards(doc))[OPTIMISE]
    assert "raise sertraline 150 → 200 mg/day first" in card["summary"]
    assert "sertraline 150 mg/day since 2026-06-01" in card["detail"]
    assert "Raise sertraline to 150 mg/day (dose first, CANMAT 2023 para 187)" not in _labels(card)


def test_the_same_lines_under_one_sequence_read_the_same() -> None:
    assert _mg_per_day(_chart("sertraline_am2_pm1_same_sequence_order_only")) == 150


def test_with_fills_no_dose_steps_are_read() -> None:
    doc = _chart("sertraline_am2_pm1_seq12_with_fills")
    _, record = _at.by_topic_and_record(doc)
    (trial,) = record.trials
    assert [s.mg_per_day for s in trial.segments] == [150]
    assert not any("dose steps" in note for note in trial.notes)


def test_lines_are_steps_when_the_first_ends() -> None:
    doc = _chart("sertraline_am2_pm1_seq12_order_only")
    first, second = _order(doc)["dosageInstruction"]
    first["timing"]["repeat"]["boundsPeriod"]["end"] = "2026-06-30"
    second["timing"]["repeat"]["boundsPeriod"]["start"] = "2026-07-01"
    assert _mg_per_day(doc) == 50


def test_lines_are_steps_when_the_first_has_a_duration() -> None:
    doc = _chart("sertraline_am2_pm1_seq12_order_only")
    first, second = _order(doc)["dosageInstruction"]
    del first["timing"]["repeat"]["boundsPeriod"]
    del second["timing"]["repeat"]["boundsPeriod"]
    first["timing"]["repeat"]["boundsDuration"] = {
        "value": 14,
        "unit": "days",
        "system": "http://unitsofmeasure.org",
        "code": "d",
    }
    assert _mg_per_day(doc) == 50


def test_lines_are_steps_when_the_second_says_then() -> None:
    """Steps of no stated length: read as steps (the order's first step, as before), never
    added up to 150."""
    doc = _chart("sertraline_am2_pm1_seq12_order_only")
    _order(doc)["dosageInstruction"][1]["text"] = (
        "Then take 1 tablet (50 mg) by mouth every evening"
    )
    _, record = _at.by_topic_and_record(doc)
    (trial,) = record.trials
    assert trial.current_mg_per_day != 150
    assert any("dose steps: 100 mg/day, then 50 mg/day" in note for note in trial.notes)


# --- finding 6: a dose from fills beside the order's ------------------------------------------


def test_fills_inside_the_ordered_range_read_as_the_range() -> None:
    card = by_topic(_cards(_chart("sertraline_1to2_tabs_with_fills_60_per_30d")))[OPTIMISE]
    assert "sertraline 50-100 mg/day since 2026-06-01 (26 weeks)" in card["detail"]
    assert "dose from fills" not in card["detail"]


def test_fills_that_match_the_order_are_not_named() -> None:
    card = by_topic(_cards(_chart("sertraline_am2_pm1_seq12_with_fills")))[OPTIMISE]
    assert "dose from fills" not in card["detail"]
