"""Recheck 13-2 (task J2): a taper written in words, a hypnotic trazodone draft, Maudsley
severity from another scale.

- m27: citalopram 40 -> 20 drafted as two unsequenced daily lines, no bounds, "Take 2 tablets
  (40 mg) daily for 7 days" + "Then take 1 tablet (20 mg) daily", was summed to 60 mg/day ("above
  the usual maximum of 40 mg/day"). The lines' text marks steps (fhir_mapping/dose_steps
  `_text_steps`): steps when the lengths are given, else "dose to confirm" at the highest line.
  n21's two daily lines with no step words stay summed (test_recheck13_lines_holds.py).

Drafts are Epic-shaped MedicationRequests (tests/fixtures/builders.py), validated with
fhir.resources R4B, read by fhir_mapping.medications.draft_orders / medication_events.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fhir_mapping.medications import draft_orders, medication_events
from fhir_mapping.record import PatientRecord
from services.order_hooks import order_hook
from services.policy import Policy
from services.recommendation import Recommendation
from tests.fhir_mapping.fhir_resources import assert_valid
from tests.fixtures import builders as b
from tests.services import factories as f

P = "pt-recheck2-r13"
AS_OF = date(2025, 6, 2)
CITALOPRAM_20 = ("200371", "citalopram 20 MG Oral Tablet")
Resource = dict[str, Any]


def _orders(record: PatientRecord) -> dict[str, Recommendation]:
    return {r.topic: r for r in order_hook(record, Policy(), hook="order-sign", selections=())}


# --- 1. m27: a taper written in words is steps, never one day's dose ----------------------------


def _two_lines(first: str, second: str, *, status: str = "draft") -> Resource:
    """m27's order: two daily tablet lines, no sequence, no bounds, no times of day."""
    order = b.medication_request(
        *CITALOPRAM_20, AS_OF, status=status, patient=P, id="citalopram-two-lines"
    )
    order["dosageInstruction"] = [
        b.dosage(2, "tablet", 1, 1, "d", text=first, sequence=None),
        b.dosage(1, "tablet", 1, 1, "d", text=second, sequence=None),
    ]
    assert_valid([order])
    return order


M27 = ("Take 2 tablets (40 mg) daily for 7 days", "Then take 1 tablet (20 mg) daily")


def test_m27_a_taper_in_words_with_its_length_is_two_steps_checked_at_40() -> None:
    # Before: (60.0, None), "Citalopram 60 mg/day is above the usual maximum of 40 mg/day".
    drafts = draft_orders([_two_lines(*M27)])
    (draft,) = drafts
    assert (draft.mg_per_day, draft.mg_per_day_upper) == (20.0, 40.0)
    assert draft.dose_note is not None
    assert "drafted in 2 steps: 40 mg/day for 7 days, then 20 mg/day" in draft.dose_note
    recs = _orders(f.trd_record(draft_orders=drafts))
    assert "order-dose-above-range" not in recs
    assert not any("60 mg" in r.summary or "60 mg" in r.detail for r in recs.values())


def test_then_without_a_length_is_to_confirm_at_the_highest_line_never_the_sum() -> None:
    # "Then" with no "for N days": when 40 ends is not said. Before: 60 mg/day summed.
    order = _two_lines("Take 2 tablets (40 mg) daily", "Then take 1 tablet (20 mg) daily")
    drafts = draft_orders([order])
    (draft,) = drafts
    assert (draft.mg_per_day, draft.mg_per_day_upper) == (None, 40.0)
    assert draft.dose_note is not None
    assert "up to 40 mg/day at the highest line" in draft.dose_note
    recs = _orders(f.trd_record(draft_orders=drafts))
    assert "order-dose-above-range" not in recs


def test_thereafter_marks_steps_as_then_does() -> None:
    order = _two_lines("Take 2 tablets (40 mg) daily", "Take 1 tablet (20 mg) daily thereafter")
    (draft,) = draft_orders([order])
    assert (draft.mg_per_day, draft.mg_per_day_upper) == (None, 40.0)


def test_a_running_order_written_in_words_is_no_60_mg_course() -> None:
    # The same two lines on an active order: the course's doses are its steps (40, then 20).
    order = _two_lines(*M27, status="active")
    events, _ = medication_events([order], as_of=AS_OF)
    assert all((e.mg_per_day or 0) <= 40 and (e.mg_per_day_high or 0) <= 40 for e in events)
    assert not any("dose to confirm" in n for e in events for n in e.notes)


def test_two_daily_lines_with_no_step_words_are_still_summed() -> None:
    # n21 (G2): "2 tablets daily" + "1 tablet daily" is one day's dose.
    order = _two_lines("Take 2 tablets (40 mg) by mouth daily", "Take 1 tablet (20 mg) daily")
    (draft,) = draft_orders([order])
    assert (draft.mg_per_day, draft.mg_per_day_upper) == (60.0, 60.0)
