"""Records whose code is absent by a data-absent-reason: a diagnosis the EHR sent with its code
masked (review K51b s36 finding 3, fix mask47).

US Core and Epic send a sensitive problem-list entry (substance use under 42 CFR Part 2, HIV, a
mental-health diagnosis a state protects) with its `code` withheld: the CodeableConcept carries
only the data-absent-reason extension (http://hl7.org/fhir/StructureDefinition/data-absent-reason,
valueCode "masked"), or, as US Core's missing-data rule has it for a coded element, only a coding
of the data-absent-reason code system ("unknown", "masked"). `code` is a complex type, so the
extension sits on the element itself (as the vendor files' `requester: {"extension": [...]}`
show), never on a `_code` sibling (that form is for primitives only). The older DSTU2 URL
http://hl7.org/fhir/extension-data-absent-reason is read too (a C-CDA conversion sends it).

Such a Condition gave no finding and no gap (conditions.wants_condition found no code and no
text), so the TMS card said "No epilepsy/seizure disorder ... recognised in the chart's codes and
text" and offered the referral. It is a record the service could not read: a DataGap (CONDITIONS,
`MASKED_DIAGNOSIS`) naming it, with the reason's words and its status in `stated`
(data/data_absent_reasons.csv); services/masked_diagnosis.py puts it on the TMS safety screen and
the diagnosis review. What it was is never guessed.

Which ones: a Condition whose code is absent so and which no verificationStatus voids
(entered-in-error, refuted: dropped, as a readable one is) and which is not dated after as-of.
One no longer active is still named (with its status): the service reads a resolved seizure
disorder, bipolar disorder or psychosis as history (conditions.py), so a masked one may be that.

Fix mask48, the same for the other records a conclusion rests on (`wants_masked` keeps them past
the routing filters, which read codes and text only):
- a Procedure whose `code` is so absent, which its status does not say was never done (not-done,
  preparation, entered-in-error: dropped, as a readable one is) and not performed after as-of: it
  may be an implant the TMS screen reads from procedures (a deep brain stimulator, a cochlear
  implant, an aneurysm clip): `MASKED_PROCEDURE`, PROCEDURES;
- a Device whose `type` is so absent and which has no name to read, any status but
  entered-in-error (a switched-off stimulator is still metal, procedures_devices.py):
  `MASKED_DEVICE`, DEVICES;
- an AllergyIntolerance whose `code` is so absent, with no reaction substance to read, which no
  status withdraws (intolerance.voided: refuted, in error, inactive, resolved, as a readable one),
  not of a category other than medication, not dated after as-of: a drug the patient reacted
  to may be one a card proposes: `MASKED_ALLERGY`, INTOLERANCES.
services/masked_records.py puts them on the cards.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from fhir_mapping.conditions import DROPPED_VERIFICATION, condition_onset
from fhir_mapping.data_absent import absent_reason, reason_words
from fhir_mapping.fhir_fields import JSON_OBJECT, array, codings, parse_date, status_code, string
from fhir_mapping.gaps import resource_gap
from fhir_mapping.intolerance import voided
from fhir_mapping.record import DataDomain, DataGap
from fhir_mapping.record_day import record_day

Resource = Mapping[str, Any]

# The gap's reason (reasons go to the logs; the card words are services/masked_diagnosis.py's).
MASKED_DIAGNOSIS = "code withheld: data-absent-reason"
MASKED_PROCEDURE = "procedure code withheld: data-absent-reason"
MASKED_DEVICE = "device type withheld: data-absent-reason"
MASKED_ALLERGY = "allergen withheld: data-absent-reason"
_ACTIVE = frozenset({"active", "recurrence", "relapse"})
# FHIR R4 EventStatus values that say the Procedure was never done (mask48): dropped, as a
# readable one is (procedures_devices.procedure_facts reads none of them as given).
_NEVER_DONE = frozenset({"not-done", "preparation", "entered-in-error"})


def masked_condition_gaps(conditions: Iterable[Resource], *, as_of: date) -> list[DataGap]:
    """One gap per Condition whose code is absent by a data-absent-reason (module docstring)."""
    found: list[DataGap] = []
    for resource in conditions:
        code = absent_reason(resource.get("code"))
        if not code:
            continue
        if status_code(resource.get("verificationStatus")) in DROPPED_VERIFICATION:
            continue  # no diagnosis stated: dropped as a readable one is
        # Dated as condition_findings dates a readable one: its onset, else its recorded day.
        dated = condition_onset(resource) or parse_date(resource.get("recordedDate"))
        if dated is not None and dated > as_of:
            continue  # not yet on record, as a readable one
        clinical = status_code(resource.get("clinicalStatus"))
        said = reason_words(code)
        if clinical is not None and clinical not in _ACTIVE:
            said = f"{said}, {clinical}"
        found += resource_gap(resource, MASKED_DIAGNOSIS, DataDomain.CONDITIONS, stated=said)
    return found


def _performed(resource: Resource) -> date | None:
    period = resource.get("performedPeriod")
    start = period.get("start") if isinstance(period, JSON_OBJECT) else None
    return parse_date(resource.get("performedDateTime")) or parse_date(start)


def _procedure_reason(resource: Resource, as_of: date) -> str:
    """The data-absent-reason of a Procedure's code, "" when it is read, or says it was never
    done, or was performed after as-of (module docstring)."""
    code = absent_reason(resource.get("code"))
    if not code or string(resource.get("status")) in _NEVER_DONE:
        return ""
    when = _performed(resource)
    return "" if when is not None and when > as_of else code


def _named_device(resource: Resource) -> bool:
    return any(
        isinstance(n, JSON_OBJECT) and isinstance(n.get("name"), str) and n["name"].strip()
        for n in array(resource.get("deviceName"))
    )


def _device_reason(resource: Resource) -> str:
    if resource.get("status") == "entered-in-error" or _named_device(resource):
        return ""
    return absent_reason(resource.get("type"))


def _substance_read(resource: Resource) -> bool:
    """A reaction's substance coded or written: intolerance.py reads the allergen from it."""
    for reaction in array(resource.get("reaction")):
        substance = reaction.get("substance") if isinstance(reaction, JSON_OBJECT) else None
        if codings(substance) or (
            isinstance(substance, JSON_OBJECT) and str(substance.get("text") or "").strip()
        ):
            return True
    return False


