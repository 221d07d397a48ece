"""Review s20 r4 finding 3 and item 14: a stop day that is not recorded, and plurals.

An order `stopped` with no stated end, whose assumed fill would run on today, ends on the day its
stop was recorded by: its meta.lastUpdated, or as-of when it gives none (rule 2g in
fhir_mapping/event_spans.py). That day is no recorded last dose, yet the cards said "phenelzine
(an MAOI) was last taken on 2025-06-02 as recorded (0 days ago)" (the as-of day) and
"Phenelzine (MAOI) stopped 2025-06-01" (the order's lastUpdated). Now the trial carries
`end_not_recorded`, set in fhir_mapping where that end is chosen, and every card keys its
wording on it: "was stopped on or before 2025-06-01 (last dose not recorded; 1 day ago)". The
washout still counts from that day, the latest the drug may have been taken (the safer side).
A course whose end is recorded (a stated end, a fill) keeps "as recorded".

Item 14: "1 days ago" and "(1 weeks)" read "1 day ago" and "(1 week)" (card_format.plural, the
one count-and-noun rule).

Charts: tests/services/stop_flag_charts/ (copies of reading20_charts/s01_* and
current_dose_charts/lowered_for_reaction_week_after, renamed).
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.record import PatientRecord, Trial
from services.card_format import plural
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
Doc = dict[str, Any]

_chart = chart_files.loader(Path(__file__).parent / "stop_flag_charts")
UPDATED = "phenelzine_order_stopped_last_updated_yesterday_on_escitalopram"
NO_DAY = "phenelzine_order_stopped_no_day_on_escitalopram"
WEEK = "sertraline_lowered_for_reaction_one_week_ago"


_evaluate = Evaluator(AS_OF).by_topic_and_record


def _phenelzine(record: PatientRecord) -> Trial:
    (found,) = [t for t in record.trials if t.ingredient == "phenelzine"]
    return found


def _phenelzine_order(doc: Doc) -> Doc:
    for entry in doc["prefetch"]["medicationRequests"]["entry"]:
        resource: Doc = entry["resource"]
        if "phenelzine" in resource.get("medicationCodeableConcept", {}).get("text", ""):
            return resource
    raise AssertionError("no phenelzine order")


@pytest.mark.parametrize(
    ("name", "stop", "ago"),
    # "as of today", never "0 days ago" (session 30 orders31 item 3).
    [(UPDATED, "2025-06-01", "1 day ago"), (NO_DAY, "2025-06-02", "as of today")],
)
def test_a_stop_day_not_recorded_is_said_as_on_or_before(name: str, stop: str, ago: str) -> None:
    cards, record = _evaluate(_chart(name))
    phenelzine = _phenelzine(record)
    assert phenelzine.end == date.fromisoformat(stop)
    assert phenelzine.end_not_recorded
    combination = cards["maoi-combination"]
    assert combination["summary"].startswith(f"Phenelzine (MAOI) stopped on or before {stop},")
    assert (
        f"phenelzine (MAOI) stopped on or before {stop}, within its washout"
        in combination["detail"]
    )
    switch = cards["optimize-switch-augment"]["detail"]
    assert (
        f"phenelzine (an MAOI) was stopped on or before {stop} (last dose not recorded; {ago})"
        in switch
    )
    assert "as recorded" not in switch


def test_a_recorded_end_keeps_as_recorded() -> None:
    """The control: the same order with its end stated (boundsPeriod.end) ends on a recorded
    day: no flag, and the card says it as recorded."""
    doc = copy.deepcopy(_chart(UPDATED))
    order = _phenelzine_order(doc)
    order["dosageInstruction"][0]["timing"]["repeat"]["boundsPeriod"] = {
        "start": "2025-05-23T09:30:00-05:00",
        "end": "2025-05-30T09:30:00-05:00",
    }
    cards, record = _evaluate(doc)
    phenelzine = _phenelzine(record)
    assert not phenelzine.end_not_recorded
    end = phenelzine.end.isoformat()
    switch = cards["optimize-switch-augment"]["detail"]
    assert f"phenelzine (an MAOI) was last taken on {end} as recorded" in switch
    assert "on or before" not in cards["maoi-combination"]["summary"]


def test_one_week_at_the_present_dose_is_one_week() -> None:
    cards, _ = _evaluate(_chart(WEEK), as_of=date(2025, 7, 21))
    detail = cards["optimize-switch-augment"]["detail"]
    assert "100 mg/day since 2025-07-14 (1 week)" in detail
    assert "1 weeks" not in detail


@pytest.mark.parametrize(
    ("count", "noun", "text"), [(0, "day", "0 days"), (1, "day", "1 day"), (2, "week", "2 weeks")]
)
def test_plural(count: int, noun: str, text: str) -> None:
    assert plural(count, noun) == text
