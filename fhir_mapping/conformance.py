"""Conformance to FHIR R4 (fhir.resources R4B models): a report for integration engineers, not a
gate on the hot path.

The mapping reads tolerantly (issue 10): a resource that is non-conformant outside the fields the
rules read is still read, and what cannot be read is reported as a DataGap. An engineer connecting
a new EHR still wants to know what it sends that is not valid R4, so `trd-cds evaluate --strict`
validates every resource through its model here and lists the problems (issue 14: fhir.resources
where it gives value). Validation costs ~1 ms per resource (../shared/fhir/FHIR_RESOURCES.md),
which is why it never runs on a hook call.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

validations = 0  # model validations run (tests assert a hook call runs none)


@dataclass(frozen=True, slots=True)
class Problem:
    resource: str  # "MedicationRequest/abc" (or the type alone when the resource has no id)
    where: str  # the field path, e.g. "category"
    message: str

    def __str__(self) -> str:
        return f"{self.resource}: {self.where}: {self.message}"


def _name(resource: Mapping[str, Any]) -> str:
    kind = resource.get("resourceType")
    rid = resource.get("id")
    kind_text = kind if isinstance(kind, str) else "(no resourceType)"
    return f"{kind_text}/{rid}" if isinstance(rid, str) and rid else kind_text


def problems(resource: Mapping[str, Any], *, limit: int = 5) -> list[Problem]:
    """What makes `resource` invalid R4 (at most `limit` problems), or [] when it is valid."""
    global validations
    name = _name(resource)
    kind = resource.get("resourceType")
    if not isinstance(kind, str):
        return [Problem(name, "resourceType", "missing or not a string")]
    try:
        model = get_fhir_model_class(kind)
    except KeyError:
        return [Problem(name, "resourceType", f"{kind!r} is not an R4 resource type")]
    validations += 1
    try:
        model.model_validate(dict(resource))
    except ValidationError as exc:
        return [
            Problem(name, ".".join(str(p) for p in error["loc"]) or "(resource)", error["msg"])
            for error in exc.errors()[:limit]
        ]
    except (TypeError, ValueError) as exc:  # fhir.resources raises these for some shapes
        return [Problem(name, "(resource)", str(exc)[:200])]
    return []


def report(resources: Iterable[Mapping[str, Any]]) -> list[Problem]:
    """The problems of every resource, in order."""
    found: list[Problem] = []
    for resource in resources:
        if isinstance(resource, Mapping):
            found.extend(problems(resource))
    return found
