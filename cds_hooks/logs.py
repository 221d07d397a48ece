"""Structured JSON logs: one line per request, no tokens, no patient data.

Log records carry only fields named in `extra={"fields": {...}}`; free text from resources,
names, identifiers, tokens and exception messages that may quote input never reach a log line.
Exceptions are logged by type only.
"""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from typing import Any

import orjson

LOGGER_NAME = "trd_cds"
logger = logging.getLogger(LOGGER_NAME)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "event": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            payload.update(fields)
        if record.exc_info and record.exc_info[0] is not None:
            payload["exception"] = record.exc_info[
                0
            ].__name__  # type only: messages may quote input
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


def route_server_loggers() -> None:
    """Re-applied at start-up (lifespan): uvicorn.run configures its loggers after create_app."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    for name in SERVER_LOGGERS:
        server_logger = logging.getLogger(name)
        server_logger.handlers[:] = [handler]
        server_logger.propagate = False


def event(name: str, level: int = logging.INFO, **fields: Any) -> None:
    logger.log(level, name, extra={"fields": fields})
