"""Shared helpers for the service tests: assertions on recommendations, chart documents evaluated
in-process as of a date (`Evaluator`), and the reading of the cards they answer with."""

from __future__ import annotations

from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from cds_hooks.offline import OfflineResult, evaluate_document
from fhir_mapping.record import PatientRecord
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Recommendation
from services.rules.context import RuleContext, build_context
from tests.fixtures import builders as b
from tests.services.chart_files import Doc

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


# --- Chart documents evaluated in-process ----------------------------------------------------------


@dataclass(frozen=True)
class Evaluator:
    """Evaluates CDS Hooks request documents in-process as of `as_of`: with the document's own hook
    unless `hook` is set, with a fresh `Policy()` unless `policy` is set. A call may override
    either (and the date); a test module binds the methods it uses (`_cards = _at.cards`)."""

    as_of: date
    hook: str | None = None
    policy: Policy | None = None

    def result(
        self,
        doc: Doc,
        hook: str | None = None,
        *,
        as_of: date | None = None,
        policy: Policy | None = None,
    ) -> OfflineResult:
        return evaluate_document(
            doc,
            hook=hook or self.hook or doc["hook"],
            as_of=as_of or self.as_of,
            policy=policy or self.policy or Policy(),
        )

    def cards(
        self,
        doc: Doc,
        hook: str | None = None,
        *,
        as_of: date | None = None,
        policy: Policy | None = None,
    ) -> list[Doc]:
        """The response's cards as JSON, in the order the service sent them."""
        return card_list(self.result(doc, hook, as_of=as_of, policy=policy))

    def by_topic(
        self,
        doc: Doc,
        hook: str | None = None,
        *,
        as_of: date | None = None,
        policy: Policy | None = None,
    ) -> dict[str, Doc]:
        """The response's cards as JSON keyed by topic code."""
        return by_topic(self.cards(doc, hook, as_of=as_of, policy=policy))

    def cards_and_record(
        self, doc: Doc, *, as_of: date | None = None
    ) -> tuple[list[Doc], PatientRecord]:
        """The cards and the record they were decided on."""
        result = self.result(doc, as_of=as_of)
        return card_list(result), result.evaluation.record

    def by_topic_and_record(
        self, doc: Doc, *, as_of: date | None = None
    ) -> tuple[dict[str, Doc], PatientRecord]:
        """The cards keyed by topic code and the record they were decided on."""
        result = self.result(doc, as_of=as_of)
        return by_topic(card_list(result)), result.evaluation.record

    def recommendations(self, doc: Doc) -> tuple[Recommendation, ...]:
        """The recommendations behind the cards (before they are written as JSON)."""
        return self.result(doc).evaluation.recommendations


def card_list(result: OfflineResult) -> list[Doc]:
    cards: list[Doc] = result.response.to_json()["cards"]
    return cards


def by_topic(cards: Iterable[Doc]) -> dict[str, Doc]:
    """JSON cards keyed by topic code (a later card of a topic replaces an earlier one)."""
    return {c["source"]["topic"]["code"]: c for c in cards}


def topics(cards: Iterable[Doc]) -> list[str]:
    """The JSON cards' topic codes in order."""
    return [c["source"]["topic"]["code"] for c in cards]


def of_topic(cards: Iterable[Doc], topic: str) -> list[Doc]:
    """The JSON cards of one topic, in order."""
    return [c for c in cards if c["source"]["topic"]["code"] == topic]


def one_of_topic(cards: Sequence[Doc], topic: str) -> Doc:
    """The one JSON card of a topic (asserted: exactly one; the summaries shown otherwise)."""
    found = of_topic(cards, topic)
    assert len(found) == 1, [c["summary"] for c in cards]
    return found[0]


def labels(card: Doc) -> list[str]:
    """A JSON card's suggestion labels, in order (none when it suggests nothing)."""
    return [s["label"] for s in card.get("suggestions", [])]


def drug_orders(card: Doc) -> list[str]:
    """The labels of a JSON card's suggestions that order a drug (a MedicationRequest action):
    what a hold keeps from one click."""
    return [
        s["label"]
        for s in card.get("suggestions", [])
        if any(
            (a.get("resource") or {}).get("resourceType") == "MedicationRequest"
            for a in s.get("actions", [])
        )
    ]


def line_starting(card: Doc, start: str) -> str:
    """The first line of a JSON card's detail that starts with `start`."""
    found: str = next(line for line in card["detail"].split("\n") if line.startswith(start))
    return found


def line_with(card: Doc, needle: str) -> str:
    """The first line of a JSON card's detail that holds `needle`."""
    found: str = next(line for line in card["detail"].split("\n") if needle in line)
    return found


# --- Records screened directly (no document) --------------------------------------------------------


def screen(record: PatientRecord, policy: Policy | None = None) -> list[Recommendation]:
    """The patient-view screen of a record, in order (`Policy()` unless `policy` is given)."""
    return list(patient_view(record, policy or Policy()))


def screen_by_topic(
    record: PatientRecord, policy: Policy | None = None, hidden: Set[str] = frozenset()
) -> dict[str, Recommendation]:
    """The patient-view screen of a record keyed by topic, `hidden` topics snoozed."""
    return {r.topic: r for r in patient_view(record, policy or Policy(), hidden=hidden)}
