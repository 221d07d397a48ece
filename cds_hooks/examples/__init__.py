"""A real hook request shipped with the service: the `trd_meets_tms` scenario from the project's
fixtures (tests/fixtures/patients/trd_meets_tms.request.json, copied byte for byte apart from
whitespace; a test keeps them equal). The OpenAPI document shows it, with the cards the service
really gives it, and `trd-cds request` defaults to the day it is written as of.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from importlib.resources import files
from typing import Any

import orjson

# The day the project's scenario charts are written as of (tests/fixtures/scenarios.py AS_OF):
# their dates must be moved by (today - this day) to mean today what they meant then.
FIXTURES_AS_OF = date(2025, 6, 2)
HOOK_REQUEST = "trd_meets_tms.request.json"


@cache
def hook_request() -> dict[str, Any]:
    """The example patient-view request (a fresh copy is the caller's to change: see `copy`)."""
    data: dict[str, Any] = orjson.loads((files(__name__) / HOOK_REQUEST).read_bytes())
    return data


def copy() -> dict[str, Any]:
    result: dict[str, Any] = orjson.loads(orjson.dumps(hook_request()))
    return result
