"""A preliminary or cancelled PHQ-9 with a positive item 9 never vanishes (review 14 U1, M9).

A PHQ-9 Observation filed `preliminary` (FHIR: "data may be incomplete or unverified"; a portal
form before a clinician reviews it) or `cancelled` (not completed) used to be dropped whole by
fhir_mapping/scores.py, item 9 included, while a preliminary C-SSRS "yes" and an in-progress
QuestionnaireResponse's item 9 were read. Now (data/result_statuses.csv, one table for all three):

- a positive item 9 of either raises the suicide-risk card, which names the status;
- a preliminary total decides no outcome, baseline or TMS severity, but the measurement card no
  longer says "no PHQ-9 total in N days" a week after one was filed: it names it;
- a cancelled PHQ-9 with item 9 = 0 is named on --explain only;
- entered-in-error stays ignored.

Charts: the hand-written scenarios, with PHQ-9s shaped as US Core survey Observations (a 44249-1
panel of LOINC answers with hasMember to the total; or a standalone total and item 9), as EHR
portals file them (tests/fixtures/builders.py; ../shared/fhir/vendor/README.md trap 8).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fhir_mapping import questionnaires, result_statuses, scores, suicide_screen_reader
from fhir_mapping.build import build_record
from fhir_mapping.explain import explain
from fhir_mapping.record import PatientRecord
from fhir_mapping.result_statuses import Reads
from services.recommendation import Indicator, Recommendation
from tests.fhir_mapping.fhir_resources import assert_valid
from tests.fhir_mapping.test_suicide_screen import THOUGHTS, WISH_DEAD, cssrs_panel
from tests.fixtures import builders as b
from tests.fixtures.scenarios import MDD_SINGLE_MODERATE, PSYCH_INTAKE, Chart, Scenario, scenario
from tests.services.test_suicide_risk_review import _cards

Resource = dict[str, Any]
AS_OF = date(2025, 6, 2)


def _record(s: Scenario, *extra: list[Resource]) -> PatientRecord:
    added = [r for group in extra for r in group]
    return build_record([*s.resources, *added], patient_id=s.patient_id, as_of=s.as_of, policy=None)


def _new_patient() -> Scenario:
    """r03d: new MDD on May 19 (PHQ-9 17, item 9 = 0, final); nothing else on the chart."""
    c = Chart(
        "prelim_new_patient",
        given="Ana",
        family="Reyes",
        gender="female",
        birth_date=date(1975, 3, 2),
    )
    intake = c.visit(date(2025, 5, 19), PSYCH_INTAKE, 60)
    c.diagnosis(MDD_SINGLE_MODERATE, date(2025, 5, 19), key="mdd", encounter=intake)
    c.phq9(date(2025, 5, 19), 17, 0, "integer", encounter=intake)
    return Scenario("prelim_new_patient", "r03d shape", c.as_of, c.pid, c.resources, {})


# --- the suicide-risk card ------------------------------------------------------------------------


def test_preliminary_portal_panel_with_item9_3_raises_the_critical_card_naming_it() -> None:
    s = _new_patient()
    assert "suicide-risk" not in _cards(s)
    yesterday = s.as_of - timedelta(days=1)
    portal = b.phq9(yesterday, 24, 3, "panel-answer", patient=s.patient_id, status="preliminary")
    assert_valid(portal)
    found = _cards(s, portal)
    card = found["suicide-risk"]
    assert card.indicator is Indicator.CRITICAL
    assert card.summary.startswith(
        "PHQ-9 (preliminary, not yet reviewed) item 9 = 3 (nearly every day)"
    )
    panel_id = next(r["id"] for r in portal if r["code"]["coding"][0]["code"] == "44249-1")
    assert f"total 24 on {yesterday.isoformat()}: not yet assessed" in card.detail
    # Named by its date, not by the panel's id (cards.record_cite, session 20).
    assert panel_id not in card.detail
    assert list(found)[0] == "suicide-risk"


def test_preliminary_standalone_item9_2_joins_its_preliminary_total_and_raises_the_card() -> None:
    s = scenario("trd_meets_tms")
    assert "suicide-risk" not in _cards(s)
    day = s.as_of - timedelta(days=2)
    phq9 = b.phq9(day, 21, 2, "integer", patient=s.patient_id, status="preliminary")
    found = _cards(s, phq9)
    assert found["suicide-risk"].indicator is Indicator.CRITICAL
    assert "preliminary, not yet reviewed" in found["suicide-risk"].summary
    assert "tms-referral" not in found  # acute: TMS is not the next step
    record = _record(s, phq9)
    (prelim,) = record.unfinished_scores
    assert (prelim.value, prelim.item9, prelim.status) == (21, 2, "preliminary")
    # Never a reviewed result: no trial outcome or latest total rests on it.
    assert all(x.date != day for x in record.scores)
    assert record.latest_phq9() == _record(s).latest_phq9()


def test_cancelled_phq9_with_item9_2_raises_the_card_naming_it_cancelled() -> None:
    s = scenario("trd_meets_tms")
    day = s.as_of - timedelta(days=3)
    phq9 = b.phq9(day, 20, 2, "integer", patient=s.patient_id, status="cancelled")
    assert_valid(phq9)
    card = _cards(s, phq9)["suicide-risk"]
    assert card.indicator is Indicator.CRITICAL
    assert card.summary.startswith("PHQ-9 (cancelled, not completed) item 9 = 2")


def test_cancelled_phq9_with_item9_0_is_named_on_explain_only() -> None:
    s = scenario("trd_meets_tms")
    day = s.as_of - timedelta(days=3)
    phq9 = b.phq9(day, 20, 0, "integer", patient=s.patient_id, status="cancelled")
    before = _cards(s)
    after = _cards(s, phq9)
    assert "suicide-risk" not in after
    assert {t: (r.summary, r.detail) for t, r in after.items()} == {
        t: (r.summary, r.detail) for t, r in before.items()
    }
    text = explain(_record(s, phq9))
    assert f"PHQ-9 (cancelled): 20 on {day.isoformat()}, item 9 = 0" in text


def test_entered_in_error_phq9_stays_ignored() -> None:
    s = scenario("trd_meets_tms")
    day = s.as_of - timedelta(days=3)
    phq9 = b.phq9(day, 24, 3, "panel-answer", patient=s.patient_id, status="entered-in-error")
    assert "suicide-risk" not in _cards(s, phq9)
    record = _record(s, phq9)
    assert record.unfinished_scores == ()
    assert "entered-in-error" not in explain(record)


def test_a_final_filing_of_the_same_day_replaces_the_preliminary_one() -> None:
    s = scenario("trd_meets_tms")
    day = s.as_of - timedelta(days=2)
    prelim = b.phq9(day, 21, 2, "integer", patient=s.patient_id, status="preliminary")
    final = b.phq9(day, 21, 2, "panel-answer", patient=s.patient_id)
    record = _record(s, prelim, final)
    assert record.unfinished_scores == ()
    card = _cards(s, prelim, final)["suicide-risk"]
    assert "preliminary" not in card.summary + card.detail
    # A final total without item 9 does not hide a preliminary positive answer.
    total_only = b.phq9(day, 21, patient=s.patient_id)
    assert len(_record(s, prelim, total_only).unfinished_scores) == 1


# --- the measurement card -------------------------------------------------------------------------


def test_preliminary_total_a_week_ago_is_named_instead_of_no_phq9_in_n_days() -> None:
    s = scenario("no_recent_phq9")
    before = _cards(s)["measurement-based-care"]
    assert "no PHQ-9 total in" in before.summary
    week_ago = s.as_of - timedelta(days=7)
    prelim = b.phq9(week_ago, 18, 0, "integer", patient=s.patient_id, status="preliminary")
    found = _cards(s, prelim)
    card: Recommendation = found["measurement-based-care"]
    assert "no PHQ-9 total in" not in card.summary
    assert f"latest PHQ-9 (preliminary, {week_ago.isoformat()}): 18" in card.summary
    assert "**Latest PHQ-9 not yet reviewed:**" in card.detail
    assert "suicide-risk" not in found  # item 9 = 0 is no signal
    # It judges nothing: the trial's on-treatment PHQ-9 is still the reviewed one.
    with_prelim, without = _record(s, prelim), _record(s)
    assert [t.on_treatment for t in with_prelim.trials] == [t.on_treatment for t in without.trials]
    assert with_prelim.latest_phq9() == without.latest_phq9()


def test_an_older_preliminary_total_is_named_beside_the_reviewed_gap() -> None:
    s = scenario("no_recent_phq9")
    old = s.as_of - timedelta(days=120)
    prelim = b.phq9(old, 12, patient=s.patient_id, status="preliminary")
    card = _cards(s, prelim)["measurement-based-care"]
    # Older than the interval too: still due, and the summary says what is on record.
    assert card.summary == (
        f"On sertraline; no reviewed PHQ-9 total in 238 days; latest PHQ-9 (preliminary, "
        f"{old.isoformat()}): 12, not yet reviewed: repeat the PHQ-9"
    )


def test_a_cancelled_total_is_not_named_by_the_measurement_card() -> None:
    s = scenario("no_recent_phq9")
    week_ago = s.as_of - timedelta(days=7)
    cancelled = b.phq9(week_ago, 18, 0, "integer", patient=s.patient_id, status="cancelled")
    card = _cards(s, cancelled)["measurement-based-care"]
    assert "no PHQ-9 total in" in card.summary


# --- one table for the three readers --------------------------------------------------------------


def test_the_three_readers_share_one_status_table() -> None:
    assert {"final", "amended", "corrected"} == scores._COUNTED
    assert suicide_screen_reader._FULL_OBSERVATION == scores._COUNTED
    assert questionnaires._FULL == suicide_screen_reader._FULL_RESPONSE == {"completed", "amended"}
    # The unfinished ones: one test, result_statuses.unfinished, in all three (review s27 RF 1:
    # a fixed set left out unknown, registered and any status no row names).
    readers = (scores, suicide_screen_reader, questionnaires)
    assert all(vars(m)["unfinished"] is result_statuses.unfinished for m in readers)
    part = result_statuses.statuses(result_statuses.OBSERVATION, Reads.INTERIM, Reads.ANSWERS)
    assert part == {"preliminary", "cancelled", "unknown", "registered"}
    responses = result_statuses.statuses(result_statuses.RESPONSE, Reads.INTERIM, Reads.ANSWERS)
    assert responses == {"in-progress", "stopped"}


def test_a_cancelled_cssrs_yes_is_read_like_a_cancelled_phq9_item9() -> None:
    s = scenario("trd_meets_tms")
    day = s.as_of - timedelta(days=1)
    screen = cssrs_panel(
        day, {WISH_DEAD: True, THOUGHTS: False}, patient=s.patient_id, status="cancelled"
    )
    assert_valid([screen])
    card = _cards(s, [screen])["suicide-risk"]
    assert card.indicator is Indicator.CRITICAL
    assert "form not completed" in card.summary + card.detail
