"""A reaction that is a class effect (review 16 M5): akathisia on aripiprazole is likely on
brexpiprazole and cariprazine too, since the D2 partial agonists share it. A proposal of another
member of the group names the reaction, the drug it was recorded on and the group on its line,
so the prescriber weighs it before accepting (the drug is still offered: the class is first line
and tolerance differs between members). The groups and reactions are data/class_effects.csv,
with sources."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

from fhir_mapping.concept_words import whole_words
from fhir_mapping.record import Intolerance, PatientRecord
from fhir_mapping.tms_safety import negated, normalise_text
from services import tolerability


@dataclass(frozen=True, slots=True)
class _Effect:
    group: str
    members: frozenset[str]
    reaction: str
    words: re.Pattern[str]
    # The finding kind a reaction of this row recorded on a member is on record as ("nms": NMS
    # on aripiprazole is NMS on record, which holds every antipsychotic back as text only;
    # nms_record.py, fix adj76); "" for a reaction that only says "watch" (akathisia).
    finding: str = ""


@cache
def _effects() -> tuple[_Effect, ...]:
    text = resources.files("services").joinpath("data/class_effects.csv").read_text("utf-8")
    return tuple(
        _Effect(
            row["group"],
            frozenset(m.strip() for m in row["members"].split(";") if m.strip()),
            row["reaction"].strip(),
            whole_words([row["reaction"].strip().lower()]),
            (row.get("finding") or "").strip(),
        )
        for row in csv.DictReader(text.splitlines())
    )


def _says(effect: _Effect, intolerance: Intolerance) -> bool:
    text = normalise_text(intolerance.reason)
    return any(not negated(text, m.start(), m.end()) for m in effect.words.finditer(text))


def _recorded(record: PatientRecord) -> list[tuple[str, Intolerance]]:
    """(drug, intolerance) of every drug held back for intolerance (tolerability.py)."""
    found = [
        (name, t.intolerance)
        for name, t in tolerability.not_tolerated(record).items()
        if t.intolerance is not None
    ]
    found += list(tolerability.documented_without_a_course(record).items())
    return found


def _shared(record: PatientRecord, ingredient: str) -> tuple[str, str, str, str] | None:
    """(reaction, drug, date, group) of the first reaction of a class-effect row recorded on
    another member of `ingredient`'s group, or None."""
    for effect in _effects():
        if ingredient not in effect.members:
            continue
        for drug, intolerance in _recorded(record):
            if drug == ingredient or drug not in effect.members or not _says(effect, intolerance):
                continue
            when = intolerance.date.isoformat() if intolerance.date else "date not recorded"
            return effect.reaction, drug, when, effect.group
    return None


def short_note(record: PatientRecord, ingredient: str) -> str:
    """ "akathisia on aripiprazole 2024-01-10: class effect": `note` in the few words a one-click
    label holds (audit 16 c04: a 153-character label); the card's augment line says it in full."""
    found = _shared(record, ingredient)
    if found is None:
        return ""
    reaction, drug, when, _ = found
    return f"{reaction} on {drug} {when}: class effect"


def note(record: PatientRecord, ingredient: str) -> str:
    """ "akathisia on aripiprazole (2024-01-10), a class effect of the D2 partial agonists" when a
    reaction of a class-effect row was recorded on another member of `ingredient`'s group; ""
    otherwise."""
    found = _shared(record, ingredient)
    if found is None:
        return ""
    reaction, drug, when, group = found
    return f"{reaction} on {drug} ({when}), a class effect of the {group}"


def findings_recorded(record: PatientRecord) -> list[tuple[str, str, str, Intolerance]]:
    """(finding kind, its reaction as the kind's first row names it, drug, intolerance) for each
    reaction of a row with a `finding` recorded on one of its members, in the order recorded. Every entry on record counts, settled by a later
    course or not: NMS does not become history that a re-challenge clears (review K73a finding
    1: NMS on aripiprazole left brexpiprazole one click)."""
    entries = [t.intolerance for t in record.trials if t.intolerance is not None]
    entries += [i for i in record.intolerances if i not in entries]
    named: dict[str, str] = {}
    for effect in _effects():
        named.setdefault(effect.finding, effect.reaction)
    found: list[tuple[str, str, str, Intolerance]] = []
    for intolerance in sorted(entries, key=lambda i: i.date or date.min):
        for effect in _effects():
            if (
                effect.finding
                and intolerance.ingredient in effect.members
                and _says(effect, intolerance)
            ):
                found.append(
                    (effect.finding, named[effect.finding], intolerance.ingredient, intolerance)
                )
                break
    return found
