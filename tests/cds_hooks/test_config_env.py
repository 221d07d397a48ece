"""Configuration from the environment and secret files as well as TOML (cds_hooks/config/config_layers.py):
precedence (environment over secret files over the file over defaults), key-by-key merging,
unknown keys refused wherever they come from, relative paths, and where each value came from."""

from __future__ import annotations

from pathlib import Path

import pytest

from cds_hooks.config.settings import ConfigError, load_settings

FILE = """
[server]
port = 9000
public_url = "https://file.example.org"

[database]
url = "sqlite:///from-file.db"

[logging]
level = "WARNING"
"""


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "etc" / "config.toml"
    path.parent.mkdir()
    path.write_text(FILE)
    return path


@pytest.fixture(autouse=True)
def _no_ambient_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Each test sets exactly the variables it is about (and no /run/secrets of the machine)."""
    import os

    for name in list(os.environ):
        if name.upper().startswith("TRD_CDS_"):
            monkeypatch.delenv(name)
    empty = tmp_path / "no-secrets"
    empty.mkdir()
    monkeypatch.setenv("TRD_CDS_SECRETS_DIR", str(empty))


def test_a_variable_overrides_one_key_of_the_file_and_the_others_stay(
    config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRD_CDS_DATABASE__URL", "postgresql+psycopg://trd:pw@db:5432/trd")
    monkeypatch.setenv("trd_cds_server__public_url", "https://env.example.org/")  # any case
    settings = load_settings(config_file)
    assert settings.database.url == "postgresql+psycopg://trd:pw@db:5432/trd"
    assert settings.server.public_url == "https://env.example.org"  # validators still run
    assert settings.server.port == 9000  # the file's, untouched
    assert settings.logging.level == "WARNING"
    assert settings.source.file == config_file.resolve()
    assert settings.source.environment == ("database.url", "server.public_url")


def test_without_a_file_variables_override_the_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRD_CDS_AUTH__CLOCK_SKEW_SECONDS", "30")
    monkeypatch.setenv("TRD_CDS_SERVER__CORS_ORIGINS", '["https://ehr.example.org"]')
    monkeypatch.setenv("TRD_CDS_POLICY__SNOOZE_DAYS", "30")
    settings = load_settings(None)
    assert settings.auth.clock_skew_seconds == 30
    assert settings.server.cors_origins == ("https://ehr.example.org",)
    assert settings.clinical_policy().snooze_days == 30
    assert settings.server.port == 8080  # default
    assert settings.source.file is None and settings.source.describe() == "embedded defaults"


def test_secret_files_override_the_file_and_variables_override_secret_files(
    config_file: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    secrets = tmp_path / "run-secrets"
    secrets.mkdir()
    # As Docker and Kubernetes write them: one file per key, often with a trailing newline.
    (secrets / "trd_cds_database__url").write_text("postgresql+psycopg://trd:s3cret@db/trd\n")
    (secrets / "TRD_CDS_LOGGING__LEVEL").write_text("ERROR")
    (secrets / "another_apps_password").write_text("not ours")
    monkeypatch.setenv("TRD_CDS_SECRETS_DIR", str(secrets))
    settings = load_settings(config_file)
    assert settings.database.url == "postgresql+psycopg://trd:s3cret@db/trd"
    assert settings.logging.level == "ERROR"
    assert settings.source.secret_files == ("database.url", "logging.level")
    assert settings.source.environment == ()

    monkeypatch.setenv("TRD_CDS_LOGGING__LEVEL", "DEBUG")
    assert load_settings(config_file).logging.level == "DEBUG"


def test_keyword_overrides_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRD_CDS_DATABASE__URL", "sqlite:///env.db")
    assert load_settings(None, database={"url": "sqlite:///kw.db"}).database.url == (
        "sqlite:///kw.db"
    )


@pytest.mark.parametrize(
    "name, value, message",
    [
        (
            "TRD_CDS_DATABASE__URLL",
            "x",
            r"database\.urll \(environment variable TRD_CDS_DATABASE__URLL\)",
        ),
        (
            "TRD_CDS_DATABSE__URL",
            "x",
            r"TRD_CDS_DATABSE__URL names no setting: 'databse' is not a table",
        ),
        ("TRD_CDS_DATABASE_URL", "x", r"double underscore \(TRD_CDS_DATABASE__URL\)"),
        (
            "TRD_CDS_SERVER__PORT",
            "eighty",
            r"server\.port \(environment variable TRD_CDS_SERVER__PORT\)",
        ),
        (
            "TRD_CDS_SERVER__CORS_ORIGINS",
            "https://a.example",
            r"^environment variable TRD_CDS_SERVER__CORS_ORIGINS sets server\.cors_origins: got "
            r"'https://a\.example'; expected a list written as JSON, e\.g\. "
            r"'\[\"https://ehr\.example\.org\"\]'$",
        ),
        ("TRD_CDS_AUTH__ALGORITHMS", '["HS256"]', r"auth\.algorithms .*not allowed"),
    ],
)
def test_unknown_or_invalid_keys_from_the_environment_are_refused_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=message):
        load_settings(None)


def test_an_unknown_secret_file_is_refused_naming_the_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    secrets = tmp_path / "s"
    secrets.mkdir()
    (secrets / "trd_cds_database__ulr").write_text("x")
    monkeypatch.setenv("TRD_CDS_SECRETS_DIR", str(secrets))
    with pytest.raises(ConfigError, match="secret file .*trd_cds_database__ulr"):
        load_settings(None)


def test_a_named_secrets_dir_must_exist(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TRD_CDS_SECRETS_DIR", str(tmp_path / "missing"))
    with pytest.raises(ConfigError, match="TRD_CDS_SECRETS_DIR"):
        load_settings(None)


def test_variables_that_are_not_settings_are_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRD_CDS_BIND", "0.0.0.0:8080")
    monkeypatch.setenv("TRD_CDS_TEST_POSTGRES_URL", "postgresql://x")
    settings = load_settings(None)
    assert settings.source.environment == ()


def test_an_unknown_key_in_the_file_is_still_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[database]\nurll = "x"\n')
    with pytest.raises(ConfigError, match=rf"database\.urll \(in {path}\)"):
        load_settings(path)


def test_relative_jwks_file_is_resolved_against_the_files_folder_or_the_working_directory(
    config_file: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    issuer = '[[auth.issuers]]\niss = "https://ehr.example.org"\njwks_file = "keys/jwks.json"\n'
    config_file.write_text(FILE + issuer)
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    from_file = load_settings(config_file).auth.issuers[0].jwks_file
    assert from_file == str(config_file.parent / "keys" / "jwks.json")

    monkeypatch.setenv(
        "TRD_CDS_AUTH__ISSUERS", '[{"iss": "https://ehr.example.org", "jwks_file": "k.json"}]'
    )
    settings = load_settings(config_file)
    assert settings.auth.issuers[0].jwks_file == "k.json"  # left relative: to base_dir, the cwd
    assert settings.base_dir == elsewhere


# --- review RI finding 7: each refusal names the key, what was given and what is expected --------


@pytest.mark.parametrize(
    "name, value, message",
    [
        (
            "TRD_CDS_POLICY__TMS_CARD_WHEN_PAYER_CRITERIA_UNMET",
            "sometimes",
            "invalid configuration at policy.tms_card_when_payer_criteria_unmet (environment "
            "variable TRD_CDS_POLICY__TMS_CARD_WHEN_PAYER_CRITERIA_UNMET): got 'sometimes'; "
            'expected true, false or "patient-view"',
        ),
        (
            "TRD_CDS_SERVER__TIMEZONE",
            "Mars/Olympus",
            "invalid configuration at server.timezone (environment variable "
            "TRD_CDS_SERVER__TIMEZONE): timezone 'Mars/Olympus' is not a known IANA time zone "
            "(e.g. 'America/New_York', 'Europe/London', 'UTC')",
        ),
        (
            "TRD_CDS_POLICY__PAYER_CRITERIA",
            "l99999",
            "invalid configuration at policy.payer_criteria (environment variable "
            "TRD_CDS_POLICY__PAYER_CRITERIA): payer_criteria 'l99999' is not a known rule set",
        ),
        (
            "TRD_CDS_SERVER__PORT",
            "eighty",
            "invalid configuration at server.port (environment variable TRD_CDS_SERVER__PORT): "
            "got 'eighty'; expected a valid integer",
        ),
        (
            "TRD_CDS_SERVER",
            "port=1",
            "environment variable TRD_CDS_SERVER sets server: expected a table written as JSON",
        ),
    ],
)
def test_a_refused_value_is_said_with_the_variable_the_value_and_what_is_expected(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as refused:
        load_settings(None)
    assert str(refused.value).startswith(message)
    assert "Value error" not in str(refused.value)


def test_a_bad_key_in_the_file_names_the_accepted_values(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[policy]\ntms_card_when_payer_criteria_unmet = "sometimes"\n')
    with pytest.raises(ConfigError) as refused:
        load_settings(path)
    assert str(refused.value) == (
        f"invalid configuration at policy.tms_card_when_payer_criteria_unmet (in {path}): "
        "got 'sometimes'; expected true, false or \"patient-view\""
    )


def test_a_refused_value_that_may_be_a_secret_is_not_repeated(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TRD_CDS_DATABASE", "postgresql://trd:pw-secret@db/trd")
    with pytest.raises(ConfigError) as refused:
        load_settings(None)
    assert "pw-secret" not in str(refused.value)
    assert "TRD_CDS_DATABASE sets database: expected a table written as JSON" in str(refused.value)
    secrets = tmp_path / "s"
    secrets.mkdir()
    (secrets / "trd_cds_server__cors_origins").write_text("https://secret-origin\n")
    monkeypatch.delenv("TRD_CDS_DATABASE")
    monkeypatch.setenv("TRD_CDS_SECRETS_DIR", str(secrets))
    with pytest.raises(ConfigError) as from_file:
        load_settings(None)
    assert f"secret file {secrets}/trd_cds_server__cors_origins sets server.cors_origins" in str(
        from_file.value
    )
    assert "secret-origin" not in str(from_file.value)
