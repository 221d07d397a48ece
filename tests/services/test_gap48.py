"""Session 37 gap48: review K56a findings 1, 5, 10, 11 on the cards kept when a required key failed.

- Finding 1 (UNSAFE): with `medicationRequests` failed, the MAOI order card kept alone said
  "fluoxetine stopped 2026-10-29 (2 days left)" and "phenelzine not before 2026-12-03"; with the
  orders read, fluoxetine was last taken 2026-11-11, not before 2026-12-16. A stop day read from
  statements or fills is only the earliest the drug was last taken: a course stopped within the
  longest washout now "may be running (last dose on record ...; its orders were not read)" and
  the card asks to stop it and wait the whole interval, with no firm date
  (services/washout_exposures.py, marked by services/required_gap.py).
- Finding 5: a drafted lithium 1200 mg/day beside a last level of 1.5 mmol/L, the orders failed:
  the level was read as an earlier course's, a warning, so the call was a 412. It stays critical.
- Finding 11: a patient recorded deceased lost the status card ("check the chart before signing")
  when a critical card was kept alone; it is kept beside it.
Controls: the same charts with the orders read keep their firm dates and cards.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import cds_hooks.runner as runner_module
from cds_hooks.app import create_app
from cds_hooks.config.settings import load_settings
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "gap48_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))
_load = chart_files.loader(_FOLDER)

MAOI = "order-maoi-interaction"
LITHIUM = "order-lithium-level"
STATUS = "data-quality"

# Failing before the fix (a firm date from a lower bound, a 412, the status card dropped).
FIXED = {
    "c_orders_error_fluoxetine_stopped": "finding 1",
    "c_orders_error_lithium_1_5": "finding 5",
    "c_orders_error_fluoxetine_stopped_deceased": "finding 11",
}
CONTROLS = {
    "f_fluoxetine_stopped_orders_read": "orders read: the washout dates stand",
    "f_lithium_1_5_orders_read": "orders read: the lithium card stands",
}

_FIRM = ("days left", "washout left", "not before 2026-12-03", "stopped 2026-10-29")


def test_the_folder_holds_these_charts() -> None:
    chart_files.check_folder(_FOLDER, FIXED, CONTROLS)


def _text(card: dict[str, str]) -> str:
    return f"{card['summary']}\n{card['detail']}"


def test_orders_not_read_give_no_firm_washout_date() -> None:
    cards = _cards("c_orders_error_fluoxetine_stopped")
    assert set(cards) == {MAOI}, sorted(cards)
    card = cards[MAOI]
    assert card["indicator"] == "critical"
    assert not [w for w in _FIRM if w in _text(card)], card["summary"]
    assert "fluoxetine may be running" in card["summary"]
    assert "last dose on record 2026-10-29; its orders were not read" in card["detail"]
    assert "stop fluoxetine, then allow at least 35 days" in card["detail"]
    assert "**Required data not read:** `medicationRequests`" in card["detail"]


def test_orders_read_keep_the_washout_dates() -> None:
    cards = _cards("f_fluoxetine_stopped_orders_read")
    card = cards[MAOI]
    assert card["indicator"] == "critical"
    assert "washout left: fluoxetine 15 days" in card["summary"]
    assert "not before 2026-12-16" in card["detail"]
    assert "its orders were not read" not in card["detail"]


def test_a_lithium_draft_against_a_toxic_level_stays_critical_without_the_orders() -> None:
    cards = _cards("c_orders_error_lithium_1_5")
    assert set(cards) == {LITHIUM}, sorted(cards)
    card = cards[LITHIUM]
    assert card["indicator"] == "critical"
    assert "1.5 mmol/L" in card["summary"]
    assert "earlier course" not in card["summary"]
    assert "on which course cannot be told: the orders were not read" in card["detail"]


def test_a_lithium_draft_with_the_orders_read_is_judged_on_the_running_course() -> None:
    card = _cards("f_lithium_1_5_orders_read")[LITHIUM]
    assert card["indicator"] == "critical"
    assert card["summary"].startswith("Lithium 1200 mg/day ordered with the last level 1.5")


def test_a_deceased_patients_status_card_stays_beside_the_kept_card() -> None:
    cards = _cards("c_orders_error_fluoxetine_stopped_deceased")
    assert set(cards) == {MAOI, STATUS}, sorted(cards)
    assert cards[MAOI]["indicator"] == "critical"
    assert "See the patient-status card" in cards[MAOI]["detail"]
    status = cards[STATUS]
    assert (
        status["summary"]
        == "Patient recorded deceased (2026-11-30): check the chart before signing"
    )
    assert chart_files.TMS not in cards


# -- over HTTP: the order-sign and order-select calls with the orders sent as an error -----------


@pytest.fixture
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setattr(runner_module, "utcnow", lambda: datetime(2026, 12, 1, 15, tzinfo=UTC))
    settings = load_settings(None, database={"url": f"sqlite:///{tmp_path / 'gap48.db'}"})
    with TestClient(create_app(settings)) as c:
        yield c


def test_over_http_order_sign_keeps_the_maoi_card_with_no_firm_date(client: TestClient) -> None:
    doc = _load("c_orders_error_fluoxetine_stopped")
    response = client.post(f"/cds-services/trd-{doc['hook']}", json=doc)
    assert response.status_code == 200, response.text
    cards = response.json()["cards"]
    assert [c["indicator"] for c in cards] == ["critical"], [c["summary"] for c in cards]
    assert not [w for w in _FIRM if w in _text(cards[0])], cards[0]["summary"]


def test_over_http_a_lithium_draft_is_not_a_412(client: TestClient) -> None:
    doc = _load("c_orders_error_lithium_1_5")
    response = client.post(f"/cds-services/trd-{doc['hook']}", json=doc)
    assert response.status_code == 200, response.text
    cards = response.json()["cards"]
    assert [c["indicator"] for c in cards] == ["critical"], [c["summary"] for c in cards]
