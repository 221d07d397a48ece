"""A small harness around headless Chromium: find it, load a URL, read the rendered DOM, take a
screenshot, serve pages from loopback; and, through the DevTools protocol (`DevTools`), set the
window size or print media, read computed styles and print to PDF.

Chromium runs as a subprocess (no driver, no extra dependency), with everything that would talk to
the network on its own switched off, in a throw-away profile, and bounded by a timeout after which
its whole process group is killed. Install it with scripts/install-chromium.sh (Debian package).
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

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


# -- the DevTools protocol over a pipe ---------------------------------------------------------
#
# For what the command-line switches cannot do (a 600 px viewport's computed styles, print media,
# Page.printToPDF at a chosen paper size), Chromium is driven through its DevTools protocol over
# `--remote-debugging-pipe`: JSON messages, each ended by a NUL byte, written to the browser's
# file descriptor 3 and read from its descriptor 4. No port is opened and no driver is needed.


def _above_four(fd: int) -> int:
    """`fd`, moved to a number above 4 if need be, so "3<&fd 4>&fd" never overwrites its own
    source."""
    if fd > 4:
        return fd
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 5)
    os.close(fd)
    return moved


class DevTools:
    """One headless Chromium with one page, driven over the DevTools protocol. Use as a context
    manager; every call is bounded by `timeout` and the process group is killed on exit."""

    def __init__(self, executable: str, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self._executable = executable
        self._timeout = timeout
        self._next_id = 0
        self._buffer = b""
        self._events: list[dict[str, Any]] = []
        self._session = ""

    def __enter__(self) -> DevTools:
        self._profile = tempfile.TemporaryDirectory(prefix="trd-cds-chromium-")
        to_browser, self._write_fd = (_above_four(fd) for fd in os.pipe())
        self._read_fd, from_browser = (_above_four(fd) for fd in os.pipe())
        # The pipe ends become the browser's descriptors 3 and 4 by a shell redirection (a
        # preexec_fn is not safe while a test's loopback server thread runs). bash, not sh:
        # dash reads only single-digit descriptors, and a test process holds many.
        wire = f'exec "$@" 3<&{to_browser} 4>&{from_browser} {to_browser}<&- {from_browser}>&-'
        command = [
            "/bin/bash",
            "-c",
            wire,
            "sh",
            self._executable,
            *FLAGS,
            "--remote-debugging-pipe",
            f"--user-data-dir={self._profile.name}",
            "about:blank",
        ]
        self._process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(to_browser, from_browser),
            start_new_session=True,
        )
        os.close(to_browser)
        os.close(from_browser)
        try:
            target = self.call("Target.createTarget", url="about:blank", session=False)
            attached = self.call(
                "Target.attachToTarget", targetId=target["targetId"], flatten=True, session=False
            )
            self._session = attached["sessionId"]
            self.call("Page.enable")
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        with suppress(ProcessLookupError):
            os.killpg(self._process.pid, signal.SIGKILL)
        self._process.wait(timeout=10)
        for fd in (self._write_fd, self._read_fd):
            with suppress(OSError):
                os.close(fd)
        self._profile.cleanup()

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ChromiumError("no answer from Chromium's DevTools pipe in time")
            ready, _, _ = select.select([self._read_fd], [], [], remaining)
            if ready:
                chunk = os.read(self._read_fd, 1 << 16)
                if not chunk:
                    raise ChromiumError("Chromium closed its DevTools pipe")
                self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        decoded: dict[str, Any] = json.loads(message)
        return decoded

    def call(self, method: str, *, session: bool = True, **params: Any) -> dict[str, Any]:
        """Send one command and wait for its answer; events that arrive meanwhile are kept."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self._session
        os.write(self._write_fd, json.dumps(message).encode("utf-8") + b"\0")
        deadline = time.monotonic() + self._timeout
        while True:
            answer = self._receive(deadline)
            if answer.get("id") != self._next_id:
                self._events.append(answer)
                continue
            if "error" in answer:
                raise ChromiumError(f"{method}: {answer['error']}")
            result: dict[str, Any] = answer.get("result", {})
            return result

    def wait_for(self, event: str) -> dict[str, Any]:
        deadline = time.monotonic() + self._timeout
        while True:
            for i, seen in enumerate(self._events):
                if seen.get("method") == event:
                    del self._events[i]
                    params: dict[str, Any] = seen.get("params", {})
                    return params
            self._events.append(self._receive(deadline))

    def viewport(self, width: int, height: int) -> None:
        """A desktop window of this size in CSS px (device scale 1)."""
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )

    def media(self, media: str) -> None:
        """Lay the page out for "print" or "screen" media."""
        self.call("Emulation.setEmulatedMedia", media=media)

    def load(self, url: str) -> None:
        self._events.clear()
        self.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        """A JavaScript expression's value, read by the test (DevTools evaluation runs whatever
        the page's Content-Security-Policy says about the page's own scripts)."""
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise ChromiumError(f"script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, out: Path, *, full_page: bool = False) -> Path:
        """A PNG of the viewport (or of the whole page)."""
        params: dict[str, Any] = {"format": "png", "captureBeyondViewport": full_page}
        if full_page:
            width, height = self.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
            )
            params["clip"] = {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}
        data = self.call("Page.captureScreenshot", **params)["data"]
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(base64.b64decode(data))
        return out

    def print_to_pdf(self, paper: tuple[float, float]) -> bytes:
        """The page printed on `paper` (width, height in inches), with the page's own @page
        margins and a tagged (structured) PDF."""
        width, height = paper
        data = self.call(
            "Page.printToPDF",
            paperWidth=width,
            paperHeight=height,
            preferCSSPageSize=False,
            printBackground=True,
            generateTaggedPDF=True,
        )["data"]
        return base64.b64decode(data)


A4 = (210 / 25.4, 297 / 25.4)  # inches
LETTER = (8.5, 11.0)
