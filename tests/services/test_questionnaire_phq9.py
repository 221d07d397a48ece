"""A PHQ-9 filed as a QuestionnaireResponse, end to end (issue 10 items 4 and 5).

The issue's example: item 9 answered "more than half the days" three days before as-of in a
QuestionnaireResponse must raise the critical suicide-risk card, and the measurement-based-care
card must not claim that no PHQ-9 was done. A total of 26 with no item-9 answer proves item 9 >= 2:
the card says the item was inferred.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient

from services import catalog
from services.evaluation import Evaluation, HookInput, evaluate
from services.policy import Policy
from services.recommendation import Indicator, Recommendation
from tests.fhir_mapping import fhir_resources as R
from tests.fhir_mapping import questionnaire_resources as Q

AS_OF = date(2024, 6, 3)
PID = R.PATIENT
SNOMED_MDD = ("370143000", "Major depressive disorder")
SERTRALINE_50 = ("312941", "sertraline 50 MG Oral Tablet")

Resource = dict[str, Any]


def _chart(as_of: date, *extra: Resource) -> list[Resource]:
    """A patient with MDD on sertraline 100 mg/day for ten weeks (an ongoing trial, so the
    measurement-based-care rule looks for a PHQ-9)."""
    return [
        R.patient(),
        R.condition("c1", R.SNOMED, *SNOMED_MDD, as_of - timedelta(days=200)),
        R.medication_request(
            "m1", *SERTRALINE_50, as_of - timedelta(weeks=10), dose=2, supply_days=90
        ),
        *extra,
    ]


def _evaluate(resources: list[Resource], as_of: date = AS_OF) -> Evaluation:
    return evaluate(
        HookInput(
            service_id="trd-patient-view",
            hook="patient-view",
            hook_instance="0d3c8a51-77c2-4c4e-9d3f-5b7a2f0e9c11",
            patient_id=PID,
            resources=resources,
            as_of=as_of,
        ),
        Policy(),
    )


def _card(result: Evaluation, topic: str) -> Recommendation | None:
    return next((r for r in result.recommendations if r.topic == topic), None)


def test_item9_from_a_questionnaire_response_raises_the_suicide_card() -> None:
    authored = AS_OF - timedelta(days=3)
    response = Q.sdc(Q.answers_for(14, 2), 14, authored=authored, patient=PID)
    result = _evaluate(_chart(AS_OF, response))
    card = _card(result, "suicide-risk")
    assert card is not None
    assert card.indicator is Indicator.CRITICAL
    assert result.recommendations[0] is card
    assert card.summary.startswith(
        f"PHQ-9 item 9 = 2 (more than half the days) on {authored.isoformat()}"
    )
    assert "QuestionnaireResponse/qr-sdc" in str(result.record.phq9()[-1].source)
    mbc = _card(result, "measurement-based-care")
    assert mbc is None or "no PHQ-9" not in mbc.summary


def test_without_the_response_the_same_chart_has_no_phq9() -> None:
    # The contrast that makes the test above meaningful: the chart alone has no PHQ-9, so the
    # measurement-based-care card asks for one and no suicide-risk card appears.
    result = _evaluate(_chart(AS_OF))
    assert _card(result, "suicide-risk") is None
    mbc = _card(result, "measurement-based-care")
    assert mbc is not None and "no PHQ-9 total on record" in mbc.summary


def test_total_26_without_item9_in_a_response_says_it_was_inferred() -> None:
    authored = AS_OF - timedelta(days=3)
    response = Q.us_core([3] * 8 + [None], 26, authored=authored, patient=PID)
    card = _card(_evaluate(_chart(AS_OF, response)), "suicide-risk")
    assert card is not None and card.indicator is Indicator.CRITICAL
    assert card.summary.startswith(
        f"PHQ-9 total 26 on {authored.isoformat()} implies item 9 at least 2 (not recorded)"
    )
    assert (
        f"- PHQ-9 item 9 not recorded; a total of 26 on {authored.isoformat()} implies item 9 "
        "at least 2 (the other eight items score at most 24)"
    ) in card.detail


def test_total_25_as_an_observation_implies_item9_at_least_1() -> None:
    day = AS_OF - timedelta(days=10)
    card = _card(_evaluate(_chart(AS_OF, R.phq9_total("t1", day, 25))), "suicide-risk")
    assert card is not None and card.indicator is Indicator.CRITICAL
    assert card.summary.startswith(
        f"PHQ-9 total 25 on {day.isoformat()} implies item 9 at least 1 (not recorded)"
    )
    assert "suicide risk assessment today" in card.summary


def test_total_24_proves_nothing_about_item9() -> None:
    day = AS_OF - timedelta(days=10)
    result = _evaluate(_chart(AS_OF, R.phq9_total("t1", day, 24)))
    assert _card(result, "suicide-risk") is None


def test_prefetched_questionnaire_responses_over_http(client: TestClient) -> None:
    today = date.today()
    response = Q.lhc_forms(
        Q.answers_for(14, 2), 14, authored=today - timedelta(days=3), patient=PID
    )
    chart = _chart(today)
    by_type: dict[str, list[Resource]] = {}
    for resource in chart:
        by_type.setdefault(resource["resourceType"], []).append(resource)

    def bundle(resources: list[Resource]) -> dict[str, Any]:
        return {
            "resourceType": "Bundle",
            "type": "searchset",
            "entry": [{"resource": r} for r in resources],
        }

    body = {
        "hook": "patient-view",
        "hookInstance": "6a1f0d52-9c1b-4f7e-8d2a-0b3c4d5e6f70",
        "context": {"patientId": PID, "userId": "Practitioner/1"},
        "prefetch": {
            "patient": by_type["Patient"][0],
            "medicationRequests": bundle(by_type["MedicationRequest"]),
            "medicationStatements": bundle([]),
            "medicationDispenses": bundle([]),
            "conditions": bundle(by_type["Condition"]),
            "observations": bundle([]),
            "questionnaireResponses": bundle([response]),
            "procedures": bundle([]),
            "serviceRequests": bundle([]),
            "devices": bundle([]),
        },
    }
    answer = client.post("/cds-services/trd-patient-view", json=body)
    assert answer.status_code == 200, answer.text
    cards = answer.json()["cards"]
    assert cards and cards[0]["indicator"] == "critical"
    assert cards[0]["summary"].startswith("PHQ-9 item 9 = 2 (more than half the days)")
    assert not any("no PHQ-9" in c["summary"] for c in cards)


def test_discovery_asks_for_questionnaire_responses_without_requiring_them(
    client: TestClient,
) -> None:
    services = client.get("/cds-services").json()["services"]
    for service in services:
        assert service["prefetch"]["questionnaireResponses"] == (
            "QuestionnaireResponse?patient={{context.patientId}}&_count=1000"
        )
    assert all("questionnaireResponses" not in s.required for s in catalog.services())
    # An EHR that does not send the key (and gives no FHIR server) still gets an answer.
    body = {
        "hook": "patient-view",
        "hookInstance": "6a1f0d52-9c1b-4f7e-8d2a-0b3c4d5e6f71",
        "context": {"patientId": PID, "userId": "Practitioner/1"},
        "prefetch": {
            key: {"resourceType": "Bundle", "type": "searchset"}
            for key in ("medicationRequests", "conditions", "observations")
        },
    }
    assert client.post("/cds-services/trd-patient-view", json=body).status_code == 200
