"""The `[codes]` configuration: a site's local codes mapped to standard ones (README,
"Site code maps"), parsed at the edge and reaching discovery and the mapping."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cds_hooks.app import create_app
from cds_hooks.config.settings import ConfigError, load_settings
from fhir_mapping.code_systems import LOINC, RXNORM
from fhir_mapping.site_codes import LocalCode, QuestionnaireLink

FLOWSHEET = "urn:oid:1.2.840.114350.1.13.0.1.7.2.707679"

SITE_TOML = f"""
[[codes.local]]
system = "{FLOWSHEET}"
code = "3049"
maps_to = "http://loinc.org|44261-6"
display = "PHQ-9 total (flowsheet row)"

[[codes.local]]
system = "{FLOWSHEET}"
code = "3048"
maps_to = "http://loinc.org|44260-8"

[[codes.local]]
system = "urn:oid:1.2.840.114350.1.13.0.1.7.2.698288"
code = "70784"
maps_to = "urn:oid:2.16.840.1.113883.6.88|312941"

[[codes.questionnaire_items]]
questionnaire = "https://forms.example.org/Questionnaire/phq9-local"
link_id = "q9"
loinc = "44260-8"
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "site.toml"
    db = tmp_path / "trd.db"
    path.write_text(f'[database]\nurl = "sqlite:///{db}"\n' + text, "utf-8")
    return path


def test_a_valid_codes_table_reaches_the_mapping_policy(tmp_path: Path) -> None:
    settings = load_settings(_write(tmp_path, SITE_TOML))
    site = settings.clinical_policy().mapping.site_codes
    assert site.local_codes[0] == LocalCode(
        FLOWSHEET, "3049", LOINC, "44261-6", "PHQ-9 total (flowsheet row)"
    )
    # The target system is normalised: the RxNorm OID reads as the RxNorm URI.
    assert site.codes[("urn:oid:1.2.840.114350.1.13.0.1.7.2.698288", "70784")] == (
        RXNORM,
        "312941",
    )
    assert site.questionnaire_links == (
        QuestionnaireLink("https://forms.example.org/Questionnaire/phq9-local", "q9", "44260-8"),
    )


def test_no_codes_table_maps_nothing(tmp_path: Path) -> None:
    assert not load_settings(_write(tmp_path, "")).clinical_policy().mapping.site_codes


@pytest.mark.parametrize(
    "entry, message",
    [
        (  # a typo in a key is refused, not silently ignored
            f'system = "{FLOWSHEET}"\ncode = "3049"\nmapto = "http://loinc.org|44261-6"',
            r"codes\.local\.0\.(mapto|maps_to)",
        ),
        (
            f'system = "{FLOWSHEET}"\ncode = "3049"\nmaps_to = "44261-6"',
            "maps_to '44261-6' must be 'system|code'",
        ),
        (
            f'system = "{FLOWSHEET}"\ncode = "3049"\nmaps_to = "http://loinc.org|"',
            "must be 'system|code'",
        ),
        (
            f'system = "{FLOWSHEET}"\ncode = "3049"\nmaps_to = "a|b|c"',
            "must be 'system|code'",
        ),
        ('system = ""\ncode = "3049"\nmaps_to = "http://loinc.org|44261-6"', "codes.local.0"),
    ],
)
def test_malformed_entries_are_refused_with_a_clear_error(
    tmp_path: Path, entry: str, message: str
) -> None:
    with pytest.raises(ConfigError, match=message) as raised:
        load_settings(_write(tmp_path, "[[codes.local]]\n" + entry + "\n"))
    assert "codes.local.0" in str(raised.value)


def test_an_unknown_key_in_the_codes_table_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"invalid configuration at codes\.flowsheets"):
        load_settings(_write(tmp_path, '[codes]\nflowsheets = ["3049"]\n'))


def test_one_local_code_mapped_to_two_targets_is_refused(tmp_path: Path) -> None:
    twice = SITE_TOML + (
        f'\n[[codes.local]]\nsystem = "{FLOWSHEET}"\ncode = "3049"\n'
        'maps_to = "http://loinc.org|89204-2"\n'
    )
    with pytest.raises(ConfigError, match="mapped twice"):
        load_settings(_write(tmp_path, twice))


def test_a_questionnaire_item_needs_a_loinc_code(tmp_path: Path) -> None:
    bad = '[[codes.questionnaire_items]]\nquestionnaire = "https://x.org/Q/1"\nlink_id = "q9"\nloinc = "item9"\n'
    with pytest.raises(ConfigError, match="not a LOINC code"):
        load_settings(_write(tmp_path, bad))


def _observation_template(client: TestClient) -> str:
    services = client.get("/cds-services").json()["services"]
    templates: set[str] = {s["prefetch"]["observations"] for s in services}
    assert len(templates) == 1  # every service asks for the same Observations
    return templates.pop()


def test_discovery_asks_for_the_sites_local_observation_codes(tmp_path: Path) -> None:
    with TestClient(create_app(load_settings(_write(tmp_path, SITE_TOML)))) as client:
        query = _observation_template(client)
    assert f"{FLOWSHEET}|3049" in query and f"{FLOWSHEET}|3048" in query
    assert "http://loinc.org|44261-6" in query  # the standard codes stay
    assert "698288|70784" not in query  # a drug code is not an Observation code


def test_discovery_without_codes_asks_for_standard_codes_only(client: TestClient) -> None:
    query = _observation_template(client)
    assert "http://loinc.org|44261-6" in query and "urn:oid:1.2.840.114350" not in query


def test_the_readme_example_loads(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    section = readme.split("### Site code maps (`[codes]`)", 1)[1]
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    site = load_settings(_write(tmp_path, example)).clinical_policy().mapping.site_codes
    assert len(site.local_codes) == 3 and len(site.questionnaire_links) == 1
