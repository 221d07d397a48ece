"""Session 29 fix ward30: review K16's findings on the ward MAR (recheck of session 28's fixes).

1. WRONG (regression of 7a00ed07, ward_courses._dosed_by_mar): a ward order with no dose, given
   20 mg for 17 days then 5 mg for 23 (w3), the patient discharged on 20 mg daily (order and
   fill 2026-11-10), read 5 mg/day on to as-of and warned "Escitalopram 5 mg/day is below the
   adequate range (10-20): raise held". The MAR's last dose step ran on past the stay and hid
   the discharge order (at the ward order's first dose: one dose with it in the timeline). The
   last step now ends with the ward order: 20 mg again from 2026-11-10. A one-dose MAR (w4, one
   loading dose of 20 then 5 mg) reads as before.
2. WRONG: MAR reason tiers. "Held, pt on elopement precautions" (m01) and "Elopement risk -
   held for sedation" (m02) read missed as "eloped": the patient is ON the unit, a clinical
   hold; now held (`on-unit` rows). "Patient eloped from ECT suite" (m03) read held by the errand
   word ECT: an eloped word now wins over an errand (`eloped` rows), missed. "Patient left
   against medical advice" (m05, m07) read held by the "medical advice" row and "Left AMA" (m06)
   named nothing (held on an on-hold dose): both now missed, the patient was not there.

Charts: tests/services/ward30_charts/ (K16's probes w3, w4, m00-m04 and m05-m07 from m04, every
prefetch key): w* as of 2026-11-20 (from k12fix wa6), m* 2026-12-01 (from k15fix
mar_on-hold_eloped: 16 of 21 doses not given with the words).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.adherence_record import DoseReading
from fhir_mapping.administration_reasons import reason_reading
from fhir_mapping.record import AdherenceStatus, InadequacyReason, Trial, Verdict
from tests.services import chart_files
from tests.services.helpers import Doc, Evaluator

pytestmark = pytest.mark.real_drug_table

DIR = Path(__file__).parent / "ward30_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)


def _evaluator(name: str) -> Evaluator:
    return Evaluator(date(2026, 11, 20) if name.startswith("w") else date(2026, 12, 1))


def _trial(name: str) -> tuple[list[Doc], Trial]:
    cards, record = _evaluator(name).cards_and_record(_chart(name))
    (trial,) = [t for t in record.trials if t.ingredient == "escitalopram"]
    return cards, trial


def _doses(trial: Trial) -> list[tuple[str, str, float | None]]:
    return [(s.start.isoformat(), s.end.isoformat(), s.mg_per_day) for s in trial.segments]


@pytest.mark.parametrize("name", CHARTS)
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    chart_files.check_chart(_chart(name))


# --- 1: the MAR's last dose step ends with the ward order ----------------------------------------


def test_the_last_ward_step_ends_with_the_stay() -> None:
    """w3 before: 5 mg/day from 2026-10-18 to 2026-11-20 and "raise held"."""
    cards, trial = _trial("w3_20_17d_then_5_23d")
    assert _doses(trial) == [
        ("2026-10-01", "2026-10-18", 20.0),
        ("2026-10-18", "2026-11-10", 5.0),
        ("2026-11-10", "2026-11-20", 20.0),
    ]
    assert trial.verdict is Verdict.ONGOING
    assert not [c for c in cards if "below the adequate range" in c["summary"]]
    assert (
        "given on the ward (MAR) at 20 mg/day from 2026-10-01, then 5 mg/day from 2026-10-18; "
        "the order states no dose"
    ) in trial.notes


def test_one_ward_dose_then_the_discharge_dose_as_before() -> None:
    """w4 (one loading dose of 20, then 5 mg): 5 mg over the stay, 20 from discharge."""
    _, trial = _trial("w4_loading20_then_5")
    assert _doses(trial) == [("2026-10-01", "2026-11-10", 5.0), ("2026-11-10", "2026-11-20", 20.0)]


# --- 2: eloped, on elopement precautions, left AMA ------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "m00_control_held_for_procedure",
        "m01_held_elopement_precautions",  # before: POOR (16 doses missed)
        "m02_elopement_risk_held_sedation",  # before: POOR
    ],
)
def test_a_dose_held_on_the_unit_is_held(name: str) -> None:
    _, trial = _trial(name)
    assert trial.adherence.status is not AdherenceStatus.POOR
    assert InadequacyReason.POOR_ADHERENCE not in trial.reasons


@pytest.mark.parametrize(
    "name",
    [
        "m03_eloped_from_ECT_suite",  # before: held
        "m04_control_eloped",
        "m05_left_against_medical_advice",  # before: held ("medical advice")
        "m06_left_AMA",  # before: held (no reason read, on hold)
        "m07_notdone_left_against_medical_advice",  # before: held ("medical advice")
    ],
)
def test_a_dose_due_when_the_patient_had_gone_is_missed(name: str) -> None:
    _, trial = _trial(name)
    assert trial.adherence.status is AdherenceStatus.POOR


@pytest.mark.parametrize(
    ("words", "reading"),
    [
        ("Held, pt on elopement precautions", DoseReading.HELD),
        ("Elopement risk - held for sedation", DoseReading.HELD),
        # With a hold word: the watch alone is an unnamed reason (recheck K18 s29 finding 4,
        # fix k18a: test_k18a.test_an_on_unit_phrase_alone_is_an_unnamed_reason).
        ("On AWOL precautions, held", DoseReading.HELD),
        ("Patient eloped from ECT suite", DoseReading.MISSED),
        ("AWOL - was off unit for MRI", DoseReading.MISSED),
        ("Patient left against medical advice", DoseReading.MISSED),
        ("Left AMA", DoseReading.MISSED),
        ("Patient absconded", DoseReading.MISSED),
        # Controls: a refusal or a departure beside the watch still reads missed; the errand
        # alone and the prescriber's advice stay held.
        ("Pt on elopement precautions - refused", DoseReading.MISSED),
        ("Eloped; had been on elopement precautions", DoseReading.MISSED),
        ("Elopement precautions; off unit", DoseReading.MISSED),
        ("Off unit for ECT", DoseReading.HELD),
        ("Held per medical advice", DoseReading.HELD),
    ],
)
def test_the_words_read_by_tier(words: str, reading: DoseReading) -> None:
    assert reason_reading([{"text": words}], unnamed=DoseReading.HELD) is reading
    assert reason_reading([{"text": words}], unnamed=DoseReading.MISSED) is reading
