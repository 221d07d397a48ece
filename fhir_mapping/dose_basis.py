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
from fhir_mapping.dose_amount import ordered_dose, quantity_amount
from fhir_mapping.dose_steps import governing_lines
from fhir_mapping.fhir_fields import JSON_OBJECT, array, codings, concept_text
from fhir_mapping.record import DoseBasis, DraftOrder

Resource = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class BasisRule:
    ingredient: str
    basis: DoseBasis
    pattern: re.Pattern[str] | None  # None: every form of the drug
    shown_as: str  # "per session", "per injection"


def term_pattern(term: str) -> str:
    """A regular expression for one term of a table's term list: a whole word, or with a
    trailing "*" a word start ("anaesthe*")."""
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
            pattern=re.compile("|".join(term_pattern(t) for t in terms)) if terms else None,
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
    """Administrations per day of the one governing dosage line (the last sequence, as dose.py
    reads it: dose_steps.governing_lines); None when several lines share it (a split dose has
    no single amount per administration)."""
    lines = governing_lines(dosages)
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
    """The dose of one session or injection: the averaged mg/day times the days between doses;
    else, with no mg/day or no frequency to read (olanzapine 10 mg IM once, timing count 1:
    review s27 RE finding 8, read as "dose per injection not recorded"), the one governing
    line's dose in mg, which is the dose of one administration."""
    dosages = _dosages(resource)
    per_day = None if mg_per_day is None else _administrations_per_day(dosages)
    if mg_per_day is None or per_day is None:
        return _one_dose_mg(dosages)
    return round(mg_per_day / per_day, 2)


def _one_dose_mg(dosages: Sequence[Mapping[str, Any]]) -> float | None:
    """The mg of one administration the single governing dosage line states, else None."""
    lines = governing_lines(dosages)
    entry = ordered_dose(lines[0]) if len(lines) == 1 else None
    amount = quantity_amount(entry.get("doseQuantity")) if entry is not None else None
    return amount[0] if amount is not None and amount[1] == "mass" else None


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


# --------------------------------------------------------------------------------------------
# Dose equivalents: a product whose mg are not the mg the ranges are written in.
#
# Aplenzin is bupropion hydrobromide: 522 mg of it is 450 mg of the hydrochloride the bupropion
# range (max 450 mg/day) is written in, so 522 mg read as such is a false "above maximum" and an
# overstated trial. Prozac Weekly is 90 mg once a week, the labelled switch from 20 mg/day: read
# as 90/7 = 12.86 mg/day it makes a patient stable on it look under-dosed. The events and drafts
# of such a product carry the reference dose in `mg_per_day` (so every check judges it against
# the range as written) and the key of their row, so the cards can say what the record says
# beside it ("HBr 522 mg/day (= 450 mg bupropion HCl)"). Which products: data/dose_equivalents.csv
# (RxCUIs, and words looked for in the drug's name only: never in the sig, where "weekly" would
# turn a daily product's odd sig into 140 mg/day).


@dataclass(frozen=True, slots=True)
class Equivalence:
    key: str
    ingredient: str
    rxcuis: frozenset[str]
    pattern: re.Pattern[str]
    # The words of `pattern` as plain lower-case text: a name holding none of them cannot match
    # it, and `in` answers that at C speed where the word-bounded regex tries every position of
    # the name (5 us on a 130-character name; issue 14: every bupropion and fluoxetine event).
    words: tuple[str, ...]
    written_mg: float  # this many mg of the product, taken once per `per_days` days ...
    per_days: float
    equivalent_mg: float  # ... is this many mg/day of the reference form
    written_prefix: str  # "HBr": how the written dose is named after the ingredient
    written_unit: str  # "mg/day", "mg weekly"
    equivalent_unit: str  # "mg bupropion HCl", "mg/day"
    # What raising the dose means when the product has no higher strength of its own (Prozac
    # Weekly: 90 mg only, so a raise is a daily product: review s22 RU finding 7); "" when the
    # product itself has higher strengths (Aplenzin 348, 522).
    raise_means: str = ""
    raise_short: str = ""  # the same in a summary's words: "daily, not weekly"

    def named_in(self, names: str) -> bool:
        """True when one of the row's words is a word (or word prefix) of `names`."""
        for word in self.words:
            if word in names:
                return self.pattern.search(names) is not None
        return False

    def reference_mg(self, mg_per_day: float | None) -> float | None:
        """The reference mg/day of the product's mg/day as the record states it (a weekly dose
        as its average mg/day)."""
        if mg_per_day is None:
            return None
        # To 2 decimals: the mg/day it scales is already rounded (90 mg weekly is 12.8571 mg/day),
        # and 19.9999 must not read as below a 20 mg/day minimum.
        return round(mg_per_day * self.per_days * self.equivalent_mg / self.written_mg, 2)

    def written(self, reference_mg: float) -> float:
        """The dose as the record writes it (per day, or per week), from the reference mg/day."""
        return reference_mg * self.written_mg / self.equivalent_mg

    def text(self, reference_mg: float | None, reference_high: float | None = None) -> str:
        """ "HBr 522 mg/day (= 450 mg bupropion HCl)", "90 mg weekly (= 20 mg/day)": the dose as
        written and its equivalent, with the unit; a range has both ends."""

        def ends(low: float | None, high: float | None, scale: bool) -> str:
            def one(mg: float | None) -> str:
                if mg is None:
                    return "unknown"
                value = self.written(mg) if scale else mg
                return f"{round(value, 2):g}"

            if high is None:
                return one(low)
            return f"{one(low)}-{one(high)}" if low is not None else f"up to {one(high)}"

        prefix = f"{self.written_prefix} " if self.written_prefix else ""
        return (
            f"{prefix}{ends(reference_mg, reference_high, True)} {self.written_unit} "
            f"(= {ends(reference_mg, reference_high, False)} {self.equivalent_unit})"
        )


