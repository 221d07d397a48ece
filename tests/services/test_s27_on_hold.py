"""Recheck K4 (session 27) findings 4, 5, 6, 7 and 9: held courses, month-only ends, wording.

- Finding 4 (WRONG): a fluoxetine ORDER on hold whose last supply ended on 2025-09-06 (h01) read
  "Two serotonin reuptake inhibitors running: fluoxetine ... on hold, not taken since 2025-09-06
  at the latest; venlafaxine ... together since 2026-07-08", the switch list "fluoxetine, still
  running beside venlafaxine: failed?" and the adjuncts held: a held order's refills are judged
  only up to the hold, so no supply gap said its supply had ended. Now a held course whose supply
  ended MappingPolicy.supply_gap_days or more ago is not running for the pair
  (fhir_mapping/course_support.held_long, Trial.held_long); one whose supply ended days ago (h02) still is, and
  the line says "on hold".
- Finding 5 (WRONG): a fluoxetine statement on hold, 2 Mar - 31 Aug 2025, PHQ-9 21 -> 20 on
  16 Aug 2025 (h03) was judged on a PHQ-9 of 8 Jul 2026 taken while held ("to confirm", not
  counted); the held order of the same dates got "21 -> 20, failed". Now a held statement's
  outcome window ends at its hold (fhir_mapping/score_windows.py), as its timeline lane does.
- Finding 6 (NOISE): a statement `unknown` whose end is "2024-12" (h04) read "may be running".
  A partial end is judged by its last day (status_to_confirm.ended_long_ago); a period that
  ends before it starts (h04b, the reviewer's chart as generated) states no end and keeps the
  status reading.
- Finding 7 (MINOR): the timeline said "stopped, response not measured" where the packet says
  "yes, to confirm: stopped, response not measured" (h06).
- Finding 9 (MINOR): "2 adequate trials failed, sertraline self-reported, 1 stopped unmeasured,
  self-reported" (h05): the mark is said once, naming the trials (trial_count._failed_words).

Charts: tests/services/s27_on_hold_charts/, the reviewer's scratch charts (US Core shaped RxNorm
MedicationRequest, MedicationDispense and MedicationStatement, LOINC PHQ-9) with the labsSI key
added; h02 is h01 with the fluoxetine order and fills moved so the last supply ends 2026-11-25.
"""

from __future__ import annotations

import html
import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.status_to_confirm import ended_long_ago
from services.packet import render_packet
from services.policy import Policy, load_policy
from services.timeline.summary import describe
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
_DIR = Path(__file__).parent / "s27_on_hold_charts"
_chart = chart_files.loader(_DIR)
_at = Evaluator(AS_OF)
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"
HELD_LONG = "h01_fluoxetine_order_on_hold_supply_ended_2025_09_beside_venlafaxine"
HELD_RECENT = "h02_fluoxetine_order_on_hold_supply_ended_6_days_ago_beside_venlafaxine"
HELD_STATEMENT = "h03_fluoxetine_statement_on_hold_practitioner_phq9_inside_period"
UNKNOWN_MONTH = "h04_fluoxetine_statement_unknown_2024_10_to_month_2024_12"
UNKNOWN_REVERSED = "h04b_fluoxetine_statement_unknown_start_2026_04_end_month_2024_12_reversed"
UNKNOWN_DATETIME = "h05_fluoxetine_statement_unknown_end_datetime_2024_12_31"
HELD_SELF_REPORTED = "h06_fluoxetine_statement_on_hold_self_reported"
PAIR_LINE = "**Two serotonin reuptake inhibitors running:**"
ARIPIPRAZOLE = "Propose adjunctive aripiprazole 2 mg/day (CANMAT first line)"
MAYBE = "**Two serotonin reuptake inhibitors if both are taken:**"


def _suggestions(card: Doc) -> list[str]:
    return [s["label"] for s in card.get("suggestions") or []]


def _text(markup: str) -> str:
    """The markup's text, one line per row / paragraph, cells split by " | "."""
    markup = re.sub(r"<style.*?</style>", "", markup, flags=re.S)
    markup = re.sub(r"</(tr|p|h\d|li|caption|div|section|title|desc)>", "\n", markup)
    markup = re.sub(r"</t[dh]>", " | ", markup)
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def _row(packet: str, start: str) -> list[str]:
    rows = [line for line in packet.splitlines() if line.startswith(start)]
    assert len(rows) == 1, rows
    return rows[0].split(" | ")


