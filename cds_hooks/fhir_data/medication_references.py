"""Which Medications a chart's medication resources reference but nobody sent.

The recommended prefetch syntax has no `_include`, so a MedicationRequest written with
`medicationReference` arrives without its drug; `prefetch._resolve_medications` reads each one
by id. Which ids to read (and which references are safe to put into a URL at all) is a question
of the resources alone, also asked by the runner's fast path (nothing to read: no server needed),
so it stands apart from the fetching.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from itertools import compress, repeat
from typing import Any, cast

_MEDICATION_HOLDERS = frozenset(
    {"MedicationRequest", "MedicationStatement", "MedicationDispense", "MedicationAdministration"}
)
# FHIR id characters: nothing else goes into a URL. No length cap at 64 (FHIR's own limit): Epic
# sandbox Medication ids run to 109 characters and must still be read (issue 10).
_ID = re.compile(r"[A-Za-z0-9\-.]{1,256}")


def unresolved_medications(resources: Sequence[Mapping[str, Any]]) -> set[str]:
    """The ids of the Medications that medication resources reference by `Medication/<id>` and
    that are not among `resources` (what `prefetch._resolve_medications` reads)."""
    kinds = _kinds(resources)
    if kinds is not None:
        # Only the few Medications and medication resources are picked out, at C speed (issue
        # 14: a Python loop over a 10-year chart's 2,000 resources, twice, cost about 1 ms).
        medications: Iterable[Mapping[str, Any]] = compress(
            resources, map(_MEDICATION.__eq__, kinds)
        )
        holders: Iterable[Mapping[str, Any]] = compress(
            resources, map(_MEDICATION_HOLDERS.__contains__, kinds)
        )
    else:
        medications = (r for r in resources if r.get("resourceType") == "Medication")
        holders = (r for r in resources if r.get("resourceType") in _MEDICATION_HOLDERS)
    present = {r.get("id") for r in medications}
    wanted: set[str] = set()
    for resource in holders:
        reference = resource.get("medicationReference")
        ref = reference.get("reference") if isinstance(reference, dict) else None
        if not isinstance(ref, str) or "Medication/" not in ref or ref.startswith("#"):
            continue
        path = ref.split("/_history", 1)[0]
        if not (path.startswith("Medication/") or "/Medication/" in path):
            continue
        medication_id = path.rsplit("Medication/", 1)[1]
        if medication_id not in present and _ID.fullmatch(medication_id):
            wanted.add(medication_id)
    return wanted


_JUST_DICT = {dict}
_JUST_STR = {str}
_MEDICATION = "Medication"


def _kinds(resources: Sequence[Mapping[str, Any]]) -> list[str] | None:
    """Each resource's resourceType, read with `map`, when every resource is a dict whose
    resourceType is a string (as `gather` hands them over); else None."""
    if set(map(type, resources)) != _JUST_DICT:
        return None
    kinds: list[Any] = list(
        map(dict.get, cast("Sequence[dict[str, Any]]", resources), repeat("resourceType"))
    )
    return kinds if set(map(type, kinds)) == _JUST_STR else None
