"""A short stay that is a treatment session given as a day case (fhir_mapping/day_cases.py,
review s28 K5 finding 1), and the last day on record of a finished stay with no end
(fhir_mapping/stay_evidence.py, finding 3)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fhir_mapping.clinical_records import ProcedureKind, ProcedureRecord
from fhir_mapping.day_cases import session_day_case, session_days
from fhir_mapping.stay_evidence import StayEvidence

V3 = "http://terminology.hl7.org/CodeSystem/v3-ActCode"


def _stay(cls: str, start: str, end: str | None, **kw: Any) -> dict[str, Any]:
    period = {"start": start, **({"end": end} if end else {})}
    return {"resourceType": "Encounter", "id": "s1", "status": "finished",
            "class": {"system": V3, "code": cls}, "period": period, **kw}  # fmt: skip


TMS_TYPE = [{"text": "rTMS treatment"}]


@pytest.mark.parametrize(
    ("stay", "days", "kind"),
    [
        (_stay("SS", "2026-11-26", "2026-11-26", type=TMS_TYPE), frozenset(), "tms"),
        (_stay("SS", "2026-11-26T09:00:00Z", "2026-11-26T12:00:00Z"), frozenset(), None),
        (
            _stay("SS", "2026-11-26T09:00:00Z", "2026-11-26T12:00:00Z"),
            frozenset({("esketamine", date(2026, 11, 26))}),
            "esketamine",
        ),
        # across midnight by dates alone: not shown to be under a day
        (_stay("SS", "2026-11-26", "2026-11-27", type=TMS_TYPE), frozenset(), None),
        # an observation stay or an admission is never a session day case
        (_stay("OBSENC", "2026-11-26", "2026-11-26", type=TMS_TYPE), frozenset(), None),
        (_stay("IMP", "2026-11-26", "2026-11-26", type=TMS_TYPE), frozenset(), None),
        # no end on record: not shown to be a day case
        (_stay("SS", "2026-11-26", None, type=TMS_TYPE), frozenset(), None),
    ],
)
def test_session_day_case(stay: dict[str, Any], days: frozenset[Any], kind: str | None) -> None:
    assert session_day_case(stay, days) == kind


def test_session_days_keep_the_session_kinds_only() -> None:
    day = date(2026, 11, 26)
    records = [
        ProcedureRecord(ProcedureKind.ECT, "90870", "cpt", day),
        ProcedureRecord(ProcedureKind.PSYCHOTHERAPY, "90834", "cpt", day),
        ProcedureRecord(ProcedureKind.KETAMINE_DOSE, "", "", None),
    ]
    assert session_days(records) == frozenset({("ect", day)})


def test_the_last_day_on_record_of_a_stay_with_no_end() -> None:
    stay = _stay("IMP", "2026-11-20T14:00:00Z", None)
    filed = [
        {"resourceType": "MedicationAdministration", "context": {"reference": "Encounter/s1"},
         "effectiveDateTime": "2026-11-27T09:00:00Z"},
        {"resourceType": "Observation", "encounter": {"reference": "Encounter/other"},
         "effectiveDateTime": "2026-11-30"},
        {"resourceType": "QuestionnaireResponse", "encounter": {"reference": "Encounter/s1"},
         "authored": "2026-12-05"},
    ]  # fmt: skip
    evidence = StayEvidence(frozenset(), filed)
    assert evidence.last_day(stay, as_of=date(2026, 12, 1)) == date(2026, 11, 27)
    assert StayEvidence().last_day(stay, as_of=date(2026, 12, 1)) == date(2026, 11, 20)
    assert StayEvidence().last_day(_stay("IMP", "", None), as_of=date(2026, 12, 1)) is None
