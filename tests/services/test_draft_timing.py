"""Review s20 RB findings 1-3: a draft's timing (when its first dose is, and whether it tapers
to a stop on a date) read once (fhir_mapping/draft_timing.py, taper.read_timing) and used by the
MAOI washout check and the two-drugs-on-one-order checks.

- 1 (maoi_after_sertraline_taper_too_early): sertraline tapered 100 -> 50 -> stop (last dose
  2026-12-15) and phenelzine drafted from 2026-12-20. The critical read backwards ("sertraline
  needs 14 days off phenelzine") and never dated the problem; now it names the start, the gap and
  the first safe day (2026-12-29). An MAOI overlapping the taper, or a cross-taper out of an
  MAOI, stays critical; the MAOI on the safe day draws none.
- 2 (crosstaper_venlafaxine_duloxetine): a deliberate cross-taper was told "two SNRIs on one
  order; keep one" and "record venlafaxine's stop date"; now one information card about the
  dated overlap and serotonin toxicity, the taper said as steps, never as a dose range.
- 3 (maoi_dated_start_after_washout): phenelzine whose dosage starts 2026-12-20, after the
  washout that ends 2026-12-08, got a critical computed from today; now none. Undated, the same
  order keeps its critical (maoi_after_sertraline_7d_undated).

Charts: tests/services/draft_timing_charts/ (copied from review s20 RB's, Epic shaped, every
prefetch key, valid R4B).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from fhir_mapping.draft_timing import DraftTiming
from fhir_mapping.medication_drafts import draft_orders
from services.policy import Policy
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
MAOI = "order-maoi-interaction"
SAME_CLASS = "order-same-class-running"
REPEATS = "order-repeats-failed-trial"

_chart = chart_files.loader(Path(__file__).parent / "draft_timing_charts")


def _cards(doc: Doc) -> list[Doc]:
    result = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy())
    found: list[Doc] = result.response.to_json()["cards"]
    return found


def _topic(cards: list[Doc], topic: str) -> list[Doc]:
    return [c for c in cards if c["source"]["topic"]["code"] == topic]


def _drafts(doc: Doc) -> Doc:
    bundle: Doc = doc["context"]["draftOrders"]
    return bundle


# --- the reader ---------------------------------------------------------------------------


def test_taper_draft_timing_is_read_from_its_steps() -> None:
    sertraline, phenelzine = draft_orders(
        [_drafts(_chart("maoi_after_sertraline_taper_too_early_sign"))]
    )
    assert sertraline.timing.stops and sertraline.tapers_to_stop
    assert sertraline.timing.first_day(AS_OF) == AS_OF
    assert sertraline.timing.last_day(AS_OF) == date(2026, 12, 15)
    assert sertraline.timing.steps_text() == (
        "100 mg/day for 7 days, then 50 mg/day for 7 days, then stop"
    )
    assert not phenelzine.timing.stops
    assert phenelzine.timing.first_day(AS_OF) == date(2026, 12, 20)
    assert phenelzine.timing.last_day(AS_OF) is None


def test_undated_taper_ends_its_days_after_the_first_day() -> None:
    # 14 days from 12-01, both counted: the last dose is 12-14 (review K65a finding 4).
    timing = DraftTiming(stops=True, days=14)
    assert timing.last_day(AS_OF) == date(2026, 12, 14)
    # A stated start in the past is the day it is signed: nothing is taken before.
    assert DraftTiming(starts_on=date(2026, 11, 1)).first_day(AS_OF) == AS_OF
    assert DraftTiming(stops=True).last_day(AS_OF) is None  # "taper as directed": no date


def test_a_single_line_sig_taper_is_a_taper() -> None:
    doc = _chart("maoi_after_sertraline_taper_too_early_sign")
    resource = _drafts(doc)["entry"][0]["resource"]
    resource["dosageInstruction"] = [
        {
            "text": "Take 100 mg daily for 7 days, then 50 mg daily for 7 days, then stop",
            "timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d"}},
        }
    ]
    (sertraline,) = draft_orders([resource])
    assert sertraline.tapers_to_stop
    assert sertraline.timing.last_day(AS_OF) == date(
        2026, 12, 14
    )  # 14 days from 12-01 (K65a finding 4)


# --- finding 1: a switch into an MAOI written as a taper + a later start --------------------


def test_maoi_start_before_the_washout_after_the_taper_is_critical_and_dated() -> None:
    cards = _cards(_chart("maoi_after_sertraline_taper_too_early_sign"))
    (card,) = _topic(cards, MAOI)
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Phenelzine (MAOI) starts 2026-12-20, 5 days after sertraline's last dose: "
        "not before 2026-12-29 (14-day washout)"
    )
    detail = card["detail"]
    assert "sertraline is tapered to a stop on this same order (last dose 2026-12-15)" in detail
    assert "not before 2026-12-29" in detail
    # Never the backwards paragraph: sertraline is being stopped, not started.
    assert "Phenelzine (MAOI) → sertraline" not in detail
    assert "needs at least 14 days (2 weeks) off phenelzine" not in detail
    assert "same order" not in card["summary"]


def test_maoi_start_during_the_taper_stays_critical() -> None:
    cards = _cards(_chart("maoi_overlapping_sertraline_taper_sign"))
    (card,) = _topic(cards, MAOI)
    assert card["indicator"] == "critical"
    assert "before sertraline's last dose: not before 2026-12-29" in card["summary"]


def test_maoi_start_on_the_safe_day_after_the_taper_draws_no_maoi_card() -> None:
    assert _topic(_cards(_chart("maoi_after_sertraline_taper_on_safe_day_sign")), MAOI) == []


def test_the_order_of_the_drafts_does_not_change_the_card() -> None:
    doc = _chart("maoi_after_sertraline_taper_too_early_sign")
    _drafts(doc)["entry"].reverse()
    (card,) = _topic(_cards(doc), MAOI)
    assert card["summary"].startswith("Phenelzine (MAOI) starts 2026-12-20, 5 days after")


def test_cross_taper_out_of_an_maoi_stays_critical() -> None:
    cards = _cards(_chart("crosstaper_out_of_phenelzine_sign"))
    (card,) = _topic(cards, MAOI)
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Sertraline starts 2026-12-01, before phenelzine's last dose: not before 2026-12-29 "
        "(14-day washout)"
    )
    assert not any("Cross-taper" in c["summary"] for c in cards)


# --- finding 3: an MAOI dated to start after the washout -----------------------------------


def test_maoi_dated_after_the_washout_draws_no_critical() -> None:
    assert _topic(_cards(_chart("maoi_dated_start_after_washout_sign")), MAOI) == []


def test_maoi_undated_within_the_washout_keeps_its_critical() -> None:
    (card,) = _topic(_cards(_chart("maoi_after_sertraline_7d_undated_sign")), MAOI)
    assert card["indicator"] == "critical"
    assert "not before 2026-12-08" in card["summary"]


def test_maoi_dated_within_the_washout_is_judged_from_its_start() -> None:
    doc = _chart("maoi_dated_start_after_washout_sign")
    line = _drafts(doc)["entry"][0]["resource"]["dosageInstruction"][0]
    line["timing"]["repeat"]["boundsPeriod"]["start"] = "2026-12-05T09:30:00-05:00"
    (card,) = _topic(_cards(doc), MAOI)
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Phenelzine (MAOI) starts 2026-12-05, 11 days after sertraline stopped: not before "
        "2026-12-08 (14-day washout)"
    )


# --- finding 2: a cross-taper on one order --------------------------------------------------


@pytest.mark.parametrize(
    "name", ["crosstaper_venlafaxine_duloxetine_sign", "crosstaper_venlafaxine_duloxetine_select"]
)
def test_cross_taper_is_one_card_about_the_overlap(name: str) -> None:
    cards = _cards(_chart(name))
    (card,) = _topic(cards, SAME_CLASS)
    assert card["indicator"] == "info"
    assert card["summary"] == (
        "Cross-taper venlafaxine to duloxetine: two SNRIs overlap 2026-12-01 to 2026-12-15; "
        "watch for serotonin toxicity"
    )
    detail = card["detail"]
    assert "150 mg/day for 7 days, then 75 mg/day for 7 days, then stop" in detail
    assert "75-150 mg/day" not in detail
    text = " ".join(c["summary"] + " " + c["detail"] for c in cards)
    assert "keep one" not in text.lower()
    assert "record venlafaxine's stop date" not in text
    assert "venlafaxine still running" not in text
    # The class that failed is still said (CANMAT prefers a distinct mechanism).
    assert _topic(cards, REPEATS)


def test_cross_taper_across_classes_is_the_same_card() -> None:
    cards = _cards(_chart("crosstaper_sertraline_duloxetine_sign"))
    (card,) = _topic(cards, SAME_CLASS)
    assert card["indicator"] == "info"
    assert "two serotonin reuptake inhibitors overlap 2026-12-01 to 2026-12-15" in card["summary"]


def _venlafaxine_daily(text: str) -> Doc:
    """The cross-taper chart with venlafaxine (225 mg/day running) drafted at one daily dose,
    no step and no stop, beside the duloxetine start."""
    doc = _chart("crosstaper_venlafaxine_duloxetine_sign")
    venlafaxine = _drafts(doc)["entry"][0]["resource"]
    venlafaxine["dosageInstruction"] = venlafaxine["dosageInstruction"][:1]
    venlafaxine["dosageInstruction"][0]["text"] = text
    del venlafaxine["dosageInstruction"][0]["timing"]["repeat"]["boundsPeriod"]["end"]
    return doc


def test_two_new_drugs_of_one_class_still_keep_one() -> None:
    """No taper: two SNRIs on one order, venlafaxine at its running dose, are still "keep
    one" (review 15 W2)."""
    doc = _venlafaxine_daily("Take 3 tablets (225 mg) daily")
    summaries = [c["summary"] for c in _topic(_cards(doc), SAME_CLASS)]
    assert any("keep one" in s for s in summaries)


