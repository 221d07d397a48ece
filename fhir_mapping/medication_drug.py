"""The drug a medication resource names: its `medicationCodeableConcept`, or its
`medicationReference` resolved to a contained Medication ("#id") or a Medication among the same
resources ("Medication/<id>", or "urn:uuid:<id>" as Synthea writes it), recognised as the
pathway's components (terminology.py). Which combination product it was is read after this
(combination_products.py), as a structured fact, not a note."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from types import MappingProxyType
from typing import Any

from fhir_mapping.drug_concept import (
    NAME_FOR_DEPRESSION,
    NDC_ONLY,
    NO_NAME_NO_CODE,
    UNKNOWN_CODE,
    ConceptLook,
    concept_look,
    ndc_only,
    unknown_codes,
    unread_names,
)
from fhir_mapping.drug_table import conditional_ingredients
from fhir_mapping.fhir_fields import JSON_OBJECT, array
from fhir_mapping.stated_form import with_stated_form
from fhir_mapping.terminology import (
    Component,
    names_a_drug,
    recognise,
    unread_reason,
)
from fhir_mapping.unreferenced_contained import unreferenced_drugs

# The reasons `read_drug` gives when the drug itself could not be identified: it may have been an
# antidepressant, an MAOI or an interaction partner, so the order checks that read what the
# patient takes say they could not include it (services/data_gap_section.py; review 18a M1).
MEDICATION_NDC_ONLY = "the referenced Medication has an NDC code only (no name)"
MEDICATION_UNKNOWN_CODE = (
    "the referenced Medication has a drug code this service's drug tables do not hold, and no name"
)
MEDICATION_NO_CODE = "the referenced Medication has no drug code or name"
REFERENCE_NOT_FOUND = "medication reference not found"
# A referenced Medication nobody sent, which the FHIR server was asked for and did not give, or
# could not be asked for: why, by the protocol layer's words (`medication_not_read`). Review 19
# R2 M1: every such read was "medication reference not found", which sent the EHR team after
# their data when their token was refused (401) or lacked Medication read access (403).
MEDICATION_NOT_READ = "medication reference not read"
NO_MEDICATION = "no medication"
UNIDENTIFIED_REASONS = frozenset(
    {
        NDC_ONLY,
        UNKNOWN_CODE,
        NO_NAME_NO_CODE,
        MEDICATION_NDC_ONLY,
        MEDICATION_UNKNOWN_CODE,
        MEDICATION_NO_CODE,
        REFERENCE_NOT_FOUND,
        NO_MEDICATION,
        NAME_FOR_DEPRESSION,
    }
)

# No Medication resources to resolve a reference against (nothing references one).
NO_MEDICATIONS: Mapping[str, Mapping[str, Any]] = MappingProxyType({})

# Why each referenced Medication the protocol layer could not read was not read, by Medication
# id ("the FHIR server refused the access token (HTTP 401)"): set for one build by
# `unread_medications` (services/evaluation.py), as build_record sets fhir_fields.SITE_ZONE. A
# ContextVar, not an argument: six readers reach `read_drug`, and a reference left unresolved is
# the only place it is read. Empty: every unresolved reference is "medication reference not
# found", as before (a library caller, a test).
UNREAD_MEDICATIONS: ContextVar[Mapping[str, str]] = ContextVar(
    "unread_medications", default=MappingProxyType({})
)


@contextmanager
def unread_medications(reasons: Mapping[str, str]) -> Iterator[None]:
    """Within the block, `read_drug` says why a referenced Medication was not read (`reasons`,
    by Medication id) where it would say "medication reference not found"."""
    token = UNREAD_MEDICATIONS.set(reasons)
    try:
        yield
    finally:
        UNREAD_MEDICATIONS.reset(token)


def medication_not_read(why: str) -> str:
    """The reason of a record whose referenced Medication could not be read, and `why`."""
    return f"{MEDICATION_NOT_READ}: {why}"


def unidentified_reason(reason: str) -> bool:
    """Whether a gap's reason says the record's drug could not be identified (it may have been
    an antidepressant, an MAOI or an interaction partner)."""
    return reason in UNIDENTIFIED_REASONS or reason.startswith(MEDICATION_NOT_READ)


def _reference_not_found(target: str) -> str:
    """REFERENCE_NOT_FOUND, or why the protocol layer could not read the Medication `target`
    names ("Medication/<id>", absolute or versioned) when it says (UNREAD_MEDICATIONS)."""
    unread = UNREAD_MEDICATIONS.get()
    if not unread:
        return REFERENCE_NOT_FOUND
    parts = target.split("/")
    if "_history" in parts:
        parts = parts[: parts.index("_history")]
    why = unread.get(parts[-1]) if len(parts) >= 2 and parts[-2] == "Medication" else None
    return medication_not_read(why) if why else REFERENCE_NOT_FOUND


# `isinstance(x, JSON_OBJECT)` on the fields every medication resource passes through: JSON
# gives dicts, answered at C speed, where the Mapping ABC check alone costs more than the read
# (issue 14); other Mappings still read the same way.


def medication_index(resources: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """Medication resources by logical id."""
    index: dict[str, Mapping[str, Any]] = {}
    for resource in resources:
        if isinstance(resource, JSON_OBJECT) and resource.get("resourceType") == "Medication":
            rid = resource.get("id")
            if isinstance(rid, str) and rid:
                index.setdefault(rid, resource)
    return index


def _referenced_medication(
    resource: Mapping[str, Any], medications: Mapping[str, Mapping[str, Any]]
) -> tuple[Mapping[str, Any] | None, bool]:
    """(the Medication a medicationReference points to, whether it was found among the resources
    rather than contained)."""
    reference = resource.get("medicationReference")
    if not isinstance(reference, JSON_OBJECT):
        return None, False
    target = reference.get("reference")
    if not isinstance(target, str) or not target:
        return None, False
    if target.startswith("#"):
        for contained in array(resource.get("contained")):
            if (
                isinstance(contained, Mapping)
                and contained.get("resourceType") == "Medication"
                and contained.get("id") == target[1:]
            ):
                return contained, False
        return None, False
    if target.startswith("urn:uuid:"):
        found = medications.get(target[len("urn:uuid:") :])
        return found, found is not None
    parts = target.split("/")
    if "_history" in parts:
        parts = parts[: parts.index("_history")]
    if len(parts) >= 2 and parts[-2] == "Medication":
        found = medications.get(parts[-1])
        return found, found is not None
    return None, False


def read_drug(
    resource: Mapping[str, Any],
    medications: Mapping[str, Mapping[str, Any]],
    look: ConceptLook | None = None,
) -> tuple[tuple[Component, ...], str | None, Mapping[str, Any] | None]:
    """(recognised components, why the drug could not be identified at all or None, the
    Medication its medicationReference points to or None), the reference resolved once.

    An empty tuple with no reason is a drug that was identified and is not on this pathway
    (lisinopril): most of a chart, skipped in silence. A reason means the drug itself could not be
    read (a Medication reference that resolves to nothing and carries no display, no code and no
    text): it might have been an antidepressant, so the caller reports it (issue 10).
    """
    reference = resource.get("medicationReference")
    # Nearly every resource codes its drug inline: no reference to resolve.
    medication = None if reference is None else _referenced_medication(resource, medications)[0]
    # recognise(concept) and names_a_drug(concept), remembered together (issue 14); `look` is
    # that reading when the caller had it already (`drug_look`).
    look = drug_look(resource) if look is None else look
    if look is not None:
        _, found, named = look
        if found or named:
            # The form its name leaves unsaid, read from the sig and dose (stated_form.py).
            return (
                (with_stated_form(found, resource, medication) if found else found),
                None,
                medication,
            )
        return (), unread_reason(resource["medicationCodeableConcept"]), medication
    display = reference.get("display") if isinstance(reference, JSON_OBJECT) else None
    # A placeholder display ("Medication") names no drug (recheck 18b W2): as no display.
    if isinstance(display, str) and not names_a_drug({"text": display}):
        display = None
    if medication is not None:
        if medication.get("status") == "entered-in-error":
            return (), None, medication
        found = recognise(None, medication)
        if found or names_a_drug(medication.get("code")):
            # Its form from Medication.form, the sig and dose (stated_form.py; review K38b 3).
            return with_stated_form(found, resource, medication), None, medication
        if isinstance(display, str) and display.strip():
            return (
                with_stated_form(recognise({"text": display}), resource, medication),
                None,
                medication,
            )
        if unknown_codes(medication.get("code")):
            return (), MEDICATION_UNKNOWN_CODE, medication
        if ndc_only(medication.get("code")):
            return (), MEDICATION_NDC_ONLY, medication
        return (), MEDICATION_NO_CODE, medication
    if isinstance(display, str) and display.strip():
        return with_stated_form(recognise({"text": display}), resource, None), None, None
    if isinstance(reference, JSON_OBJECT) and isinstance(reference.get("reference"), str):
        return (), _reference_not_found(reference["reference"]), None
    return (), NO_MEDICATION, None


def drug_look(resource: Mapping[str, Any]) -> ConceptLook | None:
    """The look (drug_concept.concept_look) of the resource's own medicationCodeableConcept, or
    None when it has none that is an object: taken once per resource by medications.py and
    passed to each reading of that concept (issue 14)."""
    concept = resource.get("medicationCodeableConcept")
    if concept is None or not isinstance(concept, JSON_OBJECT):
        return None
    return concept_look(concept)


def off_pathway(look: ConceptLook | None) -> bool:
    """Whether `read_drug` identifies the drug of a resource whose own concept gives `look`
    (`drug_look`) as one off this pathway (amlodipine, metformin): its answer then is
    ((), None, ...) whatever else the resource holds, which medications.py skips in silence. A
    first look from the concept memo alone, before the repeat key of a fill is written (issue
    14, session 22: that key cost about four times the memo look-up, for every fill of every
    other drug)."""
    return look is not None and look[2] and not look[1]


def read_only_with_another(look: ConceptLook | None) -> bool:
    """Whether every drug `look` gives is read only with another (lisinopril with lithium:
    DrugInfo.read_only_with), so medications.py defers the resource and never remembers it as
    a repeat fill: its repeat key would find nothing (issue 14: 126 lisinopril fills of the
    10-year chart each wrote one)."""
    if look is None or not look[1]:
        return False
    conditional = conditional_ingredients()
    # A set, not all() over a generator left suspended (closed by a thrown GeneratorExit on
    # Python 3.11: issue 14, session 31).
    return {c.ingredient for c in look[1]} <= conditional.keys()


def unread_codes(resource: Mapping[str, Any], medication: Mapping[str, Any] | None) -> str:
    """ "RxNorm 352273", "NDC 0093-7198-56", "\"Medication 4471\"": what a medication resource
    whose drug `read_drug` could not identify states that a reader can look up (its concept,
    else the Medication it references: drug_concept.unread_names), for the card line beside its
    id (DataGap.stated: reasons go to the logs, codes must not)."""
    concept = resource.get("medicationCodeableConcept")
    if isinstance(concept, JSON_OBJECT):
        said = unread_names(concept)
    else:
        said = unread_names(medication.get("code")) if medication is not None else ""
    # A pathway drug only an unreferenced contained Medication names (dom-3; fix data66 item 1):
    # never read as the record's drug, named beside it (unreferenced_contained.py).
    return "; ".join(s for s in (said, unreferenced_drugs(resource)) if s)
