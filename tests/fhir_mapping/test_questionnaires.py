"""PHQ-9 from QuestionnaireResponses (questionnaires.py) and totals that imply item 9 (scores.py).

The responses are the vendor files of ../shared/fhir/vendor as published, or built from them with
other answers put in (tests/fhir_mapping/questionnaire_resources.py).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from fhir_mapping.phq9_lookalike import UNRECOGNISED_PHQ9_RESPONSE_ITEM9_READ
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.questionnaires import (
    merge_read,
    merge_scores,
    read_questionnaire_scores,
    wants_questionnaire_response,
)
from fhir_mapping.record import DataDomain, DataGap, Score, SourceRef, TotalConflict
from fhir_mapping.score_corrections import CONFLICTING_TOTALS
from fhir_mapping.scores import read_scores
from fhir_mapping.site_codes import QuestionnaireLink, SiteCodes
from fhir_mapping.unfinished_form import UNFINISHED_PHQ9
from tests.fhir_mapping import questionnaire_resources as Q
from tests.fhir_mapping.fhir_resources import item9 as item9_obs
from tests.fhir_mapping.fhir_resources import phq9_total

AS_OF = date(2024, 6, 3)
DAY = date(2024, 5, 28)
# Items 1-8 = 2,2,2,2,1,1,2,0 (US Core's published answers) and item 9 = 2: total 14.
ANSWERS = [2, 2, 2, 2, 1, 1, 2, 0, 2]

Resource = dict[str, Any]


def qr(qid: str) -> SourceRef:
    return SourceRef("QuestionnaireResponse", qid)


def read(*resources: Resource, **kw: Any) -> tuple[list[Score], list[DataGap]]:
    return read_questionnaire_scores(list(resources), as_of=AS_OF, **kw)


def valid(resource: Resource) -> Resource:
    """The fixture is conformant R4 (fhir.resources R4B), as the vendor's files are."""
    get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return resource


# --- the vendor files as published -----------------------------------------------------------------
def test_us_core_response_as_published() -> None:
    response = Q.vendor(Q.US_CORE_QR)
    assert wants_questionnaire_response(response)
    scores, gaps = read_questionnaire_scores([response], as_of=date(2023, 1, 1))
    assert scores == [Score("PHQ-9", 12, date(2022, 11, 29), 0, qr("phq-9-example"))]
    assert gaps == []


def test_sdc_response_as_published_keeps_the_higher_and_names_the_conflict() -> None:
    # Opaque linkIds under a group, answer codes without a system, total as valueQuantity. Its
    # nine answers add up to 10 but the form recorded 13. Which is right is not known (review
    # s22 RS finding 1: phq9_item_sum.checked_total): the higher (13) is read, and the conflict
    # is carried so no outcome rests on it. Before, the recorded 13 was read as sure.
    response = Q.vendor(Q.SDC_QR)
    assert wants_questionnaire_response(response)
    scores, gaps = read_questionnaire_scores([response], as_of=date(2020, 1, 1))
    source = qr("questionnaireresponse-sdc-profile-example-PHQ9")
    conflict = TotalConflict(filed=13, items_sum=10)
    assert scores == [Score("PHQ-9", 13, date(2019, 8, 21), 1, source, total_conflict=conflict)]
    assert gaps == []


def test_a_questionnaire_is_not_a_response() -> None:
    assert not wants_questionnaire_response(Q.vendor(Q.LHC_Q))
    assert read(Q.vendor(Q.LHC_Q)) == ([], [])


# --- encodings --------------------------------------------------------------------------------------
def test_us_core_linkids_with_loinc_answers() -> None:
    response = valid(Q.us_core(ANSWERS, 14))
    assert read(response) == ([Score("PHQ-9", 14, DAY, 2, qr("qr-uscore"))], [])


def test_sdc_linkids_resolved_through_the_known_questionnaire() -> None:
    response = valid(Q.sdc(ANSWERS, 14))
    assert read(response) == ([Score("PHQ-9", 14, DAY, 2, qr("qr-sdc"))], [])


