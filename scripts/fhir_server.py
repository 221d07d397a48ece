"""A real FHIR R4 server (sekmet-fhir, from `make fhir-server`) as a child process on loopback.

    with running_fhir_server(token="demo-...") as fhir:
        fhir.put_resources(resources)          # one transaction of PUTs: ids and references kept
        fhir.get("Condition?patient=123")      # a search page, as the EHR side sees it

What `start_fhir_server()` guarantees, for the demo and the integration tests alike:

- loopback only: sekmet binds 127.0.0.1 on a free port (its own default host is 0.0.0.0);
- a fresh data directory (a temporary one unless given), so no patient survives from an earlier
  run (sekmet keeps its SQLite database across restarts);
- the order simulator off (it would "fulfil" MedicationRequest/ServiceRequest writes by itself);
- strict R4B validation of everything loaded, and no request bodies kept in its traffic log;
- its own process group, stopped with SIGTERM then SIGKILL, and never left running: the context
  manager stops it on any exit, including KeyboardInterrupt;
- no SEKMET_* variables inherited from the caller's environment (they override the settings file).

Errors: FhirServerError (did not start, or died), FhirLoadError (a bundle or one of its entries was
refused). See ../shared/fhir/FHIR_SERVER.md for the server's measured behaviour.

The process helpers (`spawn`, `ChildProcess`, `wait_until_ready`, `stop_process_group`, ...) are
child_processes.py's: they serve scripts/cds_service.py too, one way to start, watch and stop a
loopback server. Their names stay importable from here.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from scripts.child_processes import (
    STOP_TIMEOUT_SECONDS,
    Child,
    ChildProcess,
    child_environment,
    free_port,
    loopback_session,
    spawn,
    stop_process_group,
    wait_until_ready,
)

# The names callers import from here (child_processes.py's among them).
__all__ = [
    "FHIR_JSON",
    "LOAD_TIMEOUT_SECONDS",
    "REPO_ROOT",
    "SEKMET",
    "START_TIMEOUT_SECONDS",
    "STOP_TIMEOUT_SECONDS",
    "Child",
    "ChildProcess",
    "FhirLoadError",
    "FhirServerError",
    "LocalFhirServer",
    "child_environment",
    "direct_url",
    "free_port",
    "loopback_session",
    "running_fhir_server",
    "sekmet_settings",
    "spawn",
    "start_fhir_server",
    "stop_process_group",
    "transaction_of_puts",
    "wait_until_ready",
]

REPO_ROOT = Path(__file__).resolve().parents[1]
SEKMET = REPO_ROOT / ".venv-fhir" / "bin" / "sekmet"
FHIR_JSON = "application/fhir+json"
START_TIMEOUT_SECONDS = 60.0
LOAD_TIMEOUT_SECONDS = 120.0  # a 1,000-entry Synthea bundle takes ~5 s on 2 cores


class FhirServerError(RuntimeError):
    """sekmet could not be started, or exited; the message carries the tail of its log."""


class FhirLoadError(RuntimeError):
    """The server refused a bundle, or some of its entries."""


def sekmet_settings(
    data_dir: Path, *, port: int, base_url: str, token: str | None = None
) -> dict[str, Any]:
    """sekmet's settings: loopback, a fresh data dir, simulator off, strict validation.

    `base_url` is the address sekmet writes into its `next` links and Locations (a recording proxy
    in front of it, or itself). With a `token`, sekmet requires it as a bearer token on every
    request (so a client that forgets or mangles it gets a real 401)."""
    settings: dict[str, Any] = {
        "base_url": base_url,
        "host": "127.0.0.1",
        "port": port,
        "data_dir": str(data_dir),
        "own_private_key_path": str(data_dir / "keys" / "sekmet_private.pem"),
        "simulator": {"enabled": False},
        "validation": {"inbound": "strict"},
        "max_body_log": 2000,
        "log_inbound": False,
    }
    if token is not None:
        settings["server_auth"] = {"types": ["bearer"], "tokens": [token]}
    return settings


def transaction_of_puts(resources: Sequence[Mapping[str, Any]], base_url: str) -> dict[str, Any]:
    """A transaction Bundle writing each resource with PUT Type/id: the server keeps the ids, so
    the references between the resources (and the patient id an EHR would send) stay valid."""
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": f"{base_url}/{r['resourceType']}/{r['id']}",
                "resource": r,
                "request": {"method": "PUT", "url": f"{r['resourceType']}/{r['id']}"},
            }
            for r in resources
        ],
    }


# -- the FHIR server ----------------------------------------------------------------------------


@dataclass(kw_only=True)
class LocalFhirServer(ChildProcess):
    """A running sekmet. `base_url` is where to reach it directly (http://127.0.0.1:PORT/fhir);
    `advertised_base_url` is what it writes into its links (the same unless a proxy fronts it)."""

    base_url: str
    advertised_base_url: str
    port: int
    token: str | None
    _session: requests.Session = field(default_factory=loopback_session)

    # -- requests ------------------------------------------------------------------------------
    def headers(self, **extra: str) -> dict[str, str]:
        out = {"Accept": FHIR_JSON, **extra}
        if self.token is not None:
            out["Authorization"] = f"Bearer {self.token}"
        return out

    def post_bundle(self, bundle: Mapping[str, Any] | bytes) -> dict[str, Any]:
        """POST a transaction or batch Bundle; returns the response Bundle. Raises FhirLoadError
        when the server refuses it or any entry is not 200/201."""
        data = bundle if isinstance(bundle, bytes) else json.dumps(bundle).encode()
        response = self._session.post(
            self.base_url,
            data=data,
            headers=self.headers(**{"Content-Type": FHIR_JSON, "Prefer": "return=minimal"}),
            timeout=LOAD_TIMEOUT_SECONDS,
        )
        if response.status_code != 200:
            raise FhirLoadError(
                f"the FHIR server answered {response.status_code} to a bundle: "
                f"{_outcome_text(response)}"
            )
        body: dict[str, Any] = response.json()
        refused = [
            str(e.get("response", {}).get("status", "?"))
            for e in body.get("entry", [])
            if not str(e.get("response", {}).get("status", "")).startswith(("200", "201"))
        ]
        if refused:
            raise FhirLoadError(f"{len(refused)} entries refused, e.g. {refused[:3]}")
        return body

    def put_resources(self, resources: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        """Write `resources` (each with an id) in one transaction of PUTs."""
        return self.post_bundle(transaction_of_puts(resources, self.base_url))

    def get(self, query: str) -> dict[str, Any]:
        """GET a query relative to the base ("Patient/1", "Condition?patient=1") or an absolute
        URL the server gave (a `next` link); raises requests.HTTPError on a non-2xx answer."""
        absolute = query.startswith(("http://", "https://"))
        url = (
            direct_url(query, self.advertised_base_url, self.base_url)
            if absolute
            else f"{self.base_url}/{query}"
        )
        response = self._session.get(url, headers=self.headers(), timeout=30)
        response.raise_for_status()
        body: dict[str, Any] = response.json()
        return body

    def search_all(self, query: str) -> list[dict[str, Any]]:
        """Every resource of a search, all pages (sekmet's `next` links followed)."""
        out: list[dict[str, Any]] = []
        page: dict[str, Any] | None = self.get(query)
        while page is not None:
            out.extend(e["resource"] for e in page.get("entry", []) if "resource" in e)
            nxt = [link["url"] for link in page.get("link", []) if link.get("relation") == "next"]
            page = self.get(nxt[0]) if nxt else None
        return out

    def stop(self) -> None:
        """Stop the server (its whole process group) and remove the temporary data dir."""
        self._session.close()
        super().stop()


def direct_url(url: str, advertised_base_url: str, base_url: str) -> str:
    """A link sekmet wrote (under its advertised base) mapped to its direct address, so loading
    and EHR-side reads never go through a recording proxy. Anything else is refused: a stray link
    can never send this client off the loopback server."""
    for base in (advertised_base_url.rstrip("/"), base_url.rstrip("/")):
        if url == base or url.startswith(base + "/"):
            return base_url.rstrip("/") + url[len(base) :]
    raise ValueError("refusing to follow a link outside the local FHIR server")


def start_fhir_server(
    *,
    workdir: Path | None = None,
    token: str | None = None,
    port: int | None = None,
    advertised_base_url: str | None = None,
    executable: Path = SEKMET,
    start_timeout: float = START_TIMEOUT_SECONDS,
) -> LocalFhirServer:
    """Start sekmet on 127.0.0.1 and return once GET /fhir/metadata answers 200.

    `workdir` holds settings.yaml, the data dir and sekmet.log (a temporary dir, removed at stop,
    when None; an existing `workdir/data` is refused: the server must start empty).
    `advertised_base_url` (e.g. a recording proxy's http://127.0.0.1:N/fhir) goes into sekmet's
    links; the default is its own address. The caller must call `stop()`, or use the server as a
    context manager."""
    if not executable.is_file():
        raise FhirServerError(
            f"sekmet-fhir is not installed ({executable}); run `make fhir-server`"
        )
    remove = workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="trd-cds-fhir-")) if workdir is None else workdir
    data_dir = workdir / "data"
    if data_dir.exists() and any(data_dir.iterdir()):
        raise FhirServerError(f"{data_dir} is not empty: the FHIR server must start with no data")
    port = port or free_port()
    base_url = f"http://127.0.0.1:{port}/fhir"
    config = workdir / "settings.yaml"
    # JSON is valid YAML: every value is a plain string, number, boolean or list.
    config.write_text(
        json.dumps(
            sekmet_settings(
                data_dir, port=port, base_url=advertised_base_url or base_url, token=token
            ),
            indent=2,
        ),
        encoding="utf-8",
    )
    log_path = workdir / "sekmet.log"
    server = LocalFhirServer(
        base_url=base_url,
        advertised_base_url=advertised_base_url or base_url,
        port=port,
        token=token,
        process=spawn(
            [
                str(executable),
                "serve",
                "--config",
                str(config),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            cwd=workdir,
            env=child_environment(),
            log_path=log_path,
        ),
        workdir=workdir,
        log_path=log_path,
        _remove_workdir=remove,
    )
    # /metadata is public in sekmet (CapabilityStatement), token or not.
    return wait_until_ready(
        server,
        f"{base_url}/metadata",
        name="sekmet",
        error=FhirServerError,
        timeout=start_timeout,
        headers=server.headers(),
    )


# The server is a context manager (`with start_fhir_server(...) as fhir:` stops it however the
# block ends); this name says so at the call site.
running_fhir_server = start_fhir_server


def _outcome_text(response: requests.Response) -> str:
    """The diagnostics of an OperationOutcome answer, else the start of the body."""
    with suppress(ValueError, AttributeError, TypeError):
        issues = response.json().get("issue", [])
        texts = [str(i.get("diagnostics") or i.get("details", {}).get("text", "")) for i in issues]
        if any(texts):
            return "; ".join(t for t in texts if t)[:500]
    return response.text[:500]
