"""Review s23 RT finding 2: a MedicationStatement with only dateAsserted (no effective[x]).

FHIR R4 MedicationStatement.dateAsserted is when the statement was recorded, not when the drug
was begun. "taking escitalopram 20 mg" listed at intake on 2026-10-02 read "On escitalopram since
2026-10-02" and "2026-10-02 – ongoing | 8.6 | adequate"; with a PHQ-9 after it, "1 adequate trial
failed (escitalopram): switch ..." on weeks no record shows. Now such a course's start reads
"start not recorded (listed 2026-10-02)", its verdict "adequacy to confirm" (never adequate on
the listing alone: fhir_mapping/listed_start.py), and it still runs for the safety checks. A
statement with effectiveDateTime keeps its reading.

Charts: tests/services/listed_start_charts/ (the review's rt09b chart and variants).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.record import InadequacyReason, Verdict
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic, line_with

pytestmark = pytest.mark.real_drug_table

_chart = chart_files.loader(Path(__file__).parent / "listed_start_charts")
_at = Evaluator(date(2026, 12, 1))
MBC = "measurement-based-care"
ADHERENCE = "adherence-review"
OPTIMISE = "optimize-switch-augment"


def test_listed_course_start_is_not_recorded_and_its_adequacy_to_confirm() -> None:
    cards, record = _at.cards_and_record(_chart("escitalopram_listed_60d"))
    (trial,) = record.trials
    assert trial.verdict is Verdict.ONGOING  # was ADEQUATE, from the listing alone
    assert trial.reasons == (InadequacyReason.TOO_SHORT,)
    assert trial.adequate_from is None
    # Still running from the listing, for every safety check.
    assert trial.ongoing and trial.start == date(2026, 10, 2)
    (card,) = cards
    assert card["summary"] == (
        "On escitalopram since 2026-10-02 (listed; start not recorded); no PHQ-9 total in 200 "
        "days: repeat the PHQ-9 to measure response"
    )
    row = line_with(card, "| escitalopram (SSRI) |")
    assert "| start not recorded (listed 2026-10-02) – ongoing |" in row
    assert "| not known (8.6 since listed) |" in row
    assert row.endswith(
        "| ongoing; adequacy to confirm: start not recorded (listed 2026-10-02), 8.6 weeks "
        "since (needs 6): confirm when it was started |"
    )
    assert "adequate;" not in row


def test_listed_course_with_no_response_is_not_a_failed_trial_its_start_is_asked() -> None:
    cards, record = _at.cards_and_record(_chart("escitalopram_listed_phq9_no_response"))
    (trial,) = record.trials
    assert trial.verdict is Verdict.ONGOING and not trial.failed  # was "1 adequate trial failed"
    topics = by_topic(cards)
    assert OPTIMISE not in topics
    assert not [c for c in cards if "adequate trial failed" in c["summary"]]
    card = topics[ADHERENCE]
    assert card["summary"] == (
        "1 trial not adequate (escitalopram start not recorded (listed 2026-10-02)): review dose "
        "and adherence before counting failures"
    )
    assert (
        "- **escitalopram** (listed 2026-10-02): adequacy to confirm: start not recorded (listed "
        "2026-10-02), 8.6 weeks since (needs 6): confirm when it was started; ongoing"
    ) in card["detail"]


def test_statement_with_effective_date_keeps_its_reading() -> None:
    cards, record = _at.cards_and_record(_chart("escitalopram_effective_phq9_no_response"))
    (trial,) = record.trials
    assert trial.verdict is Verdict.ADEQUATE and trial.failed
    assert by_topic(cards)[OPTIMISE]["summary"].startswith(
        "1 adequate trial failed (escitalopram), self-reported: switch"
    )


def test_listed_course_still_runs_for_the_safety_checks() -> None:
    cards = _at.cards(_chart("escitalopram_listed_sertraline_draft_sign"))
    card = next(c for c in cards if "two SSRIs" in c["summary"])
    assert card["summary"] == (
        "Sertraline ordered while escitalopram (SSRI) is running: two SSRIs; plan the switch"
    )
    assert card["indicator"] == "warning"
    assert (
        "sertraline (SSRI) with escitalopram 20 mg/day since 2026-10-02 (listed; start not "
        "recorded)."
    ) in card["detail"]
