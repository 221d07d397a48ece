"""A snooze of a card that rests on pairs never hides a pair that appears later.

Before, services/screen.py gave every snoozable card the pathway's fingerprint (the failed trials
and the PHQ-9 band). A snooze of the running-drug card for bupropion beside a seizure disorder then
also hid bulimia coded a month later (a second contraindication of the same drug), and a snooze of
the interaction card hid a new interacting drug; meanwhile a PHQ-9 crossing a band ended the
snooze of a card that says nothing about PHQ-9. Now those cards carry their own fingerprint (a
stable hash of their pairs: screen.pairs_key), and the low-sodium card its result and drugs, and
the screen keeps it.

Through the HTTP app on an SQLite file (tests/conftest.py `client`) with Epic-shaped charts
(tests/fixtures/vendor_charts.py: a MedicationRequest pointing to a separate Medication, three
doseAndRate entries, "(CMS/HCC)" problem texts with SNOMED CT and ICD-10-CM codings; lab results
with Epic's local component code beside LOINC, a UCUM quantity, an L flag and a reference range).
The interaction card is checked on the rules with US Core charts (test_order_safety's helpers).
"""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services import screen
from services.patient_view import run_rules
from services.policy import Policy
from services.recommendation import Recommendation
from services.rules.context import build_context
from tests.fixtures import vendor_charts as V
from tests.services.test_order_safety import chart, depressed, mdd, phq9, taking

AS_OF = date(2025, 6, 2)
RUNNING = "running-drug-caution"
SODIUM = "running-drug-low-sodium"
INTERACTION = "drug-interaction"


@pytest.fixture
def stopped_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    instant = datetime(AS_OF.year, AS_OF.month, AS_OF.day, 15, 0, tzinfo=UTC)
    monkeypatch.setattr("cds_hooks.runner.utcnow", lambda: instant)


def _rid(name: str, length: int = 46) -> str:
    return V.epic_id(f"snooze-pairs/{name}", length)


def _epic_chart(name: str, *extra: dict[str, Any], drug: str = "bupropion") -> V.VendorChart:
    """A woman of 78 with recurrent MDD; bupropion XL 300 mg every morning, or citalopram 20 mg,
    since 2024-09-02 (an Epic order); PHQ-9 flowsheet rows; `extra` resources."""
    pid = V.EPIC_PATIENT
    if drug == "bupropion":
        medication = V.epic_medication(
            _rid("med-bupropion", 64),
            ("42347", "993557"),
            "buPROPion (WELLBUTRIN XL) 300 MG 24 hr tablet",
            "tablet",
        )
        sig, mg = "Take 1 tablet (300 mg total) by mouth every morning.", 300
    else:
        medication = V.epic_medication(
            _rid("med-citalopram", 64),
            ("2556", "200371"),
            "citalopram (CELEXA) 20 MG tablet",
            "tablet",
        )
        sig, mg = "Take 1 tablet (20 mg total) by mouth daily.", 20
    resources: list[dict[str, Any]] = [
        V._patient(pid, "Reyes", "Daniela", "female", date(1946, 11, 3)),
        {
            "resourceType": "Practitioner",
            "id": V.EPIC_PRACTITIONER,
            "name": [{"text": "Physician"}],
        },
        V._condition(
            _rid("mdd"),
            pid,
            V.MDD_MODERATE,
            "Major depressive disorder, recurrent episode, moderate (CMS/HCC)",
            date(2023, 10, 2),
        ),
        medication,
        V.epic_order(
            _rid(f"order-{drug}"),
            medication,
            sig=sig,
            start=date(2024, 9, 2),
            end=None,
            status="active",
            mg=mg,
            units=(1, "tablet", "{tbl}"),
            times="0900",
            count=365,
        ),
        *extra,
    ]
    return V.VendorChart(name, pid, resources)


def _seizures() -> dict[str, Any]:
    return V._condition(
        _rid("seizures"),
        V.EPIC_PATIENT,
        ((V.SNOMED, "128613002"), (V.ICD10, "G40.909")),
        "Seizure disorder (CMS/HCC)",
        date(2025, 3, 4),
    )


def _bulimia() -> dict[str, Any]:
    return V._condition(
        _rid("bulimia"),
        V.EPIC_PATIENT,
        ((V.SNOMED, "78004001"), (V.ICD10, "F50.2")),
        "Bulimia nervosa (CMS/HCC)",
        date(2025, 5, 12),
    )


def _epic_sodium(name: str, day: date, value: float, flag: str) -> dict[str, Any]:
    """An Epic lab component: the site's local code beside LOINC, a UCUM quantity, the lab's flag
    and its reference range written as text and bounds."""
    return {
        "resourceType": "Observation",
        "id": _rid(name),
        "status": "final",
        "category": V._category("laboratory", V._OBS_CATEGORY, "Laboratory"),
        "code": {
            "coding": [
                {"system": V.EPIC_LAB, "code": "1534", "display": "SODIUM"},
                {"system": V.LOINC, "code": "2951-2"},
            ],
            "text": "SODIUM",
        },
        "subject": V._ref("Patient", V.EPIC_PATIENT),
        "effectiveDateTime": V._at(day),
        "issued": V._at(day, "18:40:00Z"),
        "valueQuantity": {"value": value, "unit": "mmol/L", "system": V.UCUM, "code": "mmol/L"},
        "interpretation": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
                        "code": flag,
                    }
                ],
                "text": {"L": "Low", "N": "Normal"}[flag],
            }
        ],
        "referenceRange": [
            {"low": {"value": 135, "unit": "mmol/L"}, "high": {"value": 145, "unit": "mmol/L"}}
        ],
    }