def test_the_running_drug_lowered_beside_a_start_is_a_cross_taper_under_way() -> None:
    """Venlafaxine 225 running, drafted at 150 with no stop, beside duloxetine: the taper's
    first step, its stop not on the order (review s27 RD finding 3), not "keep one"."""
    (card,) = _topic(_cards(_venlafaxine_daily("Take 2 tablets (150 mg) daily")), SAME_CLASS)
    assert card["indicator"] == "info"
    assert card["summary"] == (
        "Cross-taper venlafaxine to duloxetine under way (venlafaxine lowered to 150 mg/day): "
        "two SNRIs overlap; watch for serotonin toxicity"
    )
    assert "The stop of venlafaxine is not on this order" in card["detail"]


def test_maoi_dated_later_while_the_old_drug_runs_on_stays_critical() -> None:
    """No taper on the order: sertraline runs on, so a dated phenelzine start is still a
    critical, and it says by when the last sertraline dose must be."""
    doc = _chart("maoi_after_sertraline_taper_too_early_sign")
    del _drafts(doc)["entry"][0]
    (card,) = _topic(_cards(doc), MAOI)
    assert card["indicator"] == "critical"
    assert "while sertraline is running" in card["summary"]
    assert "the last sertraline dose no later than 2026-12-06" in card["detail"]
