"""Children and young adults at the order (review 14 W4): an agent drafted below the age its label
approves it for depression from, and the FDA boxed warning on suicidality when an order starts
antidepressant treatment under 25 and no other card carries it.

Charts are FHIR R4 as US EHRs send them (the helpers of tests/services/test_order_safety.py: a
US Core Patient with birthDate, ICD-10-CM problem-list Conditions, PHQ-9 Observations, US Core
MedicationRequests with RxNorm clinical drugs, drafts with status "draft").
"""

from __future__ import annotations

from datetime import date

import pytest

from services import order_hooks
from services.order_hooks import order_hook
from services.policy import Policy, load_policy
from services.recommendation import Indicator, Recommendation
from tests.services.test_order_safety import (
    AS_OF,
    ESCITALOPRAM_10,
    FLUOXETINE_20,
    SERTRALINE_100,
    at_order,
    chart,
    depressed,
    drafted,
    taking,
)

pytestmark = pytest.mark.real_drug_table

HOOKS = ["order-select", "order-sign"]
SERTRALINE_50 = ("312941", "sertraline 50 MG Oral Tablet")
AGED_7 = date(2017, 9, 1)
AGED_11 = date(2013, 9, 1)
AGED_12 = date(2013, 1, 1)
AGED_14 = date(2010, 9, 1)
AGED_20 = date(2004, 9, 1)
AGED_30 = date(1995, 1, 1)
BOXED = "**Boxed warning"


def _all(recs: dict[str, Recommendation]) -> str:
    return "\n".join(r.summary + "\n" + r.detail for r in recs.values())


# --- below the age the label approves the drug from ---------------------------------------------


@pytest.mark.parametrize("hook", HOOKS)
def test_escitalopram_for_an_11_year_old_gets_a_warning_naming_fluoxetine(hook: str) -> None:
    recs = at_order(chart(*depressed(), drafts=(drafted(ESCITALOPRAM_10),), birth=AGED_11), hook)
    rec = recs[order_hooks.CAUTION]
    assert rec.summary == (
        "Escitalopram: not established for depression under 12 (age 11; Lexapro label 8.4); "
        "FDA-approved at 11: fluoxetine (8+); boxed warning"  # short: review s27 RC finding 10
    )
    assert rec.indicator is Indicator.WARNING  # not established is a warning, not information
    assert (
        "- safety and effectiveness in depression not established under 12 (age 11; Lexapro "
        "label 8.4). FDA-approved for depression at age 11: fluoxetine (8+). Fluoxetine is the "
        "first choice (NICE NG134; FDA)."
    ) in rec.detail
    assert rec.source.label == "Lexapro label 8.4"
    assert rec.source.url is not None and "dailymed" in rec.source.url
    # "Not established" is no do-not-use rule: not filed as a contraindication.
    assert order_hooks.CONTRAINDICATED not in recs
    # The boxed warning rides on this card: one card on the screen.
    assert len(recs) == 1 and BOXED in rec.detail


def test_escitalopram_from_12_gets_no_age_line() -> None:
    recs = at_order(chart(*depressed(), drafts=(drafted(ESCITALOPRAM_10),), birth=AGED_12))
    assert "not established" not in _all(recs)


def test_fluoxetine_for_a_7_year_old_names_no_labelled_agent() -> None:
    recs = at_order(chart(*depressed(), drafts=(drafted(FLUOXETINE_20),), birth=AGED_7))
    rec = recs[order_hooks.CAUTION]
    assert rec.summary == (
        "Fluoxetine: not established for depression under 8 (age 7; Prozac label 8.4); none of "
        "the under-18 list is FDA-approved at 7; boxed warning"
    )
    assert (
        "None of the under-18 list is FDA-approved for depression at age 7: decide with child "
        "and adolescent psychiatry."
    ) in rec.detail


# --- the boxed warning at an order that starts antidepressant treatment -------------------------


