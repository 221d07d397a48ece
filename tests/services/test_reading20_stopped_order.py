"""Fix 20 item 2: an order `stopped` with no end date is not running today.

Chart s01 (an escitalopram order filled monthly; a phenelzine order authored 2025-05-23, status
`stopped`, no end, no fill; Epic / US Core shaped, every prefetch key), as of 2025-06-02: the
order ran its assumed 30 days from authoredOn (episodes.py rule 2d), so "Phenelzine (MAOI) and
escitalopram both running ... stop one" though the record says phenelzine was stopped. Now (rule
2g, fhir_mapping/event_spans.py) it stops on the day its stop was recorded by, meta.lastUpdated
(2025-06-01: the version carrying `stopped` was stored then), else at as-of when the record
gives no day. Its length stays "duration not recorded". The MAOI stopped yesterday still meets
the running escitalopram inside its 14-day washout, so the critical card stays, saying so
(services/rules/maoi_combination.py), and the switch card's washout counts from that day.

Charts: tests/services/reading20_charts/s01_*.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.record import PatientRecord, Trial
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
Doc = dict[str, Any]

_chart = chart_files.loader(Path(__file__).parent / "reading20_charts")
UPDATED = "s01_phenelzine_order_stopped_updated_yesterday_on_escitalopram"
NO_DAY = "s01_phenelzine_order_stopped_no_last_updated_on_escitalopram"


_evaluate = Evaluator(AS_OF).by_topic_and_record


def _phenelzine(record: PatientRecord) -> Trial:
    (found,) = [t for t in record.trials if t.ingredient == "phenelzine"]
    return found


@pytest.mark.parametrize(("name", "stop"), [(UPDATED, date(2025, 6, 1)), (NO_DAY, AS_OF)])
def test_a_stopped_order_is_not_running_and_ends_on_its_recorded_stop(
    name: str, stop: date
) -> None:
    cards, record = _evaluate(_chart(name))
    phenelzine = _phenelzine(record)
    assert not phenelzine.ongoing
    assert phenelzine.end == stop
    assert phenelzine.assumed_days == (stop - date(2025, 5, 23)).days  # duration not recorded
    summary = cards["maoi-combination"]["summary"]
    assert "both running" not in summary
    # Review s20 r4 finding 3: the day is only when the stop was recorded by (Trial.end_not_recorded).
    assert phenelzine.end_not_recorded
    # cards46 (review K34): with the days of washout left, at most, counted from that day.
    left = 14 - (AS_OF - stop).days
    assert summary.startswith(
        f"Phenelzine (MAOI) stopped on or before {stop.isoformat()}, up to {left} days of "
        "washout left; escitalopram 20 mg/day running"
    )


def test_the_card_says_the_stopped_maoi_still_counts_within_its_washout() -> None:
    cards, _ = _evaluate(_chart(UPDATED))
    card = cards["maoi-combination"]
    assert card["indicator"] == "critical"
    assert "phenelzine (MAOI) stopped on or before 2025-06-01, within its washout" in card["detail"]
    assert "a drug stopped within its washout still counts" in card["detail"]
    washout = cards["optimize-switch-augment"]["detail"]
    assert (
        "phenelzine (an MAOI) was stopped on or before 2025-06-01 (last dose not recorded; "
        "1 day ago)"
    ) in washout


def test_past_the_washout_the_card_ends() -> None:
    # 14 days after the recorded stop (phenelzine -> escitalopram: 14 days, CPS 2023 Table 5).
    cards, _ = _evaluate(_chart(UPDATED), as_of=date(2025, 6, 15))
    assert "maoi-combination" not in cards


def test_a_stop_recorded_after_as_of_is_read_as_before() -> None:
    # A replay: the stop may have been made after as-of, so the order's fill still runs.
    doc = _chart(UPDATED)
    for r in chart_files.prefetch_resources(doc):
        if r["resourceType"] == "MedicationRequest" and r["status"] == "stopped":
            r["meta"]["lastUpdated"] = "2025-06-20T10:00:00-05:00"
    cards, record = _evaluate(doc)
    assert _phenelzine(record).ongoing
    # Still a pair; the phenelzine order has no fill yet (review s23 RR2 finding 6).
    summary = cards["maoi-combination"]["summary"]
    assert "Phenelzine (MAOI) is ordered (2025-05-23, no fill yet) with escitalopram" in summary
