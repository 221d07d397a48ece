"""Entry point of the mapping: FHIR R4 resources (plain JSON dicts) to a PatientRecord."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import PatientRecord


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
    raise NotImplementedError  # implemented with the mapping (issue 3)
