"""Review s24 RJ finding 6: a TMS course that responded, then a relapse, gets the TMS card again,
worded as a retreatment (services/tms_retreatment.py).

Journey A (tests/services/journey24_charts/ven_relapse_after_tms.json): TMS 2025-08-25 -
2025-10-03, PHQ-9 16 -> 8 (50 % better), PHQ-9 16 on 2026-01-05. Before the fix the course and
its completed referral of 2025-08-04 read as "already referred" (open_referrals._tms_open), so
the retreatment LCD L37086 allows a responder who relapsed was only one line of the optimise
card. A referral written after the course (the retreatment's own) still counts as open.
"""

from __future__ import annotations

import copy
import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services.policy import Policy
from services.rules import tms_referral
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic
from tests.services.test_tms_outcome24 import TWENTY, _with_relapse
from tests.services.test_tms_outcome24 import _chart as _outcome_chart

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
TMS = tms_referral.TOPIC
OPTIMISE = "optimize-switch-augment"
RELAPSE = date(2026, 1, 5)

_chart = chart_files.loader(Path(__file__).parent / "journey24_charts")
_at = Evaluator(RELAPSE)


def _relapse() -> Doc:
    return _chart("ven_relapse_after_tms")


def _tms_card(doc: Doc, **kw: Any) -> Doc | None:
    return by_topic(_at.cards(doc, **kw)).get(TMS)


def _with_referral(doc: Doc, status: str, authored: str) -> Doc:
    """The chart with its TMS referral copied as another, of `status`, written on `authored`."""
    doc = copy.deepcopy(doc)
    entries = doc["prefetch"]["serviceRequests"]["entry"]
    new = copy.deepcopy(entries[0])
    new["resource"]["id"] = "retreatment-referral-1"
    new["fullUrl"] = new["fullUrl"].rsplit("/", 1)[0] + "/retreatment-referral-1"
    new["resource"]["status"] = status
    new["resource"]["authoredOn"] = authored
    entries.append(new)
    return doc


def test_a_relapse_after_a_tms_response_gets_the_tms_card_as_a_retreatment() -> None:
    card = _tms_card(_relapse())
    assert card is not None, "the responder's relapse had no TMS card"
    # The item 9 = 1 never assessed is a step first (review s26 RK4 finding 1), said before
    # the retreatment; the payer's words yield to it (the criteria say them).
    assert card["summary"] == (
        "TMS responded 2025-08..10 (50 % better), relapsed: PHQ-9 16: assess suicide risk "
        "first, then consider TMS retreatment"
    )
    # The payer's retreatment criterion judges the earlier course on the same card: PHQ-9
    # 16 -> 8 is exactly 50 %, and L37086 asks more than 50 % (review s25 RT finding 1).
    assert (
        "**Met, to confirm** · Earlier TMS: TMS course 2025-08-25 - 2025-10-03 (30 sessions): "
        "PHQ-9 16 (2025-08-25) -> 8 (2025-10-06), 50 % better; relapse: PHQ-9 16 (2026-01-05); "
        "to confirm: a response of more than 50 % (exactly 50 % on the PHQ-9 here)"
    ) in card["detail"]


def test_the_retreatment_card_keeps_the_tms_cards_holds() -> None:
    # Item 9 = 1 never followed by an assessment: the card says so and the referral waits for
    # it, named, not one click, as for a first referral (review s26 RK4 finding 1: it was one
    # click, not marked recommended, beside "record an assessment before referring").
    card = _tms_card(_relapse())
    assert card is not None
    assert "See that card: assess suicide risk before referring." in card["detail"]
    assert "suggestions" not in card
    assert card["detail"].startswith(
        '**Not one click yet:** Refer for TMS evaluation; this card puts "assess suicide risk" '
        "first"
    )
    # A score older than the clinic's measurement interval holds the referral too.
    monthly = dataclasses.replace(Policy(), mbc_interval_days=30)
    held = _tms_card(_relapse(), as_of=date(2026, 2, 10), policy=monthly)
    assert held is not None
    assert "first, then consider TMS retreatment" in held["summary"], held["summary"]
    # ... and the referral waits for it: named, not one click (review s26 RN finding 6).
    assert "suggestions" not in held
    assert held["detail"].startswith("**Not one click yet:** Refer for TMS evaluation; ")


def test_the_best_score_after_the_course_is_its_response_and_a_later_rise_the_relapse() -> None:
    card = _tms_card(_with_relapse(_outcome_chart(TWENTY)), as_of=date(2025, 10, 27))
    assert card is not None
    assert card["summary"].startswith(
        "TMS responded 2025-08..09 (56 % better), relapsed: PHQ-9 15: assess suicide risk first, "
        "then consider TMS retreatment"
    )


def test_a_referral_written_after_the_course_is_already_open() -> None:
    assert _tms_card(_with_referral(_relapse(), "active", "2025-12-20T10:00:00-05:00")) is None


@pytest.mark.parametrize("status", ["completed", "active"])
def test_a_referral_older_than_the_course_is_that_courses(status: str) -> None:
    # The course's own referral, completed or left active by the EHR, is not a new one.
    doc = _with_referral(_relapse(), status, "2025-08-11T10:00:00-05:00")
    assert _tms_card(doc) is not None


def test_no_retreatment_while_the_response_holds() -> None:
    # PHQ-9 8 after the course (2025-10-06), no score since at or above the relapse threshold.
    assert _tms_card(_chart("ven_tms_just_ended_responding"), as_of=date(2025, 10, 20)) is None


def test_the_optimise_card_still_names_the_course() -> None:
    card = by_topic(_at.cards(_relapse()))[OPTIMISE]
    # With the rise since the course named (s25 FB item 2, tms_retreatment.rising).
    assert (
        "It responded; PHQ-9 rising since the course (8 -> 16 on 2026-01-05): a retreatment "
        "may be considered after relapse"
    ) in card["detail"]
