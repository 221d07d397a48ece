"""An unanswered item 9 is never hidden by a snooze of the routine measurement card.

Recheck 2 m09 made the measurement card lead with "PHQ-9 on <date>: item 9 unanswered -
ask it today" when the latest PHQ-9 has no item 9 and no total. That card was snoozable under
the routine topic, with the pathway's fingerprint (failed trials, the band of the latest PHQ-9
total), which an incomplete panel does not change: a clinician who snoozed "repeat the PHQ-9"
last week did not see the unasked suicide item today. Now the card is issued under a topic of its
own while item 9 is unanswered (data/topics.csv phq9-item9-unanswered: not snoozable, as the
suicide-risk card), and it ends when a PHQ-9 with item 9 or a total is recorded.

Through the HTTP app on an SQLite file (tests/conftest.py `client`) and feedback, as
test_snooze_pairs.py: an Epic-shaped chart (a MedicationRequest pointing to a separate
Medication, "(CMS/HCC)" problem text with SNOMED CT and ICD-10-CM codings), a PHQ-9 total as
Synthea writes it, and the incomplete panel as a US Core survey Observation (LOINC 44249-1 with
items 1-8 as components, no item 9, no total), valid R4.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cds_hooks.offline import evaluate_document
from services import tables
from services.microgram_doses import microgram_dose_text
from services.policy import Policy
from services.rules import measurement_based_care
from tests.fixtures import builders as fb
from tests.fixtures import vendor_charts as V
from tests.fixtures.renewals import renewed

AS_OF = date(2025, 6, 2)
MBC = "measurement-based-care"
ITEM9 = "phq9-item9-unanswered"
PANEL_DAY = date(2025, 5, 28)
# PHQ-9 items 1-8 (LOINC), as the panel's components; item 9 is 44260-8.
ITEMS_1_TO_8 = (
    ("44250-9", "Little interest or pleasure in doing things"),
    ("44255-8", "Feeling down, depressed, or hopeless"),
    ("44259-0", "Trouble falling or staying asleep, or sleeping too much"),
    ("44254-1", "Feeling tired or having little energy"),
    ("44251-7", "Poor appetite or overeating"),
    ("44258-2", "Feeling bad about yourself-or that you are a failure"),
    ("44252-5", "Trouble concentrating on things"),
    ("44253-3", "Moving or speaking so slowly that other people could have noticed"),
)


@pytest.fixture
def stopped_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    instant = datetime(AS_OF.year, AS_OF.month, AS_OF.day, 15, 0, tzinfo=UTC)
    monkeypatch.setattr("cds_hooks.runner.utcnow", lambda: instant)


def _rid(name: str, length: int = 46) -> str:
    return V.epic_id(f"item9-snooze/{name}", length)


def _incomplete_panel() -> dict[str, Any]:
    """Items 1-8 answered, no item 9 and no total (recheck 2 m09's panel)."""
    loinc = "http://loinc.org"
    return {
        "resourceType": "Observation",
        "id": _rid("phq9-partial"),
        "meta": {
            "profile": [
                "http://hl7.org/fhir/us/core/StructureDefinition/us-core-observation-survey"
            ]
        },
        "status": "final",
        "category": V._category("survey", V._OBS_CATEGORY, "Survey"),
        "code": {
            "coding": [
                {
                    "system": loinc,
                    "code": "44249-1",
                    "display": "PHQ-9 quick depression assessment panel",
                }
            ],
            "text": "PHQ-9 quick depression assessment panel",
        },
        "subject": V._ref("Patient", V.EPIC_PATIENT),
        "effectiveDateTime": f"{PANEL_DAY.isoformat()}T09:30:00-05:00",
        "issued": f"{PANEL_DAY.isoformat()}T10:05:00-05:00",
        "component": [
            {
                "code": {
                    "coding": [{"system": loinc, "code": code, "display": text}],
                    "text": text,
                },
                "valueInteger": 2,
            }
            for code, text in ITEMS_1_TO_8
        ],
    }


def _chart(name: str, *extra: dict[str, Any]) -> V.VendorChart:
    """A woman of 78 with recurrent MDD on citalopram 20 mg since 2024-09-02 (an Epic order);
    her last PHQ-9 total 16 on 2025-01-06 (147 days ago: a PHQ-9 is due); `extra` resources."""
    pid = V.EPIC_PATIENT
    medication = V.epic_medication(
        _rid("med-citalopram", 64), ("2556", "200371"), "citalopram (CELEXA) 20 MG tablet", "tablet"
    )
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
        # Renewed each time its 90 days ran out, as Epic writes a drug still taken
        # (tests/fixtures/renewals.py, orders33).
        *renewed(
            V.epic_order(
                _rid("order-citalopram"),
                medication,
                sig="Take 1 tablet (20 mg total) by mouth daily.",
                start=date(2024, 9, 2),
                end=None,
                status="active",
                mg=20,
                units=(1, "tablet", "{tbl}"),
                times="0900",
                count=365,
            ),
            AS_OF,
            90,
        ),
        *fb.phq9(date(2025, 1, 6), 16, item9=0, patient=pid),
        *extra,
    ]
    return V.VendorChart(name, pid, resources)


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
                    "userComment": "PHQ-9 booked for next visit",
                },
            }
        ]
    }
    answer = client.post("/cds-services/trd-patient-view/feedback", json=body)
    assert answer.status_code == 200, answer.text