def test_sdc_canonical_with_a_version_suffix() -> None:
    response = valid(Q.sdc(ANSWERS, 14, questionnaire=f"{Q.SDC_PHQ9}|0.0.1"))
    assert read(response) == ([Score("PHQ-9", 14, DAY, 2, qr("qr-sdc"))], [])


def test_sdc_linkids_under_an_unknown_questionnaire_are_not_guessed() -> None:
    # "H1/T1/Q9" means item 9 only in SDC's Questionnaire: another form's Q9 is another question.
    response = Q.sdc(ANSWERS, 14, questionnaire="https://forms.example.org/Questionnaire/intake")
    # Item 9 alone is read by its words on any form (review s28 K10 finding 1: phq9_form_item9);
    # the linkIds are not guessed, so no total; a form worded as the PHQ-9 says so (score75,
    # review K74a finding 1: phq9_named_form.py): its total is not known, never "no PHQ-9".
    assert wants_questionnaire_response(response)
    scores, gaps = read(response)
    assert scores == [Score("PHQ-9", None, DAY, 2, qr("qr-sdc"))]
    assert [g.reason for g in gaps] == [
        "a questionnaire named PHQ-9 that this service does not know; its items can be mapped"
        " in the site configuration; total not known"
    ]


def test_lhc_forms_linkids_and_system_less_loinc_answers() -> None:
    response = valid(Q.lhc_forms(ANSWERS, 14))
    assert wants_questionnaire_response(response)
    assert read(response) == ([Score("PHQ-9", 14, DAY, 2, qr("qr-lhc"))], [])


def test_lhc_forms_nested_linkid_path() -> None:
    paths = [f"/44249-1/{code}" for code in (*Q.ITEMS, Q.TOTAL, "69722-7")]
    response = valid(Q.lhc_forms(ANSWERS, 14, link_ids=paths))
    assert read(response) == ([Score("PHQ-9", 14, DAY, 2, qr("qr-lhc"))], [])


def test_loinc_coded_items_with_opaque_linkids() -> None:
    # item.code copied from the Questionnaire (not an R4 element: this fixture does not validate,
    # deliberately, as some form tools send it); the linkIds say nothing.
    opaque = [f"q{n}" for n in range(1, 12)]  # nine items, total, difficulty
    response = Q.lhc_forms(
        ANSWERS,
        None,
        link_ids=opaque,
        item_codes=True,
        questionnaire="https://forms.example.org/Questionnaire/phq9",
    )
    assert wants_questionnaire_response(response)
    scores, gaps = read(response)
    assert scores == [Score("PHQ-9", 14, DAY, 2, qr("qr-lhc"), total_computed=True)]
    assert gaps == []


@pytest.mark.parametrize(
    "url",
    [
        "http://hl7.org/fhir/StructureDefinition/ordinalValue",
        "http://hl7.org/fhir/StructureDefinition/itemWeight",
        "http://hl7.org/fhir/StructureDefinition/iso21090-CO-value",
    ],
)
def test_answer_weight_extensions_score_local_codes(url: str) -> None:
    # A site's own answer codes, scored only by the weight extension on the coding.
    response = Q.us_core(ANSWERS, None)
    for item in response["item"]:
        coding = item.get("answer", [{}])[0].get("valueCoding")
        if coding and item["linkId"] != "/69722-7":
            weight = {"LA6568-5": 0, "LA6569-3": 1, "LA6570-1": 2, "LA6571-9": 3}[coding["code"]]
            item["answer"][0]["valueCoding"] = {
                "system": "https://ehr.example.org/CodeSystem/phq-answers",
                "code": f"freq-{weight}",
                "extension": [{"url": url, "valueDecimal": weight}],
            }
    valid(response)
    scores, gaps = read(response)
    assert scores == [Score("PHQ-9", 14, DAY, 2, qr("qr-uscore"), total_computed=True)]
    assert gaps == []


