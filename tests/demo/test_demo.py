"""`make demo` end to end: `python -m scripts.demo` in a subprocess, as a developer runs it.

It must finish by itself with status 0, show the cards the scenarios call for (a TMS referral for
the TRD patient, a critical suicide-risk card for the item-9 patient, none in remission), and leave
nothing running: the FHIR server and the service it printed no longer accept connections. Ctrl-C
in the middle stops both too, with status 130.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

from services import catalog

REPO_ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_SECONDS = 180.0  # the demo takes a few seconds; two minutes is its budget
SECTION = re.compile(r"^\[(\d+)/(\d+)\] (\w+) - ", re.MULTILINE)
FHIR_URL = re.compile(r"^  FHIR server: http://127\.0\.0\.1:(\d+)/fhir$", re.MULTILINE)
SERVICE_URL = re.compile(r"^  service: http://127\.0\.0\.1:(\d+)$", re.MULTILINE)

pytestmark = pytest.mark.integration


@dataclass(frozen=True)
class DemoRun:
    returncode: int
    stdout: str
    stderr: str

    def sections(self) -> list[tuple[str, str]]:
        """(scenario name, its block of output) for each patient call, in order."""
        marks = list(SECTION.finditer(self.stdout))
        ends = [m.start() for m in marks[1:]] + [len(self.stdout)]
        return [(m[3], self.stdout[m.start() : end]) for m, end in zip(marks, ends, strict=True)]

    def ports(self) -> tuple[int, int]:
        fhir = FHIR_URL.search(self.stdout)
        service = SERVICE_URL.search(self.stdout)
        assert fhir and service, self.stdout[:2000]
        return int(fhir[1]), int(service[1])


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SEKMET_", "TRD_CDS_"))}
    env["NO_COLOR"] = "1"
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _start_demo(*, sigint_ignored: bool = False) -> subprocess.Popen[str]:
    """With `sigint_ignored`, the demo starts as a shell starts a background job (`make test &`):
    SIGINT ignored, which a child inherits through exec (set here around the spawn, not in a
    preexec_fn, which is unsafe with threads)."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if sigint_ignored else None
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "scripts.demo"],
            cwd=REPO_ROOT,
            env=_environment(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def _finish(process: subprocess.Popen[str], timeout: float) -> DemoRun:
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        # SIGTERM first: the demo unwinds and stops its children; then the whole group.
        os.killpg(process.pid, signal.SIGTERM)
        try:
            out, err = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            out, err = process.communicate()
        pytest.fail(
            f"the demo did not finish within {timeout:.0f} s:\n{out[-3000:]}\n{err[-2000:]}"
        )
    return DemoRun(process.returncode, out, err)


def _refused(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(2)
        return sock.connect_ex(("127.0.0.1", port)) != 0


@pytest.fixture(scope="module")
def demo(sekmet: Path) -> DemoRun:
    return _finish(_start_demo(), TIMEOUT_SECONDS)


def test_demo_exits_0_and_says_ok(demo: DemoRun) -> None:
    assert demo.returncode == 0, demo.stdout[-4000:] + demo.stderr[-2000:]
    assert demo.stdout.rstrip().endswith("demo OK: 6 patients, every call answered as expected")
    assert "FAILED" not in demo.stdout
    assert "\x1b[" not in demo.stdout  # NO_COLOR and not a terminal: plain text


def test_each_patient_once_through_prefetch_then_trd_by_self_fetch(demo: DemoRun) -> None:
    assert [name for name, _ in demo.sections()] == [
        "trd_meets_tms",
        "underdosed_trial",
        "poor_adherence",
        "bipolar",
        "remission",
        "item9_positive",
        "trd_meets_tms",
    ]
    blocks = [block for _, block in demo.sections()]
    queries = len(catalog.services()[0].prefetch)  # one per prefetch key the service declares
    assert all(f"  prefetch: {queries} queries, " in b for b in blocks[:6])
    assert (
        "no prefetch: fhirServer + bearer token, the service fetches the chart itself" in blocks[6]
    )
    assert all("patient-view answered 200 in " in b for b in blocks)
    assert (
        "trd_meets_tms: the service's own fetch and the EHR's prefetch gave the same cards"
        in demo.stdout
    )


def test_progress_is_shown_for_each_load(demo: DemoRun) -> None:
    loads = re.findall(
        r"^loading (\d)/6 (\w+) \((\d+) resources\) \.\.\. \d+\.\d s$", demo.stdout, re.M
    )
    assert [(n, name) for n, name, _ in loads] == [
        ("1", "trd_meets_tms"),
        ("2", "underdosed_trial"),
        ("3", "poor_adherence"),
        ("4", "bipolar"),
        ("5", "remission"),
        ("6", "item9_positive"),
    ]
    assert re.search(
        r"^starting the FHIR server \(sekmet-fhir\) on 127\.0\.0\.1 \.\.\. \d+\.\d s$",
        demo.stdout,
        re.M,
    )
    assert re.search(
        r"^starting the service \(trd-cds serve\) on 127\.0\.0\.1 \.\.\. \d+\.\d s$",
        demo.stdout,
        re.M,
    )


def test_trd_patient_gets_a_tms_referral_and_a_timeline_link(demo: DemoRun) -> None:
    for name, block in demo.sections():
        if name != "trd_meets_tms":
            continue
        # PHQ-9 18 does not meet the default payer set (L37086 asks for severe): the card says so.
        assert re.search(
            r"^  INFO      .*consider TMS referral; payer criteria not yet met \(clinic default rule set\)$",
            block,
            re.M,
        ), block
        assert "            * suggests: Refer for TMS evaluation\n" in block
        assert re.search(
            r"^  WARNING   2 adequate trials failed \(sertraline, venlafaxine\)", block, re.M
        )
        links = re.findall(
            r"View treatment timeline: (http://127\.0\.0\.1:\d+/timeline/\S+)$", block, re.M
        )
        assert len(links) == 2 and links[0] == links[1]  # one link per card, same evaluation
        assert "  timeline link followed: 200, the page has its SVG (1 link)" in block


def test_item9_patient_gets_a_critical_suicide_risk_card(demo: DemoRun) -> None:
    block = dict(demo.sections())["item9_positive"]
    critical = re.findall(r"^  CRITICAL  (.*)$", block, re.M)
    assert len(critical) == 1
    assert critical[0].startswith("PHQ-9 item 9 = 2 (more than half the days)")
    assert "suicide risk" in critical[0]
    assert "            * suggests: Order a same-day suicide risk assessment (C-SSRS)\n" in block


def test_remission_gets_no_cards(demo: DemoRun) -> None:
    block = dict(demo.sections())["remission"]
    assert "  no cards (nothing for the clinician to act on)" in block
    assert not re.search(r"^  (INFO|WARNING|CRITICAL) ", block, re.M)


def test_dates_are_moved_to_today_and_said_so(demo: DemoRun) -> None:
    match = re.search(
        r"written as of 2025-06-02; every date in them is moved (\d+) days forward so that day "
        r"is today \((\d{4}-\d{2}-\d{2})\)",
        demo.stdout,
    )
    assert match, demo.stdout[:1000]
    # The item-9 PHQ-9 was ten days before the scenario's day: ten days before today now.
    today = date.fromisoformat(match[2])
    assert int(match[1]) == (today - date(2025, 6, 2)).days
    ten_days_ago = (today - timedelta(days=10)).isoformat()
    assert f"PHQ-9 item 9 = 2 (more than half the days) on {ten_days_ago}" in demo.stdout


def test_nothing_is_left_running(demo: DemoRun) -> None:
    fhir_port, service_port = demo.ports()
    assert _refused(fhir_port) and _refused(service_port)
    assert re.search(r"^stopped the service and the FHIR server \(\d+\.\d s\)$", demo.stdout, re.M)


@pytest.mark.parametrize(
    "sigint_ignored", [False, True], ids=["foreground", "background-job-sigint-ignored"]
)
def test_ctrl_c_stops_everything(sekmet: Path, sigint_ignored: bool) -> None:
    """Also when the demo inherits SIGINT ignored, as in `make test &` or a CI runner's
    background job: it takes Ctrl-C back (scripts/demo.py, main)."""
    process = _start_demo(sigint_ignored=sigint_ignored)
    assert process.stdout is not None
    seen: list[str] = []
    deadline = time.monotonic() + TIMEOUT_SECONDS
    # Interrupt as soon as both children are up (the service's address is printed).
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        if line.startswith("  service: http://127.0.0.1:"):
            process.send_signal(signal.SIGINT)
            break
    run = _finish(process, 60)
    run = DemoRun(run.returncode, "".join(seen) + run.stdout, run.stderr)
    assert run.returncode == 130, run.stdout[-3000:] + run.stderr[-2000:]
    assert "interrupted: everything the demo started has been stopped" in run.stderr
    fhir_port, service_port = run.ports()
    assert _refused(fhir_port) and _refused(service_port)
