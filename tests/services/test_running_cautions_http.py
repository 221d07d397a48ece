"""End to end through the HTTP app: an Epic-shaped chart with bupropion running and a seizure
disorder on the problem list gets the running-drug card on chart open.

Epic writes the order as its sandbox file does (tests/fixtures/vendor_charts.py, from
../shared/fhir/vendor/medplum__epic-sandbox-testdata): a MedicationRequest pointing to a separate
Medication with RxNorm codes and no display, three doseAndRate entries, administration times with
the course's total in `count`; the problem as "(CMS/HCC)" text with SNOMED CT and ICD-10-CM
codings. The request is what the EHR sends for the service's prefetch templates; the clock is
stopped where the service reads it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.fixtures import vendor_charts as V

AS_OF = date(2025, 6, 2)
TOPIC = "running-drug-caution"


def _chart(*, bupropion_status: str = "active") -> V.VendorChart:
    """A woman of 38 with recurrent MDD: bupropion XL 300 mg every morning since 2024-09-02
    (Epic order, `bupropion_status`); a seizure disorder added to the problem list on
    2025-03-04."""
    pid = V.EPIC_PATIENT

    def rid(name: str, length: int = 46) -> str:
        return V.epic_id(f"running/{name}", length)

    bupropion = V.epic_medication(
        rid("med-bupropion", 64),
        ("42347", "993557"),
        "buPROPion (WELLBUTRIN XL) 300 MG 24 hr tablet",
        "tablet",
    )
    resources: list[dict[str, Any]] = [
        V._patient(pid, "Reyes", "Daniela", "female", date(1987, 2, 9)),
        {
            "resourceType": "Practitioner",
            "id": V.EPIC_PRACTITIONER,
            "name": [{"text": "Physician"}],
        },
        V._condition(
            rid("mdd"),
            pid,
            V.MDD_MODERATE,
            "Major depressive disorder, recurrent episode, moderate (CMS/HCC)",
            date(2023, 10, 2),
        ),
        V._condition(
            rid("seizures"),
            pid,
            ((V.SNOMED, "128613002"), (V.ICD10, "G40.909")),
            "Seizure disorder (CMS/HCC)",
            date(2025, 3, 4),
        ),
        bupropion,
        V.epic_order(
            rid("order-bupropion"),
            bupropion,
            sig="Take 1 tablet (300 mg total) by mouth every morning.",
            start=date(2024, 9, 2),
            end=None if bupropion_status == "active" else date(2025, 1, 6),
            status=bupropion_status,
            mg=300,
            units=(1, "tablet", "{tbl}"),
            times="0900",
            count=365,
        ),
    ]
    return V.VendorChart("epic_running_bupropion", pid, resources)


@pytest.fixture
def stopped_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    instant = datetime(AS_OF.year, AS_OF.month, AS_OF.day, 15, 0, tzinfo=UTC)
    monkeypatch.setattr("cds_hooks.runner.utcnow", lambda: instant)


def _cards(client: TestClient, chart: V.VendorChart) -> list[dict[str, Any]]:
    answer = client.post("/cds-services/trd-patient-view", json=V.hook_request(chart))
    assert answer.status_code == 200, answer.text
    cards: list[dict[str, Any]] = answer.json()["cards"]
    return cards


@pytest.mark.usefixtures("stopped_clock")
def test_epic_chart_with_running_bupropion_and_a_seizure_disorder(client: TestClient) -> None:
    found = [c for c in _cards(client, _chart()) if c["source"]["topic"]["code"] == TOPIC]
    assert len(found) == 1
    (card,) = found
    assert card["indicator"] == "warning"
    assert card["summary"] == (
        "Bupropion 300 mg/day since 2024-09-02 with Seizure disorder (disorder) on record since "
        "2025-03-04: contraindicated in seizure disorders"
    )
    assert len(card["summary"]) <= 140
    assert not card.get("suggestions")
    assert card["source"]["topic"]["display"] == "Running drug a condition on record weighs against"
    detail = card["detail"]
    assert "Bupropion 300 mg/day, running since 2024-09-02;" in detail
    assert "Seizure disorder (disorder) (SNOMED CT 128613002, since 2025-03-04" in (detail)
    assert "Source: bupropion labels, Contraindications; CPS 2023 Table 6." in detail


@pytest.mark.usefixtures("stopped_clock")
def test_epic_chart_with_the_bupropion_order_completed_gets_no_card(client: TestClient) -> None:
    cards = _cards(client, _chart(bupropion_status="completed"))
    assert TOPIC not in {c["source"]["topic"]["code"] for c in cards}
    # The same chart with the order active does get it: the check above can fail.
    assert TOPIC in {c["source"]["topic"]["code"] for c in _cards(client, _chart())}
