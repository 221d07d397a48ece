"""Every deployment migrates the schema before the service starts, with the database user allowed
to create tables, while the service connects as one that may not (cds_hooks/storage/schema.py): the
Kubernetes Deployment's init container (compose's one-shot `migrate` service is checked in
test_compose.py)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from cds_hooks.cli import main
from cds_hooks.storage import schema

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy/kubernetes"


def _kind(kind: str) -> dict[str, Any]:
    for path in sorted(K8S.glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text()):
            if document.get("kind") == kind:
                return dict(document)
    raise AssertionError(f"no {kind} in {K8S}")


def _env(container: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["name"]: e for e in container["env"]}


def test_the_init_container_runs_db_upgrade_as_the_migration_user_before_the_service() -> None:
    pod = _kind("Deployment")["spec"]["template"]["spec"]
    (migrate,) = pod["initContainers"]
    (service,) = pod["containers"]
    assert migrate["command"] == ["trd-cds", "db", "upgrade"]
    assert migrate["image"] == service["image"]  # kustomize sets both
    # The same configuration file, and another database user from the same Secret.
    # (Its own /tmp besides: tests/deploy/test_metrics_dir.py.)
    assert [m for m in migrate["volumeMounts"] if m["mountPath"] != "/tmp"] == [
        m for m in service["volumeMounts"] if m["mountPath"] == "/etc/trd-cds"
    ]
    assert _env(migrate)["TRD_CDS_CONFIG"] == _env(service)["TRD_CDS_CONFIG"]
    migration = _env(migrate)["TRD_CDS_DATABASE__URL"]["valueFrom"]["secretKeyRef"]
    runtime = _env(service)["TRD_CDS_DATABASE__URL"]["valueFrom"]["secretKeyRef"]
    assert migration["name"] == runtime["name"] and migration["key"] != runtime["key"]
    secret = _kind("Secret")
    assert {migration["key"], runtime["key"]} <= set(secret["stringData"])
    # As locked down as the service itself.
    assert migrate["securityContext"] == service["securityContext"]
    assert set(migrate["resources"]) == {"requests", "limits"}


def test_the_command_the_init_container_runs_exists(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["db", "--help"])
    assert done.value.code == 0
    assert "{upgrade,current}" in capsys.readouterr().out


def test_the_migrations_ship_in_the_package() -> None:
    """The image installs the package (pip install .): every migration file must be package data
    or part of a Python package, or `trd-cds db upgrade` in the container would find none."""
    package = ROOT / "cds_hooks"
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["cds_hooks"]
    shipped = {p for pattern in patterns for p in package.glob(pattern)}
    files = [
        p for p in schema.MIGRATIONS.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    ]
    assert any(p.parent.name == "versions" for p in files)
    for path in files:
        in_a_package = path.suffix == ".py" and (path.parent / "__init__.py").is_file()
        assert in_a_package or path in shipped, path
