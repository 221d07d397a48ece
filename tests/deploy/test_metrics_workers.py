"""/metrics under gunicorn with several workers: a scrape reaches one worker, yet it reports every
worker's requests, including those of workers that have since been recycled (prometheus-client's
multiprocess mode, PROMETHEUS_MULTIPROC_DIR; deploy/gunicorn.conf.py empties the directory at
start). Without it, the counts of a recycled worker are lost and a scrape sees only one worker's."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.deploy.test_processes import ROOT, free_port, wait_for

REQUESTS = 12


def _discovery_count(text: str) -> float:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if (
                sample.name == "trd_cds_http_requests_total"
                and sample.labels.get("route") == "/cds-services"
                and sample.labels.get("status") == "200"
            ):
                return sample.value
    return 0.0


def test_every_workers_requests_are_in_one_scrape(tmp_path: Path) -> None:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    if not gunicorn.exists():
        pytest.skip("gunicorn is not installed (the `server` extra)")
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "trd.db"}"\n')
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    (metrics_dir / "counter_999999.db").write_bytes(b"stale file from an earlier run")
    port = free_port()
    env = {
        **os.environ,
        "TRD_CDS_CONFIG": str(config),
        "TRD_CDS_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        "PYTHONWARNINGS": "ignore::DeprecationWarning",
    }
    process = subprocess.Popen(
        [
            str(gunicorn),
            "--config",
            str(ROOT / "deploy/gunicorn.conf.py"),
            # Recycle each worker after 4 requests, so the 12 calls span at least 3 processes.
            "--max-requests",
            "4",
            "--max-requests-jitter",
            "0",
            "cds_hooks.main:app_factory()",
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/livez", 30, process)
        answered = 0
        for _ in range(2 * REQUESTS):
            if answered == REQUESTS:
                break
            # A new connection each time (no keep-alive): any worker may take it. A worker past
            # its limit closes the connections it accepted but had not yet read (uvicorn's
            # shutdown; gunicorn#2567): such a call never reached the app, so it is not counted
            # and is sent again. Any answer that came back is counted, whatever its status.
            try:
                response = requests.get(f"{base}/cds-services", timeout=60)
            except requests.ConnectionError:
                time.sleep(0.5)
                continue
            assert response.status_code == 200
            answered += 1
            time.sleep(0.5)  # a worker past its limit exits at its next tick (uvicorn: ~1 s)
        assert answered == REQUESTS
        deadline = time.monotonic() + 60
        while len(_pids(metrics_dir)) < 3 and time.monotonic() < deadline:
            time.sleep(0.2)  # a replacement worker has booted once it has written its files
        scrapes = [_scrape(f"{base}/metrics") for _ in range(3)]
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output.decode(errors="replace")[-3000:]
    for text in scrapes:
        assert _discovery_count(text) == REQUESTS
    pids = _pids(metrics_dir)
    assert len(pids) >= 3 and "999999" not in pids  # recycled workers; the stale file is gone


def _scrape(url: str) -> str:
    """One scrape, sent again if a recycling worker dropped it unread (a scrape counts nothing)."""
    for _ in range(5):
        try:
            return requests.get(url, timeout=60).text
        except requests.ConnectionError:
            time.sleep(0.5)
    return requests.get(url, timeout=60).text


def _pids(directory: Path) -> set[str]:
    """The processes that wrote metrics files (counter_<pid>.db, gauge_max_<pid>.db, ...)."""
    return {p.stem.rsplit("_", 1)[1] for p in directory.glob("*_*.db")}
