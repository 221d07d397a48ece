"""Session 27, review RF findings 4 and 7: a PHQ-9 filed both as a QuestionnaireResponse and as
an Observation whose totals disagree, and a PHQ-9 panel whose members did not come.

4. An Observation total of 11 and a QuestionnaireResponse whose answers sum to 1, both final, of
   one visit (09:30) and not linked, were two PHQ-9s, the higher used: "1 partial response
   (venlafaxine, 35 %): add an adjunct first", traced only by the payer line's "2 PHQ-9s that day
   (11, 1): the higher is used". One form filed both ways whose totals disagree is now what two
   Observations of one administration are (score_corrections.CONFLICTING_TOTALS): neither total
   is used (no response, remission or failure rests on it), and a data gap names both
   (fhir_mapping/questionnaire_duplicates.py, "Disagreeing"). A response and an Observation that
   agree (the same total, or the Observation derived from the response) stay one reading.
7. A 44249-1 panel of 2025-06-10 listing nine members by hasMember, none in the prefetch, was
   read as nothing: the cards judged on the PHQ-9 of 2025-05-12 without saying a newer one
   exists. It is now an incomplete PHQ-9 whose answers were not received
   (fhir_mapping/panel_members.py): the item-9 card asks to check the form, the TMS card calls
   the older total out of date. A panel with a value of its own (4) is read as before.

Charts: tests/services/s27_phq9_sources_charts/ (trd_meets_tms with one newer PHQ-9 on
2025-06-10, every prefetch key; the review's 47c, 45, 45b and 11), evaluated on 2025-06-15.
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

from fhir_mapping.record import DataDomain, PatientRecord
from fhir_mapping.score_corrections import CONFLICTING_TOTALS
from fhir_mapping.scores import INCOMPLETE_PHQ9
from tests.services import chart_files
from tests.services.helpers import Evaluator

FOLDER = Path(__file__).parent / "s27_phq9_sources_charts"
_chart = chart_files.loader(FOLDER)
_at = Evaluator(date(2025, 6, 15))
Doc = dict[str, Any]
DAY = date(2025, 6, 10)
OPTIMISE, TMS, ITEM9 = "optimize-switch-augment", "tms-referral", "phq9-item9-unanswered"
QR_ID = "57478947-a45b-55ce-95da-df92531f7ac5"  # qr_1_and_obs_11_same_instant's response
TOTAL_ID = "4a38d3ab-6a7d-5397-94eb-74787a6e6306"  # and its Observation total
# LOINC answer codes by score (data/phq9_answer_codes.csv).
ANSWER = {
    0: ("LA6568-5", "Not at all"),
    1: ("LA6569-3", "Several days"),
    2: ("LA6570-1", "More than half the days"),
}


def _resources(doc: Doc, key: str) -> list[Doc]:
    return [e["resource"] for e in doc["prefetch"][key]["entry"]]


def _answers_summing_to_11(doc: Doc) -> Doc:
    """The chart with the response's nine answers 2,2,1,1,1,1,1,2 and item 9 = 0: 11 in all,
    the Observation's total."""
    changed = copy.deepcopy(doc)
    response = next(r for r in _resources(changed, "questionnaireResponses") if r["id"] == QR_ID)
    answered = [item for item in response["item"] if "answer" in item]
    assert answered[-1]["linkId"] == "/44260-8"  # item 9 last
    for item, score in zip(answered, [2, 2, 1, 1, 1, 1, 1, 2, 0], strict=True):
        code, display = ANSWER[score]
        item["answer"] = [
            {"valueCoding": {"system": "http://loinc.org", "code": code, "display": display}}
        ]
    return changed


def _derived(doc: Doc) -> Doc:
    """The chart with the Observation total derived from the response (US Core derivedFrom)."""
    changed = copy.deepcopy(doc)
    total = next(r for r in _resources(changed, "observations") if r["id"] == TOTAL_ID)
    total["derivedFrom"] = [{"reference": f"QuestionnaireResponse/{QR_ID}"}]
    return changed


def _gaps(record: PatientRecord, reason: str) -> list[tuple[date | None, str]]:
    return [
        (g.date, g.stated) for g in record.gaps_in(DataDomain.SCORES) if g.reason.startswith(reason)
    ]


def _phq9_of_day(record: PatientRecord) -> list[int | None]:
    return [s.value for s in record.phq9() if s.date == DAY]


