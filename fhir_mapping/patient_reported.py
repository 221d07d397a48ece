"""Whether a medication record rests on the patient's own report (review 12 finding 14).

A home medication documented at intake is exposure history, and medications.py keeps it, but it
is no prescription and no fill: a trial that rests only on such records is "patient-reported",
which the trial row and the TMS trial criterion say, for the clinician and the payer to confirm.
Read from:

- MedicationRequest `reportedBoolean` true (FHIR R4: "a secondary 'reported' record rather than
  an original primary source-of-truth record"; US Core's self-prescribed example writes it with
  intent `plan`), or `reportedReference` to a Patient or RelatedPerson. A reportedReference to a
  Practitioner or Organization is another clinician's record, not the patient's word: not read
  here (`listed_order` reads it: a medication-list entry, no prescription of this clinic's; recheck K4
  s27 finding 1). reportedBoolean states no source; it is read as the patient's report because a home
  medication list is where EHRs write it, and the safer error is to ask to confirm a trial.
  Such an order with status `unknown` is read as a statement `unknown` with the patient as its
  source is: possibly running, to confirm (status_to_confirm.status_unknown; recheck K13 s28
  finding 1).
- MedicationStatement `informationSource` a Patient or RelatedPerson (by its reference or its
  `type`); an Organization is an outside record (medication_supply.outside_source).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fhir_mapping.fhir_fields import JSON_OBJECT, string

# The reference types that are the patient or someone speaking for them.
_PATIENT_SIDE = frozenset({"Patient", "RelatedPerson"})


def _patient_side(reference: object) -> bool:
    # An absent reference (most resources) is answered before the Mapping ABC check (issue 14).
    if reference is None or not isinstance(reference, JSON_OBJECT):
        return False
    target = reference.get("reference")
    if isinstance(target, str) and target.split("/")[-2:-1] in (["Patient"], ["RelatedPerson"]):
        return True
    return string(reference.get("type")) in _PATIENT_SIDE


def patient_reported(resource: Mapping[str, Any]) -> bool:
    """Whether a MedicationRequest or MedicationStatement rests on the patient's report (module
    docstring); False for any other resource."""
    kind = resource.get("resourceType")
    if kind == "MedicationRequest":
        return resource.get("reportedBoolean") is True or _patient_side(
            resource.get("reportedReference")
        )
    if kind == "MedicationStatement":
        return _patient_side(resource.get("informationSource"))
    return False


def listed_order(resource: Mapping[str, Any]) -> bool:
    """Whether a MedicationRequest is a reported order someone other than the patient entered: a
    reportedReference (a Practitioner, an Organization, ...) that is not the patient's own report
    (`patient_reported`, which also takes every reportedBoolean true). FHIR R4 reported[x] marks
    "a secondary 'reported' record rather than an original primary source-of-truth record"
    whoever reported it (medication_dates._secondary reads it so): a medication-list entry like
    a clinician's MedicationStatement, no order this clinic wrote for a pharmacy to fill (recheck
    K4 s27 finding 1: an Epic home medication with reportedReference a Practitioner was read as an
    order awaiting its first fill). False for any other resource."""
    if resource.get("resourceType") != "MedicationRequest" or patient_reported(resource):
        return False
    # Most orders state none: None answered before the Mapping ABC check (issue 14, perf21).
    reference = resource.get("reportedReference")
    return reference is not None and isinstance(reference, JSON_OBJECT)
