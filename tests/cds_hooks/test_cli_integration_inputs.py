"""What an integration engineer is told about inputs the command line and the service cannot use
(review s26 RX, findings 1-9): each refusal names the problem, the same way offline and over HTTP.

Charts: tests/services/cli_input_charts/ (a patient-view request, every prefetch key, whose
medicationRequests key holds the EHR's OperationOutcome `forbidden`, as an Epic prefetch does when
the user lacks access).
"""

from __future__ import annotations

import io
import json
import logging
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from annotated_types import Ge
from fastapi.testclient import TestClient

from cds_hooks.cli import main
from cds_hooks.config.settings import ConfigError, Settings, load_settings
from cds_hooks.first_call import FirstCallError, load_request
from tests.services import chart_files

REPO = Path(__file__).resolve().parents[2]
CHARTS = REPO / "tests" / "services" / "cli_input_charts"
BUNDLE = REPO / "tests" / "fixtures" / "patients" / "trd_meets_tms.json"
REQUEST = REPO / "tests" / "fixtures" / "patients" / "trd_meets_tms.request.json"
_load = chart_files.loader(CHARTS)

# A file whose byte 107 is 0x81 (a Windows-1252 byte, never valid in UTF-8 on its own).
NOT_UTF8 = b'{"a": "' + b"x" * 100 + b'\x81"}'


def _write(tmp_path: Path, data: Any, name: str = "input.json") -> Path:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else json.dumps(data).encode())
    return path


def _refusal(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    """The one stderr line of a refused `trd-cds evaluate` (exit 2, nothing on stdout)."""
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and captured.err.startswith("trd-cds: error: ")
    return captured.err.removeprefix("trd-cds: error: ").rstrip("\n")


# -- finding 3: a Bundle run as an order hook ---------------------------------------------------------


@pytest.mark.parametrize(
    "hook, needed",
    [
        ("order-sign", "context.draftOrders"),
        ("order-select", "context.selections and context.draftOrders"),
    ],
)
def test_a_bundle_run_as_an_order_hook_is_refused_naming_the_draft_orders(
    capsys: pytest.CaptureFixture[str], hook: str, needed: str
) -> None:
    # It printed {"cards": []} and exit 0: read as "nothing to act on" though no order was seen.
    said = _refusal(capsys, ["evaluate", str(BUNDLE), "--as-of", "2025-06-02", "--hook", hook])
    assert said.startswith(f"{hook} needs {needed}; a Bundle has none: send a CDS Hooks request")


def test_the_same_bundle_still_runs_as_patient_view(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(BUNDLE), "--as-of", "2025-06-02", "--hook", "patient-view"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert "tms-referral" in captured.out


# -- finding 2: an OperationOutcome under a required key ----------------------------------------------


def test_an_operation_outcome_under_a_required_key_is_named_with_why_offline_and_over_http(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], client: TestClient
) -> None:
    capsys.readouterr()  # the service's start-up lines
    doc = _load("medication_requests_forbidden_outcome")
    said = _refusal(capsys, ["evaluate", str(_write(tmp_path, doc)), "--as-of", "2026-12-01"])
    # It said "lacks required prefetch keys: medicationRequests", the key being there.
    assert "lacks" not in said
    why = "the EHR's prefetch search failed (OperationOutcome: forbidden)"
    assert said.startswith(f"required prefetch data could not be had: medicationRequests ({why}")
    # The service's 412 gives the same reason for the same key (Gathered.required_missing).
    response = client.post("/cds-services/trd-patient-view", json=doc)
    assert response.status_code == 412
    missing = response.json()["details"]["missing"]
    assert list(missing) == ["medicationRequests"]
    assert missing["medicationRequests"].startswith(why)


# -- finding 1: a file that is not UTF-8 ----------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, said",
    [
        (NOT_UTF8, "is not valid UTF-8 at byte 107 (0x81)"),
        (
            b"\x7fELF\x02\x01\x01\x00" + bytes(range(128, 256)),
            "is not valid UTF-8 at byte 8 (0x80)",
        ),
        (
            '{"hook": "patient-view"}'.encode("utf-16"),
            "is not valid UTF-8 at byte 0 (0xff): it starts with a UTF-16 byte-order mark",
        ),
    ],
)
def test_a_file_that_is_not_utf8_is_named_with_its_first_bad_byte(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], raw: bytes, said: str
) -> None:
    path = _write(tmp_path, raw)
    # It said "str is not valid UTF-8: surrogates not allowed at position 0" for every file.
    refusal = _refusal(capsys, ["evaluate", str(path)])
    assert refusal.startswith(f"{path} {said}")
    assert "surrogates" not in refusal
    with pytest.raises(FirstCallError) as caught:  # `trd-cds request` reads it the same way
        load_request(path)
    assert str(caught.value).startswith(f"{path} {said}")


def test_the_service_names_the_same_byte(client: TestClient) -> None:
    response = client.post(
        "/cds-services/trd-patient-view",
        content=NOT_UTF8,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["message"] == "request body is not valid UTF-8 at byte 107 (0x81)"


# -- finding 4: `evaluate -` ----------------------------------------------------------------------------


def test_a_dash_reads_standard_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["evaluate", str(REQUEST), "--as-of", "2025-06-02"]) == 0
    from_file = capsys.readouterr().out
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(REQUEST.read_bytes())))
    # It said "cannot read -: No such file or directory".
    assert main(["evaluate", "-", "--as-of", "2025-06-02"]) == 0
    from_stdin = capsys.readouterr().out
    uuid = re.compile(r'"uuid": "[^"]+"')
    assert uuid.sub("", from_stdin) == uuid.sub("", from_file)
    assert '"summary"' in from_stdin  # the chart has cards to compare


