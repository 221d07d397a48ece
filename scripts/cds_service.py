"""The trd-cds service itself (`trd-cds serve`) as a child process on loopback, as an EHR meets it.

    with running_cds_service(allowed_fhir_servers=(fhir.base_url,)) as service:
        requests.get(service.base_url + "/cds-services")

It runs with a configuration written for the run (a temporary dir unless given): its own SQLite
database, auth off, the FHIR servers it may call listed exactly (no wildcard), logs at WARNING
into `service.log`. It gets its own process group and is stopped with SIGTERM then SIGKILL.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from scripts.fhir_server import (
    REPO_ROOT,
    ChildProcess,
    child_environment,
    free_port,
    spawn,
    wait_until_ready,
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


@dataclass(kw_only=True)
class CdsService(ChildProcess):
    """A running `trd-cds serve`, reached at `base_url`."""

    base_url: str  # http://127.0.0.1:PORT
    port: int


def start_cds_service(
    *,
    allowed_fhir_servers: Sequence[str] = (),
    workdir: Path | None = None,
    port: int | None = None,
    start_timeout: float = START_TIMEOUT_SECONDS,
) -> CdsService:
    """Start `trd-cds serve` on 127.0.0.1 and return once GET /health answers 200. The caller
    must call `stop()`, or use the service as a context manager."""
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
    service = CdsService(
        base_url=f"http://127.0.0.1:{port}",
        port=port,
        process=spawn(
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
            log_path=log_path,
        ),
        workdir=workdir,
        log_path=log_path,
        _remove_workdir=remove,
    )
    return wait_until_ready(
        service,
        f"{service.base_url}/health",
        name="trd-cds serve",
        error=CdsServiceError,
        timeout=start_timeout,
    )


# The service is a context manager (`with start_cds_service(...) as service:` stops it however
# the block ends); this name says so at the call site.
running_cds_service = start_cds_service
