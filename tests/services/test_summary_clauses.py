"""Review s26 RN finding 9: a summary too long for 140 characters loses whole clauses, never
words (services/summary_clauses.py, card_format.fit_summary / fit_with_tail, hold_words._heads,
the TMS card's safety-item forms, draft_readings' pointer candidate).

Before: 39 summaries of the test charts ended or broke with "…" mid-clause ("2 adequate…: judge the
ECT course ...", "safety screen first: Cochlear implant removed: removal recorded: confirm…",
"... last PHQ-9 18 on…"). After: the count prefix and the qualifiers give way whole, the action and
the TMS safety item stay. Charts are the existing ones that showed it.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from cds_hooks.offline import evaluate_document
from services import cards
from services.policy import Policy
from services.summary_clauses import drop_clauses, drop_head_clauses

pytestmark = pytest.mark.real_drug_table

_HERE = Path(__file__).parent


def _summaries(chart: str) -> list[str]:
    doc = json.loads((_HERE / f"{chart}.json").read_text("utf-8"))
    result = evaluate_document(doc, hook="patient-view", as_of=date(2026, 12, 1), policy=Policy())
    return [c["summary"] for c in result.response.to_json()["cards"]]


def test_a_qualifier_loses_its_bracket_before_the_count_goes() -> None:
    text = (
        "2 adequate trials failed (sertraline, escitalopram); PHQ-9 20: TMS referral after "
        "discharge; payer criteria not yet met (clinic default rule set)"
    )
    assert cards.fit_summary(text) == (
        "2 adequate trials failed (sertraline, escitalopram); PHQ-9 20: TMS referral after "
        "discharge; payer criteria not yet met"
    )


def test_a_trailing_clause_goes_whole_the_action_stays() -> None:
    text = (
        "Inactive record: venlafaxine: no supply since 2025-06-10 (539 days): confirm it is "
        "still taken; 2 adequate trials failed, last PHQ-9 18 on 2025-05-12"
    )
    assert drop_clauses(text, 100) == (
        "Inactive record: venlafaxine: no supply since 2025-06-10 (539 days): confirm it is "
        "still taken"
    )


def test_the_count_prefix_goes_before_the_action_and_is_capitalised() -> None:
    assert drop_clauses("2 adequate trials failed; PHQ-9 23: consider TMS referral", 40) == (
        "PHQ-9 23: consider TMS referral"
    )
    assert drop_clauses("no action clause at all, far too long for the room", 10) is None


def test_a_head_is_dropped_whole_never_cut() -> None:
    assert drop_head_clauses("2 adequate trials failed (sertraline, venlafaxine)", 30) == (
        "2 adequate trials failed"
    )
    assert drop_head_clauses("2 adequate trials failed (sertraline, venlafaxine)", 10) == ""
    tail = ": judge the ECT course first, then augment or switch class" + "x" * 70
    said = cards.fit_with_tail("2 adequate trials failed (sertraline, venlafaxine)", tail)
    assert said.startswith("Judge the ECT course") and "…" not in said


@pytest.mark.parametrize(
    ("chart", "expected"),
    [
        (
            "hospital25_charts/inpatient_ect_course",
            "Judge the ECT course with the ECT service and ask the inpatient team (stay in "
            "progress) first, then augment or switch class",
        ),
        (
            "removal_side_charts/both_removed",
            "2 adequate trials failed; PHQ-9 23: consider TMS referral; safety screen first: Both "
            "cochlear implants removed",
        ),
        (
            "removal_every_implant_charts/vns_generator_removed_leads_left",
            "PHQ-9 23: consider TMS referral; safety screen first: Vagus nerve stimulator "
            "generator removed; leads left in situ",
        ),
        (
            "tms_removal_charts/vns_implanted_2018_removed_64570_2022",
            "2 adequate trials failed; PHQ-9 23: consider TMS referral; TMS safety screen first "
            "(the item is in the detail)",
        ),
        (
            "patient_status_charts/ps01_inactive_no_link",
            "Inactive record: venlafaxine: no supply since 2025-06-10 (539 days): confirm it is "
            "still taken",
        ),
    ],
)
def test_charts_say_whole_clauses(chart: str, expected: str) -> None:
    summaries = _summaries(chart)
    assert expected in summaries
    assert not any("…" in s or len(s) > cards.SUMMARY_MAX for s in summaries)
