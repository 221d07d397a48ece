"""Recheck 13-2: a taper written in words, a hypnotic trazodone draft, Maudsley
severity from another scale.

- m27: citalopram 40 -> 20 drafted as two unsequenced daily lines, no bounds, "Take 2 tablets
  (40 mg) daily for 7 days" + "Then take 1 tablet (20 mg) daily", was summed to 60 mg/day ("above
  the usual maximum of 40 mg/day"). The lines' text marks steps (fhir_mapping/dose_steps
  `_text_steps`): steps when the lengths are given, else "dose to confirm" at the highest line.
  n21's two daily lines with no step words stay summed (test_recheck13_lines_holds.py).
- m33: trazodone 50 mg at bedtime for sleep, drafted beside sertraline in a responder, got
  "Trazodone already failed an adequate trial ...; sertraline still running" and "switch or
  combination?". A draft in the drug's low-dose use range (antidepressants.csv low_dose_use) is
  no antidepressant trial: no repeat card, no still-running line
  (services/order_checks/repeat.low_dose_draft); its safety checks still run.
- Maudsley severity with no PHQ-9 but HAM-D17 20 on record came from the coded diagnosis (or
  "not measured"). The latest HAM-D17 / MADRS / QIDS-SR16 / BDI-II total is banded
  (payer_criteria/scale_bands.csv) and read as an MSM category
  (services/data/maudsley_scale_severity.csv); PHQ-9 first, the code after, never the GAD-7.

Drafts are Epic-shaped MedicationRequests (tests/fixtures/builders.py), validated with
fhir.resources R4B, read by fhir_mapping.medications.draft_orders / medication_events.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest

from fhir_mapping.build import build_record
from fhir_mapping.medications import draft_orders, medication_events
from fhir_mapping.record import PatientRecord, Score
from services.order_checks.model import REPEATS
from services.order_hooks import order_hook
from services.pathway import derive_facts
from services.policy import Policy
from services.recommendation import Recommendation
from services.staging import StageDimension, maudsley_stage
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


# --- 2. m33: a sleep dose of trazodone is no repeat of a failed trial ---------------------------

SERTRALINE_100 = ("312938", "sertraline 100 MG Oral Tablet")
TRAZODONE_50 = ("856377", "trazodone hydrochloride 50 MG Oral Tablet")
MIRTAZAPINE_15 = ("311725", "mirtazapine 15 MG Oral Tablet")
MIRTAZAPINE_30 = ("314111", "mirtazapine 30 MG Oral Tablet")


def _responder_with_failed(old: tuple[str, str], units: int, draft: Resource) -> PatientRecord:
    """Sertraline 100 mg since 2025-01-06, PHQ-9 18 -> 9 (a responder); `old` at `units`
    tablets a day 2022-03-01 to 2022-07-01 with PHQ-9 19 -> 18 (a failed adequate trial)."""
    resources: list[Resource] = [
        b.patient(
            id=P, given="Test", family="Recheck", gender="female", birth_date=date(1975, 5, 5)
        ),
        b.condition(
            b.ICD10CM,
            "F33.2",
            "Major depressive disorder, recurrent severe without psychotic features",
            date(2021, 10, 1),
            category="problem-list-item",
            patient=P,
            id="mdd",
        ),
        b.medication_request(
            *SERTRALINE_100,
            date(2025, 1, 6),
            expected_supply_days=30,
            repeats=5,
            patient=P,
            id="sertraline",
        ),
        b.medication_request(
            *old,
            date(2022, 3, 1),
            dose_value=units,
            status="completed",
            bounds_end=date(2022, 7, 1),
            expected_supply_days=30,
            repeats=3,
            patient=P,
            id="old-course",
        ),
        *b.phq9(date(2022, 3, 1), 19, 0, patient=P),
        *b.phq9(date(2022, 6, 20), 18, 0, patient=P),
        *b.phq9(date(2025, 1, 6), 18, 0, patient=P),
        *b.phq9(date(2025, 5, 12), 9, 0, patient=P),
    ]
    assert_valid([*resources, draft])
    return build_record(resources, as_of=AS_OF, patient_id=P, draft_orders=[draft])


def _bedtime_draft(product: tuple[str, str], text: str) -> Resource:
    return b.medication_request(
        *product, AS_OF, status="draft", text=text, when=("HS",), patient=P, id="bedtime-draft"
    )


@pytest.mark.real_drug_table
def test_m33_trazodone_50_for_sleep_gets_no_repeat_card_and_no_switch_question() -> None:
    # Before: "Trazodone already failed an adequate trial (150 mg/day ...): consider a different
    # mechanism; sertraline still running" and "Is trazodone a switch ... or a combination?".
    draft = _bedtime_draft(TRAZODONE_50, "Take 1 tablet (50 mg) by mouth at bedtime for sleep")
    record = _responder_with_failed(TRAZODONE_50, 3, draft)
    assert any(t.ingredient == "trazodone" and t.failed for t in record.trials)
    recs = _orders(record)
    assert REPEATS not in recs
    texts = " ".join(r.summary + " " + r.detail for r in recs.values())
    assert "already failed" not in texts
    assert "still running" not in texts.lower()
    assert "a switch" not in texts


@pytest.mark.real_drug_table
def test_trazodone_in_the_antidepressant_range_still_gets_the_repeat_card() -> None:
    draft = _bedtime_draft(TRAZODONE_50, "Take 3 tablets (150 mg) by mouth at bedtime")
    draft["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"]["value"] = 3
    recs = _orders(_responder_with_failed(TRAZODONE_50, 3, draft))
    repeat = recs[REPEATS]
    assert "Trazodone already failed an adequate trial" in repeat.summary


@pytest.mark.real_drug_table
def test_scheduled_mirtazapine_15_is_a_trial_dose_and_keeps_its_repeat_card() -> None:
    # Mirtazapine's low dose is also its starting dose (low_dose_when = as-needed): a
    # scheduled 15 mg draft after a failed 30 mg course is still a repeat (m34).
    draft = _bedtime_draft(MIRTAZAPINE_15, "Take 1 tablet (15 mg) by mouth at bedtime")
    recs = _orders(_responder_with_failed(MIRTAZAPINE_30, 1, draft))
    assert REPEATS in recs


# --- 3. Maudsley severity from another depression scale -----------------------------------------


def _severity(*scores: Score, severity: str | None = None) -> StageDimension:
    mdd = dataclasses.replace(f.mdd(), severity=severity)
    rec = f.trd_record(scores=scores, findings=(mdd,))
    return maudsley_stage(rec, derive_facts(rec, Policy())).severity


def test_hamd17_20_with_no_phq9_is_moderate_from_the_scale_not_the_code() -> None:
    # Before: "severe without psychosis" from the coded F33.2, the HAM-D17 unread.
    severity = _severity(Score("HAM-D17", 20, date(2025, 5, 12)), severity="severe")
    assert (severity.category, severity.points) == ("moderate", 3)
    assert severity.basis.startswith("HAM-D17 20 on 2025-05-12 (moderate, Zimmerman 2013)")
    assert "no PHQ-9 on record" in severity.basis
    assert not severity.assumed


@pytest.mark.parametrize(
    ("instrument", "value", "category", "points"),
    [
        ("MADRS", 36, "severe without psychosis", 4),
        ("QIDS-SR16", 23, "severe without psychosis", 4),  # very severe
        ("BDI-II", 16, "mild", 2),
        ("HAM-D17", 5, "subsyndromal", 1),
    ],
)
def test_each_scale_band_reads_as_its_maudsley_category(
    instrument: str, value: int, category: str, points: int
) -> None:
    severity = _severity(Score(instrument, value, date(2025, 5, 12)))
    assert (severity.category, severity.points) == (category, points)


def test_the_latest_scale_total_is_read() -> None:
    severity = _severity(
        Score("MADRS", 40, date(2024, 11, 1)), Score("QIDS-SR16", 12, date(2025, 5, 12))
    )
    assert severity.basis.startswith("QIDS-SR16 12 on 2025-05-12")
    assert severity.category == "moderate"


def test_phq9_stays_first_and_gad7_is_never_read() -> None:
    with_phq9 = _severity(Score("HAM-D17", 30, date(2025, 5, 12)), f.score(7, date(2025, 1, 6)))
    assert with_phq9.basis == "PHQ-9 7 on 2025-01-06"
    gad7 = _severity(Score("GAD-7", 19, date(2025, 5, 12)), severity="moderate")
    assert "from the coded diagnosis" in gad7.basis
    assert gad7.category == "moderate"
