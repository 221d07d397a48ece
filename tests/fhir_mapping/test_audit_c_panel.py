"""The AUDIT-C filed as a panel Observation (LOINC 72109-2), as EHR flowsheets and form tools send
it (fhir_mapping/score_alcohol.py).

Before: only the standalone total (75626-2, Synthea's shape) was read. A 72109-2 panel Observation
was not a scale at all, and the `observations` prefetch did not even ask for it, so an AUDIT-C
whose total sat in the panel's component, or whose three item answers were all the EHR kept, was
never seen: no score, no gap, and duloxetine offered beside AUDIT-C 10.

Now: the panel's 75626-2 component is its total; with none, the sum of its three item answers
(68518-0, 68519-8, 68520-6: LOINC answers worth 0-4 points, data/auditc_answers.csv) is, marked
`total_computed`; what cannot make a total is a DataGap, never silence.

Charts are US Core shaped (tests/fixtures/builders.py; the panel as us-core-observation-survey,
category survey; answers as LOINC LA codes, as the HL7 US Core AUDIT-C Questionnaire lists them)
and mapped by build_record.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fhir_mapping.build import build_record
from fhir_mapping.record import DataDomain, PatientRecord, Score
from fhir_mapping.score_alcohol import NO_TOTAL, UNREADABLE_ITEM
from services.catalog import MAX_QUERY_BYTES, query_bytes, services
from tests.fhir_mapping.fhir_resources import assert_valid
from tests.fixtures import builders as b

AS_OF = date(2025, 6, 2)
DAY = date(2025, 5, 19)
PATIENT = "p-auditc-panel"
Resource = dict[str, Any]

PANEL = ("72109-2", "Alcohol Use Disorder Identification Test - Consumption [AUDIT-C]")
TOTAL = ("75626-2", "Total score [AUDIT-C]")
OFTEN = ("68518-0", "How often do you have a drink containing alcohol")
TYPICAL = ("68519-8", "How many standard drinks containing alcohol do you have on a typical day")
SIX_OR_MORE = ("68520-6", "How often do you have 6 or more drinks on 1 occasion")
# One answer of each item list, with the points the AUDIT-C gives it (Bush 1998).
WEEKLY_4_PLUS = ("LA18929-2", "4 or more times a week")  # item 1: 4
TEN_OR_MORE = ("LA18932-6", "10 or more")  # item 2: 4
MONTHLY = ("LA18876-5", "Monthly")  # item 3: 2
MONTHLY_OR_LESS = ("LA18926-8", "Monthly or less")  # item 1: 1
ONE_OR_TWO = ("LA15694-5", "1 or 2")  # item 2: 0
NEVER = ("LA6270-8", "Never")  # item 3: 0


def _item(item: tuple[str, str], answer: tuple[str, str]) -> Resource:
    return {
        "code": b.concept(b.LOINC, *item),
        "valueCodeableConcept": b.concept(b.LOINC, *answer),
    }


def _total(value: int) -> Resource:
    return {"code": b.concept(b.LOINC, *TOTAL), "valueInteger": value}


def _panel(
    *components: Resource,
    when: date | None = DAY,
    id: str = "auditc-panel",
    extra: Resource | None = None,
) -> Resource:
    """An AUDIT-C panel Observation as a flowsheet sends it (us-core-observation-survey)."""
    body: Resource = {
        "resourceType": "Observation",
        "id": id,
        "meta": {
            "profile": [
                "http://hl7.org/fhir/us/core/StructureDefinition/us-core-observation-survey"
            ]
        },
        "status": "final",
        "category": [
            {
                "coding": [
                    b.coding(
                        "http://terminology.hl7.org/CodeSystem/observation-category",
                        "survey",
                        "Survey",
                    )
                ]
            }
        ],
        "code": b.concept(b.LOINC, *PANEL),
        "subject": b.reference("Patient", PATIENT),
    }
    if when is not None:
        body["effectiveDateTime"] = b.fhir_datetime(when)
        body["issued"] = b.fhir_datetime(when)
    if components:
        body["component"] = list(components)
    body.update(extra or {})
    return body


def _standalone_total(value: int, id: str = "auditc-total") -> Resource:
    """The 75626-2 total as its own Observation (Synthea's shape)."""
    body = _panel(when=DAY, id=id)
    body["code"] = b.concept(b.LOINC, *TOTAL)
    body["valueQuantity"] = b.quantity(value, "{score}")
    return body


def _record(*resources: Resource) -> PatientRecord:
    chart = [
        b.patient(
            id=PATIENT, given="Rui", family="Costa", gender="male", birth_date=date(1970, 4, 2)
        ),
        *resources,
    ]
    assert_valid(chart)
    return build_record(chart, as_of=AS_OF, patient_id=PATIENT)


def _auditc(record: PatientRecord) -> list[Score]:
    return [s for s in record.scores if s.instrument == "AUDIT-C"]


def _score_gaps(record: PatientRecord) -> set[str]:
    return {g.reason for g in record.gaps_in(DataDomain.SCORES)}


# --- the total from the panel ------------------------------------------------------------------


def test_the_total_component_of_a_panel_is_its_score() -> None:
    record = _record(
        _panel(
            _item(OFTEN, WEEKLY_4_PLUS),
            _item(TYPICAL, TEN_OR_MORE),
            _item(SIX_OR_MORE, MONTHLY),
            _total(10),
        )
    )
    (score,) = _auditc(record)
    assert (score.value, score.date, score.total_computed) == (10, DAY, False)
    assert str(score.source) == "Observation/auditc-panel"


def test_the_recorded_total_wins_over_the_items() -> None:
    # The items sum to 10; the clinician's recorded total is what the chart says.
    record = _record(
        _panel(
            _item(OFTEN, WEEKLY_4_PLUS),
            _item(TYPICAL, TEN_OR_MORE),
            _item(SIX_OR_MORE, MONTHLY),
            _total(9),
        )
    )
    assert [(s.value, s.total_computed) for s in _auditc(record)] == [(9, False)]


def test_three_item_answers_alone_are_summed_and_marked_computed() -> None:
    record = _record(
        _panel(
            _item(OFTEN, WEEKLY_4_PLUS), _item(TYPICAL, TEN_OR_MORE), _item(SIX_OR_MORE, MONTHLY)
        )
    )
    (score,) = _auditc(record)
    assert (score.value, score.date, score.total_computed) == (10, DAY, True)
    assert not _score_gaps(record)


def test_low_answers_sum_low() -> None:
    record = _record(
        _panel(_item(OFTEN, MONTHLY_OR_LESS), _item(TYPICAL, ONE_OR_TWO), _item(SIX_OR_MORE, NEVER))
    )
    assert [(s.value, s.total_computed) for s in _auditc(record)] == [(1, True)]


def _no_system(item: tuple[str, str], answer: tuple[str, str]) -> Resource:
    component = _item(item, answer)
    del component["valueCodeableConcept"]["coding"][0]["system"]
    return component


def _text_only(item: tuple[str, str], answer: tuple[str, str]) -> Resource:
    return {"code": b.concept(b.LOINC, *item), "valueCodeableConcept": {"text": answer[1]}}


def _points(item: tuple[str, str], points: int) -> Resource:
    return {"code": b.concept(b.LOINC, *item), "valueInteger": points}


@pytest.mark.parametrize(
    "encode",
    [_no_system, _text_only],
    ids=["LA-code-without-system", "answer-text-only"],
)
def test_item_answers_read_as_vendors_write_them(encode: Any) -> None:
    record = _record(
        _panel(
            encode(OFTEN, WEEKLY_4_PLUS),
            encode(TYPICAL, TEN_OR_MORE),
            encode(SIX_OR_MORE, MONTHLY),
        )
    )
    assert [(s.value, s.total_computed) for s in _auditc(record)] == [(10, True)]


def test_item_answers_filed_as_points() -> None:
    record = _record(_panel(_points(OFTEN, 4), _points(TYPICAL, 3), _points(SIX_OR_MORE, 2)))
    assert [(s.value, s.total_computed) for s in _auditc(record)] == [(9, True)]


def test_an_answer_code_is_read_only_for_its_own_item() -> None:
    # "Monthly or less" (LA18926-8) is an item-1 answer; on item 3 it names nothing.
    record = _record(
        _panel(
            _item(OFTEN, WEEKLY_4_PLUS),
            _item(TYPICAL, TEN_OR_MORE),
            _item(SIX_OR_MORE, MONTHLY_OR_LESS),
        )
    )
    assert _auditc(record) == []
    assert {UNREADABLE_ITEM, NO_TOTAL} <= _score_gaps(record)


# --- what cannot make a total is said, not dropped ----------------------------------------


def test_two_answers_alone_are_a_data_gap_not_a_total() -> None:
    record = _record(_panel(_item(OFTEN, WEEKLY_4_PLUS), _item(TYPICAL, TEN_OR_MORE)))
    assert _auditc(record) == []
    assert NO_TOTAL in _score_gaps(record)


def test_an_unreadable_total_component_is_a_gap_and_the_items_still_count() -> None:
    record = _record(
        _panel(
            _item(OFTEN, WEEKLY_4_PLUS),
            _item(TYPICAL, TEN_OR_MORE),
            _item(SIX_OR_MORE, MONTHLY),
            _total(14),  # out of the AUDIT-C's 0-12
        )
    )
    assert [(s.value, s.total_computed) for s in _auditc(record)] == [(10, True)]
    assert "an AUDIT-C score that is missing, not a number or out of range" in _score_gaps(record)


@pytest.mark.parametrize("value", [{"valueInteger": 15}, {"valueString": "high"}])
def test_a_panel_whose_own_value_is_no_score_is_a_gap(value: Resource) -> None:
    # No components, a value of its own out of range or not a number (read of the diff).
    record = _record(_panel(extra=value))
    assert _auditc(record) == []
    assert "an AUDIT-C score that is missing, not a number or out of range" in _score_gaps(record)


def test_an_undated_panel_is_a_gap() -> None:
    record = _record(_panel(_total(10), when=None))
    assert _auditc(record) == []
    assert "an AUDIT-C result with no usable date" in _score_gaps(record)


# --- the panel beside its standalone total ---------------------------------------------------


def test_a_panel_and_its_standalone_total_count_once_as_recorded() -> None:
    total = _standalone_total(10)
    panel = _panel(
        _item(OFTEN, WEEKLY_4_PLUS),
        _item(TYPICAL, TEN_OR_MORE),
        _item(SIX_OR_MORE, MONTHLY),
        extra={"hasMember": [b.reference("Observation", total["id"])]},
    )
    (score,) = _auditc(_record(panel, total))
    assert (score.value, score.total_computed) == (10, False)


def test_a_panel_of_members_only_says_nothing_of_its_own() -> None:
    # LHC-Forms / US Core style: the panel lists its members; the total is read on its own.
    total = _standalone_total(7)
    panel = _panel(extra={"hasMember": [b.reference("Observation", total["id"])]})
    record = _record(panel, total)
    assert [(s.value, s.total_computed, str(s.source)) for s in _auditc(record)] == [
        (7, False, "Observation/auditc-total")
    ]
    assert not _score_gaps(record)


# --- the prefetch asks for the panel ------------------------------------------------------


def test_the_observations_prefetch_asks_for_the_panel_within_the_byte_limit() -> None:
    templates = dict(services()[0].prefetch)
    assert "http://loinc.org|72109-2" in templates["observations"]
    assert "72109-2" not in templates["labs"]
    assert query_bytes(templates["observations"]) <= MAX_QUERY_BYTES
