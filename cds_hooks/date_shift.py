"""Move a chart in time: every full date and dateTime in FHIR resources shifted by whole days.

The service judges a chart against today (CDS Hooks gives it no other clock), while the project's
scenarios are written as of a fixed day (tests/fixtures/scenarios.py, AS_OF). Shifting every date
by `today - as_of` keeps every interval the rules read (weeks on a dose, days between refills, the
age of the latest PHQ-9, the patient's age) exactly as written, so the service sees the scenario
as its author meant it, today.

Only values that are a whole FHIR `date` (YYYY-MM-DD) or a `dateTime`/`instant` with a time part
are moved; the time of day and the UTC offset are kept. Partial dates (YYYY, YYYY-MM) are left as
they are: they carry no day to shift, and codes such as LOINC "4548-4" must never look like dates.
Prose (narrative, notes, sig text) is not rewritten, and neither are the elements that hold
names rather than times (ids, references, codes, identifier values), whatever they look like.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

# FHIR R4 date / dateTime / instant with a full day (http://hl7.org/fhir/R4/datatypes.html).
_FULL_DATE = re.compile(
    r"^(?P<day>\d{4}-\d{2}-\d{2})(?P<rest>T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$"
)

# FHIR elements whose strings are names, never dates (a date-typed element is always named for it:
# birthDate, effectiveDateTime, valueDate, period start/end, ...): an id "2025-06-02" stays put.
_NOT_DATES = frozenset(
    {"id", "reference", "code", "system", "version", "url", "fullUrl", "value", "div"}
)


def shift_value(value: str, days: int) -> str:
    """`value` moved by `days` when it is a full FHIR date or dateTime; otherwise unchanged."""
    match = _FULL_DATE.match(value)
    if match is None:
        return value
    try:
        day = date.fromisoformat(match["day"])
    except ValueError:  # 2025-13-45: not a date after all
        return value
    return (day + timedelta(days=days)).isoformat() + (match["rest"] or "")


def shift_json(data: Any, days: int) -> Any:
    """A copy of JSON-like `data` with every full date and dateTime string moved by `days`."""
    if isinstance(data, str):
        return shift_value(data, days)
    if isinstance(data, Mapping):
        return {k: v if k in _NOT_DATES else shift_json(v, days) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [shift_json(v, days) for v in data]
    return data


def shift_resources(resources: Sequence[Mapping[str, Any]], days: int) -> list[dict[str, Any]]:
    """Copies of `resources` moved by `days` (the originals are not touched)."""
    return [shift_json(r, days) for r in resources]


def days_between(as_of: date, today: date) -> int:
    """How far a chart written as of `as_of` must move to be read as of `today`."""
    return (today - as_of).days
