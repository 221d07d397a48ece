"""Review s24 RC recheck, findings 3 and 4 (how an ended TMS course went).

- F3: 20 sessions 2025-08-25..09-19, PHQ-9 16 before, 12 three days after, 7 a month on
  (2025-10-20): scored on the first score after it only ("25 % better. No response") and the
  optimise card offered adjuncts at PHQ-9 7. The course's outcome is now the best PHQ-9 (when a
  response or remission) up to policy.tms_outcome_days_after_end (42) after its last session
  (fhir_mapping/device_course_outcome.py), so the "keep the treatment while the TMS response
  holds" hold applies.
- F4: the same course with 19 sessions (under tms_min_course_sessions, 20) was dropped as short:
  no card named TMS and the drop was credited to venlafaxine ("18 -> 7, adequate: response").
  A short course that responded is a response (device_course_scores.short, TmsCourse.short).

Charts: tests/services/tms_outcome24_charts/ (the recheck's charts, every prefetch key).
"""

from __future__ import annotations

import copy
import dataclasses
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.clinical_records import ProcedureKind, ProcedureRecord
from fhir_mapping.device_course_outcome import outcome_score
from fhir_mapping.device_course_scores import CourseRule, device_course_starts
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import Score
from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
OPTIMISE = "optimize-switch-augment"
PSYCHOTHERAPY = "psychotherapy"

_chart = chart_files.loader(Path(__file__).parent / "tms_outcome24_charts")
_at = Evaluator(date(2025, 10, 20))
TWENTY = "d1_tms_20_sessions_responded"
NINETEEN = "d1_tms_19_sessions_responded"
HOLDS = "keep the treatment while TMS response holds; augment or switch class if it fades"
# The old reading: a TMS course's outcome window was a drug's (30 days after the last session).
DRUG_WINDOW = dataclasses.replace(Policy(), tms_outcome_days_after_end=30)

# A relapse a week after the 7: PHQ-9 15 (items 2,2,2,2,2,2,1,2,0), item 9 answered.
_RELAPSE_ITEMS = {
    "44250-9": 2,
    "44255-8": 2,
    "44259-0": 2,
    "44254-1": 2,
    "44251-7": 2,
    "44258-2": 2,
    "44252-5": 1,
    "44253-3": 2,
    "44260-8": 0,
    "44261-6": 15,
}


def _with_relapse(doc: Doc) -> Doc:
    """`doc` with the 2025-10-20 PHQ-9 (items and total) asked again on 2025-10-27, total 15."""
    bundle = doc["prefetch"]["observations"]
    added = []
    for entry in bundle["entry"]:
        res = entry["resource"]
        if not res.get("effectiveDateTime", "").startswith("2025-10-20"):
            continue
        res = copy.deepcopy(res)
        code = res["code"]["coding"][0]["code"]
        res["id"] = str(uuid.uuid5(uuid.NAMESPACE_URL, "tms-outcome24-relapse-" + code))
        res["effectiveDateTime"] = "2025-10-27T09:30:00-05:00"
        res["issued"] = "2025-10-27T10:05:00-05:00"
        res["meta"]["lastUpdated"] = "2025-10-27T17:00:00-05:00"
        if "valueInteger" in res:
            res["valueInteger"] = _RELAPSE_ITEMS[code]
        else:
            res["valueQuantity"]["value"] = _RELAPSE_ITEMS[code]
        url = entry["fullUrl"].rsplit("/", 1)[0] + "/" + res["id"]
        added.append({**entry, "fullUrl": url, "resource": res})
    assert len(added) == len(_RELAPSE_ITEMS)
    bundle["entry"] += added
    bundle["total"] = len(bundle["entry"])
    get_fhir_model_class("Bundle").model_validate(bundle)
    return doc


def _optimise(name: str, **kw: Any) -> Doc:
    found = by_topic(_at.cards(_chart(name), **kw))
    return found[OPTIMISE]


def test_the_charts_are_valid_r4b_with_every_prefetch_key() -> None:
    for name in (TWENTY, NINETEEN):
        doc = _chart(name)
        for bundle in doc["prefetch"].values():
            get_fhir_model_class(bundle["resourceType"]).model_validate(bundle)
        assert {"encounters", "labsSI", "procedures", "observations"} <= set(doc["prefetch"])


