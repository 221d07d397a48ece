"""Session 27, review RF findings 3 and 5: a PHQ-9 whose item 9 its own total contradicts, and a
completed form with item 9 left blank.

3. A total of 25 beside a filed item 9 = 0 gave no suicide-risk card and "Met · Severity: PHQ-9
   25". The other eight items score at most 24 (fhir_mapping/item9_floor.py), so the total or
   item 9 is wrong: `checked_item9` carries the least item 9 the filed total proves
   (`Score.item9_doubt`) and a `TotalConflict` ("item 9 = 0 allows at most 24"). The
   suicide-risk card is a warning ("check the form; if item 9 is above 0, assess suicide risk
   today"), no outcome rests on the total, and severity is "to confirm". A QuestionnaireResponse
   total of 27 with answers summing to 24 and item 9 = 0 kept its sum conflict and gained the
   item-9 warning (27 needs item 9 = 3).
5. A completed QuestionnaireResponse with items 1-8 answered (sum 1), no total and item 9 blank
   was a data-gap line only, and the TMS card said "PHQ-9 18" (an older total) as the current
   severity. It is now the incomplete PHQ-9 an Observation panel gives (scores.INCOMPLETE_PHQ9):
   the unanswered-item-9 warning asks item 9, and the TMS card calls the 18 out of date, naming
   the range (1-4) the newer answers allow. A low total with no item 9 (QR total 3, Observation
   total 4) stays quiet, as services/item9_unrecorded.py documents for a remitted chart; an item
   9 Observation with a dataAbsentReason is an answer on record that could not be read, and
   keeps its own warning.

Charts: tests/services/s27_item9_floor_charts/ (trd_meets_tms with one newer PHQ-9 on
2025-06-10, every prefetch key), evaluated on 2025-06-15.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.item9_floor import checked_item9, infer_item9
from fhir_mapping.record import Score, SourceRef, TotalConflict
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic

FOLDER = Path(__file__).parent / "s27_item9_floor_charts"
_chart = chart_files.loader(FOLDER)
_at = Evaluator(date(2025, 6, 15))
Doc = dict[str, Any]
DAY = date(2025, 6, 10)
ITEM9_ID = "f4035284-f3fd-5763-afa9-9f1b5723bc7a"  # total25_item9_0's item-9 Observation
TOTAL_ID = "30e3da7b-ec99-5073-8a87-bb148b340c7a"  # and its total


def _cards(doc: Doc) -> dict[str, Doc]:
    return by_topic(_at.cards(doc))


def _observation(doc: Doc, rid: str) -> Doc:
    return next(
        e["resource"]
        for e in doc["prefetch"]["observations"]["entry"]
        if e["resource"]["id"] == rid
    )


def _with(item9: int, total: int) -> Doc:
    """total25_item9_0 with other numbers (LOINC answer codes LA6568-5 ... LA6571-9)."""
    doc = _chart("total25_item9_0")
    answer = _observation(doc, ITEM9_ID)["valueCodeableConcept"]
    answer["coding"][0]["code"] = ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"][item9]
    answer["coding"][0].pop("display", None)
    answer.pop("text", None)
    _observation(doc, TOTAL_ID)["valueQuantity"]["value"] = total
    return doc


@pytest.mark.parametrize("name", sorted(p.stem for p in FOLDER.glob("*.json")))
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    chart_files.check_chart(_chart(name))


# --- finding 3: the rule ---------------------------------------------------------------------


def _score(value: int, item9: int | None, **kw: Any) -> Score:
    return Score("PHQ-9", value, DAY, item9, SourceRef("Observation", "t"), **kw)


def test_an_item9_below_what_the_total_proves_is_a_conflict() -> None:
    checked = checked_item9(_score(25, 0))
    assert checked.item9_doubt == 1
    assert checked.total_conflict == TotalConflict(25, 24, complete=False, item9=0)
    assert (checked.value, checked.item9, checked.item9_inferred) == (25, 0, False)
    assert checked_item9(_score(27, 1)).item9_doubt == 3
    # infer_item9, which both readers call, checks a recorded answer the same way.
    assert infer_item9(_score(26, 1)).item9_doubt == 2


@pytest.mark.parametrize(("value", "item9"), [(24, 0), (25, 1), (26, 2), (27, 3), (5, 0)])
def test_an_item9_the_total_allows_is_left_as_it_is(value: int, item9: int) -> None:
    score = _score(value, item9)
    assert checked_item9(score) is score


def test_an_inferred_item9_and_a_sum_conflict_are_kept() -> None:
    inferred = infer_item9(_score(26, None))
    assert (inferred.item9, inferred.item9_inferred, inferred.item9_doubt) == (2, True, None)
    # The filed total claims the answer, and the sum conflict already holds the total back.
    summed = _score(27, 0, total_conflict=TotalConflict(27, 24))
    checked = checked_item9(summed)
    assert checked.item9_doubt == 3
    assert checked.total_conflict == TotalConflict(27, 24)


# --- finding 3: the cards --------------------------------------------------------------------


def test_total25_beside_item9_0_raises_the_item9_warning_and_holds_severity() -> None:
    cards = _cards(_chart("total25_item9_0"))
    risk = cards["suicide-risk"]
    assert risk["indicator"] == "warning"
    assert risk["summary"] == (
        "PHQ-9 total 25 on 2025-06-10 needs item 9 >= 1, filed as 0: check the form; if item 9 "
        "is above 0, assess suicide risk today"
    )
    assert "could not be read" not in risk["detail"]
    assert "the other eight items score at most 24" in risk["detail"]
    optimise = cards["optimize-switch-augment"]
    assert (
        "PHQ-9 total filed 25, item 9 = 0 allows at most 24 on 2025-06-10" in (optimise["summary"])
    )
    assert "**PHQ-9 total and item 9 disagree:**" in optimise["detail"]
    assert "could not be read" not in optimise["detail"]
    tms = cards["tms-referral"]
    # Both readings named, never the higher alone (review s27 K3 finding 5).
    assert "PHQ-9 25 or 24: check item 9 and check the PHQ-9 form first" in tms["summary"]
    assert "- **Met, to confirm** · Severity: PHQ-9 25 on 2025-06-10" in tms["detail"]
    assert "an item 9 answer on record is below what its total needs" in tms["detail"]
    assert "could not be read" not in tms["detail"]


def test_qr_total27_items24_item9_0_keeps_its_sum_conflict_and_gains_the_warning() -> None:
    cards = _cards(_chart("qr_total27_items24_item9_0"))
    assert cards["suicide-risk"]["indicator"] == "warning"
    assert cards["suicide-risk"]["summary"].startswith(
        "PHQ-9 total 27 on 2025-06-10 needs item 9 >= 3, filed as 0: check the form"
    )
    assert (
        "PHQ-9 total filed 27, items sum to 24 on 2025-06-10"
        in (cards["optimize-switch-augment"]["summary"])
    )
    tms = cards["tms-referral"]
    assert "check item 9 and check the PHQ-9 form first" in tms["summary"]
    assert "**Met, to confirm** · Severity: PHQ-9 27" in tms["detail"]


def test_an_item9_that_fits_its_total_is_read_as_before() -> None:
    # 25 with item 9 = 1: a positive answer, the critical card (no TMS card while it is
    # acute); no form to check.
    cards = _cards(_with(1, 25))
    assert cards["suicide-risk"]["indicator"] == "critical"
    assert "tms-referral" not in cards
    assert "allows at most" not in cards["optimize-switch-augment"]["detail"]
    # 24 with item 9 = 0: the other eight items can make it up; no suicide-risk card.
    quiet = _cards(_with(0, 24))
    assert "suicide-risk" not in quiet
    assert "Met** · Severity: PHQ-9 24 on 2025-06-10" in quiet["tms-referral"]["detail"]


# --- finding 5 -------------------------------------------------------------------------------


def test_completed_qr_with_item9_blank_asks_item9_and_calls_the_older_total_out_of_date() -> None:
    cards = _cards(_chart("qr_completed_items1to8_sum1_no_item9"))
    asked = cards["phq9-item9-unanswered"]
    assert asked["indicator"] == "warning"
    assert asked["summary"].startswith("PHQ-9 on 2025-06-10: item 9 unanswered - ask it today")
    assert (
        "PHQ-9 on 2025-06-10 incomplete (item 9 unanswered; total 1-4 by the answers filed)"
    ) in asked["detail"]
    assert "ask PHQ-9 item 9 (unanswered) first" in cards["optimize-switch-augment"]["summary"]
    tms = cards["tms-referral"]
    assert "PHQ-9 18 of 2025-05-12 (newer form incomplete): ask item 9 first" in tms["summary"]
    assert (
        "The PHQ-9 of 2025-06-10 is incomplete (item 9 unanswered; total 1-4 by the answers "
        "filed), so PHQ-9 18 of 2025-05-12 is out of date: it is not the current severity."
    ) in tms["detail"]


@pytest.mark.parametrize("name", ["qr_total3_no_item9", "total4_no_item9"])
def test_a_low_total_without_item9_stays_quiet_as_documented(name: str) -> None:
    # services/item9_unrecorded.py (rules/item9_not_recorded.alone): a remitted chart gets no
    # item-9 card for a total filed without item 9; the next PHQ-9 asks it again.
    assert _cards(_chart(name)) == {}


def test_an_item9_observation_with_a_data_absent_reason_keeps_its_warning() -> None:
    risk = _cards(_chart("total6_item9_declined"))["suicide-risk"]
    assert risk["indicator"] == "warning"
    # Worded as declined since gap64 (review K59b finding 7): still the warning.
    assert risk["summary"].startswith("PHQ-9 item 9 on 2025-06-10 declined")
