"""A medication record whose own words disagree with its code (review 18a W1).

A local product mapped to the wrong RxNorm code is a known fault of interface feeds: the code
says fluoxetine 60 mg tablet while the name the prescriber picked says "Escitalopram 20mg tab",
or the code says citalopram 20 mg tablet while its display and its sig say 40 mg. The code used
to win in silence (drug_concept.py reads a code-level match on its own), so a 75-year-old on
citalopram 40 mg by every word of the record was read at 20 mg/day and got no age-limit card.
Which of the two is right cannot be told from the record, so neither wins:

- the DRUG (`drug_conflict`): the code names other drugs than the name does. The record is "to
  confirm": left out of the trials (a DataGap naming both readings on the data-quality card),
  and, when it says the drug is taken now, both drugs are `taken_now`, so every safety check
  that asks what is running (MAOI washout, interactions) fires for either reading;
- the DOSE (`with_stated_dose`): the mg/day read with the code's strength differs from the one
  read with the strength the name states, or from the mg the sig states ("1 tablet (40 mg)").
  The dose is "to confirm" as taper.py's unclear dosage lines are (no lower end, the highest
  reading as its upper end): no dose is proven for adequacy, and the maximum, age and QT limits
  are judged at the higher reading (course_events._to_confirm_upper; the cards say "up to N
  mg/day (dose to confirm)"). The note names every reading.

Quiet where they agree, and where the sig's number is not a dose ("1 tablet daily", "take 2": a
count is read with the product's strength, which is the reading already made). Only a record of
one drug is checked for its dose: a combination product's mg do not say which component they
count. The text naming a drug off this pathway beside a pathway code (a code for sertraline, the
name "lisinopril") is not seen: the text reader knows only the pathway's drugs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import orjson

from fhir_mapping.bounded_memo import remember
from fhir_mapping.code_systems import ATC, RXNORM
from fhir_mapping.dose import daily_amounts, daily_dose_bounds
from fhir_mapping.dose_sig import is_taper
from fhir_mapping.drug_concept import ConceptLook, _read_concept, _texts, concept_key
from fhir_mapping.events import MedicationEvent
from fhir_mapping.fhir_fields import JSON_OBJECT, codings
from fhir_mapping.product_text import parse_product_text
from fhir_mapping.record import DoseBasis
from fhir_mapping.terminology import Component

# The gap reason of a record whose code and name name different drugs. No drug names: reasons go
# to the logs; the card line names both readings from DataGap.stated and taken_now.
DRUG_TO_CONFIRM = "drug to confirm: its code and its name give different drugs"
# A fill whose own product names another drug than the one order it fills (session 21 X1 item 1:
# fill_order_drug.order_mismatch): to confirm as the record above is, for the same reason.
FILL_ORDER_TO_CONFIRM = "drug to confirm: the fill and its order give different drugs"
# Every reason of a record that gives two drugs where one was taken, at most.
TWO_DRUGS_TO_CONFIRM = frozenset({DRUG_TO_CONFIRM, FILL_ORDER_TO_CONFIRM})

_DAILY = DoseBasis.DAILY
# How a dose-to-confirm note of a disagreement starts, after its source: `readings` finds it.
_MARK = "dose to confirm, the record disagrees with itself: "
# Two readings closer than this are the same dose (rounding of 37.5 / 0.5 mg strengths).
_SAME_MG = 0.01


@dataclass(frozen=True, slots=True)
class NameReading:
    """What a concept's code says beside what its name says, when they disagree.

    `code_drugs` / `name_drugs`: the ingredients each names (different sets: the drug is to
    confirm); `code_said` / `name_said`: how each is written ("fluoxetine 60 MG Oral Tablet",
    "Escitalopram 20mg tab"); `name_strengths`: the strength the name states for an ingredient
    of the code's product when it is not the code's (citalopram: 40 where the code says 20)."""

    code_drugs: tuple[str, ...]
    name_drugs: tuple[str, ...]
    code_said: str
    name_said: str
    name_strengths: tuple[tuple[str, float], ...] = ()

    @property
    def drug_differs(self) -> bool:
        return bool(self.name_drugs) and not set(self.name_drugs) <= set(self.code_drugs)

    def stated(self) -> str:
        """The card line's words beside the record's id: both readings, as written."""
        return f"code: {self.code_said}; name: {self.name_said}"


def _code_only(concept: Mapping[str, Any]) -> dict[str, Any]:
    """The concept's drug codes alone (no text, no display): what the code says by itself."""
    return {
        "coding": [
            {"system": system, "code": code}
            for system, code, _ in codings(concept)
            if system in (RXNORM, ATC)
        ]
    }


