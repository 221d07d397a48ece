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

The process helpers under "child processes" (`spawn`, `ChildProcess`, `wait_until_ready`,
`stop_process_group`, ...) serve scripts/cds_service.py too: one way to start, watch and stop a
loopback server.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self, TypeVar
from urllib.parse import urlsplit

import requests

REPO_ROOT = Path(__file__).resolve().parents[1]
SEKMET = REPO_ROOT / ".venv-fhir" / "bin" / "sekmet"
FHIR_JSON = "application/fhir+json"
START_TIMEOUT_SECONDS = 60.0
LOAD_TIMEOUT_SECONDS = 120.0  # a 1,000-entry Synthea bundle takes ~5 s on 2 cores
STOP_TIMEOUT_SECONDS = 10.0


class FhirServerError(RuntimeError):
    """sekmet could not be started, or exited; the message carries the tail of its log."""


class FhirLoadError(RuntimeError):
    """The server refused a bundle, or some of its entries."""


def loopback_session() -> requests.Session:
    """A requests Session that ignores proxy variables and .netrc: every address here is
    127.0.0.1, and a proxy or stored credentials must never see that traffic."""
    session = requests.Session()
    session.trust_env = False
    return session


def free_port() -> int:
    """A loopback port nobody listens on right now (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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


# -- child processes ---------------------------------------------------------------------------


@dataclass(kw_only=True)
class ChildProcess:
    """A loopback server started by `spawn`: its process (group), work dir and log. Used as a
    context manager, it is stopped however the block ends."""

    process: subprocess.Popen[bytes]
    workdir: Path
    log_path: Path
    _remove_workdir: bool = False  # a temporary dir made for this run, removed at stop

    def log_tail(self, chars: int = 2000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        """Stop the process group and remove the temporary work dir (safe to call twice)."""
        stop_process_group(self.process)
        if self._remove_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def spawn(
    command: Sequence[str], *, cwd: Path, env: Mapping[str, str], log_path: Path
) -> subprocess.Popen[bytes]:
    """Run `command` with no stdin, its stdout and stderr into `log_path`, in a session of its own:
    its own process group, stopped as a whole by `stop_process_group`, and a Ctrl-C in the
    terminal reaches only the caller, which then stops it in order."""
    with log_path.open("wb") as log_file:
        return subprocess.Popen(
            list(command),
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


Child = TypeVar("Child", bound=ChildProcess)


def wait_until_ready(
    child: Child,
    url: str,
    *,
    name: str,
    error: type[RuntimeError],
    timeout: float,
    headers: Mapping[str, str] | None = None,
) -> Child:
    """`child` once GET `url` answers 200; raises `error` (with the log's tail) if it exits first
    or does not answer within `timeout` seconds, and then stops it: a server that failed to
    start is never left running."""
    try:
        _poll_until_ready(child, url, name, error, timeout, headers)
    except BaseException:
        child.stop()
        raise
    return child


def _poll_until_ready(
    child: ChildProcess,
    url: str,
    name: str,
    error: type[RuntimeError],
    timeout: float,
    headers: Mapping[str, str] | None,
) -> None:
    deadline = time.monotonic() + timeout
    with loopback_session() as probe:
        while time.monotonic() < deadline:
            if not child.alive():
                raise error(
                    f"{name} exited with status {child.process.returncode} at start:\n"
                    f"{child.log_tail()}"
                )
            with suppress(requests.RequestException):
                if probe.get(url, headers=headers, timeout=2).status_code == 200:
                    return
            time.sleep(0.2)
    raise error(
        f"{name} did not answer GET {urlsplit(url).path} within {timeout:.0f} s:\n"
        f"{child.log_tail()}"
    )


def stop_process_group(
    process: subprocess.Popen[bytes], timeout: float = STOP_TIMEOUT_SECONDS
) -> None:
    """SIGTERM the process's group (it was started in a session of its own), wait, then SIGKILL.

    A stopped (SIGSTOPped) group is continued first so it can act on the SIGTERM."""
    if process.poll() is not None:
        return
    for sig in (signal.SIGCONT, signal.SIGTERM):
        with suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout)


def child_environment() -> dict[str, str]:
    """The caller's environment without SEKMET_* (which override sekmet's settings file) and
    without proxy variables (everything here is loopback; a proxy must never see it)."""
    drop = ("http_proxy", "https_proxy", "all_proxy")
    return {
        k: v for k, v in os.environ.items() if not k.startswith("SEKMET_") and k.lower() not in drop
    } | {"NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}


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