def _fluoxetine_supply_ending(doc: Doc, last: date) -> Doc:
    """`doc` (h02) with the fluoxetine order and its fills moved so the last supply ends `last`."""
    shift = timedelta(days=(last - date(2026, 11, 25)).days)
    for r in chart_files.prefetch_resources(doc):
        field = {"mr-fluox-2023": "authoredOn"}.get(r.get("id", ""), "whenHandedOver")
        if str(r.get("id", "")).startswith(("mr-fluox", "md-fluox")):
            r[field] = (datetime.fromisoformat(r[field]) + shift).isoformat()
    return doc


@pytest.mark.parametrize("path", sorted(_DIR.glob("*.json")), ids=lambda p: p.stem)
def test_the_charts_send_every_prefetch_key_as_valid_r4b(path: Path) -> None:
    chart_files.check_chart(_chart(path.stem))


# --- finding 4: a held order whose supply ended long ago is not running for the pair ----------


def test_an_order_held_since_its_supply_ended_15_months_ago_is_not_running() -> None:
    cards = _at.by_topic(_chart(HELD_LONG))
    card = cards[OPTIMISE]
    everything = " ".join(c["summary"] + c["detail"] for c in cards.values())
    assert "inhibit serotonin reuptake" not in everything
    assert "still running beside" not in everything
    failed = "Failed, not proposed: SSRI (sertraline, fluoxetine), SNRI (venlafaxine)"
    assert failed in card["detail"]
    # Before: held as text "while both run".
    assert ARIPIPRAZOLE in _suggestions(card)
    # The hold itself is still said where the adherence card asks why.
    assert "fluoxetine on hold, not taken since 2025-09-06" in cards["adherence-review"]["summary"]


def test_an_order_held_days_after_its_last_supply_keeps_the_safety_reading() -> None:
    card = _at.by_topic(_chart(HELD_RECENT))[OPTIMISE]
    detail = card["detail"]
    assert detail.startswith(PAIR_LINE)
    assert "on hold, not taken since 2026-11-25 at the latest" in detail.split("\n")[0]
    assert "fluoxetine, still running beside venlafaxine: failed?" in detail
    assert _suggestions(card) == []


@pytest.mark.parametrize(
    ("last", "pair"),
    [(date(2026, 11, 2), True), (date(2026, 11, 1), False)],
    ids=["29-days", "30-days"],
)
def test_the_boundary_is_the_supply_gap_days(last: date, pair: bool) -> None:
    doc = _fluoxetine_supply_ending(_chart(HELD_RECENT), last)
    detail = _at.by_topic(doc)[OPTIMISE]["detail"]
    assert detail.startswith(PAIR_LINE) is pair
    policy = load_policy({"mapping": {"supply_gap_days": 60}})
    detail = _at.by_topic(doc, policy=policy)[OPTIMISE]["detail"]
    assert detail.startswith(PAIR_LINE)  # the clinic's days


# --- finding 5: a held statement's outcome is read up to its hold -------------------------------


def test_a_held_statement_is_judged_by_the_score_taken_before_the_hold() -> None:
    cards, record = _at.by_topic_and_record(_chart(HELD_STATEMENT))
    (fluoxetine,) = [t for t in record.trials if t.ingredient == "fluoxetine"]
    assert fluoxetine.on_hold == date(2025, 8, 31)
    assert fluoxetine.on_treatment is not None
    assert (fluoxetine.on_treatment.date, fluoxetine.on_treatment.value) == (date(2025, 8, 16), 20)
    packet = _text(render_packet(record, Policy()))
    cells = _row(packet, "fluoxetine (SSRI)")
    assert cells[5] == "21 (2 Mar 2025) → 20 (16 Aug 2025)"
    # Counted to confirm in the packet's own cell as well since the k4reported merge (a
    # report-only course is "yes, to confirm: failed, medication list only").
    assert cells[7] == "yes, to confirm: failed, medication list only"
    assert "taken while fluoxetine was on hold" not in packet
    # Counted, to confirm: on the medication list only (as the order of these dates is counted);
    # sertraline, the patient's word only, is listed and not counted (fix meds46).
    assert "2 counted from 2 classes" in packet
    assert "not counted (patient-reported only): sertraline" in packet
    assert "fluoxetine on the medication list only" in cards[TMS]["detail"]


def test_a_held_statement_with_no_score_before_the_hold_still_says_so() -> None:
    doc = _chart(HELD_STATEMENT)
    for r in chart_files.prefetch_resources(doc):
        if r.get("id") == "phq-f1":
            r["effectiveDateTime"] = "2025-09-16T10:00:00-04:00"
    record = _at.by_topic_and_record(doc)[1]
    packet = _text(render_packet(record, Policy()))
    cells = _row(packet, "fluoxetine (SSRI)")
    assert "taken while fluoxetine was on hold" in cells[6]
    assert cells[7] == "no"


# --- finding 6: a month- or year-only end is judged by its last day ------------------------------


