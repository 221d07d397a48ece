"""The README's first call, `trd-cds request FILE --url ... --shift-dates-to-today`, against a real
server on 127.0.0.1: it returns the documented cards today, prints them readably, and its links
open. Errors say what to do."""

from __future__ import annotations

import io
import re
import socket
import threading
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
import requests
import uvicorn

from cds_hooks import first_call
from cds_hooks.app import create_app
from cds_hooks.cli import main
from cds_hooks.config.settings import load_settings
from cds_hooks.examples import FIXTURES_AS_OF

REPO = Path(__file__).resolve().parents[2]
TRD = REPO / "tests/fixtures/patients/trd_meets_tms.request.json"
REMISSION = REPO / "tests/fixtures/patients/remission.request.json"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The service on a loopback port, as `make run` serves it (in a thread)."""
    db = tmp_path_factory.mktemp("first-call") / "db.sqlite"
    app = create_app(load_settings(None, database={"url": f"sqlite:///{db}"}))
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the service did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)


def _run(*argv: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_readme_call_returns_the_documented_cards_today(
    service: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(
        "request", str(TRD), "--url", service, "--shift-dates-to-today", capsys=capsys
    )
    assert code == 0, out + err
    days = (date.today() - FIXTURES_AS_OF).days
    assert f"POST {service}/cds-services/trd-patient-view (patient-view, " in out
    assert f"dates moved {days} days: {FIXTURES_AS_OF} is today ({date.today()})" in out
    assert re.search(r"^200 in \d+\.\d\d s, request id [0-9a-f]{12}-[0-9a-f]+$", out, re.M)
    assert "2 cards:" in out
    # The README's cards (the same as `trd-cds evaluate ... --as-of 2025-06-02`), read today.
    assert re.search(
        r"^  WARNING   2 adequate trials failed \(sertraline, venlafaxine\)", out, re.M
    )
    assert re.search(r"^  INFO      .*consider TMS referral", out, re.M)
    assert "            * suggests: Refer for TMS evaluation" in out
    assert re.search(r"^            source: Medicare LCD L37086", out, re.M)  # the payer set judged
    # The PHQ-9 the chart's author dated 21 days before 2025-06-02 is 21 days before today.
    links = re.findall(rf"View treatment timeline: ({re.escape(service)}/timeline/\S+)$", out, re.M)
    assert links and len(set(links)) == 1
    page = requests.get(links[0], timeout=10)
    assert page.status_code == 200 and "<svg" in page.text


def test_without_shifting_the_chart_is_read_as_it_stands_today(
    service: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The shift is what makes the documented cards appear: unshifted, the chart is 18 months
    old and the answer differs."""
    shifted = _run(
        "request", str(TRD), "--url", service, "--shift-dates-to-today", "--json", capsys=capsys
    )
    unshifted = _run("request", str(TRD), "--url", service, "--json", capsys=capsys)
    assert shifted[0] == unshifted[0] == 0

    def topics(out: str) -> list[str]:
        return [c["source"]["topic"]["code"] for c in orjson.loads(out)["cards"]]

    assert topics(shifted[1]) == ["optimize-switch-augment", "tms-referral"]
    assert topics(unshifted[1]) != topics(shifted[1])


def test_a_chart_with_nothing_to_act_on_prints_no_cards(
    service: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _err = _run(
        "request", str(REMISSION), "--url", service, "--shift-dates-to-today", capsys=capsys
    )
    assert code == 0
    assert "0 cards:" in out and "no cards (nothing for the clinician to act on)" in out


def test_an_error_answer_prints_the_services_error_body_and_exits_1(
    service: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _err = _run(
        "request", str(TRD), "--url", service, "--service", "nope", capsys=capsys
    )
    assert code == 1
    assert re.search(r"^404 in ", out, re.M) and '"error": "unknown-service"' in out


def test_an_unreachable_service_says_so_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    port = _free_port()  # nothing listens there
    code, _out, err = _run("request", str(TRD), "--url", f"http://127.0.0.1:{port}", capsys=capsys)
    assert code == 2
    assert f"cannot reach http://127.0.0.1:{port}" in err and "make run" in err


@pytest.mark.parametrize(
    "content, message",
    [
        (b"{not json", "is not valid JSON"),
        (b'{"resourceType": "Bundle"}', "not a CDS Hooks request"),
    ],
)
def test_a_file_that_is_not_a_request_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(content)
    code, _out, err = _run("request", str(path), "--url", "http://127.0.0.1:9", capsys=capsys)
    assert code == 2 and message in err


def test_prepare_moves_every_date_and_gives_a_fresh_hook_instance() -> None:
    document: dict[str, Any] = orjson.loads(TRD.read_bytes())
    today = FIXTURES_AS_OF + timedelta(days=100)
    body, days = first_call.prepare(document, shift_from=FIXTURES_AS_OF, today=today)
    assert days == 100
    assert body["hookInstance"] != document["hookInstance"]
    patient = body["prefetch"]["patient"]
    born = date.fromisoformat(document["prefetch"]["patient"]["birthDate"])
    assert date.fromisoformat(patient["birthDate"]) == born + timedelta(days=100)
    assert patient["id"] == document["prefetch"]["patient"]["id"]  # ids are never moved
    unmoved, none = first_call.prepare(document, shift_from=None, today=today)
    assert none == 0 and unmoved["prefetch"] == document["prefetch"]


def test_the_cards_are_printed_without_colour_when_not_a_terminal(
    service: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = io.StringIO()
    code = first_call.run(TRD, base_url=service + "/cds-services/", shift_dates=True, out=out)
    assert code == 0 and "\x1b[" not in out.getvalue()


@pytest.mark.parametrize(
    "bearer, said",
    [
        (None, "the service wants a JWT (auth on): pass --bearer TOKEN"),
        ("a.b.c", "the service refused the JWT passed with --bearer"),
    ],
)
def test_a_401_says_whether_a_token_was_missing_or_refused(
    monkeypatch: pytest.MonkeyPatch, bearer: str | None, said: str
) -> None:
    """Review s21 RI finding 9: a refused token (a jti already used) was told to "pass --bearer
    TOKEN" although one was passed."""
    url = "http://127.0.0.1:9/cds-services/trd-patient-view"
    refused = first_call.Answer(url, 401, {"error": "unauthorized"}, 0.01, None)
    monkeypatch.setattr(first_call, "call", lambda *_a, **_k: refused)
    err = io.StringIO()
    code = first_call.run(
        TRD, service_id="trd-patient-view", bearer=bearer, out=io.StringIO(), err=err
    )
    assert code == 1
    assert said in err.getvalue() and url in err.getvalue()
    if bearer:
        assert "pass --bearer" not in err.getvalue() and "auth.refused" in err.getvalue()
