"""A snooze hides only the statement the clinician answered (review 18b U3, W1, W2, M1).

An override with a reason snoozes a card on its evidence fingerprint (services/screen.py); a card
that states a dose, an unreadable record or a poorly filled trial carries that in its own
fingerprint, so a higher dose, a new gap or a new trial brings it back. Only a reason the card
offered snoozes it (cds_hooks/storage/issued_cards.snoozes_with).

Through the HTTP app on an SQLite file with the real pathway; charts dated 2025-06-02 and moved
to today (the service judges every chart as of today), as review 18b's probes do.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cds_hooks.app import create_app
from cds_hooks.config.settings import load_settings
from cds_hooks.date_shift import days_between, shift_json
from tests.fixtures import builders as b
from tests.fixtures.scenarios import Chart, Scenario, cds_request, scenario

AS_OF = date(2025, 6, 2)
MDD = [
    (b.ICD10CM, "F33.1", "Major depressive disorder, recurrent, moderate"),
    (b.SNOMED, "18818009", "Moderate recurrent major depression (disorder)"),
]


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = load_settings(None, database={"url": f"sqlite:///{tmp_path / 'trd.db'}"})
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _cards(client: TestClient, sc: Scenario) -> list[dict[str, Any]]:
    body = shift_json(cds_request(sc), days_between(AS_OF, datetime.now(UTC).date()))
    body["hookInstance"] = str(uuid.uuid4())  # a new call each time, never a cached answer
    response = client.post("/cds-services/trd-patient-view", json=body)
    assert response.status_code == 200, response.text
    cards: list[dict[str, Any]] = response.json()["cards"]
    return cards


def _topic(cards: list[dict[str, Any]], topic: str) -> dict[str, Any] | None:
    return next((c for c in cards if c["source"]["topic"]["code"] == topic), None)


def _override(client: TestClient, card: dict[str, Any], reason: dict[str, Any]) -> None:
    item = {
        "card": card["uuid"],
        "outcome": "overridden",
        "outcomeTimestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "overrideReason": {"reason": reason},
    }
    response = client.post("/cds-services/trd-patient-view/feedback", json={"feedback": [item]})
    assert response.status_code == 200, response.text


def _chart(name: str, born: date = date(1979, 3, 14)) -> Chart:
    c = Chart(name, given="Test", family="Snooze", gender="female", birth_date=born)
    c.add(
        b.condition(
            *MDD[0],
            date(2024, 9, 1),
            category="problem-list-item",
            patient=c.pid,
            extra_codings=MDD[1:],
            id=c.id("mdd"),
        )
    )
    c.phq9(AS_OF - timedelta(days=14), 17, 0)
    return c


def _scenario(c: Chart) -> Scenario:
    return Scenario(c.name, "", AS_OF, c.pid, list(c.resources), {})


def _citalopram(c: Chart, tablets: float, version: str = "1") -> None:
    """Citalopram 40 mg tablets, `tablets` a day since 2025-01-06, filled every 30 days; the
    resources at FHIR `version` (a server gives an edited order and its fills a new versionId,
    which the evaluation cache reads: cds_hooks/performance/evaluation_cache.digest)."""
    rx, display, start = "309314", "citalopram 40 MG Oral Tablet", date(2025, 1, 6)
    oid = c.id("cit")
    c.add(
        b.medication_request(
            rx,
            display,
            start,
            tablets,
            "tablet",
            1,
            1,
            "d",
            patient=c.pid,
            id=oid,
            expected_supply_days=30,
            repeats=5,
        )
    )
    when, n = start, 0
    while when < AS_OF:
        c.add(
            b.medication_dispense(
                rx,
                display,
                when,
                30,
                30 * tablets,
                patient=c.pid,
                prescription=oid,
                quantity_unit="tablet",
                refill=n > 0,
                dose_value=tablets,
                dose_unit="tablet",
                frequency=1,
                id=c.id("cit", "fill", str(n)),
            )
        )
        when += timedelta(days=30)
        n += 1
    for resource in c.resources:
        if resource["resourceType"] in ("MedicationRequest", "MedicationDispense"):
            resource["meta"]["versionId"] = version


def test_an_age_limit_snooze_ends_when_the_dose_goes_up(client: TestClient) -> None:
    """Review 18b U3: "dose already reduced" given at citalopram 40 mg/day, age 72; the chart then
    shows 60 mg/day: the card is back (its own fingerprint holds the drug and its dose)."""
    low = _chart("age-limit", born=date(1953, 1, 10))
    _citalopram(low, 1)
    card = _topic(_cards(client, _scenario(low)), "dose-above-age-limit")
    assert card is not None and "40 mg/day" in card["summary"]
    reduced = {"system": "urn:trd-cds:override-reason", "code": "dose-changed-elsewhere"}
    _override(client, card, reduced)
    assert _topic(_cards(client, _scenario(low)), "dose-above-age-limit") is None
    high = _chart("age-limit", born=date(1953, 1, 10))
    _citalopram(high, 1.5, version="2")
    back = _topic(_cards(client, _scenario(high)), "dose-above-age-limit")
    assert back is not None and "60 mg/day" in back["summary"]


def _unreadable(c: Chart, key: str) -> dict[str, Any]:
    """An order whose Medication was not sent: the service cannot tell which drug it is."""
    resource: dict[str, Any] = b.medication_request(
        None,
        None,
        AS_OF - timedelta(days=20),
        patient=c.pid,
        id=c.id(key),
        medication_reference=f"Medication/{c.id(key, 'med')}",
    )
    return resource


def test_a_data_quality_snooze_ends_with_a_new_unreadable_record(client: TestClient) -> None:
    """Review 18b W1 (README "never silent"): a snooze of "1 medication record could not be
    read" does not hide a second unreadable record."""
    c = _chart("data-quality")
    c.add(_unreadable(c, "u1"))
    card = _topic(_cards(client, _scenario(c)), "data-quality")
    assert card is not None and "1 medication record" in card["summary"]
    _override(client, card, {"system": "urn:trd-cds:override-reason", "code": "already-addressed"})
    assert _topic(_cards(client, _scenario(c)), "data-quality") is None
    c.add(_unreadable(c, "u2"))
    back = _topic(_cards(client, _scenario(c)), "data-quality")
    assert back is not None and "2 medication records" in back["summary"]


