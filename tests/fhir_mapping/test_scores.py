"""Scores from Observations, item 9 in its four forms, and trial score windows (scores.py)."""

from __future__ import annotations

from datetime import date

import pytest

from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import (
    Adherence,
    AdherenceStatus,
    DoseSegment,
    Role,
    Score,
    SourceRef,
    Trial,
    Verdict,
)
from fhir_mapping.scores import attach_scores, read_scores, wants
from tests.fhir_mapping.fhir_resources import (
    assert_valid,
    gad7,
    lab,
    phq2,
    phq9_panel,
    phq9_total,
)
from tests.fhir_mapping.fhir_resources import (
    item9 as item9_obs,
)

AS_OF = date(2025, 1, 1)
D = date(2024, 6, 3)


def obs(oid: str) -> SourceRef:
    return SourceRef("Observation", oid)


def read(resources: list[dict]) -> tuple[Score, ...]:  # type: ignore[type-arg]
    assert_valid(resources)
    return read_scores(resources, as_of=AS_OF)


def test_totals_as_quantity_integer_and_synthea_teen_code() -> None:
    scores = read(
        [
            phq9_total("a", date(2024, 1, 5), 17),
            phq9_total("b", date(2024, 2, 5), 12, integer=True),
            phq9_total("c", date(2024, 3, 5), 8, code="89204-2"),
            phq2("d", date(2024, 1, 5), 4),
            gad7("e", date(2024, 1, 5), 11),
        ]
    )
    assert scores == (
        Score("GAD-7", 11, date(2024, 1, 5), None, obs("e")),
        Score("PHQ-2", 4, date(2024, 1, 5), None, obs("d")),
        Score("PHQ-9", 17, date(2024, 1, 5), None, obs("a")),
        Score("PHQ-9", 12, date(2024, 2, 5), None, obs("b")),
        Score("PHQ-9", 8, date(2024, 3, 5), None, obs("c")),
    )


def test_item9_standalone_integer_joins_the_total_of_the_same_day() -> None:
    scores = read([phq9_total("t", D, 14), item9_obs("i", D, 2)])
    assert scores == (Score("PHQ-9", 14, D, 2, obs("t")),)


def test_item9_standalone_loinc_answer_joins_by_encounter() -> None:
    # Filed a day later but in the same encounter: the encounter wins over the date.
    scores = read(
        [
            phq9_total("t", D, 19, encounter="enc-1"),
            phq9_total("t2", date(2024, 6, 4), 9, encounter="enc-2"),
            item9_obs("i", date(2024, 6, 4), 3, answer=True, encounter="enc-1"),
        ]
    )
    assert scores == (
        Score("PHQ-9", 19, D, 3, obs("t")),
        Score("PHQ-9", 9, date(2024, 6, 4), None, obs("t2")),
    )


@pytest.mark.parametrize(("system", "read_as"), [(None, 2), ("", 2), ("urn:other:codes", None)])
def test_item9_loinc_answer_without_its_system_is_read(
    system: str | None, read_as: int | None
) -> None:
    """SDC writes answer codings without a system (../shared/fhir/vendor trap 9). A LOINC "LA"
    answer code names one answer: read it (review: a dropped "more than half the days" left the
    suicide card out); the same code under another system is not LOINC's and is not read (its
    text, the LOINC answer's words, is read since review s23 RO finding 1: left out here)."""
    item = item9_obs("i", D, 2, answer=True)
    del item["valueCodeableConcept"]["text"]
    coding = item["valueCodeableConcept"]["coding"][0]
    if system is None:
        del coding["system"]
    else:
        coding["system"] = system
    resources = [phq9_total("t", D, 14), item]
    if system != "":
        assert_valid(resources)  # an empty system is not valid R4, but EHRs send it
    scores = read_scores(resources, as_of=AS_OF)
    assert scores[0].item9 == read_as


def test_item9_linked_by_derived_from_wins_over_same_day() -> None:
    scores = read(
        [
            phq9_total("t1", D, 10),
            phq9_total("t2", D, 21),
            item9_obs("i", D, 1, derived_from="t2"),
        ]
    )
    assert scores == (Score("PHQ-9", 10, D, None, obs("t1")), Score("PHQ-9", 21, D, 1, obs("t2")))


def test_item9_and_total_members_of_one_panel_are_joined() -> None:
    scores = read(
        [
            phq9_panel("panel", D, total=None, item9_score=None, members=["t", "i"]),
            phq9_total("t", D, 16),
            phq9_total("other", D, 5),
            item9_obs("i", date(2024, 6, 2), 1, answer=True),
        ]
    )
    assert scores == (Score("PHQ-9", 5, D, None, obs("other")), Score("PHQ-9", 16, D, 1, obs("t")))


def test_item9_integer_panel_component() -> None:
    scores = read([phq9_panel("p", D, total=15, item9_score=1)])
    assert scores == (Score("PHQ-9", 15, D, 1, obs("p")),)


def test_item9_answer_panel_component() -> None:
    scores = read([phq9_panel("p", D, total=22, item9_score=3, answer=True)])
    assert scores == (Score("PHQ-9", 22, D, 3, obs("p")),)


def test_orphan_item9_stays_visible_without_a_total() -> None:
    scores = read([item9_obs("i", D, 2, answer=True), phq9_total("t", date(2024, 5, 1), 12)])
    assert scores == (
        Score("PHQ-9", 12, date(2024, 5, 1), None, obs("t")),
        Score("PHQ-9", None, D, 2, obs("i")),
    )
    # Panel with only item 9 (no total anywhere): the same.
    assert read([phq9_panel("p", D, total=None, item9_score=0)]) == (
        Score("PHQ-9", None, D, 0, obs("p")),
    )


