"""An item 9 answer in a PHQ-9 QuestionnaireResponse that is on record but cannot be read behaves
as it does in an Observation (review patient-view finding 3): `Score.item9_unread` names the
response, the suicide-risk rule raises its WARNING card ("could not be read: check it in the
chart; if it is above 0, assess suicide risk today") and the TMS card says the same. It used to be
only a DataGap. The DataGap stays. A readable item 9 on the same score wins; an item 9 that was
asked and not answered is not unread.

Responses are the vendors' own files (../shared/fhir/vendor: SDC's linkId-only PHQ-9 with
system-less answer codes, US Core's LOINC-coded one), with item 9's answer written the way forms
and interfaces get it wrong: a site's own answer code, text that is no answer, a number out of
range, two answers neither of which can be read, a value type no PHQ-9 answer has.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from fhir_mapping.questionnaires import read_questionnaire_scores
from fhir_mapping.record import DataDomain, DataGap, SourceRef
from services.recommendation import Indicator
from tests.fhir_mapping import questionnaire_resources as Q
from tests.fixtures import builders as b
from tests.fixtures.scenarios import scenario
from tests.services.test_suicide_risk_review import _cards
from tests.services.test_unread_item9 import (
    SITE_ANSWER,
    _assert_unread_card,
    _unreadable_phq9,
    found_indicator,
)

Resource = dict[str, Any]
DAY = date(2025, 5, 20)  # 13 days before the scenario's as-of date (2025-06-02)
ITEM9_LINK = "H1/T1/Q9"  # SDC's item 9 (data/questionnaire_items.csv)
GAP = "PHQ-9 item 9 answer could not be read"

# Item 9 answers on record that cannot be read as 0-3.
UNREADABLE: dict[str, list[Resource]] = {
    # A site's own answer code, sent without a system, that no table or weight knows.
    "unknown answer code": [{"valueCoding": {"code": "SOMETIMES"}}],
    # An interface's free text that is none of the four answers.
    "text that is no answer": [{"valueString": "some days, not sure"}],
    # A vendor answer list's code under its own system, no display and no weight.
    "code under an unknown system": [
        {"valueCoding": {"system": "urn:oid:1.2.840.114350.1.13.0.1.7.4.698084.30", "code": "2"}}
    ],
    "number out of range": [{"valueInteger": 4}],
    "two answers, neither readable": [{"valueString": "sometimes"}, {"valueInteger": 7}],
    "a value type no PHQ-9 answer has": [{"valueBoolean": True}],
}


def valid(resource: Resource) -> Resource:
    """Conformant R4 (fhir.resources R4B), as the vendor's files are."""
    get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return resource


def _sdc(
    answer: list[Resource] | None,
    *,
    authored: date = DAY,
    total: int | None = 14,
    status: str = "completed",
    patient: str = "p-001",
) -> Resource:
    """SDC's PHQ-9 response (items 1-8 answered to sum with an item 9 of 2 to `total`, 14 when
    None) with item 9's answer list `answer` (None: asked and not answered)."""
    answers = Q.answers_for(total or 14, 2)
    qr = Q.sdc(answers, total, authored=authored, status=status, patient=patient)
    for item in qr["item"][0]["item"]:
        if item["linkId"] == ITEM9_LINK:
            if answer is None:
                item.pop("answer")
            else:
                item["answer"] = answer
    return valid(qr)


def _read(*resources: Resource) -> tuple[list[Any], list[DataGap]]:
    return read_questionnaire_scores(list(resources), as_of=date(2025, 6, 2))


QR_REF = SourceRef("QuestionnaireResponse", "qr-sdc")


# --- the mapping ------------------------------------------------------------------------------------


@pytest.mark.parametrize("answer", UNREADABLE.values(), ids=UNREADABLE.keys())
def test_an_unreadable_item9_answer_is_carried_on_the_score(answer: list[Resource]) -> None:
    (score,), gaps = _read(_sdc(answer))
    assert (score.value, score.item9, score.item9_unread) == (14, None, QR_REF)
    assert score.source == QR_REF
    assert DataGap(DataDomain.SCORES, GAP, QR_REF) in gaps


def test_with_nothing_else_readable_the_score_still_carries_it() -> None:
    qr = _sdc(UNREADABLE["number out of range"], total=None)
    for item in qr["item"][0]["item"]:
        if item["linkId"] != ITEM9_LINK and "answer" in item:
            item["answer"] = [{"valueCoding": {"code": "unknown-code"}}]
    (score,), gaps = _read(valid(qr))
    assert (score.value, score.item9, score.item9_unread) == (None, None, QR_REF)
    assert [g.reason for g in gaps] == [
        GAP,
        "PHQ-9 questionnaire response without a total, all nine items or item 9",
    ]


@pytest.mark.parametrize("status", ["in-progress", "stopped"])
def test_an_unfinished_form_with_an_unreadable_item9_counts_for_item9(status: str) -> None:
    (score,), _ = _read(_sdc(UNREADABLE["unknown answer code"], status=status))
    # A part-filled total is no PHQ-9 total (questionnaires.py), the unreadable answer still is.
    assert (score.value, score.item9, score.item9_unread) == (None, None, QR_REF)


