"""Shared assertions for the service tests."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.record import PatientRecord
from services.policy import Policy
from services.recommendation import Recommendation
from services.rules.context import RuleContext, build_context
from tests.fixtures import builders as b

REQUEST_STATUS = {"draft"}
REQUEST_INTENT = {"proposal"}


def ctx(
    record: PatientRecord, policy: Policy | None = None, hook: str = "patient-view"
) -> RuleContext:
    return build_context(record, policy or Policy(), hook=hook)


def resources(rec: Recommendation) -> list[dict[str, Any]]:
    """The proposed requests (not the documents attached to them: `documents`)."""
    return [
        a.resource
        for s in rec.suggestions
        for a in s.actions
        if a.resource is not None and a.resource["resourceType"] != "DocumentReference"
    ]


def documents(rec: Recommendation) -> list[dict[str, Any]]:
    """Documents a suggestion attaches to its request (the TMS referral's summary)."""
    return [
        a.resource
        for s in rec.suggestions
        for a in s.actions
        if a.resource is not None and a.resource["resourceType"] == "DocumentReference"
    ]


def assert_valid_proposals(rec: Recommendation, patient_id: str = "p1") -> None:
    """Every suggested resource validates with R4B and is a draft proposal for the patient; an
    attached document is a current DocumentReference about the patient."""
    for resource in resources(rec):
        model = get_fhir_model_class(resource["resourceType"])
        model.model_validate(resource)
        assert resource["status"] in REQUEST_STATUS
        assert resource["intent"] in REQUEST_INTENT
        assert resource["subject"] == {"reference": f"Patient/{patient_id}"}
    for document in documents(rec):
        get_fhir_model_class("DocumentReference").model_validate(document)
        assert document["status"] == "current"
        assert document["subject"] == {"reference": f"Patient/{patient_id}"}
    for suggestion in rec.suggestions:
        for action in suggestion.actions:
            assert action.type == "create"
            assert action.description


def codes(resource: dict[str, Any]) -> list[tuple[str, str]]:
    concept = resource.get("code") or resource.get("medicationCodeableConcept") or {}
    return [(c["system"], c["code"]) for c in concept.get("coding", [])]


def weekdays(first: date, last: date) -> list[date]:
    """Monday to Friday from `first` to `last`, both included: a daily TMS course's days."""
    return [
        first + timedelta(days=n)
        for n in range((last - first).days + 1)
        if (first + timedelta(days=n)).weekday() < 5
    ]


def tms_sessions(days: list[date], patient: str) -> list[dict[str, Any]]:
    """One TMS Procedure per day (CPT 90867 for the first session, then 90868), as charted."""
    return [
        b.procedure(
            b.CPT,
            "90867" if n == 0 else "90868",
            "TMS initial" if n == 0 else "TMS subsequent",
            day,
            patient=patient,
            id=f"tms-{day.isoformat()}",
        )
        for n, day in enumerate(days)
    ]
