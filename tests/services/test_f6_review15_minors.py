"""Review 15 minor findings: what the service read wrongly or dropped without saying so.

- M2 (e05): a MedicationStatement whose period ends before it starts (start 2025-03-01, end
  2024-09-01) was read as a sertraline course of 0 weeks ("1 trial not adequate"); it is named
  as unreadable, with both dates, and is no course.
- M3 (e06): a PHQ-9 dated 2025-07-01 and a sertraline order authored 2025-08-01, read on
  2025-06-02, were dropped in silence; they are still not read (the May PHQ-9 with item 9 = 1
  stays the latest) but are named, with their dates.
- M5 (a12): Symbyax drafted while plain fluoxetine 40 runs: the repeat card said fluoxetine
  "ended 2025-06-02" (the as-of date, the running course's open end); it says "running since"
  (tested the other way round, plain fluoxetine over a running Symbyax: Symbyax over fluoxetine
  now gets no repeat card, being an augmentation of it).
- M7 (f06): a TMS referral revoked in Nov 2024 (note: patient declined, travel) was not read;
  the TMS card names it.
- M4 (h02): a medicationRequests searchset holding an OperationOutcome of severity warning and
  code `incomplete` ("results truncated") was ignored; the medication data is incomplete and the
  cards say so.

Charts: review 15's CDS Hooks requests (US Core / Epic-shaped prefetch: ICD-10-CM problem-list
Conditions, RxNorm MedicationRequests, MedicationStatements and MedicationDispenses, LOINC PHQ-9
Observations, a CPT 90867 ServiceRequest), copied to tests/services/review15_charts/; the controls
edit them in place.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.fhir_data.outcome_issues import issue_codes
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent / "review15_charts"
ADHERENCE = "adherence-review"
OPTIMISE = "optimize-switch-augment"
SUICIDE = "suicide-risk"
REPEATS = "order-repeats-failed-trial"
SHARED = "order-dose-above-range"
TMS = "tms-referral"
Doc = dict[str, Any]

_load = chart_files.loader(CHARTS)


def _chart(name: str) -> Doc:
    """The chart as review 15 sent it, with the `labsSI` key the discovery added later (review
    17 W3) sent as an empty searchset: the chart has no SI-unit lab."""
    doc = _load(name)
    doc["prefetch"].setdefault("labsSI", {"resourceType": "Bundle", "type": "searchset"})
    return doc


_resources = chart_files.prefetch_resources
_at = Evaluator(AS_OF)
_evaluate = _at.result
_cards = _at.by_topic


def _text(cards: dict[str, Doc]) -> str:
    return "\n".join(f"{c['summary']}\n{c.get('detail', '')}" for c in cards.values())


def _one(doc: Doc, kind: str, keep: Any = lambda r: True) -> Doc:
    (found,) = [r for r in _resources(doc) if r["resourceType"] == kind and keep(r)]
    return found


# --- M2: a statement whose period ends before it starts ----------------------------------------


def test_a_period_ending_before_it_starts_is_named_not_a_trial_of_0_weeks() -> None:
    doc = _chart("e05_period_end_before_start")
    statement = _one(doc, "MedicationStatement")
    period = statement["effectivePeriod"]
    assert (period["start"][:10], period["end"][:10]) == ("2025-03-01", "2024-09-01")
    result = _evaluate(doc)
    assert [t.ingredient for t in result.evaluation.record.trials] == ["escitalopram"]
    cards = _cards(doc)
    text = _text(cards)
    assert "sertraline 0 wk" not in text and ADHERENCE not in cards
    line = (
        "1 medication record could not be read (period ends before it starts): "
        "the statement (start 2025-03-01, end 2024-09-01)"
    )
    assert line in cards[OPTIMISE]["detail"]


def test_a_period_in_order_is_still_a_course() -> None:
    # Control: the same statement with its dates the right way round is read as a course.
    doc = _chart("e05_period_end_before_start")
    _one(doc, "MedicationStatement")["effectivePeriod"] = {
        "start": "2024-09-01",
        "end": "2025-03-01",
    }
    record = _evaluate(doc).evaluation.record
    assert {t.ingredient for t in record.trials} == {"escitalopram", "sertraline"}
    assert not record.gaps


def test_partial_dates_that_may_overlap_are_not_reversed() -> None:
    # "2025" to "2025-01-15": the start may be 1 January, before the end: not unreadable.
    doc = _chart("e05_period_end_before_start")
    _one(doc, "MedicationStatement")["effectivePeriod"] = {"start": "2025", "end": "2025-01-15"}
    record = _evaluate(doc).evaluation.record
    assert "sertraline" in {t.ingredient for t in record.trials}
    assert not record.gaps


# --- M3: records dated after today -------------------------------------------------------------


def test_future_dated_records_are_named_and_not_read() -> None:
    doc = _chart("e06_future_phq9_and_order")
    order = _one(doc, "MedicationRequest", lambda r: r.get("authoredOn", "") >= "2025-08")
    future_scores = sorted(
        r["id"]
        for r in _resources(doc)
        if r["resourceType"] == "Observation" and r.get("effectiveDateTime", "") >= "2025-07"
    )
    assert future_scores
    result = _evaluate(doc)
    record = result.evaluation.record
    # The safe reading stays: the May PHQ-9 (item 9 = 1) is the latest, the order no course.
    latest = record.latest_phq9()
    assert latest is not None and (latest.value, latest.item9) == (18, 1)
    assert not any(s.id == order["id"] for t in record.trials for s in t.sources)
    cards = _cards(doc)
    assert SUICIDE in cards
    detail = cards[OPTIMISE]["detail"]
    assert (
        "1 medication record could not be read (dated after today): the order (dated 2025-08-01)"
    ) in detail
    scores_line = next(line for line in detail.splitlines() if "rating-scale result" in line)
    assert "(dated after today)" in scores_line
    for rid in future_scores:
        assert f"Observation/{rid} (dated 2025-07-01)" in scores_line


def test_the_same_records_dated_today_are_read() -> None:
    # Control: nothing is named when no record is dated after as-of.
    doc = _chart("e06_future_phq9_and_order")
    for resource in _resources(doc):
        for field in ("authoredOn", "effectiveDateTime", "issued"):
            value = resource.get(field)
            if isinstance(value, str) and value[:10] > AS_OF.isoformat():
                resource[field] = AS_OF.isoformat()
    record = _evaluate(doc).evaluation.record
    assert not [g for g in record.gaps if g.reason == "dated after today"]


# --- M5: a failed course still running is not "ended" --------------------------------------------


def test_the_repeat_card_says_a_running_failed_course_is_running() -> None:
    # a12 the other way round: plain fluoxetine drafted while the failed Symbyax runs. (Symbyax
    # drafted over the running fluoxetine, a12 itself, adds olanzapine to it: an augmentation,
    # no repeat card at all: test_f8_order_data_quality_symbyax.py.)
    doc = _chart("a12_symbyax_draft_fluoxetine_running")
    draft = doc["context"]["draftOrders"]["entry"][0]["resource"]
    running = _one(doc, "MedicationRequest")
    symbyax = draft["medicationCodeableConcept"]
    draft["medicationCodeableConcept"] = running["medicationCodeableConcept"]
    for resource in _resources(doc):
        if "medicationCodeableConcept" in resource:
            resource["medicationCodeableConcept"] = symbyax
    cards = _cards(doc)
    assert SHARED in cards  # the duplicate-fluoxetine card, as before
    summary = cards[REPEATS]["summary"]
    assert "running since 2024-12-02" in summary, summary
    assert "ended" not in summary


# --- M7: a revoked TMS referral --------------------------------------------------------------------


def test_the_tms_card_names_a_revoked_tms_referral() -> None:
    doc = _chart("f06_tms_servicerequest_completed_no_sessions")
    request = _one(doc, "ServiceRequest")
    assert request["status"] == "revoked"
    detail = _cards(doc)[TMS]["detail"]
    assert (
        "**Earlier TMS referral:** a TMS referral on 2024-11-04 was revoked, cancelled before "
        "treatment: ask why"
    ) in detail
    assert f"ServiceRequest/{request['id']}" not in detail  # by its day (session 21)


def test_without_the_revoked_referral_the_tms_card_names_none() -> None:
    # Control: the line comes from the referral alone; an entered-in-error one never happened.
    doc = _chart("f06_tms_servicerequest_completed_no_sessions")
    _one(doc, "ServiceRequest")["status"] = "entered-in-error"
    cards = _cards(doc)
    assert TMS in cards
    assert "Earlier TMS referral" not in cards[TMS]["detail"]


# --- M4: a search Bundle saying its results are incomplete ---------------------------------------


def _outcome_issue(doc: Doc) -> Doc:
    issue: Doc = _one(doc, "OperationOutcome")["issue"][0]
    return issue


INCOMPLETE_LINE = "Medications may be incomplete: the server said its answer is incomplete"


def test_a_warning_incomplete_outcome_makes_the_medications_incomplete() -> None:
    doc = _chart("h02_medreq_bundle_outcome_warning_truncated")
    assert (_outcome_issue(doc)["severity"], _outcome_issue(doc)["code"]) == (
        "warning",
        "incomplete",
    )
    cards = _cards(doc)
    assert INCOMPLETE_LINE in cards[OPTIMISE]["detail"]
    # Listed once per screen (audit 15 W3): the TMS card points to the optimise card's list.
    assert "listed on the Optimise, switch or augment card." in cards[TMS]["detail"]
    # Only the issue code is said, never the outcome's free text.
    assert "truncated" not in _text(cards)


@pytest.mark.parametrize(
    ("severity", "code"), [("information", "too-costly"), ("warning", "throttled")]
)
def test_too_costly_and_throttled_say_so_too(severity: str, code: str) -> None:
    doc = _chart("h02_medreq_bundle_outcome_warning_truncated")
    _outcome_issue(doc).update(severity=severity, code=code)
    words = issue_codes()[code].words
    assert f"Medications may be incomplete: {words}" in _cards(doc)[OPTIMISE]["detail"]


def test_other_warnings_stay_ignored() -> None:
    doc = _chart("h02_medreq_bundle_outcome_warning_truncated")
    _outcome_issue(doc)["code"] = "processing"
    assert "may be incomplete" not in _text(_cards(doc))
