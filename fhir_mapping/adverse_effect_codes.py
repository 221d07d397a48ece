"""Intolerance coded as an ICD-10-CM adverse-effect diagnosis (RC review s23 finding 3): a
Condition T43.225A "Adverse effect of selective serotonin reuptake inhibitors, initial encounter"
dated the day sertraline stopped after 3 weeks. Coded as an AllergyIntolerance or a statusReason
`sintol` the same history read "not tolerated"; coded so it read "not adequate ... review dose and
adherence", and sertraline was offered again.

The codes name a class, not a drug (data/adverse_effect_codes.csv, with sources: T43.225 SSRI,
T43.215 SNRI, T43.015 tricyclic, T43.1X5 MAOI, T43.025 tetracyclic, T43.295 other, T43.205
unspecified; the 7th character A/D/S any). So a code is read against the courses of that class
that ended near it: a course started on or before the code's day that ended within
MappingPolicy.adverse_effect_code_days of it (before it, or after it for the rows whose
`after_end` is yes) is a course stopped for intolerance, and becomes an Intolerance of that drug
dated by the code, worded "adverse effect of an SSRI (ICD-10-CM T43.225A) coded as the course begun 2025-06-01
ended" (cards add the code's day, ", 2025-06-21": the course's end is not said twice), matched to the course as an allergy is
(episodes._match_intolerances). A course still running is not marked: the drug was continued
past the adverse effect, so it was tolerated enough to keep taking (its cards stay as they are).
T43.205 (unspecified) is read only within a course: its inclusion term is antidepressant
discontinuation syndrome, which a code after the stop may record instead.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any, Protocol

from fhir_mapping import drug_table
from fhir_mapping.events import MedicationEvent
from fhir_mapping.fhir_fields import codings, parse_date, status_code
from fhir_mapping.record import CodedAdverseEffect, Intolerance, Role, SourceRef

_ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
_VOID = frozenset({"refuted", "entered-in-error"})
_SEVENTH = frozenset("ADS")


@dataclass(frozen=True, slots=True)
class _Row:
    drug_class: str  # "SSRI", or "" when the row lists ingredients or every antidepressant
    ingredients: frozenset[str]
    label: str  # "an SSRI"
    after_end: bool


@dataclass(frozen=True, slots=True)
class AdverseEffectCode:
    """One Condition coded with an antidepressant adverse-effect code."""

    code: str  # as written, "T43.225A"
    row: _Row
    day: date
    source: SourceRef

    def coded(self) -> CodedAdverseEffect:
        """The code as the record keeps it, with the drug table's ingredients it names."""
        covers = tuple(
            i.ingredient
            for i in drug_table.all_drugs()
            if self.names(i.ingredient, i.drug_class, i.role)
        )
        return CodedAdverseEffect(self.code, self.row.label, self.day, self.source, covers)

    def names(self, ingredient: str, drug_class: str, role: Role) -> bool:
        """Whether a course of `ingredient` is of the class the code names."""
        row = self.row
        if row.drug_class:
            return drug_class == row.drug_class
        if row.ingredients:
            return ingredient in row.ingredients
        return role is Role.ANTIDEPRESSANT


@cache
def _rows() -> dict[str, _Row]:
    text = (
        resources.files("fhir_mapping").joinpath("data/adverse_effect_codes.csv").read_text("utf-8")
    )
    rows: dict[str, _Row] = {}
    for row in csv.DictReader(text.splitlines()):
        kind, _, members = row["covers"].partition(":")
        rows[row["code"].upper()] = _Row(
            members if kind == "class" else "",
            frozenset(members.split(";")) if kind == "ingredients" else frozenset(),
            row["label"],
            row["after_end"] == "yes",
        )
    return rows


def code_ingredients(code: str) -> frozenset[str]:
    """The ingredients a code's row lists ("T43025": the tetracyclic antidepressants), for the
    allergy class words that name the same group (allergy_classes.py); empty for a code whose row
    names a class or every antidepressant, or no row."""
    row = _row_of(code)
    return row.ingredients if row is not None else frozenset()


def _row_of(code: str) -> _Row | None:
    """The table's row for an ICD-10-CM code written with or without its dot and 7th character
    ("T43.225A", "T43225", "t43.225d"); None for any other code."""
    plain = code.upper().replace(".", "").strip()
    if len(plain) == 7 and plain[6] in _SEVENTH:
        plain = plain[:6]
    return _rows().get(plain) if len(plain) == 6 else None


def names_adverse_effect(concept: object) -> bool:
    """Cheap filter (resource_routing): whether a Condition's code is one of the table's."""
    return any(s == _ICD10CM and _row_of(c) is not None for s, c, _ in codings(concept))


def read_adverse_effects(
    conditions: Iterable[Mapping[str, Any]], *, as_of: date
) -> tuple[AdverseEffectCode, ...]:
    """The antidepressant adverse-effect codes among the Conditions, each with its day (onset,
    else the day recorded); a refuted or entered-in-error entry, an undated one and one dated
    after `as_of` are left out."""
    found: list[AdverseEffectCode] = []
    for resource in conditions:
        if status_code(resource.get("verificationStatus")) in _VOID:
            continue
        period = resource.get("onsetPeriod")
        day = (
            parse_date(resource.get("onsetDateTime"))
            or (parse_date(period.get("start")) if isinstance(period, Mapping) else None)
            or parse_date(resource.get("recordedDate"))
        )
        if day is None or day > as_of:
            continue
        for system, code, _ in codings(resource.get("code")):
            row = _row_of(code) if system == _ICD10CM else None
            if row is not None:
                rid = resource.get("id")
                source = SourceRef("Condition", rid if isinstance(rid, str) else "")
                found.append(AdverseEffectCode(code, row, day, source))
                break
    return tuple(found)


class _Spanned(Protocol):
    @property
    def event(self) -> MedicationEvent: ...


class _Course(Protocol):
    """What is read of a course_clusters._Cluster."""

    @property
    def start(self) -> date: ...
    @property
    def end(self) -> date: ...
    @property
    def spans(self) -> Sequence[_Spanned]: ...


def course_intolerances(
    codes: Iterable[AdverseEffectCode],
    courses: Sequence[tuple[str, _Course]],
    *,
    as_of: date,
    days: int,
) -> list[Intolerance]:
    """An Intolerance for each finished course of a code's class that ended within `days` of
    the code (module docstring); none for a code no course is near."""
    found: list[Intolerance] = []
    for code in codes:
        for ingredient, course in courses:
            first = course.spans[0].event if course.spans else None
            if first is None or not code.names(ingredient, first.drug_class, first.role):
                continue
            if course.end >= as_of or course.start > code.day:
                continue  # still running, or begun after the code
            after = (code.day - course.end).days  # > 0: the code came after the stop
            if after > (days if code.row.after_end else 0) or -after > days:
                continue
            # The cards add the code's day after it, as after any documented reason
            # (tolerability.brief: "nausea, 2025-06-21").
            reason = (
                f"adverse effect of {code.row.label} (ICD-10-CM {code.code}) coded as the course "
                f"begun {course.start.isoformat()} ended"
            )
            found.append(Intolerance(ingredient, reason, code.day, code.source))
    return found