def _read(concept: Mapping[str, Any]) -> NameReading | None:
    texts = _texts(concept)
    if not texts:
        return None
    coded = _read_concept(_code_only(concept))
    if not coded:
        return None  # no code the tables know: the name is the only reading
    code_drugs = tuple(c.ingredient for c in coded)
    code_said = coded[0].display or " / ".join(code_drugs)
    # Every name the record gives (its text, each display): one that names another drug is a
    # disagreement even when another name agrees.
    strengths: dict[str, float] = {}
    said = ""
    for text in texts:
        named = parse_product_text(text)
        if not named:
            continue
        drugs = tuple(c.ingredient for c in named)
        if not set(drugs) <= set(code_drugs):
            return NameReading(code_drugs, drugs, code_said, text)
        for component in named:
            code = next(c for c in coded if c.ingredient == component.ingredient)
            if (
                component.strength_mg is not None
                and code.strength_mg is not None
                and component.per_ml == code.per_ml
                and abs(component.strength_mg - code.strength_mg) > _SAME_MG
                and component.ingredient not in strengths
            ):
                strengths[component.ingredient] = component.strength_mg
                said = said or text
    if strengths:
        return NameReading(code_drugs, code_drugs, code_said, said, tuple(strengths.items()))
    return None


# Remembered by the concept's JSON, as drug_concept.concept_reading is (issue 14): the same
# products recur across a chart's fills and across charts.
_MAX = 4096
_remembered: dict[bytes, NameReading | None] = {}


def name_reading(concept: object, key: bytes | None = None) -> NameReading | None:
    """The disagreement between a CodeableConcept's drug code and its text or displays, or None
    when they agree, when it has no code the tables know, or no name. `key` is the concept's
    memo key when the caller has it (drug_concept.concept_look), so it is written once."""
    if not isinstance(concept, JSON_OBJECT):
        return None
    # Written as drug_concept writes it: a value JSON would write like another (a date as its
    # text) is read every time, not taken for that other.
    if key is None and (key := concept_key(concept)) is None:
        return _read(concept)
    try:  # one look-up (a None answer is remembered too)
        return _remembered[key]
    except KeyError:
        pass
    return remember(_remembered, key, _read(concept), _MAX)


def record_concept(
    resource: Mapping[str, Any], medication: Mapping[str, Any] | None
) -> Mapping[str, Any] | None:
    """The concept a medication resource names its drug by: its medicationCodeableConcept, else
    the code of the Medication it references."""
    concept = resource.get("medicationCodeableConcept")
    if isinstance(concept, JSON_OBJECT):
        return concept
    if medication is not None and isinstance(medication.get("code"), JSON_OBJECT):
        code: Mapping[str, Any] = medication["code"]
        return code
    return None


def drug_conflict(
    resource: Mapping[str, Any],
    medication: Mapping[str, Any] | None,
    look: ConceptLook | None = None,
) -> NameReading | None:
    """The reading of a record whose code and name give different drugs, else None. `look` is
    that of the resource's own concept (medication_drug.drug_look), which record_concept reads
    whenever there is one."""
    found = name_reading(record_concept(resource, medication), None if look is None else look[0])
    return found if found is not None and found.drug_differs else None


# _sig_mg's answers by the dosage line's JSON (issue 14: reading a sig's words runs dose.py's
# sig regular expressions twice, ~11 M instructions on a typical chart's first sight when every
# order and fill was read afresh). The answer depends on the line alone, so the line's exact
# JSON is its key; sigs repeat across fills and charts ("Take 1 tablet (50 mg total) by mouth
# daily"). Bounded: cleared when full, as a few thousand distinct sigs is a busy day.
_SIG_MG_SEEN: dict[bytes, tuple[float | None, float | None] | None] = {}
_SIG_MG_MAX = 4096


def _sig_mg(dosages: Sequence[Mapping[str, Any]]) -> tuple[float | None, float | None] | None:
    """`_sig_mg_of` of a single dosage line, remembered by its JSON (`_SIG_MG_SEEN`); None for
    any other count of lines."""
    if len(dosages) != 1:
        return None
    line = dosages[0]
    try:
        key = orjson.dumps(line)
    except TypeError:  # not plain JSON (a test's object): read it without remembering
        return _sig_mg_of(line)
    try:
        return _SIG_MG_SEEN[key]
    except KeyError:
        pass
    return remember(_SIG_MG_SEEN, key, _sig_mg_of(line), _SIG_MG_MAX)


def _sig_mg_of(line: Mapping[str, Any]) -> tuple[float | None, float | None] | None:
    """The mg/day the sig text states, when its one line gives its dose as a count of the
    product ("1 tablet", the structured dose) and its words state the mg of it ("Take 1 tablet
    (40 mg) by mouth daily"). None when the sig states no mg (a count alone is no dose of its
    own: the product's strength reads it), or when the line is a taper or titration (taper.py
    reads its steps)."""
    structured = daily_amounts([line])
    if structured is None or len(structured) != 1 or structured[0].kind != "count":
        return None
    texts = [t for t in (line.get("text"), line.get("patientInstruction")) if isinstance(t, str)]
    if not texts or any(is_taper(t) for t in texts):
        return None
    # The line as its words alone say it: dose.py reads the sig when no structured dose is there.
    words = {k: v for k, v in line.items() if k not in ("doseAndRate", "doseQuantity", "doseRange")}
    said = daily_amounts([words])
    if said is None or len(said) != 1 or said[0].kind != "mass":
        return None
    return daily_dose_bounds([words])


