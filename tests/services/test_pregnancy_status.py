"""Review 10 finding 3: a pregnancy recorded only as the US Core Pregnancy Status Observation
(LOINC 82810-3) brings the same caveats as a Z33.1 Condition (the review's control chart P3b):
the pregnancy header on the optimise and TMS cards, the esketamine and lithium lines, and
antipsychotic adjuncts named as text only, never a one-click order.

End to end through the HTTP app with an Oracle Health-shaped chart (tests/fixtures/vendor_charts.py
oracle_chart: two adequate trials failed, a switch/augment card and a TMS card), the prefetch
answered as a FHIR server answers the service's own templates: an Observation whose code the
`observations` template does not ask for never reaches the service, so these tests also prove the
template asks for 82810-3. The Pregnancy Status Observation is written as US Core publishes its
example, with Oracle's tenant code beside the LOINC code.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cds_hooks.config.settings import load_settings
from fhir_mapping.build import build_record
from services.catalog import LOINC_OID, MAX_QUERY_BYTES, query_bytes, services
from services.order_hooks import order_hook
from services.policy import Policy
from tests.fhir_mapping import fhir_resources as fr
from tests.fixtures import builders as fb
from tests.fixtures import vendor_charts as V

# The Oracle chart's drugs as the service reads them (not the unit tests' small table).
pytestmark = pytest.mark.real_drug_table

REPO = Path(__file__).resolve().parents[2]
AS_OF = date(2025, 6, 2)
PID = V.ORACLE_PATIENT
OPTIMISE, TMS = "optimize-switch-augment", "tms-referral"
HEADER = re.compile(r"\*\*Pregnancy on record:\*\* [^\n]*\n")


def _pregnancy_status(
    rid: str, day: date, value: tuple[str, str] = ("77386006", "Pregnant")
) -> Any:
    code, display = value
    return {
        "resourceType": "Observation",
        "id": rid,
        "meta": {
            "profile": [
                "http://hl7.org/fhir/us/core/StructureDefinition/us-core-observation-pregnancystatus"
            ]
        },
        "status": "final",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "social-history",
                        "display": "Social History",
                    }
                ]
            }
        ],
        "code": {
            "coding": [
                {
                    "system": f"{V.CERNER}/codeSet/72",
                    "code": "4104380543",
                    "display": "Pregnancy Status",
                    "userSelected": True,
                },
                {"system": V.LOINC, "code": "82810-3", "userSelected": False},
            ],
            "text": "Pregnancy Status",
        },
        "subject": {"reference": f"Patient/{PID}"},
        "effectiveDateTime": f"{day.isoformat()}T14:30:00.000Z",
        "issued": f"{day.isoformat()}T14:31:12.000Z",
        "valueCodeableConcept": {
            "coding": [{"system": V.SNOMED, "code": code, "display": display}],
            "text": display,
        },
    }


def _z331(day: date) -> Any:
    return V._condition(
        "p99120331",
        PID,
        (("http://hl7.org/fhir/sid/icd-10-cm", "Z33.1"),),
        "Pregnant state, incidental",
        day,
    )


def _chart(*extra: Any) -> V.VendorChart:
    """The Oracle TRD chart of a woman of 32 (born 1993), with `extra` resources."""
    base = V.oracle_chart()
    resources = [r for r in base.resources if r["resourceType"] != "Patient"]
    person = V._patient(PID, "Whitfield", "Carol", "female", date(1993, 3, 3))
    everything = [person, *resources, *extra]
    fr.assert_valid(everything)
    return V.VendorChart(base.name, PID, everything)


@pytest.fixture
def stopped_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    instant = datetime(AS_OF.year, AS_OF.month, AS_OF.day, 15, 0, tzinfo=UTC)
    monkeypatch.setattr("cds_hooks.runner.utcnow", lambda: instant)


def _cards(client: TestClient, chart: V.VendorChart) -> dict[str, dict[str, Any]]:
    answer = client.post("/cds-services/trd-patient-view", json=V.hook_request(chart))
    assert answer.status_code == 200, answer.text
    return {c["source"]["topic"]["code"]: c for c in answer.json()["cards"]}


def _labels(card: dict[str, Any]) -> list[str]:
    return [s["label"] for s in card.get("suggestions") or []]


@pytest.mark.usefixtures("stopped_clock")
def test_pregnancy_status_observation_brings_the_pregnancy_caveats(client: TestClient) -> None:
    cards = _cards(client, _chart(_pregnancy_status("M-8810231", date(2025, 5, 19))))
    optimise, tms = cards[OPTIMISE]["detail"], cards[TMS]["detail"]
    header = (
        "**Pregnancy on record:** Pregnancy status: Pregnant "
        "(SNOMED CT 77386006 since 2025-05-19). The "
    )
    assert header + "medication options on this card" in optimise
    # The TMS card offers no medication: no "medication options" sentence (review s28 RI 4).
    assert (
        "**Pregnancy on record:** Pregnancy status: Pregnant (SNOMED CT 77386006 since "
        "2025-05-19): confirm it is current. TMS exposes the fetus to no drug" in tms
    )  # review s26 GB item 3
    assert "medication options" not in tms
    assert "**Esketamine, if considered:** not recommended during pregnancy" in optimise
    assert "**Lithium, if considered:** first-trimester exposure" in optimise
    assert "not offered as a ready-to-accept order: antipsychotics in pregnancy" in optimise
    assert not [label for label in _labels(cards[OPTIMISE]) if "aripiprazole" in label]


@pytest.mark.usefixtures("stopped_clock")
def test_the_observation_gives_what_a_z33_1_condition_gives(client: TestClient) -> None:
    """The review's control: the same chart with Z33.1 instead. Apart from the header naming
    what is on record, the two cards say the same and offer the same."""
    observed = _cards(client, _chart(_pregnancy_status("M-8810231", date(2025, 5, 19))))
    coded = _cards(client, _chart(_z331(date(2025, 5, 19))))
    assert set(observed) == set(coded)
    for topic in (OPTIMISE, TMS):
        one, other = observed[topic], coded[topic]
        assert HEADER.search(one["detail"]) and HEADER.search(other["detail"])
        assert HEADER.sub("", one["detail"]) == HEADER.sub("", other["detail"]).replace(
            "Pregnant state, incidental (ICD-10-CM Z33.1)",
            "Pregnancy status: Pregnant (SNOMED CT 77386006)",
        )
        assert _labels(one) == _labels(other)
        assert one["summary"] == other["summary"]


@pytest.mark.usefixtures("stopped_clock")
def test_a_later_not_pregnant_ends_the_caveats(client: TestClient) -> None:
    chart = _chart(
        _pregnancy_status("M-8810231", date(2024, 11, 4)),
        _pregnancy_status("M-8810240", date(2025, 4, 14), ("60001007", "Not pregnant")),
    )
    cards = _cards(client, chart)
    assert "Pregnancy" not in cards[OPTIMISE]["detail"]
    assert "if considered" not in cards[OPTIMISE]["detail"]
    assert [label for label in _labels(cards[OPTIMISE]) if "aripiprazole" in label]


# --- order-select: the caution check sees the Observation too --------------------------------------


def test_esketamine_ordered_with_only_a_pregnancy_status_observation_gets_the_caveat() -> None:
    person = fr.patient(birth="1993-03-03")
    mdd = fr.condition(
        "mdd",
        fr.ICD10CM,
        "F33.2",
        "Major depressive disorder, recurrent severe without psychotic features",
        date(2024, 6, 3),
    )
    status = _pregnancy_status("preg", date(2025, 5, 19))
    status["subject"] = fr.subject()
    draft = fb.medication_request(
        "2119365",
        "esketamine",
        AS_OF,
        dose_value=1,
        frequency=1,
        status="draft",
        expected_supply_days=30,
        patient=fr.PATIENT,
        id="draft-1",
    )
    fr.assert_valid([person, mdd, status, draft])

    def summaries(*resources: Any) -> list[str]:
        record = build_record(
            [person, mdd, *resources], as_of=AS_OF, patient_id=fr.PATIENT, draft_orders=[draft]
        )
        return [r.summary for r in order_hook(record, Policy(), hook="order-select")]

    assert [s for s in summaries(status) if "not recommended during pregnancy" in s]
    assert not [s for s in summaries() if "pregnancy" in s]


# --- the prefetch template --------------------------------------------------------------------------


def _tokens(template: str) -> set[str]:
    return set(template.split("&code=", 1)[1].split("&", 1)[0].split(","))


def test_the_observations_template_asks_for_pregnancy_status_and_stays_short() -> None:
    templates = dict(services()[0].prefetch)
    observations, labs = _tokens(templates["observations"]), _tokens(templates["labs"])
    assert {f"{V.LOINC}|82810-3", f"{LOINC_OID}|82810-3"} <= observations
    assert not any("82810-3" in token for token in labs)
    # 1,597 bytes before; 82810-3 costs 67 under its two spellings; breastfeeding status
    # (63895-7, http://loinc.org only) 27 more (services/catalog.py).
    assert query_bytes(templates["observations"]) == 1691 <= MAX_QUERY_BYTES
    example = load_settings(REPO / "deploy" / "config.example.toml").site_codes()
    assert query_bytes(dict(services(example)[0].prefetch)["observations"]) <= MAX_QUERY_BYTES
