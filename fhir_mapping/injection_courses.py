"""A long-acting injectable antipsychotic given on the MAR, read as a course that runs between
injections (fix lai61, review K63b finding 4).

Before, the MAR's doses of such a drug were read as ward days (ward_doses.py): Abilify Maintena
400 mg given 22 days before as-of, with no order on record, was a one-day MAR course that had
ended, so the optimise card read aripiprazole as "Adjuncts already used" and offered brexpiprazole
in one click: two antipsychotics. One injection covers weeks to months.

Rules:
- an administration of a drug whose dose is read per injection (data/dose_basis.csv, an
  `interval` row whose form terms the administration names: "Abilify Maintena", "aripiprazole
  lauroxil", a route "intramuscular"), given (data/administration_statuses.csv reads its status
  as taken), dated on or before as-of, is one injection on its day (as ward_doses.py reads the
  day); not given, undated or later: no injection (the MAR's other readers agree);
- its interval and grace are the first row of data/injection_intervals.csv for the drug whose
  product terms the administration names (none: any product) and whose `min_mg` the dose given
  reaches (none: any dose); an injection covers its interval plus its grace from its day (the
  labels' missed-dose windows: an injection a little late is no stopped course);
- injections whose covers meet make one course (a MedicationEvent of kind STATEMENT: the record
  says the drug was given), from its first injection, running while the last one's cover reaches
  as-of, else ended when it ran out (interval_doses.py's rule). Its dose is per injection
  (DoseBasis.INTERVAL, the last injection's mg), no mg/day: the cards write "400 mg per
  injection (long-acting injection)"; it carries its last injection's day, the day its cover
  ran out and the day the drug is read to act until (the row's `tail_days` after the cover:
  injection_tail.py, fix lai62);
- every other administration is left to the MAR's other readers, as before.
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

from fhir_mapping import injection_products
from fhir_mapping.adherence_record import DoseReading
from fhir_mapping.cover_runs import cover_runs
from fhir_mapping.dose_amount import quantity_amount
from fhir_mapping.dose_basis import basis_of, term_pattern
from fhir_mapping.drug_table import DrugInfo, drug_info
from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.fhir_fields import JSON_OBJECT
from fhir_mapping.injection_tail import InjectionTail
from fhir_mapping.medication_drug import NO_MEDICATIONS, medication_index, read_drug
from fhir_mapping.record import DoseBasis, SourceRef
from fhir_mapping.ward_doses import dose_day, status_readings

Resource = Mapping[str, Any]
_INTERVAL = DoseBasis.INTERVAL


@dataclass(frozen=True, slots=True)
class IntervalRow:
    ingredient: str
    pattern: re.Pattern[str] | None  # None: any product of the drug
    min_mg: float | None  # None: any dose
    interval_days: int
    grace_days: int
    tail_days: int  # still acting after the cover ran out (fix lai62: injection_tail.py)


@cache
def interval_rows() -> dict[str, tuple[IntervalRow, ...]]:
    """The table's rows by ingredient, in table order (the first that applies wins)."""
    path = resources.files("fhir_mapping").joinpath("data/injection_intervals.csv")
    found: dict[str, list[IntervalRow]] = {}
    for row in csv.DictReader(path.read_text("utf-8").splitlines()):
        terms = [t.strip().lower() for t in row["product_terms"].split(";") if t.strip()]
        ingredient = row["ingredient"].strip().lower()
        found.setdefault(ingredient, []).append(
            IntervalRow(
                ingredient=ingredient,
                pattern=re.compile("|".join(map(term_pattern, terms))) if terms else None,
                min_mg=float(row["min_mg"]) if row["min_mg"].strip() else None,
                interval_days=int(row["interval_days"]),
                grace_days=int(row["grace_days"]),
                tail_days=int(row["tail_days"]),
            )
        )
    return {ingredient: tuple(rows) for ingredient, rows in found.items()}


def longest_row(ingredient: str, mg: float | None) -> IntervalRow | None:
    """The row whose interval, grace and tail end latest among those the dose `mg` reaches (a
    `min_mg` at or below it, or a row keyed by no product and no dose): read for an injection
    whose product neither its names nor its dose tell (fix psy62's reading, shared with the MAR
    by fix care67: injection_products.py); None when the dose reaches none (a short-acting dose
    of 9.75 mg is no course, k64fix)."""
    reached = [
        r
        for r in interval_rows().get(ingredient, ())
        if (r.min_mg is None and r.pattern is None)
        or (r.min_mg is not None and mg is not None and mg >= r.min_mg)
    ]
    # max keeps the first of equal rows (table order).
    return max(reached, key=lambda r: r.interval_days + r.grace_days + r.tail_days, default=None)


def product_row(ingredient: str, names: str, mg: float | None) -> tuple[IntervalRow | None, str]:
    """The row of the injection's product, named or read from its dose, and what the cards say
    of that reading ("read as Aristada by its dose", "dose not matched to a product: confirm",
    ""): fix care67, injection_products.py."""
    read = injection_products.reading(ingredient, names, mg)
    if read.longest:
        return longest_row(ingredient, mg), read.note
    return interval_of(ingredient, read.names, mg), read.note