def test_an_unreadable_answer_beside_a_readable_zero_stays_and_is_a_gap() -> None:
    """Review s23 RR finding 2: a readable 0 beside it settles nothing (it was dropped); beside
    a readable positive answer it is (item9_unread.kept_unread)."""
    answer: list[Resource] = [
        {"valueCoding": {"code": "Not-at-all", "display": "Not at all"}},
        {"valueInteger": 9},
    ]
    (score,), gaps = _read(_sdc(answer))
    assert (score.item9, score.item9_unread) == (0, QR_REF)
    answer[0] = {"valueCoding": {"code": "Nearly every day", "display": "Nearly every day"}}
    (score,), _ = _read(_sdc(answer))
    assert (score.item9, score.item9_unread) == (3, None)
    assert [g.reason for g in gaps] == [
        "PHQ-9 item 9 has an answer that could not be read beside a readable one"
    ]


def test_an_item9_asked_and_not_answered_is_not_unread() -> None:
    (score,), gaps = _read(_sdc(None))
    assert (score.value, score.item9, score.item9_unread) == (14, None, None)
    assert gaps == []


def test_an_unreadable_answer_survives_the_merge_with_the_same_administrations_observations() -> (
    None
):
    """The response merged with the Observations filed for the same PHQ-9 (same day, same total)
    keeps its unreadable answer while neither records a readable one, and beside a readable 0 in
    the Observations too (review s23 RR finding 2: a 0 settles nothing); a positive one wins."""
    qr = _sdc(UNREADABLE["unknown answer code"], patient="p1")
    total_only = b.phq9(DAY, 14, patient="p1")
    record = build_record([qr, *total_only], as_of=date(2025, 6, 2), patient_id="p1")
    (score,) = record.phq9()
    assert (score.value, score.item9, score.item9_unread) == (14, None, QR_REF)
    with_item9 = b.phq9(DAY, 14, 0, "integer", patient="p1")
    record = build_record([qr, *with_item9], as_of=date(2025, 6, 2), patient_id="p1")
    (score,) = record.phq9()
    assert (score.item9, score.item9_unread) == (0, QR_REF)
    positive = b.phq9(DAY, 14, 2, "integer", patient="p1")
    record = build_record([qr, *positive], as_of=date(2025, 6, 2), patient_id="p1")
    (score,) = record.phq9()
    assert (score.item9, score.item9_unread) == (2, None)


def test_an_unreadable_observation_answer_survives_the_merge_with_a_response() -> None:
    """The other way round: the Observation's unreadable item 9, the response without item 9
    (asked, not answered). The merged score used to keep the response's empty item 9 only."""
    s = scenario("trd_meets_tms")
    phq9, item_id = _unreadable_phq9(s, DAY, SITE_ANSWER)
    qr = _sdc(None, total=12, patient=s.patient_id)  # the Observations' total: one PHQ-9
    record = build_record([*s.resources, *phq9, qr], as_of=s.as_of, patient_id=s.patient_id)
    (score,) = [x for x in record.phq9() if x.date == DAY]
    assert score.item9_unread == SourceRef("Observation", item_id)


# --- the cards --------------------------------------------------------------------------------------


@pytest.mark.parametrize("answer", UNREADABLE.values(), ids=UNREADABLE.keys())
def test_the_suicide_risk_card_and_the_tms_card_say_it_could_not_be_read(
    answer: list[Resource],
) -> None:
    s = scenario("trd_meets_tms")
    assert "suicide-risk" not in _cards(s)
    found = _cards(s, _sdc(answer, patient=s.patient_id))
    _assert_unread_card(found, DAY, str(QR_REF))


def test_an_unfinished_form_raises_the_same_card() -> None:
    s = scenario("trd_meets_tms")
    qr = _sdc(
        UNREADABLE["code under an unknown system"], status="in-progress", patient=s.patient_id
    )
    _assert_unread_card(_cards(s, qr), DAY, str(QR_REF))


def test_no_card_when_item9_was_not_answered_and_a_zero_beside_it_settles_nothing() -> None:
    """Review s23 RR finding 2: a readable 0 on the same score no longer hides the unreadable
    answer (before: no card for either of the last two)."""
    s = scenario("trd_meets_tms")
    assert "suicide-risk" not in _cards(s, _sdc(None, patient=s.patient_id))
    mixed: list[Resource] = [
        {"valueCoding": {"code": "Not-at-all", "display": "Not at all"}},
        {"valueInteger": 9},
    ]
    assert found_indicator(_cards(s, _sdc(mixed, patient=s.patient_id))) is Indicator.WARNING
    # A readable item 9 = 0 filed as an Observation for the same PHQ-9 settles nothing either.
    same = b.phq9(DAY, 14, 0, "integer", patient=s.patient_id)
    unread = _sdc(UNREADABLE["number out of range"], patient=s.patient_id)
    assert found_indicator(_cards(s, unread, same)) is Indicator.WARNING


def test_a_positive_readable_item9_elsewhere_keeps_the_card_critical() -> None:
    s = scenario("trd_meets_tms")
    unread = _sdc(UNREADABLE["text that is no answer"], patient=s.patient_id)
    positive = b.phq9(DAY - timedelta(days=5), 19, 3, "panel-answer", patient=s.patient_id)
    card = _cards(s, unread, positive)["suicide-risk"]
    assert card.indicator is Indicator.CRITICAL
    assert f"could not be read ({QR_REF})" in card.detail
