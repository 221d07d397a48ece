"""The gaps of the resources left out as not this patient's (request_resources.not_belonging),
and of a Patient record that the EHR marks as replaced by another (a merge).

Apart from build.py because naming what a left-out resource is reads its drug (medication_drug),
and request_resources must stay importable by the protocol layer without the drug tables.

- Another patient's resource (its subject references another Patient) is excluded: never read for
  this patient, and worded as excluded, not as unread (review 17 M7: "the conclusion may change
  once it is read" told the clinician to read another patient's data).
- A subject given only as an identifier that matches none of this patient's
  (SUBJECT_UNCONFIRMED, review 17 U1) is named with what it is ("MAOI phenelzine, active"), so
  the clinician can tell whose it is: the data-quality card carries it (services/data_gaps.py).
  A PHQ-9 among them is also read as if it were this patient's (`DataGap.score`, review 17
  recheck R1), so a positive item 9 or a severe total is said by its answer, not its question
  (services/unconfirmed_signal.py).
- A Patient whose `link` says `replaced-by` (review 17 M6): the record was merged into another, so
  part of the history may be on the surviving record. Named once, with the link.
- A Patient marked `active: false` with no such link (review 17 M6, left half): FHIR R4
  Patient.active "whether this patient record is in active use"; an inactive record may be a
  duplicate or a closed record whose history is held elsewhere. Named once (PATIENT_INACTIVE),
  and its one-clicks held as a merged record's are (services/rules/merged_record_hold.py): the
  safer reading of a record no longer in use. With no link nothing says where the rest is; with
  a link of another type (review 19 E2) the linked records are named, since that is where it may
  be: `seealso` (another record of the same person, its data possibly overlapping), `refer` (the
  record to consult) or `replaces` (a record merged into this one). Each of those types calls
  the record holding it in use and valid, which `active: false` contradicts: the flag is the
  safer one to believe, the link says where to look.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from fhir_mapping.drug_table import DrugInfo, drug_info
from fhir_mapping.fhir_fields import JSON_OBJECT
from fhir_mapping.gaps import (
    LINKED_TO,
    PATIENT_INACTIVE,
    PATIENT_REPLACED,
    SUBJECT_UNCONFIRMED,
    resource_gap,
)
from fhir_mapping.item9_floor import PHQ9
from fhir_mapping.medication_drug import medication_index, read_drug
from fhir_mapping.record import DataDomain, DataGap, Score, SourceRef
from fhir_mapping.scores import read_scores

_MEDICATION_TYPES = frozenset({"MedicationRequest", "MedicationStatement", "MedicationDispense"})


def excluded_gaps(
    resource: Mapping[str, Any], reason: str, resources: Sequence[Mapping[str, Any]]
) -> list[DataGap]:
    """The gap of one resource `not_belonging` left out for `reason`; a subject not confirmed
    says what the resource is (`_what_it_is`), the Medications among `resources` resolving a
    medicationReference."""
    if reason != SUBJECT_UNCONFIRMED:
        return resource_gap(resource, reason)
    drugs = _drugs(resource, resources)
    gaps = resource_gap(resource, reason, stated=_what_it_is(resource, drugs))
    if drugs:
        return [dataclasses.replace(g, drugs=drugs) for g in gaps]
    score = _score(resource)
    if score is None:
        return gaps
    return [dataclasses.replace(g, score=score) for g in gaps]


def _score(resource: Mapping[str, Any]) -> Score | None:
    """The PHQ-9 an Observation of unconfirmed subject records (its total, or its item 9 answer
    alone), read as if it were this patient's, or None (review 17 recheck R1: a PHQ-9 item 9 = 3
    of unconfirmed subject was named only by its question). Carried on the gap, never among the
    patient's scores: services/unconfirmed_signal.py says it and holds the drug one-clicks. A
    result dated after today is read too (the date is named): a suicide-risk answer must not
    vanish because its subject or its date is in doubt."""
    if resource.get("resourceType") != "Observation":
        return None
    found = read_scores([resource], as_of=date.max)
    return next((s for s in found if s.instrument == PHQ9), None)


def _drugs(resource: Mapping[str, Any], resources: Sequence[Mapping[str, Any]]) -> tuple[str, ...]:
    """The recognised ingredients of a medication resource (its Medication resolved among
    `resources`), in order, each once; () for another resource."""
    if resource.get("resourceType") not in _MEDICATION_TYPES:
        return ()
    medications = medication_index(resources) if "medicationReference" in resource else {}
    components = read_drug(resource, medications)[0]
    return tuple(dict.fromkeys(c.ingredient for c in components))


def _what_it_is(resource: Mapping[str, Any], drugs: Sequence[str]) -> str:
    """ "MAOI phenelzine, active" for a medication resource whose drug is recognised (`drugs`);
    the code's text ("Patient Health Questionnaire 9 item (PHQ-9) total score"), else ""."""
    status = resource.get("status")
    said_status = f", {status}" if isinstance(status, str) and status else ""
    if resource.get("resourceType") in _MEDICATION_TYPES:
        named = []
        for ingredient in drugs:
            info = drug_info(ingredient)
            named.append(f"{info.drug_class} {ingredient}" if info else ingredient)
        return f"{' + '.join(named)}{said_status}" if named else ""
    code = resource.get("code")
    if isinstance(code, JSON_OBJECT):
        text = code.get("text")
        if not (isinstance(text, str) and text.strip()):
            codings = code.get("coding")
            first = codings[0] if isinstance(codings, list) and codings else None
            text = first.get("display") if isinstance(first, JSON_OBJECT) else None
        if isinstance(text, str) and text.strip():
            return f"{text.strip()[:80]}{said_status}"
    return ""


