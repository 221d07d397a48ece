"""Server processes under test: started alike, timed from exec to first answers, measured, stopped.

Both the service and the floor run as `python -m uvicorn <factory> --factory` with one worker,
uvloop, httptools and no access log, on a free 127.0.0.1 port. The service gets a TOML
configuration of its own pointing at a temporary SQLite database (auth off, the defaults otherwise).
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

SERVICE_FACTORY = "cds_hooks.main:app_factory"
FLOOR_FACTORY = "bench.floor_app:app_factory"
SERVICE_PATH = "/cds-services/trd-patient-view"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def write_config(directory: Path) -> Path:
    """The service's configuration for the run: a fresh SQLite file, everything else default."""
    config = directory / "bench.toml"
    database = (directory / "bench.db").as_posix()
    config.write_text(f'[database]\nurl = "sqlite:///{database}"\n', "utf-8")
    return config


@dataclass(slots=True)
class Server:
    name: str
    factory: str
    port: int
    process: subprocess.Popen[bytes]
    started: float  # perf_counter just before exec
    log: Path
    cold_start: dict[str, float] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def rss_mb(self) -> dict[str, float]:
        """VmRSS (now) and VmHWM (peak) of the worker, from /proc/<pid>/status."""
        out: dict[str, float] = {}
        status = Path(f"/proc/{self.process.pid}/status").read_text("utf-8")
        for line in status.splitlines():
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                out[name] = round(int(value.split()[0]) / 1024, 1)
        return out

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def start(name: str, factory: str, *, workdir: Path, config: Path | None) -> Server:
    port = free_port()
    env = dict(os.environ)
    env.pop("TRD_CDS_CONFIG", None)
    if config is not None:
        env["TRD_CDS_CONFIG"] = str(config)
    log = workdir / f"{name}.log"
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        factory,
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    with log.open("wb") as sink:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=Path(__file__).resolve().parents[1], env=env, stdout=sink, stderr=sink
        )
    return Server(name, factory, port, process, started, log)


def request(
    server: Server, method: str, path: str, body: bytes | None = None, timeout: float = 30.0
) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_ready(server: Server, *, timeout: float = 30.0) -> float:
    """Seconds from exec to the first 200 on GET /cds-services (polled every 5 ms)."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited: see {server.log}")
        try:
            status, _ = request(server, "GET", "/cds-services", timeout=2.0)
            if status == 200:
                return time.perf_counter() - server.started
        except OSError:
            pass
        time.sleep(0.005)
    raise RuntimeError(f"{server.name} did not answer within {timeout} s: see {server.log}")


def start_and_time(
    name: str, factory: str, *, workdir: Path, config: Path | None, first_body: bytes
) -> Server:
    """Start a server and record its cold start: exec to the first 200 on discovery, and exec to
    the first 200 on a hook call (the first call pays every lazy initialisation left)."""
    server = start(name, factory, workdir=workdir, config=config)
    ready = wait_ready(server)
    status, _ = request(server, "POST", SERVICE_PATH, first_body)
    first_hook = time.perf_counter() - server.started
    if status != 200:
        raise RuntimeError(f"{name}: first hook call answered {status}: see {server.log}")
    server.cold_start = {"discovery_s": round(ready, 3), "first_hook_s": round(first_hook, 3)}
    return server
