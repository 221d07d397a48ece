"""Orders that do not show the drug was taken, and orders on hold (review 14 W5, W6, M8).

- W5: a MedicationRequest with intent `plan` ("an intention to ensure something occurs without
  providing an authorization for others to act", FHIR R4 medicationrequest-intent), never filled,
  was read as a 35-week adequate venlafaxine trial, the "current trial" that held back the
  options. Now a course of such orders only, with no fill and no statement, is no trial
  (Verdict.NOT_A_TRIAL, InadequacyReason.NOT_SHOWN_TAKEN): to confirm.
- M8: mirtazapine with status `unknown` ("the authoring system does not know which status
  applies") was counted as an augmentation used. The same reading now.
- W6: an order on hold with fills Dec-Feb read "on hold as of 2025-06-30" (a held renewal's assumed
  fill, after as-of) and the hold was scored as missed doses (PDC 49 %). An order on hold never
  filled was counted as a 26-week failed trial from refills bridging to a held renewal.

Charts are US Core shaped (tests/fixtures/builders.py), the way the review built them.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from fhir_mapping.build import build_record
from fhir_mapping.medication_types import INTENT_READING, not_shown_taken
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import AdherenceStatus, InadequacyReason, PatientRecord, Trial, Verdict
from tests.fixtures import builders as b
from tests.fixtures.scenarios import MDD_RECURRENT_SEVERE, Chart, Step, add_course

AS_OF = date(2025, 6, 2)
START = date(2024, 10, 1)
VENLAFAXINE_225 = ("808748", "24 HR venlafaxine 225 MG Extended Release Oral Tablet")
MIRTAZAPINE_30 = ("314111", "mirtazapine 30 MG Oral Tablet")
ESCITALOPRAM_20 = "351250"
NOT_SHOWN = InadequacyReason.NOT_SHOWN_TAKEN


def _chart(name: str) -> tuple[Chart, str]:
    c = Chart(name, given="Test", family="Orders", gender="female", birth_date=date(1975, 5, 5))
    enc = c.visit(START)
    mdd = c.diagnosis(MDD_RECURRENT_SEVERE, START, key="mdd", encounter=enc)
    c.phq9(START, 19, 0, encounter=enc)
    return c, mdd


def _order(c: Chart, product: tuple[str, str], key: str, **kw: Any) -> dict[str, Any]:
    order = b.medication_request(*product, START, 1, "tablet", patient=c.pid, id=c.id(key), **kw)
    c.add(order)
    return order


def _record(c: Chart) -> PatientRecord:
    return build_record(c.resources, as_of=AS_OF, patient_id=c.pid, policy=MappingPolicy())


def _trial(record: PatientRecord, ingredient: str) -> Trial:
    (trial,) = [t for t in record.trials if t.ingredient == ingredient]
    return trial


def test_a_plan_never_filled_is_no_trial_and_says_why() -> None:
    c, _ = _chart("b4_plan_only")
    _order(c, VENLAFAXINE_225, "venla-plan", intent="plan")
    trial = _trial(_record(c), "venlafaxine")
    assert trial.verdict is Verdict.NOT_A_TRIAL
    assert trial.reasons == (NOT_SHOWN,)
    assert any("intent plan" in n and "not counted as a trial" in n for n in trial.notes)
    # Still in view of the safety checks: a drug possibly taken runs to as-of.
    assert trial.ongoing


def test_a_plan_with_a_fill_is_a_course() -> None:
    c, _ = _chart("b4_plan_filled")
    order = _order(c, VENLAFAXINE_225, "venla-plan", intent="plan")
    c.add(
        b.medication_dispense(
            *VENLAFAXINE_225, START, 30, 30, patient=c.pid, prescription=str(order["id"])
        )
    )
    trial = _trial(_record(c), "venlafaxine")
    assert NOT_SHOWN not in trial.reasons
    assert trial.verdict is not Verdict.NOT_A_TRIAL


def test_a_home_medication_the_patient_reports_stays_patient_reported() -> None:
    # US Core's self-prescribed example: intent plan with reportedBoolean. The patient's word is
    # read as before (patient_reported.py): counted, named to confirm.
    c, _ = _chart("b4_plan_reported")
    order = _order(c, VENLAFAXINE_225, "venla-home", intent="plan")
    order["reportedBoolean"] = True
    trial = _trial(_record(c), "venlafaxine")
    assert trial.patient_reported
    assert NOT_SHOWN not in trial.reasons


@pytest.mark.parametrize(
    ("intent", "reading"),
    [
        ("proposal", "dropped"),
        ("option", "dropped"),
        ("plan", "to-confirm"),
        ("directive", "to-confirm"),  # no R4 MedicationRequest intent: no authorization stated
        ("order", "order"),
        ("original-order", "order"),
        ("reflex-order", "order"),
        ("filler-order", "order"),
        ("instance-order", "order"),
    ],
)
def test_each_intent_is_read_as_the_table_says(intent: str, reading: str) -> None:
    assert INTENT_READING.get(intent, "to-confirm") == reading
    c, _ = _chart(f"b4_intent_{intent}")
    _order(c, VENLAFAXINE_225, "venla", intent=intent, expected_supply_days=30, repeats=5)
    trials = [t for t in _record(c).trials if t.ingredient == "venlafaxine"]
    if reading == "dropped":
        assert trials == []
    elif reading == "to-confirm":
        assert [t.reasons for t in trials] == [(NOT_SHOWN,)]
        assert not_shown_taken({"intent": intent, "status": "active"}) == f"intent {intent}"
    else:
        assert len(trials) == 1 and NOT_SHOWN not in trials[0].reasons
        assert not_shown_taken({"intent": intent, "status": "active"}) is None


def test_status_unknown_is_not_an_augmentation_used() -> None:
    c, mdd = _chart("b4_status_unknown")
    add_course(c, "esc", [Step(ESCITALOPRAM_20, START, None)], reason=mdd, style="unit")
    _order(c, MIRTAZAPINE_30, "mirt-unknown", status="unknown")
    # Fix meds54: stating no supply and filled by nothing, it is a record to confirm, its length
    # unknown (unknown_order.unbounded), no course at all: before, a 30-day NOT_A_TRIAL course.
    # Fix maoi56: written more than MappingPolicy.unknown_order_days (70) before as-of, it is
    # read as ended, named in the data-gap line only, still no course.
    record = _record(c)
    assert [t for t in record.trials if t.ingredient == "mirtazapine"] == []
    (gap,) = [g for g in record.gaps if g.set_aside and g.set_aside.drugs == ("mirtazapine",)]
    assert gap.taken_now == ()
    assert gap.set_aside is not None and gap.set_aside.why == (
        "order 2024-10-01, status unknown, no supply on record: read as ended"
    )


def test_status_unknown_with_a_fill_counts() -> None:
    c, _ = _chart("b4_status_unknown_filled")
    order = _order(c, MIRTAZAPINE_30, "mirt-unknown", status="unknown")
    c.add(
        b.medication_dispense(
            *MIRTAZAPINE_30, START, 30, 30, patient=c.pid, prescription=str(order["id"])
        )
    )
    assert NOT_SHOWN not in _trial(_record(c), "mirtazapine").reasons


def _held_course(name: str, fills: list[tuple[date, int]] | None) -> PatientRecord:
    c = Chart(name, given="Test", family="Held", gender="female", birth_date=date(1975, 5, 5))
    start = date(2024, 12, 2)
    enc = c.visit(start)
    mdd = c.diagnosis(MDD_RECURRENT_SEVERE, START, key="mdd", encounter=enc)
    c.phq9(start, 18, 0, encounter=enc)
    add_course(
        c,
        "esc",
        [Step(ESCITALOPRAM_20, start, None)],
        reason=mdd,
        style="unit",
        order_status="on-hold",
        dispense=fills is not None,
        fills=fills,
    )
    c.phq9(date(2025, 3, 3) if fills else AS_OF - timedelta(days=21), 17, 0)
    return _record(c)


def test_an_order_on_hold_never_filled_is_not_a_failed_trial() -> None:
    # Review 14 W6 (r10): the first held order's refills bridged to its held renewal: 26 weeks.
    trial = _trial(_held_course("b4_held_unfilled", None), "escitalopram")
    assert trial.verdict is Verdict.NOT_A_TRIAL and trial.reasons == (NOT_SHOWN,)
    assert trial.weeks_at_adequate_dose == 0
    assert not trial.failed
    assert trial.on_hold is not None and trial.on_hold <= AS_OF
    assert any("on hold, never filled" in n for n in trial.notes)


def test_an_order_on_hold_after_fills_is_held_from_the_last_supply() -> None:
    # Review 14 W6 (r10b): filled Dec 2, Jan 1, Jan 31 (to Mar 2), then held.
    fills = [(date(2024, 12, 2), 30), (date(2025, 1, 1), 30), (date(2025, 1, 31), 30)]
    trial = _trial(_held_course("b4_held_filled", fills), "escitalopram")
    # The last day the record shows the drug taken, never the held renewal's assumed fill end
    # (2025-06-30, after as-of).
    assert trial.on_hold == date(2025, 3, 2)
    # The hold is no missed dose: judged over the fills, no supply gap over the held months.
    assert trial.adherence.status is not AdherenceStatus.POOR
    assert trial.adherence.supply_gaps == ()
    assert trial.verdict is Verdict.ADEQUATE
    assert NOT_SHOWN not in trial.reasons