def test_same_total_in_panel_and_standalone_counts_once_with_item9() -> None:
    scores = read(
        [phq9_panel("p", D, total=18, item9_score=2, members=["t"]), phq9_total("t", D, 18)]
    )
    assert scores == (Score("PHQ-9", 18, D, 2, obs("p")),)


def test_only_final_amended_corrected_count_and_not_after_as_of() -> None:
    scores = read(
        [
            phq9_total("prelim", D, 20, status="preliminary"),
            phq9_total("error", D, 20, status="entered-in-error"),
            phq9_total("cancel", D, 20, status="cancelled"),
            phq9_total("amended", D, 11, status="amended"),
            phq9_total("corrected", date(2024, 7, 1), 13, status="corrected"),
            phq9_total("future", date(2025, 1, 2), 25),
            item9_obs("item-error", D, 3, status="entered-in-error"),
        ]
    )
    assert scores == (
        Score("PHQ-9", 11, D, None, obs("amended")),
        Score("PHQ-9", 13, date(2024, 7, 1), None, obs("corrected")),
    )


def test_out_of_range_values_are_dropped() -> None:
    resources = [phq9_total("big", D, 28), item9_obs("i", D, 3), phq2("p2", D, 7)]
    resources[1]["valueInteger"] = 4
    # No value is read; the item 9 answer stays, flagged unread, for the suicide-risk rule
    # (review patient-view finding 3).
    assert read(resources) == (Score("PHQ-9", None, D, None, obs("i"), item9_unread=obs("i")),)


def test_prefilter_takes_scales_not_labs() -> None:
    assert wants(phq9_total("t", D, 3)) is True
    assert wants(item9_obs("i", D, 0)) is True
    assert wants(phq9_panel("p", D, total=1, item9_score=0)) is True
    assert wants(lab("l", "3016-3", "TSH", D, 2.1, "mIU/L")) is False


def _trial(start: date, end: date) -> Trial:
    return Trial(
        ingredient="sertraline",
        drug_class="SSRI",
        role=Role.ANTIDEPRESSANT,
        start=start,
        end=end,
        ongoing=False,
        segments=(DoseSegment(start, end, 100.0),),
        min_adequate_mg=50,
        max_mg=200,
        weeks_at_adequate_dose=(end - start).days / 7,
        adherence=Adherence(AdherenceStatus.UNVERIFIED),
        verdict=Verdict.ADEQUATE,
    )


def s(day: date, value: int | None, oid: str, item9: int | None = None) -> Score:
    return Score("PHQ-9", value, day, item9, obs(oid))


def test_baseline_and_on_treatment_windows() -> None:
    trial = _trial(date(2024, 3, 1), date(2024, 6, 1))
    scores = [
        s(date(2024, 1, 15), 25, "too-early"),  # 46 days before the start
        s(date(2024, 2, 10), 19, "baseline"),  # latest within 30 days before
        s(date(2024, 3, 20), 14, "week-3"),  # before week 4: neither
        s(date(2024, 3, 29), 12, "on-treatment"),  # week 4: the latest on the drug
        # After the end, no response (10 > 19 / 2): never replaces the last score on the drug
        # (review s23 RC finding 2).
        s(date(2024, 6, 25), 10, "after-the-end"),
        s(date(2024, 7, 2), 3, "too-late"),
        s(date(2024, 6, 20), None, "orphan-item9", item9=1),
    ]
    (with_scores,) = attach_scores([trial], scores, MappingPolicy())
    assert with_scores.baseline == scores[1]
    assert with_scores.on_treatment == scores[3]
    assert with_scores.response is False  # 12 > 19 / 2
    assert with_scores.remission is False


def test_baseline_falls_back_to_the_first_14_days_of_treatment() -> None:
    trial = _trial(date(2024, 3, 1), date(2024, 6, 1))
    scores = [
        s(date(2024, 3, 10), 21, "day-9"),
        s(date(2024, 3, 14), 18, "day-13"),
        s(date(2024, 3, 16), 17, "day-15"),
    ]
    (with_scores,) = attach_scores([trial], scores, MappingPolicy())
    assert with_scores.baseline == scores[0]
    assert with_scores.on_treatment is None
    assert with_scores.response is None


def test_response_and_remission_from_attached_scores() -> None:
    trial = _trial(date(2024, 3, 1), date(2024, 6, 1))
    scores = [s(date(2024, 2, 28), 20, "b"), s(date(2024, 5, 1), 4, "t")]
    (with_scores,) = attach_scores([trial], scores, MappingPolicy())
    assert (with_scores.response, with_scores.remission, with_scores.failed) == (True, True, False)


@pytest.mark.parametrize(("days_before", "expected"), [(30, "edge"), (31, None)])
def test_baseline_window_edge(days_before: int, expected: str | None) -> None:
    from datetime import timedelta

    trial = _trial(date(2024, 3, 1), date(2024, 6, 1))
    scores = [s(date(2024, 3, 1) - timedelta(days=days_before), 20, "edge")]
    (with_scores,) = attach_scores([trial], scores, MappingPolicy())
    assert (
        with_scores.baseline.source.id
        if with_scores.baseline and with_scores.baseline.source
        else None
    ) == expected
