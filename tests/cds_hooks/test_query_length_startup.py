"""Review 8 leftover (H5, item 2): the site's `[codes]` local codes lengthen the `observations` and
`labs` prefetch templates. One whose query string, once sent, is over `[fhir] max_query_bytes`
(default MAX_QUERY_BYTES, 1,800) stops the service at start-up with an error naming the key, its
length, the limit and the `[codes]` entries to trim; an IIS front (Epic Interconnect) would
otherwise answer every fetch of it 404.15 and every call 412.

Lengths are measured as tests/cds_hooks/test_prefetch_templates.py measures them: a 64-character
patient id, the URL prepared by `requests` as the service's FHIR client sends it.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from fastapi.testclient import TestClient

from cds_hooks.app import StartupError, create_app
from cds_hooks.cli import main
from cds_hooks.config.settings import ConfigError, load_settings
from fhir_mapping.code_systems import LOINC
from fhir_mapping.site_codes import LocalCode, SiteCodes
from services.catalog import MAX_QUERY_BYTES, overlong_templates, query_bytes, services

EPIC_BASE = "https://fhir.example-hospital.org/interconnect-prd-fhir/api/FHIR/R4/"
# An Epic lab-component OID as a site's own results carry it (illustrative: each organisation's
# OID differs, README "Site code maps").
EPIC_LAB = "urn:oid:1.2.840.114350.1.13.0.1.7.2.768282"
# A site mapping its local lab components to the labs the rules read (TSH, free T4, B12, folate,
# vitamin D, lithium, sodium, creatinine): eight entries take `labs` over 1,800 bytes.
LAB_LOINCS = ("3016-3", "3024-7", "2132-9", "2284-8", "1989-3", "14334-7", "2951-2", "2160-0")
# Flowsheet rows for the PHQ-9 total and item 9 (README's example): they fit.
SCALE_LOINCS = ("44261-6", "44260-8")


def _sent_bytes(template: str) -> int:
    """The query string's bytes as `requests` prepares the URL (test_prefetch_templates.py)."""
    query = template.replace("{{context.patientId}}", "e" * 64)
    url = requests.Request("GET", urljoin(EPIC_BASE, query)).prepare().url
    assert url is not None
    return len(urlsplit(url).query.encode("ascii"))


def _entries(loincs: tuple[str, ...]) -> list[dict[str, str]]:
    return [
        {"system": EPIC_LAB, "code": str(70001 + i), "maps_to": f"{LOINC}|{loinc}"}
        for i, loinc in enumerate(loincs)
    ]


def _codes_dict(loincs: tuple[str, ...] = LAB_LOINCS) -> dict[str, object]:
    return {"local": _entries(loincs)}


def _config(tmp_path: Path, extra: str = "", loincs: tuple[str, ...] = LAB_LOINCS) -> Path:
    """A site's configuration file with these `[[codes.local]]` entries."""
    entries = "".join(
        f'[[codes.local]]\nsystem = "{e["system"]}"\ncode = "{e["code"]}"\n'
        f'maps_to = "{e["maps_to"]}"\n\n'
        for e in _entries(loincs)
    )
    path = tmp_path / "site.toml"
    database = f'[database]\nurl = "sqlite:///{tmp_path / "trd.db"}"\n\n'
    path.write_text(database + extra + entries, "utf-8")
    return path


@pytest.fixture(autouse=True)
def _no_outside_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRD_CDS_CONFIG", raising=False)
    monkeypatch.setenv("TRD_CDS_SECRETS_DIR", str(tmp_path))  # empty: no secret files


def test_the_measure_is_the_clients_own() -> None:
    odd = SiteCodes(
        local_codes=(
            LocalCode(EPIC_LAB, "70001", LOINC, "3016-3"),
            LocalCode("urn:oid:1.2.3", "TSH ÄB", LOINC, "3016-3"),  # a space and UTF-8 bytes
            LocalCode("urn:oid:1.2.3", "a,b$c\\d", LOINC, "44261-6"),  # FHIR search escapes
        )
    )
    for codes in (SiteCodes(), odd):
        for key, template in services(codes)[0].prefetch:
            assert query_bytes(template) == _sent_bytes(template), key


