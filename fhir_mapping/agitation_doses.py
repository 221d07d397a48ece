"""An antipsychotic given only as needed, or as one-time injections, is no augmentation course
(review s27 RE finding 4).

On a psychiatric ward, haloperidol 5 mg IM "q6h PRN severe agitation" and olanzapine 10 mg IM
"once" are rapid tranquillisation (NICE NG10), not an augmentation strategy for the depression.
Before, such orders were read as adjunct courses: the optimise card said "Adjuncts already used in
this episode: haloperidol, olanzapine", the Maudsley staging scored "Augmentation 1 (used)"
(Fekadu 2009 scores augmentation used for the depression), and --explain built an ongoing
haloperidol "augmentation" trial. As low-dose trazodone for sleep is "not-a-trial
(low-dose-other-indication)", such a course is now NOT_A_TRIAL (AS_NEEDED_OR_ONE_TIME): shown in
the history, never an adjunct used, a failed or current augmentation, nor staged (the rules leave
NOT_A_TRIAL courses out: services/episode_trials.episode_augmentations).

Rules (data/agitation_doses.csv):
- the course is of an adjunct (Role.AUGMENTATION) whose drug class names a `drug_class` row
  (antipsychotic);
- every record of it that states a dosage is either as needed (asNeededBoolean /
  asNeededCodeableConcept: MedicationEvent.as_needed; an oral PRN antipsychotic too: as needed is
  no daily augmentation course), or a one-time parenteral dose (`one_time_parenteral`): every
  dosage line with timing.repeat.count 1, or the order's priority `stat`, given by a `route` code
  (SNOMED CT 78421000 intramuscular, 47625008 intravenous; v3 IM, IVINJ) or `route_text` word,
  of a product no `long_acting` word names (an order of one injection of a long-acting
  injectable is a scheduled course: haloperidol decanoate, Abilify Maintena);
- records stating no dosage (a dispense without a sig, a MAR-only course) say nothing either way;
  a course of only those stays a course.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping.dose_basis import _texts as record_texts
from fhir_mapping.dose_basis import term_pattern
from fhir_mapping.events import MedicationEvent
from fhir_mapping.fhir_fields import JSON_OBJECT, codings, concept_text
from fhir_mapping.record import InadequacyReason, Role, Verdict

Resource = Mapping[str, Any]
Judged = tuple[Verdict, tuple[InadequacyReason, ...], tuple[str, ...]]

_AUGMENTATION = Role.AUGMENTATION


@dataclass(frozen=True, slots=True)
class _Terms:
    routes: frozenset[tuple[str, str]]  # (system, code)
    route_words: re.Pattern[str] | None
    drug_classes: tuple[str, ...]
    long_acting: re.Pattern[str] | None


def _pattern(terms: Sequence[str]) -> re.Pattern[str] | None:
    return re.compile("|".join(term_pattern(t) for t in terms)) if terms else None


@cache
def _terms() -> _Terms:
    path = resources.files("fhir_mapping").joinpath("data/agitation_doses.csv")
    rows = list(csv.DictReader(path.read_text("utf-8").splitlines()))

    def words(kind: str) -> list[str]:
        return [
            w.strip().lower()
            for r in rows
            if r["kind"] == kind
            for w in r["term"].split(";")
            if w.strip()
        ]

    return _Terms(
        routes=frozenset((r["system"], r["code"]) for r in rows if r["kind"] == "route"),
        route_words=_pattern(words("route_text")),
        drug_classes=tuple(words("drug_class")),
        long_acting=_pattern(words("long_acting")),
    )


def covers(drug_class: str) -> bool:
    """Whether a drug of this class (the drug table's) is read by these rules."""
    lowered = drug_class.lower()
    return any(c in lowered for c in _terms().drug_classes)


def parenteral(route: object) -> bool:
    """Whether a dosage.route names an intramuscular or intravenous route (the table's `route`
    codes or `route_text` words; also read by interval_doses.py)."""
    if not isinstance(route, JSON_OBJECT):
        return False
    terms = _terms()
    coded = codings(route)
    if any((system, code) in terms.routes for system, code, _ in coded):
        return True
    text = concept_text(route, coded)
    return bool(text) and terms.route_words is not None and bool(terms.route_words.search(text))


def _once(line: Mapping[str, Any]) -> bool:
    timing = line.get("timing")
    repeat = timing.get("repeat") if isinstance(timing, JSON_OBJECT) else None
    return isinstance(repeat, JSON_OBJECT) and repeat.get("count") == 1


def one_time_parenteral(
    resource: Resource, dosages: Sequence[Mapping[str, Any]], medication: Resource | None
) -> bool:
    """Whether the record is one parenteral dose (module docstring): every dosage line given
    once (timing.repeat.count 1) or the order `stat`, every line by an IM / IV route, and no
    long-acting product named."""
    if not dosages or not all(parenteral(line.get("route")) for line in dosages):
        return False
    if not (resource.get("priority") == "stat" or all(_once(line) for line in dosages)):
        return False
    long_acting = _terms().long_acting
    return long_acting is None or not long_acting.search(record_texts(resource, medication))


def agitation_course(
    events: Sequence[MedicationEvent], ingredient: str, role: Role, judged: Judged
) -> Judged:
    """`judged`, or NOT_A_TRIAL (AS_NEEDED_OR_ONE_TIME) for an antipsychotic adjunct's course
    whose every record stating a dosage is as needed or a one-time parenteral dose."""
    if role is not _AUGMENTATION or not events or not covers(events[0].drug_class):
        return judged
    stated = [e for e in events if e.as_needed is not None or e.one_time_parenteral]
    if not stated or not all(e.as_needed or e.one_time_parenteral for e in stated):
        return judged
    note = (
        f"{ingredient} ordered only as needed or as one-time injections (e.g. for agitation): "
        "not an augmentation course, not counted as a trial"
    )
    return Verdict.NOT_A_TRIAL, (InadequacyReason.AS_NEEDED_OR_ONE_TIME,), (note,)
