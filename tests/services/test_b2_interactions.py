"""Review 14 W1-W3, M5-M7: interactions of non-psychiatric drugs the short interaction table
missed or said vaguely (services/data/drug_interactions.csv).

- W1: alosetron with fluvoxamine is a label contraindication (Lotronex label 4): critical, at the
  order and on the chart, as tizanidine.
- W2: clopidogrel with fluvoxamine or fluoxetine (CYP2C19 inhibitors, FDA 2009): the loss of
  antiplatelet effect, not only bleeding; an SSRI that spares CYP2C19; never omeprazole.
- W3: codeine with a CYP2D6-inhibiting antidepressant (little analgesia) and metoprolol with one
  (bradycardia): a warning at the order; metoprolol is no card once both run (noise), codeine is.
- M5: warfarin with fluvoxamine names fluvoxamine's own INR rise beside the SSRI bleeding line.
- M6: the IV methylene blue advice cites the FDA 2011 communications as read, no "recalled" mark.
- M7: "raise the dose" of fluvoxamine never sits beside a critical fluvoxamine card on the chart.

Charts are US Core FHIR as Epic sends a drug from another prescriber: display text and sig, no
RxNorm code (the helpers of test_order_safety.py), mapped by build_record with the real drug table.
"""

from __future__ import annotations

from datetime import date

import pytest

from fhir_mapping.record import Role
from services import washout_table
from services.recommendation import Indicator
from services.rules.optimize.card import TOPIC as OPTIMISE
from tests.fixtures import builders as fb
from tests.services.test_order_safety import (
    P,
    Resource,
    at_order,
    chart,
    depressed,
    drafted,
    mdd,
    on_chart,
    phq9,
    taking,
)

pytestmark = pytest.mark.real_drug_table

ORDER = "order-drug-interaction"
CHART = "drug-interaction"
FLUVOXAMINE_100 = ("903884", "fluvoxamine maleate 100 MG Oral Tablet")
FLUOXETINE_20 = ("310385", "FLUoxetine 20 MG Oral Capsule")
PAROXETINE_20 = ("1738495", "paroxetine hydrochloride 20 MG Oral Tablet")
SERTRALINE_50 = ("312941", "sertraline 50 MG Oral Tablet")
ALOSETRON_1 = (None, "alosetron hydrochloride 1 MG Oral Tablet")
CLOPIDOGREL_75 = (None, "clopidogrel 75 MG Oral Tablet")
METOPROLOL_50 = (None, "metoprolol tartrate 50 MG Oral Tablet")
WARFARIN_5 = (None, "warfarin sodium 5 MG Oral Tablet")
TIZANIDINE_4 = (None, "tiZANidine 4 MG Oral Tablet")


def tylenol_3(rid: str = "mr-apap-cod") -> Resource:
    """Acetaminophen/codeine 300/30 every 6 hours as needed, as Epic sends a PRN order."""
    return fb.medication_request(
        None,
        "acetaminophen 300 MG / codeine phosphate 30 MG Oral Tablet",
        date(2025, 5, 1),
        dose_value=1,
        frequency=4,
        text="Take 1 tablet by mouth every 6 hours as needed for pain",
        as_needed=True,
        expected_supply_days=30,
        patient=P,
        id=rid,
    )


def on_fluvoxamine_100() -> list[Resource | list[Resource]]:
    """Fluvoxamine 100 mg/day since January, PHQ-9 18 then 17: below its adequate range."""
    return [
        mdd(),
        phq9(date(2025, 1, 6), 18),
        taking(FLUVOXAMINE_100, date(2025, 1, 6), rid="mr-fvx"),
        phq9(date(2025, 5, 12), 17),
    ]


# --- W1: alosetron ------------------------------------------------------------------------------