def _same(a: tuple[float | None, float | None], b: tuple[float | None, float | None]) -> bool:
    return all(
        (x is None) == (y is None) and (x is None or y is None or abs(x - y) <= _SAME_MG)
        for x, y in zip(a, b, strict=True)
    )


def _mg(bounds: tuple[float | None, float | None]) -> str:
    low, high = bounds
    if low is None:
        return "not read"
    return f"{low:g}-{high:g} mg/day" if high is not None else f"{low:g} mg/day"


def stated_doses(
    resource: Mapping[str, Any],
    medication: Mapping[str, Any] | None,
    dosages: Sequence[Mapping[str, Any]],
    component: Component,
) -> tuple[str, list[tuple[str, tuple[float | None, float | None]]]]:
    """(what the reading made gives its dose by, the other readings of the dose of a record of
    one drug: the name's strength, the sig's mg), empty when nothing else states the dose."""
    named = name_reading(record_concept(resource, medication))
    name_strength = dict(named.name_strengths).get(component.ingredient) if named else None
    sig = _sig_mg(dosages)
    stated: list[tuple[str, tuple[float | None, float | None]]] = []
    if name_strength is None and sig is None:
        return "", stated  # nearly every record: nothing else states the dose
    if name_strength is not None and named is not None:
        stated.append(
            (
                f"the name ({named.name_said})",
                daily_dose_bounds(dosages, strength_mg=name_strength, per_ml=component.per_ml),
            )
        )
    if sig is not None:
        stated.append(("the sig", sig))
    where = "the code's strength" if named is not None else "the product's strength"
    return f"{where} ({component.display or 'as coded'})", stated


def dose_disagreement(
    own: tuple[float | None, float | None],
    where: str,
    stated: Sequence[tuple[str, tuple[float | None, float | None]]],
) -> tuple[float, str] | None:
    """(the highest reading, the note naming every reading) when a dose read as `own` from
    `where` differs from one of the `stated` ones (`stated_doses`), else None."""
    others = [(who, mg) for who, mg in stated if mg[0] is not None and not _same(mg, own)]
    if not others or own[0] is None:
        return None
    upper = max(
        (hi if hi is not None else lo) for _, (lo, hi) in [("", own), *others] if lo is not None
    )
    said = ", ".join(f"{who} {_mg(mg)}" for who, mg in others)
    note = (
        f"{_MARK}{where} gives {_mg(own)}, {said}; its ceilings are checked at the higher, "
        f"{upper:g} mg/day"
    )
    return upper, note


def with_stated_dose(
    events: list[MedicationEvent],
    resource: Mapping[str, Any],
    medication: Mapping[str, Any] | None,
    dosages: Sequence[Mapping[str, Any]],
    components: Sequence[Component],
) -> list[MedicationEvent]:
    """`events` (one resource's, of one drug) with their dose to confirm when the readings of
    it disagree (module docstring), else as they are."""
    if not events or len(components) != 1 or not dosages:
        return events
    where, stated = stated_doses(resource, medication, dosages, components[0])
    if not stated:
        return events
    changed = []
    for event in events:
        if (
            event.mg_per_day is None
            or event.dose_basis is not _DAILY
            or event.dose_equivalence is not None
            or event.taper is not None
        ):
            changed.append(event)
            continue
        found = dose_disagreement((event.mg_per_day, event.mg_per_day_high), where, stated)
        if found is None:
            changed.append(event)
            continue
        upper, note = found
        changed.append(
            replace(
                event,
                mg_per_day=None,
                mg_per_day_high=upper,
                notes=(*event.notes, f"{event.source}: {note}"),
            )
        )
    return changed


def name_components(reading: NameReading) -> tuple[Component, ...]:
    """The drugs a record's name gives that its code does not, as the name states them (with
    its strength): the other reading of a record whose drug is to confirm."""
    return tuple(
        c for c in parse_product_text(reading.name_said) if c.ingredient not in reading.code_drugs
    )


def confirm_line(reading: NameReading) -> str:
    """What a draft whose code and name give different drugs says on its cards: both readings,
    and that every check was made for either."""
    return (
        f"coded {' / '.join(reading.code_drugs)}, named {' / '.join(reading.name_drugs)} "
        f"({reading.stated()}): confirm the drug before signing; the order is checked as "
        "either drug"
    )


def readings(notes: Sequence[str]) -> str | None:
    """The readings of the latest dose-to-confirm note of a disagreement among a course's notes
    ("the code's strength (citalopram 20 MG Oral Tablet) gives 20 mg/day, the name (...) 40
    mg/day, the sig 40 mg/day"), for the cards that say the dose is to confirm; None when the
    dose is not to confirm for that reason."""
    for note in reversed(notes):
        at = note.find(_MARK)
        if at != -1:
            return note[at + len(_MARK) :].split("; ", 1)[0]
    return None
