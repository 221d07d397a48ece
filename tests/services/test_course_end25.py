"""Review s25 RK2 findings 6, 7, 10 and 8: how a TMS or ECT course that has ended is said.

- 6: a relapse after a TMS response, then recovery (PHQ-9 16 on 2026-02-02, 5 on 2026-03-30):
  the payer's retreatment row said "no relapse on record since" beside the 16. Now "relapsed
  (PHQ-9 16, 2026-02-02), well since (PHQ-9 5, 2026-03-30, below 10): no relapse now", still
  not on record (tms_retreatment.recovered_relapse).
- 7: 30 sessions, the last three days before, a PHQ-9 since: inside the cards' 7-day running
  window, so the row said "Met: no earlier TMS course on record: initial course" beside "the TMS
  course running since ... is that course". The row now says a course inside the window whose
  last session is past is "running or just ended (last session D)", never "initial course" (not
  on record). The cards' window is the one rule (review s25 RK4 finding 17 removed the row's
  own "ended on the record's evidence" test, which judged a course the card held as running).
- 10: 13 days after an acute ECT course of 8 sessions with no PHQ-9 since: the TMS card said
  "consider TMS referral" without naming the course and the optimise card offered adjuncts one
  click. Both now name the course and ask for its outcome first
  (open_referrals.ect_outcome_pending), up to policy.ect_outcome_hold_max_days.
- 8: quetiapine drafted after an overdose: no quantity line (no row in
  data/overdose_toxicity.csv). Now it has one, sourced.

Charts: tests/services/course_end25_charts/ (from the review's probes; US Core / Epic shaped,
every prefetch key).
"""

from __future__ import annotations

import copy
import html
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from services.packet import render_packet
from services.pathway import derive_facts
from services.payer_criteria import CriterionResult, CriterionStatus
from services.payer_criteria.evaluate import evaluate_payer_criteria
from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
TMS = "tms-referral"
OPTIMISE = "optimize-switch-augment"
SUICIDE = "suicide-risk"
DIR = Path(__file__).parent / "course_end25_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))

_chart = chart_files.loader(DIR)
_at = Evaluator(date(2026, 12, 1))


@pytest.mark.parametrize("name", CHARTS)
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)
    for entry in (doc["context"].get("draftOrders") or {}).get("entry", []):
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def _row(doc: Doc, as_of: date) -> CriterionResult:
    """The payer's retreatment row ("Earlier TMS") as of `as_of`."""
    policy = Policy()
    record = _at.result(doc, as_of=as_of).evaluation.record
    found = evaluate_payer_criteria(record, derive_facts(record, policy), policy)
    (row,) = [r for r in found.results if r.id == "retreatment"]
    return row


def _packet(doc: Doc, as_of: date) -> str:
    record = _at.result(doc, as_of=as_of).evaluation.record
    text = html.unescape(re.sub(r"<[^>]+>", " ", render_packet(record, Policy())))
    return " ".join(text.split())


def _labels(card: Doc) -> list[str]:
    return [s["label"] for s in card.get("suggestions") or []]


# --- 6: a relapse that has passed -------------------------------------------------------------


def test_a_relapse_then_recovery_is_named_not_denied() -> None:
    row = _row(_chart("tms_relapsed_then_well"), date(2026, 4, 2))
    assert row.status is CriterionStatus.NOT_ON_RECORD
    (evidence,) = row.evidence
    assert "no relapse on record" not in evidence
    assert (
        "relapsed (PHQ-9 16, 2026-02-02), well since (PHQ-9 5, 2026-03-30, below 10): "
        "no relapse now" in evidence
    )


def test_while_the_relapse_is_the_latest_score_the_row_is_met() -> None:
    row = _row(_chart("tms_relapsed_then_well"), date(2026, 3, 1))
    assert row.status is CriterionStatus.MET
    assert "relapse: PHQ-9 16 (2026-02-02)" in row.evidence[0]


# --- 7: a course that ended inside the running window -----------------------------------------


def test_a_full_course_ended_three_days_ago_is_no_initial_course() -> None:
    doc = _chart("tms_30_sessions_ended_3d_ago")
    as_of = date(2025, 10, 6)
    row = _row(doc, as_of)
    text = " ".join(row.evidence)
    assert "initial course" not in text and "is that course" not in text
    # Inside the cards' running window the row reads the cards' rule (review s25 RK4 finding
    # 17: one rule for the card, the packet and this row): running or just ended, the question
    # asked; eight days on, past the window, it is the ended course with its response.
    assert row.evidence == (
        "the TMS course since 2025-08-25 (30 sessions) is running or just ended (last session "
        "2025-10-03)",
    )
    assert row.to_document is not None and "retreatment" in row.to_document
    assert row.status is CriterionStatus.NOT_ON_RECORD
    later = _row(_chart("tms_30_sessions_ended_8d_ago"), date(2025, 10, 11))
    assert "TMS course 2025-08-25 - 2025-10-03 (30 sessions)" in " ".join(later.evidence)
    assert "initial course" not in _packet(doc, as_of)


