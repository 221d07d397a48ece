"""The walk of the chart gathers the patient's own Conditions (chart_walk.py `own_conditions`), so
a stay's reasonReference is looked for among them without a second walk of every resource of the
patient (stay_evidence.py; issue 14: that walk was ~1.8 % of a 10-year first sight). The list must
be the one the second walk made: the Conditions among `own`, in order, another patient's left out.
"""

from __future__ import annotations

from typing import Any

from fhir_mapping.chart_walk import ChartWalk, walk_chart
from fhir_mapping.site_codes import SiteCodes
from fhir_mapping.stay_evidence import StayEvidence, stay_evidence
from fhir_mapping.visit_reads import VisitReads
from tests.fixtures import sizes

PID = "p1"


def _condition(rid: str, patient: str = PID) -> dict[str, Any]:
    return {
        "resourceType": "Condition",
        "id": rid,
        "subject": {"reference": f"Patient/{patient}"},
        "code": {"coding": [{"system": "http://snomed.info/sct", "code": "35489007"}]},
    }


def _walk(resources: list[Any], patient_id: str | None = PID) -> ChartWalk:
    return walk_chart(resources, patient_id, SiteCodes(), VisitReads())


def _second_walk(own: list[Any]) -> list[Any]:
    return [r for r in own if r.get("resourceType") == "Condition"]


def test_own_conditions_are_the_conditions_of_own_in_order_without_another_patients() -> None:
    chart: list[dict[str, Any]] = [
        {"resourceType": "Patient", "id": PID},
        _condition("c1"),
        {"resourceType": "Observation", "id": "o1", "subject": {"reference": f"Patient/{PID}"},
         "status": "final", "code": {"text": "Heart rate"}},
        _condition("c2", patient="someone-else"),
        {"resourceType": "Encounter", "id": "e1", "subject": {"reference": f"Patient/{PID}"},
         "status": "finished"},
        _condition("c3"),
        {"resourceType": "Condition", "id": "c4"},  # no subject: not read as the patient's
    ]  # fmt: skip
    walk = _walk(chart)
    assert walk.own_conditions == _second_walk(walk.own)
    assert [c["id"] for c in walk.own_conditions] == ["c1", "c3"]
    # Every Condition of the chart, whoever's, is still gathered apart (medication_events).
    assert [c["id"] for c in walk.chart_conditions] == ["c1", "c2", "c3", "c4"]


def test_stay_evidence_answers_the_same_with_the_walks_conditions() -> None:
    request = sizes.ten_year()
    resources = [
        entry["resource"]
        for value in request["prefetch"].values()
        if isinstance(value, dict)
        for entry in (value.get("entry") or [{"resource": value}])
    ]
    walk = _walk(resources, request["context"]["patientId"])
    assert walk.own_conditions, "the 10-year chart has Conditions"
    given = stay_evidence((), walk.own, walk.own_conditions)
    read = stay_evidence((), walk.own)
    assert given.conditions() == read.conditions() == _second_walk(walk.own)
    # No resources: no evidence, whatever the caller gathered.
    assert StayEvidence(frozenset(), (), ()).conditions() is None
