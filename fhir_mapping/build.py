"""Entry point of the mapping: FHIR R4 resources (plain JSON dicts) to a PatientRecord.

Steps: de-duplicate (same resourceType and id count once, the latest meta.lastUpdated / versionId
winning; resources without an id by their canonical JSON), drop other patients' resources, keep
only the types and codes the rules read (a cheap dict check), validate those with fhir.resources
R4B (`parse.is_valid`, cached), then map: medications -> trials (episodes.py, adherence.py),
Observations -> scores (scores.py) and labs (labs.py), Condition / Procedure / Device -> clinical
context (context.py), ServiceRequest -> referrals (referrals.py), and the current episode
(episode.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

import orjson

from fhir_mapping import context, labs, scores
from fhir_mapping.episode import current_episode_start
from fhir_mapping.episodes import build_trials
from fhir_mapping.fhir_fields import parse_date, references_patient, subject_reference
from fhir_mapping.medications import draft_orders as read_draft_orders
from fhir_mapping.medications import medication_events
from fhir_mapping.parse import is_valid
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import Patient, PatientRecord
from fhir_mapping.referrals import all_referrals, wants_service_request

Resource = Mapping[str, Any]

_MEDICATION_TYPES = frozenset(
    {"MedicationRequest", "MedicationStatement", "MedicationDispense", "Medication"}
)


def _version(resource: Resource) -> tuple[str, int, bytes]:
    meta = resource.get("meta")
    updated, version = "", -1
    if isinstance(meta, Mapping):
        if isinstance(meta.get("lastUpdated"), str):
            updated = meta["lastUpdated"]
        raw = meta.get("versionId")
        # isdecimal, not isdigit: int() refuses "²"; and an id is at most 64 characters (int()
        # refuses more than 4300 digits).
        if isinstance(raw, str) and raw.isdecimal() and len(raw) <= 64:
            version = int(raw)
    return (updated, version, _canonical(resource) or b"")


def _canonical(resource: Resource) -> bytes | None:
    """Sorted-key JSON of a resource; None when orjson cannot write it (nested deeper than its
    254-level limit: such a resource is kept as it came and fails model validation later)."""
    try:
        return orjson.dumps(resource, option=orjson.OPT_SORT_KEYS, default=str)
    except TypeError:  # orjson.JSONEncodeError
        return None


def _dedupe(resources: Iterable[object]) -> tuple[list[Resource], int]:
    """Unique resources (order of first appearance) and how many inputs were not resources."""
    by_key: dict[tuple[str, str] | bytes | int, Resource] = {}
    not_resources = 0
    for item in resources:
        if not isinstance(item, Mapping) or not isinstance(item.get("resourceType"), str):
            not_resources += 1
            continue
        rid = item.get("id")
        key: tuple[str, str] | bytes | int
        if isinstance(rid, str) and rid:
            key = (item["resourceType"], rid)
        else:  # no id: the same content counts once; content orjson cannot write counts apart
            key = _canonical(item) or id(item)
        current = by_key.get(key)
        if current is None or current is not item and _version(item) > _version(current):
            by_key[key] = item
    return list(by_key.values()), not_resources


def _belongs(resource: Resource, patient_id: str | None) -> bool:
    if patient_id is None:
        return True
    if resource["resourceType"] == "Patient":
        return resource.get("id") == patient_id
    subject = subject_reference(resource)
    if subject is None:
        return True  # Medication and other shared resources carry no patient
    return references_patient(subject, patient_id)


def _age(birth: date | None, as_of: date) -> int | None:
    if birth is None or birth > as_of:
        return None
    return as_of.year - birth.year - ((as_of.month, as_of.day) < (birth.month, birth.day))


def _patient(patients: list[Resource], patient_id: str | None, as_of: date) -> Patient:
    chosen = patients[0] if len(patients) == 1 else None
    if chosen is None and patient_id is not None:
        chosen = next((p for p in patients if p.get("id") == patient_id), None)
    if chosen is None:
        return Patient(id=patient_id, age=None, sex=None)
    gender = chosen.get("gender")
    rid = chosen.get("id")
    return Patient(
        id=patient_id or (rid if isinstance(rid, str) else None),
        age=_age(parse_date(chosen.get("birthDate")), as_of),
        sex=gender if isinstance(gender, str) else None,
    )


def _wants_observation(resource: Resource) -> bool:
    return scores.wants(resource) or labs.wants_lab(resource)


def _wants_patient(resource: Resource) -> bool:
    return True


# The cheap pre-validation filter of each resource type the rules read.
_WANTS: dict[str, Callable[[Resource], bool]] = {
    "Condition": context.wants_condition,
    "Procedure": context.wants_procedure,
    "Device": context.wants_device,
    "ServiceRequest": wants_service_request,
    "Observation": _wants_observation,
    "Patient": _wants_patient,
}


def build_record(
    resources: Iterable[Mapping[str, Any]],
    *,
    as_of: date,
    patient_id: str | None = None,
    policy: MappingPolicy | None = None,
    draft_orders: Iterable[Mapping[str, Any]] = (),
) -> PatientRecord:
    """Build the record of one patient.

    `resources` may hold other patients' resources or irrelevant ones (a whole Bundle's entries):
    they are skipped by a cheap check before any model validation. Duplicates (same type and id)
    count once. Resources dated after `as_of` are ignored, so a replay with --as-of sees the chart
    as it was that day.
    """
    policy = policy or MappingPolicy()
    unique, skipped = _dedupe(resources)
    read = len(unique) + skipped
    kept: dict[str, list[Resource]] = {}
    medication_resources: list[Resource] = []
    for resource in unique:
        kind = resource["resourceType"]
        if not _belongs(resource, patient_id):
            skipped += 1
            continue
        if kind in _MEDICATION_TYPES:
            medication_resources.append(resource)
            continue
        wants = _WANTS.get(kind)
        if wants is None or not wants(resource) or not is_valid(resource):
            skipped += 1
            continue
        kept.setdefault(kind, []).append(resource)

    events, medication_skipped = medication_events(medication_resources, as_of=as_of)
    skipped += medication_skipped
    observations = kept.get("Observation", [])
    all_scores = scores.read_scores(observations, as_of=as_of)
    trials = scores.attach_scores(
        build_trials(events, as_of=as_of, policy=policy), all_scores, policy
    )
    clinical, procedures = context.clinical_context(
        conditions=kept.get("Condition", []),
        procedures=kept.get("Procedure", []),
        devices=kept.get("Device", []),
        observations=observations,
        as_of=as_of,
    )
    return PatientRecord(
        patient=_patient(kept.get("Patient", []), patient_id, as_of),
        as_of=as_of,
        trials=trials,
        scores=all_scores,
        context=clinical,
        procedures=procedures,
        referrals=all_referrals(kept.get("ServiceRequest", []), as_of=as_of),
        draft_orders=read_draft_orders(list(draft_orders)),
        episode_start=current_episode_start(
            trials, all_scores, clinical.findings, as_of=as_of, policy=policy
        ),
        resources_read=read,
        resources_skipped=skipped,
    )
