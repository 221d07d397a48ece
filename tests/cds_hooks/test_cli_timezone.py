"""Review 8 leftover (H5, item 1): the command line's "today" is the date in `[server] timezone`,
read from the same file and variables as the server's, not the machine's local date. So
`trd-cds evaluate` without --as-of, the service, and `trd-cds request --shift-dates-to-today`
agree on the day of a chart opened near midnight.

The clock is stopped where each reads it: `cds_hooks.config.settings.utc_now` (the command line)
and `cds_hooks.runner.utcnow` (the service). The machine's own date (this test does not stop it)
is neither instant's date in the zones used, so the old `date.today()` fails these tests.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cds_hooks import first_call
from cds_hooks.app import create_app
from cds_hooks.cli import main
from cds_hooks.config.settings import load_settings
from cds_hooks.examples import FIXTURES_AS_OF
from services.timeline.wording import day_text
from tests.faults import fakes

REPO = Path(__file__).resolve().parents[2]
TRD = REPO / "tests/fixtures/patients/trd_meets_tms.request.json"

# (zone, the instant, the date there): where it is already tomorrow, and where it is still
# yesterday, compared with UTC's date.
CASES = [
    ("Pacific/Kiritimati", datetime(2025, 6, 1, 12, 30, tzinfo=UTC), date(2025, 6, 2)),
    ("America/New_York", datetime(2025, 6, 3, 2, 30, tzinfo=UTC), date(2025, 6, 2)),
]


@pytest.fixture(autouse=True)
def _no_outside_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRD_CDS_CONFIG", raising=False)
    monkeypatch.setenv("TRD_CDS_SECRETS_DIR", str(tmp_path))  # empty: no secret files


def _stop_clocks(monkeypatch: pytest.MonkeyPatch, instant: datetime) -> None:
    monkeypatch.setattr("cds_hooks.config.settings.utc_now", lambda: instant)
    monkeypatch.setattr("cds_hooks.runner.utcnow", lambda: instant)


def _packet_day(tmp_path: Path, *argv: str) -> str:
    """The as-of day `trd-cds evaluate` used, as its referral packet prints it."""
    packet = tmp_path / "packet.html"
    assert main(["evaluate", str(TRD), "--packet", str(packet), *argv]) == 0
    page = packet.read_text("utf-8")
    start = page.index("record as of ") + len("record as of ")
    return page[start : page.index("<", start)].strip()


@pytest.mark.parametrize("zone, instant, day", CASES)
def test_evaluate_without_as_of_judges_as_of_today_in_the_configured_zone(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    zone: str,
    instant: datetime,
    day: date,
) -> None:
    assert instant.date() != day  # UTC's date (and the machine's) differs from the site's
    _stop_clocks(monkeypatch, instant)
    monkeypatch.setenv("TRD_CDS_SERVER__TIMEZONE", zone)
    assert _packet_day(tmp_path) == day_text(day)


def test_the_zone_is_read_from_the_config_file_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    zone, instant, day = CASES[0]
    _stop_clocks(monkeypatch, instant)
    config = tmp_path / "site.toml"
    config.write_text(f'[server]\ntimezone = "{zone}"\n', "utf-8")
    assert _packet_day(tmp_path, "--config", str(config)) == day_text(day)
    assert _packet_day(tmp_path) == day_text(instant.date())  # embedded defaults: UTC


def test_as_of_wins_over_the_zone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    zone, instant, _day = CASES[0]
    _stop_clocks(monkeypatch, instant)
    monkeypatch.setenv("TRD_CDS_SERVER__TIMEZONE", zone)
    assert _packet_day(tmp_path, "--as-of", "2025-05-20") == day_text(date(2025, 5, 20))


@pytest.mark.parametrize("zone, instant, day", CASES)
def test_the_command_line_and_the_service_agree_on_the_day(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    zone: str,
    instant: datetime,
    day: date,
) -> None:
    _stop_clocks(monkeypatch, instant)
    monkeypatch.setenv("TRD_CDS_SERVER__TIMEZONE", zone)
    offline = _packet_day(tmp_path)
    fake = fakes.install(monkeypatch)
    settings = load_settings(None, database={"url": f"sqlite:///{tmp_path / 'trd.db'}"})
    with TestClient(create_app(settings)) as client:
        body = json.loads(TRD.read_text("utf-8"))
        response = client.post("/cds-services/trd-patient-view", json=body)
    assert response.status_code == 200, response.text
    assert fake.calls[-1].as_of == day
    assert offline == day_text(fake.calls[-1].as_of)


def test_request_shifts_dates_to_today_in_the_configured_zone(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    zone = "Pacific/Kiritimati"
    instant = datetime(2025, 6, 10, 12, 30, tzinfo=UTC)  # 11 June there
    _stop_clocks(monkeypatch, instant)
    monkeypatch.setenv("TRD_CDS_SERVER__TIMEZONE", zone)
    sent: list[dict[str, Any]] = []

    def answer(_session: Any, base_url: str, service_id: str, body: Any, **_: Any) -> Any:
        sent.append(dict(body))
        url = f"{base_url}/cds-services/{service_id}"
        return first_call.Answer(url, 200, {"cards": []}, 0.01, None)

    monkeypatch.setattr(first_call, "service_for", lambda *_: "trd-patient-view")
    monkeypatch.setattr(first_call, "call", answer)
    code = main(["request", str(TRD), "--url", "http://127.0.0.1:9", "--shift-dates-to-today"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert f"dates moved 9 days: {FIXTURES_AS_OF} is today (2025-06-11)" in out
    original = json.loads(TRD.read_text("utf-8"))["prefetch"]["patient"]["birthDate"]
    moved = date.fromisoformat(original).toordinal() + 9
    assert sent[0]["prefetch"]["patient"]["birthDate"] == date.fromordinal(moved).isoformat()


def test_request_refuses_a_bad_zone_before_sending(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TRD_CDS_SERVER__TIMEZONE", "Mars/Olympus_Mons")
    monkeypatch.setattr(
        first_call, "service_for", lambda *_: pytest.fail("sent despite a bad [server] timezone")
    )
    code = main(["request", str(TRD), "--url", "http://127.0.0.1:9", "--shift-dates-to-today"])
    assert code == 2
    assert "not a known IANA time zone" in capsys.readouterr().err
