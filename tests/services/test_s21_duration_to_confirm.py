"""Session 21 F3 item 1: a course adequate only by counting up to a stop whose day was not
recorded is "adequacy to confirm", never an adequate failed trial.

A venlafaxine 150 mg order written 2025-01-06 for a 90-day supply, `stopped` with no stated end,
recorded stopped by 2025-03-24 (meta.lastUpdated), no fill on record (episodes.py rule 2g). The
course was counted up to 2025-03-24: 11 weeks at an adequate dose, an ADEQUATE failed trial
(PHQ-9 19 -> 18), the second class the TMS criteria and the Maudsley count needed. Nothing but
the order shows it was taken after its first day. Now (the lead's decision,
fhir_mapping/duration_to_confirm.py) it is not adequate unless fills, a stated end or a later
record of the drug show it ran that long; every surface says "adequacy to confirm: stopped on or
before 2025-03-24, duration not recorded (at most 11 weeks)", and the adherence card asks how
long it was taken.

Charts: tests/services/duration_to_confirm_charts/ (from end_not_recorded_charts/phenelzine_...,
its sertraline course kept as the first failed trial).
"""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from fhir_mapping.explain import explain
from fhir_mapping.record import InadequacyReason, PatientRecord, Verdict
from services.packet import render_packet
from services.policy import Policy
from services.timeline.summary import describe
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
_FOLDER = Path(__file__).parent / "duration_to_confirm_charts"
_chart = chart_files.loader(_FOLDER)
AS_OF = date(2025, 3, 31)
PROBE = "venlafaxine_90_day_order_stopped_no_end_no_fill"
SAID = (
    "adequacy to confirm: stopped on or before 2025-03-24, duration not recorded (at most 11 weeks)"
)
# Other records show it ran 6 weeks or more: adequate, failed, counted as before.
CONFIRMED = (
    "venlafaxine_90_day_order_stopped_no_end_fills_cover_10_weeks",
    "venlafaxine_90_day_order_stopped_no_end_statement_to_week_8",
    "venlafaxine_90_day_order_renewed_week7_both_stopped_no_end",
)
# Nothing shows 6 weeks: the order alone, or a renewal at week 4.
TO_CONFIRM = (PROBE, "venlafaxine_90_day_order_renewed_week4_both_stopped_no_end")


def _evaluate(
    name: str, policy: Policy | None = None, as_of: date = AS_OF
) -> tuple[list[Doc], PatientRecord]:
    doc = _chart(name)
    result = evaluate_document(doc, hook=doc["hook"], as_of=as_of, policy=policy or Policy())
    return result.response.to_json()["cards"], result.evaluation.record


def _card(cards: list[Doc], code: str) -> str:
    (card,) = [c for c in cards if c["source"]["topic"]["code"] == code]
    return str(card["summary"]) + "\n" + str(card["detail"])


def _codes(cards: list[Doc]) -> set[str]:
    return {str(c["source"]["topic"]["code"]) for c in cards}


@pytest.mark.parametrize("name", sorted(p.stem for p in _FOLDER.glob("*.json")))
def test_the_charts_are_valid_r4_and_carry_every_prefetch_key(name: str) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)


@pytest.mark.parametrize("name", TO_CONFIRM)
def test_adequate_only_up_to_an_unrecorded_stop_is_not_a_failed_trial(name: str) -> None:
    cards, record = _evaluate(name)
    (venlafaxine,) = [t for t in record.trials if t.ingredient == "venlafaxine"]
    assert venlafaxine.end_not_recorded and not venlafaxine.ongoing
    assert venlafaxine.weeks_at_adequate_dose == 11  # counted up to the recorded stop
    assert venlafaxine.verdict is Verdict.INADEQUATE
    assert venlafaxine.reasons == (InadequacyReason.TOO_SHORT,)
    assert venlafaxine.shown_until is not None
    assert not venlafaxine.failed
    # One failed trial (sertraline): no TMS card, and the Maudsley count says one.
    assert "tms-referral" not in _codes(cards)
    optimise = _card(cards, "optimize-switch-augment")
    assert optimise.startswith("1 adequate trial failed (sertraline)")
    assert "Failed antidepressants 1 (1 failed" in optimise
    assert (
        "venlafaxine (tried 2025-01-06 – stopped on or before 2025-03-24 (last dose not "
        "recorded), adequacy to confirm)" in optimise
    )


def test_the_adherence_card_asks_how_long_it_was_taken() -> None:
    cards, _ = _evaluate(PROBE)
    card = _card(cards, "adherence-review")
    assert "(venlafaxine duration to confirm, at most 11 wk)" in card
    assert f"{SAID}: confirm how long it was taken" in card
    assert "too short" not in card


def test_the_tms_criterion_names_it_to_confirm_never_counted() -> None:
    # One failed trial is enough for the card to show (the criterion still wants two classes).
    cards, _ = _evaluate(PROBE, Policy(tms_min_failed_trials=1))
    card = _card(cards, "tms-referral")
    assert "1 counted from 1 class: sertraline (SSRI, failed)" in card
    assert f"not counted: venlafaxine from 2025-01-06, {SAID}" in card
    assert "confirm how long venlafaxine was taken or document another trial" in card
    assert "venlafaxine (SNRI, failed)" not in card


def test_packet_timeline_and_explain_say_it_too() -> None:
    _, record = _evaluate(PROBE)
    page = unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", render_packet(record, Policy()))))
    assert f"not adequate: {SAID}" in page
    assert "at most 11 (last dose not recorded)" in page
    assert "venlafaxine (SNRI, failed)" not in page
    assert "(adequacy to confirm: duration not recorded)" in describe(record)
    said = explain(record)
    assert "verdict: inadequate (adequacy to confirm: duration not recorded)" in said
    assert "weeks at adequate dose: at most 11.0" in said


@pytest.mark.parametrize("name", CONFIRMED)
def test_other_records_showing_six_weeks_keep_the_failed_trial(name: str) -> None:
    cards, record = _evaluate(name)
    (venlafaxine,) = [t for t in record.trials if t.ingredient == "venlafaxine"]
    assert venlafaxine.verdict is Verdict.ADEQUATE
    assert venlafaxine.failed
    assert venlafaxine.shown_until is None
    assert _card(cards, "optimize-switch-augment").startswith(
        "2 adequate trials failed (sertraline, venlafaxine)"
    )
    assert "tms-referral" in _codes(cards)


def test_read_later_the_order_still_stops_by_its_recorded_stop() -> None:
    # As of 2026-12-01 the order's 90-day supply (to 2025-04-06) no longer reaches as-of: before,
    # rule 2g did not apply, and the course read 2025-01-06 to 2025-04-06, 12.9 weeks, an
    # adequate failed trial counted for TMS. The stop was recorded by 2025-03-24: it ends there,
    # and the reading does not change with the date.
    cards, record = _evaluate(PROBE, as_of=date(2026, 12, 1))
    (venlafaxine,) = [t for t in record.trials if t.ingredient == "venlafaxine"]
    assert venlafaxine.end == date(2025, 3, 24) and venlafaxine.end_not_recorded
    assert venlafaxine.shown_until is not None and not venlafaxine.failed
    assert "tms-referral" not in _codes(cards)
    assert f"{SAID}: confirm how long it was taken" in _card(cards, "adherence-review")
