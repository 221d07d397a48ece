"""Release formulations with their own labelled ceilings (review 15 W3, M1): data/formulations.csv.

One drug row has one usual maximum, but the labels set it per formulation: bupropion SR at most
400 mg/day and 200 mg a dose, IR 450 mg/day and 150 mg a dose, XL 450 mg/day once daily (the
seizure risk is dose- and peak-related); paroxetine CR up to 62.5 mg/day where the IR maximum is
50; venlafaxine IR up to 375 mg/day in more severely depressed inpatients, XR 225. Which
formulation a draft names is read from its RxCUI (the SCD names the release form: "12 HR ...
Extended Release" is SR, "24 HR" XL, no prefix IR) or, without one, from a word of its name
("Wellbutrin SR", "paroxetine CR"): never from the sig. A draft whose formulation is not named
keeps the drug row's ceiling alone.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import orjson

from fhir_mapping.bounded_memo import remember
from fhir_mapping.dose_basis import product_names, term_pattern
from fhir_mapping.fhir_fields import JSON_OBJECT

Resource = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Formulation:
    key: str
    ingredient: str
    shown_as: str  # "SR", "CR": how a card names it after the drug
    rxcuis: frozenset[str]
    pattern: re.Pattern[str]
    max_mg_day: float | None  # the formulation's labelled (or usual) daily maximum
    max_single_mg: float | None  # no single dose above this (None: no single-dose limit)
    # A higher labelled maximum reserved to a setting (venlafaxine IR: 375 mg/day for more
    # severely depressed inpatients): the card names it beside the usual maximum.
    higher_max_mg_day: float | None
    higher_max_when: str
    reason: str  # why the ceiling matters ("seizure risk is dose-related"), or ""
    cite: str  # the short cite a card prints
    status: str

    @property
    def flag(self) -> str:
        """ " (UNVERIFIED)" after the row's cite on a card when its source was not confirmed."""
        return " (UNVERIFIED)" if self.status == "UNVERIFIED" else ""

    def named_in(self, names: str) -> bool:
        return self.pattern.search(names) is not None


def _mg(text: str) -> float | None:
    return float(text) if text.strip() else None


@cache
def formulations() -> dict[str, Formulation]:
    text = resources.files("fhir_mapping").joinpath("data/formulations.csv").read_text("utf-8")
    found: dict[str, Formulation] = {}
    for row in csv.DictReader(text.splitlines()):
        terms = [t.strip().lower() for t in row["name_terms"].split(";") if t.strip()]
        key = row["key"].strip()
        found[key] = Formulation(
            key=key,
            ingredient=row["ingredient"].strip().lower(),
            shown_as=row["shown_as"].strip(),
            rxcuis=frozenset(c.strip() for c in row["rxcuis"].split(";") if c.strip()),
            pattern=re.compile("|".join(term_pattern(t) for t in terms))
            if terms
            else re.compile("$^"),
            max_mg_day=_mg(row["max_mg_day"]),
            max_single_mg=_mg(row["max_single_mg"]),
            higher_max_mg_day=_mg(row["higher_max_mg_day"]),
            higher_max_when=row["higher_max_when"].strip(),
            reason=row["reason"].strip(),
            cite=row["cite"].strip(),
            status=row["status"].strip(),
        )
    return found


@cache
def _by_ingredient() -> dict[str, tuple[Formulation, ...]]:
    found: dict[str, list[Formulation]] = {}
    for row in formulations().values():
        found.setdefault(row.ingredient, []).append(row)
    return {name: tuple(rows) for name, rows in found.items()}


def formulation_ingredients() -> frozenset[str]:
    """The drugs with formulation rows: the only ones whose records are asked which they name."""
    return _ingredient_names()


@cache
def _ingredient_names() -> frozenset[str]:
    return frozenset(_by_ingredient())


def ceiling_of(key: str | None) -> float | None:
    """The labelled daily maximum of the formulation `key`; None when unknown or not stated."""
    row = get(key)
    return None if row is None else row.max_mg_day


def formulation_of(
    ingredient: str, resource: Resource, medication: Resource | None, display: str = ""
) -> Formulation | None:
    """The formulation the order names: by RxCUI first (exact), then by a word of its name, in
    table order; None when the drug has no rows or the order names no formulation."""
    rows = _by_ingredient().get(ingredient.lower())
    if rows is None:
        return None  # nearly every drug: asked about nothing
    # Remembered by the JSON of what is read (issue 14): a chart's fills of one product repeat
    # one concept, and reading its names and codes cost a fifth of a bupropion fill's mapping.
    # Only strings are read from these fields, so the same JSON always reads the same; what
    # orjson cannot write is read every time.
    reference = resource.get("medicationReference")
    try:
        key = orjson.dumps(
            (
                ingredient,
                resource.get("medicationCodeableConcept"),
                None if medication is None else (medication.get("code"), medication.get("form")),
                display,
                # None first: nearly every order has no reference (no ABC instance check).
                None
                if reference is None or not isinstance(reference, JSON_OBJECT)
                else reference.get("display"),
            )
        )
    except (TypeError, AttributeError):  # orjson.JSONEncodeError; a Medication not an object
        return _formulation_of(rows, resource, medication, display)
    if key in _remembered:
        return _remembered[key]
    return remember(
        _remembered, key, _formulation_of(rows, resource, medication, display), _MEMO_MAX
    )


_MEMO_MAX = 4096
_remembered: dict[bytes, Formulation | None] = {}


def _formulation_of(
    rows: tuple[Formulation, ...], resource: Resource, medication: Resource | None, display: str
) -> Formulation | None:
    names, codes = product_names(resource, medication, display)
    for row in rows:
        if not row.rxcuis.isdisjoint(codes):
            return row
    for row in rows:
        if row.named_in(names):
            return row
    return None


def get(key: str | None) -> Formulation | None:
    return formulations().get(key) if key else None
