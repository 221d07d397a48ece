"""Session 37 hooks47: review K51b, other critical cards lost to a 412.

Session 36 (hooks46) kept the critical suicide-risk card when a required prefetch key could not be
read; every other critical card was still lost to the 412: a lithium level of 1.6 mmol/L with
lithium running, phenelzine running with sertraline, an active puerperal psychosis (F53.1), each
beside a `conditions` or `observations` key the EHR sent as an error OperationOutcome. Now
(services/required_gap.py, services/data/required_gap_topics.csv) a critical card is kept alone
when none of the missing keys could make it wrong, with the same "Required data not read ... other
cards withheld" line. Controls: a missing key that could overturn the card (the problem list, for the puerperal
psychosis) and a chart with no critical card still get the refusal (412 over HTTP); a chart read
whole keeps all its cards. Missing orders do not withhold a drug's critical card: a stop there
could make it wrong, but a false critical is the safer error (lead, session 37).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

import cds_hooks.runner as runner_module
from cds_hooks.app import create_app
from cds_hooks.config.settings import load_settings
from cds_hooks.offline import OfflineInputError
from services import tables
from services.required_gap import withheld_when_missing
from tests.faults import loopback
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "hooks47_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))
_load = chart_files.loader(_FOLDER)

# chart -> (the critical card kept alone, the missing key it names)
CRITICAL = {
    "c_conditions_error_lithium_1_6_toxic": ("running-lithium-level", "conditions"),
    "c_observations_error_lithium_1_6_toxic": ("running-lithium-level", "observations"),
    "c_conditions_error_phenelzine_sertraline_running": ("maoi-combination", "conditions"),
    "c_observations_error_puerperal_psychosis": ("postpartum-psychosis", "observations"),
    "c_medication_requests_error_puerperal_psychosis": (
        "postpartum-psychosis",
        "medicationRequests",
    ),
    # The orders could hold a stop, but a false critical is the safer error (lead, session 37).
    "c_medication_requests_error_lithium_1_6_toxic": (
        "running-lithium-level",
        "medicationRequests",
    ),
    "c_medication_requests_error_phenelzine_sertraline_running": (
        "maoi-combination",
        "medicationRequests",
    ),
}
# Controls: the missing key could overturn the card (or there is none): the refusal stands.
REFUSED = {
    "x_conditions_error_puerperal_psychosis": "problem list: a resolved F53.1 is history",
    "x_conditions_error_lithium_0_6_in_range": "no critical card",
}
FULL = {"f_all_read_puerperal_psychosis": "control"}


def test_the_folder_holds_these_charts() -> None:
    chart_files.check_folder(_FOLDER, {k: v[0] for k, v in CRITICAL.items()}, REFUSED, FULL)


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_a_critical_card_the_missing_key_cannot_overturn_is_kept_alone(name: str) -> None:
    topic, key = CRITICAL[name]
    cards = _cards(name)
    assert set(cards) == {topic}, sorted(cards)
    assert cards[topic]["indicator"] == "critical"
    assert chart_files.TMS not in cards
    detail = cards[topic]["detail"]
    assert f"**Required data not read:** `{key}`" in detail
    assert "other cards of this service are withheld" in detail


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_missing_key_that_could_overturn_the_card_is_still_refused(name: str) -> None:
    with pytest.raises(OfflineInputError, match="required prefetch data could not be had"):
        _cards(name)


def test_a_chart_read_whole_keeps_its_other_cards() -> None:
    cards = _cards("f_all_read_puerperal_psychosis")
    assert cards["postpartum-psychosis"]["indicator"] == "critical"
    assert len(cards) > 1
    assert all("Required data not read" not in c["detail"] for c in cards.values())


def test_every_kept_topic_is_a_card_topic_and_names_only_required_keys() -> None:
    # A typo in the table would silently withhold a card (a topic not in it is never kept).
    table = withheld_when_missing()
    assert set(table) <= set(tables.topics()), sorted(set(table) - set(tables.topics()))
    required = {"medicationRequests", "conditions", "observations"}
    assert all(keys <= required for keys in table.values()), table


def test_a_topic_critical_by_default_is_in_the_table() -> None:
    critical = {t for t, row in tables.topics().items() if row.indicator.value == "critical"}
    assert critical <= set(withheld_when_missing()), sorted(critical - set(withheld_when_missing()))


# -- over HTTP: the key sent as an error, or fetched from a FHIR server that refuses it -------

URL = "/cds-services/trd-patient-view"


def _refusing(resources: list[dict[str, Any]], kind: str) -> loopback.Behaviour:
    """The chart's resources served, the searches of `kind` refused (403)."""
    serve = loopback.serve_resources(resources)

    def behave(ex: loopback.Exchange) -> None:
        if f"/{kind}" in urlsplit(ex.path).path:
            ex.send_json(403, loopback.operation_outcome("forbidden", "no"))
            return
        serve(ex)

    return behave


