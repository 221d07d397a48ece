"""Structured JSON logs: one line per request, no tokens, no patient data.

Log records carry only fields named in `extra={"fields": {...}}`; free text from resources,
names, identifiers, tokens and exception messages that may quote input never reach a log line.
Exceptions are logged by type and code location (`where`: file:line in function) only.

Every line written while a request is handled carries its `requestId` (middleware.py sets it:
the caller's X-Request-ID / X-Correlation-ID when it is a plain identifier, else a new one), so
an integration engineer can find all the lines of one call, and the EHR's own id when it sent one.

Each event also feeds the Prometheus metrics (metrics.observe_event), whatever the log level, so
the counts at /metrics and the log lines always tell the same story.
"""

from __future__ import annotations

import logging
import sys
import traceback
from contextvars import ContextVar
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import orjson

from cds_hooks.observability import metrics

LOGGER_NAME = "trd_cds"
logger = logging.getLogger(LOGGER_NAME)

# The id of the request being handled (None outside a request).
request_id: ContextVar[str | None] = ContextVar("trd_cds_request_id", default=None)

# Frames in these folders are "ours": an error's location names the innermost one of them.
_PROJECT_ROOT = Path(__file__).resolve().parents[2]
_PROJECT_PACKAGES = ("cds_hooks", "fhir_mapping", "services")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "event": record.getMessage(),
        }
        current = request_id.get()
        if current is not None:
            payload["requestId"] = current
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            payload.update(fields)
        if record.exc_info and record.exc_info[0] is not None:
            # Type and place only: messages may quote input (a patient's name in a ValueError).
            payload["exception"] = record.exc_info[0].__name__
            payload.setdefault("where", where(record.exc_info[2]))
        return orjson.dumps(payload, default=str).decode()


def configure(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    logger.handlers[:] = [handler]
    logger.setLevel(level)
    logger.propagate = False
    route_server_loggers()
    # uvicorn's access log prints the request line (paths hold no PHI here, but query strings of
    # other tools might); ours replaces it.
    logging.getLogger("uvicorn.access").disabled = True


# uvicorn and gunicorn log an application's exception with its message and traceback, and messages
# may quote a request (a patient's name in a ValueError). Their error loggers go through the JSON
# formatter, which keeps the exception's type only.
SERVER_LOGGERS = ("uvicorn", "uvicorn.error", "gunicorn.error")
# The HTTP clients' loggers write every URL they fetch at DEBUG ("GET /fhir/Observation?patient=
# <id>..."), and a patient id is PHI: they stay at ERROR whatever the root logger's level, which
# an operator may lower to DEBUG (review s25 RP L5). Not WARNING: urllib3's retry warning quotes
# the URL it retries, patient id and query included (review s34 K40a finding 2); a failed fetch is
# reported by our own logger and on the cards, without the URL. Only `[logging] level` moves our
# own logger.
QUIET_LIBRARY_LOGGERS = ("urllib3", "requests", "httpx", "httpcore")


def route_server_loggers() -> None:
    """Re-applied at start-up (lifespan): uvicorn.run configures its loggers after create_app."""
    for name in QUIET_LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    for name in SERVER_LOGGERS:
        server_logger = logging.getLogger(name)
        server_logger.handlers[:] = [handler]
        server_logger.propagate = False


def event(name: str, level: int = logging.INFO, **fields: Any) -> None:
    metrics.observe_event(name, fields)
    logger.log(level, name, extra={"fields": fields})


def where(tb: TracebackType | None) -> str | None:
    """Where an exception was raised, as "path:line in function": the innermost frame of the
    project's own code (what a developer opens), and the innermost frame overall when that is in
    a library ("... via sqlalchemy/engine/base.py:1234"). Paths are relative to the project or
    to site-packages; no values, no message."""
    if tb is None:
        return None
    frames = traceback.extract_tb(tb)
    if not frames:
        return None
    ours = [f for f in frames if _is_ours(f.filename)]
    innermost = frames[-1]
    chosen = ours[-1] if ours else innermost
    text = f"{_short(chosen.filename)}:{chosen.lineno} in {chosen.name}"
    if chosen is not innermost:
        text += f" via {_short(innermost.filename)}:{innermost.lineno}"
    return text


def _is_ours(filename: str) -> bool:
    path = Path(filename)
    try:
        relative = path.resolve().relative_to(_PROJECT_ROOT)
    except (ValueError, OSError):
        return False
    return relative.parts[:1] in tuple((p,) for p in _PROJECT_PACKAGES)


def _short(filename: str) -> str:
    path = Path(filename)
    try:
        return str(path.resolve().relative_to(_PROJECT_ROOT))
    except (ValueError, OSError):
        pass
    parts = path.parts
    for marker in ("site-packages", "dist-packages"):
        if marker in parts:
            return "/".join(parts[parts.index(marker) + 1 :])
    return path.name