def interval_of(ingredient: str, names: str, mg: float | None) -> IntervalRow | None:
    """The row of the product `names` (lower case) at the dose `mg` given, else None."""
    for row in interval_rows().get(ingredient, ()):
        if row.pattern is not None and row.pattern.search(names) is None:
            continue
        if row.min_mg is not None and (mg is None or mg < row.min_mg):
            continue
        return row
    return None


@dataclass(frozen=True, slots=True)
class _Injection:
    day: date
    mg: float | None
    row: IntervalRow
    source_id: str
    product_note: str  # injection_products.py (fix care67)

    @property
    def covers(self) -> int:
        return self.row.interval_days + self.row.grace_days


def product_names(resource: Resource, medication: Resource | None) -> str:
    """The administration's drug names, form, route and dose text, lower case; an order's or
    fill's drug names and form, which state no `dosage` object (ordered_injection_tail.py)."""
    parts: list[str] = []
    for concept in (
        resource.get("medicationCodeableConcept"),
        None if medication is None else medication.get("code"),
        None if medication is None else medication.get("form"),
    ):
        if isinstance(concept, JSON_OBJECT):
            parts += [
                str(c.get("display", "")) for c in concept.get("coding", ()) if isinstance(c, dict)
            ]
            parts.append(str(concept.get("text", "")))
    reference = resource.get("medicationReference")
    if isinstance(reference, JSON_OBJECT):
        parts.append(str(reference.get("display", "")))
    dosage = resource.get("dosage")
    if isinstance(dosage, JSON_OBJECT):
        for field in ("route", "method"):
            concept = dosage.get(field)
            if isinstance(concept, JSON_OBJECT):
                parts.append(str(concept.get("text", "")))
                parts += [
                    str(c.get("display", ""))
                    for c in concept.get("coding", ())
                    if isinstance(c, dict)
                ]
        parts.append(str(dosage.get("text", "")))
    return " | ".join(p for p in parts if p).lower()


def _mg_given(resource: Resource) -> float | None:
    dosage = resource.get("dosage")
    amount = quantity_amount(dosage.get("dose")) if isinstance(dosage, JSON_OBJECT) else None
    return amount[0] if amount is not None and amount[1] == "mass" else None


def injection_events(
    administrations: Sequence[Resource],
    medication_resources: Iterable[Resource] = (),
    *,
    as_of: date,
) -> tuple[list[MedicationEvent], list[Resource]]:
    """(the courses of long-acting injections among `administrations`, the administrations left
    for the MAR's other readers): module docstring."""
    taken = {s for s, r in status_readings().items() if r is DoseReading.TAKEN}
    medications: Mapping[str, Resource] | None = None
    given: dict[str, list[_Injection]] = {}
    infos: dict[str, DrugInfo] = {}
    rest: list[Resource] = []
    for resource in administrations:
        if medications is None and resource.get("medicationReference") is not None:
            medications = medication_index(medication_resources)
        components, unreadable, medication = read_drug(resource, medications or NO_MEDICATIONS)
        names = product_names(resource, medication) if unreadable is None and components else ""
        mg = _mg_given(resource)
        found: list[tuple[DrugInfo, IntervalRow, str]] = []
        for c in components if names else ():
            if c.ingredient not in interval_rows():
                continue
            if basis_of(c.ingredient, resource, medication) is not _INTERVAL:
                continue
            row, note = product_row(c.ingredient, names, mg)
            info = drug_info(c.ingredient)
            if row is not None and info is not None:
                found.append((info, row, note))
        if not found:
            rest.append(resource)
            continue
        day = dose_day(resource)
        if resource.get("status") not in taken or day is None or day > as_of:
            continue  # not given, undated or later: no injection
        rid = resource.get("id")
        for info, row, note in found:
            infos[info.ingredient] = info
            given.setdefault(info.ingredient, []).append(
                _Injection(day, mg, row, rid if isinstance(rid, str) else "", note)
            )
    events = [
        _event(infos[ingredient], run, as_of)
        for ingredient, shots in given.items()
        for run in cover_runs(sorted(shots, key=lambda s: s.day))
    ]
    return events, rest


def _event(info: DrugInfo, run: Sequence[_Injection], as_of: date) -> MedicationEvent:
    first, last = run[0], run[-1]
    running = (as_of - last.day).days <= last.covers
    mg = next((s.mg for s in reversed(run) if s.mg is not None), None)
    cover_end = last.day + timedelta(days=last.covers - 1)
    return MedicationEvent(
        kind=EventKind.STATEMENT,
        ingredient=info.ingredient,
        drug_class=info.drug_class,
        role=info.role,
        start=first.day,
        end=None if running else cover_end,
        # No mg/day: the MAR states the dose given, not the schedule (the table's interval is
        # how long one injection is read to cover); the cards write the dose per injection.
        mg_per_day=None,
        days_supply=None,
        status="active" if running else "completed",
        source=SourceRef("MedicationAdministration", first.source_id),
        notes=("long-acting injection given on the MAR, no order or fill of it on record",),
        dose_basis=_INTERVAL,
        mg_per_administration=mg,
        # Fix lai62: past its cover the drug still acts for weeks (the label's half-life).
        injection_tail=InjectionTail(
            last.day,
            cover_end,
            cover_end + timedelta(days=last.row.tail_days),
            last.product_note,
        ),
    )
