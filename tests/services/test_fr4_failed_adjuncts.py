"""Failed adjuncts and a complex patient's options (review 16 W5, W6, M4).

Charts (tests/services/review16_charts/, Epic / US Core shaped CDS Hooks requests):
- g03_complex_draft_aripiprazole_again (W5): order-select; aripiprazole 5 mg/day ran 13 weeks as
  an adjunct in this episode (2024-06-03 – 2024-09-02, PHQ-9 19 -> 19) and is drafted again at
  5 mg/day. No card before; a re-drafted failed antidepressant gets the repeat card.
- g01_complex_4_failed_ect_refused_tms_done (W6): patient-view; sertraline, venlafaxine (with
  bupropion 300 then aripiprazole 5 added, 13 weeks each), mirtazapine failed; TMS done; an ECT
  Procedure `not-done` with statusReason SNOMED 183944003 "Patient declined ECT". The card's one
  click was brexpiprazole with nothing said of the failed aripiprazole (same mechanism), the
  switch list offered bupropion bare, and ECT was offered with nothing said of the refusal.
- d04_reported_request_reportedboolean (M4): a reported MedicationRequest of sertraline with no
  dose and no dates: the summary said "sertraline 0 wk". d03_reported_only_tried_zoloft, the
  same with dates, says "sertraline dose not recorded" (control).
"""

from __future__ import annotations

import csv
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping import procedure_refusals
from services import adjunct_mechanisms, cards
from services.policy import Policy
from services.recommendation import Indicator, Recommendation
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent / "review16_charts"
Doc = dict[str, Any]
REPEATS = "order-repeats-failed-trial"
OPTIMIZE = "optimize-switch-augment"
ADHERENCE = "adherence-review"
G01 = "g01_complex_4_failed_ect_refused_tms_done"
G03 = "g03_complex_draft_aripiprazole_again"

_chart = chart_files.loader(CHARTS)
_at = Evaluator(AS_OF)
_recs = _at.recommendations


def _by_topic(doc: Doc) -> dict[str, Recommendation]:
    return {r.topic: r for r in _recs(doc)}


def _draft_at(doc: Doc, mg: int) -> Doc:
    """The chart's aripiprazole draft written at `mg` mg (one tablet of that strength a day)."""
    (entry,) = doc["context"]["draftOrders"]["entry"]
    draft = entry["resource"]
    draft["medicationCodeableConcept"]["text"] = f"aripiprazole {mg} MG Oral Tablet"
    draft["dosageInstruction"][0]["text"] = f"Take 1 tablet ({mg} mg) by mouth daily"
    return doc


def _ect_refusal(doc: Doc) -> Doc:
    return next(
        r
        for r in chart_files.prefetch_resources(doc)
        if r["resourceType"] == "Procedure" and r.get("status") == "not-done"
    )


# --- W5: an adjunct that failed in this episode, drafted again ---------------------------------


def test_a_failed_adjunct_drafted_again_gets_the_repeat_card_with_dose_weeks_and_range() -> None:
    card = _by_topic(_chart(G03)).get(REPEATS)
    assert card is not None  # before: {"cards": []}
    assert card.indicator is Indicator.WARNING
    assert card.summary.startswith("Aripiprazole 5 mg/day tried as an adjunct for 13 wk")
    assert "in this episode without response" in card.summary
    assert "higher dose (up to 10 mg/day) or another strategy" in card.summary
    assert len(card.summary) <= cards.SUMMARY_MAX
    assert "2024-06-03 – 2024-09-02" in card.detail
    assert "ended without response" in card.detail


def test_a_lower_dose_of_the_failed_adjunct_is_still_said() -> None:
    card = _by_topic(_draft_at(_chart(G03), 2)).get(REPEATS)
    assert card is not None and "Aripiprazole 5 mg/day tried as an adjunct" in card.summary


def test_a_higher_dose_of_the_failed_adjunct_is_the_way_on_the_card_names_and_gets_none() -> None:
    assert REPEATS not in _by_topic(_draft_at(_chart(G03), 10))


# --- W6: the complex patient's optimise card -------------------------------------------------


def test_brexpiprazole_after_failed_aripiprazole_is_labelled_same_mechanism() -> None:
    card = _by_topic(_chart(G01))[OPTIMIZE]
    assert (
        "brexpiprazole 0.5-2 mg/day (a D2 partial agonist like aripiprazole, which failed at "
        "5 mg/day for 13 wk in this episode)" in card.detail
    )
    (click,) = [s for s in card.suggestions if "brexpiprazole" in s.label]
    assert click.label == (
        "Propose adjunctive brexpiprazole 0.5 mg/day (CANMAT first line; same mechanism as "
        "aripiprazole, failed 13 wk)"
    )
    assert click.actions[0].resource is not None
    (note,) = click.actions[0].resource["note"]
    assert "Brexpiprazole is a D2 partial agonist like aripiprazole" in note["text"]


