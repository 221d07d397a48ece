"""Review s25 RI findings 2-4: an oral antidepressant's ward doses (MedicationAdministration, the
MAR) are read (fhir_mapping/ward_doses.py, ward_courses.py, ward_adherence.py).

- Venlafaxine ordered on the ward for 52 days, not given (refused) on 39: was "3 adequate trials
  failed (sertraline, escitalopram, venlafaxine)" with the TMS card counting a failed SNRI; now
  not adequate, "adherence contradicted by the ward MAR ... given on 13 of 52 days (25 %); not
  given on 39 (Patient refused)", and the TMS card counts 2 trials from 1 class.
- Every ward dose given (46 days): no "Adherence not verified by dispensing data" for it.
- Mirtazapine given 37 days on the ward, MAR only: a course of its own; NaSSA no longer offered
  as untried.
- An 8-week medical stay with daily ward escitalopram while the home fills pause: no "no supply
  dispensed for 52 days ... ask about the gap".

Charts: tests/services/ward_mar_charts/ (vendor-shaped requests, every prefetch key).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import document_resources, evaluate_document
from fhir_mapping.build import build_record
from fhir_mapping.record import AdherenceStatus, Verdict
from services.policy import Policy
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
load = chart_files.loader(Path(__file__).parent / "ward_mar_charts")


def _cards(name: str) -> list[dict[str, Any]]:
    doc = load(name)
    response = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy())
    cards: list[dict[str, Any]] = response.response.to_json().get("cards", [])
    return cards


def _text(cards: list[dict[str, Any]]) -> str:
    return "\n".join(f"{c.get('summary')}\n{c.get('detail') or ''}" for c in cards)


def _trial(name: str, ingredient: str) -> Any:
    doc = load(name)
    record = build_record(
        document_resources(doc), as_of=AS_OF, patient_id=doc["context"]["patientId"]
    )
    return next(t for t in record.trials if t.ingredient == ingredient)


def test_ward_refusals_make_the_trial_not_adequate() -> None:
    name = "ward_venlafaxine_refused_39_of_52"
    trial = _trial(name, "venlafaxine")
    assert trial.adherence.status is AdherenceStatus.POOR
    assert trial.adherence.ward_pdc == pytest.approx(13 / 52, abs=1e-3)
    assert trial.verdict is not Verdict.ADEQUATE
    text = _text(_cards(name))
    assert "3 adequate trials failed" not in text
    assert "adherence contradicted by the ward MAR" in text
    assert "given on 13 of 52 days (25 %); not given on 39 (Patient refused)" in text
    assert "2 counted from 1 class" in text


def test_all_ward_doses_given_verify_adherence() -> None:
    name = "ward_venlafaxine_all_given"
    trial = _trial(name, "venlafaxine")
    assert trial.adherence.status is AdherenceStatus.VERIFIED
    assert trial.adherence.ward_pdc == 1.0
    text = _text(_cards(name))
    assert "Adherence not verified by dispensing data for venlafaxine" not in text


def test_mar_only_drug_is_a_course_not_untried() -> None:
    name = "ward_only_mirtazapine"
    trial = _trial(name, "mirtazapine")
    assert trial.start == date(2026, 10, 25)
    assert trial.adherence.status is AdherenceStatus.VERIFIED
    assert "NaSSA: mirtazapine" not in _text(_cards(name))


def test_home_fill_gap_covered_by_ward_doses_is_no_supply_gap() -> None:
    name = "medical_stay_fill_gap_ward_doses"
    trial = _trial(name, "escitalopram")
    assert trial.adherence.supply_gaps == ()
    assert [(g.start, g.end) for g in trial.adherence.ward_covered] == [
        (date(2026, 7, 30), date(2026, 9, 20))
    ]
    assert trial.adherence.ward is not None
    assert "Non-ST elevation (NSTEMI) myocardial infarction" in trial.adherence.ward
    text = _text(_cards(name))
    assert "no supply dispensed for 52 days" not in text
    assert "No supply of escitalopram dispensed" not in text