def test_contained_questionnaire_gives_item_codes_and_answer_weights() -> None:
    # A form with opaque linkIds and local answer codes whose meaning is only in the Questionnaire
    # contained in the response (item.code and answerOption ordinalValue).
    questionnaire = Q.vendor(Q.LHC_Q)
    questionnaire["id"] = "phq9"
    local = {"LA6568-5": "never", "LA6569-3": "some", "LA6570-1": "most", "LA6571-9": "daily"}
    for n, item in enumerate(questionnaire["item"], start=1):
        item["linkId"] = f"i{n}"
        for option in item.get("answerOption", ()):
            coding = option["valueCoding"]
            coding["code"] = local.get(coding["code"], coding["code"])
            coding["system"] = "https://ehr.example.org/CodeSystem/phq-answers"
    response = Q.lhc_forms(ANSWERS, None, link_ids=[f"i{n}" for n in range(1, 12)])
    response["questionnaire"] = "#phq9"
    response["contained"] = [questionnaire]
    for item in response["item"]:
        for answer in item.get("answer", ()):
            coding = answer["valueCoding"]
            coding["code"] = local[coding["code"]]
            coding["system"] = "https://ehr.example.org/CodeSystem/phq-answers"
    assert wants_questionnaire_response(response)
    assert read(response)[0] == [Score("PHQ-9", 14, DAY, 2, qr("qr-lhc"), total_computed=True)]


def test_value_integer_and_value_decimal_answers() -> None:
    response = Q.us_core(ANSWERS, None)
    for item in response["item"]:
        code = item["linkId"].lstrip("/")
        if code in Q.ITEMS:
            value = ANSWERS[Q.ITEMS.index(code)]
            key = "valueInteger" if code != "44260-8" else "valueDecimal"
            item["answer"] = [{key: value}]
    valid(response)
    assert read(response)[0] == [Score("PHQ-9", 14, DAY, 2, qr("qr-uscore"), total_computed=True)]


def test_answer_text_without_a_code() -> None:
    response = Q.us_core(ANSWERS, 14)
    item9 = next(i for i in response["item"] if i["linkId"] == "/44260-8")
    item9["answer"] = [{"valueCoding": {"display": "More than half the days"}}]
    assert read(valid(response))[0] == [Score("PHQ-9", 14, DAY, 2, qr("qr-uscore"))]


def test_site_map_for_a_sites_own_questionnaire() -> None:
    site_form = "https://ehr.example.org/fhir/Questionnaire/phq9-local"
    link_ids = [f"phq9_{n}" for n in range(1, 10)] + ["phq9_total", "phq9_difficulty"]
    response = Q.lhc_forms(ANSWERS, 14, link_ids=link_ids, questionnaire=f"{site_form}|3.1")
    valid(response)
    # Unmapped, its total is not read, but it is named PHQ-9: a DataGap, never silence
    # (phq9_lookalike); item 9 is read by its words (review s28 K10 finding 1).
    assert wants_questionnaire_response(response)
    assert read(response) == (
        [Score("PHQ-9", None, DAY, 2, qr("qr-lhc"))],
        [DataGap(DataDomain.SCORES, UNRECOGNISED_PHQ9_RESPONSE_ITEM9_READ, qr("qr-lhc"), date=DAY)],
    )
    site_items = {(site_form, f"phq9_{n}"): code for n, code in enumerate(Q.ITEMS, start=1)}
    site_items[(site_form, "phq9_total")] = Q.TOTAL
    assert wants_questionnaire_response(response, site_items)
    assert read(response, site_items=site_items) == (
        [Score("PHQ-9", 14, DAY, 2, qr("qr-lhc"))],
        [],
    )


def test_site_map_wired_through_the_policy_into_build_record() -> None:
    site_form = "https://ehr.example.org/fhir/Questionnaire/phq9-local"
    link_ids = [f"phq9_{n}" for n in range(1, 10)] + ["phq9_total", "phq9_difficulty"]
    response = Q.lhc_forms([0] * 8 + [3], None, link_ids=link_ids, questionnaire=site_form)
    links = tuple(
        QuestionnaireLink(site_form, f"phq9_{n}", code) for n, code in enumerate(Q.ITEMS, start=1)
    )
    policy = MappingPolicy(site_codes=SiteCodes(questionnaire_links=links))
    without = build_record([response], as_of=AS_OF, patient_id="p-001")
    # Without the map only item 9, by its words (review s28 K10 finding 1): no total.
    assert without.phq9() == (Score("PHQ-9", None, DAY, 3, qr("qr-lhc")),)
    record = build_record([response], as_of=AS_OF, patient_id="p-001", policy=policy)
    assert record.phq9() == (Score("PHQ-9", 3, DAY, 3, qr("qr-lhc"), total_computed=True),)


