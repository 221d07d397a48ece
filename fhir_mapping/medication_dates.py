"""The dates of a medication resource: a FHIR date read tolerantly (`parse_date`), and the
start and explicit end of an order, statement or dispense (`start_and_end`), from authoredOn,
the sig's boundsPeriod / boundsDuration, the validity period, effective[x], dateAsserted or the
hand-over date."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from fhir_mapping.dose_tables import duration_days
from fhir_mapping.events import EventKind
from fhir_mapping.fhir_fields import FIRST_YEAR, JSON_OBJECT, LAST_YEAR
from fhir_mapping.medication_types import ORDER, STATEMENT

# `isinstance(x, JSON_OBJECT)` on the fields every medication resource passes through: JSON
# gives dicts, answered at C speed, where the Mapping ABC check alone costs more than the read
# (issue 14); other Mappings still read the same way.


def parse_date(value: object) -> date | None:
    """The calendar date of a FHIR date/dateTime ("2024-03-05T10:00:00+01:00" -> 2024-03-05);
    a partial date takes its first day ("2024-03" -> 2024-03-01)."""
    if not isinstance(value, str) or len(value) < 4:
        return None
    # The common "YYYY-MM-DD..." at C speed, as fhir_fields.parse_date reads it (issue 14). The
    # dashes are looked for in the first ten characters, taken once: a shorter head would fail
    # fromisoformat and be read below all the same.
    head = value[:10]
    if len(head) == 10 and head[4] == "-" and head[7] == "-" and head.isascii():
        try:
            found = date.fromisoformat(head)
        except ValueError:
            pass  # read below, as fhir_fields.parse_date does
        else:
            return found if FIRST_YEAR <= found.year <= LAST_YEAR else None
    parts = head.split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 and parts[1] else 1
        day = int(parts[2][:2]) if len(parts) > 2 and parts[2] else 1
        if not FIRST_YEAR <= year <= LAST_YEAR:  # placeholders such as 0001-01-01: no date
            return None
        return date(year, month, day)
    except (ValueError, IndexError):
        return None


def _period(value: object) -> tuple[date | None, date | None]:
    if not isinstance(value, JSON_OBJECT):
        return None, None
    return parse_date(value.get("start")), parse_date(value.get("end"))


def _bounds(
    dosages: Sequence[Mapping[str, Any]], start: date | None
) -> tuple[date | None, date | None]:
    """(earliest boundsPeriod.start, latest boundsPeriod.end or start + boundsDuration)."""
    starts: list[date] = []
    ends: list[date] = []
    for line in dosages:
        timing = line.get("timing")
        repeat = timing.get("repeat") if isinstance(timing, JSON_OBJECT) else None
        if not isinstance(repeat, JSON_OBJECT):
            continue
        begin, end = _period(repeat.get("boundsPeriod"))
        if begin is not None:
            starts.append(begin)
        if end is not None:
            ends.append(end)
        days = duration_days(repeat.get("boundsDuration"))
        anchor = begin or start
        if days is not None and anchor is not None:
            ends.append(anchor + timedelta(days=days))
    return (min(starts) if starts else None), (max(ends) if ends else None)


def start_and_end(
    resource: Mapping[str, Any], kind: EventKind, dosages: Sequence[Mapping[str, Any]]
) -> tuple[date | None, date | None]:
    """(start, explicit end) of a resource of event kind `kind` (its type's, as `TYPE_READINGS`
    has it)."""
    if kind is ORDER:
        authored = parse_date(resource.get("authoredOn"))
        bounds_start, bounds_end = _bounds(dosages, authored)
        request = resource.get("dispenseRequest")
        validity_start = (
            _period(request.get("validityPeriod"))[0] if isinstance(request, JSON_OBJECT) else None
        )
        start = authored or bounds_start or validity_start
        # An end before the start is a data error: the course is read as ending where it began.
        return start, (max(bounds_end, start) if bounds_end and start else bounds_end)
    if kind is STATEMENT:
        period_start, period_end = _period(resource.get("effectivePeriod"))
        asserted = parse_date(resource.get("dateAsserted"))
        start = (
            period_start or parse_date(resource.get("effectiveDateTime")) or asserted or period_end
        )
        if period_end is None and start is not None and resource.get("status") == "on-hold":
            # Held, not taken (review 6 finding 3): the record supports the course up to the
            # date it was asserted, else its start (duration not recorded); never to as-of.
            period_end = asserted if asserted is not None and asserted > start else start
        return start, (max(period_end, start) if period_end and start else period_end)
    handed = parse_date(resource.get("whenHandedOver")) or parse_date(resource.get("whenPrepared"))
    return handed, None
