"""Review s24 RJ (one patient through time), findings 1-3.

- F1: improvement during a TMS course was credited to the antidepressant beside it. Venlafaxine
  failed before TMS (7 weeks at 225 mg, PHQ-9 18 -> 16), then read "1 partial response
  (venlafaxine, 44 %)" and "venlafaxine responding" while TMS ran, and "2 failed" again months
  later. A drug's scoring window now ends at the first session of a TMS/ECT course begun while it
  runs (fhir_mapping/device_course_scores.py): its verdict is the same at every visit, on the cards
  and in the packet.
- F2: while a TMS course runs the optimise card offered one-click aripiprazole/brexpiprazole; its
  drug proposals now wait for the course (optimize/device_course.py), and for a response that
  still holds after it.
- F3: "Sertraline responding (PHQ-9 20 -> 6), not in remission: optimise sertraline" at week 6
  while the scores still fell: the raise now waits for policy.optimise_responder_after_weeks at
  the dose or a plateau (optimize/still_improving.py).

Charts: tests/services/journey24_charts/ (the review's journeys A and B, Epic-shaped, every
prefetch key), each evaluated as of its visit's date.
"""

from __future__ import annotations

import copy
import dataclasses
import html
import re
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.clinical_records import ProcedureKind, ProcedureRecord
from fhir_mapping.device_course_scores import (
    DEFAULT_COURSE_GAP_DAYS,
    DeviceCourse,
    device_course_starts,
    unhelped,
)
from fhir_mapping.record import Score
from services.packet.page import render_packet
from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
OPTIMISE = "optimize-switch-augment"
PSYCHOTHERAPY = "psychotherapy"

_chart = chart_files.loader(Path(__file__).parent / "journey24_charts")
_at = Evaluator(date(2025, 9, 29))

# Journey A's visits: (chart, visit date).
BEFORE_TMS = ("ven_failed_before_tms_referral", date(2025, 8, 4))
TMS_WEEK4 = ("ven_tms_running_week4", date(2025, 9, 19))
TMS_WEEK5 = ("ven_tms_running_week5", date(2025, 9, 29))
TMS_WEEK6 = ("ven_tms_just_ended_responding", date(2025, 10, 6))
RELAPSE = ("ven_relapse_after_tms", date(2026, 1, 5))


def _cards(visit: tuple[str, date], doc: Doc | None = None, **kw: Any) -> list[Doc]:
    name, day = visit
    return _at.cards(doc or _chart(name), as_of=kw.pop("as_of", day), **kw)


def _venlafaxine(visit: tuple[str, date], doc: Doc | None = None, **kw: Any) -> Any:
    name, day = visit
    record = _at.result(doc or _chart(name), as_of=day, **kw).evaluation.record
    (trial,) = [t for t in record.trials if t.ingredient == "venlafaxine"]
    return trial


def _one_clicks(card: Doc) -> list[str]:
    """Labels of the card's suggestions that order a drug."""
    return [
        s["label"]
        for s in card.get("suggestions", [])
        if any(
            (a.get("resource") or {}).get("resourceType") == "MedicationRequest"
            for a in s.get("actions", [])
        )
    ]


# --- F1: the drug is judged on the scores before the course ------------------------------------


@pytest.mark.parametrize("visit", [BEFORE_TMS, TMS_WEEK4, TMS_WEEK5, TMS_WEEK6, RELAPSE])
def test_venlafaxine_stays_failed_at_every_visit_around_the_tms_course(
    visit: tuple[str, date],
) -> None:
    cards = _cards(visit)
    texts = " ".join(c["summary"] + c.get("detail", "") for c in cards)
    assert "partial response" not in texts
    assert "venlafaxine responding" not in texts
    summary = by_topic(cards)[OPTIMISE]["summary"]
    assert summary.startswith("2 adequate trials failed (sertraline, venlafaxine)")


@pytest.mark.parametrize("visit", [TMS_WEEK4, TMS_WEEK5, TMS_WEEK6, RELAPSE])
def test_venlafaxine_outcome_is_the_last_phq9_before_the_first_session(
    visit: tuple[str, date],
) -> None:
    trial = _venlafaxine(visit)
    assert trial.failed
    assert (trial.on_treatment.value, trial.on_treatment.date) == (16, date(2025, 8, 25))
    # The later score left out is named, with the course it belongs to.
    assert "during or after a TMS course (from 2025-08-25)" in trial.outcome_note
    assert "not venlafaxine's" in trial.outcome_note


def test_the_packet_gives_the_verdict_the_cards_give() -> None:
    record = _at.result(_chart(TMS_WEEK5[0]), as_of=TMS_WEEK5[1]).evaluation.record
    text = re.sub(r"<[^>]+>", " ", html.unescape(render_packet(record, Policy())))
    text = re.sub(r"\s+", " ", text)
    assert "18 (14 Apr 2025) → 16 (25 Aug 2025) failed" in text
    assert "venlafaxine (SNRI, failed)" in text


