"""Review s27 RD findings 1 and 5 (order hooks with a draft that stops a drug), their fixes pinned.

- Finding 1: a draft with status `stopped` or `cancelled` was read as STARTING its drug (FHIR R4
  MedicationRequest.status: stopped, "actions implied by the prescription are to be permanently
  halted"; cancelled, "withdrawn before any administrations occurred"). Fluoxetine stopped with
  phenelzine drafted 42 days later read "while fluoxetine is running ... stop at least 35 days
  first"; sertraline stopped beside phenelzine gave a backwards paragraph and offered to delete
  the STOP; a stop beside a venlafaxine start read "switch or addition?", beside escitalopram
  "two SSRIs on one order; keep one", beside tramadol "sertraline 150 mg/day on this order".
  Now such a draft halts its drug (DraftTiming.halted, PatientRecord.draft_stops): for a running
  drug, that course stopped today (washouts and the direct switch dated from today, the real
  washout risk still said); never a start, a duplicate, or a draft to remove. For a drug not
  running it stops nothing and is checked as nothing.
- Finding 5: a doseQuantity of 0 was "dose not read": 0 mg/day is a stop, read as finding 1.

Charts: tests/services/s27_draft_stop_charts/ (the review's x02-x06, x13, x14, x20c, x35b, x43b;
three more: venlafaxine stopped and bupropion started, sertraline's order stopped and re-ordered
at a new dose, escitalopram (not running) stopped beside a phenelzine start). Epic / US Core
shaped requests with every prefetch key, evaluated as of 2026-12-01.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.draft_timing import HALTED, DraftTiming
from fhir_mapping.medication_drafts import halts
from tests.services import chart_files
from tests.services.helpers import Evaluator, one_of_topic

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
MAOI = "order-maoi-interaction"
SAME_CLASS = "order-same-class-running"
INTERACTION = "order-drug-interaction"
CAUTION = "order-drug-caution"
DATA = "data-quality"

_FOLDER = Path(__file__).parent / "s27_draft_stop_charts"
_chart = chart_files.loader(_FOLDER)
_at = Evaluator(date(2026, 12, 1))
AS_OF = date(2026, 12, 1)


def _topics(cards: list[Doc]) -> list[str]:
    return [c["source"]["topic"]["code"] for c in cards]


def _deleted(card: Doc) -> list[str]:
    return [
        a["resourceId"]
        for s in card.get("suggestions") or []
        for a in s.get("actions") or []
        if a.get("type") == "delete"
    ]


@pytest.mark.parametrize("path", sorted(_FOLDER.glob("*.json")), ids=lambda p: p.stem)
def test_charts_are_complete_requests(path: Path) -> None:
    chart_files.check_chart(_chart(path.stem))


# --- the reading ----------------------------------------------------------------------------------


def test_a_halted_draft_stops_its_drug_today_and_overlaps_nothing() -> None:
    start = DraftTiming()
    assert HALTED.last_day(AS_OF) == AS_OF
    assert HALTED.steps_text() == "stopped"
    assert not HALTED.overlaps(start, AS_OF)
    assert not start.overlaps(HALTED, AS_OF)


def _line(value: object) -> dict[str, Any]:
    return {"doseAndRate": [{"doseQuantity": {"value": value, "unit": "tablet"}}]}


@pytest.mark.parametrize(
    ("resource", "lines", "expected"),
    [
        ({"status": "stopped"}, [_line(1)], True),
        ({"status": "cancelled"}, [], True),
        ({"status": "draft"}, [_line(0)], True),
        ({"status": "draft"}, [_line(0), _line(0)], True),
        # A taper whose last step is 0 is a taper (its other lines dosed), not a stop today.
        ({"status": "draft"}, [_line(2), _line(0)], False),
        ({"status": "draft"}, [_line(1)], False),
        ({"status": "draft"}, [{"text": "as directed"}], False),
        ({"status": "active"}, [], False),
    ],
)
def test_which_drafts_halt(resource: Doc, lines: list[Doc], expected: bool) -> None:
    assert halts(resource, lines) is expected


@pytest.mark.parametrize(
    "name", ["sert_stopped_venla75", "sert_cancelled_venla75", "sert_dose0_venla75"]
)
def test_the_halted_draft_is_a_stop_not_a_start(name: str) -> None:
    result = _at.result(_chart(name))
    record = result.evaluation.record
    assert [d.ingredient for d in record.draft_orders] == ["venlafaxine"]
    (stop,) = record.draft_stops
    assert stop.ingredient == "sertraline" and stop.timing.halted


# --- finding 1: the direct switch -----------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "sert_stopped_venla75",
        "sert_cancelled_venla75",
        "orderset_sert_stopped_venla_metformin_lisinopril",
    ],
)
def test_sertraline_stopped_venlafaxine_started_is_a_direct_switch(name: str) -> None:
    # Was: "Venlafaxine 75 mg/day ordered while sertraline (SSRI) is running: ... switch or
    # addition?" though sertraline's stop was on the same order.
    assert _at.cards(_chart(name)) == []


def test_sertraline_stopped_escitalopram_started_is_no_pair_of_ssris() -> None:
    # Was: "Sertraline and escitalopram are both drafted: two SSRIs on one order; keep one" and
    # "Two SSRIs (sertraline running); escitalopram already failed ...".
    cards = _at.cards(_chart("sert_stopped_escit_start"))
    assert _topics(cards) == ["order-repeats-failed-trial"]
    assert cards[0]["summary"] == (
        "Escitalopram already failed an adequate trial (20 mg/day, ended 2026-06-04): consider "
        "a different mechanism"
    )


def test_a_stop_beside_a_new_dose_of_the_same_drug_leaves_it_running() -> None:
    # The old sertraline order stopped and a new one drafted: sertraline runs on, so the
    # venlafaxine start is still two serotonin reuptake inhibitors. The new order lowers it
    # (150 to 100 mg/day): a cross-taper under way (review s27 RD finding 3,
    # test_s27_draft_lower.py), never "stopped".
    cards = _at.cards(_chart("sert_stopped_and_reordered_venla75"))
    card = one_of_topic(cards, SAME_CLASS)
    assert card["summary"] == (
        "Cross-taper sertraline to venlafaxine under way (sertraline lowered to 100 mg/day): "
        "watch for serotonin toxicity"
    )
    assert "sertraline (SSRI): lowered from 150 mg/day to 100 mg/day, no stop yet" in card["detail"]


def test_venlafaxine_stopped_abruptly_for_bupropion_warns_of_discontinuation() -> None:
    card = one_of_topic(_at.cards(_chart("venla_stopped_bupropion_start")), CAUTION)
    assert card["summary"] == (
        "Bupropion after venlafaxine stopped with no taper: watch for discontinuation symptoms "
        "or taper"
    )
    assert "venlafaxine 225 mg/day, stopped on this order (2026-12-01)" in card["detail"]


# --- finding 1: MAOI washouts dated from today ----------------------------------------------------


def test_fluoxetine_stopped_today_phenelzine_after_its_washout_is_no_conflict() -> None:
    # Was critical: "Phenelzine (MAOI) ordered while fluoxetine is running: stop fluoxetine at
    # least 35 days first". Phenelzine starts 2027-01-12, 42 days after the stop.
    cards = _at.cards(_chart("fluox_stopped_phenelzine_in_6wk"))
    assert MAOI not in _topics(cards)
    assert _topics(cards) == ["order-maoi-diet"]


@pytest.mark.parametrize("name", ["sert_stopped_phenelzine", "select_phenelzine_sert_stopped"])
def test_sertraline_stopped_phenelzine_today_is_dated_from_the_stop(name: str) -> None:
    # Was: a backwards paragraph ("Phenelzine (MAOI) -> sertraline ... 14 days off phenelzine")
    # and "Remove the draft sertraline order", deleting the STOP and leaving sertraline beside
    # the MAOI. The real risk stands: phenelzine today is inside sertraline's 14-day washout.
    card = one_of_topic(_at.cards(_chart(name)), MAOI)
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Phenelzine (MAOI) starts 2026-12-01, on the day of sertraline's last dose: not before "
        "2026-12-15 (14-day washout)"
    )
    detail = card["detail"]
    assert "sertraline is stopped on this same order (last dose 2026-12-01 at the latest)" in detail
    assert "Phenelzine (MAOI) → sertraline" not in detail
    assert "sertraline is running" not in detail
    assert _deleted(card) == ["MedicationRequest/d-phz"]


def test_phenelzine_stopped_sertraline_today_keeps_the_maoi_washout() -> None:
    cards = _at.cards(_chart("phenelzine_running_stopped_sert_start"))
    card = one_of_topic(cards, MAOI)
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Sertraline starts 2026-12-01, on the day of phenelzine's last dose: not before "
        "2026-12-15 (14-day washout)"
    )
    assert "phenelzine is stopped on this same order" in card["detail"]
    assert "Sertraline → phenelzine" not in card["detail"]
    # The phenelzine stop is never offered for removal: only the sertraline start.
    assert _deleted(card) == ["MedicationRequest/d-sert"]


def test_a_stop_of_a_drug_not_running_is_checked_as_nothing() -> None:
    # Escitalopram (ended 2026-06-04) stopped beside a phenelzine start: no start of
    # escitalopram, no pair with it; the running sertraline keeps its critical.
    cards = _at.cards(_chart("escit_stopped_not_running_phenelzine_start"))
    card = one_of_topic(cards, MAOI)
    assert card["summary"].startswith("Phenelzine (MAOI) ordered while sertraline is running")
    assert "escitalopram" not in card["detail"].lower()
    assert _deleted(card) == ["MedicationRequest/d-phz"]


# --- finding 1: interactions --------------------------------------------------------------------


def test_sertraline_stopped_with_tramadol_is_named_stopped_not_on_the_order() -> None:
    # Was: "Sertraline and tramadol on one order", "sertraline 150 mg/day on this order".
    card = one_of_topic(_at.cards(_chart("sert_stopped_tramadol")), INTERACTION)
    assert card["summary"] == (
        "Tramadol ordered with sertraline stopped today: serotonin syndrome and seizure risk; "
        "prefer another analgesic"
    )
    assert "sertraline 150 mg/day on this order" not in card["detail"]
    assert "stopped on this order (2026-12-01)" in card["detail"]


# --- finding 5: a dose of 0 -----------------------------------------------------------------------


def test_a_dose_of_zero_is_a_stop_not_a_dose_not_read() -> None:
    cards = _at.cards(_chart("sert_dose0_venla75"))
    assert DATA not in _topics(cards)
    assert cards == []
