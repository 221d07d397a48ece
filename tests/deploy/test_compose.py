"""The deployment files hold together: docker-compose.yml, the Dockerfile, .dockerignore, gunicorn's
settings and the TOML configurations they name. Docker cannot run here, so these read the files the
way compose and docker would and check what each one promises the others."""

from __future__ import annotations

import fnmatch
import re
import runpy
import tomllib
import typing
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from pydantic import BaseModel
from sqlalchemy.engine.url import make_url

from cds_hooks.config.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) pairs, continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text()
    text = re.sub(r"\\\n\s*", " ", text)
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, args = line.partition(" ")
        out.append((instruction.upper(), args.strip()))
    return out


def _instructions(dockerfile: list[tuple[str, str]], name: str) -> list[str]:
    return [args for instruction, args in dockerfile if instruction == name]


def _mounted_config(service: dict[str, Any]) -> tuple[Path, str]:
    target = service["environment"]["TRD_CDS_CONFIG"]
    for volume in service["volumes"]:
        source, mount, *_mode = volume.split(":")
        if mount == target:
            return ROOT / source, target
    raise AssertionError(f"nothing is mounted at TRD_CDS_CONFIG={target}")


# --- docker-compose.yml ----------------------------------------------------------------------------


def test_compose_names_the_services(compose: dict[str, Any]) -> None:
    assert set(compose["services"]) == {"cds", "migrate", "fhir", "db"}
    assert compose["services"]["fhir"]["image"].startswith("hapiproject/hapi:")
    assert compose["services"]["db"]["image"].startswith("postgres:")
    assert compose["services"]["cds"]["build"] == {"context": ".", "dockerfile": "Dockerfile"}
    assert (ROOT / compose["services"]["cds"]["build"]["dockerfile"]).is_file()


def test_compose_ports(compose: dict[str, Any]) -> None:
    services = compose["services"]
    # Published on the host's loopback only (no production auth in the sandbox).
    assert services["cds"]["ports"] == ["127.0.0.1:8080:8080"]
    assert services["fhir"]["ports"] == ["127.0.0.1:8090:8080"]
    assert "ports" not in services["db"]  # PostgreSQL stays on the compose network


def test_compose_healthchecks_and_start_order(compose: dict[str, Any]) -> None:
    cds, db = compose["services"]["cds"], compose["services"]["db"]
    probe = " ".join(cds["healthcheck"]["test"])
    assert cds["healthcheck"]["test"][0] == "CMD"
    assert "http://127.0.0.1:8080/readyz" in probe  # as the Dockerfile's HEALTHCHECK
    assert db["healthcheck"]["test"] == ["CMD-SHELL", "pg_isready -U trd -d trd"]
    assert cds["depends_on"]["db"] == {"condition": "service_healthy"}
    assert cds["depends_on"]["fhir"] == {"condition": "service_started"}


