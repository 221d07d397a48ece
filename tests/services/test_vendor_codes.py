"""Whole charts through services.evaluation.evaluate with codes as vendors write them.

Issue 10: a bipolar II diagnosis coded ICD-10-CM under its HL7 OID was not recognised, so a TMS
referral was suggested to a bipolar patient and no diagnosis-review card appeared; MDD under the
SNOMED CT OID gave a TRD patient no TMS card; an Epic flowsheet PHQ-9 with only its local code was
invisible. The chart is the `trd_meets_tms` scenario (tests/fixtures/scenarios.py), which meets
the TMS criteria as written.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from fhir_mapping.policy import MappingPolicy
from services.evaluation import Evaluation, HookInput, evaluate
from services.policy import Policy
from services.recommendation import Indicator
from tests.fhir_mapping.ccda_resources import OID, ccda_condition
from tests.fhir_mapping.fhir_resources import assert_valid
from tests.fhir_mapping.test_site_codes import SITE, flowsheet_row
from tests.fixtures.scenarios import Scenario, scenario

pytestmark = pytest.mark.real_drug_table

Resource = dict[str, Any]


def _evaluate(s: Scenario, resources: list[Resource], policy: Policy | None = None) -> Evaluation:
    return evaluate(
        HookInput(
            service_id="trd-patient-view",
            hook="patient-view",
            hook_instance="0b7a3a43-8f7c-4d0e-9a55-3f1b2f7e4c11",
            patient_id=s.patient_id,
            resources=resources,
            as_of=s.as_of,
        ),
        policy or Policy(),
    )


def _topics(result: Evaluation) -> set[str]:
    return {r.topic for r in result.recommendations}


def _with_mdd_coded(s: Scenario, codes: list[dict[str, str]]) -> list[Resource]:
    """The scenario's chart with its MDD Condition (ICD-10-CM F33.2 + SNOMED CT) recoded."""
    resources = copy.deepcopy(s.resources)
    (mdd,) = [
        r
        for r in resources
        if r["resourceType"] == "Condition"
        and any(c["code"] == "F33.2" for c in r["code"]["coding"])
    ]
    mdd["code"] = {"coding": codes}
    return resources


def test_the_trd_chart_as_written_gets_a_tms_card() -> None:
    s = scenario("trd_meets_tms")
    assert "tms-referral" in _topics(_evaluate(s, s.resources))


def test_bipolar_ii_under_the_icd10cm_oid_stops_tms_and_asks_for_diagnosis_review() -> None:
    s = scenario("trd_meets_tms")
    bipolar = ccda_condition(
        "ccda-bipolar-2", [(OID + "90", "F31.81")], date(2025, 4, 14), patient=s.patient_id
    )
    assert_valid([bipolar])
    result = _evaluate(s, [*s.resources, bipolar])
    topics = _topics(result)
    assert "tms-referral" not in topics
    assert "diagnosis-review" in topics
    review = next(r for r in result.recommendations if r.topic == "diagnosis-review")
    assert "F31.81" in review.detail


def test_mdd_under_the_snomed_oid_still_gets_the_tms_card() -> None:
    s = scenario("trd_meets_tms")
    resources = _with_mdd_coded(s, [{"system": OID + "96", "code": "36474008"}])
    assert "tms-referral" in _topics(_evaluate(s, resources))


def test_mdd_under_an_unknown_system_gets_no_tms_card() -> None:
    # The control: without a recognised depression diagnosis the TMS criteria are not met.
    s = scenario("trd_meets_tms")
    resources = _with_mdd_coded(s, [{"system": "urn:oid:9.9.9", "code": "36474008"}])
    assert "tms-referral" not in _topics(_evaluate(s, resources))


def test_epic_flowsheet_item9_raises_the_suicide_risk_card_with_the_site_map() -> None:
    s = scenario("trd_meets_tms")
    day = date(2025, 5, 30)  # three days before as-of: inside the 30-day item-9 window
    rows = [
        flowsheet_row("flo-total", "3049", "PHQ-9 Total Score", day, "18"),
        flowsheet_row("flo-q9", "3048", "PHQ-9 Q9 Thoughts of self-harm", day, "2"),
    ]
    for row in rows:
        row["subject"] = {"reference": f"Patient/{s.patient_id}"}
    assert_valid(rows)
    mapped = Policy(mapping=MappingPolicy(site_codes=SITE))
    with_map = _evaluate(s, [*s.resources, *rows], mapped)
    assert with_map.recommendations[0].topic == "suicide-risk"
    assert with_map.recommendations[0].indicator == Indicator.CRITICAL
    # Without the map the answer is not read, but its words name item 9: the "could not be
    # read" warning (review s22 RS finding 2: before, no suicide-risk card at all).
    (card,) = [
        r for r in _evaluate(s, [*s.resources, *rows]).recommendations if r.topic == "suicide-risk"
    ]
    assert card.indicator == Indicator.WARNING
    assert card.summary.startswith("PHQ-9 item 9 answer on 2025-05-30 could not be read")


@pytest.mark.parametrize(
    ("code", "display"),
    [
        ("T14.91XA", "Suicide attempt, initial encounter"),
        (
            "T43.212A",
            "Poisoning by selective serotonin and norepinephrine reuptake inhibitors, "
            "intentional self-harm, initial encounter",
        ),
    ],
)
def test_a_suicide_attempt_coded_as_billed_raises_the_critical_card(
    code: str, display: str
) -> None:
    """ICD-10-CM T-codes carry a 7th character on every real chart (review: T14.91XA and an
    intentional SNRI overdose were not recognised, so TMS was suggested with no suicide card)."""
    s = scenario("trd_meets_tms")
    attempt = {
        "resourceType": "Condition",
        "id": "attempt-1",
        "clinicalStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                    "code": "resolved",
                }
            ]
        },
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/condition-category",
                        "code": "encounter-diagnosis",
                    }
                ]
            }
        ],
        "code": {
            "coding": [
                {"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": code, "display": display}
            ],
            "text": display,
        },
        "subject": {"reference": f"Patient/{s.patient_id}"},
        "onsetDateTime": "2025-04-01",
        "abatementDateTime": "2025-04-03",
    }
    assert_valid([attempt])
    result = _evaluate(s, [*s.resources, attempt])
    first = result.recommendations[0]
    assert (first.topic, first.indicator.value) == ("suicide-risk", "critical")
    assert "assess today" in first.summary  # the action fits the summary, however long the display
