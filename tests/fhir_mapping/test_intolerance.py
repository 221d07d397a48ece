"""Issue 10 item 8: documented intolerance marks a trial intolerant, not poorly adhered to.

Sources: a stop reason on the order or statement (statusReason), an AllergyIntolerance or an
AdverseEvent naming the drug (fhir_mapping/intolerance.py). Counting: payers count "failure or
intolerance" toward TMS (services/policy/tms.py tms_count_intolerant_trials); TRD does not.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from typing import Any

import pytest

from fhir_mapping.build import build_record
from fhir_mapping.explain import explain
from fhir_mapping.record import (
    AdherenceStatus,
    InadequacyReason,
    Intolerance,
    PatientRecord,
    SourceRef,
    Trial,
    Verdict,
)
from services import cards
from services.catalog import services
from services.evaluation import HookInput, evaluate
from services.pathway import derive_facts
from services.policy import Policy, load_policy
from tests.fhir_mapping import fhir_resources as fr
from tests.fhir_mapping.vendor_medications import (
    SERTRALINE_100,
    SNOMED,
    VENLAFAXINE_150,
    dispense,
    epic_medication,
    epic_order,
    monthly_dispenses,
)
from tests.services import factories as f

Resource = dict[str, Any]

START = date(2024, 1, 8)
STOPPED = START + timedelta(days=14)
AS_OF = date(2024, 9, 2)
STATUS_REASON = "http://terminology.hl7.org/CodeSystem/medicationrequest-status-reason"


def sertraline() -> Resource:
    return epic_medication("sertraline100", *SERTRALINE_100)


def stopped_order(reason: dict[str, Any] | None, med: Resource, **kw: Any) -> Resource:
    """Sertraline 100 mg stopped after two weeks: Epic puts the discontinue date in boundsPeriod.end
    and keeps the 5 refills authorised on the order."""
    extra: dict[str, Any] = {"statusReason": reason} if reason is not None else {}
    args: dict[str, Any] = {"status": "stopped", "bounds_end": STOPPED, "repeats": 5}
    args.update(kw)
    return epic_order("mr-sert", med, START, **args, **extra)


def record_of(*resources: Resource, as_of: date = AS_OF) -> PatientRecord:
    return build_record([fr.patient(), *resources], as_of=as_of, patient_id=fr.PATIENT)


# --- statusReason ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "shown"),
    [
        (
            {
                "coding": [
                    {"system": STATUS_REASON, "code": "sintol", "display": "Suspected intolerance"}
                ]
            },
            "Suspected intolerance",
        ),
        ({"coding": [{"system": STATUS_REASON, "code": "salg"}]}, "Allergy"),
        ({"text": "adverse effect"}, "adverse effect"),
        ({"text": "Side effects - GI upset, insomnia"}, "Side effects - GI upset, insomnia"),
        (
            {
                "coding": [
                    {
                        "system": SNOMED,
                        "code": "395009001",
                        "display": "Medication stopped - side effect",
                    }
                ]
            },
            "Medication stopped - side effect",
        ),
        # SNOMED CT under its HL7 OID, no display (vendor README trap 2).
        (
            {"coding": [{"system": "urn:oid:2.16.840.1.113883.6.96", "code": "407563006"}]},
            "Treatment not tolerated",
        ),
    ],
)
def test_stop_reason_of_side_effects_marks_the_trial_intolerant(
    reason: dict[str, Any], shown: str
) -> None:
    med = sertraline()
    (trial,) = record_of(
        med, stopped_order(reason, med), dispense("md-1", SERTRALINE_100, START)
    ).trials
    assert trial.intolerance == Intolerance(
        "sertraline", shown, STOPPED, SourceRef("MedicationRequest", "mr-sert")
    )
    assert (trial.verdict, trial.reasons) == (Verdict.INADEQUATE, (InadequacyReason.INTOLERANCE,))
    assert trial.adherence.status is not AdherenceStatus.POOR


@pytest.mark.parametrize(
    "reason",
    [
        {
            "coding": [
                {
                    "system": STATUS_REASON,
                    "code": "altchoice",
                    "display": "Try another treatment first",
                }
            ]
        },
        {"text": "patient choice"},
        {"text": "Duplicate therapy"},
    ],
)
def test_other_stop_reasons_are_not_intolerance(reason: dict[str, Any]) -> None:
    med = sertraline()
    (trial,) = record_of(
        med, stopped_order(reason, med), dispense("md-1", SERTRALINE_100, START)
    ).trials
    assert trial.intolerance is None
    assert InadequacyReason.TOO_SHORT in trial.reasons


def test_a_stop_reason_on_a_running_order_is_not_read() -> None:
    med = sertraline()
    order = stopped_order({"text": "side effect"}, med, status="active", bounds_end=None)
    (trial,) = record_of(med, order).trials
    assert (trial.intolerance, trial.ongoing) == (None, True)


def test_statement_stopped_for_a_side_effect_is_intolerant() -> None:
    statement = fr.medication_statement(
        "ms-sert",
        "312938",
        "sertraline 100 MG Oral Tablet",
        START,
        status="stopped",
        end=STOPPED,
        dose_mg=100,
    )
    statement["statusReason"] = [
        {
            "coding": [
                {
                    "system": SNOMED,
                    "code": "395009001",
                    "display": "Medication stopped - side effect",
                }
            ]
        }
    ]
    fr.assert_valid([statement])
    (trial,) = record_of(statement).trials
    assert trial.intolerance is not None and trial.intolerance.source == SourceRef(
        "MedicationStatement", "ms-sert"
    )
    assert trial.reasons == (InadequacyReason.INTOLERANCE,)


# --- AllergyIntolerance -------------------------------------------------------------------------


def allergy(
    aid: str,
    code: dict[str, Any],
    *,
    onset: date | None,
    verification: str = "confirmed",
    clinical: str = "active",
    kind: str = "intolerance",
) -> Resource:
    """A US Core AllergyIntolerance (R4: manifestation as CodeableConcept)."""
    resource: Resource = {
        "resourceType": "AllergyIntolerance",
        "id": aid,
        "meta": {
            "profile": [
                "http://hl7.org/fhir/us/core/StructureDefinition/us-core-allergyintolerance"
            ]
        },
        "clinicalStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical",
                    "code": clinical,
                }
            ]
        },
        "verificationStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification",
                    "code": verification,
                }
            ]
        },
        "type": kind,
        "category": ["medication"],
        "criticality": "low",
        "code": code,
        "patient": {"reference": f"Patient/{fr.PATIENT}"},
        "recordedDate": fr.dt(AS_OF - timedelta(days=30)),
        "reaction": [
            {
                "manifestation": [
                    {
                        "coding": [{"system": SNOMED, "code": "422587007", "display": "Nausea"}],
                        "text": "nausea",
                    }
                ],
                "severity": "moderate",
            }
        ],
    }
    if onset is not None:
        resource["onsetDateTime"] = fr.dt(onset)
    return resource


SERTRALINE_IN = {
    "coding": [{"system": fr.RXNORM, "code": "36437", "display": "sertraline"}],
    "text": "sertraline",
}


def _course(med: Resource) -> list[Resource]:
    """A 12-week course, one fill of three: PDC 33 % if adherence were judged."""
    order = epic_order(
        "mr-sert", med, START, status="completed", bounds_end=START + timedelta(weeks=12)
    )
    return [med, order, dispense("md-1", SERTRALINE_100, START)]


def test_allergy_intolerance_marks_the_trial_and_its_poor_refills_are_not_judged() -> None:
    med = sertraline()
    note = allergy("ai-sert", SERTRALINE_IN, onset=START + timedelta(days=20))
    fr.assert_valid([note])
    (trial,) = record_of(*_course(med), note).trials
    assert trial.intolerance == Intolerance(
        "sertraline",
        "documented intolerance: nausea",
        START + timedelta(days=20),
        SourceRef("AllergyIntolerance", "ai-sert"),
    )
    assert (trial.verdict, trial.reasons) == (Verdict.INADEQUATE, (InadequacyReason.INTOLERANCE,))
    assert (trial.adherence.status, trial.adherence.pdc) == (AdherenceStatus.UNVERIFIED, None)
    # Without it, the same course is poor adherence (the check above can fail).
    (plain,) = record_of(*_course(med)).trials
    # (Also too short: the 8 weeks with no supply dispensed are not time on the drug.)
    assert plain.adherence.status is AdherenceStatus.POOR
    assert InadequacyReason.POOR_ADHERENCE in plain.reasons


@pytest.mark.parametrize(
    ("note", "marked"),
    [
        (
            allergy("ai", SERTRALINE_IN, onset=START + timedelta(days=20), verification="refuted"),
            False,
        ),
        (
            allergy("ai", SERTRALINE_IN, onset=START + timedelta(days=20), clinical="resolved"),
            False,
        ),
        (allergy("ai", {"text": "Zoloft"}, onset=START + timedelta(days=20), kind="allergy"), True),
        (allergy("ai", SERTRALINE_IN, onset=None), True),  # undated: the drug's latest trial
        (allergy("ai", SERTRALINE_IN, onset=date(2019, 3, 1)), False),  # a course outside the chart
        (
            allergy(
                "ai",
                {"coding": [{"system": fr.RXNORM, "code": "7980", "display": "penicillin G"}]},
                onset=START + timedelta(days=20),
            ),
            False,
        ),
    ],
)
def test_which_allergy_records_count(note: Resource, marked: bool) -> None:
    (trial,) = record_of(*_course(sertraline()), note).trials
    assert (trial.intolerance is not None) is marked


# --- AdverseEvent ---------------------------------------------------------------------------------


def adverse_event(
    suspect: dict[str, Any], *, causality: str | None = None, actuality: str = "actual"
) -> Resource:
    entity: dict[str, Any] = {"instance": suspect}
    if causality:
        entity["causality"] = [
            {
                "assessment": {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/adverse-event-causality-assess",
                            "code": causality,
                        }
                    ]
                }
            }
        ]
    return {
        "resourceType": "AdverseEvent",
        "id": "ae-1",
        "actuality": actuality,
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/adverse-event-category",
                        "code": "medication-mishap",
                    }
                ]
            }
        ],
        "event": {
            "coding": [
                {"system": SNOMED, "code": "62014003", "display": "Adverse reaction to drug"}
            ],
            "text": "hyponatraemia",
        },
        "subject": {"reference": f"Patient/{fr.PATIENT}"},
        "date": fr.dt(START + timedelta(days=25)),
        "suspectEntity": [entity],
    }


@pytest.mark.parametrize(
    ("event", "marked"),
    [
        (
            adverse_event({"reference": "MedicationRequest/mr-sert"}, causality="Probably-Likely"),
            True,
        ),
        (adverse_event({"display": "sertraline 100 mg tablet"}), True),
        (adverse_event({"reference": "MedicationRequest/mr-sert"}, causality="unlikely"), False),
        (adverse_event({"reference": "MedicationRequest/mr-sert"}, actuality="potential"), False),
    ],
)
def test_adverse_event_naming_the_drug(event: Resource, marked: bool) -> None:
    fr.assert_valid([event])
    (trial,) = record_of(*_course(sertraline()), event).trials
    assert (trial.intolerance is not None) is marked
    if marked:
        assert trial.intolerance is not None
        assert trial.intolerance.reason == "adverse event: hyponatraemia"


# --- counting: TMS as payers count it, not TRD -------------------------------------------------------


def _intolerant(trial: Trial, *, ongoing: bool = False) -> Trial:
    return dataclasses.replace(
        trial,
        verdict=Verdict.ONGOING if ongoing else Verdict.INADEQUATE,
        reasons=(InadequacyReason.INTOLERANCE,),
        ongoing=ongoing,
        weeks_at_adequate_dose=2.0,
        intolerance=Intolerance(
            "sertraline",
            "adverse effect",
            date(2023, 1, 23),
            SourceRef("MedicationRequest", "mr-1"),
        ),
    )


def test_intolerant_trial_counts_toward_tms_by_default_but_not_toward_trd() -> None:
    record = f.trd_record(
        trials=(_intolerant(f.sertraline_failed(weeks=2)), f.venlafaxine_failed())
    )
    facts = derive_facts(record, Policy())
    assert [t.ingredient for t in facts.failed_trials] == ["venlafaxine"]
    assert [t.ingredient for t in facts.intolerant_trials] == ["sertraline"]
    assert [t.ingredient for t in facts.tms_trials] == ["sertraline", "venlafaxine"]
    assert facts.tms.eligible
    assert not facts.meets_trd
    strict = derive_facts(record, Policy(tms_count_intolerant_trials=False))
    assert not strict.tms.eligible
    assert "1 adequate failed trial(s) in this episode; policy needs 2" in strict.tms.blockers


def test_a_drug_still_taken_after_a_recorded_reaction_is_not_counted() -> None:
    record = f.trd_record(
        trials=(_intolerant(f.sertraline_failed(weeks=2), ongoing=True), f.venlafaxine_failed())
    )
    facts = derive_facts(record, Policy())
    assert facts.intolerant_trials == ()
    assert not facts.tms.eligible


def test_policy_table_reads_the_intolerance_switch() -> None:
    assert Policy().tms_count_intolerant_trials is True
    assert load_policy({"tms_count_intolerant_trials": False}).tms_count_intolerant_trials is False


# --- shown as intolerant ------------------------------------------------------------------------------


def test_trial_table_and_explain_say_intolerant_not_poor_adherence() -> None:
    med = sertraline()
    reason = {"text": "adverse effect"}
    record = record_of(med, stopped_order(reason, med), dispense("md-1", SERTRALINE_100, START))
    table = cards.trial_table(record.trials, Policy().mapping)
    assert "intolerant (not tolerated: adverse effect (2024-01-22))" in table
    assert "poor" not in table and "PDC 16" not in table
    text = explain(record)
    assert "   intolerance: adverse effect on 2024-01-22 [MedicationRequest/mr-sert]" in text
    assert "verdict: inadequate (intolerance)" in text


def test_prefetch_asks_for_allergies_and_adverse_events_without_requiring_them() -> None:
    for service in services():
        templates = dict(service.prefetch)
        assert (
            templates["allergyIntolerances"]
            == "AllergyIntolerance?patient={{context.patientId}}&_count=1000"
        )
        assert (
            templates["adverseEvents"] == "AdverseEvent?subject={{context.patientId}}&_count=1000"
        )
        assert {"allergyIntolerances", "adverseEvents"}.isdisjoint(service.required)


# --- end to end through services.evaluation.evaluate ------------------------------------------------


def _mdd() -> Resource:
    return fr.condition(
        "mdd",
        fr.ICD10CM,
        "F33.2",
        "Major depressive disorder, recurrent severe without psychotic features",
        date(2023, 11, 6),
    )


def _evaluate(
    resources: list[Resource], policy: Policy | None = None
) -> tuple[PatientRecord, dict[str, Any]]:
    result = evaluate(
        HookInput(
            service_id="trd-patient-view",
            hook="patient-view",
            hook_instance="9a6c1d0e-2c8e-4b53-9d6a-0f3f1f0b7c11",
            patient_id=fr.PATIENT,
            resources=[fr.patient(), *resources],
            as_of=AS_OF,
        ),
        policy or Policy(),
    )
    return result.record, {r.topic: r for r in result.recommendations}


def _sertraline_stopped(reason: dict[str, Any] | None) -> list[Resource]:
    med = sertraline()
    return [
        _mdd(),
        fr.phq9_total("phq-1", START, 19),
        med,
        stopped_order(reason, med),
        dispense("md-1", SERTRALINE_100, START),
    ]


def test_end_to_end_stopped_for_an_adverse_effect_reads_intolerant_with_no_adherence_card() -> None:
    record, found = _evaluate(_sertraline_stopped({"text": "adverse effect"}))
    (trial,) = record.trials
    assert trial.reasons == (InadequacyReason.INTOLERANCE,)
    assert "adherence-review" not in found
    # Control: without the stop reason the 2-week course is flagged for review.
    _, plain = _evaluate(_sertraline_stopped(None))
    assert "adherence-review" in plain
    assert "sertraline 2 wk" in plain["adherence-review"].summary


def test_end_to_end_intolerant_plus_failed_trial_meets_tms_as_payers_count() -> None:
    venla = epic_medication("venlafaxine150", *VENLAFAXINE_150)
    v_start = START + timedelta(weeks=4)
    v_end = v_start + timedelta(weeks=12)
    chart = [
        *_sertraline_stopped({"text": "adverse effect"}),
        venla,
        epic_order("mr-venla", venla, v_start, status="completed", bounds_end=v_end),
        *monthly_dispenses("md-venla", VENLAFAXINE_150, v_start, 3),
        fr.phq9_total("phq-2", v_start, 18),
        fr.phq9_total("phq-3", v_end - timedelta(days=1), 18),
    ]
    record, found = _evaluate(chart)
    assert [t.verdict for t in record.trials] == [Verdict.INADEQUATE, Verdict.ADEQUATE]
    assert "tms-referral" in found
    assert "adherence-review" not in found
    # The trial table (in the referral summary and on the timeline: issue 12, the TMS card keeps
    # it behind its links) shows the course as not tolerated, never as poor adherence.
    tms = found["tms-referral"].detail
    assert "sertraline" in tms and "poor" not in tms
    row = next(
        line
        for line in cards.trial_table(record.trials, Policy().mapping).splitlines()
        if line.startswith("| sertraline")
    )
    assert "intolerant (not tolerated: adverse effect (2024-01-22))" in row
    assert "poor" not in row
    _, strict = _evaluate(chart, Policy(tms_count_intolerant_trials=False))
    assert "tms-referral" not in strict


# --- tolerant reading -----------------------------------------------------------------------------

ODD_VALUES: list[Any] = [None, 7, "x", [], {}, [1, "a", None], {"coding": "sintol"}, {"text": 5}]


@pytest.mark.parametrize("value", ODD_VALUES)
def test_malformed_fields_read_as_absent_never_crash(value: Any) -> None:
    med = sertraline()
    order = stopped_order(None, med)
    order.update(
        statusReason=value, status=value if value is not None else "stopped", extension=value
    )
    note = allergy("ai", SERTRALINE_IN, onset=None)
    note.update(verificationStatus=value, clinicalStatus=value, reaction=value, type=value)
    event = adverse_event({"reference": value}, causality=None)
    event.update(suspectEntity=[{"instance": value, "causality": value}, value], date=value)
    record = record_of(med, order, note, event)
    assert [t.ingredient for t in record.trials] == ["sertraline"]
