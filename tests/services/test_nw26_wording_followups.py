"""Session 26 NW: wording follow-ups of the session's merged fixes.

1. A held raise whose summary head ("Nortriptyline 25 mg/day is below the minimum adequate
   75 mg/day") does not fit beside its reasons read "Raise held (PHQ-9 item 9 not recorded;
   nortriptyline with complete heart block ...)": the drug and dose waiting were not named first.
   Now the head's subject leads when no whole clause of the head fits (card_format.fit_with_tail,
   HeldSummary.subject): "Nortriptyline 25 mg/day: raise held (...)".
2. The critical running-drug card (unpaced complete heart block, nortriptyline listed and never
   filled) asked "confirm it is still taken" twice: on the pair's listing and in the supply line
   it carries (rules/contraindicated_once.py). Now once, in the supply line, beside why.
3. A draft whose code and name give different drugs (coded escitalopram, named citalopram) after
   a failed SSRI: "...which failed an adequate trial…; if citalopram: see the detail", the first
   reading cut with an ellipsis. Now its act gives way whole (summary_clauses.drop_act), the
   finding and the reason it rests on said in full: "...which failed an adequate trial; if
   citalopram: see the detail" (the detail says what to do: a distinct mechanism).

Charts: tests/services/wording_nw26_charts/ (copies of the tca_lb26, heart_block_hb26 and
audit18c charts the findings were read on: US Core / Epic shaped requests, every prefetch key).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cds_hooks.offline import evaluate_document
from services import card_format
from services.evaluation import screen_without
from services.policy import Policy
from services.summary_clauses import drop_act
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic, of_topic

pytestmark = pytest.mark.real_drug_table

_chart = chart_files.loader(Path(__file__).parent / "wording_nw26_charts")
_cards = Evaluator(date(2026, 12, 1)).cards
OPTIMISE = "optimize-switch-augment"
RUNNING = "running-drug-caution"
REPEATS = "order-repeats-failed-trial"
RESOLVED = "held_raise_nortriptyline25_resolved_complete_block"
UNFILLED = "critical_block_nortriptyline50_listed_never_filled"
DRAFT = "draft_coded_escitalopram_named_citalopram_after_failed_ssri"


@pytest.mark.parametrize("name", [RESOLVED, UNFILLED, DRAFT])
def test_the_charts_are_valid_r4_and_carry_every_prefetch_key(name: str) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)


# --- 1. a held raise names the drug and dose first ----------------------------------------------


@pytest.mark.parametrize(
    ("name", "summary"),
    [
        (
            RESOLVED,
            "Nortriptyline 25 mg/day: raise held (PHQ-9 item 9 not recorded; nortriptyline with "
            "complete heart block on record (resolved 2025-01-10))",
        ),
        # orders36 (recheck K32a finding 4): UNFILLED's nortriptyline order, which the fill feed
        # lists never filled, gets no dose advice now (it read "Nortriptyline 50 mg/day: raise
        # held ..."); the card speaks of the dispensed venlafaxine (test_hb26_heart_block).
        (
            UNFILLED,
            "1 adequate trial failed (sertraline); venlafaxine not measured yet: repeat the PHQ-9 "
            "before augmenting or switching",
        ),
    ],
)
def test_a_held_raise_too_long_for_its_head_leads_with_the_drug_and_dose(
    name: str, summary: str
) -> None:
    # Before: "Raise held (PHQ-9 item 9 not recorded; ...)", no drug named before the act.
    (optimise,) = of_topic(_cards(_chart(name)), OPTIMISE)
    assert optimise["summary"] == summary
    assert len(summary) < 140


def test_the_subject_is_said_only_when_no_whole_clause_of_the_head_fits() -> None:
    tail = ": raise held (" + "r" * 90 + ")"
    head = "Nortriptyline 25 mg/day is below the minimum adequate 75 mg/day"
    subject = "Nortriptyline 25 mg/day"
    assert card_format.fit_with_tail(head, tail, subject) == f"{subject}{tail}"
    # A head that fits stays whole; the subject is not said in its place.
    short = ": raise held (the sodium is low)"
    assert card_format.fit_with_tail(head, short, subject) == head + short
    # No subject, or one too long beside the tail: the act alone, as before.
    assert card_format.fit_with_tail(head, tail) == "R" + tail[3:]
    assert card_format.fit_with_tail(head, tail, "x" * 60) == "R" + tail[3:]


# --- 2. the critical card asks once whether the drug is still taken ---------------------------


def test_the_critical_card_asks_once_whether_the_listed_drug_is_still_taken() -> None:
    cards = by_topic(_cards(_chart(UNFILLED)))
    detail = str(cards[RUNNING]["detail"])
    # Before: "... last confirmed 2026-10-01: confirm it is still taken; Atrioventricular block
    # ..." on the pair, and "Confirm it is still taken (reconcile ...)" in the supply line.
    assert detail.lower().count("confirm it is still taken") == 1, detail
    assert (
        "Nortriptyline 50 mg/day, listed as active since 2026-10-01, last confirmed 2026-10-01; "
        "Atrioventricular block, complete (ICD-10-CM I44.2" in detail
    )
    assert (
        "never filled or renewed since: time after 2026-10-31 not counted. Confirm it is still "
        "taken (reconcile the medication list: still taken? dose?)" in detail
    )


def test_a_listing_keeps_its_question_where_no_supply_line_asks_it() -> None:
    # The adherence review snoozed: nothing folds, the pair's listing asks on its own.
    result = evaluate_document(
        _chart(UNFILLED), hook="patient-view", as_of=date(2026, 12, 1), policy=Policy()
    )
    shown = {r.topic: r for r in screen_without(result.evaluation, Policy(), {"adherence-review"})}
    assert "last confirmed 2026-10-01: confirm it is still taken;" in shown[RUNNING].detail
    assert "reconcile the medication list" not in shown[RUNNING].detail


# --- 3. a draft read two ways: the first reading whole, its act left to the detail -------------


@pytest.mark.parametrize(
    ("hook", "as_of"),
    [("order-select", date(2025, 6, 2)), ("order-sign", date(2025, 6, 2)), ("patient-view", None)],
)
def test_the_first_reading_is_said_whole_with_its_reason(hook: str, as_of: date | None) -> None:
    cards = by_topic(_cards(_chart(DRAFT), hook, as_of=as_of))
    repeats = cards[REPEATS]
    # Before: "...which failed an adequate trial…; if citalopram: see the detail".
    assert repeats["summary"] == (
        "If escitalopram: escitalopram is in the class of sertraline (SSRI), which failed an "
        "adequate trial; if citalopram: see the detail"
    )
    assert "…" not in repeats["summary"]
    # What to do is in the detail, under each reading.
    assert str(repeats["detail"]).count("CANMAT 2023 prefers a distinct mechanism") == 2


def test_drop_act_leaves_out_the_act_whole_and_keeps_the_finding() -> None:
    text = "If x: x is in the class of y (SSRI), which failed: consider another class; z running"
    # The act first, then the qualifier, as drop_clauses gives them way.
    assert drop_act(text, 60) == "If x: x is in the class of y (SSRI), which failed; z running"
    assert drop_act(text, 55) == "If x: x is in the class of y (SSRI), which failed"
    assert drop_act(text, 200) == text  # fits: nothing left out
    assert drop_act("no act here; none", 5) is None
