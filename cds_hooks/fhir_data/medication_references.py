"""Which Medications a chart's medication resources reference but nobody sent.

The recommended prefetch syntax has no `_include`, so a MedicationRequest written with
`medicationReference` arrives without its drug; `prefetch_fetch.resolve_medications` reads each one
by id. Which ids to read (and which references are safe to put into a URL at all) is a question
of the resources alone, also asked by the runner's fast path (nothing to read: no server needed),
so it stands apart from the fetching.

Only a reference the server that is read from can answer is read (review s24 RS M1): a relative
"Medication/<id>" (FHIR: relative to the server the resource came from) or an absolute URL under
the call's fhirServer (`fhir_urls.same_origin`, the check the `next` links pass). An id is unique
only on its own server: "http://other-ehr.example/fhir/Medication/med1" was read as
`<fhirServer>/Medication/med1`, whatever drug that is there (sertraline, and a "Sertraline
already failed an adequate trial" card on a draft of another drug). Any other reference stays
unresolved: the mapping says it ("medication reference not found"), a draft's drug is "not
identified" and no check is made on a guess.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from cds_hooks.fhir_data.fhir_urls import same_origin

_MEDICATION_HOLDERS = frozenset(
    {"MedicationRequest", "MedicationStatement", "MedicationDispense", "MedicationAdministration"}
)
# FHIR id characters: nothing else goes into a URL. No length cap at 64 (FHIR's own limit): Epic
# sandbox Medication ids run to 109 characters and must still be read (issue 10).
_ID = re.compile(r"[A-Za-z0-9\-.]{1,256}")


_MEDICATION = "Medication/"


def _own_path(ref: str, server: str | None) -> str | None:
    """ "Medication/<id>..." when `ref` is one the call's server answers (module docstring): the
    relative reference itself, or an absolute one's path under `server`; else None."""
    if "://" not in ref:
        return ref if ref.startswith(_MEDICATION) else None
    if not server or not same_origin(ref, server):
        return None
    base = urlsplit(server).path.rstrip("/") + "/"
    path = urlsplit(ref).path
    # The path right under the server's base: ".../fhir2/Medication/x" is not under ".../fhir".
    return path[len(base) :] if path.startswith(base + _MEDICATION) else None


def unresolved_medications(
    resources: Sequence[Mapping[str, Any]], server: str | None = None
) -> set[str]:
    """The ids of the Medications that medication resources reference by `Medication/<id>`, or
    by an absolute URL under `server` (the call's fhirServer), and that are not among
    `resources` (what `prefetch_fetch.resolve_medications` reads): module docstring."""
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
        if not isinstance(ref, str) or _MEDICATION not in ref or ref.startswith("#"):
            continue
        own = _own_path(ref, server)
        if own is None:
            continue
        medication_id = own.split("/_history", 1)[0][len(_MEDICATION) :]
        if _ID.fullmatch(medication_id):
            wanted.add(medication_id)
    return wanted - present if present else wanted