@cache
def equivalences() -> dict[str, Equivalence]:
    text = resources.files("fhir_mapping").joinpath("data/dose_equivalents.csv").read_text("utf-8")
    found: dict[str, Equivalence] = {}
    for row in csv.DictReader(text.splitlines()):
        terms = [t.strip().lower() for t in row["name_terms"].split(";") if t.strip()]
        found[row["key"].strip()] = Equivalence(
            key=row["key"].strip(),
            ingredient=row["ingredient"].strip().lower(),
            rxcuis=frozenset(c.strip() for c in row["rxcuis"].split(";") if c.strip()),
            pattern=re.compile("|".join(term_pattern(t) for t in terms))
            if terms
            else re.compile("$^"),
            words=tuple(t.removesuffix("*") for t in terms),
            written_mg=float(row["written_mg"]),
            per_days=float(row["per_days"]),
            equivalent_mg=float(row["equivalent_mg"]),
            written_prefix=row["written_prefix"].strip(),
            written_unit=row["written_unit"].strip(),
            equivalent_unit=row["equivalent_unit"].strip(),
            raise_means=(row.get("raise_means") or "").strip(),
            raise_short=(row.get("raise_short") or "").strip(),
        )
    return found


@cache
def equivalence_ingredients() -> frozenset[str]:
    """The ingredients some row applies to: any other drug is read as written without asking."""
    return frozenset(e.ingredient for e in equivalences().values())


@cache
def _rows_by_ingredient() -> dict[str, tuple[Equivalence, ...]]:
    """The rows of each ingredient, in table order (the first that applies wins): one look-up
    per drug instead of a scan of the table."""
    found: dict[str, list[Equivalence]] = {}
    for row in equivalences().values():
        found.setdefault(row.ingredient, []).append(row)
    return {ingredient: tuple(rows) for ingredient, rows in found.items()}


def _names(resource: Resource, medication: Resource | None, display: str) -> tuple[str, set[str]]:
    """(lower-cased names of the drug, its codes): the concept's and the Medication's codings,
    text and form, the reference's display and the recognised product's display."""
    concepts = [resource.get("medicationCodeableConcept")]
    # JSON_OBJECT, and None first: an absent Medication or reference (nearly every order) is
    # answered without the Mapping ABC check (issue 14); any Mapping still reads the same way.
    if medication is not None and isinstance(medication, JSON_OBJECT):
        concepts += [medication.get("code"), medication.get("form")]
    parts = [display.lower()]
    codes: set[str] = set()
    for concept in concepts:
        coded = codings(concept)
        codes.update(code for _, code, _ in coded)
        parts.append(concept_text(concept, coded))
    reference = resource.get("medicationReference")
    if (
        reference is not None
        and isinstance(reference, JSON_OBJECT)
        and isinstance(reference.get("display"), str)
    ):
        parts.append(reference["display"].lower())
    return " | ".join(p for p in parts if p), codes


def product_names(
    resource: Resource, medication: Resource | None, display: str = ""
) -> tuple[str, set[str]]:
    """(lower-cased names of the drug, its codes), as `equivalence_of` reads them: also read by
    formulations.py (which release form an order names)."""
    return _names(resource, medication, display)


def equivalence_of(
    ingredient: str, resource: Resource, medication: Resource | None, display: str = ""
) -> Equivalence | None:
    """The dose-equivalent row of this product (by RxCUI, else by a word of its name), or None:
    its mg are then the mg the ranges are written in."""
    rows = _rows_by_ingredient().get(ingredient.lower())
    if rows is None:
        return None
    names, codes = _names(resource, medication, display)
    for row in rows:
        if not row.rxcuis.isdisjoint(codes) or row.named_in(names):
            return row
    return None


def shown_dose(key: str | None, mg_per_day: float | None, high: float | None = None) -> str | None:
    """The dose as written beside its equivalent for a product with a dose-equivalent row (`key`,
    as the events, trials and drafts carry it); None for any other product."""
    row = equivalences().get(key) if key else None
    return row.text(mg_per_day, high) if row is not None else None


def raise_means(key: str | None) -> tuple[str, str] | None:
    """(the sentence's words, the summary's words) of what a higher dose of a product means when
    the product has no higher strength of its own ("a daily fluoxetine product (the weekly capsule
    comes in 90 mg only)", "daily, not weekly"); None for any other product."""
    row = equivalences().get(key) if key else None
    if row is None or not row.raise_means:
        return None
    return row.raise_means, row.raise_short or row.raise_means