def test_an_unknown_statement_ended_in_december_2024_is_a_past_course() -> None:
    cards, record = _at.by_topic_and_record(_chart(UNKNOWN_MONTH))
    assert "fluoxetine" in {t.ingredient for t in record.trials if not t.ongoing}
    everything = " ".join(c["summary"] + c["detail"] for c in cards.values())
    assert "may be running" not in everything and "if both are taken" not in everything
    assert ARIPIPRAZOLE in _suggestions(cards[OPTIMISE])


def test_a_period_ending_before_it_starts_keeps_may_be_running() -> None:
    card = _at.by_topic(_chart(UNKNOWN_REVERSED))[OPTIMISE]
    assert MAYBE in card["detail"]
    assert _suggestions(card) == []


def test_ended_long_ago_reads_a_partial_end_by_its_last_day() -> None:
    def statement(end: object, start: str = "2020-01-01") -> Doc:
        return {"effectivePeriod": {"start": start, "end": end}}

    assert ended_long_ago(statement("2024-12"), AS_OF, 35)
    assert ended_long_ago(statement("2025"), AS_OF, 35)
    assert ended_long_ago(statement("2026-09"), AS_OF, 35)  # 30 Sep + 35 days < 1 Dec
    assert not ended_long_ago(statement("2026-10"), AS_OF, 35)  # 31 Oct: 31 days
    assert not ended_long_ago(statement("2026"), AS_OF, 35)
    assert not ended_long_ago(statement("2024-12", start="2026-04-02"), AS_OF, 35)  # reversed
    assert ended_long_ago(statement("2024-12-31T23:59:00-05:00"), AS_OF, 35)


# --- findings 7 and 9: the timeline's "to confirm:"; "self-reported" said once ----------------


def test_the_timeline_says_an_inferred_failure_is_to_confirm() -> None:
    record = _at.by_topic_and_record(_chart(HELD_SELF_REPORTED))[1]
    summary = describe(record)
    assert (
        "sertraline 100 mg/day from 30 Aug 2024 to 30 Oct 2024, adequate trial, self-reported, "
        "to confirm: stopped, response not measured;"
    ) in summary
    packet = _text(render_packet(record, Policy()))
    # Recheck K6 s28 finding 5: what it rests on is to confirm too, said in the same cell.
    assert _row(packet, "sertraline (SSRI)")[7] == (
        "yes, to confirm: self-reported; stopped, response not measured"
    )


def test_self_reported_is_said_once_naming_the_trials() -> None:
    cards = _at.by_topic(_chart(UNKNOWN_DATETIME))
    # The named marks do not fit beside the action (141 characters): one count, the action
    # whole (review s27 RQ2 finding 4: trial_count.failed_brief).
    assert cards[OPTIMISE]["summary"] == (
        "2 adequate trials failed, 1 stopped unmeasured, 2 to confirm: augment (aripiprazole or "
        "brexpiprazole) or switch class"
    )
    assert (
        "2 adequate trials failed (sertraline, venlafaxine), 1 stopped unmeasured (fluoxetine), "
        "sertraline, fluoxetine self-reported;"
    ) in json.dumps(cards[TMS], ensure_ascii=False)  # the referral's reason
    for card in cards.values():
        assert card["summary"].count("self-reported") <= 1


def test_a_mark_only_some_trials_carry_names_them() -> None:
    cards = _at.by_topic(_chart(HELD_SELF_REPORTED))
    assert cards[OPTIMISE]["summary"].startswith(
        "1 adequate trial failed, 1 stopped unmeasured, sertraline self-reported: "
    )
    assert (
        "1 adequate trial failed (venlafaxine), 1 stopped unmeasured (sertraline), sertraline "
        "self-reported;"
    ) in json.dumps(cards[TMS], ensure_ascii=False)  # the referral's reason


def test_a_mark_on_every_stopped_trial_follows_their_count() -> None:
    """The reviewer's r04 (s27 RA finding 5): venlafaxine failed on its PHQ-9; sertraline and
    fluoxetine, both only the patient's report, stopped unmeasured. Before: "2 stopped
    unmeasured, self-reported", as if every trial were."""
    doc = chart_files.loader(Path(__file__).parent / "s27_reported_running_charts")(
        "r04_fluoxetine_statement_unknown_period_ended_2025_08"
    )
    cards = _at.by_topic(doc)
    assert cards[TMS]["summary"] == (
        "1 adequate trial failed, 2 stopped unmeasured, both self-reported; PHQ-9 18: consider TMS "
        "referral; payer criteria not yet met"
    )
    assert (
        "1 adequate trial failed (venlafaxine), 2 stopped unmeasured (sertraline, fluoxetine), "
        "both self-reported;"
    ) in json.dumps(cards[TMS], ensure_ascii=False)