def _as_ect(doc: Doc) -> Doc:
    """The chart with its TMS sessions coded as ECT sessions (CPT 90870)."""
    for entry in doc["prefetch"]["procedures"]["entry"]:
        coding = entry["resource"]["code"]["coding"][0]
        coding["code"], coding["display"] = "90870", "Electroconvulsive therapy"
        entry["resource"]["code"]["text"] = "Electroconvulsive therapy"
    return doc


def test_an_ect_course_begun_beside_the_drug_ends_its_window_too() -> None:
    trial = _venlafaxine(TMS_WEEK5, _as_ect(_chart(TMS_WEEK5[0])))
    assert (trial.on_treatment.value, trial.on_treatment.date) == (16, date(2025, 8, 25))
    assert "an ECT course (from 2025-08-25)" in trial.outcome_note


def _with_session(doc: Doc, day: str) -> Doc:
    """The chart with one more TMS session on `day`."""
    entries = doc["prefetch"]["procedures"]["entry"]
    extra = copy.deepcopy(entries[1])
    extra["resource"]["id"] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"journey24/{day}"))
    extra["resource"]["performedPeriod"] = {
        "start": f"{day}T10:00:00-05:00",
        "end": f"{day}T10:40:00-05:00",
    }
    extra["resource"].pop("encounter", None)
    entries.append(extra)
    return doc


def test_the_clinics_tms_course_gap_groups_the_sessions() -> None:
    # A session on 2025-02-20, 53 days before venlafaxine began (2025-04-14), then the course
    # from 2025-08-25. With the default 30-day gap they are two courses and the second cuts
    # venlafaxine's window; with a 200-day gap they are one course under way when venlafaxine
    # began, which is then left to its own window (policy.tms_course_gap_days reaches the
    # mapping).
    doc = _with_session(_chart(TMS_WEEK5[0]), "2025-02-20")
    assert _venlafaxine(TMS_WEEK5, doc).on_treatment.value == 16
    wide = dataclasses.replace(Policy(), tms_course_gap_days=200)
    assert _venlafaxine(TMS_WEEK5, doc, policy=wide).on_treatment.value == 10


def test_course_starts_group_sessions_by_the_gap() -> None:
    def session(day: date, kind: ProcedureKind = ProcedureKind.TMS) -> ProcedureRecord:
        return ProcedureRecord(kind=kind, code="x", system="x", date=day)

    sessions = [
        session(date(2025, 1, 1)),
        session(date(2025, 1, 20)),
        session(date(2025, 3, 1)),
        session(date(2025, 2, 1), ProcedureKind.ECT),
        session(date(2025, 2, 1), ProcedureKind.PSYCHOTHERAPY),
    ]
    # A TMS course carries its own outcome window (s24 RC finding 3); ECT a drug's (None).
    tms_window = Policy().tms_outcome_days_after_end
    assert device_course_starts(sessions, 30) == (
        # Sessions 19 days apart: the acute run ends at the first (s25 FB item 1).
        DeviceCourse(
            date(2025, 1, 1),
            date(2025, 1, 20),
            date(2025, 2, 19),
            "TMS",
            tms_window,
            date(2025, 1, 1),
        ),
        DeviceCourse(date(2025, 2, 1), date(2025, 2, 1), date(2025, 3, 3), "ECT"),
        DeviceCourse(date(2025, 3, 1), date(2025, 3, 1), date(2025, 3, 31), "TMS", tms_window),
    )
    assert device_course_starts(sessions, 60) == (
        DeviceCourse(
            date(2025, 1, 1),
            date(2025, 3, 1),
            date(2025, 4, 30),
            "TMS",
            tms_window,
            date(2025, 1, 1),
        ),
        DeviceCourse(date(2025, 2, 1), date(2025, 2, 1), date(2025, 4, 2), "ECT"),
    )
    assert Policy().tms_course_gap_days == DEFAULT_COURSE_GAP_DAYS


# --- F2: no drug one-click while the TMS course runs, or while its response holds -------------


@pytest.mark.parametrize("visit", [TMS_WEEK4, TMS_WEEK5, TMS_WEEK6])
def test_running_tms_course_holds_the_optimise_cards_drug_proposals(
    visit: tuple[str, date],
) -> None:
    card = by_topic(_cards(visit))[OPTIMISE]
    assert _one_clicks(card) == []
    assert card["summary"] == (
        "2 adequate trials failed (sertraline, venlafaxine): judge the TMS course at week 4-6 first, "
        "then augment or switch class"
    )
    # Day 25 (week 4's visit) is before the response check's week: its date, not the
    # tms-course card, which is not shown yet (s24 RA finding 8: test_device_course24.py).
    where = "due 2025-09-22" if visit is TMS_WEEK4 else "tms-course card"
    assert card["detail"].startswith(
        f"**TMS course running since 2025-08-25:** judge it at week 4-6 ({where}) "
        "before changing medication"
    )
    assert "Propose adjunctive aripiprazole 2 mg/day" in card["detail"]  # named, not one click