_MAOI = "c_conditions_error_phenelzine_sertraline_running"
_MAOI_CONTROL = "c_medication_requests_error_phenelzine_sertraline_running"


@pytest.fixture(scope="module")
def ehr() -> Iterator[loopback.LoopbackServer]:
    # The MAOI chart's own resources (its conditions from the control, which read them).
    resources = list(chart_files.prefetch_resources(_load(_MAOI_CONTROL)))
    resources += list(chart_files.prefetch_resources(_load(_MAOI)))
    routes: dict[str, loopback.Behaviour] = {
        "nocondition": _refusing(resources, "Condition"),
        "noorder": _refusing(resources, "MedicationRequest"),
    }
    with loopback.LoopbackServer(routes) as server:
        yield server


@pytest.fixture
def client(
    ehr: loopback.LoopbackServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    monkeypatch.setattr(runner_module, "utcnow", lambda: datetime(2026, 12, 1, 15, tzinfo=UTC))
    settings = load_settings(
        None,
        database={"url": f"sqlite:///{tmp_path / 'hooks47.db'}"},
        fhir={"allowed_servers": (ehr.base_url,)},
    )
    with TestClient(create_app(settings)) as c:
        yield c


def _served(doc: dict[str, Any], server: str, key: str) -> dict[str, Any]:
    doc = _whole_doc(doc)
    del doc["prefetch"][key]
    doc["fhirServer"] = server
    doc["fhirAuthorization"] = {
        "access_token": "hooks47-token",
        "token_type": "Bearer",
        "expires_in": 300,
        "scope": "patient/*.read",
        "subject": "cds-service",
    }
    return doc


def _whole_doc(doc: dict[str, Any]) -> dict[str, Any]:
    copied: dict[str, Any] = json.loads(json.dumps(doc))
    return copied


@pytest.mark.parametrize("name", ["c_conditions_error_lithium_1_6_toxic", _MAOI])
def test_over_http_a_prefetch_error_keeps_the_critical_card_alone(
    client: TestClient, name: str
) -> None:
    response = client.post(URL, json=_load(name))
    assert response.status_code == 200, response.text
    cards = response.json()["cards"]
    assert [c["indicator"] for c in cards] == ["critical"], [c["summary"] for c in cards]
    assert "**Required data not read:** `conditions`" in cards[0]["detail"]


def test_over_http_a_refused_condition_search_keeps_the_maoi_card_alone(
    client: TestClient, ehr: loopback.LoopbackServer
) -> None:
    doc = _served(_load(_MAOI_CONTROL), ehr.url("nocondition"), "conditions")
    response = client.post(URL, json=doc)
    assert response.status_code == 200, response.text
    cards = response.json()["cards"]
    assert [c["indicator"] for c in cards] == ["critical"], [c["summary"] for c in cards]
    assert "Phenelzine" in cards[0]["summary"] or "phenelzine" in cards[0]["summary"]
    assert "HTTP 403" in cards[0]["detail"]


def test_over_http_a_refused_order_search_keeps_the_maoi_card_alone(
    client: TestClient, ehr: loopback.LoopbackServer
) -> None:
    # A stop order could be in the refused orders; the card names them as not read, and a false
    # critical is the safer error than phenelzine beside sertraline with no card (lead, s37).
    doc = _served(_load(_MAOI), ehr.url("noorder"), "medicationRequests")
    response = client.post(URL, json=doc)
    assert response.status_code == 200, response.text
    cards = response.json()["cards"]
    assert [c["indicator"] for c in cards] == ["critical"], [c["summary"] for c in cards]
    assert "HTTP 403" in cards[0]["detail"]


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_over_http_a_prefetch_error_that_could_overturn_the_card_is_a_412(
    client: TestClient, name: str
) -> None:
    response = client.post(URL, json=_load(name))
    assert response.status_code == 412, response.text
