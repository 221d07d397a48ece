"""An order or statement of a drug name the tables do not hold, written for depression: a record
whose drug could not be identified, not "a drug off the pathway" (fix meds47).

A name beside a code the tables do not hold ("Zorvexa 20 MG Oral Tablet", RxNorm 1234567; "Brand
XR 150 MG Extended Release Oral Tablet") was read as a drug with a readable name that is simply
off this pathway, as "ezetimibe 10 mg tablet" is (drug_concept.names_a_drug: a reader can check
it): no data gap, nothing on the optimise card, bupropion offered. The name is a reader's to
check, but the service cannot tell it from a new antidepressant brand, and an order whose stated
reason is depression (Epic sends the order's associated diagnosis as reasonCode, ICD-10-CM F32.x
/ F33.x and SNOMED CT with a text; a reasonReference to the depression Condition:
indications.py) says it is one, or an adjunct, or an MAOI. Such a record is then what an
unknown code alone is (medication_drug.UNIDENTIFIED_REASONS): a data gap named by its name and
codes, the TMS safety screen's question, bupropion held back, the optimise card's paragraph
beside its options (services/unidentified_options.py) and the order checks' "could not include"
line (services/unidentified_running.py). The safer reading: a clinician who sees the name
resolves it at a glance, where an antidepressant read as off the pathway would be proposed
again, or drafted beside an MAOI, in silence.

Not read so: a name with a reason of anything else (ezetimibe for hyperlipidemia, an unknown
brand for hypertension) or none (drug48 and drug51 pin those as names); a concept with a code the
tables know (what drug it is is known, on the pathway or off it); a name saying a form no course
is given in ("cream": text_exclusions.csv); a fill of no order of the chart (MedicationDispense
states no reason in R4); a name holding a drug known not to be an antidepressant (hydroxyzine, prazosin, atorvastatin for
F33.1, as Epic attaches the visit's diagnosis to every order: non_antidepressant_names.py, fix
meds48).
A fill of such a name states its order's reason: a fill of an order of the chart that states
depression is read so too, not passed over (fix meds49: with the Zorvexa orders `completed`, the
fills to 2026-11-22 were the only sign it is taken now, and bupropion was offered beside them).
Who wrote the order (psychiatry) is not read: an order names its requester by a Practitioner
reference and a display that is a person's name; the specialty is on a PractitionerRole, which
no prefetch key asks for.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from fhir_mapping.drug_concept import excluded_form, names_a_drug, tables_know, unknown_codes
from fhir_mapping.fhir_fields import JSON_OBJECT, array
from fhir_mapping.indications import stated_reasons
from fhir_mapping.medication_event import source_of
from fhir_mapping.medication_types import DISPENSE, ORDER, STATEMENT, TYPE_READINGS, TypeReading
from fhir_mapping.non_antidepressant_names import names_other_drug
from fhir_mapping.record import IndicationCategory

_WRITTEN_FOR = frozenset({ORDER, STATEMENT})  # the resources that state a reason (R4)
_ORDER_READING = TYPE_READINGS["MedicationRequest"]


def _concept(
    resource: Mapping[str, Any], medication: Mapping[str, Any] | None
) -> Mapping[str, Any] | None:
    """The concept naming the drug: the resource's own, its Medication's code, else its
    medicationReference's display as a text."""
    own = resource.get("medicationCodeableConcept")
    if isinstance(own, JSON_OBJECT):
        return own
    if medication is not None and isinstance(medication.get("code"), JSON_OBJECT):
        code: Mapping[str, Any] = medication["code"]
        if names_a_drug(code):
            return code
    reference = resource.get("medicationReference")
    display = reference.get("display") if isinstance(reference, JSON_OBJECT) else None
    return {"text": display} if isinstance(display, str) else None


def _name(concept: Mapping[str, Any]) -> str:
    """The concept's text, else its first display: the name as the EHR wrote it."""
    text = concept.get("text")
    if isinstance(text, str) and text.strip():
        return text.strip()
    for coding in array(concept.get("coding")):
        display = coding.get("display") if isinstance(coding, JSON_OBJECT) else None
        if isinstance(display, str) and display.strip():
            return display.strip()
    return ""


def _stating(
    resource: Mapping[str, Any], reading: TypeReading, order: Mapping[str, Any] | None
) -> tuple[Mapping[str, Any], TypeReading] | None:
    """The resource whose reasons are the record's, with its reading: an order or statement
    itself; for a fill, the order of the chart it fills (`order`), unless that order is one
    the chart says was never given (entered in error, cancelled, a draft)."""
    if reading.kind in _WRITTEN_FOR:
        return resource, reading
    if reading.kind is not DISPENSE or order is None:
        return None
    if order.get("status") in _ORDER_READING.dropped_statuses:
        return None
    return order, _ORDER_READING


def for_depression(
    resource: Mapping[str, Any],
    reading: TypeReading,
    medication: Mapping[str, Any] | None,
    conditions: Callable[[], Mapping[str, Mapping[str, Any]]],
    order: Mapping[str, Any] | None = None,
) -> str | None:
    """What the record states ('"Zorvexa 20 MG Oral Tablet", RxNorm 1234567': DataGap.stated)
    when `resource`, an order or statement whose drug `read_drug` identified as off this pathway
    by a name alone, states depression as a reason, or a fill of such a name fills `order`, an
    order of the chart that states it (module docstring); None otherwise (nearly every such
    record). `conditions`: the chart's Conditions by id, for a reasonReference."""
    stating = _stating(resource, reading, order)
    if stating is None:
        return None
    written, written_reading = stating
    if not written.get("reasonCode") and not written.get("reasonReference"):
        return None  # most orders of other drugs: nothing more to read
    if medication is not None and medication.get("status") == "entered-in-error":
        return None
    concept = _concept(resource, medication)
    if concept is None or tables_know(concept):
        return None
    name = _name(concept)
    if not name or excluded_form(name) or names_other_drug(name):
        # A name holding a drug known not to be an antidepressant ("hydroxyzine HCl 25 MG Oral
        # Tablet" with Epic's F33.1 attached) is that drug, off the pathway (fix meds48).
        return None
    reasons = stated_reasons(written, source_of(written, written_reading), conditions())
    if not any(r.category is IndicationCategory.DEPRESSION for r in reasons):
        return None
    codes = unknown_codes(concept)
    return f'"{name}"' + (f", {codes}" if codes else "")