# --- F3: the best PHQ-9 in the window after the course judges it -------------------------------


def test_a_response_a_month_after_the_course_is_the_courses() -> None:
    card = _optimise(TWENTY)
    assert card["summary"].endswith(HOLDS), card["summary"]
    assert "PHQ-9 16 (2025-08-04) -> 7 (2025-10-20), 56 % better" in card["detail"]
    assert "No response" not in card["detail"]
    # Nothing offered in one click while the TMS response holds.
    assert not card.get("suggestions")


def test_the_window_is_the_clinics_policy() -> None:
    """With the drug's 30-day window the score on day 31 is left out: the old reading."""
    card = _optimise(TWENTY, policy=DRUG_WINDOW)
    assert "25 % better. No response" in card["detail"]
    assert not card["summary"].endswith(HOLDS)


def test_a_relapse_after_the_response_stays_a_response_that_relapsed() -> None:
    """The best, not the latest: PHQ-9 15 a week after the 7 does not turn the course into a
    non-response (that would bar the retreatment L37086 allows a responder who relapsed); the
    hold reads the latest score, so the relapse gets the proposals back in one click."""
    found = by_topic(_at.cards(_with_relapse(_chart(TWENTY)), as_of=date(2025, 10, 27)))
    card = found[OPTIMISE]
    assert not card["summary"].endswith(HOLDS)
    assert card.get("suggestions"), "a relapse on the drugs: the proposals are one click again"
    assert "-> 7 (2025-10-20), 56 % better. It responded" in card["detail"]
    assert "No response" not in card["detail"]


def _score(day: int, value: int, month: int = 10) -> Score:
    return Score(instrument="PHQ-9", date=date(2025, month, day), value=value)


def test_outcome_score_best_when_improved_else_latest() -> None:
    end, baseline = date(2025, 9, 19), _score(4, 16, 8)
    # A response after the course, then a relapse: the response.
    after = [_score(18, 14, 9), _score(22, 12, 9), _score(20, 7), _score(27, 15)]
    assert outcome_score(after, end, False, baseline, 5) == after[2]
    # No score in the window is a response: the latest, as before.
    flat = [_score(18, 14, 9), _score(22, 10, 9), _score(20, 13)]
    assert outcome_score(flat, end, False, baseline, 5) == flat[-1]
    # A running course: its latest score so far.
    assert outcome_score(after, end, True, baseline, 5) == after[-1]


# --- F4: a short course that responded is a response -------------------------------------------


def test_a_short_course_that_responded_is_named_and_holds() -> None:
    card = _optimise(NINETEEN)
    assert card["summary"].endswith(HOLDS), card["summary"]
    assert "19 sessions; PHQ-9 16 (2025-08-04) -> 7 (2025-10-20), 56 % better" in card["detail"]
    assert "not an adequate course" not in card["detail"]


def test_a_short_course_response_is_not_credited_to_the_drug() -> None:
    cards = _at.cards(_chart(NINETEEN))
    assert not any("venlafaxine responding" in c["summary"] for c in cards)
    assert not any("18 -> 7 | adequate: response" in c.get("detail", "") for c in cards)
    found = by_topic(cards)
    assert found[PSYCHOTHERAPY]["summary"].startswith("2 adequate trials failed")


def test_course_starts_keep_a_short_tms_course_that_responded() -> None:
    """The mapping side of F4: the 19-session course cuts the drug's window when it responded on
    the PHQ-9 (so the drop is the course's), and is left out when it did not."""
    start = date(2025, 8, 25)
    sessions = [
        ProcedureRecord(kind=ProcedureKind.TMS, code="90868", system="x", date=day)
        for day in (start + timedelta(days=i) for i in range(26))
        if day.weekday() < 5
    ][:19]
    rule, mapping = CourseRule(), MappingPolicy()
    before, at_12 = _score(4, 16, 8), _score(22, 12, 9)
    as_of = date(2025, 10, 20)
    assert device_course_starts(sessions, rule, as_of, [before, at_12], mapping) == ()
    responded = device_course_starts(sessions, rule, as_of, [before, at_12, _score(20, 7)], mapping)
    assert [(c.name, c.first) for c in responded] == [("TMS", start)]