def test_charts_carry_every_prefetch_key() -> None:
    for path in sorted(FOLDER.glob("*.json")):
        chart_files.check_chart(_chart(path.stem))
    chart_files.check_chart(_answers_summing_to_11(_chart("qr_1_and_obs_11_same_instant")))
    chart_files.check_chart(_derived(_chart("qr_1_and_obs_11_same_instant")))


# --- finding 4 --------------------------------------------------------------------------------


def test_a_response_and_an_observation_that_disagree_judge_nothing() -> None:
    cards, record = _at.by_topic_and_record(_chart("qr_1_and_obs_11_same_instant"))
    # One score of the day, without a value, its item-9 answer (0) kept.
    assert [(s.value, s.item9) for s in record.phq9() if s.date == DAY] == [(None, 0)]
    assert _gaps(record, CONFLICTING_TOTALS) == [
        (DAY, "PHQ-9 totals 11 and 1 (questionnaire answers) on 2025-06-10")
    ]
    # As two Observations of one administration (18 and 4) read: venlafaxine judged on the
    # PHQ-9 of 2025-05-12, no partial response on the 11, nor remission on the 1.
    assert cards[OPTIMISE]["summary"] == (
        "2 adequate trials failed (sertraline, venlafaxine): augment (aripiprazole or "
        "brexpiprazole) or switch class"
    )
    assert (
        "PHQ-9 totals 11 and 1 (questionnaire answers) on 2025-06-10" in (cards[OPTIMISE]["detail"])
    )
    assert "partial response" not in cards[TMS]["detail"].lower()
    assert "PHQ-9s that day" not in cards[TMS]["detail"]
    assert "Severity: PHQ-9 18 on 2025-05-12" in cards[TMS]["detail"]
    # Not "has no total: score it": it has two totals, named by the gap.
    assert "measurement-based-care" not in cards


def test_two_observations_of_one_administration_read_the_same() -> None:
    cards, record = _at.by_topic_and_record(_chart("two_observations_18_and_4_same_instant"))
    assert _phq9_of_day(record) == [None]
    assert _gaps(record, CONFLICTING_TOTALS) == [(DAY, "PHQ-9 totals 18 and 4 on 2025-06-10")]
    assert cards[OPTIMISE]["summary"].startswith("2 adequate trials failed (sertraline, venla")


def test_a_response_that_agrees_with_the_observation_stays_one_reading() -> None:
    cards, record = _at.by_topic_and_record(
        _answers_summing_to_11(_chart("qr_1_and_obs_11_same_instant"))
    )
    assert _phq9_of_day(record) == [11]
    assert _gaps(record, CONFLICTING_TOTALS) == []
    assert "1 partial response (venlafaxine, 35 %)" in cards[OPTIMISE]["summary"]
    assert "PHQ-9s that day" not in cards[TMS]["detail"]


def test_an_observation_derived_from_the_response_stays_one_reading() -> None:
    _cards, record = _at.by_topic_and_record(_derived(_chart("qr_1_and_obs_11_same_instant")))
    assert len(_phq9_of_day(record)) == 1
    assert _gaps(record, CONFLICTING_TOTALS) == []


# --- finding 7 --------------------------------------------------------------------------------


def test_a_panel_whose_members_did_not_come_is_named() -> None:
    cards, record = _at.by_topic_and_record(_chart("panel_members_absent"))
    assert _gaps(record, INCOMPLETE_PHQ9) == [(DAY, "")]
    assert cards[ITEM9]["summary"].startswith(
        "PHQ-9 of 2025-06-10: answers not received; item 9 not seen - check the form"
    )
    assert "**Latest PHQ-9 not received:** the PHQ-9 of 2025-06-10" in cards[ITEM9]["detail"]
    assert "check PHQ-9 item 9 (not seen) first" in cards[OPTIMISE]["summary"]
    assert cards[TMS]["summary"].startswith(
        "2 adequate trials failed; PHQ-9 18 of 2025-05-12 (newer form incomplete): check item 9"
    )
    assert "item 9 not seen on the latest PHQ-9" in cards[TMS]["detail"]


def test_a_panel_with_a_value_of_its_own_is_read_as_before() -> None:
    cards, record = _at.by_topic_and_record(_chart("panel_value4_members_absent"))
    assert _phq9_of_day(record) == [4]
    assert _gaps(record, INCOMPLETE_PHQ9) == []
    assert ITEM9 not in cards
