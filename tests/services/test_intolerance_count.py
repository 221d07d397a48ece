"""Review 6 finding 5: a "suspected intolerance" after days on a sub-minimum starting dose is not
an adequately trialled drug, so it does not count toward the TMS trials (the TMS card's count,
the payer's `trials` criterion, the referral packet): one definition,
services/intolerance_count.py, read by the pathway and the payer criteria.

A course ended for intolerance counts when it reached the drug's minimum adequate dose or ran at
least policy.tms_intolerant_min_days (default 14); otherwise it is named "not tolerated (to
confirm: ...)" and not counted. Records are hand-built except the end-to-end chart at the
bottom, written as an EHR writes it (an HL7 "sintol" stop reason on a stopped order).
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from typing import Any

from fhir_mapping.build import build_record
from fhir_mapping.record import InadequacyReason, Intolerance, SourceRef, Trial, Verdict
from services.intolerance_count import shortfall
from services.pathway import derive_facts
from services.patient_view import patient_view
from services.payer_criteria import CriterionStatus, evaluate_payer_criteria
from services.policy import Policy, load_policy
from services.rules import tms_referral
from tests.fhir_mapping.fhir_resources import assert_valid
from tests.fixtures import builders as b
from tests.fixtures import scenarios
from tests.services import factories as f
from tests.services.helpers import ctx
from tests.services.test_payer_criteria import aripiprazole_added, meets_all

START = date(2023, 3, 1)


def sertraline_not_tolerated(mg: float = 25, days: int = 4) -> Trial:
    """Sertraline `mg`/day (table minimum 50) stopped after `days` for a suspected intolerance."""
    trial = f.sertraline_failed(
        start=START,
        weeks=days / 7,
        mg=mg,
        verdict=Verdict.INADEQUATE,
        reasons=(InadequacyReason.INTOLERANCE,),
        weeks_adequate=0,
        after=None,
    )
    return dataclasses.replace(
        trial,
        intolerance=Intolerance(
            "sertraline",
            "Suspected intolerance",
            START + timedelta(days=days),
            SourceRef("MedicationRequest", "mr-sert25"),
        ),
    )


def record_with(sertraline: Trial) -> Any:
    return meets_all(trials=(sertraline, f.venlafaxine_failed(), aripiprazole_added()))


# --- the rule ---------------------------------------------------------------------------------------


def test_four_days_below_the_minimum_dose_is_not_a_counted_trial() -> None:
    assert shortfall(sertraline_not_tolerated(), 14) == (
        "25 mg/day, below the 50 mg/day minimum, for 4 days"
    )
    # The minimum dose reached, or the policy's days run: counted.
    assert shortfall(sertraline_not_tolerated(mg=50), 14) is None
    assert shortfall(sertraline_not_tolerated(days=20), 14) is None
    assert shortfall(sertraline_not_tolerated(days=20), 30) is not None
    assert shortfall(dataclasses.replace(sertraline_not_tolerated(), segments=()), 14) == (
        "dose not recorded, for 4 days"
    )


def test_the_pathway_counts_it_out_of_tms_but_keeps_it_not_tolerated() -> None:
    facts = derive_facts(record_with(sertraline_not_tolerated()), Policy())
    assert [t.ingredient for t in facts.tms_trials] == ["venlafaxine"]
    # Still ended for intolerance everywhere else (never proposed again, the switch card).
    assert [t.ingredient for t in facts.intolerant_trials] == ["sertraline"]
    assert facts.tms_intolerant_trials == ()
    ((trial, why),) = facts.unconfirmed_intolerance
    assert trial.ingredient == "sertraline" and why.endswith("for 4 days")
    assert not facts.tms.eligible
    assert (
        "1 adequate failed trial(s) in this episode; policy needs 2 (not counted: sertraline not "
        "tolerated (to confirm: 25 mg/day, below the 50 mg/day minimum, for 4 days))"
    ) in facts.tms.blockers


def test_a_tolerability_trial_at_the_minimum_dose_still_counts() -> None:
    facts = derive_facts(record_with(sertraline_not_tolerated(mg=50)), Policy())
    assert [t.ingredient for t in facts.tms_trials] == ["sertraline", "venlafaxine"]
    assert facts.tms.eligible and facts.unconfirmed_intolerance == ()


def test_the_policy_sets_the_days() -> None:
    assert Policy().tms_intolerant_min_days == 14
    lenient = load_policy({"tms_intolerant_min_days": 3})
    facts = derive_facts(record_with(sertraline_not_tolerated()), lenient)
    assert [t.ingredient for t in facts.tms_trials] == ["sertraline", "venlafaxine"]


# --- the payer criterion and the TMS card -----------------------------------------------------------


def test_the_payer_trials_criterion_names_it_to_confirm_and_is_not_met() -> None:
    record = record_with(sertraline_not_tolerated())
    policy = Policy()
    ev = evaluate_payer_criteria(record, derive_facts(record, policy), policy)
    (trials,) = [r for r in ev.results if r.id == "trials"]
    assert trials.status is CriterionStatus.NOT_ON_RECORD
    assert trials.evidence == (
        "1 counted from 1 class: venlafaxine (SNRI, failed); needs 2 from 2 classes; not counted: "
        "sertraline not tolerated (to confirm: 25 mg/day, below the 50 mg/day minimum, for 4 days)",
    )
    assert trials.to_document is not None and "confirm sertraline's intolerance" in (
        trials.to_document
    )
    assert [t.ingredient for t in ev.counted_trials] == ["venlafaxine"]
    assert not ev.met


def test_with_one_trial_enough_the_card_counts_one_failed_and_no_intolerance() -> None:
    # A clinic following L34998 (one trial): the TMS card shows, and counts only the adequate one.
    policy = Policy(tms_min_failed_trials=1)
    rec = tms_referral.rule(ctx(record_with(sertraline_not_tolerated()), policy))
    assert rec is not None
    assert rec.summary.startswith("1 adequate trial failed (venlafaxine); PHQ-9 22")
    assert "not tolerated (sertraline)" not in rec.summary
    assert "**Criteria met**" not in rec.detail
    assert "not counted: sertraline not tolerated (to confirm:" in rec.detail


# --- end to end: a chart as an EHR writes it --------------------------------------------------------

_SERTRALINE_CODES = {"312941", "312938", "410584", "251201"}


def _sertraline_suspected_intolerance(pid: str) -> list[dict[str, Any]]:
    """Sertraline 25 mg daily from 2025-01-27, stopped on day 4: HL7 statusReason "sintol"."""
    start, stop = date(2025, 1, 27), date(2025, 1, 31)
    order = b.medication_request(
        "312940",
        "sertraline 25 MG Oral Tablet",
        start,
        dose_value=25,
        dose_unit="mg",
        status="stopped",
        bounds_end=stop,
        expected_supply_days=30,
        quantity_value=30,
        patient=pid,
        id="mr-sert25",
    )
    order["statusReason"] = b.concept(
        "http://terminology.hl7.org/CodeSystem/medicationrequest-status-reason",
        "sintol",
        "Suspected intolerance",
    )
    fill = b.medication_dispense(
        "312940",
        "sertraline 25 MG Oral Tablet",
        start,
        30,
        30,
        patient=pid,
        prescription="mr-sert25",
    )
    return [order, fill]


def _is_sertraline(resource: dict[str, Any]) -> bool:
    concept = resource.get("medicationCodeableConcept") or {}
    return any(c.get("code") in _SERTRALINE_CODES for c in concept.get("coding", []))


def test_end_to_end_a_four_day_suspected_intolerance_does_not_make_two_trials() -> None:
    s = scenarios.trd_meets_tms()
    kept = [r for r in s.resources if not _is_sertraline(r)]
    added = _sertraline_suspected_intolerance(s.patient_id)
    assert_valid(added)
    record = build_record(
        [*kept, *added], as_of=s.as_of, patient_id=s.patient_id, policy=Policy().mapping
    )
    (sertraline,) = [t for t in record.trials if t.ingredient == "sertraline"]
    assert sertraline.intolerance is not None  # read as not tolerated, as before
    facts = derive_facts(record, Policy())
    assert [t.ingredient for t in facts.tms_trials] == ["venlafaxine"]
    found = {r.topic for r in patient_view(record, Policy())}
    assert "tms-referral" not in found  # one adequate trial: not yet TMS (as review 6 chart B1)
