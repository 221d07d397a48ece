"""Review s27 RB finding 6: the referral summary's DocumentReference, as issued on the TMS
one-click, carries `date` (US Core Must Support: the instant the card was issued) and, when the
hook's context.userId names a Practitioner or PractitionerRole, `author`; never an invented one."""

from __future__ import annotations

import copy
import re
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from fhir.resources.R4B.documentreference import DocumentReference

from cds_hooks import runner as runner_module
from cds_hooks.app import create_app
from cds_hooks.card_links import new_uuids
from cds_hooks.cards import card_template
from cds_hooks.config.settings import load_settings
from cds_hooks.document_stamp import document_stamp
from fhir_mapping.record import PatientRecord
from services.evaluation import Evaluation, HookInput
from services.policy import Policy
from services.rules import optimize_switch_augment, tms_referral
from tests.services import factories as f
from tests.services.helpers import ctx


def _record() -> PatientRecord:
    """The TRD record with item 9 answered: its referral is one click, the summary attached
    (tests/services/test_packet_document.py)."""
    return f.trd_record(scores=(f.score(17, date(2024, 5, 20), item9=0),))


NOW = datetime(2026, 12, 1, 15, 4, 5, 678000, tzinfo=timezone(timedelta(hours=-5)))


@pytest.mark.parametrize(
    ("user", "author"),
    [
        ("Practitioner/123", [{"reference": "Practitioner/123"}]),
        ("PractitionerRole/pr-9.a", [{"reference": "PractitionerRole/pr-9.a"}]),
        ("Patient/123", None),  # a patient viewing the chart is not the summary's author
        ("RelatedPerson/7", None),
        ("123", None),  # not [ResourceType]/[id]: no reference made up from it
        ("Practitioner/", None),
        (None, None),
    ],
)
def test_the_stamp_has_the_issue_instant_and_only_a_clinician_author(
    user: str | None, author: list[dict[str, str]] | None
) -> None:
    stamp = document_stamp(NOW, user)
    assert stamp["date"] == "2026-12-01T20:04:05Z"  # UTC, to the second (FHIR instant)
    assert stamp.get("author") == author


def _documents(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        a["resource"]
        for s in card.get("suggestions", ())
        for a in s["actions"]
        if a.get("resource", {}).get("resourceType") == "DocumentReference"
    ]


def test_issue_stamps_the_document_only_and_leaves_the_template_alone() -> None:
    context = ctx(_record())
    tms = tms_referral.rule(context)
    optimise = optimize_switch_augment.rule(context)
    assert tms is not None and optimise is not None
    template = card_template(tms)
    before = copy.deepcopy(template.body)
    stamp = document_stamp(NOW, "Practitioner/123")
    card = template.issue(iter(new_uuids(8)), stamp=stamp)
    (document,) = _documents(card)
    assert document["date"] == "2026-12-01T20:04:05Z"
    assert document["author"] == [{"reference": "Practitioner/123"}]
    DocumentReference.model_validate(document)  # still a valid R4 DocumentReference
    # The ServiceRequest is not stamped; the shared template body is not mutated.
    requests = [
        a["resource"]
        for s in card["suggestions"]
        for a in s["actions"]
        if a.get("resource", {}).get("resourceType") == "ServiceRequest"
    ]
    assert requests and all("date" not in r and "author" not in r for r in requests)
    assert template.body == before
    assert not _documents(template.issue(iter(new_uuids(8))))[0].get("date")
    # A card with no document gets nothing.
    other = card_template(optimise).issue(iter(new_uuids(8)), stamp=stamp)
    assert "2026-12-01T20:04:05Z" not in str(other)


class _TmsOnly:
    """`evaluate` replaced: the example packet record and its real TMS card."""

    def __call__(self, hook_input: HookInput, policy: Policy) -> Evaluation:
        record = _record()
        rec = tms_referral.rule(ctx(record, policy))
        assert rec is not None
        return Evaluation(record=record, recommendations=(rec,))


@pytest.mark.parametrize(
    ("user", "author"),
    [("Practitioner/1", [{"reference": "Practitioner/1"}]), ("Patient/p1", None)],
)
def test_the_issued_card_carries_date_and_author(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, user: str, author: Any
) -> None:
    monkeypatch.setattr(runner_module, "evaluate", _TmsOnly())
    settings = load_settings(None, database={"url": f"sqlite:///{tmp_path / 'db.sqlite'}"})
    prefetch = {
        k: {"resourceType": "Bundle", "type": "searchset"}
        for k in ("medicationRequests", "conditions", "observations")
    }
    body = {
        "hook": "patient-view",
        "hookInstance": "h-1",
        "context": {"patientId": "p1", "userId": user},
        "prefetch": prefetch,
    }
    before = datetime.now(UTC).replace(microsecond=0)
    with TestClient(create_app(settings)) as client:
        (card,) = client.post("/cds-services/trd-patient-view", json=body).json()["cards"]
    after = datetime.now(UTC)
    documents = _documents(card)
    assert documents
    for document in documents:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", document["date"])
        when = datetime.fromisoformat(document["date"].replace("Z", "+00:00"))
        assert before <= when <= after
        assert document.get("author") == author
        DocumentReference.model_validate(document)