@pytest.mark.parametrize("hook", ["order-select", "order-sign"])
def test_fluvoxamine_ordered_over_alosetron_is_contraindicated(hook: str) -> None:
    # Before: only "[info] Fluvoxamine 100 mg/day is below the minimum adequate dose (150
    # mg/day); fine for titration".
    record = chart(
        *depressed(),
        taking(ALOSETRON_1, date(2024, 3, 1), per_day=2, rid="mr-alo"),
        drafts=(drafted(FLUVOXAMINE_100),),
    )
    assert [t.role for t in record.trials if t.ingredient == "alosetron"] == [Role.INTERACTING]
    recs = at_order(record, hook)
    card = recs[ORDER]
    assert card.indicator is Indicator.CRITICAL
    assert card.summary.startswith("Fluvoxamine ordered with alosetron running: contraindicated")
    assert "alosetron 2 mg/day, running since 2024-03-01" in card.detail
    assert "Lotronex label 4" in card.detail
    # The below-range line is on this card (review s24 RN finding 8), never "fine for titration".
    assert "order-dose-below-range" not in recs
    assert "fine for titration" not in card.summary + card.detail


def test_alosetron_and_fluvoxamine_running_are_critical_on_the_chart() -> None:
    record = chart(*on_fluvoxamine_100(), taking(ALOSETRON_1, date(2025, 5, 1), rid="mr-alo"))
    card = on_chart(record)[CHART]
    assert card.indicator is Indicator.CRITICAL
    assert card.summary.startswith("Alosetron and fluvoxamine both running: contraindicated")


# --- W2: clopidogrel ----------------------------------------------------------------------------


@pytest.mark.parametrize("drug", [FLUVOXAMINE_100, FLUOXETINE_20])
def test_a_cyp2c19_inhibiting_ssri_over_clopidogrel_names_the_lost_antiplatelet_effect(
    drug: tuple[str, str],
) -> None:
    # Before: "bleeding risk; watch for bleeding" and "consider a proton pump inhibitor" only.
    record = chart(
        *depressed(),
        taking(CLOPIDOGREL_75, date(2025, 2, 1), rid="mr-clop"),
        drafts=(drafted(drug),),
    )
    card = at_order(record)[ORDER]
    assert card.indicator is Indicator.WARNING
    assert "weaker clopidogrel (CYP2C19)" in card.summary and "bleeding" in card.summary
    assert "stent thrombosis" in card.detail
    assert "citalopram, escitalopram or sertraline" in card.detail
    assert "not omeprazole or esomeprazole" in card.detail
    # The SSRI class bleeding line is still said beside it.
    assert "add to the bleeding risk of a P2Y12 antiplatelet" in card.detail


def test_sertraline_over_clopidogrel_keeps_the_bleeding_line_only() -> None:
    record = chart(
        *depressed(),
        taking(CLOPIDOGREL_75, date(2025, 2, 1), rid="mr-clop"),
        drafts=(drafted(SERTRALINE_50),),
    )
    card = at_order(record)[ORDER]
    assert card.summary.endswith("bleeding risk; watch for bleeding")
    assert "CYP2C19" not in card.detail


# --- W3: codeine and metoprolol -----------------------------------------------------------------


def test_fluoxetine_over_as_needed_codeine_warns_of_lost_analgesia() -> None:
    # Before: no card at all.
    record = chart(*depressed(), tylenol_3(), drafts=(drafted(FLUOXETINE_20),))
    card = at_order(record)[ORDER]
    assert card.indicator is Indicator.WARNING
    assert card.summary.startswith("Fluoxetine ordered with codeine running: little pain relief")
    assert "codeine 30 mg as needed" in card.detail
    assert "not tramadol" in card.detail and "respiratory depression" in card.detail


def test_codeine_with_running_paroxetine_is_said_on_the_chart_as_tramadol_is() -> None:
    # The same CYP2D6 mechanism as tramadol-cyp2d6, a warning on the chart too: an analgesic
    # that does not work gets escalated, and a switch away from paroxetine unmasks morphine.
    record = chart(
        mdd(),
        phq9(date(2025, 1, 6), 18),
        taking(PAROXETINE_20, date(2025, 1, 6), rid="mr-par"),
        phq9(date(2025, 5, 12), 8),
        tylenol_3(),
    )
    card = on_chart(record)[CHART]
    assert card.indicator is Indicator.WARNING
    assert card.summary.startswith("Codeine and paroxetine both running")