def test_the_cards_still_hold_drug_steps_inside_the_running_window() -> None:
    """The decision kept (module docstring): the optimise card's hold reads the 7-day window."""
    cards = by_topic(_at.cards(_chart("tms_30_sessions_ended_3d_ago"), as_of=date(2025, 10, 6)))
    assert "judge the TMS course at week 4-6 first" in cards[OPTIMISE]["summary"]
    assert not any("aripiprazole" in label for label in _labels(cards[OPTIMISE]))


def test_a_short_course_with_no_session_today_is_running_or_just_ended() -> None:
    doc = _chart("tms_15_sessions_last_friday")
    monday = date(2025, 9, 15)
    row = _row(doc, monday)
    assert row.status is CriterionStatus.NOT_ON_RECORD
    assert row.evidence == (
        "the TMS course since 2025-08-25 (15 sessions) is running or just ended (last session "
        "2025-09-12)",
    )
    assert row.to_document is not None and "retreatment" in row.to_document
    assert "initial course" not in _packet(doc, monday)


def test_a_course_with_a_session_today_is_the_current_initial_course() -> None:
    row = _row(_chart("tms_15_sessions_last_friday"), date(2025, 9, 12))
    assert row.status is CriterionStatus.MET
    assert row.evidence == (
        "no earlier TMS course on record: initial course",
        "the TMS course running since 2025-08-25 (15 sessions) is that course, not an earlier one",
    )


# --- 10: an acute ECT course ended, its outcome not on record ---------------------------------

ECT_LINE = (
    "Acute ECT course ended 2026-11-18** (since 2026-11-02, 8 sessions), no PHQ-9 after its last "
    "session, its outcome unknown"
)


def _with_phq9(doc: Doc, day: str, total: int) -> Doc:
    """The chart with a PHQ-9 (total and item 9 = 0) on `day`, copied from its 2026-10-05 one."""
    doc = copy.deepcopy(doc)
    entries = doc["prefetch"]["observations"]["entry"]
    for entry in [
        e for e in entries if e["resource"]["effectiveDateTime"].startswith("2026-10-05")
    ]:
        new = copy.deepcopy(entry)
        resource = new["resource"]
        resource["id"] = f"{resource['id'][:-4]}1125"
        new["fullUrl"] = f"{new['fullUrl'].rsplit('/', 1)[0]}/{resource['id']}"
        resource["effectiveDateTime"] = f"{day}T09:30:00-05:00"
        if "valueQuantity" in resource:
            resource["valueQuantity"]["value"] = total
        entries.append(new)
    doc["prefetch"]["observations"]["total"] = len(entries)
    return doc


def test_after_an_ect_course_the_tms_card_names_it_and_asks_its_outcome_first() -> None:
    cards = by_topic(_at.cards(_chart("ect_acute_ended_13d_no_phq9")))
    tms = cards[TMS]
    assert (
        "record the ECT course's outcome (a PHQ-9) first, then consider TMS referral"
        in (tms["summary"])
    )
    assert ECT_LINE.replace("**", "") in tms["detail"]
    assert (
        "Referral not marked recommended until the ECT course's outcome is recorded"
        in (tms["detail"])
    )
    optimise = cards[OPTIMISE]
    assert "record the ECT course's outcome (a PHQ-9) first" in optimise["summary"]
    assert ECT_LINE in optimise["detail"]
    assert not any("adjunctive" in label for label in _labels(optimise))


def test_a_phq9_after_the_ect_course_releases_both_holds() -> None:
    doc = _with_phq9(_chart("ect_acute_ended_13d_no_phq9"), "2026-11-25", 19)
    cards = by_topic(_at.cards(doc))
    for topic in (TMS, OPTIMISE):
        assert "ECT course's outcome" not in cards[topic]["summary"]
        assert "Acute ECT course ended" not in cards[topic]["detail"]
    assert any("adjunctive aripiprazole" in label for label in _labels(cards[OPTIMISE]))


def test_past_the_ect_outcome_window_the_course_still_holds() -> None:
    # Day 31 after 2026-11-18, no PHQ-9 since: the hold stays up to
    # policy.ect_outcome_hold_max_days (review s25 RK3 finding 4; the cap itself is
    # tests/services/test_ect_outcome_hold.py).
    inside = by_topic(_at.cards(_chart("ect_acute_ended_13d_no_phq9"), as_of=date(2026, 12, 19)))
    assert "ECT course's outcome" in inside[OPTIMISE]["summary"]


# --- 8: quetiapine after an overdose ----------------------------------------------------------


def test_quetiapine_drafted_after_an_overdose_gets_the_quantity_line() -> None:
    cards = by_topic(_at.cards(_chart("ed_overdose_quetiapine_sleep_select")))
    detail = cards[SUICIDE]["detail"]
    assert "**Quantity on this order:** quetiapine is an antipsychotic that in overdose" in detail
    assert "(UNVERIFIED)" not in detail.split("**Quantity on this order:**")[1].split("\n")[0]
