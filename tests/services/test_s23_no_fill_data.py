"""s23 RTC item 2: a failed trial resting on an order alone when no dispense feed was sent.

With no MedicationDispense data sent at all (GapCause.NOT_PROVIDED), sertraline known only from
its order reads "1 adequate trial failed (sertraline)" (adherence "unverified; no dispensing
data", the long-standing reading for data not offered). On a screen the trial table goes behind
the timeline, so the optimise card's switch line named "SSRI (sertraline)" with nothing to say
the failure rests on an order alone. It now says "SSRI (sertraline, no fill data sent)"
(services/no_fill_data.py). A feed sent and empty (Epic 4101 "no results") is not this.

Charts: tests/services/no_fill_data_charts/ (copies of dispense_feed_charts' key-absent and
4101 charts: the first leaves out `medicationDispenses` on purpose).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.gap_feeds import feed_not_provided
from fhir_mapping.record import DataDomain, DataGap, GapCause
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic, line_with

pytestmark = pytest.mark.real_drug_table

_chart = chart_files.loader(Path(__file__).parent / "no_fill_data_charts")
_at = Evaluator(date(2025, 6, 2))
OPTIMISE = "optimize-switch-augment"


def _switch_line(name: str) -> str:
    card = by_topic(_at.cards(_chart(name)))[OPTIMISE]
    assert card["summary"].startswith("1 adequate trial failed (sertraline): switch")
    return line_with(card, "**Switch:**")


def test_failed_order_only_trial_with_no_dispense_feed_says_no_fill_data_sent() -> None:
    line = _switch_line("sertraline_order_only_dispense_key_absent")
    assert "Failed, not proposed: SSRI (sertraline, no fill data sent)." in line


def test_dispense_feed_sent_and_empty_adds_no_clause() -> None:
    line = _switch_line("sertraline_order_only_dispenses_empty_4101")
    assert "Failed, not proposed: SSRI (sertraline)." in line
    assert "no fill data sent" not in line


@pytest.mark.parametrize(
    ("gap", "expected"),
    [
        (
            DataGap(
                DataDomain.MEDICATIONS,
                "MedicationDispense: prefetch key 'medicationDispenses' was not sent",
                cause=GapCause.NOT_PROVIDED,
            ),
            True,
        ),
        # Tried and failed: the refill data exist (refills_unread.py reads that), not "not sent".
        (
            DataGap(
                DataDomain.MEDICATIONS,
                "MedicationDispense could not be read: HTTP 500",
                cause=GapCause.NOT_READ,
            ),
            False,
        ),
        (
            DataGap(
                DataDomain.MEDICATIONS,
                "MedicationStatement: prefetch key 'medicationStatements' was not sent",
                cause=GapCause.NOT_PROVIDED,
            ),
            False,
        ),
    ],
)
def test_feed_not_provided_reads_only_a_dispense_feed_not_sent(
    gap: DataGap, expected: bool
) -> None:
    assert feed_not_provided((gap,), "MedicationDispense") is expected