@pytest.mark.parametrize("hook", HOOKS)
def test_fluoxetine_started_at_14_gets_the_boxed_warning_as_information(hook: str) -> None:
    recs = order_hook(
        chart(*depressed(), drafts=(drafted(FLUOXETINE_20),), birth=AGED_14), Policy(), hook=hook
    )
    assert len(recs) == 1
    rec = recs[0]
    assert rec.topic == order_hooks.CAUTION
    assert rec.indicator is Indicator.INFO
    assert rec.summary == (
        "Fluoxetine at age 14: antidepressants raise the risk of suicidal thinking and behaviour "
        "under 25 (FDA boxed warning): monitor closely"
    )
    assert rec.detail.startswith(
        "**Boxed warning (age 14):** antidepressants increase the risk of suicidal thinking and "
        "behaviour in children, adolescents and young adults (under 25)"
    )
    assert "especially in the first months and after dose changes" in rec.detail
    assert (
        "fluoxetine 20 mg/day starts antidepressant treatment: no antidepressant course on "
        "record in the last 90 days."
    ) in rec.detail
    assert rec.source.label == "FDA boxed warning"


def test_no_boxed_warning_card_at_30() -> None:
    assert (
        order_hook(
            chart(*depressed(), drafts=(drafted(FLUOXETINE_20),), birth=AGED_30),
            Policy(),
            hook="order-select",
        )
        == ()
    )


def test_raising_a_running_drug_at_20_gets_the_boxed_warning_card() -> None:
    """Session 25 review RA finding 3: the warning asks for close monitoring after dose changes
    (before: no card for a raise; order_checks/boxed_warning.boxed_warning_dose_change)."""
    running = taking(SERTRALINE_50, date(2025, 3, 3), rid="rx-sert")
    recs = at_order(chart(*depressed(), running, drafts=(drafted(SERTRALINE_100),), birth=AGED_20))
    rec = recs[order_hooks.CAUTION]
    assert rec.summary.startswith("Sertraline dose change at age 20: monitor closely")
    assert "This order raises sertraline from 50 mg/day to 100 mg/day" in rec.detail


def test_a_switch_weeks_after_a_stop_is_no_start_but_after_the_window_it_is() -> None:
    # Four weeks of sertraline 50 mg: too short to have failed, so no repeat card carries the
    # warning and the boxed-warning card is the only one that could speak.
    stopped_recently = taking(
        SERTRALINE_50, date(2025, 4, 2), stopped=date(2025, 4, 30), rid="rx-sert"
    )
    record = chart(*depressed(), stopped_recently, drafts=(drafted(FLUOXETINE_20),), birth=AGED_20)
    # No start (a course within the window), but fluoxetine is new to the patient and no card is
    # about it: the warning is its own card, worded as a new drug (review s21 RD finding 9).
    (switch,) = at_order(record).values()
    assert switch.topic == order_hooks.CAUTION
    assert "fluoxetine 20 mg/day: not taken in the last 90 days" in switch.detail
    assert "starts antidepressant treatment" not in switch.detail
    # The clinic's window, from the [policy] table: 0 days reads any stopped course as past.
    at_zero = order_hook(
        record, load_policy({"antidepressant_new_start_days": 0}), hook="order-select"
    )
    assert [r.topic for r in at_zero] == [order_hooks.CAUTION]
    assert "(last: sertraline, ended 2025-04-30)." in at_zero[0].detail
    stopped_long_ago = taking(
        SERTRALINE_50, date(2024, 5, 6), stopped=date(2024, 6, 3), rid="rx-sert"
    )
    recs = at_order(
        chart(*depressed(), stopped_long_ago, drafts=(drafted(FLUOXETINE_20),), birth=AGED_20)
    )
    assert "in the last 90 days (last: sertraline, ended 2024-06-03)." in (
        recs[order_hooks.CAUTION].detail
    )
    assert AS_OF.year == 2025  # the dates above are read against the shared as-of


def test_the_warning_rides_on_a_card_the_start_already_gets_not_a_second_one() -> None:
    # Sertraline 300 mg/day (3 x 100) started at 14: above the 200 mg/day maximum.
    record = chart(*depressed(), drafts=(drafted(SERTRALINE_100, tablets=3),), birth=AGED_14)
    recs = order_hook(record, Policy(), hook="order-sign")
    assert sum(BOXED in r.detail for r in recs) == 1
    assert order_hooks.CAUTION not in {r.topic for r in recs}
