"""gunicorn settings for the container (Dockerfile CMD): uvicorn workers, loopback-safe defaults.

Environment: TRD_CDS_BIND (default 0.0.0.0:8080), WEB_CONCURRENCY (workers, default 1),
GUNICORN_TIMEOUT (seconds, default 60). The service's own settings come from TRD_CDS_CONFIG and
TRD_CDS_* variables. PROMETHEUS_MULTIPROC_DIR (the image sets /tmp/trd-cds-metrics): each worker
writes its metrics there and /metrics adds up every worker's (cds_hooks/observability/metrics.py); the
directory is emptied when gunicorn starts and a dead worker's live values are dropped.

One worker by default, which suits any database. With `[database] url` on PostgreSQL every store
the workers must share (used JWT ids, timeline records, feedback, snoozes, issued cards) is in the
database by default, so WEB_CONCURRENCY and the replica count may be raised freely; with SQLite
(memory stores) keep one worker (README.md, Security, "Scaling out").
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from typing import Any

bind = os.environ.get("TRD_CDS_BIND", "0.0.0.0:8080")
workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
# The maintained worker class (pip install uvicorn-worker); uvicorn's own module is deprecated.
worker_class = (
    "uvicorn_worker.UvicornWorker"
    if importlib.util.find_spec("uvicorn_worker") is not None
    else "uvicorn.workers.UvicornWorker"
)
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 20
keepalive = 5
# Each worker builds its own app (database engine, HTTP session): nothing shared across fork.
preload_app = False
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = 20_000
max_requests_jitter = 2_000
# The service writes its own JSON line per request; gunicorn's access log would repeat the URL.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# Trust X-Forwarded-* only from the local reverse proxy, if any.
forwarded_allow_ips = "127.0.0.1"
# Read-only root filesystem: no control socket ($HOME/.gunicorn/gunicorn.ctl by default, gunicorn
# 27); nothing here uses `gunicornc`.
control_socket_disable = True

_METRICS_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR")


def on_starting(server: Any) -> None:
    """An empty metrics directory: files left by a previous run would be counted again."""
    if _METRICS_DIR:
        shutil.rmtree(_METRICS_DIR, ignore_errors=True)
        try:
            os.makedirs(_METRICS_DIR, exist_ok=True)
        except OSError as error:
            # No writable /tmp: the service still starts, each worker counting on its own (and
            # saying so: cds_hooks/observability/multiproc.py). Metrics never stop the service.
            server.log.warning(
                "PROMETHEUS_MULTIPROC_DIR=%s cannot be created (%s)",
                _METRICS_DIR,
                type(error).__name__,
            )


def child_exit(_server: Any, worker: Any) -> None:
    if _METRICS_DIR:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]
