"""Review 17 W2, W4, M1, M4, M5, M9: how PHQ-9 results are read and how a course's outcome is
worded.

- c06 (W2): PHQ-9 18 (final, issued 10:05) and 8 (amended, issued 16:40) of one administration.
  The trial took the 18: "2 adequate trials failed" and a one-click TMS referral. The amended 8
  now stands (a 60 % response: neither card). Two finals of one administration that disagree
  are not resolved by `issued`: neither is used, and a data gap names both values.
- c01 (W4): venlafaxine 225, PHQ-9 20 -> 12 (40 %): "no response", and "Failed, not proposed:
  ... SNRI (venlafaxine)". Now "partial response (40 %)": the optimise card adds an adjunct to
  venlafaxine first (CANMAT 2023 para 190) and does not list it as failed; the course still
  counts toward treatment resistance (< 50 %), so the TMS card stays as it was.
- c02 (M1): 20 -> 9 (55 %), response without remission: still no card (decision pinned below).
- d04 (M4): a 44249-1 panel with hasMember items and no total: "no PHQ-9 total in 112 days" a
  week after the form. Now "a PHQ-9 on 2025-05-26 has no total: score it"; with all nine
  members read (d04b: the items 1-8 a FHIR server returns now that the prefetch asks for them)
  the total is their sum, 18, marked as summed.
- d02 (M5): item 9 as valueString "Several days" was "could not be read"; the LOINC answer list
  LL358-3 display is read (exact, case-insensitive): item 9 = 1, the critical card.
- f07 (M9): maprotiline with no dose row was "1 trial not adequate"; now "Adequacy not judged".

Charts: review 17's CDS Hooks requests (US Core / Epic-shaped prefetch), copied to
tests/services/review17_charts/; d04b is d04 with its eight item Observations in the prefetch.
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import OfflineResult
from fhir_mapping.explain import explain
from fhir_mapping.record import DataDomain
from fhir_mapping.score_corrections import CONFLICTING_TOTALS
from fhir_mapping.scores import read_scores
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent / "review17_charts"
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"
MBC = "measurement-based-care"
ADHERENCE = "adherence-review"
Doc = dict[str, Any]

_chart = chart_files.loader(CHARTS)
_at = Evaluator(AS_OF)
_run = _at.result


def _cards(result: OfflineResult) -> dict[str, Doc]:
    cards = result.response.to_json()["cards"]
    return {c["source"]["topic"]["code"]: c for c in cards}


def _trial(result: OfflineResult, ingredient: str) -> Any:
    return next(t for t in result.evaluation.record.trials if t.ingredient == ingredient)


def _observations(doc: Doc) -> list[Doc]:
    return [e["resource"] for e in doc["prefetch"]["observations"]["entry"]]


def _may19_totals(doc: Doc) -> list[Doc]:
    return [
        r
        for r in _observations(doc)
        if r["code"]["coding"][0]["code"] == "44261-6"
        and r["effectiveDateTime"].startswith("2025-05-19")
    ]


# --- W2: a same-day amended PHQ-9 ----------------------------------------------------------------


def test_an_amended_total_of_the_same_administration_supersedes_the_final_one() -> None:
    result = _run(_chart("c06_same_day_amended"))
    venlafaxine = _trial(result, "venlafaxine")
    # Before: on treatment 18 (the final), no response.
    assert venlafaxine.on_treatment.value == 8
    assert venlafaxine.response is True
    cards = _cards(result)
    assert OPTIMISE not in cards
    assert TMS not in cards
    # The superseded 18 is no score of the chart.
    may19 = [s for s in result.evaluation.record.scores if s.date == date(2025, 5, 19)]
    assert [(s.value, s.item9) for s in may19] == [(8, 0)]


def test_two_finals_of_one_administration_that_disagree_are_not_used_and_are_named() -> None:
    doc = _chart("c06_same_day_amended")
    for resource in _observations(doc):
        if resource["status"] == "amended":
            resource["status"] = "final"  # no correction: two finals, 18 and 8
    result = _run(doc)
    record = result.evaluation.record
    venlafaxine = _trial(result, "venlafaxine")
    # Neither 18 nor 8 judges the course: the later `issued` does not decide between finals.
    assert venlafaxine.on_treatment is None or venlafaxine.on_treatment.date != date(2025, 5, 19)
    gaps = [g for g in record.gaps_in(DataDomain.SCORES) if g.reason == CONFLICTING_TOTALS]
    assert len(gaps) == 1
    assert gaps[0].stated == "PHQ-9 totals 18 and 8 on 2025-05-19"
    # The item-9 answers stay (the suicide-risk rule sees them), on a total with no value.
    may19 = [s for s in record.scores if s.date == date(2025, 5, 19)]
    assert [(s.value, s.item9) for s in may19] == [(None, 0)]
    assert TMS not in _cards(result)


def test_of_two_amended_totals_the_one_issued_last_stands() -> None:
    doc = _chart("c06_same_day_amended")
    final, amended = sorted(_may19_totals(doc), key=lambda r: r["issued"])
    final["status"] = "amended"
    scores = read_scores(_observations(doc), as_of=AS_OF)
    assert [s.value for s in scores if s.date == date(2025, 5, 19)] == [
        amended["valueQuantity"]["value"]
    ]
    # Issued in the other order, the other stands.
    final["issued"], amended["issued"] = amended["issued"], final["issued"]
    scores = read_scores(_observations(doc), as_of=AS_OF)
    assert [s.value for s in scores if s.date == date(2025, 5, 19)] == [18]


def test_two_finals_with_no_issued_apart_stay_two_scores() -> None:
    """Nothing shows one administration filed twice (no `issued`): left as it was."""
    doc = _chart("c06_same_day_amended")
    for resource in _may19_totals(doc):
        resource["status"] = "final"
        del resource["issued"]
    scores = read_scores(_observations(doc), as_of=AS_OF)
    assert sorted(s.value for s in scores if s.date == date(2025, 5, 19)) == [8, 18]


def test_totals_of_one_day_at_different_times_are_two_administrations() -> None:
    doc = _chart("c06_same_day_amended")
    _final, amended = sorted(_may19_totals(doc), key=lambda r: r["issued"])
    amended["effectiveDateTime"] = "2025-05-19T15:30:00-05:00"
    scores = read_scores(_observations(doc), as_of=AS_OF)
    assert sorted(s.value for s in scores if s.date == date(2025, 5, 19)) == [8, 18]


# --- W4: a partial response ------------------------------------------------------------------------


def test_a_40_percent_drop_is_a_partial_response_and_the_adjunct_goes_to_it_first() -> None:
    result = _run(_chart("c01_partial_response_40pct"))
    text = explain(result.evaluation.record)
    assert "outcome: partial response (40 %), no remission" in text
    venlafaxine = _trial(result, "venlafaxine")
    assert venlafaxine.failed  # < 50 %: still counted for treatment resistance
    cards = _cards(result)
    optimise = cards[OPTIMISE]
    # Before: "2 adequate trials failed (sertraline, venlafaxine): augment (...) or switch class";
    # the count names the partial response as every card says it (audit 17 W3).
    assert optimise["summary"].startswith(
        "1 adequate trial failed (sertraline), 1 partial response (venlafaxine, 40 %): add an "
        "adjunct"
    )
    assert "or switch class" not in optimise["summary"]
    detail = optimise["detail"]
    # Before: "Failed, not proposed: SSRI (sertraline), SNRI (venlafaxine)."
    assert "Failed, not proposed: SSRI (sertraline)." in detail
    assert "SNRI (venlafaxine)" not in detail
    assert "Partial response on venlafaxine (40 % drop)" in detail
    assert "para 190" in detail
    # The augment section still comes before the switch section.
    assert detail.index("**Augment:**") < detail.index("**Switch:**")
    assert TMS in cards  # still two failed trials for the TRD count (< 50 %)


def test_a_drop_below_25_percent_stays_no_response() -> None:
    doc = _chart("c01_partial_response_40pct")
    for resource in _observations(doc):
        if resource["effectiveDateTime"].startswith("2025-05-19") and "valueQuantity" in resource:
            resource["valueQuantity"]["value"] = 16  # 20 -> 16: 20 %
    result = _run(doc)
    assert "outcome: no response, no remission" in explain(result.evaluation.record)
    optimise = _cards(result)[OPTIMISE]
    assert "partial" not in optimise["summary"]
    assert "SNRI (venlafaxine)" in optimise["detail"]


# --- M1: response without remission --------------------------------------------------------------


def test_response_without_remission_gets_no_card() -> None:
    """Decision (review 17 M1), kept as review 15 decided for a07b (18 -> 6, no card):
    venlafaxine 225 mg/day with PHQ-9 20 -> 9 is a response on an adequate dose, with 10
    psychotherapy sessions on record. CANMAT 2023 aims at remission and meets residual symptoms
    by optimising the dose and adding psychological treatment (Figure 7.1, paras 185-187), which
    the clinician sees from the score at the visit; a card on every responder in the 5-9 band
    would fire at most follow-up visits of treated patients and say nothing new (noise). The
    outcome is said where the clinician looks for it: --explain and the timeline."""
    result = _run(_chart("c02_response_55pct_not_remission"))
    assert _cards(result) == {}
    assert "outcome: response, no remission" in explain(result.evaluation.record)


# --- M4: a PHQ-9 panel with its items and no total -----------------------------------------------


def test_a_panel_whose_items_were_not_all_read_is_named_not_called_missing() -> None:
    cards = _cards(_run(_chart("d04_panel_hasmember_items_only")))
    summary = cards[MBC]["summary"]
    # Before: "On venlafaxine since 2025-02-10; no PHQ-9 total in 112 days: repeat the PHQ-9 ..."
    assert "the PHQ-9 of 2025-05-26 has no total" in summary
    assert "score it" in summary
    assert "112 days" not in summary
    assert cards["suicide-risk"]["indicator"] == "critical"


def test_a_panel_with_all_nine_member_items_is_scored_as_their_sum() -> None:
    result = _run(_chart("d04b_panel_hasmember_all_items"))
    record = result.evaluation.record
    (may26,) = [s for s in record.scores if s.date == date(2025, 5, 26)]
    assert (may26.value, may26.item9, may26.total_computed) == (18, 2, True)
    assert "18 (summed from its items) on 2025-05-26, item 9 = 2" in explain(record)
    assert _trial(result, "venlafaxine").on_treatment.value == 18
    assert MBC not in _cards(result)


def test_a_panel_with_eight_of_nine_member_items_is_not_summed() -> None:
    doc = _chart("d04b_panel_hasmember_all_items")
    entries = doc["prefetch"]["observations"]["entry"]
    doc["prefetch"]["observations"]["entry"] = [
        e for e in entries if e["resource"]["code"]["coding"][0]["code"] != "44253-3"
    ]
    scores = read_scores(_observations(doc), as_of=AS_OF)
    (may26,) = [s for s in scores if s.date == date(2025, 5, 26)]
    assert (may26.value, may26.item9) == (None, 2)


def test_a_panel_with_nine_item_components_and_no_total_is_scored() -> None:
    doc = _chart("d04b_panel_hasmember_all_items")
    members = {
        e["resource"]["id"]: e["resource"]
        for e in doc["prefetch"]["observations"]["entry"]
        if e["resource"]["effectiveDateTime"].startswith("2025-05-26")
    }
    (panel,) = [r for r in members.values() if "hasMember" in r]
    flat = copy.deepcopy(panel)
    del flat["hasMember"]
    flat["component"] = [
        {
            "code": members[m["reference"].split("/")[1]]["code"],
            "valueCodeableConcept": members[m["reference"].split("/")[1]]["valueCodeableConcept"],
        }
        for m in panel["hasMember"]
    ]
    (score,) = read_scores([flat], as_of=AS_OF)
    assert (score.value, score.item9, score.total_computed) == (18, 2, True)


# --- M5: item 9 as the answer list's text -------------------------------------------------------


def _item9(doc: Doc) -> Doc:
    return next(
        r
        for r in _observations(doc)
        if r["code"]["coding"][0]["code"] == "44260-8"
        and r["effectiveDateTime"].startswith("2025-05-26")
    )


@pytest.mark.parametrize("text", ["Several days", "several days", "  SEVERAL   days "])
def test_item9_as_the_loinc_answer_text_is_read(text: str) -> None:
    doc = _chart("d02_item9_value_string")
    _item9(doc)["valueString"] = text
    result = _run(doc)
    card = _cards(result)["suicide-risk"]
    # Before: a warning, "PHQ-9 item 9 answer on 2025-05-26 could not be read".
    assert card["indicator"] == "critical"
    assert "item 9 = 1 (several days)" in card["summary"]


@pytest.mark.parametrize("text", ["Several day", "sometimes", "Several days!"])
def test_item9_text_that_is_not_an_exact_answer_stays_unread(text: str) -> None:
    doc = _chart("d02_item9_value_string")
    _item9(doc)["valueString"] = text
    card = _cards(_run(doc))["suicide-risk"]
    assert "could not be read" in card["summary"]


def test_answer_text_is_never_read_as_a_total() -> None:
    doc = _chart("d02_item9_value_string")
    total = next(
        r
        for r in _observations(doc)
        if r["code"]["coding"][0]["code"] == "44261-6"
        and r["effectiveDateTime"].startswith("2025-05-26")
    )
    del total["valueQuantity"]
    total["valueString"] = "Nearly every day"
    scores = read_scores([total], as_of=AS_OF)
    assert all(s.value is None for s in scores)


# --- M9: no dose range on file -------------------------------------------------------------------


def test_a_drug_with_no_dose_range_is_adequacy_not_judged() -> None:
    card = _cards(_run(_chart("f07_maprotiline_no_adequacy_row")))[ADHERENCE]
    # Before: "1 trial not adequate (maprotiline no verified minimum dose): review dose ..."
    assert card["summary"].startswith(
        "Adequacy not judged for 1 trial (maprotiline: no dose range on file)"
    )
    assert "not adequate" not in card["summary"]
    assert "**Adequacy not judged:**" in card["detail"]