def test_bad_standard_input_is_named_as_such(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(NOT_UTF8)))
    said = _refusal(capsys, ["evaluate", "-"])
    assert said == "standard input is not valid UTF-8 at byte 107 (0x81)"


# -- finding 5: a misspelt resourceType -------------------------------------------------------------------


@pytest.mark.parametrize(
    "document, found",
    [
        ({"resourceType": "Bundel", "entry": []}, "(resourceType 'Bundel', no context)"),
        # Not a type name (it could be anything the caller wrote): not repeated.
        (
            {"resourceType": "Smith, John 1970-01-01"},
            "(a resourceType that is not a FHIR type name, no context)",
        ),
        ({"entry": []}, "(no resourceType, no context)"),
    ],
)
def test_a_file_that_is_neither_names_what_it_holds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], document: dict[str, Any], found: str
) -> None:
    said = _refusal(capsys, ["evaluate", str(_write(tmp_path, document))])
    assert said == f"the file is neither a FHIR Bundle nor a CDS Hooks request {found}"


# -- finding 6: a list setting given as a plain string ------------------------------------------------


def test_a_list_setting_given_as_a_json_string_asks_for_a_json_list(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TRD_CDS_SERVER__FRAME_ANCESTORS", '"https://ehr.example.org"')
    with pytest.raises(ConfigError) as caught:
        load_settings(None)
    message = str(caught.value)
    # It said "expected a valid tuple".
    assert "tuple" not in message
    assert message.endswith(
        "got 'https://ehr.example.org'; expected a JSON list, e.g. '[\"https://ehr.example.org\"]'"
    )
    monkeypatch.delenv("TRD_CDS_SERVER__FRAME_ANCESTORS")
    config = tmp_path / "site.toml"
    config.write_text('[server]\nframe_ancestors = "https://ehr.example.org"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(str(config))
    assert str(caught.value).endswith('expected a list, e.g. ["https://ehr.example.org"]')


# -- findings 7 and 9: the byte limits as documented --------------------------------------------------


def _minimum(section: str, key: str) -> int:
    section_model = Settings.model_fields[section].annotation
    assert isinstance(section_model, type)
    (ge,) = [m.ge for m in section_model.model_fields[key].metadata if isinstance(m, Ge)]
    return int(ge)


@pytest.mark.parametrize(
    "section, key",
    [("server", "max_body_bytes"), ("fhir", "max_response_bytes"), ("fhir", "max_call_bytes")],
)
def test_the_byte_limits_minimum_is_documented(section: str, key: str) -> None:
    least = f"at least {_minimum(section, key)}"
    readme = (REPO / "README.md").read_text("utf-8")
    (row,) = [line for line in readme.splitlines() if line.startswith(f"| `[{section}]` |")]
    described = row.split(f"`{key}` (", 1)[1].split(")", 1)[0]
    assert least in described, described
    example = (REPO / "deploy" / "config.example.toml").read_text("utf-8").splitlines()
    at = next(i for i, line in enumerate(example) if line.startswith(f"{key} = "))
    comment = []  # the comment lines right above the key
    for line in reversed(example[:at]):
        if not line.startswith("#"):
            break
        comment.append(line)
    assert least in " ".join(comment).lower(), comment


def test_the_readme_says_the_body_cap_is_the_services_only() -> None:
    readme = " ".join((REPO / "README.md").read_text("utf-8").split())
    assert "the 16 MiB `[server] max_body_bytes` cap is the service's alone" in readme


def test_offline_evaluate_reads_a_file_over_the_body_cap(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TRD_CDS_SERVER__MAX_BODY_BYTES", "1024")
    assert REQUEST.stat().st_size > 1024
    assert main(["evaluate", str(REQUEST), "--as-of", "2025-06-02"]) == 0
    assert '"summary"' in capsys.readouterr().out


# -- finding 8: a bearer token sent to a service with auth off -----------------------------------------

SECRET_TOKEN = "eyJhbGciOiJub25lIn0.e30.sent-to-auth-off-7c1d"


def test_a_bearer_token_with_auth_off_is_warned_about_once_without_the_token(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    doc = json.loads(REQUEST.read_text("utf-8"))
    plain = client.post("/cds-services/trd-patient-view", json=doc)
    assert plain.status_code == 200
    assert not [r for r in caplog.records if r.getMessage() == "auth.token_ignored"]
    headers = {"Authorization": f"Bearer {SECRET_TOKEN}"}
    for _ in range(3):
        doc["hookInstance"] = f"{doc['hookInstance'][:-1]}{_}"
        assert (
            client.post("/cds-services/trd-patient-view", json=doc, headers=headers).status_code
            == 200
        )
    said = [r for r in caplog.records if r.getMessage() == "auth.token_ignored"]
    assert len(said) == 1  # one line per process, not one per call
    assert said[0].levelno == logging.WARNING
    assert "[auth] required is false" in said[0].fields["reason"]  # type: ignore[attr-defined]
    for record in caplog.records:  # never the token, in any line
        assert SECRET_TOKEN not in record.getMessage()
        assert SECRET_TOKEN not in json.dumps(getattr(record, "fields", {}), default=str)