def test_an_adherence_snooze_ends_with_a_new_poorly_filled_trial(client: TestClient) -> None:
    """Review 18b W2: a snooze of the adherence card about escitalopram does not hide a new
    sertraline trial with one 30-day fill in 10 weeks."""
    sc = copy.deepcopy(scenario("poor_adherence"))
    card = _topic(_cards(client, sc), "adherence-review")
    assert card is not None and "escitalopram" in card["summary"]
    _override(client, card, card["overrideReasons"][0])
    assert _topic(_cards(client, sc), "adherence-review") is None
    start, oid = AS_OF - timedelta(weeks=10), "new-sertraline-order"
    sc.resources.append(
        b.medication_request(
            "312941",
            "sertraline 50 MG Oral Tablet",
            start,
            1,
            "tablet",
            1,
            1,
            "d",
            patient=sc.patient_id,
            id=oid,
            expected_supply_days=30,
            repeats=5,
        )
    )
    sc.resources.append(
        b.medication_dispense(
            "312941",
            "sertraline 50 MG Oral Tablet",
            start,
            30,
            30,
            patient=sc.patient_id,
            prescription=oid,
            quantity_unit="tablet",
            id="new-sertraline-fill",
        )
    )
    back = _topic(_cards(client, sc), "adherence-review")
    assert back is not None and "sertraline" in back["summary"]


def test_only_a_reason_the_card_offered_snoozes_it(client: TestClient) -> None:
    """Review 18b M1: an EHR's own "wrong-patient" code is stored but does not snooze the TMS
    card; the card's own reason does, also when the EHR drops the Coding's system."""
    sc = scenario("trd_meets_tms")
    tms = _topic(_cards(client, sc), "tms-referral")
    assert tms is not None
    foreign = {"system": "https://ehr.example.org/cds-override", "code": "wrong-patient"}
    _override(client, tms, foreign)
    again = _topic(_cards(client, sc), "tms-referral")
    assert again is not None
    # The card's own code under another system is not the card's reason either.
    own = again["overrideReasons"][0]
    _override(
        client, again, {"system": "https://ehr.example.org/cds-override", "code": own["code"]}
    )
    third = _topic(_cards(client, sc), "tms-referral")
    assert third is not None
    _override(client, third, {"code": own["code"]})
    assert _topic(_cards(client, sc), "tms-referral") is None


def test_a_pathway_snooze_ends_when_a_new_trial_starts(client: TestClient) -> None:
    """The pathway cards' fingerprint holds every trial of the episode and the running doses
    (screen.evidence_key, review 18b W2): the TMS card snoozed, a trial started since (sertraline
    again, beside venlafaxine) is a statement the snoozed card did not make, and it is back."""
    sc = copy.deepcopy(scenario("trd_meets_tms"))
    card = _topic(_cards(client, sc), "tms-referral")
    assert card is not None
    _override(client, card, card["overrideReasons"][0])
    assert _topic(_cards(client, sc), "tms-referral") is None
    start, oid = AS_OF - timedelta(weeks=2), "new-sertraline-order"
    sc.resources.append(
        b.medication_request(
            "312941",
            "sertraline 50 MG Oral Tablet",
            start,
            1,
            "tablet",
            1,
            1,
            "d",
            patient=sc.patient_id,
            id=oid,
            expected_supply_days=30,
            repeats=5,
        )
    )
    sc.resources.append(
        b.medication_dispense(
            "312941",
            "sertraline 50 MG Oral Tablet",
            start,
            30,
            30,
            patient=sc.patient_id,
            prescription=oid,
            quantity_unit="tablet",
            id="new-sertraline-fill",
        )
    )
    cards = _cards(client, sc)
    assert _topic(cards, "tms-referral") is not None, [c["summary"] for c in cards]


def _problem(sc: Scenario, key: str, code: str, display: str) -> None:
    sc.resources.append(
        b.condition(
            b.ICD10CM,
            code,
            display,
            AS_OF - timedelta(days=7),
            category="problem-list-item",
            patient=sc.patient_id,
            id=f"snooze-statements-{key}",
        )
    )


def test_a_diagnosis_review_snooze_ends_with_a_new_finding(client: TestClient) -> None:
    """The diagnosis review's own fingerprint holds each finding it names: a snooze given on an
    alcohol use disorder does not hide a bipolar II diagnosis coded later (the pathway's trials
    and PHQ-9 band say nothing of either)."""
    sc = copy.deepcopy(scenario("trd_meets_tms"))
    _problem(sc, "aud", "F10.20", "Alcohol dependence, uncomplicated")
    card = _topic(_cards(client, sc), "diagnosis-review")
    assert card is not None and "lcohol" in card["summary"]
    _override(client, card, card["overrideReasons"][0])
    assert _topic(_cards(client, sc), "diagnosis-review") is None
    _problem(sc, "bp2", "F31.81", "Bipolar II disorder")
    back = _topic(_cards(client, sc), "diagnosis-review")
    assert back is not None and "ipolar" in back["detail"]
