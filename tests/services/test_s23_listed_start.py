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

from fhir_mapping.record import Verdict
from services import trial_dates
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic

pytestmark = pytest.mark.real_drug_table

_chart = chart_files.loader(Path(__file__).parent / "listed_start_charts")
_at = Evaluator(date(2026, 12, 1))
ADHERENCE = "adherence-review"
OPTIMISE = "optimize-switch-augment"


# Session 39 stmt72 (fhir_mapping/reported_window.py): these listings are the patient's, asserted
# 2026-10-02, 60 days before as-of. The course now counts one usual fill past that day (to
# 2026-11-01, 4.3 weeks) and is to confirm since: the card that leads is the listing's ("reported
# taking on 2026-10-02"), no longer the measurement card nor the "8.6 weeks since (needs 6)"
# adequacy-to-confirm line, which rested on the list's 365 days. What these tests protect stays
# asserted: the listing's day is never a start, and never an adequate (or failed) trial.
LISTED_BULLET = (
    "- **escitalopram** (listed 2026-10-02): reported taking on 2026-10-02 (the patient's "
    "statement); since then not on record: time after 2026-11-01 not counted."
)


def test_listed_course_start_is_not_recorded_and_its_adequacy_to_confirm() -> None:
    cards, record = _at.cards_and_record(_chart("escitalopram_listed_60d"))
    (trial,) = record.trials
    assert trial.verdict is Verdict.ONGOING  # was ADEQUATE, from the listing alone
    assert trial.adequate_from is None
    # Still running from the listing, for every safety check.
    assert trial.ongoing and trial.start == date(2026, 10, 2)
    assert trial_dates.dates_text(trial).startswith("start not recorded (listed 2026-10-02) – ")
    (card,) = cards  # stmt72: the listing's card (was the measurement card, 365-day window)
    assert card["summary"] == (
        "escitalopram reported taking on 2026-10-02; since then not on record: confirm it is "
        "still taken before counting more time"
    )
    assert LISTED_BULLET in card["detail"]
    assert "adequate;" not in card["detail"]


def test_listed_course_with_no_response_is_not_a_failed_trial_its_start_is_asked() -> None:
    cards, record = _at.cards_and_record(_chart("escitalopram_listed_phq9_no_response"))
    (trial,) = record.trials
    assert trial.verdict is Verdict.ONGOING and not trial.failed  # was "1 adequate trial failed"
    topics = by_topic(cards)
    assert OPTIMISE not in topics
    assert not [c for c in cards if "adequate trial failed" in c["summary"]]
    card = topics[ADHERENCE]
    # stmt72: the listing's card; was "1 trial not adequate (escitalopram start not recorded
    # (listed 2026-10-02))" with "8.6 weeks since (needs 6)", weeks the 365-day window counted.
    assert card["summary"].startswith("escitalopram reported taking on 2026-10-02; since then")
    assert LISTED_BULLET in card["detail"]


def test_statement_with_effective_date_keeps_its_reading() -> None:
    # The chart's statement (effectiveDateTime 2026-10-02) is asserted on 2026-11-24, the visit of
    # its PHQ-9 (stmt72: was 2026-10-02; a patient's statement asserted 60 days ago now counts one
    # fill past that day, which is not what this test is about: that an effective date is read).
    cards, record = _at.cards_and_record(_chart("escitalopram_effective_phq9_no_response"))
    (trial,) = record.trials
    assert trial.verdict is Verdict.ADEQUATE and trial.failed
    assert by_topic(cards)[OPTIMISE]["summary"].startswith(
        "1 adequate trial failed (escitalopram), self-reported: switch"
    )


def test_listed_course_still_runs_for_the_safety_checks() -> None:
    cards = _at.cards(_chart("escitalopram_listed_sertraline_draft_sign"))
    card = next(c for c in cards if "two SSRIs" in c["summary"])
    # stmt72: "is listed" (was "is running"): past one fill from its assertion the listing is to
    # confirm; the safety check still sees it (the card stays, a warning).
    assert card["summary"] == (
        "Sertraline ordered while escitalopram (SSRI) is listed: two SSRIs; plan the switch"
    )
    assert card["indicator"] == "warning"
    assert (
        "sertraline (SSRI) with escitalopram 20 mg/day since 2026-10-02 (listed; start not "
        "recorded) (listed: statement active since 2026-10-02, last confirmed 2026-10-02)."
    ) in card["detail"]  # stmt72: the listing named, as any listed course's on this card
