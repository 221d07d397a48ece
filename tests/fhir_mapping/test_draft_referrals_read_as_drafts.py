"""A draft TMS ServiceRequest is read as a draft (review 11 wave 4).

The order hooks check a draft TMS order against the TMS exclusions on record
(services/order_checks/tms_draft.py). The drafts used to be read with the filter for the chart's
open requests (status active/draft/on-hold/completed, authoredOn up to as-of), so a draft sent
with no status yet, or stamped in UTC after the clinic's local midnight, was dropped in silence
and the exclusion warning never came. Drafts are now read as the medication drafts are: any
status, whatever authoredOn says; the draftOrders Bundle is flattened once (build_record) for both
readers.

The charts are the fixture scenarios (US Core / Synthea-shaped, as of 2025-06-02) with a draft
TMS order (CPT 90867) as an EHR sends it in context.draftOrders. A draft with no status is
deliberately non-conformant (ServiceRequest.status is 1..1 in R4): the rest of it is validated.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from cds_hooks.offline import evaluate_document
from fhir_mapping.build import build_record
from fhir_mapping.record import PatientRecord, SourceRef
from services.order_hooks import order_hook
from services.policy import Policy
from tests.fixtures import builders as b
from tests.fixtures import scenarios
from tests.fixtures.scenarios import Scenario

POLICY = Policy()
Resource = dict[str, Any]
TMS_EXCLUDED = "order-tms-excluded"


def tms_draft(
    patient: str, *, status: str | None = "draft", authored: str | None = None
) -> Resource:
    """A draft TMS order (CPT 90867) as sent in draftOrders; `status` None leaves it out, as a
    client may before the order is saved; `authored` replaces authoredOn as written."""
    draft = b.service_request(
        b.CPT,
        "90867",
        "Therapeutic repetitive transcranial magnetic stimulation (TMS) treatment; initial",
        date(2025, 6, 2),
        patient=patient,
        status="draft",
        referral=False,
        id="d-tms",
    )
    if authored is not None:
        draft["authoredOn"] = authored
    get_fhir_model_class("ServiceRequest").model_validate(draft)
    if status is None:
        del draft["status"]
    else:
        draft["status"] = status
    return draft


def bundle(drafts: Sequence[Resource]) -> Resource:
    """context.draftOrders as CDS Hooks 2.0 sends it."""
    value = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": d} for d in drafts],
    }
    return value


def record_of(s: Scenario, drafts: Sequence[Resource]) -> PatientRecord:
    return build_record(
        s.resources,
        as_of=s.as_of,
        patient_id=s.patient_id,
        policy=POLICY.mapping,
        draft_orders=[bundle(drafts)],
    )


def warning_of(record: PatientRecord) -> str:
    cards = {r.topic: r for r in order_hook(record, POLICY, hook="order-sign")}
    card = cards[TMS_EXCLUDED]
    assert card.indicator.value == "warning"
    assert card.summary.startswith("TMS ordered with psychotic features on record")
    return card.detail


def test_a_draft_tms_order_with_no_status_is_checked() -> None:
    s = scenarios.psychotic_features()
    record = record_of(s, [tms_draft(s.patient_id, status=None)])
    ((kind, status, source),) = [(r.kind, r.status, r.source) for r in record.draft_referrals]
    assert (kind, status, source) == ("tms", "draft", SourceRef("ServiceRequest", "d-tms"))
    assert "**TMS ordered** (ServiceRequest/d-tms)" in warning_of(record)


def test_a_draft_stamped_in_utc_after_the_local_day_is_checked() -> None:
    """21:30 in New York on 2025-06-02 (the as-of day) is 01:30 UTC on 2025-06-03."""
    s = scenarios.psychotic_features()
    assert s.as_of == date(2025, 6, 2)
    record = record_of(s, [tms_draft(s.patient_id, authored="2025-06-03T01:30:00Z")])
    (referral,) = record.draft_referrals
    assert referral.kind == "tms"
    assert "**TMS ordered** (ServiceRequest/d-tms)" in warning_of(record)


def test_a_draft_with_no_id_is_checked() -> None:
    """A draft not yet saved may carry no id: checked all the same (the card has no id to cite)."""
    s = scenarios.psychotic_features()
    draft = tms_draft(s.patient_id)
    del draft["id"]
    record = record_of(s, [draft])
    assert [r.source for r in record.draft_referrals] == [SourceRef("ServiceRequest", "")]
    warning_of(record)


def test_a_status_of_the_chart_filter_does_not_hide_a_draft() -> None:
    """A client that sends its unsigned order as "on-hold" or with an unexpected status still
    has the order it is writing checked; only doNotPerform (an order NOT to do it) and a draft
    that orders nothing (revoked, entered-in-error: review s27 K1 finding 3, read as the halted
    medication drafts are) are left out."""
    s = scenarios.psychotic_features()
    for status in ("unknown", "on-hold", "active"):
        record = record_of(s, [tms_draft(s.patient_id, status=status)])
        assert [r.kind for r in record.draft_referrals] == ["tms"]
    for status in ("revoked", "entered-in-error"):
        record = record_of(s, [tms_draft(s.patient_id, status=status)])
        assert record.draft_referrals == ()
    not_done = tms_draft(s.patient_id)
    not_done["doNotPerform"] = True
    assert record_of(s, [not_done]).draft_referrals == ()


def test_the_chart_keeps_its_filter() -> None:
    """On the chart (not a draft), a request authored after as-of is not yet there."""
    s = scenarios.psychotic_features()
    later = tms_draft(s.patient_id, status="active", authored="2025-06-05T10:00:00Z")
    record = build_record(
        [*s.resources, later], as_of=s.as_of, patient_id=s.patient_id, policy=POLICY.mapping
    )
    assert [r for r in record.referrals if r.kind == "tms"] == []


def test_end_to_end_order_sign_with_a_status_less_tms_draft_warns() -> None:
    base = scenarios.psychotic_features()
    s = dataclasses.replace(base, draft_orders=[tms_draft(base.patient_id, status=None)])
    result = evaluate_document(
        scenarios.cds_request(s, "order-sign"), hook="order-sign", as_of=s.as_of, policy=POLICY
    )
    cards = result.response.model_dump_json(exclude_none=True)
    assert "TMS ordered with psychotic features on record" in cards
