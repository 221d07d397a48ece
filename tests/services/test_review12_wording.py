"""Review 12 findings 12, 13 and 14: three wordings.

12. An age beside a running drug reads as its dose ("citalopram running at 75"): "at age 75".
13. A range with no maximum on record printed "150-unknown": "from 150 mg/day".
14. A home medication the patient reported (MedicationRequest intent plan + reportedBoolean, as
    US Core's self-prescribed example writes it; a MedicationStatement whose informationSource is
    the Patient) was counted as a trial with nothing saying it rests on the patient's word: the
    course carries it (Trial.patient_reported), and the trial row and the TMS trial criterion say
    "patient-reported".
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest

from fhir_mapping.episodes import build_trials
from fhir_mapping.medications import medication_events
from fhir_mapping.record import Verdict
from services.pathway import derive_facts
from services.payer_criteria.evaluate import evaluate_payer_criteria
from services.payer_criteria.model import CriterionKind
from services.payer_criteria.trials import trial_line
from services.policy import Policy
from services.rules import optimize_switch_augment
from services.trial_table import adherence_text
from tests.fhir_mapping.fhir_resources import assert_valid
from tests.fixtures import builders as b
from tests.services import factories as f
from tests.services.helpers import ctx
from tests.services.test_sodium_running import _cards, _chart, _running, _sodium

AS_OF = date(2025, 6, 2)
P = "p-review12-wording"
Resource = dict[str, Any]
ESCITALOPRAM_20 = ("351250", "escitalopram 20 MG Oral Tablet")


# --- 12: the age is an age ----------------------------------------------------------------------


@pytest.mark.real_drug_table
def test_the_age_beside_a_running_drug_says_age() -> None:
    # No sodium before citalopram: the summary names the drug running and the age (78).
    record = _chart(_running(), _sodium(date(2025, 5, 20), 129, "L", rid="na-now"))
    summary = _cards(record)["running-drug-low-sodium"].summary
    assert "with citalopram running at age 78:" in summary  # before: "running at 78:"
    assert len(summary) <= 140


# --- 13: no "unknown" inside a range --------------------------------------------------------------


def test_a_range_without_maximum_reads_from_its_minimum() -> None:
    # Sertraline with no maximum on record, as fluvoxamine's is unverified in the drug table.
    low = f.trial(
        "sertraline",
        "SSRI",
        start=date(2024, 3, 4),
        mg=25,
        min_mg=50,
        max_mg=None,
        ongoing=True,
        verdict=Verdict.ONGOING,
        weeks_adequate=0,
    )
    rec = optimize_switch_augment.rule(ctx(f.trd_record(trials=(low,))))
    assert rec is not None
    assert rec.summary == (
        "Sertraline 25 mg/day is below the adequate range (from 50 mg/day): raise the dose "
        "before judging response"
    )  # before: "(50-unknown)"


# --- 14: patient-reported --------------------------------------------------------------------------


def _home_med() -> Resource:
    """Review 12's d8: escitalopram 20 on the home medication list, intent plan, reported."""
    order = b.medication_request(
        *ESCITALOPRAM_20, date(2025, 1, 6), intent="plan", patient=P, id="mr-home"
    )
    order["reportedBoolean"] = True
    return order


def _statement(source: str) -> Resource:
    return b.medication_statement(
        *ESCITALOPRAM_20,
        date(2025, 1, 6),
        dose_value=1,
        information_source=source,  # type: ignore[arg-type]
        patient=P,
        id=f"ms-{source}",
    )


def _course(*resources: Resource) -> Any:
    assert_valid(list(resources))
    events, _ = medication_events(list(resources), as_of=AS_OF)
    (trial,) = build_trials(events, as_of=AS_OF)
    return trial


def test_a_reported_home_medication_is_a_patient_reported_course() -> None:
    trial = _course(_home_med())
    assert trial.patient_reported
    assert "patient-reported, no order or fill on record" in adherence_text(trial)
    assert trial_line(trial).endswith("; patient-reported: no order or fill on record")


def test_a_statement_the_patient_gave_is_patient_reported_one_a_clinician_gave_is_not() -> None:
    assert _course(_statement("patient")).patient_reported
    assert not _course(_statement("practitioner")).patient_reported


def test_a_fill_behind_the_report_is_not_patient_reported() -> None:
    fill = b.medication_dispense(*ESCITALOPRAM_20, date(2025, 1, 8), 30, 30, patient=P, id="md-1")
    trial = _course(_home_med(), fill)
    assert not trial.patient_reported
    assert "patient-reported" not in adherence_text(trial)


def test_the_tms_trial_criterion_names_the_patient_reported_trial() -> None:
    record = f.trd_record()
    reported = dataclasses.replace(record.trials[1], patient_reported=True)
    record = dataclasses.replace(record, trials=(record.trials[0], reported))
    policy = Policy()
    evaluation = evaluate_payer_criteria(record, derive_facts(record, policy), policy)
    (trials,) = [r for r in evaluation.results if r.kind is CriterionKind.TRIALS]
    # Fix meds46 (K51a finding 6): listed, never counted toward the payer's number until a fill
    # or prescription documents it (REFERENCE.md section 0 item 3; MGH-ATRQ; LCD L34998).
    assert not trials.met
    assert "not counted (patient-reported only): venlafaxine" in trials.evidence[0]
    assert trials.to_document is not None
    assert "confirm venlafaxine by a fill or prescription" in trials.to_document
