"""Session 30 status31 ("never silent"): a relevant resource whose required status is missing or
malformed (absent, null, an object, a list, a number, a code its value set does not define) was
dropped with no note: the PHQ-9s of the TRD fixture with no status read "no PHQ-9 on record",
and a PHQ-9 item 9 = 3 with no status raised no card at all.

Now (fhir_mapping/result_statuses.given):
- a PHQ-9 / C-SSRS Observation with no readable status reads as an unrecognised status does
  (s27 RF 1): a positive suicide answer raises the critical card named "(status missing)" or
  "(status not readable)" (the safer reading: a withdrawn answer carries entered-in-error, which
  stays dropped), a total is a gap "PHQ-9 total with status missing: not read as a result";
- a PHQ-9 QuestionnaireResponse with none keeps its gap (now dated) and its item 9 is read as an
  unfinished form's;
- a drug-safety lab with none (or an unrecognised code) was a gap naming the test (labs.py,
  lab_unread.status_gap); since status32 one with a value is read, named beside its date
  (fhir_mapping/lab_status.py, test_status32.py), and the other tests keep the gap;
- a psychotherapy / ECT / TMS Procedure with none (or `unknown`, or a code R4 does not define)
  is a gap (procedure_status_gaps.py) instead of "no psychotherapy on record" in silence;
- an antidepressant order, statement or fill with none, read as status unknown, is a gap
  saying so (medication_status_gaps.py).
Unrelated resources with no status (a cholesterol, an appendectomy, atorvastatin) stay out of
the report (noise).

Charts: tests/services/status31_charts/ (the s27 RF charts with their 2025-06-10 reading final,
the critical-card lithium 1.6 chart plus a cholesterol, the TRD TMS fixture plus an appendectomy
and atorvastatin; every prefetch key, valid R4B: the tests take the status away).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping import result_statuses
from fhir_mapping.result_statuses import MISSING, OBSERVATION, UNREADABLE, Reads
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
FOLDER = Path(__file__).parent / "status31_charts"
_chart = chart_files.loader(FOLDER)
_cards = Evaluator(date(2025, 6, 15)).cards
_lithium_cards = Evaluator(date(2026, 12, 1)).cards
_fixture_cards = Evaluator(date(2025, 6, 2)).cards

_REMOVED = object()
# The malformed statuses the lead listed, and how a card names each.
_MALFORMED = [
    (_REMOVED, "status missing"),
    (None, "status missing"),
    ("", "status missing"),
    ({"x": 1}, "status not readable"),
    (["final"], "status not readable"),
    (3, "status not readable"),
]


def _set_status(doc: Doc, types: tuple[str, ...], value: object, only: str) -> Doc:
    """`doc` with the status of each prefetch resource of `types` whose JSON holds `only`
    replaced by `value` (removed for _REMOVED)."""
    for resource in chart_files.prefetch_resources(doc):
        if resource.get("resourceType") in types and only in json.dumps(resource):
            if value is _REMOVED:
                resource.pop("status", None)
            else:
                resource["status"] = value
    return doc


def _topic(cards: list[Doc], topic: str) -> list[Doc]:
    return [c for c in cards if c["source"]["topic"]["code"] == topic]


def _text(cards: list[Doc]) -> str:
    return "\n".join(f"{c['summary']}\n{c.get('detail', '')}" for c in cards)


def test_charts_carry_every_prefetch_key() -> None:
    for path in sorted(FOLDER.glob("*.json")):
        chart_files.check_chart(_chart(path.stem))


# The PHQ-9 item 9 = 3 of 2025-06-10 (an Observation).


@pytest.mark.parametrize(("value", "named"), _MALFORMED)
def test_item9_3_with_no_readable_status_raises_the_critical_card(
    value: object, named: str
) -> None:
    # Before: no card, no gap (the answer vanished).
    doc = _set_status(_chart("item9_3_final"), ("Observation",), value, "2025-06-10")
    found = _topic(_cards(doc), "suicide-risk")
    assert [c["indicator"] for c in found] == ["critical"]
    assert found[0]["summary"].startswith(f"PHQ-9 ({named}) item 9 = 3"), found[0]["summary"]


def test_item9_3_controls_final_and_entered_in_error() -> None:
    final = _topic(_cards(_chart("item9_3_final")), "suicide-risk")
    assert [c["indicator"] for c in final] == ["critical"]
    assert final[0]["summary"].startswith("PHQ-9 item 9 = 3")
    doc = _set_status(_chart("item9_3_final"), ("Observation",), "entered-in-error", "2025-06-10")
    assert _topic(_cards(doc), "suicide-risk") == []


def test_a_phq9_total_with_no_status_is_a_gap_not_silence() -> None:
    # Before: a total of 4 with no status after a final 18 vanished, nothing said.
    doc = _set_status(_chart("total4_final"), ("Observation",), _REMOVED, "2025-06-10")
    cards = _cards(doc)
    text = _text(cards)
    assert "PHQ-9 total with status missing: not read as a result" in text
    assert "the result of 2025-06-10" in text
    assert any("PHQ-9 18" in c["summary"] for c in cards)  # it judges nothing
    doc = _set_status(_chart("total4_final"), ("Observation",), {"coding": []}, "2025-06-10")
    assert "PHQ-9 total with status not readable: not read as a result" in _text(_cards(doc))


def test_the_fixture_phq9s_with_no_status_are_named() -> None:
    # The lead's reproduction: every Observation of the TRD fixture without its status.
    doc = _set_status(_chart("psychotherapy_final"), ("Observation",), _REMOVED, "")
    text = _text(_fixture_cards(doc))
    assert "3 rating-scale results could not be read (PHQ-9 total with status missing" in text


def test_a_final_total_is_no_gap() -> None:
    assert "not read as a result" not in _text(_cards(_chart("total4_final")))


@pytest.mark.parametrize(("value", "_named"), _MALFORMED)
def test_cssrs_high_risk_level_with_no_readable_status(value: object, _named: str) -> None:
    doc = _set_status(_chart("cssrs_risk_level_high_final"), ("Observation",), value, "2025-06-10")
    found = _topic(_cards(doc), "suicide-risk")
    assert [c["indicator"] for c in found] == ["critical"]


def test_cssrs_entered_in_error_stays_no_result() -> None:
    doc = _set_status(
        _chart("cssrs_risk_level_high_final"), ("Observation",), "entered-in-error", "2025-06-10"
    )
    assert _topic(_cards(doc), "suicide-risk") == []


@pytest.mark.parametrize("value", [_REMOVED, {"x": 1}, 7])
def test_questionnaire_response_item9_3_with_no_status(value: object) -> None:
    # Before: "PHQ-9 questionnaire response without a status" (by id) and no suicide-risk card.
    doc = _set_status(_chart("qr_item9_3_completed"), ("QuestionnaireResponse",), value, "")
    cards = _cards(doc)
    assert [c["indicator"] for c in _topic(cards, "suicide-risk")] == ["critical"]
    assert (
        "(PHQ-9 questionnaire response without a status): the questionnaire of 2025-06-10"
        in _text(cards)
    )


# A drug-safety lab: the lithium level of 2026-11-18.


@pytest.mark.parametrize(
    ("value", "named"),
    [
        (_REMOVED, "status missing"),
        ({"x": 1}, "status not readable"),
        ("final-ish", "status 'final-ish' not recognised"),
    ],
)
def test_a_lithium_level_with_no_readable_status_is_named(value: object, named: str) -> None:
    # Before: the level vanished ("no lithium level since 2026-09-10"), nothing said. Since
    # status32 (the lead's decision) read as a result, named beside its date (test_status32.py).
    doc = _set_status(_chart("lithium_1_6_final"), ("Observation",), value, "14334-7")
    text = _text(_lithium_cards(doc))
    assert f"Lithium 1.6 mmol/L on 2026-11-18 ({named})" in text


def test_lithium_controls() -> None:
    cards = _lithium_cards(_chart("lithium_1_6_final"))
    assert any(c["indicator"] == "critical" and "Lithium 1.6" in c["summary"] for c in cards)
    doc = _set_status(_chart("lithium_1_6_final"), ("Observation",), "entered-in-error", "14334-7")
    assert "whose status is missing" not in _text(_lithium_cards(doc))


def test_an_unrelated_lab_with_no_status_is_not_named() -> None:
    doc = _set_status(_chart("lithium_1_6_final"), ("Observation",), _REMOVED, "status31-cholest")
    text = _text(_lithium_cards(doc))
    assert "could not be read" not in text


# Procedures: the psychotherapy sessions of the TRD fixture.


@pytest.mark.parametrize(
    ("value", "named"),
    [
        (_REMOVED, "status missing"),
        ([], "status not readable"),
        ("unknown", "status 'unknown'"),
        ("done", "status 'done'"),
    ],
)
def test_psychotherapy_with_no_readable_status_is_named(value: object, named: str) -> None:
    # Before: "no psychotherapy procedure, visit or referral on record" with nothing said.
    doc = _set_status(_chart("psychotherapy_final"), ("Procedure",), value, "90837")
    text = _text(_fixture_cards(doc))
    assert (
        "procedures could not be read (procedure whose status is missing or not recognised)" in text
    )
    assert f"the procedure of 2024-11-12 ({named})" in text


def test_procedure_controls() -> None:
    cards = _fixture_cards(_chart("psychotherapy_final"))
    assert _topic(cards, "psychotherapy") == []
    doc = _set_status(_chart("psychotherapy_final"), ("Procedure",), "not-done", "90837")
    assert "procedure whose status" not in _text(_fixture_cards(doc))
    doc = _set_status(_chart("psychotherapy_final"), ("Procedure",), _REMOVED, "80146002")
    assert "could not be read" not in _text(_fixture_cards(doc))  # an appendectomy: noise


# Medications: the sertraline and venlafaxine orders and fills of the TRD fixture.


@pytest.mark.parametrize(
    ("value", "named"),
    [
        (_REMOVED, "status missing"),
        ({"x": 1}, "status not readable"),
        ("ACTIVE ", "status 'ACTIVE '"),
    ],
)
def test_antidepressant_records_with_no_readable_status_are_named(
    value: object, named: str
) -> None:
    # Before: venlafaxine's active order read as status unknown turned "2 adequate trials
    # failed" into "1 stopped unmeasured" with nothing said.
    types = ("MedicationRequest", "MedicationDispense", "MedicationStatement")
    doc = _set_status(_chart("psychotherapy_final"), types, value, "")
    text = _text(_fixture_cards(doc))
    assert "medication record whose status is missing or not recognised, read as unknown" in text
    assert f"the order of 2024-10-21 ({named}" in text


def test_an_unrelated_drug_with_no_status_is_not_named() -> None:
    doc = _set_status(_chart("psychotherapy_final"), ("MedicationRequest",), _REMOVED, "617312")
    assert "could not be read" not in _text(_fixture_cards(doc))


def test_given_and_named() -> None:
    assert result_statuses.given("final") == "final"
    assert result_statuses.given(None) == MISSING
    assert result_statuses.given("") == MISSING
    assert result_statuses.given({"x": 1}) == UNREADABLE
    assert result_statuses.given(3) == UNREADABLE
    assert result_statuses.reads(OBSERVATION, MISSING) is Reads.ANSWERS
    assert result_statuses.named_as_gap(OBSERVATION, UNREADABLE)
    assert result_statuses.named(OBSERVATION, MISSING) == "status missing"
    assert result_statuses.named(OBSERVATION, UNREADABLE) == "status not readable"
    assert result_statuses.unrecognised(OBSERVATION, "final-ish")
    assert not result_statuses.unrecognised(OBSERVATION, "final")
    # The raw value still reads as no result for the readers that do not ask `given`.
    assert result_statuses.reads(OBSERVATION, None) is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("clinicalStatus", None),
        ("clinicalStatus", {"x": 1}),
        ("clinicalStatus", "ACTIVE "),
        ("verificationStatus", ["x"]),
        ("verificationStatus", {"coding": [{"code": "final-ish"}]}),
    ],
)
def test_a_bipolar_condition_with_a_malformed_status_is_still_read(
    field: str, value: object
) -> None:
    # Conditions did not vanish (a missing or unreadable clinicalStatus reads as active, a
    # verificationStatus as recorded: conditions.py): kept so, the safer reading of a bipolar
    # diagnosis before escalating an antidepressant.
    doc = _chart("psychotherapy_final")
    condition: Doc = {
        "resourceType": "Condition",
        "id": "status31-bipolar",
        "clinicalStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                    "code": "active",
                }
            ]
        },
        "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "F31.81"}]},
        "subject": {"reference": f"Patient/{doc['context']['patientId']}"},
        "recordedDate": "2024-01-01",
    }
    condition[field] = value
    doc["prefetch"]["conditions"]["entry"].append({"resource": condition})
    assert "bipolar disorder on record" in _text(_fixture_cards(doc))