def replaced_record_gaps(
    patients: Sequence[Mapping[str, Any]], patient_id: str | None
) -> list[DataGap]:
    """One gap when the context Patient's `link` has type `replaced-by` (FHIR link-type code
    system: "The patient resource containing this link must no longer be used"; the link points
    to the record to use instead), naming the record it points to and whether this one is marked
    inactive. In the medications domain: the split history is first of all the trials (a course
    charted on the surviving record is not counted here), and a medications gap is carried by the
    optimise card or, with no card, by the data-quality card. A Patient marked `active: false`
    with no replaced-by link gets a PATIENT_INACTIVE gap instead, in the same domain, naming its
    other links when it has any (`_linked`)."""
    for patient in patients:
        if patient_id is not None and patient.get("id") != patient_id:
            continue
        targets: list[str] = []
        links = patient.get("link")
        for link in links if isinstance(links, list) else ():
            if not isinstance(link, JSON_OBJECT) or link.get("type") != "replaced-by":
                continue
            targets.append(_named(link.get("other")))
        rid = patient.get("id")
        source = SourceRef("Patient", rid) if isinstance(rid, str) and rid else None
        if not targets:
            # Inactive with another link or none (review 19 E2: a seealso link said nothing):
            # the flag holds the record, and the link names where the rest may be.
            if patient.get("active") is False:
                linked = _linked(links)
                stated = f"{LINKED_TO}{linked}" if linked else _NO_LINK
                return [DataGap(DataDomain.MEDICATIONS, PATIENT_INACTIVE, source, stated=stated)]
            continue
        stated = f"{_REPLACED_BY}{', '.join(targets)}"
        if patient.get("active") is False:
            stated += "; marked inactive"
        return [DataGap(DataDomain.MEDICATIONS, PATIENT_REPLACED, source, stated=stated)]
    return []


_REPLACED_BY = "replaced by "
_INACTIVE = "; marked inactive"
_NO_LINK = "marked inactive (active: false), no link to another record"


def _linked(links: object) -> str:
    """The records an inactive Patient's links other than replaced-by point to, each with its
    link type ("Patient/b (seealso)"), joined; "" when it has none."""
    named = []
    for link in links if isinstance(links, list) else ():
        if not isinstance(link, JSON_OBJECT):
            continue
        kind = link.get("type")
        said = f" ({kind})" if isinstance(kind, str) and kind else ""
        named.append(f"{_named(link.get('other'))}{said}")
    return ", ".join(named)


def _named(other: object) -> str:
    """The record a `replaced-by` link points to: its display, when the EHR sends one (a name a
    clinician can look up), beside the reference; else the reference."""
    if not isinstance(other, JSON_OBJECT):
        return "another record"
    ref, display = other.get("reference"), other.get("display")
    ref = ref if isinstance(ref, str) and ref else ""
    display = display.strip() if isinstance(display, str) else ""
    if display and ref:
        return f"{display} ({ref})"
    return display or ref or "another record"


def surviving_record(gap: DataGap) -> str | None:
    """The record a merged Patient's gap (`replaced_record_gaps`) names as the one to use
    ("Patient/merged-survivor-12345"); None for any other gap."""
    if gap.reason != PATIENT_REPLACED or not gap.stated.startswith(_REPLACED_BY):
        return None
    return gap.stated.removeprefix(_REPLACED_BY).removesuffix(_INACTIVE)


def inactive_not_merged(gap: DataGap) -> bool:
    """Whether the gap is of a Patient marked `active: false` with no replaced-by link."""
    return gap.reason == PATIENT_INACTIVE


def marked_inactive(gap: DataGap) -> bool:
    """Whether a merged Patient's gap says the EHR marked the record inactive (`active` false).
    A merged record sent with `active` true (or none) is not called inactive (review 17 second
    recheck M9): the link alone says it was merged."""
    return gap.reason == PATIENT_REPLACED and gap.stated.endswith(_INACTIVE)


def unconfirmed_drugs(gap: DataGap) -> tuple[str, list[DrugInfo]] | None:
    """(status, drugs) of a medication record left out as of unconfirmed subject: its
    ingredients from DataGap.drugs, each with its drug-table row, and the status `_what_it_is`
    put after the last ", " ("MAOI phenelzine, active" -> "active"). None for another gap or a
    record whose drug was not recognised."""
    if gap.reason != SUBJECT_UNCONFIRMED or gap.source is None or not gap.drugs:
        return None
    if gap.source.resource_type not in _MEDICATION_TYPES:
        return None
    drugs = [info for i in gap.drugs if (info := drug_info(i)) is not None]
    if len(drugs) != len(gap.drugs):
        return None
    _, comma, status = gap.stated.rpartition(", ")
    return (status if comma else ""), drugs
