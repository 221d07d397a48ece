"""evaluate(): maps the resources with fhir_mapping and dispatches by hook."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import pytest

from fhir_mapping import build
from fhir_mapping.device_course_scores import DEFAULT_RULE, CourseRule
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import PatientRecord
from services.evaluation import HookInput, evaluate
from services.policy import Policy, load_policy
from tests.services import factories as f


class FakeMapping:
    def __init__(self, record: PatientRecord) -> None:
        self.record = record
        self.calls: list[dict[str, Any]] = []

    def __call__(
        self,
        resources: Iterable[Mapping[str, Any]],
        *,
        as_of: date,
        patient_id: str | None = None,
        policy: MappingPolicy | None = None,
        draft_orders: Iterable[Mapping[str, Any]] = (),
        unavailable: Mapping[str, str] | None = None,
        incomplete: Mapping[str, str] | None = None,
        read_failed: frozenset[str] = frozenset(),
        course_rule: CourseRule = DEFAULT_RULE,
    ) -> PatientRecord:
        self.calls.append(
            {
                "resources": list(resources),
                "as_of": as_of,
                "patient_id": patient_id,
                "policy": policy,
                "draft_orders": list(draft_orders),
            }
        )
        return self.record


def _input(hook: str, **kw: Any) -> HookInput:
    args: dict[str, Any] = {
        "service_id": f"trd-{hook}",
        "hook": hook,
        "hook_instance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
        "patient_id": "p1",
        "resources": ({"resourceType": "Patient", "id": "p1"},),
        "as_of": f.AS_OF,
    }
    args.update(kw)
    return HookInput(**args)


def test_patient_view_maps_then_runs_the_pathway(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeMapping(f.trd_record())
    monkeypatch.setattr(build, "build_record", fake)
    policy = Policy()
    result = evaluate(_input("patient-view"), policy)
    assert [r.topic for r in result.recommendations] == ["optimize-switch-augment", "tms-referral"]
    assert result.record is fake.record
    (call,) = fake.calls
    assert call == {
        "resources": [{"resourceType": "Patient", "id": "p1"}],
        "as_of": f.AS_OF,
        "patient_id": "p1",
        "policy": policy.mapping,
        "draft_orders": [],
    }


def test_order_select_uses_selections_and_order_sign_all_drafts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    record = f.trd_record(
        draft_orders=(
            f.draft("sertraline", "SSRI", mg=100, min_mg=50, max_mg=200, rid="a"),
            f.draft("bupropion", "NDRI", mg=600, min_mg=150, max_mg=450, rid="b"),
        )
    )
    monkeypatch.setattr(build, "build_record", FakeMapping(record))
    drafts = (
        {"resourceType": "MedicationRequest", "id": "a"},
        {"resourceType": "MedicationRequest", "id": "b"},
    )
    # The TMS card with a payer criterion unmet shows at the order hooks as this policy allows
    # (by default not: review 19 I7).
    policy = Policy(tms_card_when_payer_criteria_unmet=True)
    selected = evaluate(
        _input("order-select", draft_orders=drafts, selections=("MedicationRequest/b",)), policy
    )
    # Sertraline and bupropion drafted with no antidepressant running: also the two-started-
    # together information card (review s23 RD leftover 4).
    # At one indicator a safety topic before a strategy one (review s26 RN finding 2).
    assert [r.topic for r in selected.recommendations] == [
        "order-dose-above-range",
        "order-adjuncts-together",
        "tms-referral",
    ]
    signed = evaluate(
        _input("order-sign", draft_orders=drafts, selections=("MedicationRequest/b",)), policy
    )
    assert [r.topic for r in signed.recommendations] == [
        "order-dose-above-range",
        "order-repeats-failed-trial",
        "order-adjuncts-together",
        "tms-referral",
    ]


def test_unknown_hook_gets_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build, "build_record", FakeMapping(f.trd_record()))
    assert evaluate(_input("encounter-start"), Policy()).recommendations == ()


def test_policy_table_accepts_the_added_fields() -> None:
    policy = load_policy(
        {
            "tms_require_distinct_classes": True,
            "tms_min_distinct_classes": 3,
            "trd_min_failed_trials": 3,
        }
    )
    assert (policy.tms_min_distinct_classes, policy.trd_min_failed_trials) == (3, 3)
    assert (Policy().tms_min_distinct_classes, Policy().trd_min_failed_trials) == (2, 2)
    with pytest.raises(ValueError):
        load_policy({"tms_min_distinct_classes": 1})


def test_policy_table_sets_adult_age_and_possibly_adequate_weeks() -> None:
    policy = load_policy({"adult_age": 21, "mapping": {"possibly_adequate_weeks": 3}})
    assert (policy.adult_age, policy.mapping.possibly_adequate_weeks) == (21, 3.0)
    assert (Policy().adult_age, Policy().mapping.possibly_adequate_weeks) == (18, 4.0)