@pytest.mark.usefixtures("stopped_clock")
def test_a_snooze_of_the_routine_card_does_not_hide_an_unanswered_item_9(
    client: TestClient,
) -> None:
    # The optimise card asks for the repeat of the stale PHQ-9 first (review s23 RT finding 8:
    # one request, not two); snoozed, the routine measurement card asks it.
    first = _cards(client, _chart("routine-0"), "h-0")
    assert MBC not in first
    assert "repeat before switching" in first["optimize-switch-augment"]["summary"]
    _override(client, first["optimize-switch-augment"])
    routine = _cards(client, _chart("routine-1"), "h-1")
    assert "repeat the PHQ-9" in routine[MBC]["summary"]
    _override(client, routine[MBC])
    # The snooze holds on the same chart (the control: the snooze itself works).
    assert MBC not in _cards(client, _chart("routine-2"), "h-2")
    # A PHQ-9 panel since with items 1-8 and no item 9: no new total, so the pathway's
    # fingerprint is unchanged; before the fix the snooze hid this card.
    back = _cards(client, _chart("item9-1", _incomplete_panel()), "h-3")
    card = back[ITEM9]
    assert card["summary"].startswith("PHQ-9 on 2025-05-28: item 9 unanswered - ask it today")
    assert card["indicator"] == "warning"
    assert "Ask item 9 today; if above 0, assess suicide risk." in card["detail"]
    assert MBC not in back  # one measurement card, under the topic that cannot be snoozed


@pytest.mark.usefixtures("stopped_clock")
def test_the_item_9_card_itself_is_not_snoozed(client: TestClient) -> None:
    first = _cards(client, _chart("item9-2", _incomplete_panel()), "h-1")
    _override(client, first[ITEM9])
    again = _cards(client, _chart("item9-3", _incomplete_panel()), "h-2")
    assert again[ITEM9]["summary"].startswith("PHQ-9 on 2025-05-28: item 9 unanswered")


def test_the_topic_is_not_snoozable_and_a_warning() -> None:
    topic = tables.topic(ITEM9)
    assert topic.snoozable is False
    assert topic.indicator.value == "warning"
    assert tables.topic(MBC).snoozable is True  # the routine card still can be
    assert measurement_based_care.ITEM9_TOPIC == ITEM9


# --- recheck 2 m25 and m31: two wording slips ---------------------------------------------------
# The recheck's probes (CDS Hooks patient-view requests with US Core prefetch, valid R4), copied
# to tests/services/k1_charts/.

CHARTS = Path(__file__).parent / "k1_charts"


def _probe_cards(name: str) -> dict[str, dict[str, Any]]:
    doc = json.loads((CHARTS / f"{name}.json").read_text("utf-8"))
    result = evaluate_document(doc, hook="patient-view", as_of=AS_OF, policy=Policy())
    return {c["source"]["topic"]["code"]: c for c in result.response.to_json()["cards"]}


@pytest.mark.real_drug_table
def test_m25_liothyronine_is_shown_in_micrograms() -> None:
    card = _probe_cards("m25_t3_tsh_0_08")["adjunct-harm"]
    assert card["summary"].startswith("Liothyronine 25 µg/day (since 2025-03-24)")
    assert "**Liothyronine 25 µg/day since 2025-03-24**" in card["detail"]
    assert "0.025 mg" not in card["summary"] + card["detail"]


def test_microgram_text_only_for_drugs_dosed_in_micrograms() -> None:
    assert microgram_dose_text("liothyronine", 0.05, None) == "50 µg/day"
    assert microgram_dose_text("liothyronine", 0.025, 0.05) == "25-50 µg/day"
    assert microgram_dose_text("liothyronine", None, None) is None
    assert microgram_dose_text("risperidone", 0.5, None) is None  # dosed in mg


@pytest.mark.real_drug_table
def test_m31_quetiapine_alone_is_not_said_to_run_with_only_itself() -> None:
    card = _probe_cards("m31_quetiapine_mono_bipolar_depression")["diagnosis-review"]
    assert card["summary"] == (
        "Confirm the diagnosis before escalating: bipolar disorder on record, quetiapine "
        "300 mg/day alone, below its antimanic dose"
    )
    assert "quetiapine with only quetiapine" not in card["summary"] + card["detail"].lower()
    assert (
        "Quetiapine 300 mg/day is running alone, below the dose at which it treats mania"
        in (card["detail"])
    )