def test_compose_migrates_the_schema_before_the_service_starts(compose: dict[str, Any]) -> None:
    """The service never creates tables on PostgreSQL (it refuses to start on an old schema), so
    a one-shot `trd-cds db upgrade` from the same image and configuration runs first."""
    services = compose["services"]
    cds, migrate = services["cds"], services["migrate"]
    assert cds["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert migrate["command"] == ["trd-cds", "db", "upgrade"]
    assert (migrate["build"], migrate["image"]) == (cds["build"], cds["image"])
    assert _mounted_config(migrate) == _mounted_config(cds)
    assert migrate["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert migrate["restart"] == "no"


def test_compose_mounts_a_config_that_loads_and_matches_the_other_services(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    source, target = _mounted_config(services["cds"])
    assert source.is_file(), source
    settings = load_settings(source)

    # The database URL names the db service with its own credentials.
    db_env = services["db"]["environment"]
    url = make_url(settings.database.url)
    assert (url.drivername, url.host, url.port) == ("postgresql+psycopg", "db", 5432)
    assert (url.username, url.password, url.database) == (
        db_env["POSTGRES_USER"],
        db_env["POSTGRES_PASSWORD"],
        db_env["POSTGRES_DB"],
    )
    # Auth is on, replay protection is shared, and fetches may go to the compose HAPI only.
    assert settings.auth.required is True
    assert settings.replay_store == "database" and settings.timeline_store == "database"
    (issuer,) = settings.auth.issuers
    assert issuer.iss == "https://sandbox.cds-hooks.org"
    assert issuer.jwks_url == "https://sandbox.cds-hooks.org/.well-known/jwks.json"
    fhir_container_port = services["fhir"]["ports"][0].split(":")[-1]
    assert issuer.fhir_servers == (f"http://fhir:{fhir_container_port}/fhir",)
    # The JWT audience is the URL the browser calls: the published host port.
    host_port = services["cds"]["ports"][0].split(":")[-2]
    assert settings.server.public_url == f"http://localhost:{host_port}"
    assert services["cds"]["environment"]["TRD_CDS_BIND"].endswith(":8080")


def test_the_compose_config_is_the_one_the_image_expects(
    compose: dict[str, Any], dockerfile: list[tuple[str, str]]
) -> None:
    env = " ".join(_instructions(dockerfile, "ENV"))
    _source, target = _mounted_config(compose["services"]["cds"])
    assert f"TRD_CDS_CONFIG={target}" in env


# --- Dockerfile ----------------------------------------------------------------------------------


def test_dockerfile_base_user_healthcheck_and_command(dockerfile: list[tuple[str, str]]) -> None:
    (base,) = _instructions(dockerfile, "FROM")
    assert re.fullmatch(r"python:3\.11-slim@sha256:[0-9a-f]{64}", base), base  # test_container.py
    (user,) = _instructions(dockerfile, "USER")
    assert user.split(":")[0] not in ("root", "0")
    runs = _instructions(dockerfile, "RUN")
    assert any("pip install --require-hashes --no-deps -r requirements.lock" in r for r in runs)
    assert any("pip install --no-deps --no-build-isolation ." in r for r in runs)
    (health,) = _instructions(dockerfile, "HEALTHCHECK")
    assert "http://127.0.0.1:8080/readyz" in health
    assert _instructions(dockerfile, "EXPOSE") == ["8080"]
    (cmd,) = _instructions(dockerfile, "CMD")
    assert __import__("json").loads(cmd) == [
        "gunicorn",
        "--config",
        "/app/gunicorn.conf.py",
        "cds_hooks.main:app_factory()",
    ]


def test_dockerfile_copies_what_exists_and_dockerignore_keeps_it(
    dockerfile: list[tuple[str, str]],
) -> None:
    ignored = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    sources: list[str] = []
    for args in _instructions(dockerfile, "COPY"):
        parts = [p for p in args.split() if not p.startswith("--")]
        sources.extend(parts[:-1])
    assert set(sources) >= {
        "pyproject.toml",
        "requirements.lock",
        "LICENSE",
        "cds_hooks",
        "fhir_mapping",
        "services",
    }
    readme = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"].get("readme")
    if readme:  # setuptools reads it while building the wheel
        assert readme in sources
    for source in sources:
        assert (ROOT / source).exists(), f"COPY {source}: missing from the repository"
        assert not any(fnmatch.fnmatch(source, pattern) for pattern in ignored), source
    for heavy in (".venv", ".git", "var", "tests"):
        assert heavy in ignored


def test_the_image_command_resolves_to_the_app_factory() -> None:
    from cds_hooks import main

    assert callable(main.app_factory)


# --- gunicorn settings -----------------------------------------------------------------------------


def test_gunicorn_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRD_CDS_BIND", "0.0.0.0:9000")
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    conf = runpy.run_path(str(ROOT / "deploy/gunicorn.conf.py"))
    assert conf["bind"] == "0.0.0.0:9000"
    assert conf["workers"] == 3
    assert conf["worker_class"] in ("uvicorn_worker.UvicornWorker", "uvicorn.workers.UvicornWorker")
    assert conf["preload_app"] is False
    assert conf["accesslog"] is None
    monkeypatch.delenv("WEB_CONCURRENCY")
    assert runpy.run_path(str(ROOT / "deploy/gunicorn.conf.py"))["workers"] == 1


# --- the example configuration -------------------------------------------------------------------


def _leaf_keys(model: type[BaseModel], prefix: str = "") -> set[str]:
    keys: set[str] = set()
    for name, field in model.model_fields.items():
        if name == "base_dir":  # derived from the file's location, not a key
            continue
        nested = [
            c
            for c in (field.annotation, *typing.get_args(field.annotation))
            if isinstance(c, type) and issubclass(c, BaseModel)
        ]
        for arg in typing.get_args(field.annotation):  # tuple[IssuerSettings, ...]
            nested += [
                c for c in typing.get_args(arg) if isinstance(c, type) and issubclass(c, BaseModel)
            ]
        if nested:
            keys |= _leaf_keys(nested[0], f"{prefix}{name}.")
        else:
            keys.add(prefix + name)
    return keys


def _toml_keys(table: Any, prefix: str = "") -> set[str]:
    keys: set[str] = set()
    items = table.items() if isinstance(table, dict) else []
    for name, value in items:
        if isinstance(value, dict):
            keys |= _toml_keys(value, f"{prefix}{name}.")
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for entry in value:
                keys |= _toml_keys(entry, f"{prefix}{name}.")
        else:
            keys.add(prefix + name)
    return keys


def test_config_example_sets_every_key_and_loads() -> None:
    """Every protocol key is in the example ([policy] is the clinic's table, documented with the
    services; its keys in the example must still be real ones, which loading checks)."""
    path = ROOT / "deploy/config.example.toml"
    text = path.read_text()
    expected = {k for k in _leaf_keys(Settings) if not k.startswith("policy.")}
    # jwks_file is the commented alternative to jwks_url (an issuer takes one or the other).
    present = _toml_keys(tomllib.loads(text)) | {"auth.issuers.jwks_file"}
    assert "# jwks_file = " in text
    assert sorted(expected - present) == []
    assert sorted(k for k in present - expected if not k.startswith("policy.")) == []
    settings = load_settings(path)
    assert settings.auth.required is True
    assert settings.replay_store == "database" and settings.timeline_store == "database"
    assert all(i.iss != "https://sandbox.cds-hooks.org" for i in settings.auth.issuers)
    assert all(urlsplit(i.jwks_url or "").scheme == "https" for i in settings.auth.issuers)


def test_every_key_of_the_example_has_a_comment_before_its_table() -> None:
    lines = (ROOT / "deploy/config.example.toml").read_text().splitlines()
    for i, line in enumerate(lines):
        if line.startswith("["):
            assert lines[i + 1].startswith("#") or lines[i - 1].startswith("#"), line


def test_the_example_names_every_status_that_is_retried() -> None:
    """Review 19 R2 M6: the comment said 502/503/504 while 429 is retried too (after its
    Retry-After), so an operator reading it could not explain a slow 412 on a rate limit."""
    from cds_hooks.fhir_data.fhir_source import RETRY_STATUSES

    lines = (ROOT / "deploy/config.example.toml").read_text().splitlines()
    at = lines.index("retries = 2")
    comment = " ".join(line for line in lines[at - 4 : at] if line.startswith("#"))
    assert set(re.findall(r"\b[45]\d\d\b", comment)) == {str(s) for s in RETRY_STATUSES}
    assert "Retry-After" in comment