def test_paroxetine_over_metoprolol_warns_at_the_order_and_is_quiet_once_both_run() -> None:
    # Before: {"cards": []} at the order.
    ordered = chart(
        *depressed(),
        taking(METOPROLOL_50, date(2022, 1, 1), per_day=2, rid="mr-met"),
        drafts=(drafted(PAROXETINE_20),),
    )
    card = at_order(ordered)[ORDER]
    assert card.indicator is Indicator.WARNING
    assert "raises metoprolol levels (bradycardia, hypotension)" in card.summary
    assert "metoprolol 100 mg/day, running since 2022-01-01" in card.detail
    # Both running for months: a regimen titrated to pulse and blood pressure, no chart card.
    running = chart(
        mdd(),
        phq9(date(2025, 1, 6), 18),
        taking(PAROXETINE_20, date(2025, 1, 6), rid="mr-par"),
        phq9(date(2025, 5, 12), 8),
        taking(METOPROLOL_50, date(2022, 1, 1), per_day=2, rid="mr-met"),
    )
    assert CHART not in on_chart(running)


def test_metoprolol_alone_beside_sertraline_is_not_read() -> None:
    # read_only_with: a beta-blocker beside an antidepressant that spares CYP2D6 is no lane.
    record = chart(
        *depressed(),
        taking(METOPROLOL_50, date(2022, 1, 1), per_day=2, rid="mr-met"),
        drafts=(drafted(SERTRALINE_50),),
    )
    assert not [t for t in record.trials if t.ingredient == "metoprolol"]
    assert ORDER not in at_order(record)


# --- M5: warfarin with fluvoxamine --------------------------------------------------------------


def test_fluvoxamine_over_warfarin_names_its_own_inr_rise() -> None:
    # Before: the generic SSRI text only ("bleeding risk; watch for bleeding; INR if on warfarin").
    record = chart(
        *depressed(),
        taking(WARFARIN_5, date(2023, 1, 1), rid="mr-warf"),
        drafts=(drafted(FLUVOXAMINE_100),),
    )
    card = at_order(record)[ORDER]
    assert card.summary.startswith(
        "Fluvoxamine ordered with warfarin running: raises the INR (slows warfarin clearance)"
    )
    assert "Luvox CR label 5.9" in card.detail
    assert "SSRI/SNRI labels 5" in card.detail  # the class bleeding line stays beside it


# --- M6: methylene blue -------------------------------------------------------------------------


def test_methylene_blue_advice_cites_the_fda_communications_as_read() -> None:
    advice = washout_table.table()["methylene blue"].urgent_use
    assert "recalled" not in advice and "not read" not in advice
    assert advice.startswith("FDA Drug Safety Communications 2011-07-26")
    assert "2011-10-20" in advice and "24 hours after the last methylene blue dose" in advice


# --- M7: no "raise the dose" beside a critical card of the same drug ----------------------------


def test_chart_optimise_card_does_not_say_raise_beside_a_critical_fluvoxamine_pair() -> None:
    # Before: "[warning] Fluvoxamine 100 mg/day is below the adequate range (from 150 mg/day):
    # raise the dose before judging response" beside "Tizanidine and fluvoxamine both running:
    # contraindicated".
    record = chart(
        *on_fluvoxamine_100(), taking(TIZANIDINE_4, date(2025, 5, 20), per_day=3, rid="mr-tiz")
    )
    recs = on_chart(record)
    assert recs[CHART].indicator is Indicator.CRITICAL
    optimise = recs[OPTIMISE]
    assert "raise the dose" not in optimise.summary
    assert optimise.summary.startswith("Fluvoxamine 100 mg/day is below the adequate range")
    assert "settle the interaction" in optimise.summary
    assert not [s for s in optimise.suggestions if "fluvoxamine" in s.label.lower()]


def test_without_a_critical_pair_the_raise_summary_stays() -> None:
    recs = on_chart(chart(*on_fluvoxamine_100()))
    assert "raise the dose" in recs[OPTIMISE].summary
