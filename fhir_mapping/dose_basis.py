"""Doses that are not mg/day: per session (esketamine) or per injection interval (long-acting
injectables), issue 11 item 5b.

The dose reader (dose.py) turns every dosage into mg/day: 56 mg twice weekly reads as 16 mg/day,
aripiprazole 400 mg every 4 weeks as 14.3 mg/day. That average is right for supply arithmetic and
wrong anywhere a clinician reads or judges a dose, so the events and drafts of such a drug carry
their `DoseBasis` and the dose per administration instead; the rules never compare them with a
mg/day range and the cards show "56 mg per session".

Which drugs and forms: data/dose_basis.csv (a row with no form terms applies to every form of the
drug; otherwise one of the words must appear in the medication's name, form, route or sig: "*"
ends a word prefix, as in procedure_terms.csv).
"""

from __future__ import annotations

import csv
import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping.dose import frequency_per_day, sig_frequency
from fhir_mapping.fhir_fields import array, concept_text
from fhir_mapping.record import DoseBasis, DraftOrder

Resource = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class BasisRule:
    ingredient: str
    basis: DoseBasis
    pattern: re.Pattern[str] | None  # None: every form of the drug
    shown_as: str  # "per session", "per injection"


def _term(term: str) -> str:
    if term.endswith("*"):
        return r"\b" + re.escape(term[:-1])
    return r"\b" + re.escape(term) + r"\b"


@cache
def rules() -> dict[str, BasisRule]:
    text = resources.files("fhir_mapping").joinpath("data/dose_basis.csv").read_text("utf-8")
    found: dict[str, BasisRule] = {}
    for row in csv.DictReader(text.splitlines()):
        terms = [t.strip().lower() for t in row["form_terms"].split(";") if t.strip()]
        found[row["ingredient"].strip().lower()] = BasisRule(
            ingredient=row["ingredient"].strip().lower(),
            basis=DoseBasis(row["dose_basis"].strip()),
            pattern=re.compile("|".join(_term(t) for t in terms)) if terms else None,
            shown_as=row["shown_as"].strip(),
        )
    return found


def shown_as(ingredient: str) -> str:
    """How the dose of a non-daily drug is labelled ("per session"); "" for a daily drug."""
    rule = rules().get(ingredient.lower())
    return rule.shown_as if rule is not None else ""


def _dosages(resource: Resource) -> list[Mapping[str, Any]]:
    field = (
        "dosage" if resource.get("resourceType") == "MedicationStatement" else ("dosageInstruction")
    )
    return [d for d in array(resource.get(field)) if isinstance(d, Mapping)]


def _texts(resource: Resource, medication: Resource | None) -> str:
    """Lower-cased names, forms, routes and sigs the form terms are looked for in."""
    parts = [concept_text(resource.get("medicationCodeableConcept"))]
    reference = resource.get("medicationReference")
    if isinstance(reference, Mapping) and isinstance(reference.get("display"), str):
        parts.append(reference["display"].lower())
    if isinstance(medication, Mapping):
        parts += [concept_text(medication.get("code")), concept_text(medication.get("form"))]
    for line in _dosages(resource):
        parts += [concept_text(line.get("route")), concept_text(line.get("method"))]
        parts += [
            str(line[key]).lower()
            for key in ("text", "patientInstruction")
            if isinstance(line.get(key), str)
        ]
    return " | ".join(p for p in parts if p)


def basis_of(ingredient: str, resource: Resource, medication: Resource | None) -> DoseBasis:
    rule = rules().get(ingredient.lower())
    if rule is None:
        return DoseBasis.DAILY
    if rule.pattern is None or rule.pattern.search(_texts(resource, medication)):
        return rule.basis
    return DoseBasis.DAILY


def _administrations_per_day(dosages: Sequence[Mapping[str, Any]]) -> float | None:
    """Administrations per day of the one governing dosage line (the last sequence); None when
    several lines share it (a split dose has no single amount per administration)."""
    sequences = [d.get("sequence") for d in dosages if isinstance(d.get("sequence"), int)]
    lines = (
        [d for d in dosages if d.get("sequence") == max(sequences)]  # type: ignore[type-var]
        if len(set(sequences)) > 1
        else list(dosages)
    )
    if len(lines) != 1:
        return None
    line = lines[0]
    per_day = frequency_per_day(line.get("timing"))
    if per_day is None:
        for key in ("text", "patientInstruction"):
            value = line.get(key)
            if isinstance(value, str) and (found := sig_frequency(value)) is not None:
                per_day = found
                break
    return per_day if per_day else None


def per_administration_mg(mg_per_day: float | None, resource: Resource) -> float | None:
    """The dose of one session or injection: the averaged mg/day times the days between doses."""
    if mg_per_day is None:
        return None
    per_day = _administrations_per_day(_dosages(resource))
    if per_day is None:
        return None
    return round(mg_per_day / per_day, 2)


def mark_draft(draft: DraftOrder, resource: Resource, medication: Resource | None) -> DraftOrder:
    basis = basis_of(draft.ingredient, resource, medication)
    if basis is DoseBasis.DAILY:
        return draft
    # No mg/day range applies to a session or injection dose: the order checks never judge it.
    return dataclasses.replace(
        draft,
        dose_basis=basis,
        mg_per_administration=per_administration_mg(draft.mg_per_day, resource),
        min_adequate_mg=None,
        max_mg=None,
    )
