"""Starting, watching and stopping a loopback server as a child process (sekmet in
fhir_server.py, the CDS service in cds_service.py): `spawn` runs it in a session of its own with
its log in a file, `wait_until_ready` returns once it answers (and stops it if it does not),
`stop_process_group` sends SIGTERM then SIGKILL to its whole group, `ChildProcess` is a context
manager that stops it however the block ends; `child_environment`, `loopback_session` and
`free_port` keep proxies, stored credentials and SEKMET_* settings out of loopback traffic.

Apart from fhir_server.py because nothing here is about FHIR: both servers start the same way.
Importable from fhir_server.py too.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Self, TypeVar
from urllib.parse import urlsplit

import requests

STOP_TIMEOUT_SECONDS = 10.0


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
