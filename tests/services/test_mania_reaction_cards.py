"""Review 10 finding 4: two antidepressant-induced manias recorded as AllergyIntolerance reactions
bring the protections of a bipolar diagnosis: the diagnosis-review warning ("confirm the
diagnosis", naming the reaction and the antidepressant running without a mood stabiliser), no
unipolar escalation (no optimise card offering more antidepressants or adjuncts), no TMS referral,
and the order hooks' bipolar check.

The chart is review 10's P5 as a US EHR sends it (tests/fixtures/builders.py: US Core resources,
RxNorm clinical drugs, an ICD-10-CM problem-list Condition, PHQ-9 Observations, CPT
psychotherapy), each resource validated with fhir.resources R4B; the control is the same chart with
the reactions recorded as nausea, which gets the unipolar cards.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from fhir_mapping.record import PatientRecord
from services import order_hooks
from services.order_hooks import order_hook
from services.pathway import derive_facts
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Indicator, Recommendation
from services.rules import diagnosis_review, optimize_switch_augment, tms_referral
from tests.fixtures import builders as fb
from tests.fixtures.renewals import renewed

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
P = "pt-mania-1"
Resource = dict[str, Any]

ESCITALOPRAM_10 = ("349332", "escitalopram 10 MG Oral Tablet")
VENLAFAXINE_75 = ("313585", "24 HR venlafaxine 75 MG Extended Release Oral Capsule")
BUPROPION_150 = ("993541", "24 HR bupropion hydrochloride 150 MG Extended Release Oral Tablet")
MANIA = ("231494001", "Mania")
NAUSEA = ("422587007", "Nausea")


def allergy(aid: str, rxcui: str, name: str, recorded: date, reaction: tuple[str, str]) -> Resource:
    """A US Core AllergyIntolerance of type intolerance, the reaction coded in SNOMED CT, dated
    by recordedDate only (as chart P5)."""
    code, display = reaction
    return {
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
                    "code": "active",
                }
            ]
        },
        "verificationStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification",
                    "code": "confirmed",
                }
            ]
        },
        "type": "intolerance",
        "category": ["medication"],
        "code": {"coding": [{"system": fb.RXNORM, "code": rxcui, "display": name}], "text": name},
        "patient": {"reference": f"Patient/{P}"},
        "recordedDate": fb.fhir_date(recorded),
        "reaction": [
            {
                "manifestation": [
                    {"coding": [{"system": fb.SNOMED, "code": code, "display": display}]}
                ]
            }
        ],
    }


def order(
    drug: tuple[str, str],
    start: date,
    *,
    rid: str,
    tablets: float,
    stopped: date | None = None,
    status: str | None = None,
) -> Resource:
    return fb.medication_request(
        drug[0],
        drug[1],
        start,
        dose_value=tablets,
        frequency=1,
        status=status or ("stopped" if stopped else "active"),
        bounds_end=stopped,
        expected_supply_days=30,
        repeats=5,
        patient=P,
        id=rid,
    )


def chart(reaction: tuple[str, str], *, drafts: tuple[Resource, ...] = ()) -> PatientRecord:
    """Recurrent severe MDD since May 2024. Escitalopram 20 mg June to September 2024 (PHQ-9 23 ->
    21), then venlafaxine XR 150 mg running since (PHQ-9 22, 21); eight psychotherapy sessions in
    summer 2024. Citalopram (2019) and sertraline (2021) each recorded as an intolerance with
    `reaction`; no mood stabiliser."""
    resources: list[Resource] = [
        fb.patient(
            id=P, given="Robin", family="Hale", gender="female", birth_date=date(1975, 2, 3)
        ),
        fb.condition(
            fb.ICD10CM,
            "F33.2",
            "Major depressive disorder, recurrent severe without psychotic features",
            date(2024, 5, 20),
            category="problem-list-item",
            patient=P,
            id="cond-mdd",
        ),
        order(
            ESCITALOPRAM_10, date(2024, 6, 3), rid="mr-esc", tablets=2, stopped=date(2024, 9, 30)
        ),
        # Running since, renewed when its six months ran out, as Epic writes a drug still
        # taken (tests/fixtures/renewals.py, orders33).
        *renewed(order(VENLAFAXINE_75, date(2024, 9, 30), rid="mr-venla", tablets=2), AS_OF, 180),
        allergy("ai-cit", "2556", "citalopram", date(2019, 3, 1), reaction),
        allergy("ai-sert", "36437", "sertraline", date(2021, 6, 1), reaction),
    ]
    for day, total in [
        (date(2024, 6, 3), 23),
        (date(2024, 9, 30), 21),
        (date(2025, 1, 27), 22),
        (date(2025, 5, 19), 21),
    ]:
        resources += fb.phq9(day, total, item9=0, patient=P)
    for week in range(8):
        resources.append(
            fb.procedure(
                "http://www.ama-assn.org/go/cpt",
                "90834",
                "Psychotherapy, 45 minutes with patient",
                date(2024, 6, 10) + timedelta(weeks=2 * week),
                patient=P,
                id=f"proc-psy-{week}",
            )
        )
    for resource in [*resources, *drafts]:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return build_record(resources, as_of=AS_OF, patient_id=P, draft_orders=drafts)


def cards(record: PatientRecord) -> dict[str, Recommendation]:
    recs = patient_view(record, Policy())
    return {r.topic: r for r in recs}


def test_control_reactions_of_nausea_get_the_unipolar_cards() -> None:
    """Without the manias the same chart is unipolar TRD: optimise and TMS cards (so the checks
    below can fail)."""
    recs = cards(chart(NAUSEA))
    assert optimize_switch_augment.TOPIC in recs
    assert tms_referral.TOPIC in recs
    assert "Bipolar" not in recs[diagnosis_review.TOPIC].detail


def test_mania_recorded_as_a_reaction_asks_to_confirm_the_diagnosis() -> None:
    recs = cards(chart(MANIA))
    card = recs[diagnosis_review.TOPIC]
    assert card.indicator is Indicator.WARNING
    assert card.summary.startswith(
        "Confirm the diagnosis before escalating: mania on an antidepressant on record, "
        "venlafaxine without a mood stabiliser"
    )
    assert len(card.summary) <= 140
    # The card names where the finding came from: the reaction, the drug, the date (both
    # reactions: tests/services/test_diagnosis_leftovers.py).
    assert (
        "**Mania on an antidepressant on record:** Mania on citalopram, recorded as a reaction "
        "(SNOMED CT 231494001, on 2019-03-01)" in card.detail
    )
    assert "Venlafaxine is running with no mood stabiliser" in card.detail
    # No unipolar escalation: no more antidepressants or adjuncts, no TMS referral.
    assert optimize_switch_augment.TOPIC not in recs
    assert tms_referral.TOPIC not in recs


def test_tms_is_not_criteria_met_and_says_why() -> None:
    facts = derive_facts(chart(MANIA), Policy())
    assert not facts.tms.eligible
    assert (
        "mania on an antidepressant on record (Mania on citalopram, recorded as a reaction; "
        "Mania on sertraline, recorded as a reaction)" in facts.tms.blockers
    )
    assert derive_facts(chart(NAUSEA), Policy()).tms.eligible


def test_an_antidepressant_ordered_gets_the_bipolar_check() -> None:
    draft = fb.medication_request(
        BUPROPION_150[0],
        BUPROPION_150[1],
        AS_OF,
        status="draft",
        expected_supply_days=30,
        patient=P,
        id="draft-bup",
    )
    topic = order_hooks.BIPOLAR
    checks = {
        r.topic for r in order_hook(chart(MANIA, drafts=(draft,)), Policy(), hook="order-select")
    }
    assert topic in checks
    control = {
        r.topic for r in order_hook(chart(NAUSEA, drafts=(draft,)), Policy(), hook="order-select")
    }
    assert topic not in control