# --- totals, statuses, gaps -------------------------------------------------------------------------
def test_missing_total_is_computed_from_nine_items() -> None:
    scores, gaps = read(valid(Q.us_core(ANSWERS, None)))
    assert scores == [Score("PHQ-9", 14, DAY, 2, qr("qr-uscore"), total_computed=True)]
    assert gaps == []


def test_unreadable_total_falls_back_to_the_items() -> None:
    response = Q.us_core(ANSWERS, 14)
    total = next(i for i in response["item"] if i["linkId"] == "/44261-6")
    total["answer"] = [{"valueDecimal": 41}]  # outside 0..27: a data error, not clipped
    assert read(valid(response))[0] == [
        Score("PHQ-9", 14, DAY, 2, qr("qr-uscore"), total_computed=True)
    ]


def test_fewer_than_nine_items_give_no_total_but_item9_counts() -> None:
    answers = [2, 2, None, 2, 1, 1, 2, 0, 2]
    scores, gaps = read(valid(Q.us_core(answers, None)))
    assert scores == [Score("PHQ-9", None, DAY, 2, qr("qr-uscore"))]
    assert gaps == []


def test_fewer_than_nine_items_and_no_item9_is_a_gap() -> None:
    # The incomplete PHQ-9 of an Observation panel (scores.INCOMPLETE_PHQ9), dated, with the
    # range its answers allow the total (review s27 RF finding 5): the measurement card asks
    # item 9 and the TMS card calls the older total out of date.
    answers = [2, 2, 2, 2, 1, 1, 2, 0, None]
    assert read(valid(Q.us_core(answers, None))) == (
        [],
        [
            DataGap(
                DataDomain.SCORES,
                "a PHQ-9 incomplete (item 9 unanswered; total 12-15 by the answers filed): "
                "item 9 unknown",
                qr("qr-uscore"),
                date=DAY,
            )
        ],
    )


def test_no_date_is_a_gap() -> None:
    scores, gaps = read(valid(Q.sdc(ANSWERS, 14, authored=None)))
    assert scores == []
    assert gaps == [
        DataGap(
            DataDomain.SCORES,
            "PHQ-9 questionnaire response without a date (authored)",
            qr("qr-sdc"),
        )
    ]
    assert gaps[0].line() == (
        "QuestionnaireResponse/qr-sdc, PHQ-9 questionnaire response without a date (authored)"
    )


def test_no_readable_answer_is_a_gap() -> None:
    response = Q.sdc(ANSWERS, None)
    for item in response["item"][0]["item"]:
        if "answer" in item:
            item["answer"] = [{"valueCoding": {"code": "unknown-code"}}]
    scores, gaps = read(valid(response))
    # Item 9 was answered and cannot be read: the Score carries it for the suicide-risk rule.
    assert scores == [Score("PHQ-9", None, DAY, None, qr("qr-sdc"), item9_unread=qr("qr-sdc"))]
    assert [g.reason for g in gaps] == [
        "PHQ-9 item 9 answer could not be read",
        "PHQ-9 questionnaire response without a total, all nine items or item 9",
    ]


def test_unreadable_item9_is_reported_and_the_total_still_counts() -> None:
    response = Q.us_core(ANSWERS, 14)
    item9 = next(i for i in response["item"] if i["linkId"] == "/44260-8")
    item9["answer"] = [{"valueCoding": {"system": Q.LOINC, "code": "LA0000-0"}}]
    scores, gaps = read(valid(response))
    assert scores == [Score("PHQ-9", 14, DAY, None, qr("qr-uscore"), item9_unread=qr("qr-uscore"))]
    assert gaps == [
        DataGap(DataDomain.SCORES, "PHQ-9 item 9 answer could not be read", qr("qr-uscore"))
    ]