def test_the_site_codes_that_overflow_labs_are_found_with_their_key_and_count() -> None:
    settings = load_settings(None, codes=_codes_dict())
    (long,) = overlong_templates(settings.site_codes())
    assert long.key == "labs" and long.local_codes == len(LAB_LOINCS)
    assert long.length == _sent_bytes(dict(services(settings.site_codes())[0].prefetch)["labs"])
    assert long.length > MAX_QUERY_BYTES
    fewer = load_settings(None, codes=_codes_dict(SCALE_LOINCS))
    assert overlong_templates(fewer.site_codes()) == ()


def test_create_app_refuses_naming_the_key_its_length_the_limit_and_codes(tmp_path: Path) -> None:
    settings = load_settings(_config(tmp_path))
    length = overlong_templates(settings.site_codes())[0].length
    with pytest.raises(ConfigError) as raised:
        create_app(settings)
    message = str(raised.value)
    assert "prefetch template 'labs'" in message
    assert f"{length:,}-byte query string" in message
    assert f"over the {MAX_QUERY_BYTES:,}-byte limit ([fhir] max_query_bytes)" in message
    assert f"trim {length - MAX_QUERY_BYTES:,} bytes from [codes]" in message
    assert f"some of the {len(LAB_LOINCS)} [[codes.local]] entries" in message
    assert "'observations'" not in message  # the scales' template still fits
    assert not (tmp_path / "trd.db").exists()  # refused before the database is opened


def test_trd_cds_serve_exits_2_with_the_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--config", str(_config(tmp_path)), "--port", "1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("trd-cds: error: prefetch template 'labs' would send a ")
    assert "[codes]" in err and "Traceback" not in err


def test_the_servers_entry_point_logs_one_config_invalid_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from cds_hooks.main import app_factory

    monkeypatch.setenv("TRD_CDS_CONFIG", str(_config(tmp_path)))
    with pytest.raises(StartupError):
        app_factory()
    (line,) = [json.loads(x) for x in capsys.readouterr().err.splitlines() if x.startswith("{")]
    assert line["event"] == "service.config_invalid" and line["level"] == "error"
    assert "prefetch template 'labs'" in line["detail"] and "[codes]" in line["detail"]


def test_a_raised_limit_starts_and_discovery_sends_the_long_template(tmp_path: Path) -> None:
    settings = load_settings(_config(tmp_path, "[fhir]\nmax_query_bytes = 4000\n\n"))
    with TestClient(create_app(settings)) as client:
        listed = client.get("/cds-services").json()["services"]
    labs = listed[0]["prefetch"]["labs"]
    assert f"{EPIC_LAB}|70008" in labs and query_bytes(labs) > MAX_QUERY_BYTES


def test_a_few_site_codes_start_as_before(tmp_path: Path) -> None:
    settings = load_settings(_config(tmp_path, loincs=SCALE_LOINCS))
    with TestClient(create_app(settings)) as client:
        assert client.get("/readyz").status_code == 200


def test_a_limit_below_the_built_in_templates_says_how_high_it_must_be(tmp_path: Path) -> None:
    # 1,650: below `observations` and `labs`, above `labsSI` (1,482 since the hCG pregnancy tests
    # joined it: review s29 RL finding 6; 1,547 with the lithium level's mass form 3719-2, labs40;
    # 1,614 with the thyroid panel 24348-5, session 35 fix lab54; 1,746 with the creatinine
    # clearance codes, session 37 renal50, now the longest), so the message ends with the
    # longest, `labsSI` (1,746) before `labs` (1,738).
    settings = load_settings(None, fhir={"max_query_bytes": 1650})
    prefetch = dict(services()[0].prefetch)
    labs = max(query_bytes(prefetch["labs"]), query_bytes(prefetch["labsSI"]))
    with pytest.raises(ConfigError, match=rf"max_query_bytes must be at least {labs:,}$"):
        settings.check_prefetch_templates()
