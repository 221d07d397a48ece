"""Every `trd-cds` command runs whatever PROMETHEUS_MULTIPROC_DIR says (s24 review RZ, finding 1).

The image sets the variable for gunicorn's workers and only deploy/gunicorn.conf.py creates the
folder; every other command from the image (`db upgrade` in compose's `migrate` service and the
Kubernetes init container, `db current`, `evaluate`) inherits it. With the folder missing, importing
the metrics crashed them with FileNotFoundError, the schema was never migrated and the service never
started. Now: multiprocess mode only in a writable folder, else one warning line and in-process
counts (cds_hooks/observability/multiproc.py); and the one-shot containers turn the variable off.

The CLI runs in a subprocess, as in a container: the variable is read when the metrics are first
imported, which has happened long before any test in this process could set it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "tests/fixtures/patients/trd_meets_tms.request.json"
VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


def _cli(tmp_path: Path, multiproc_dir: str | None, *args: str) -> subprocess.CompletedProcess[str]:
    """`trd-cds ARGS` from this checkout, in tmp_path, with a SQLite config there."""
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "trd.db"}"\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRD_CDS_")}
    env.pop(VARIABLE, None)
    env.pop(VARIABLE.lower(), None)
    env |= {"TRD_CDS_CONFIG": str(config), "PYTHONPATH": str(ROOT)}
    if multiproc_dir is not None:
        env[VARIABLE] = multiproc_dir
    return subprocess.run(
        [sys.executable, "-m", "cds_hooks.cli", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _runs_clean(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert "FileNotFoundError" not in result.stderr


def test_db_upgrade_and_current_run_with_the_folder_missing(tmp_path: Path) -> None:
    missing = str(tmp_path / "trd-cds-metrics")
    upgrade = _cli(tmp_path, missing, "db", "upgrade")
    _runs_clean(upgrade)
    current = _cli(tmp_path, missing, "db", "current")
    _runs_clean(current)
    for result in (upgrade, current):
        warnings = [line for line in result.stderr.splitlines() if VARIABLE in line]
        assert len(warnings) == 1, result.stderr
        assert missing in warnings[0] and "no such directory" in warnings[0]
    assert not Path(missing).exists()  # nothing written in its place


def test_evaluate_runs_with_the_folder_missing(tmp_path: Path) -> None:
    result = _cli(
        tmp_path, str(tmp_path / "absent"), "evaluate", str(CHART), "--as-of", "2025-06-02"
    )
    _runs_clean(result)
    assert "TMS" in result.stdout  # the cards themselves, not just an exit code
    assert sum(VARIABLE in line for line in result.stderr.splitlines()) == 1


def test_a_file_where_the_folder_should_be_is_not_used(tmp_path: Path) -> None:
    blocker = tmp_path / "metrics"
    blocker.write_text("not a folder")
    result = _cli(tmp_path, str(blocker), "evaluate", str(CHART), "--as-of", "2025-06-02")
    _runs_clean(result)
    assert "not a directory" in result.stderr


def test_an_empty_value_turns_multiprocess_mode_off_silently(tmp_path: Path) -> None:
    """How compose and Kubernetes turn the image's variable off for a one-shot command.
    prometheus-client alone would write its files into the working directory."""
    result = _cli(tmp_path, "", "evaluate", str(CHART), "--as-of", "2025-06-02")
    _runs_clean(result)
    assert VARIABLE not in result.stderr
    assert not list(tmp_path.glob("*.db"))


def test_a_writable_folder_still_gets_the_multiprocess_files(tmp_path: Path) -> None:
    folder = tmp_path / "metrics"
    folder.mkdir()
    result = _cli(tmp_path, str(folder), "evaluate", str(CHART), "--as-of", "2025-06-02")
    _runs_clean(result)
    assert VARIABLE not in result.stderr
    assert list(folder.glob("*.db"))  # memory-mapped counts, as gunicorn's workers write them


# --- the one-shot containers --------------------------------------------------------------------


def _image_value() -> str:
    """The value the Dockerfile's ENV gives every container of the image."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    for line in text.splitlines():
        if line.strip().startswith("ENV "):
            for word in line.split():
                name, _, value = word.partition("=")
                if name == VARIABLE:
                    return value
    return ""


def _needs_nothing_of_tmp(env_value: str | None, tmp_writable: bool) -> bool:
    """The command either does not inherit the variable (empty: off) or can write under /tmp."""
    value = _image_value() if env_value is None else env_value
    if not value.strip():
        return True
    return tmp_writable and value.startswith("/tmp/")


def test_the_image_sets_the_variable_the_one_shots_must_deal_with() -> None:
    # Else the checks below pass for a reason that has nothing to do with the containers.
    assert _image_value().startswith("/tmp/")


def test_compose_migrate_service_turns_the_variable_off_or_has_a_writable_tmp() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    migrate = compose["services"]["migrate"]
    assert migrate["command"] == ["trd-cds", "db", "upgrade"]
    env = migrate.get("environment") or {}
    tmp_writable = not migrate.get("read_only") or "/tmp" in (migrate.get("tmpfs") or [])
    assert _needs_nothing_of_tmp(env.get(VARIABLE), tmp_writable)
    # Both, in fact: no warning line at each migration, and scratch space like the service's.
    assert env.get(VARIABLE) == "" and tmp_writable


def _deployment() -> dict[str, Any]:
    for document in yaml.safe_load_all((ROOT / "deploy/kubernetes/deployment.yaml").read_text()):
        if document.get("kind") == "Deployment":
            return dict(document)
    raise AssertionError("no Deployment")


def test_kubernetes_init_container_turns_the_variable_off_or_has_a_writable_tmp() -> None:
    pod = _deployment()["spec"]["template"]["spec"]
    (migrate,) = pod["initContainers"]
    assert migrate["command"] == ["trd-cds", "db", "upgrade"]
    env = {e["name"]: e.get("value") for e in migrate.get("env", [])}
    volumes = {v["name"]: v for v in pod["volumes"]}
    read_only = migrate.get("securityContext", {}).get("readOnlyRootFilesystem", False)
    tmp_writable = not read_only or any(
        m["mountPath"] == "/tmp" and not m.get("readOnly") and "emptyDir" in volumes[m["name"]]
        for m in migrate.get("volumeMounts", [])
    )
    assert _needs_nothing_of_tmp(env.get(VARIABLE), tmp_writable)
    assert env.get(VARIABLE) == "" and tmp_writable


def test_the_container_rule_rejects_what_the_old_files_had() -> None:
    """Not vacuous: the image's value inherited, with a read-only root and no /tmp mount."""
    assert not _needs_nothing_of_tmp(None, tmp_writable=False)
    assert _needs_nothing_of_tmp("", tmp_writable=False)