@pytest.mark.parametrize("status", ["in-progress", "stopped"])
def test_unfinished_forms_count_for_item9_only(status: str) -> None:
    answered = valid(Q.us_core(ANSWERS, 14, status=status))
    scores, gaps = read(answered)
    assert scores == [Score("PHQ-9", None, DAY, 2, qr("qr-uscore"))]
    # Named with its total so far, never a form "with no total" (fix score53, K39a finding 4).
    word = status.replace("-", " ")
    assert [(g.reason, g.source, g.date, g.stated) for g in gaps] == [
        (UNFINISHED_PHQ9, qr("qr-uscore"), DAY, f"{word}, total 14 as filed")
    ]
    no_item9 = valid(Q.us_core([2, 2, 2, 2, 1, 1, 2, 0, None], None, status=status))
    assert read(no_item9) == ([], [])


def test_entered_in_error_and_future_responses_are_ignored() -> None:
    assert read(valid(Q.us_core(ANSWERS, 14, status="entered-in-error"))) == ([], [])
    # Dated after as-of: not read, but named (review 15 M3), never dropped in silence.
    scores, gaps = read(valid(Q.us_core(ANSWERS, 14, authored=date(2024, 7, 1))))
    assert scores == []
    assert [(g.reason, g.stated) for g in gaps] == [("dated after today", "dated 2024-07-01")]


def test_amended_counts() -> None:
    scores, _ = read(valid(Q.us_core(ANSWERS, 14, status="amended")))
    assert scores == [Score("PHQ-9", 14, DAY, 2, qr("qr-uscore"))]


def test_malformed_shapes_read_as_absent_and_never_raise() -> None:
    base = Q.us_core(ANSWERS, 14)
    broken: list[Resource] = []
    mutations: list[Callable[[Resource], object]] = [
        lambda r: r.update(item="not a list"),
        lambda r: r["item"].append(7),
        lambda r: r["item"][0].update(answer={"valueCoding": 3}),
        lambda r: r["item"][8].update(answer=[{"valueCoding": {"code": ["x"]}}]),
        lambda r: r["item"][8].update(answer=[{"valueInteger": True}]),
        lambda r: r.update(questionnaire={"reference": 5}),
        lambda r: r.update(authored=20240528),
        lambda r: r.update(contained=[None, {"resourceType": "Questionnaire", "item": 4}]),
    ]
    for mutate in mutations:
        resource = copy.deepcopy(base)
        mutate(resource)
        broken.append(resource)
    deep: Resource = {"linkId": "/44260-8", "answer": [{"valueInteger": 3}]}
    for _ in range(200):
        deep = {"linkId": "g", "item": [deep]}
    broken.append({**base, "item": [deep]})
    for resource in broken:
        wants_questionnaire_response(resource)
        read(resource)


# --- one administration, once -------------------------------------------------------------------
def _us_core_observations() -> list[Resource]:
    names = [f"Observation-PHQ9-item-example-{code}.json" for code in (*Q.ITEMS, Q.TOTAL)]
    names += [
        "Observation-PHQ9-item-example-69722-7.json",
        "Observation-PHQ9-panel-example-44249-1.json",
    ]
    return [Q.vendor(f"hl7__US-Core/{name}") for name in names]


def test_us_core_panel_derived_from_the_response_counts_once() -> None:
    # US Core's own example: the response and the Observations derived from it (derivedFrom).
    resources = [Q.vendor(Q.US_CORE_QR), *_us_core_observations()]
    record = build_record(resources, as_of=date(2023, 1, 1), patient_id="example")
    assert record.phq9() == (Score("PHQ-9", 12, date(2022, 11, 29), 0, qr("phq-9-example")),)


