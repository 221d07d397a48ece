"""Session 29 fix mar30: leftovers of session 28 in the ward MAR reading.

1. A refusal word inside a staff or pharmacy hold ("Pt refused labs - med held per MD", "Held -
   pharmacy refused to dispense", "pharmacy refused (non-formulary)") read as the patient's
   refusal: missed, the escitalopram stay POOR. Now held (administration_reasons.csv
   `other-refusal` rows); "Pt refused", "refused" alone stay refusals.
2. A MAR dose given only as dosage.text ("20 mg", "2 tablets (20 mg)", "escitalopram 20 mg tab:
   1 tab") was unread: under an order with no dose, "dose unknown". Now its clear mg amount is
   read (ward_doses._text_mg); unclear text stays unread.
3. Code b (away) in one statusReason entry and "Off unit for procedure" in another read missed;
   the entries now read together: a clinical errand, held.
4. Cyanocobalamin 1000 mcg IM given only on the MAR (two monthly injections) was unseen: the
   diagnosis review held the adjuncts for "low B12 ... replace B12". Now a course
   (interval_doses.py), named under replacement.

Charts: tests/services/mar30_charts/ (every prefetch key): m01, m03 from ward_mar_words_charts/
b05 (as of 2026-12-01), m02 from a14, m04 from labs28_charts/v13 without its B12 order (as of
2025-06-01).
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.adherence_record import DoseReading
from fhir_mapping.administration_reasons import reason_reading
from fhir_mapping.record import AdherenceStatus, InadequacyReason, Trial
from services.trial_adherence_text import adherence_text
from tests.services import chart_files
from tests.services.helpers import Doc, Evaluator, by_topic

pytestmark = pytest.mark.real_drug_table

DIR = Path(__file__).parent / "mar30_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_ward = Evaluator(date(2026, 12, 1))
_labs = Evaluator(date(2025, 6, 1))


@pytest.mark.parametrize("name", CHARTS)
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    chart_files.check_chart(_chart(name))


def _trial(doc: Doc, ingredient: str = "escitalopram") -> Trial:
    _, record = _ward.cards_and_record(doc)
    (trial,) = [t for t in record.trials if t.ingredient == ingredient]
    return trial


def _reasons(doc: Doc, reasons: list[Doc]) -> Doc:
    doc = copy.deepcopy(doc)
    for entry in doc["prefetch"]["medicationAdministrations"]["entry"]:
        if entry["resource"].get("statusReason"):
            entry["resource"]["statusReason"] = reasons
    return doc


# --- 1: a staff or pharmacy refusal is a hold ---------------------------------------------------


def test_a_staff_or_pharmacy_refusal_is_a_hold() -> None:
    trial = _trial(_chart("m01_notdone_staff_pharmacy_refused"))
    assert trial.adherence.status is not AdherenceStatus.POOR
    assert InadequacyReason.POOR_ADHERENCE not in trial.reasons
    said = adherence_text(trial)
    assert "held on 16 (" in said and "not given on" not in said
    assert "pharmacy refused to dispense" in said


@pytest.mark.parametrize(
    "words", ["Pt refused", "Patient refused medication", "refused", "Pt refused labs and meds"]
)
def test_the_patients_refusal_stays_missed(words: str) -> None:
    doc = _reasons(_chart("m01_notdone_staff_pharmacy_refused"), [{"text": words}])
    trial = _trial(doc)
    assert trial.adherence.status is AdherenceStatus.POOR
    assert f"not given on 16 ({words})" in adherence_text(trial)


@pytest.mark.parametrize(
    ("words", "reading"),
    [
        ("Pt refused labs - med held per MD", DoseReading.HELD),
        ("Held - pharmacy refused to dispense", DoseReading.HELD),
        ("pharmacy refused (non-formulary)", DoseReading.HELD),
        ("Pt refusing blood draw; held per parameters", DoseReading.HELD),
        ("Pt refused labs", DoseReading.MISSED),  # nothing else named: as no reason
        ("Pharmacy: patient refused", DoseReading.MISSED),
        ("Held - pharmacy refused; pt refused too", DoseReading.MISSED),
    ],
)
def test_the_refusal_words_by_whom_and_of_what(words: str, reading: DoseReading) -> None:
    assert reason_reading([{"text": words}]) is reading


# --- 2: the dose as text only -------------------------------------------------------------------


def test_a_mar_dose_given_as_text_only_is_read() -> None:
    trial = _trial(_chart("m02_mar_dose_text_only"))
    assert {s.mg_per_day for s in trial.segments} == {20.0}
    assert InadequacyReason.DOSE_UNKNOWN not in trial.reasons
    assert "given at 20 mg/day on the ward (MAR); the order states no dose" in trial.notes


@pytest.mark.parametrize("text", ["1 tab", "10-20 mg", "20 mg or 40 mg", "as directed"])
def test_unclear_dose_text_stays_unread(text: str) -> None:
    doc = copy.deepcopy(_chart("m02_mar_dose_text_only"))
    for entry in doc["prefetch"]["medicationAdministrations"]["entry"]:
        entry["resource"]["dosage"]["text"] = text
    trial = _trial(doc)
    # The ward stretch stays "dose unknown" (the home fill after it is read from its supply).
    assert trial.segments[0].mg_per_day is None
    assert InadequacyReason.DOSE_UNKNOWN in trial.reasons
    assert not any("on the ward (MAR)" in note for note in trial.notes)


# --- 3: away and the procedure in separate entries ----------------------------------------------


def test_away_code_and_procedure_text_in_separate_entries_read_held() -> None:
    trial = _trial(_chart("m03_notdone_away_code_procedure_text"))
    assert trial.adherence.status is not AdherenceStatus.POOR
    assert InadequacyReason.POOR_ADHERENCE not in trial.reasons
    assert "held on 16 (Patient away from unit; Off unit for procedure)" in adherence_text(trial)


@pytest.mark.parametrize(
    "second", [[{"text": "court"}], [], [{"text": "Off unit for procedure"}, {"text": "refused"}]]
)
def test_away_with_no_errand_or_with_a_refusal_stays_missed(second: list[Doc]) -> None:
    doc = _chart("m03_notdone_away_code_procedure_text")
    first = doc["prefetch"]["medicationAdministrations"]["entry"][1]["resource"]["statusReason"][0]
    trial = _trial(_reasons(doc, [first, *second]))
    assert trial.adherence.status is AdherenceStatus.POOR


# --- 4: B12 given only on the MAR ---------------------------------------------------------------


def test_b12_injections_only_on_the_mar_are_the_replacement() -> None:
    cards = by_topic(_labs.cards(_chart("m04_b12_im_only_on_mar")))
    card = cards["diagnosis-review"]
    assert card["summary"] == (
        "Review alongside escalation: low B12 on cyanocobalamin since 2025-04-03: recheck B12 "
        "after about 3 months of treatment"
    )
    assert "under replacement" in card["detail"]
    assert "replace B12" not in cards["optimize-switch-augment"]["summary"]


def test_b12_injections_whose_cover_ran_out_are_no_replacement_now() -> None:
    doc = copy.deepcopy(_chart("m04_b12_im_only_on_mar"))
    entries = doc["prefetch"]["medicationAdministrations"]["entry"]
    doc["prefetch"]["medicationAdministrations"]["entry"] = entries[:1]  # 2025-04-03 only
    cards = by_topic(_labs.cards(doc))
    assert cards["diagnosis-review"]["summary"] == (
        "Confirm the diagnosis before escalating: low B12 140 on 2025-04-01"
    )
