"""A small harness around headless Chromium: find it, load a URL, read the rendered DOM, take a
screenshot, serve pages from loopback.

Chromium runs as a subprocess (no driver, no extra dependency), with everything that would talk to
the network on its own switched off, in a throw-away profile, and bounded by a timeout after which
its whole process group is killed. Install it with scripts/install-chromium.sh (Debian package).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser")

# Headless, no GPU, no sandbox (containers run as root), and no traffic of the browser's own:
# no QUIC, first-run, component updates, sync or background networking.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--enable-logging=stderr",
    "--v=0",
)
DEFAULT_TIMEOUT = 90.0


class ChromiumError(RuntimeError):
    """Chromium failed or timed out; the message carries the tail of its stderr."""


def find_chromium() -> str | None:
    """The Chromium executable: /usr/bin/chromium, else `chromium` or `chromium-browser` on PATH."""
    for candidate in CANDIDATES:
        path = candidate if os.path.isabs(candidate) else shutil.which(candidate)
        if path and os.access(path, os.X_OK):
            return path
    return None


@dataclass(frozen=True, slots=True)
class Run:
    stdout: str
    stderr: str

    def console_messages(self) -> list[str]:
        """Lines Chromium logged from the page's console (CSP violations land here)."""
        return [line for line in self.stderr.splitlines() if ":CONSOLE" in line]


def run_chromium(executable: str, *args: str, timeout: float = DEFAULT_TIMEOUT) -> Run:
    with tempfile.TemporaryDirectory(prefix="trd-cds-chromium-") as profile:
        command = [executable, *FLAGS, f"--user-data-dir={profile}", *args]
        # Own process group: on timeout the renderer and helper processes go too.
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise ChromiumError(f"Chromium did not finish within {timeout:.0f} s") from exc
        out = stdout.decode("utf-8", "replace")
        err = stderr.decode("utf-8", "replace")
        if process.returncode != 0:
            tail = "\n".join(err.splitlines()[-15:])
            raise ChromiumError(f"Chromium exited with {process.returncode}:\n{tail}")
        return Run(stdout=out, stderr=err)


def dump_dom(executable: str, url: str, *, timeout: float = DEFAULT_TIMEOUT) -> Run:
    """Load `url` and return the DOM as Chromium rendered it (`stdout`) plus its log."""
    return run_chromium(executable, "--dump-dom", url, timeout=timeout)


def screenshot(
    executable: str,
    url: str,
    out: Path,
    *,
    window: tuple[int, int] = (1400, 900),
    timeout: float = DEFAULT_TIMEOUT,
) -> Path:
    """Save a PNG of the page's viewport (`window` = width, height) to `out`."""
    out.parent.mkdir(parents=True, exist_ok=True)
    run_chromium(
        executable,
        f"--screenshot={out}",
        f"--window-size={window[0]},{window[1]}",
        url,
        timeout=timeout,
    )
    if not out.is_file():
        raise ChromiumError(f"Chromium reported success but wrote no screenshot at {out}")
    return out


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk."""
    header = path.read_bytes()[:24]
    if header[:8] != b"\x89PNG\r\n\x1a\n" or header[12:16] != b"IHDR":
        raise ValueError(f"{path} is not a PNG")
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")


@dataclass
class LocalServer:
    """Pages served from 127.0.0.1; `requests` records every path asked for."""

    base_url: str
    requests: list[str] = field(default_factory=list)


@contextmanager
def serve(pages: Mapping[str, str]) -> Iterator[LocalServer]:
    """Serve `pages` ({path: html}) on 127.0.0.1 on a free port, in a thread, for the block."""
    served: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server hook's name
            served.append(self.path)
            body = pages.get(self.path)
            if body is None:
                self.send_error(404)
                return
            data = body.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            return  # quiet: pytest output stays readable

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, name="timeline-test-server", daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield LocalServer(base_url=f"http://{host!s}:{port}", requests=served)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