def test_duplicate_keeps_the_source_that_recorded_item9() -> None:
    # The response has no item-9 answer; the Observations derived from it do (item 9 = 3), and
    # their total is the sum of their answers (15: else the total and the items disagree).
    response = Q.us_core([2, 2, 2, 2, 1, 1, 2, 0, None], 15, qid="phq-9-example")
    observations = _us_core_observations()
    for obs in observations:
        obs["effectiveDateTime"] = f"{DAY.isoformat()}T14:05:12-05:00"
        obs["subject"] = {"reference": "Patient/p-001"}
        if obs["id"] == "PHQ9-item-example-44260-8":
            # Code and display together: a code whose display names another answer is unread
            # (fhir_mapping/answer_concept.py, review s22 RR2 finding 4).
            obs["valueCodeableConcept"]["coding"][0]["code"] = "LA6571-9"
            obs["valueCodeableConcept"]["coding"][0]["display"] = "Nearly every day"
            obs["valueCodeableConcept"].pop("text", None)
        if obs["id"] == "PHQ9-item-example-44261-6":
            obs["valueString"] = "15"
    record = build_record([response, *observations], as_of=AS_OF, patient_id="p-001")
    source = SourceRef("Observation", "PHQ9-item-example-44261-6")
    assert record.phq9() == (Score("PHQ-9", 15, DAY, 3, source),)


def test_same_day_same_total_without_a_link_counts_once() -> None:
    observation = phq9_total("t1", DAY, 14)
    response = Q.us_core(ANSWERS, 14)
    scores = merge_scores(read_scores([observation], as_of=AS_OF), read(response)[0], [observation])
    assert scores == (Score("PHQ-9", 14, DAY, 2, qr("qr-uscore")),)


def test_same_day_different_totals_disagree_and_neither_is_used() -> None:
    # Review s27 RF finding 4: once two scores (9 and 14, the higher used as a second
    # administration). A response and an Observation of one day, unlinked, are one form filed
    # both ways (questionnaire_duplicates, "Disagreeing"): neither total is used, the item-9
    # answer stays, and a gap names both totals. Here at different times of the day (09:30 and
    # 14:05): the day, not the instant, makes them one (as for a same total).
    observation = phq9_total("t1", DAY, 9)
    response = Q.us_core(ANSWERS, 14)
    scores, gaps = merge_read(
        read_scores([observation], as_of=AS_OF), read(response)[0], [observation]
    )
    assert scores == (Score("PHQ-9", None, DAY, 2, qr("qr-uscore")),)
    assert [(g.reason, g.source, g.date, g.stated) for g in gaps] == [
        (
            CONFLICTING_TOTALS,
            SourceRef("Observation", "t1"),
            DAY,
            f"PHQ-9 totals 9 and 14 (questionnaire) on {DAY.isoformat()}",
        )
    ]


def test_item9_only_response_joins_the_same_day_total() -> None:
    observation = phq9_total("t1", DAY, 26)  # alone it would imply item 9 >= 2
    response = Q.us_core(ANSWERS, None, status="in-progress")  # item 9 = 2 recorded
    merged = merge_scores(read_scores([observation], as_of=AS_OF), read(response)[0], [observation])
    assert merged == (Score("PHQ-9", 26, DAY, 2, qr("qr-uscore")),)


# --- totals that imply item 9 ---------------------------------------------------------------------
@pytest.mark.parametrize(("total", "item9"), [(24, None), (25, 1), (26, 2), (27, 3)])
def test_observation_total_implies_item9(total: int, item9: int | None) -> None:
    (score,) = read_scores([phq9_total("t1", DAY, total)], as_of=AS_OF)
    assert (score.value, score.item9, score.item9_inferred) == (total, item9, item9 is not None)


def test_recorded_item9_is_never_replaced_by_the_inferred_one() -> None:
    resources = [phq9_total("t1", DAY, 26), item9_obs("i9", DAY, 3)]
    (score,) = read_scores(resources, as_of=AS_OF)
    assert (score.value, score.item9, score.item9_inferred) == (26, 3, False)


def test_response_total_implies_item9() -> None:
    response = Q.us_core([3, 3, 3, 3, 3, 3, 3, 3, None], 26)
    scores, gaps = read(valid(response))
    assert scores == [Score("PHQ-9", 26, DAY, 2, qr("qr-uscore"), item9_inferred=True)]
    assert gaps == []
