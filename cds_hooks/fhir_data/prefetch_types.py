"""Whether a prefetch key holds the resource type its template asks for (review s24 W2).

A key of the service's (services/catalog.py: `conditions` is "Condition?patient=...", so it holds
Conditions; `prefetch._kind_of_key` reads each key's type from its template) that holds none of
that type is not "no data": an EHR whose mapping put the Patient read, or a Bundle of
Observations, under `conditions` has not said the patient has no diagnoses. Read as data, the
bipolar diagnosis went unseen and the "no mood stabiliser" safety card vanished. So such a value
is a prefetch problem ("holds Patient, not Condition"), as an error OperationOutcome is: the key
is fetched, or missing (412 when required, else named on the cards it touches).

A Bundle that holds some of its key's type beside others keeps its own type; the others (match
entries only) are left out and counted, as entries holding no resource are: that key's data may
be incomplete, since the EHR's mapping is at fault. Not counted as another type:
- `include` entries (search.mode "include": sent with the matches on purpose, a Medication with
  its order), except one of a type another of the service's keys searches for (fix fetch65,
  review K65a leftover 3: a MedicationStatement marked `include` in the medicationRequests
  Bundle was read, "sertraline is running" on an MAOI card, from a record the orders search
  cannot have included: no template of the service has an `_include` or `_revinclude`,
  tests/cds_hooks/test_fetch65_prefetch_types.py). What the key's resources point at stays read
  (`_REFERENCED`: the Patient, the Encounter; the Medication, Practitioner, Organization... no
  key searches);
- a Medication, which carries no patient data of its own and is read only through the
  medicationReference of an order, statement, dispense or administration beside it (some EHRs
  send it as a plain entry, with no search.mode);
- a key the service does not declare (an EHR's own naming: read by resourceType, as ever);
- under an Observation key, a DiagnosticReport whose results are all contained Observations
  (fix data69: `_carries`): it carries the key's type, read through its results.
An empty Bundle, or one of nothing but OperationOutcome warnings, holds no resource at all: no
data of that kind, as before; so does one whose only entries are includes and companions (a
Medication included with no order matched: an empty search, review s24 RB finding 7).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

from cds_hooks.fhir_data.prefetch_gathered import Gathered
from cds_hooks.fhir_data.search_bundles import bundle_entries
from fhir_mapping.contained_members import all_parts_contained
from fhir_mapping.gaps import feed

# Travels with any key's resources without being data about the patient (module docstring).
_COMPANIONS = frozenset({"Medication"})
# What a key's resources point at (subject, encounter) and an EHR may `include` with them,
# though another key searches that type too: read as ever (module docstring).
_REFERENCED = frozenset({"Patient", "Encounter"})


@dataclass(frozen=True, slots=True)
class KeyTypes:
    """What a key's value holds against the type its template asks for."""

    # "holds Patient, not Condition" when no resource of the key's type is among them.
    none_of_kind: str | None = None
    # The match resources of another type left out (the same objects as among the read ones).
    excluded: tuple[Mapping[str, Any], ...] = ()

    def excluded_line(self, kind: str, where: str) -> str:
        """ "2 entries of the prefetched 'conditions' Bundle hold Observation, not Condition:
        not read"."""
        count = len(self.excluded)
        entries, hold = ("entry", "holds") if count == 1 else ("entries", "hold")
        return f"{count} {entries} of {where} {hold} {_types(self.excluded)}, not {kind}: not read"


FITS = KeyTypes()


def key_types(
    kind: str,
    value: Mapping[str, Any] | list[Any],
    resources: Iterable[Mapping[str, Any]],
    types: Iterable[str],
    searched: AbstractSet[str] = frozenset(),
) -> KeyTypes:
    """`value`, the prefetched value of a key whose template asks for `kind`, against that
    type. `resources`: what was read of it (prefetch_values.read_value, or a bare list's
    items); `types`: their resource types (match and include), so that a value of the key's own
    type alone (nearly every one) is settled without another walk. `searched`: the types the
    service's keys search for (an `include` of one of them is no include: `_matches`)."""
    found = set(types)
    if not found or found <= {kind} or (kind in found and found <= {kind, *_COMPANIONS}):
        return FITS
    read = list(resources)
    matches = _matches(value, suspect_types(kind, searched))
    voiding = _voiding(kind, matches)
    carried = {
        id(r)
        for r in matches
        if _carries(kind, r) or (voiding and r.get("resourceType") == "DiagnosticReport")
    }
    if kind not in found and not carried:
        if all(r.get("resourceType") in _COMPANIONS for r in matches):
            # No match of any other type: only what travels with matches (an included
            # Medication, total 0) is an empty search, not a wrong type (review s24 RB
            # finding 7: a 412 "holds Medication, not MedicationRequest").
            return FITS
        return KeyTypes(none_of_kind=f"holds {_types(read)}, not {kind}")
    # Some of the key's type beside others: leave out the match entries of another type.
    off = {
        id(r)
        for r in matches
        if r.get("resourceType") not in {kind, *_COMPANIONS} and id(r) not in carried
    }
    return KeyTypes(excluded=tuple(r for r in read if id(r) in off)) if off else FITS