def _allergy_reason(resource: Resource, as_of: date) -> str:
    code = absent_reason(resource.get("code"))
    categories = array(resource.get("category"))
    if not code or voided(resource) or (categories and "medication" not in categories):
        return ""
    if _substance_read(resource):
        return ""
    dated = record_day(resource)
    return "" if dated is not None and dated > as_of else code


def wants_masked(resource: Resource) -> bool:
    """The routing filter's second reading (resource_routing.WANTS): a Procedure, Device or
    AllergyIntolerance whose code is absent by a data-absent-reason, kept to be named. Cheap:
    most resources have a readable code, which ends the look at once."""
    kind = resource.get("resourceType")
    if kind == "Procedure":
        return bool(absent_reason(resource.get("code")))
    if kind == "Device":
        return bool(_device_reason(resource))
    if kind == "AllergyIntolerance":
        return bool(absent_reason(resource.get("code")))
    return False


def masked_record_gaps(kept: Mapping[str, Sequence[Resource]], *, as_of: date) -> list[DataGap]:
    """One gap per Procedure, Device and AllergyIntolerance whose code is absent by a
    data-absent-reason (module docstring, fix mask48), in that order."""
    found: list[DataGap] = []
    for resource in kept.get("Procedure", ()):
        if code := _procedure_reason(resource, as_of):
            found += resource_gap(
                resource, MASKED_PROCEDURE, DataDomain.PROCEDURES, stated=reason_words(code)
            )
    for resource in kept.get("Device", ()):
        if code := _device_reason(resource):
            found += resource_gap(
                resource, MASKED_DEVICE, DataDomain.DEVICES, stated=reason_words(code)
            )
    for resource in kept.get("AllergyIntolerance", ()):
        if code := _allergy_reason(resource, as_of):
            found += resource_gap(
                resource, MASKED_ALLERGY, DataDomain.INTOLERANCES, stated=reason_words(code)
            )
    return found
