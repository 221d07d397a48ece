"""Every clinic value the README documents can be set from the `[policy]` table (review s21 RI
finding 2: `mapping.renewal_join_days`, `episode_recovery_months` and `relapse_phq9_at_least`
were policy in MappingPolicy and the README but refused by the config model as unknown keys)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from cds_hooks.config.settings import ConfigError, load_settings
from fhir_mapping.policy import MappingPolicy
from services.policy import Policy, PolicyConfig
from services.policy.mapping_config import _MappingPolicyConfig

README = Path(__file__).resolve().parents[2] / "README.md"
# Set by other tables: `[codes]` builds site_codes, `[server] timezone` the site_zone.
NOT_POLICY = {"site_codes", "site_zone"}


def test_every_mapping_policy_field_is_a_config_key_with_the_same_default() -> None:
    fields = {f.name: f.default for f in dataclasses.fields(MappingPolicy)}
    config = _MappingPolicyConfig.model_fields
    assert sorted(set(fields) - set(config) - NOT_POLICY) == []
    assert all(config[name].default == fields[name] for name in config)


def test_every_policy_field_is_a_config_key() -> None:
    fields = {f.name for f in dataclasses.fields(Policy)}
    assert sorted(fields - set(PolicyConfig.model_fields)) == []


def test_every_mapping_key_is_in_the_readme_policy_table() -> None:
    text = README.read_text("utf-8")
    for name in _MappingPolicyConfig.model_fields:
        assert re.search(rf"`mapping\.[a-z_ /`]*\b{name}\b", text), name


def test_the_three_keys_flow_from_toml_to_the_policy(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        "[policy.mapping]\nrenewal_join_days = 380\nepisode_recovery_months = 3\n"
        "relapse_phq9_at_least = 15\n"
    )
    mapping = load_settings(path).clinical_policy().mapping
    assert (mapping.renewal_join_days, mapping.episode_recovery_months) == (380, 3)
    assert mapping.relapse_phq9_at_least == 15


def test_an_environment_variable_sets_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRD_CDS_POLICY__MAPPING__RELAPSE_PHQ9_AT_LEAST", "12")
    assert load_settings().clinical_policy().mapping.relapse_phq9_at_least == 12


@pytest.mark.parametrize(
    "line",
    [
        "renewal_join_days = 0",
        "episode_recovery_months = 0",
        "relapse_phq9_at_least = 28",
        # A score in remission (below 5) cannot also be a relapse.
        "relapse_phq9_at_least = 4",
    ],
)
def test_out_of_range_values_are_refused_naming_the_key(tmp_path: Path, line: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(f"[policy.mapping]\n{line}\n")
    with pytest.raises(ConfigError) as raised:
        load_settings(path)
    assert "policy.mapping" in str(raised.value)
    assert line.split(" = ")[0] in str(raised.value)
