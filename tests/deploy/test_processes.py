"""Real processes on loopback: the image's gunicorn command serving the app, and the throwaway
PostgreSQL script the suite's PostgreSQL tests use."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, seconds: float, process: subprocess.Popen[bytes]) -> requests.Response:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode}")
        try:
            # The arbiter listens before the worker has built the app: reads may time out.
            return requests.get(url, timeout=5)
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer within {seconds} s")


def test_the_image_command_serves_health_and_discovery(tmp_path: Path) -> None:
    """`gunicorn --config deploy/gunicorn.conf.py 'cds_hooks.main:app_factory()'`, as the
    Dockerfile's CMD runs it, with the config named by TRD_CDS_CONFIG."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    if not gunicorn.exists():
        pytest.skip("gunicorn is not installed (the `server` extra)")
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "trd.db"}"\n')
    port = free_port()
    env = {
        **os.environ,
        "TRD_CDS_CONFIG": str(config),
        "TRD_CDS_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "PYTHONWARNINGS": "ignore::DeprecationWarning",
    }
    process = subprocess.Popen(
        [
            str(gunicorn),
            "--config",
            str(ROOT / "deploy/gunicorn.conf.py"),
            "cds_hooks.main:app_factory()",
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        health = wait_for(f"http://127.0.0.1:{port}/health", 30, process)
        assert health.status_code == 200
        from cds_hooks.observability.version import VERSION

        assert health.json() == {"status": "ok", "database": True, "version": VERSION}
        discovery = requests.get(f"http://127.0.0.1:{port}/cds-services", timeout=5)
        assert {s["hook"] for s in discovery.json()["services"]} >= {"patient-view"}
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0
    log = output.decode(errors="replace")
    assert "Booting worker" in log
    assert '"event":"service.started"' in log


def test_without_its_config_the_image_command_refuses_to_start(tmp_path: Path) -> None:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    if not gunicorn.exists():
        pytest.skip("gunicorn is not installed (the `server` extra)")
    env = {
        **os.environ,
        "TRD_CDS_CONFIG": str(tmp_path / "missing.toml"),
        "TRD_CDS_BIND": f"127.0.0.1:{free_port()}",
        "PYTHONWARNINGS": "ignore::DeprecationWarning",
    }
    result = subprocess.run(
        [
            str(gunicorn),
            "--config",
            str(ROOT / "deploy/gunicorn.conf.py"),
            "cds_hooks.main:app_factory()",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 3  # gunicorn's "worker failed to boot": it stops, no respawn loop
    assert b"config file not found" in result.stdout + result.stderr
    # One line from the service saying why, not a traceback.
    assert b'"event":"service.config_invalid"' in result.stderr
    assert b"Traceback" not in result.stdout + result.stderr


def _postgres_available() -> bool:
    if shutil.which("pg_ctl") and shutil.which("initdb"):
        return True
    return any(Path("/usr/lib/postgresql").glob("*/bin/initdb"))


@pytest.mark.skipif(not _postgres_available(), reason="PostgreSQL binaries are not installed")
def test_start_and_stop_postgres_scripts(tmp_path: Path) -> None:
    cluster = tmp_path / "pg"
    started = subprocess.run(
        ["bash", str(ROOT / "scripts/start-postgres.sh"), str(cluster)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert started.returncode == 0, started.stderr
    url = started.stdout.strip()
    assert url.startswith("postgresql+psycopg://postgres@127.0.0.1:")
    assert url.endswith("/postgres")
    try:
        engine = create_engine(url, poolclass=NullPool)
        with engine.connect() as conn:
            assert conn.execute(text("select 1")).scalar_one() == 1
            assert conn.execute(text("show listen_addresses")).scalar_one() == "127.0.0.1"
        engine.dispose()
    finally:
        stopped = subprocess.run(
            ["bash", str(ROOT / "scripts/stop-postgres.sh"), str(cluster)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert stopped.returncode == 0, stopped.stderr
    assert not cluster.exists()
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0
