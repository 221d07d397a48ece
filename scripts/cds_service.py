"""The trd-cds service itself (`trd-cds serve`) as a child process on loopback, as an EHR meets it.

    with running_cds_service(allowed_fhir_servers=(fhir.base_url,)) as service:
        requests.get(service.base_url + "/cds-services")

It runs with a configuration written for the run (a temporary dir unless given): its own SQLite
database, auth off, the FHIR servers it may call listed exactly (no wildcard), logs at WARNING
into `service.log`. It gets its own process group and is stopped with SIGTERM then SIGKILL.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import requests

from scripts.fhir_server import (
    REPO_ROOT,
    child_environment,
    free_port,
    loopback_session,
    stop_process_group,
)

START_TIMEOUT_SECONDS = 60.0


class CdsServiceError(RuntimeError):
    """The service could not be started, or exited; the message carries the tail of its log."""


def service_command() -> list[str]:
    """`trd-cds` from the running interpreter's environment (the console script `make install`
    puts beside it), else the same CLI through `python -m cds_hooks.cli`."""
    script = Path(sys.executable).parent / "trd-cds"
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "cds_hooks.cli"]


def config_toml(
    database: Path, *, allowed_fhir_servers: Sequence[str], log_level: str = "WARNING"
) -> str:
    """The service's configuration for one run. TOML strings are written as JSON strings (the
    same escaping for the characters that can occur in a path or URL)."""
    allowed = ", ".join(json.dumps(s) for s in allowed_fhir_servers)
    return "\n".join(
        (
            "[server]",
            'host = "127.0.0.1"',
            "",
            "[auth]",
            "required = false",
            "",
            "[database]",
            f"url = {json.dumps(f'sqlite:///{database}')}",
            "",
            "[fhir]",
            f"allowed_servers = [{allowed}]",
            "",
            "[logging]",
            f"level = {json.dumps(log_level)}",
            "",
        )
    )


@dataclass
class CdsService:
    base_url: str  # http://127.0.0.1:PORT
    port: int
    process: subprocess.Popen[bytes]
    workdir: Path
    log_path: Path
    _remove_workdir: bool = False

    def log_tail(self, chars: int = 2000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        stop_process_group(self.process)
        if self._remove_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)


def start_cds_service(
    *,
    allowed_fhir_servers: Sequence[str] = (),
    workdir: Path | None = None,
    port: int | None = None,
    start_timeout: float = START_TIMEOUT_SECONDS,
) -> CdsService:
    """Start `trd-cds serve` on 127.0.0.1 and return once GET /health answers 200."""
    remove = workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="trd-cds-service-")) if workdir is None else workdir
    port = port or free_port()
    config = workdir / "trd-cds.toml"
    config.write_text(
        config_toml(workdir / "trd-cds.db", allowed_fhir_servers=allowed_fhir_servers),
        encoding="utf-8",
    )
    log_path = workdir / "service.log"
    env = child_environment()
    env.pop("TRD_CDS_CONFIG", None)  # the file given with --config is the only configuration
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [
                *service_command(),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--config",
                str(config),
            ],
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    service = CdsService(
        base_url=f"http://127.0.0.1:{port}",
        port=port,
        process=process,
        workdir=workdir,
        log_path=log_path,
        _remove_workdir=remove,
    )
    try:
        _wait_until_ready(service, start_timeout)
    except BaseException:
        service.stop()
        raise
    return service


@contextmanager
def running_cds_service(
    *,
    allowed_fhir_servers: Sequence[str] = (),
    workdir: Path | None = None,
    port: int | None = None,
    start_timeout: float = START_TIMEOUT_SECONDS,
) -> Iterator[CdsService]:
    """`start_cds_service(...)` for the block; stopped however the block ends."""
    service = start_cds_service(
        allowed_fhir_servers=allowed_fhir_servers,
        workdir=workdir,
        port=port,
        start_timeout=start_timeout,
    )
    try:
        yield service
    finally:
        service.stop()


def _wait_until_ready(service: CdsService, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    with loopback_session() as probe:
        while time.monotonic() < deadline:
            if not service.alive():
                raise CdsServiceError(
                    f"trd-cds serve exited with status {service.process.returncode} at start:\n"
                    f"{service.log_tail()}"
                )
            with suppress(requests.RequestException):
                if probe.get(f"{service.base_url}/health", timeout=2).status_code == 200:
                    return
            time.sleep(0.2)
    raise CdsServiceError(
        f"trd-cds serve did not answer GET /health within {timeout:.0f} s:\n{service.log_tail()}"
    )