def test_a_tms_response_that_holds_after_the_course_keeps_them_held() -> None:
    card = by_topic(_cards(TMS_WEEK6, as_of=date(2025, 10, 20)))[OPTIMISE]
    assert _one_clicks(card) == []
    assert card["summary"] == (
        "2 adequate trials failed (sertraline, venlafaxine): keep the treatment while TMS response "
        "holds; augment or switch class if it fades"
    )
    assert card["detail"].startswith("**TMS course responded:** 2025-08-25 - 2025-10-03")
    assert "augment or switch if symptoms return" in card["detail"]


def test_after_a_relapse_the_drug_proposals_are_one_click_again() -> None:
    card = by_topic(_cards(RELAPSE))[OPTIMISE]
    assert "Propose adjunctive aripiprazole 2 mg/day (CANMAT first line)" in _one_clicks(card)
    assert "TMS course running" not in card["detail"]
    # The relapse is named on the course's line too (s25 FB item 2, tms_retreatment.rising).
    assert (
        "It responded; PHQ-9 rising since the course (8 -> 16 on 2026-01-05): a retreatment "
        "may be considered after relapse"
    ) in card["detail"]


def test_before_the_course_the_drug_proposals_are_one_click() -> None:
    card = by_topic(_cards(BEFORE_TMS))[OPTIMISE]
    assert len(_one_clicks(card)) == 2


# --- F3: a responding course still improving is not pushed to a raise --------------------------

RESPONDER = "sert_responding_wk6_still_falling"


def test_week6_responder_still_improving_gets_no_raise() -> None:
    assert _at.cards(_chart(RESPONDER), as_of=date(2025, 2, 17)) == []


def test_the_raise_toward_remission_comes_after_eight_weeks_at_the_dose() -> None:
    # 100 mg since 2025-01-20: 8 weeks on 2025-03-17, PHQ-9 still 6 (not in remission).
    assert by_topic(_at.cards(_chart(RESPONDER), as_of=date(2025, 3, 16))) == {}
    card = by_topic(_at.cards(_chart(RESPONDER), as_of=date(2025, 3, 17)))[OPTIMISE]
    assert card["summary"].startswith("Sertraline responding (PHQ-9 20 → 6), not in remission")
    assert "optimise sertraline within 50-200 mg/day" in card["summary"]


def _with_earlier_score(doc: Doc, day: str) -> Doc:
    """The chart with the 2025-02-17 PHQ-9 (items and total) also taken on `day`."""
    entries = doc["prefetch"]["observations"]["entry"]
    copies = []
    for entry in entries:
        resource = entry["resource"]
        if resource.get("effectiveDateTime", "").startswith("2025-02-17"):
            extra = copy.deepcopy(entry)
            extra["resource"]["id"] = str(
                uuid.uuid5(uuid.NAMESPACE_URL, f"journey24/{resource['id']}/{day}")
            )
            extra["resource"]["effectiveDateTime"] = resource["effectiveDateTime"].replace(
                "2025-02-17", day
            )
            extra["resource"].pop("encounter", None)
            copies.append(extra)
    assert copies
    entries.extend(copies)
    return doc


def test_a_plateau_short_of_remission_gets_the_raise_before_eight_weeks() -> None:
    # PHQ-9 20 -> 6 on 2025-02-10 -> 6 on 2025-02-17: no longer improving, not in remission.
    doc = _with_earlier_score(_chart(RESPONDER), "2025-02-10")
    card = by_topic(_at.cards(doc, as_of=date(2025, 2, 17)))[OPTIMISE]
    assert "optimise sertraline within 50-200 mg/day" in card["summary"]


def test_optimise_responder_weeks_is_policy() -> None:
    short = dataclasses.replace(Policy(), optimise_responder_after_weeks=4.0)
    cards = _at.cards(_chart(RESPONDER), as_of=date(2025, 2, 17), policy=short)
    assert "optimise sertraline" in by_topic(cards)[OPTIMISE]["summary"]


def test_a_later_score_judges_a_drug_unscored_before_the_course_only_when_it_did_not_help() -> None:
    # No score of the drug's own before the course: a later one that shows no help even with
    # the course beside it is the drug's outcome too; a partial drop or more stays the course's.
    def phq9(value: int) -> Score:
        return Score(instrument="PHQ-9", value=value, date=date(2025, 5, 1))

    baseline = Score(instrument="PHQ-9", value=20, date=date(2025, 1, 1))
    assert unhelped(phq9(18), (), baseline, 5) == phq9(18)  # 10 %: no help with both
    assert unhelped(phq9(22), (), baseline, 5) == phq9(22)  # worse
    assert unhelped(phq9(15), (), baseline, 5) is None  # 25 %: partial band, the course's
    assert unhelped(phq9(4), (), baseline, 5) is None  # remission
    assert unhelped(phq9(18), (), None, 5) is None  # no baseline: nothing to judge
    assert unhelped(phq9(18), (phq9(9),), baseline, 5) is None  # a response during the course
