"""Review s23 RC findings 1 and 2: which PHQ-9 is a course's "after" score.

- Finding 2 (chart sertraline_partial_41pct_then_venlafaxine): sertraline 150 mg 2025-06-01 ->
  2025-09-01, PHQ-9 22 -> 13 on it (41 %), then 21 on 2025-10-01, thirty days off it and
  venlafaxine's baseline. That 21 was sertraline's outcome ("failed, 22 -> 21"): the partial
  response was hidden and one score judged two courses. The outcome is now the latest PHQ-9 on
  the drug; the days after the end only when there is none, never the next course's baseline.
- Finding 1 (chart sertraline_response_then_relapse_on_it): sertraline 150 mg since 2025-03,
  PHQ-9 21 -> 6 -> 5, then 18 and 19 still on it, read "no response (PHQ-9 21 -> 19)" and counted
  as a failed adequate trial toward TMS. Now: "response then relapse on it (PHQ-9 21 -> 5 ->
  19)", not counted (a relapse after response is not an inadequate response, L37086), named on
  the TMS criterion to judge, and the relapse card gives the steps for how the patient is now.

Charts: tests/services/score_pairing_charts/ (built from leftover18 c01: Epic / US Core shaped
requests, every prefetch key).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from fhir_mapping.record import PatientRecord, Trial
from services.policy import Policy
from services.trial_verdict_text import verdict_text
from tests.services import chart_files
from tests.services.helpers import by_topic

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
_chart = chart_files.loader(Path(__file__).parent / "score_pairing_charts")


def _evaluate(name: str) -> tuple[PatientRecord, list[Doc]]:
    result = evaluate_document(_chart(name), hook="patient-view", as_of=AS_OF, policy=Policy())
    return result.evaluation.record, result.response.to_json()["cards"]


def _trial(record: PatientRecord, ingredient: str) -> Trial:
    (trial,) = [t for t in record.trials if t.ingredient == ingredient]
    return trial


# --- finding 2: the latest score on the drug, never the next course's baseline -----------------


def test_partial_response_on_the_drug_is_its_outcome_not_the_next_baseline() -> None:
    record, cards = _evaluate("sertraline_partial_41pct_then_venlafaxine")
    sertraline, venlafaxine = _trial(record, "sertraline"), _trial(record, "venlafaxine")
    assert sertraline.on_treatment is not None and venlafaxine.baseline is not None
    assert (sertraline.on_treatment.date, sertraline.on_treatment.value) == (date(2025, 8, 25), 13)
    assert sertraline.on_treatment is not venlafaxine.baseline
    assert verdict_text(sertraline, Policy().mapping) == "adequate: partial response (41 %)"
    summary = by_topic(cards)["optimize-switch-augment"]["summary"]
    assert "1 partial response (sertraline, 41 %)" in summary
    assert "2 adequate trials failed" not in summary


def test_a_failed_course_is_judged_on_its_last_score_on_the_drug() -> None:
    # Sertraline 22 -> 21 on 2025-08-25 on the drug; the 21 of 2025-10-01 is venlafaxine's.
    record, _ = _evaluate("sertraline_failed_then_venlafaxine_30d_later")
    sertraline = _trial(record, "sertraline")
    assert sertraline.on_treatment is not None
    assert sertraline.on_treatment.date == date(2025, 8, 25)
    assert sertraline.failed and not sertraline.outcome_inferred


def test_the_next_baseline_alone_after_the_end_leaves_the_outcome_unmeasured() -> None:
    # No score on sertraline at all: the 21 of 2025-10-01 is venlafaxine's baseline, so the
    # failure is inferred from the stop and the cards say which score was left out and why.
    doc = _chart("sertraline_failed_then_venlafaxine_30d_later")
    doc["prefetch"]["observations"]["entry"] = [
        e
        for e in doc["prefetch"]["observations"]["entry"]
        if not e["resource"]["effectiveDateTime"].startswith("2025-08-25")
    ]
    record = evaluate_document(
        doc, hook="patient-view", as_of=AS_OF, policy=Policy()
    ).evaluation.record
    sertraline = _trial(record, "sertraline")
    assert sertraline.on_treatment is None
    assert sertraline.outcome_inferred
    assert sertraline.outcome_note == (
        "PHQ-9 21 on 2025-10-01 is venlafaxine's baseline, taken 30 days after sertraline stopped"
    )


# --- finding 1: response, then relapse on the drug ---------------------------------------------


def test_response_then_relapse_on_the_drug_is_named_and_not_a_failed_trial() -> None:
    record, cards = _evaluate("sertraline_response_then_relapse_on_it")
    sertraline = _trial(record, "sertraline")
    assert sertraline.relapsed_from is not None and sertraline.relapsed_from.value == 5
    assert sertraline.on_treatment is not None and sertraline.on_treatment.value == 19
    assert not sertraline.failed
    assert verdict_text(sertraline, Policy().mapping) == (
        "adequate: response then relapse on it (PHQ-9 21 → 5 → 19); not counted as a failed "
        "trial: clinician to judge"
    )
    found = by_topic(cards)
    assert found["optimize-switch-augment"]["summary"].startswith(
        "1 adequate trial failed (venlafaxine)"
    )
    relapse = found["relapse-on-treatment"]
    assert relapse["summary"] == (
        "Relapse on sertraline 150 mg/day (PHQ-9 5 on 2025-09-01 -> 19 on 2026-11-15): review, "
        "then optimise the dose first"
    )
    assert "response on it on 2025-09-01 (PHQ-9 21 -> 5, >= 50 % drop" in relapse["detail"]
    assert "Not counted as a failed trial toward treatment resistance or TMS" in relapse["detail"]
    text = " ".join(c["detail"] for c in cards)
    assert "no response (PHQ-9 21 → 19)" not in text
    assert "sertraline (SSRI, failed)" not in text


def test_a_relapse_off_the_drug_is_not_read_as_one_on_it() -> None:
    # The same chart with no sertraline fill after 2025-09: the rise came without supply.
    doc = _chart("sertraline_response_then_relapse_on_it")
    fills = doc["prefetch"]["medicationDispenses"]["entry"]
    doc["prefetch"]["medicationDispenses"]["entry"] = [
        e
        for e in fills
        if "sertraline" not in str(e["resource"]["medicationCodeableConcept"]).lower()
        or e["resource"]["whenHandedOver"] < "2025-09-15"
    ]
    record = evaluate_document(
        doc, hook="patient-view", as_of=AS_OF, policy=Policy()
    ).evaluation.record
    assert _trial(record, "sertraline").relapsed_from is None


def test_how_long_a_response_must_hold_is_the_clinics_policy() -> None:
    # PHQ-9 6 and 5 on sertraline: held on 2 (the default), not on 3 consecutive PHQ-9s.
    doc = _chart("sertraline_response_then_relapse_on_it")
    policy = Policy()
    stricter = dataclasses.replace(
        policy, mapping=dataclasses.replace(policy.mapping, relapse_held_scores=3)
    )
    record = evaluate_document(
        doc, hook="patient-view", as_of=AS_OF, policy=stricter
    ).evaluation.record
    assert _trial(record, "sertraline").relapsed_from is None
