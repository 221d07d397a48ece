"""`trd-cds request`: send a saved CDS Hooks request to a running service, print its cards.

An integration engineer's first call, copy-pasted from the README:

    trd-cds request tests/fixtures/patients/trd_meets_tms.request.json \\
        --url http://127.0.0.1:8080 --shift-dates-to-today

1. reads the request (hook, context, prefetch) from FILE;
2. with --shift-dates-to-today, moves every date in it by (today - the day it was written as of;
   `--as-of`, by default the project's fixtures' day), so the service, which judges against
   today, sees the chart as its author meant it (date_shift.py says what moves and what not);
   "today" is the date in `[server] timezone`, as the service reads it;
3. gives it a fresh hookInstance (each EHR call has its own);
4. finds the service for its hook through discovery (or takes --service) and POSTs the request,
   with `Authorization: Bearer` when --bearer is given (auth on);
5. prints the status, the request id (the service's log lines carry it) and the cards: indicator,
   summary, the first lines of the detail, suggestions, links and source (card_text.py). An error
   prints the service's JSON error body.

Exit status: 0 when the service answered 200, 1 when it answered an error, 2 when the file cannot
be read or the service cannot be reached.
"""

from __future__ import annotations

import sys
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TextIO

import orjson
import requests

from cds_hooks.card_text import Style, colour_wanted, render_cards
from cds_hooks.config.settings import ServerSettings
from cds_hooks.date_shift import days_between, shift_json
from cds_hooks.examples import FIXTURES_AS_OF
from cds_hooks.json_text import JsonTextError, load_json

DEFAULT_URL = "http://127.0.0.1:8080"
EXIT_OK = 0
EXIT_ERROR_ANSWER = 1
EXIT_UNUSABLE = 2
TIMEOUT_SECONDS = 60.0


class FirstCallError(Exception):
    """The request could not be made (unreadable file, service unreachable, no such service)."""


@dataclass(frozen=True, slots=True)
class Answer:
    url: str
    status: int
    body: Any
    seconds: float
    request_id: str | None


def load_request(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FirstCallError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        document = load_json(raw, str(path))
    except JsonTextError as exc:
        raise FirstCallError(str(exc)) from exc
    if not isinstance(document, dict) or not isinstance(document.get("hook"), str):
        raise FirstCallError(
            f"{path} is not a CDS Hooks request (an object with hook, context and prefetch)"
        )
    return document


def prepare(
    document: Mapping[str, Any], *, shift_from: date | None, today: date
) -> tuple[dict[str, Any], int]:
    """The request to send (a copy): dates moved when `shift_from` is given, a new
    hookInstance. Returns it with the number of days moved."""
    days = days_between(shift_from, today) if shift_from is not None else 0
    body: dict[str, Any] = shift_json(document, days) if days else dict(document)
    body["hookInstance"] = str(uuid.uuid4())
    return body, days


def service_for(session: requests.Session, base_url: str, hook: str) -> str:
    """The id of the service discovery lists for `hook`."""
    response = session.get(f"{base_url}/cds-services", timeout=TIMEOUT_SECONDS)
    if response.status_code != 200:
        raise FirstCallError(f"discovery ({base_url}/cds-services) answered {response.status_code}")
    services = response.json().get("services", [])
    ids = [s.get("id") for s in services if isinstance(s, dict) and s.get("hook") == hook]
    if not ids:
        raise FirstCallError(f"discovery at {base_url} lists no service for the hook {hook!r}")
    return str(ids[0])


def call(
    session: requests.Session,
    base_url: str,
    service_id: str,
    body: Mapping[str, Any],
    *,
    bearer: str | None = None,
) -> Answer:
    url = f"{base_url}/cds-services/{service_id}"
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if bearer:
        headers["Authorization"] = f"Bearer {bearer}"
    started = time.perf_counter()
    response = session.post(url, data=orjson.dumps(body), headers=headers, timeout=TIMEOUT_SECONDS)
    seconds = time.perf_counter() - started
    try:
        payload: Any = response.json()
    except ValueError:
        payload = response.text[:2000]
    return Answer(url, response.status_code, payload, seconds, response.headers.get("x-request-id"))


def run(
    file: Path,
    *,
    base_url: str = DEFAULT_URL,
    service_id: str | None = None,
    shift_dates: bool = False,
    as_of: date | None = None,
    bearer: str | None = None,
    raw_json: bool = False,
    today: date | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    base_url = base_url.rstrip("/").removesuffix("/cds-services")
    # The day the dates move to is the service's today: `trd-cds request` passes it in the
    # configured [server] timezone; the default is the embedded default zone's (UTC), never the
    # machine's local date, which the service does not use.
    today = today or ServerSettings().today()
    style = Style(colour=colour_wanted(out) and not raw_json)
    try:
        document = load_request(file)
        body, days = prepare(
            document, shift_from=(as_of or FIXTURES_AS_OF) if shift_dates else None, today=today
        )
        with requests.Session() as session:
            session.trust_env = False  # no proxy for a call to the service on this machine
            chosen = service_id or service_for(session, base_url, str(body["hook"]))
            answer = call(session, base_url, chosen, body, bearer=bearer)
    except FirstCallError as exc:
        print(f"trd-cds: error: {exc}", file=err)
        return EXIT_UNUSABLE
    except requests.RequestException as exc:
        print(
            f"trd-cds: error: cannot reach {base_url} ({type(exc).__name__}); is the service "
            "running? (`make run` serves http://127.0.0.1:8080)",
            file=err,
        )
        return EXIT_UNUSABLE
    if raw_json:
        out.write(orjson.dumps(answer.body, option=orjson.OPT_INDENT_2).decode() + "\n")
        return EXIT_OK if answer.status == 200 else EXIT_ERROR_ANSWER
    prefetch = body.get("prefetch")
    moved = (
        f"; dates moved {days} days: {as_of or FIXTURES_AS_OF} is today ({today})" if days else ""
    )
    print(
        f"POST {answer.url} ({body['hook']}, "
        f"{len(prefetch) if isinstance(prefetch, dict) else 0} prefetch keys{moved})",
        file=out,
    )
    print(
        f"{answer.status} in {answer.seconds:.2f} s"
        + (f", request id {answer.request_id}" if answer.request_id else ""),
        file=out,
    )
    if answer.status != 200:
        body_text = (
            orjson.dumps(answer.body, option=orjson.OPT_INDENT_2).decode()
            if not isinstance(answer.body, str)
            else answer.body
        )
        print(body_text, file=out)
        if answer.status == 401:
            # A token passed and refused is not a token missing (review s21 RI finding 9: a
            # used jti was told to "pass --bearer TOKEN"): the service's log line says why.
            print(
                "trd-cds: the service refused the JWT passed with --bearer (expired, already "
                "used: a token serves one call, another aud or issuer, ...): the service's "
                f"auth.refused log line says why; the aud must be {answer.url} (README, Security)"
                if bearer
                else "trd-cds: the service wants a JWT (auth on): pass --bearer TOKEN, signed "
                f"for aud {answer.url} (README, Security)",
                file=err,
            )
        return EXIT_ERROR_ANSWER
    cards = answer.body.get("cards", []) if isinstance(answer.body, dict) else []
    print(f"{len(cards)} card{'' if len(cards) == 1 else 's'}:", file=out)
    for line in render_cards(cards, style):
        print(line, file=out)
    return EXIT_OK
