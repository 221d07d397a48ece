"""A drug given on the MAR at intervals, one dose covering weeks (data/interval_doses.csv: B12 by
injection), read as a course (session 29 fix mar30 item 4).

Before, the MAR was read for pathway drugs (ward_doses.py), fixed courses and sessions only: a
low B12 answered by monthly cyanocobalamin 1000 mcg IM charted only as MedicationAdministrations
was "skipped", and the diagnosis review's replacement line (services/rules/
deficiency_replacement.py) held the adjuncts for a B12 already being replaced, as it did for an
order before review s28 RJ finding 3.

Rules:
- a drug of the table's `drug` rows, given (a status the MAR reads as taken:
  data/administration_statuses.csv), dated on or before as-of, is one dose on its day (as
  ward_doses.py reads the day);
- an injected dose covers the row's `covers_days` from its day: the dose's route is
  intramuscular or intravenous (agitation_doses.parenteral), or the dose's or the drug's words
  name an injection (the table's `injection-word` rows: "Injectable Solution", "1000 mcg IM");
  any other dose (oral) covers its day and the next, as a MAR-only course of ward_courses.py;
- doses whose covers meet make one course (a MedicationEvent of kind STATEMENT, as
  ward_courses.py makes for a MAR-only course: the record says the drug was given), from its
  first dose; still running while the last dose's cover reaches as-of, else ended when it ran
  out; no mg/day (an injection a month has none a card should weigh);
- every other administration is left to the session reader, as before.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping.adherence_record import DoseReading
from fhir_mapping.administrations import dose_words
from fhir_mapping.agitation_doses import parenteral
from fhir_mapping.cover_runs import cover_runs
from fhir_mapping.drug_table import DrugInfo, drug_info
from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.fhir_fields import JSON_OBJECT
from fhir_mapping.medication_drug import NO_MEDICATIONS, medication_index, read_drug
from fhir_mapping.record import SourceRef
from fhir_mapping.ward_doses import dose_day, status_readings

Resource = Mapping[str, Any]

# A dose not injected covers its day and the next (today's dose may not be charted yet), as
# ward_courses.py's _RUNNING_DAYS reads a MAR-only course.
_NOT_INJECTED_DAYS = 1


@dataclass(frozen=True, slots=True)
class _Table:
    covers: dict[str, int]  # ingredient -> days one injected dose covers
    injection: re.Pattern[str] | None  # the injection words


@cache
def _table() -> _Table:
    path = resources.files("fhir_mapping").joinpath("data/interval_doses.csv")
    rows = list(csv.DictReader(path.read_text("utf-8").splitlines()))
    covers = {r["term"].strip(): int(r["covers_days"]) for r in rows if r["kind"] == "drug"}
    words = sorted((r["term"].strip() for r in rows if r["kind"] == "injection-word"), key=len)
    pattern = (
        re.compile(r"\b(?:" + "|".join(map(re.escape, reversed(words))) + r")\b", re.IGNORECASE)
        if words
        else None
    )
    return _Table(covers, pattern)


@dataclass(frozen=True, slots=True)
class _Dose:
    day: date
    covers: int  # days
    source_id: str


def _injected(resource: Resource, medication: Resource | None) -> bool:
    dosage = resource.get("dosage")
    if isinstance(dosage, JSON_OBJECT) and parenteral(dosage.get("route")):
        return True
    words = _table().injection
    return words is not None and bool(words.search(dose_words(resource, medication)))


def interval_events(
    administrations: Sequence[Resource],
    medication_resources: Iterable[Resource] = (),
    *,
    as_of: date,
) -> tuple[list[MedicationEvent], list[Resource]]:
    """(the courses of the table's drugs among `administrations`, the administrations left for
    the session reader): module docstring."""
    table = _table()
    taken = {s for s, r in status_readings().items() if r is DoseReading.TAKEN}
    medications: Mapping[str, Resource] | None = None
    doses: dict[str, list[_Dose]] = {}
    infos: dict[str, DrugInfo] = {}
    rest: list[Resource] = []
    for resource in administrations:
        if medications is None and resource.get("medicationReference") is not None:
            medications = medication_index(medication_resources)
        components, unreadable, medication = read_drug(resource, medications or NO_MEDICATIONS)
        found = [
            info
            for c in (components if unreadable is None else ())
            if c.ingredient in table.covers and (info := drug_info(c.ingredient)) is not None
        ]
        if not found:
            rest.append(resource)
            continue
        status, day = resource.get("status"), dose_day(resource)
        if status not in taken or day is None or day > as_of:
            continue  # not given, undated or later: no dose (the MAR's other readers agree)
        injected = _injected(resource, medication)
        rid = resource.get("id")
        for info in found:
            infos[info.ingredient] = info
            covers = table.covers[info.ingredient] if injected else _NOT_INJECTED_DAYS
            doses.setdefault(info.ingredient, []).append(
                _Dose(day, covers, rid if isinstance(rid, str) else "")
            )
    events = [
        _event(infos[ingredient], run, as_of)
        for ingredient, given in doses.items()
        for run in cover_runs(sorted(given, key=lambda d: d.day))
    ]
    return events, rest


def _event(info: DrugInfo, run: Sequence[_Dose], as_of: date) -> MedicationEvent:
    first, last = run[0], run[-1]
    running = (as_of - last.day).days <= last.covers
    return MedicationEvent(
        kind=EventKind.STATEMENT,
        ingredient=info.ingredient,
        drug_class=info.drug_class,
        role=info.role,
        start=first.day,
        end=None if running else last.day + timedelta(days=last.covers - 1),
        mg_per_day=None,
        days_supply=None,
        status="active" if running else "completed",
        source=SourceRef("MedicationAdministration", first.source_id),
        notes=("given on the MAR, no order or fill of it on record",),
    )