def test_bupropion_in_the_switch_list_names_its_failed_adjunct_course() -> None:
    detail = _by_topic(_chart(G01))[OPTIMIZE].detail
    switch = detail[detail.index("**Switch:**") :].split("\n\n")[0]
    assert (
        "NDRI: bupropion (tried as adjunct 300 mg/day for 13 wk, 2024-03-04 – 2024-06-03, "
        "no remission)" in switch
    )


def test_the_ect_refusal_is_said_on_the_ect_line_and_ect_still_scores_zero() -> None:
    detail = _by_topic(_chart(G01))[OPTIMIZE].detail
    assert (
        'ECT (declined, "Patient declined ECT", recorded 2025-02-03: revisit with the patient; '
        "65-75 % response" in detail
    )
    assert "ECT 0 (not used)" in detail  # a refusal is no ECT session (Maudsley)


def test_a_not_done_ect_without_a_refusal_reason_is_not_a_refusal() -> None:
    doc = _chart(G01)
    _ect_refusal(doc)["statusReason"] = {
        "coding": [
            {
                "system": "http://snomed.info/sct",
                "code": "183932001",
                "display": "Procedure contraindicated (situation)",
            }
        ]
    }
    detail = _by_topic(doc)[OPTIMIZE].detail
    assert "declined" not in detail
    assert "ECT (65-75 % response" in detail


def test_a_coded_refusal_without_text_is_read() -> None:
    doc = _chart(G01)
    refusal = _ect_refusal(doc)
    refusal["statusReason"] = {
        "coding": [{"system": "http://snomed.info/sct", "code": "183944003"}]
    }
    assert procedure_refusals.refusal_reason(refusal) == "refused"
    detail = _by_topic(doc)[OPTIMIZE].detail
    assert "ECT (declined, recorded 2025-02-03: revisit with the patient;" in detail


def test_a_refusal_dated_after_as_of_is_not_read() -> None:
    doc = _chart(G01)
    _ect_refusal(doc)["performedDateTime"] = "2025-07-01"
    assert "declined" not in _by_topic(doc)[OPTIMIZE].detail


# --- M4: no dose and no dates ------------------------------------------------------------------


def test_no_dose_and_no_dates_is_said_as_not_recorded_not_zero_weeks() -> None:
    card = _by_topic(_chart("d04_reported_request_reportedboolean"))[ADHERENCE]
    # A reported order dated only by its entry day: no start on record either (recheck 2 of
    # review 16, W2).
    assert card.summary.startswith("1 trial not adequate (sertraline dose and dates not recorded)")
    assert "0 wk" not in card.summary


def test_no_dose_with_dates_keeps_its_wording() -> None:
    card = _by_topic(_chart("d03_reported_only_tried_zoloft"))[ADHERENCE]
    assert card.summary.startswith("1 trial not adequate (sertraline dose not recorded)")


# --- the data tables ---------------------------------------------------------------------------


def test_the_mechanism_and_refusal_tables_name_a_source_and_status_per_row() -> None:
    for package, name in (
        ("services", "data/adjunct_mechanisms.csv"),
        ("fhir_mapping", "data/procedure_refusal_reasons.csv"),
    ):
        text = resources.files(package).joinpath(name).read_text("utf-8")
        rows = list(csv.DictReader(text.splitlines()))
        assert rows
        for row in rows:
            assert row["source"].strip(), row
            assert row["status"] in {"confirmed", "corroborated", "UNVERIFIED"}, row
    assert adjunct_mechanisms.shares_mechanism("brexpiprazole", "aripiprazole")
    assert not adjunct_mechanisms.shares_mechanism("lithium", "aripiprazole")
    assert not adjunct_mechanisms.shares_mechanism("aripiprazole", "aripiprazole")


@pytest.mark.real_drug_table
def test_the_tms_course_card_says_the_ect_refusal_too() -> None:
    """The TMS-course card lists the options beyond medication when a course has no response by
    week 6; a declined ECT is said there as on the optimise card (the two cards share a screen)."""
    from fhir_mapping.build import build_record
    from services.patient_view import patient_view
    from tests.fixtures import builders as b
    from tests.fixtures import scenarios
    from tests.services.helpers import tms_sessions, weekdays

    s = scenarios.trd_meets_tms()
    refusal = dict(_ect_refusal(_chart(G01)))
    refusal["subject"] = {"reference": f"Patient/{s.patient_id}"}
    sessions = tms_sessions(weekdays(date(2025, 4, 21), date(2025, 5, 30)), s.patient_id)
    scores = [*b.phq9(date(2025, 4, 18), 20, 0, patient=s.patient_id)]
    scores += b.phq9(date(2025, 5, 29), 16, 0, patient=s.patient_id)
    record = build_record(
        [*s.resources, refusal, *sessions, *scores],
        as_of=s.as_of,
        patient_id=s.patient_id,
        policy=Policy().mapping,
    )
    (card,) = [r for r in patient_view(record, Policy()) if r.topic == "tms-course"]
    assert card.summary.endswith("no response by week 6: review the course")
    assert 'ECT (declined, "Patient declined ECT", recorded 2025-02-03: revisit' in (
        card.detail or ""
    )
