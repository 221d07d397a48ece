"""A short stay that is a treatment session given as a day case (fhir_mapping/day_cases.py,
review s28 K5 finding 1), and the last day on record of a finished stay with no end
(fhir_mapping/stay_evidence.py, finding 3)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from fhir_mapping.clinical_records import ProcedureKind, ProcedureRecord
from fhir_mapping.day_cases import Session, session_day_case, session_days
from fhir_mapping.source_ref import SourceRef
from fhir_mapping.stay_evidence import StayEvidence

V3 = "http://terminology.hl7.org/CodeSystem/v3-ActCode"


def _stay(cls: str, start: str, end: str | None, **kw: Any) -> dict[str, Any]:
    period = {"start": start, **({"end": end} if end else {})}
    return {"resourceType": "Encounter", "id": "s1", "status": "finished",
            "class": {"system": V3, "code": cls}, "period": period, **kw}  # fmt: skip


TMS_TYPE = [{"text": "rTMS treatment"}]
ECT_TYPE = [{"text": "Electroconvulsive therapy"}]
DAY = date(2026, 11, 26)


def _at(hour: int, day: int = 26) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


ESK_10 = frozenset({Session("esketamine", DAY, _at(10))})


@pytest.mark.parametrize(
    ("stay", "days", "kind"),
    [
        (_stay("SS", "2026-11-26", "2026-11-26", type=TMS_TYPE), frozenset(), "tms"),
        (_stay("SS", "2026-11-26T09:00:00Z", "2026-11-26T12:00:00Z"), frozenset(), None),
        # a session inside the stay by its instant, or naming the stay (review s28 K10 finding 1)
        (_stay("SS", "2026-11-26T09:00:00Z", "2026-11-26T12:00:00Z"), ESK_10, "esketamine"),
        (
            _stay("SS", "2026-11-26T09:00:00Z", "2026-11-26T12:00:00Z"),
            frozenset({Session("ect", DAY, None, "s1")}),
            "ect",
        ),
        # ... not one earlier that day, one dated by its day alone, nor one naming another stay
        (
            _stay("SS", "2026-11-26T12:00:00Z", "2026-11-26T23:00:00Z"),
            frozenset({Session("ect", DAY, _at(7))}),
            None,
        ),
        (
            _stay("SS", "2026-11-26T09:00:00Z", "2026-11-26T12:00:00Z"),
            frozenset({Session("ect", DAY)}),
            None,
        ),
        (
            _stay("SS", "2026-11-26T09:00:00Z", "2026-11-26T12:00:00Z"),
            frozenset({Session("ect", DAY, None, "amb1")}),
            None,
        ),
        # a crisis stay is no session day case, a session inside it or not (finding 1)
        (
            _stay(
                "SS",
                "2026-11-26T01:00:00Z",
                "2026-11-26T15:00:00Z",
                serviceType={"text": "Crisis stabilization"},
            ),
            frozenset({Session("ect", DAY, _at(13))}),
            None,
        ),
        (
            _stay("SS", "2026-11-26", "2026-11-26", type=[{"text": "Inpatient Psychiatry ECT"}]),
            frozenset(),
            None,
        ),
        # an admission: only its own type, and under 24 hours by its timestamps (finding 4)
        (
            _stay("IMP", "2026-11-26T12:00:00Z", "2026-11-26T16:00:00Z", type=ECT_TYPE),
            frozenset(),
            "ect",
        ),
        (
            _stay("IMP", "2026-11-26T12:00:00Z", "2026-11-27T13:00:00Z", type=ECT_TYPE),
            frozenset(),
            None,
        ),
        (_stay("IMP", "2026-11-26T09:00:00Z", "2026-11-26T12:00:00Z"), ESK_10, None),
        # across midnight by dates alone: not shown to be under a day
        (_stay("SS", "2026-11-26", "2026-11-27", type=TMS_TYPE), frozenset(), None),
        # an observation stay or an admission is never a session day case
        (_stay("OBSENC", "2026-11-26", "2026-11-26", type=TMS_TYPE), frozenset(), None),
        (_stay("IMP", "2026-11-26", "2026-11-26", type=TMS_TYPE), frozenset(), None),  # dates
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
    assert session_days(records) == frozenset({Session("ect", day)})


def test_session_days_read_the_instant_and_encounter_of_their_resource() -> None:
    records = [
        ProcedureRecord(ProcedureKind.ECT, "90870", "cpt", DAY, SourceRef("Procedure", "p1")),
        ProcedureRecord(
            ProcedureKind.ESKETAMINE, "", "", DAY, SourceRef("MedicationAdministration", "m1")
        ),
    ]
    chart = [
        {"resourceType": "Procedure", "id": "p1", "performedDateTime": "2026-11-26T08:00:00Z",
         "encounter": {"reference": "Encounter/ss1"}},
        {"resourceType": "MedicationAdministration", "id": "m1",
         "effectivePeriod": {"start": "2026-11-26T10:00:00Z"}},
    ]  # fmt: skip
    assert session_days(records, chart) == frozenset(
        {Session("ect", DAY, _at(8), "ss1"), Session("esketamine", DAY, _at(10))}
    )


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