def suspect_types(kind: str, searched: AbstractSet[str]) -> frozenset[str]:
    """The types an `include` entry of a search for `kind` may not be read as (module
    docstring): those another of the service's keys searches for, save what `kind`'s resources
    point at and what travels with them. Read so by a prefetched Bundle (`key_types`) and by
    a search the service ran itself (prefetch_fetch.fetch: fix fetch66)."""
    return frozenset(searched - {kind} - _REFERENCED - _COMPANIONS)


def _carries(kind: str, resource: Mapping[str, Any]) -> bool:
    """Whether `resource`, of another type than `kind`, holds `kind` whole: a DiagnosticReport
    whose every result is a contained Observation (fix data69 item 4: Oracle Health / Cerner
    send labs so; fhir_mapping/contained_members.py lifts them) is that key's Observations, not
    an entry left unread. One whose results are sent apart ("Observation/1") is left out and
    named as before: its results may not be on the chart."""
    return (
        kind == "Observation"
        and resource.get("resourceType") == "DiagnosticReport"
        and all_parts_contained(resource)
    )


def _voiding(kind: str, matches: Iterable[Mapping[str, Any]]) -> bool:
    """Whether an Observation key holds a report withdrawn as entered-in-error (labs71 finding
    4): then every report of the key is kept, for the record builder to leave out the results
    only withdrawn reports list (fhir_mapping/voided_reports.py; read alone, a TSH 12 of such a
    report gave a thyroid review) and keep those a live report lists too."""
    return kind == "Observation" and any(
        r.get("resourceType") == "DiagnosticReport" and r.get("status") == "entered-in-error"
        for r in matches
    )


def keep_own_type(
    key: str,
    value: Mapping[str, Any] | list[Any],
    resources: list[dict[str, Any]],
    types: Iterable[str],
    kind_of_key: Mapping[str, str],
    result: Gathered,
) -> list[dict[str, Any]] | None:
    """The resources of the prefetched `key` to read (`key_types`); None when it holds none of
    its template's type: `result.wrong_type` then says what it holds, and `prefetch.gather`
    treats the key as a failed prefetch. Others left out beside the key's own type are counted
    in `result.skipped` and leave the key's data incomplete, said in plain words."""
    kind = kind_of_key.get(key)
    if kind is None:
        return resources  # an EHR's own key: read by resourceType
    checked = key_types(kind, value, resources, types, frozenset(kind_of_key.values()))
    if checked.none_of_kind is not None:
        result.wrong_type[key] = checked.none_of_kind
        return None
    if not checked.excluded:
        return resources
    result.skipped += len(checked.excluded)
    where = f"the prefetched {key!r} " + ("list" if isinstance(value, list) else "Bundle")
    result.mark_incomplete([feed(kind, key)], checked.excluded_line(kind, where))
    off = {id(r) for r in checked.excluded}
    return [r for r in resources if id(r) not in off]


def _matches(
    value: Mapping[str, Any] | list[Any], suspect: AbstractSet[str] = frozenset()
) -> list[Mapping[str, Any]]:
    """The resources of `value`'s match entries (FHIR: an entry with no search.mode is a match),
    and of its `include` entries of a `suspect` type (`key_types`); every item of a bare list,
    or the resource itself, is one."""
    if isinstance(value, list):
        return [item for item in value if isinstance(item, dict)]
    if value.get("resourceType") != "Bundle":
        return [value]
    out: list[Mapping[str, Any]] = []
    for entry in bundle_entries(value)[0]:
        if not isinstance(entry, dict) or not isinstance(resource := entry.get("resource"), dict):
            continue
        search = entry.get("search")
        mode = search.get("mode") if isinstance(search, dict) else None
        if mode in (None, "match") or (
            mode == "include" and resource.get("resourceType") in suspect
        ):
            out.append(resource)
    return out


def _types(resources: Iterable[Mapping[str, Any]]) -> str:
    """ "Observation", "Observation and Patient": each type once, sorted."""
    names = sorted({str(r.get("resourceType")) for r in resources})
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
