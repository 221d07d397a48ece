"""Which Medications a chart's medication resources reference but nobody sent.

The recommended prefetch syntax has no `_include`, so a MedicationRequest written with
`medicationReference` arrives without its drug; `prefetch_fetch.resolve_medications` reads each one
by id. Which ids to read (and which references are safe to put into a URL at all) is a question
of the resources alone, also asked by the runner's fast path (nothing to read: no server needed),
so it stands apart from the fetching.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

_MEDICATION_HOLDERS = frozenset(
    {"MedicationRequest", "MedicationStatement", "MedicationDispense", "MedicationAdministration"}
)
# FHIR id characters: nothing else goes into a URL. No length cap at 64 (FHIR's own limit): Epic
# sandbox Medication ids run to 109 characters and must still be read (issue 10).
_ID = re.compile(r"[A-Za-z0-9\-.]{1,256}")


def unresolved_medications(resources: Sequence[Mapping[str, Any]]) -> set[str]:
    """The ids of the Medications that medication resources reference by `Medication/<id>` and
    that are not among `resources` (what `prefetch_fetch.resolve_medications` reads)."""
    # One walk (issue 14: on a first sight this runs over every resource of the chart): the
    # Medications sent are noted as they come, and the referenced ids are checked against them
    # once the walk is over, so a Medication listed after its order still counts as sent.
    present: set[Any] = set()
    wanted: set[str] = set()
    for resource in resources:
        kind = resource.get("resourceType")
        if kind == "Medication":
            present.add(resource.get("id"))
            continue
        if kind not in _MEDICATION_HOLDERS:
            continue
        reference = resource.get("medicationReference")
        ref = reference.get("reference") if isinstance(reference, dict) else None
        if not isinstance(ref, str) or "Medication/" not in ref or ref.startswith("#"):
            continue
        path = ref.split("/_history", 1)[0]
        if not (path.startswith("Medication/") or "/Medication/" in path):
            continue
        medication_id = path.rsplit("Medication/", 1)[1]
        if _ID.fullmatch(medication_id):
            wanted.add(medication_id)
    return wanted - present if present else wanted
