"""Recheck s28 K9: held ward runs, refusal word forms, the MAR's dose under an order with none.

1. A ward run with every dose held (NPO, or on hold with no reason) counted as weeks at dose and
   "verified": escitalopram filled from 10-01, every dose held 10-15..11-07 -> 7.4 weeks,
   verified, an adequate failed trial. A held stretch of mapping.ward_held_days or more is no
   time on the drug (4.0 weeks: ongoing), is named on the trial line, and a run with no dose
   given is never verified; a few held days between doses given leave the course whole.
2. Refusal word forms ("Pt refusing", "Patient refuse to take", "did not want", "cheeked") on
   on-hold doses read held: now missed.
3. "Held per patient's psychiatrist" read as the patient's choice: the prescriber's hold.
4. A ward order with no structured dose dropped the MAR's 20 mg: "dose unknown (40 days)".
5. "Patient asleep", "Off unit" on on-hold doses read held: missed, as the codes c and b.
6. "patient did not refuse" read as a refusal: a negated refusal is none.

Charts: tests/services/ward_mar_words_charts/ (K9's probes, every prefetch key), as of
2026-12-01; g01/g02 as of 2026-11-22.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.record import AdherenceStatus, InadequacyReason, Trial, Verdict
from services.timeline.lanes import gap_boxes
from services.trial_adherence_text import adherence_text
from tests.services import chart_files
from tests.services.helpers import Doc, Evaluator

pytestmark = pytest.mark.real_drug_table

DIR = Path(__file__).parent / "ward_mar_words_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
STAY = "stay 2026-10-20 – 2026-11-10 (Major depressive disorder, recurrent severe)"

_chart = chart_files.loader(DIR)


def _trial(name: str, ingredient: str = "escitalopram") -> tuple[Trial, list[Doc]]:
    as_of = date(2026, 11, 22) if name.startswith("g0") else date(2026, 12, 1)
    cards, record = Evaluator(as_of).cards_and_record(_chart(name))
    (trial,) = [t for t in record.trials if t.ingredient == ingredient]
    return trial, cards


def _doses(trial: Trial) -> list[tuple[str, str, float | None]]:
    return [(s.start.isoformat(), s.end.isoformat(), s.mg_per_day) for s in trial.segments]


def _failed(cards: list[Doc]) -> bool:
    return any("adequate trial failed" in c["summary"] for c in cards)


@pytest.mark.parametrize("name", CHARTS)
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    chart_files.check_chart(_chart(name))


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("g01_short_trial_24d_held_npo", " (24 days: NPO)"),
        ("g02_short_trial_24d_onhold_noreason", " (24 days)"),
    ],
)
def test_a_run_held_throughout_is_no_time_on_the_drug(name: str, why: str) -> None:
    # Finding 1: 24 days held on the ward are cut from the weeks (7.4 -> 4.0: ongoing, no
    # failed-trial card) and named; nothing given on the ward: not verified.
    trial, cards = _trial(name)
    assert _doses(trial) == [
        ("2026-10-01", "2026-10-15", 20.0),
        ("2026-11-08", "2026-11-22", 20.0),
    ]
    assert round(trial.weeks_at_adequate_dose, 1) == 4.0
    assert trial.verdict is Verdict.ONGOING
    assert trial.adherence.status is AdherenceStatus.UNVERIFIED
    assert not _failed(cards)
    text = adherence_text(trial)
    assert f"held on the ward 2026-10-15 – 2026-11-07{why}: not counted as time on the drug" in (
        text
    )
    # The timeline draws the stretch as a hold, as it draws a documented one.
    assert [
        (g.start.isoformat(), g.end.isoformat(), label) for g, label, _ in gap_boxes(trial)
    ] == [("2026-10-15", "2026-11-08", "held")]
    assert text.endswith(
        "no dose given on the ward 2026-10-15 – 2026-11-07: adherence not verified"
    )


@pytest.mark.parametrize("name", ["b15_all_onhold_no_reason", "b16_all_notdone_npo"])
def test_a_held_stay_inside_a_long_course_is_cut_and_not_verified(name: str) -> None:
    trial, _ = _trial(name)
    assert _doses(trial) == [
        ("2026-04-01", "2026-10-20", 20.0),
        ("2026-11-10", "2026-12-01", 20.0),
    ]
    assert trial.adherence.status is AdherenceStatus.UNVERIFIED
    assert "held on the ward 2026-10-20 – 2026-11-09 (21 days" in adherence_text(trial)


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("b06_notdone_held_for_procedure_pt_refused_later", "Held for procedure"),
        ("b08_notdone_held_per_patients_psychiatrist", "Held per patient's psychiatrist"),  # 3
        ("b13_notdone_not_refused_held_bp", "Held - BP 82/50, patient did not refuse"),  # 6
    ],
)
def test_short_holds_between_doses_given_leave_the_course_whole(name: str, why: str) -> None:
    # A dose given every fifth day: each held stretch is 4 days, under mapping.ward_held_days.
    trial, cards = _trial(name)
    assert _doses(trial) == [("2026-04-01", "2026-12-01", 20.0)]
    assert trial.adherence.status is AdherenceStatus.VERIFIED
    assert trial.verdict is Verdict.ADEQUATE
    said = f"ward MAR 2026-10-20 – 2026-11-09 ({STAY}): given on 5 of 5 days (100 %); "
    assert f"{said}held on 16 ({why}), not counted" in adherence_text(trial)
    assert "time on the drug" not in adherence_text(trial)


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("b01_onhold_pt_refusing", "Pt refusing"),  # finding 2
        ("b07_onhold_pt_refuse", "Patient refuse to take"),
        ("b10_onhold_did_not_want", "Pt did not want medication"),
        ("b11_onhold_cheeked", "Pt cheeking meds, spit out"),
        ("b03_onhold_patient_asleep", "Patient asleep"),  # finding 5
        ("b05_onhold_off_unit", "Off unit"),
    ],
)
def test_refusal_words_and_absences_on_hold_are_missed(name: str, why: str) -> None:
    trial, cards = _trial(name)
    assert trial.adherence.status is AdherenceStatus.POOR
    assert InadequacyReason.POOR_ADHERENCE in trial.reasons
    said = f"ward MAR 2026-10-20 – 2026-11-09 ({STAY}): given on 5 of 21 days (24 %); "
    assert f"{said}not given on 16 ({why})" in adherence_text(trial)
    assert not _failed(cards)


def test_every_dose_refusing_on_hold_is_poor() -> None:
    trial, _ = _trial("b14_all_onhold_pt_refusing_fills_cover")
    assert trial.adherence.status is AdherenceStatus.POOR
    assert "given on 0 of 21 days (0 %); not given on 21 (Pt refusing)" in adherence_text(trial)


@pytest.mark.parametrize(
    ("name", "ingredient", "mg"),
    [
        ("a14_ward_order_no_dosage_mar_20mg", "escitalopram", 20.0),  # finding 4
        ("a15_ward_order_no_dosage_mar_1tab", "escitalopram", 20.0),
        ("a16_ward_order_text_only_mar_20mg", "escitalopram", 20.0),
        ("a05b_sert_liquid_2_5mL_tab_discharge", "sertraline", 50.0),
        ("a17_ward_order_text_20mg_daily_mar_20mg", "escitalopram", 20.0),  # controls
        ("a18_no_ward_order_at_all_mar_20mg", "escitalopram", 20.0),
    ],
)
def test_the_mar_dose_fills_an_order_that_states_none(
    name: str, ingredient: str, mg: float
) -> None:
    trial, _ = _trial(name, ingredient)
    assert {s.mg_per_day for s in trial.segments} == {mg}
    assert InadequacyReason.DOSE_UNKNOWN not in trial.reasons
    assert trial.verdict is Verdict.ADEQUATE
    if name.startswith(("a14", "a15", "a16")):
        assert f"given at {mg:g} mg/day on the ward (MAR); the order states no dose" in trial.notes
    if name.startswith(("a14", "a15", "a16")):
        assert f"given at {mg:g} mg/day on the ward (MAR); the order states no dose" in trial.notes
