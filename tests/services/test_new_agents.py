"""Cards for gepirone (Exxua), zuranolone (Zurzuvae) and a depression coded only in SNOMED CT
(review 10 findings 2 and 9; the mapping half is tests/fhir_mapping/test_new_agents.py).

Before:
- phenelzine drafted while Exxua ran: NO CARDS (gepirone was in no table, so the MAOI check never
  saw it); Exxua drafted a week after phenelzine stopped: no card either;
- sertraline failed, then 26 weeks of Exxua with PHQ-9 21: "1 adequate trial failed (sertraline)",
  adjuncts proposed as if no antidepressant were running;
- a Zurzuvae course was in no trial table (absent from the history);
- the TRD chart with its only diagnosis SNOMED 310497006 "Severe depression": no TMS card.

Charts are FHIR R4 as EHRs send them (tests/fixtures/builders.py, free-text medication lists as
on the review charts), mapped by build_record with the real drug table.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import Verdict
from services import trial_table
from services.order_hooks import order_hook
from services.policy import Policy
from services.recommendation import Indicator
from tests.fhir_mapping.ccda_resources import OID
from tests.fixtures import builders as fb
from tests.fixtures.scenarios import scenario
from tests.services.test_order_safety import (
    PHENELZINE_15,
    SERTRALINE_100,
    P,
    at_order,
    chart,
    depressed,
    drafted,
    on_chart,
    taking,
)
from tests.services.test_vendor_codes import _evaluate, _topics, _with_mdd_coded

pytestmark = pytest.mark.real_drug_table

Resource = dict[str, Any]
EXXUA_18 = (None, "EXXUA 18.2 MG 24 HR Extended Release Oral Tablet")


def exxua_listed(start: date = date(2024, 12, 2)) -> Resource:
    """The review chart's statement: the drug by text only, the dose in the product text."""
    return fb.medication_statement(
        None,
        "Exxua (gepirone) 36.3 mg extended-release tablet",
        start,
        text="36.3 mg by mouth daily with food",
        patient=P,
        date_asserted=date(2025, 5, 19),
        id="ms-gep",
    )


# --- gepirone meets an MAOI (finding 2) ------------------------------------------------------------


@pytest.mark.parametrize("hook", ["order-select", "order-sign"])
def test_phenelzine_ordered_while_exxua_runs_is_a_critical_card(hook: str) -> None:
    record = chart(*depressed(), exxua_listed(), drafts=(drafted(PHENELZINE_15, per_day=3),))
    recs = order_hook(record, Policy(), hook=hook)
    first = recs[0]
    assert first.topic == "order-maoi-interaction"
    assert first.indicator is Indicator.CRITICAL and first.snoozable is False
    assert first.summary == (
        "Phenelzine (MAOI) ordered while gepirone is running: stop gepirone at least 14 days first"
    )
    assert "gepirone is running (since 2024-12-02)" in first.detail
    assert "Exxua label 4" in first.detail


def test_exxua_ordered_a_week_after_phenelzine_stopped_waits_14_days() -> None:
    record = chart(
        *depressed(),
        taking(PHENELZINE_15, date(2025, 1, 6), per_day=3, stopped=date(2025, 5, 26), rid="mr-ph"),
        drafts=(drafted(EXXUA_18),),
    )
    rec = at_order(record, "order-sign")["order-maoi-interaction"]
    assert rec.indicator is Indicator.CRITICAL
    assert rec.summary == (
        "Gepirone ordered 7 days after phenelzine (MAOI) stopped: not before 2025-06-09 "
        "(14-day washout)"
    )


def test_an_exxua_draft_above_the_label_maximum_cites_the_label_not_canmat() -> None:
    record = chart(*depressed(), drafts=(drafted(EXXUA_18, tablets=5),))
    rec = at_order(record)["order-dose-above-range"]
    assert rec.summary == "Gepirone 91 mg/day is above the usual maximum of 72.6 mg/day"
    assert "labelled range (18.2-72.6 mg/day" in rec.detail
    assert "CANMAT" not in rec.detail


# --- gepirone counts as a trial (finding 2) --------------------------------------------------------


def test_a_failed_exxua_course_is_named_on_the_optimise_card() -> None:
    # Sertraline 100 mg failed (23 -> 21); Exxua 36.3 mg for 26 weeks, PHQ-9 still 21.
    record = chart(
        fb.phq9(date(2024, 6, 3), 23, item9=0, patient=P),
        taking(SERTRALINE_100, date(2024, 6, 3), stopped=date(2024, 9, 30), rid="mr-s"),
        fb.phq9(date(2024, 9, 30), 21, item9=0, patient=P),
        exxua_listed(),
        *depressed()[:1],
        fb.phq9(date(2025, 5, 19), 21, item9=0, patient=P),
    )
    optimise = on_chart(record)["optimize-switch-augment"]
    assert optimise.summary.startswith("2 adequate trials failed (sertraline, gepirone)")
    assert "5-HT1A agonist (gepirone)" in optimise.detail  # failed, not proposed again


# --- zuranolone is history, not a trial (finding 2) ------------------------------------------------


def test_a_zurzuvae_course_is_in_the_trial_table_and_never_called_inadequate() -> None:
    zurzuvae = fb.medication_request(
        None,
        "Zurzuvae (zuranolone) 25 mg capsule",
        date(2025, 4, 21),
        dose_value=50,
        dose_unit="mg",
        status="completed",
        text="Take 2 capsules (50 mg) by mouth in the evening with fat-containing food for 14 days",
        expected_supply_days=14,
        repeats=0,
        bounds_end=date(2025, 5, 4),
        patient=P,
        id="mr-zur",
    )
    postpartum = fb.condition(
        fb.ICD10CM,
        "F53.0",
        "Postpartum depression",
        date(2025, 4, 14),
        category="problem-list-item",
        patient=P,
        id="cond-ppd",
    )
    record = chart(
        postpartum,
        fb.phq9(date(2025, 4, 14), 22, item9=0, patient=P),
        zurzuvae,
        fb.phq9(date(2025, 5, 5), 14, item9=0, patient=P),
        birth=date(1995, 9, 9),
    )
    (course,) = [t for t in record.trials if t.ingredient == "zuranolone"]
    assert course.verdict is Verdict.NOT_A_TRIAL
    table = trial_table.trial_table(record.trials, MappingPolicy())
    (row,) = [line for line in table.splitlines() if line.startswith("| zuranolone")]
    assert "2025-04-21 – 2025-05-04" in row and "fixed 14-day course" in row
    cards = on_chart(record)
    # Never "1 trial not adequate (zuranolone 1.9 wk)" nor counted as a failure.
    assert "adherence-review" not in cards
    assert all("zuranolone" not in r.summary for r in cards.values())


# --- SNOMED-only depression (finding 9) ------------------------------------------------------------


@pytest.mark.parametrize("system", [fb.SNOMED, OID + "96"])
def test_the_trd_chart_coded_only_as_snomed_severe_depression_gets_its_tms_card(
    system: str,
) -> None:
    s = scenario("trd_meets_tms")
    resources = _with_mdd_coded(
        s, [{"system": system, "code": "310497006", "display": "Severe depression"}]
    )
    assert "tms-referral" in _topics(_evaluate(s, resources))
