"""A stand-in for `services.evaluation.evaluate` that records what the protocol layer handed it.

The protocol tests are about what was fetched and answered, not about the clinical rules, so they
replace the rules with this recorder (monkeypatching `cds_hooks.runner.evaluate`): it keeps every
HookInput and answers with a fixed list of recommendations.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

import pytest

from fhir_mapping.record import Patient, PatientRecord
from services.evaluation import Evaluation, HookInput
from services.policy import Policy
from services.recommendation import Indicator, Recommendation, Source

PROBE_CARD = Recommendation(
    topic="protocol-probe",
    indicator=Indicator.INFO,
    summary="Evaluated from the data that could be had",
    detail="Answered by the test double that replaces the rules.",
    source=Source(label="trd-cds protocol tests"),
)


class RecordingEvaluate:
    def __init__(self, recommendations: tuple[Recommendation, ...] = ()) -> None:
        self.recommendations = recommendations
        self.calls: list[HookInput] = []

    def __call__(self, hook_input: HookInput, policy: Policy) -> Evaluation:
        self.calls.append(hook_input)
        record = PatientRecord(patient=Patient(None, None, None), as_of=hook_input.as_of)
        return Evaluation(record=record, recommendations=self.recommendations)

    @property
    def last_resources(self) -> list[Mapping[str, Any]]:
        assert self.calls, "evaluate was never called"
        return list(self.calls[-1].resources)

    def last_counts(self) -> Counter[str]:
        """Resources of the last call, counted by resourceType."""
        return Counter(str(r["resourceType"]) for r in self.last_resources)


def install(
    monkeypatch: pytest.MonkeyPatch, recommendations: tuple[Recommendation, ...] = ()
) -> RecordingEvaluate:
    fake = RecordingEvaluate(recommendations)
    monkeypatch.setattr("cds_hooks.runner.evaluate", fake)
    return fake
