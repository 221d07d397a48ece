"""Session 25 FB: TMS/ECT courses and drug scoring (the s24 closing note's open items).

1. A drug STARTED during a TMS course's acute run (escitalopram switched in at TMS session 12,
   PHQ-9 falling as the course ended) was scored on those PHQ-9s: "14 -> 7, adequate: response"
   and "escitalopram responding", TMS's response credited to the drug. The same rule that cuts a
   running drug's window (device_course_scores.device_cut_off) now cuts it, and the trial's note
   says the change cannot be attributed to the drug.
2. After a TMS response, a PHQ-9 back up from the course's outcome (8 -> 13) was not said on the
   card naming the course ("It responded: a retreatment may be considered after relapse"), below
   the clinic's relapse threshold included. It is one clause of that line now
   (tms_retreatment.rising, policy tms_rise_points).
3. Weekly ECT sessions after an acute course that did not respond read "continuation/maintenance"
   ("not in remission on continuation/maintenance ECT"). Maintenance presupposes a response
   (data/ect_schedule.csv row after-no-response): they are "further sessions" now.

Charts: tests/services/device_course25_charts/ (built from the s24 journey and device-course
Epic-shaped charts, every prefetch key).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.device_course_scores import CourseRule
from services import ect_phases
from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"

_chart = chart_files.loader(Path(__file__).parent / "device_course25_charts")
_at = Evaluator(date(2025, 11, 10))

STARTED_DURING = ("escitalopram_started_tms_session12", date(2025, 11, 10))
RISING = ("ven_tms_responded_phq9_rising", date(2025, 11, 20))
ECT_WEEKLY = ("ven_ect_no_response_then_weekly", date(2025, 10, 21))
NAMES = [STARTED_DURING[0], RISING[0], ECT_WEEKLY[0]]


def _cards(visit: tuple[str, date], doc: Doc | None = None, **kw: Any) -> dict[str, Doc]:
    name, day = visit
    return by_topic(_at.cards(doc or _chart(name), as_of=day, **kw))


def _trial(visit: tuple[str, date], drug: str) -> Any:
    name, day = visit
    record = _at.result(_chart(name), as_of=day).evaluation.record
    (trial,) = [t for t in record.trials if t.ingredient == drug]
    return trial


def _with_phq9(doc: Doc, day: str, value: int) -> Doc:
    for entry in doc["prefetch"]["observations"]["entry"]:
        r = entry["resource"]
        if r["code"]["coding"][0]["code"] == "44261-6" and r["effectiveDateTime"][:10] == day:
            r["valueQuantity"]["value"] = value
    return doc


@pytest.mark.parametrize("name", NAMES)
def test_probe_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    doc = _chart(name)
    baseline = chart_files.loader(Path(__file__).parent / "leftover18_charts")
    template = next((Path(__file__).parent / "leftover18_charts").glob("*.json")).stem
    assert set(doc["prefetch"]) >= set(baseline(template)["prefetch"])
    for resource in chart_files.prefetch_resources(doc):
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)


# --- 1: a drug started during a TMS course -----------------------------------------------------


def test_a_drug_started_at_tms_session_12_is_not_scored_on_the_courses_phq9s() -> None:
    trial = _trial(STARTED_DURING, "escitalopram")
    # Before: on_treatment PHQ-9 7 (2025-11-03), "14 -> 7, adequate: response".
    assert trial.on_treatment is None
    assert trial.outcome_note == (
        "PHQ-9 7 on 2025-11-03 cannot be attributed to escitalopram: it was started during a TMS "
        "course (from 2025-08-25), and the course's effect cannot be told apart from the drug's"
    )


def test_the_cards_no_longer_call_the_drug_responding() -> None:
    cards = _cards(STARTED_DURING)
    text = " ".join(f"{c['summary']} {c.get('detail', '')}" for c in cards.values())
    assert "escitalopram responding" not in text
    assert "adequate: response" not in text
    assert "cannot be attributed to escitalopram" in cards[OPTIMISE]["detail"]


def test_a_later_score_without_help_even_with_the_course_still_judges_the_drug() -> None:
    # What failed with the course beside it failed alone (device_course_scores.unhelped): PHQ-9s
    # 14 on the drug's start, 14 and 13 after, the drug is judged on them.
    doc = _chart(STARTED_DURING[0])
    for day in ["2025-09-15", "2025-09-19", "2025-09-26", "2025-10-06", "2025-10-20"]:
        _with_phq9(doc, day, 14)
    _with_phq9(doc, "2025-11-03", 13)
    record = _at.result(doc, as_of=STARTED_DURING[1]).evaluation.record
    (trial,) = [t for t in record.trials if t.ingredient == "escitalopram"]
    assert trial.on_treatment is not None and trial.on_treatment.value == 13
    assert "no response to both" in (trial.outcome_note or "")


def test_the_acute_run_rule_is_the_ect_schedules_spacing() -> None:
    assert CourseRule().acute_gap_days == ect_phases.schedule().min_gap_days


# --- 2: a PHQ-9 rising after a TMS response ----------------------------------------------------

_LINE = "It responded; PHQ-9 rising since the course (8 -> 13 on 2025-11-17)"


def test_a_rise_below_the_relapse_threshold_is_named_on_the_card_naming_the_course() -> None:
    doc = _with_phq9(_chart(RISING[0]), "2025-11-17", 13)
    policy = Policy()
    high = dataclasses.replace(
        policy, mapping=dataclasses.replace(policy.mapping, relapse_phq9_at_least=15)
    )
    cards = _cards(RISING, doc, policy=high)
    assert TMS not in cards  # below the clinic's relapse threshold: no retreatment card
    assert _LINE in cards[OPTIMISE]["detail"]


def test_a_rise_to_a_relapse_is_named_beside_the_retreatment_card() -> None:
    cards = _cards(RISING, _with_phq9(_chart(RISING[0]), "2025-11-17", 13))
    assert "relapsed: PHQ-9 13" in cards[TMS]["summary"]
    assert _LINE in cards[OPTIMISE]["detail"]


def test_a_rise_smaller_than_the_policys_points_is_not_named() -> None:
    detail = _cards(RISING)[OPTIMISE]["detail"]  # 8 -> 9
    assert "It responded: a retreatment may be considered" in detail
    assert "rising" not in detail
    one = dataclasses.replace(Policy(), tms_rise_points=1)
    assert (
        "PHQ-9 rising since the course (8 -> 9 on 2025-11-17)"
        in (_cards(RISING, policy=one)[OPTIMISE]["detail"])
    )


# --- 3: weekly ECT after an acute course that did not respond -----------------------------------


def test_weekly_ect_after_no_acute_response_is_not_called_maintenance() -> None:
    detail = _cards(ECT_WEEKLY)[OPTIMISE]["detail"]
    assert "maintenance ECT follows a response" in detail
    assert "then 4 further sessions about weekly" in detail
    assert "not in remission, no response to the acute course or since" in detail
    assert "on continuation/maintenance ECT" not in detail
    assert "4 continuation/maintenance sessions" not in detail


def test_the_tms_cards_ect_line_says_further_sessions_too() -> None:
    from services.ect_course_lines import ect_service_line

    name, day = ECT_WEEKLY
    record = _at.result(_chart(name), as_of=day).evaluation.record
    line = ect_service_line(record, Policy(), None)
    assert "then 4 further sessions to 2025-10-17 (continued or tapered" in line
    assert "continuation/maintenance session" not in line


def test_after_an_acute_response_the_sessions_are_still_maintenance() -> None:
    assert ect_phases.later_phase(True).wording == "continuation/maintenance"
    assert ect_phases.later_phase(False).wording == "further"
    assert ect_phases.later_phase(None).wording == "continuation/maintenance"
