"""What an Encounter's class and its psychotherapy code read as, each read once per record build
(issue 14).

One Encounter is asked its class by the routing filter (psychotherapy visit, stay, ED visit,
ambulatory visit), then again by the stays that ended (admissions.py), the stays in progress and
the visits that show one was left (current_stays.py) and the visit risk (visit_risk.py): six
readings of the same `class` per Encounter on a typical chart. Its psychotherapy code is read by
the routing filter and again by read_visits. A `VisitReads` keeps each answer for the build it
belongs to, so each reader asks the memo and the Encounter is read once.

Never global, never across patients: build_record makes one per build and drops it with the
build. An answer is kept under the resource's identity and holds the resource itself, so the id
cannot pass to another object while the memo lives, and `is` rejects anything else. Safe because
both readings are pure functions of the resource's JSON (and of tables read once per process),
and the build never changes a resource it reads.
"""

from __future__ import annotations

from fhir_mapping.admission_codes import ClassKey, Resource, class_key
from fhir_mapping.clinical_codes import ProcedureCode
from fhir_mapping.encounters import psychotherapy_code


class VisitReads:
    """One build's memo of `class_key` and `psychotherapy_code` (module docstring). Not frozen:
    it is a memo, filled as the build reads."""

    __slots__ = ("_classes", "_therapy")

    def __init__(self) -> None:
        self._classes: dict[int, tuple[Resource, ClassKey]] = {}
        self._therapy: dict[int, tuple[Resource, ProcedureCode | None]] = {}

    def class_key(self, resource: Resource) -> ClassKey:
        """admission_codes.class_key(resource), read once per build."""
        entry = self._classes.get(id(resource))
        if entry is not None and entry[0] is resource:
            return entry[1]
        key = class_key(resource)
        self._classes[id(resource)] = (resource, key)
        return key

    def psychotherapy(self, resource: Resource) -> ProcedureCode | None:
        """encounters.psychotherapy_code(resource), read once per build."""
        entry = self._therapy.get(id(resource))
        if entry is not None and entry[0] is resource:
            return entry[1]
        row = psychotherapy_code(resource)
        self._therapy[id(resource)] = (resource, row)
        return row
