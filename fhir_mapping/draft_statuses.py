"""How a draft order's MedicationRequest.status is read (data/draft_statuses.csv): one that
halts its drug (stopped, cancelled), one that holds it for now (on-hold), one that is no order
at all (entered-in-error), one whose actions are all complete (completed: no new order, left out
with a data-quality line; recheck K5 s28 finding 9, read as a sertraline dose change). Any other status (draft, active, ...) orders its dose as written.

A table, not literals: which statuses do what is FHIR's definition, cited per row (review s27
K1 recheck finding 2: an on-hold or entered-in-error sertraline draft beside a phenelzine start
read as a sertraline start on the same order).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from enum import Enum
from functools import cache
from importlib import resources
from typing import Any


class StatusReading(Enum):
    ORDERS = "orders"  # no row: the dose as written
    HALTS = "halts"  # its drug stops on the day it is signed
    HOLDS = "holds"  # its drug pauses from the day it is signed
    IGNORED = "ignored"  # no order at all: left out
    DONE = "done"  # no new order (completed): left out, said as a data-quality line


@cache
def _table() -> dict[str, StatusReading]:
    text = resources.files("fhir_mapping").joinpath("data/draft_statuses.csv").read_text("utf-8")
    return {
        row["status"].strip(): StatusReading(row["reading"].strip())
        for row in csv.DictReader(io.StringIO(text))
    }


def status_reading(resource: Mapping[str, Any]) -> StatusReading:
    """The reading of the draft's status; ORDERS for one the table has no row for, or a status
    that is no string (a list or object in its place is no status: fuzz, field swaps)."""
    status = resource.get("status")
    if not isinstance(status, str):
        return StatusReading.ORDERS
    return _table().get(status, StatusReading.ORDERS)