def _cards(client: TestClient, chart: V.VendorChart, instance: str) -> dict[str, dict[str, Any]]:
    body = copy.deepcopy(V.hook_request(chart))
    body["hookInstance"] = instance
    answer = client.post("/cds-services/trd-patient-view", json=body)
    assert answer.status_code == 200, answer.text
    return {c["source"]["topic"]["code"]: c for c in answer.json()["cards"]}


def _override(client: TestClient, card: dict[str, Any]) -> None:
    body = {
        "feedback": [
            {
                "card": card["uuid"],
                "outcome": "overridden",
                "outcomeTimestamp": "2025-06-02T15:00:00Z",
                "overrideReason": {
                    "reason": {
                        "code": "already-addressed",
                        "system": "urn:trd-cds:override-reason",
                    },
                    "userComment": "discussed, continuing",
                },
            }
        ]
    }
    answer = client.post("/cds-services/trd-patient-view/feedback", json=body)
    assert answer.status_code == 200, answer.text


@pytest.mark.usefixtures("stopped_clock")
def test_a_new_pair_shows_through_a_snooze_of_the_old_one(client: TestClient) -> None:
    first = _cards(client, _epic_chart("pairs-1", _seizures()), "h-1")
    assert "Seizure disorder" in first[RUNNING]["summary"]
    _override(client, first[RUNNING])
    # The same pair: the snooze holds.
    assert RUNNING not in _cards(client, _epic_chart("pairs-2", _seizures()), "h-2")
    # Bulimia coded since: a second contraindication of the running drug. The failed trials and
    # the PHQ-9 band did not change, so the pathway's fingerprint hid it before.
    back = _cards(client, _epic_chart("pairs-3", _seizures(), _bulimia()), "h-3")
    assert RUNNING in back
    assert "Bulimia nervosa" in back[RUNNING]["detail"]
    assert "Seizure disorder" in back[RUNNING]["detail"]


@pytest.mark.usefixtures("stopped_clock")
def test_a_repeat_low_sodium_shows_through_a_snooze_of_the_first(client: TestClient) -> None:
    before = _epic_sodium("na-before", date(2024, 8, 26), 139, "N")
    low = _epic_sodium("na-low", date(2025, 5, 20), 129, "L")
    first = _cards(client, _epic_chart("na-1", before, low, drug="citalopram"), "h-1")
    assert first[SODIUM]["summary"].startswith(
        "Sodium 129 on 2025-05-20 (139 on 2024-08-26, before citalopram): citalopram may be the "
        "cause (SIADH)"
    )
    _override(client, first[SODIUM])
    assert SODIUM not in _cards(client, _epic_chart("na-2", before, low, drug="citalopram"), "h-2")
    repeat = _epic_sodium("na-repeat", date(2025, 5, 29), 127, "L")
    back = _cards(client, _epic_chart("na-3", before, low, repeat, drug="citalopram"), "h-3")
    assert back[SODIUM]["summary"].startswith("Sodium 127 on 2025-05-29")


# --- the keys themselves -------------------------------------------------------------------------

TRAMADOL_50 = ("835603", "tramadol hydrochloride 50 MG Oral Tablet")
VENLAFAXINE_XR_150 = ("313581", "24 HR venlafaxine 150 MG Extended Release Oral Capsule")
BUPROPION_XL_300 = ("993557", "24 HR bupropion hydrochloride 300 MG Extended Release Oral Tablet")


def _screen(*items: Any) -> tuple[dict[str, Recommendation], str]:
    """The screen's cards by topic, and the pathway's fingerprint of the same chart."""
    ctx = build_context(chart(*items), Policy(), hook="patient-view")
    return {r.topic: r for r in run_rules(ctx)}, screen.evidence_key(ctx.facts)


def test_the_interaction_card_keeps_its_own_fingerprint_of_pairs() -> None:
    tramadol = taking(TRAMADOL_50, date(2025, 3, 3), per_day=4, rid="mr-tram")
    venlafaxine = taking(VENLAFAXINE_XR_150, date(2024, 10, 1), rid="mr-ven")
    one, pathway = _screen(*depressed(), tramadol, venlafaxine)
    key = one[INTERACTION].evidence_key
    assert key is not None and key != pathway
    # Another PHQ-9 band: the pathway's fingerprint changes, the interaction card's does not.
    other_band, other_pathway = _screen(mdd(), phq9(date(2025, 5, 20), 24), tramadol, venlafaxine)
    assert other_pathway != pathway
    assert other_band[INTERACTION].evidence_key == key
    # Bupropion added: tramadol with bupropion is a new pair, a new fingerprint.
    bupropion = taking(BUPROPION_XL_300, date(2025, 4, 1), rid="mr-bup")
    two, two_pathway = _screen(*depressed(), tramadol, venlafaxine, bupropion)
    assert "bupropion" in two[INTERACTION].detail
    assert two[INTERACTION].evidence_key not in (key, two_pathway)


def test_pairs_key_is_the_set_of_pairs() -> None:
    assert screen.pairs_key(["a|x", "b|y"]) == screen.pairs_key(["b|y", "a|x", "a|x"])
    assert screen.pairs_key(["a|x"]) != screen.pairs_key(["a|x", "b|y"])
    assert len(screen.pairs_key(["a|x"])) == 16
