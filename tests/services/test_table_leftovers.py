"""Review 10 table leftovers (pregnancy codes, the new agents, combinations), cards.

Before:
- gepirone (Exxua) drafted while tramadol runs: no interaction card (the tramadol row's
  serotonergic classes had no 5-HT1A agonist);
- Exxua 72.6 mg/day drafted at 71: no card (no older-adult row; the label's geriatric maximum is
  36.3 mg/day);
- Exxua drafted with a QTc of 470 ms: no card (its label contraindicates it above 450 ms);
- Auvelity drafted after a documented bupropion intolerance, or bupropion after an Auvelity one:
  no "not tolerated" card (the check compared the drafted drug's own name only);
- aripiprazole drafted while an amitriptyline/perphenazine tablet runs: no "second antipsychotic"
  card (the perphenazine was never read);
- a postpartum onset coded only as O99.345: no postpartum line on the cards.

Charts are FHIR R4 as US EHRs send them (the helpers of tests/services/test_order_safety.py: US
Core MedicationRequests, RxNorm clinical drugs where the code is in the product table, the
product name alone otherwise; a US Core AllergyIntolerance of type intolerance; a QTc
Observation 8636-3), validated against fhir.resources R4B and mapped by build_record with the
real drug table; drafts come as the hook's draftOrders.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from services import order_hooks
from services.policy import Policy
from services.recommendation import Indicator
from services.rules import populations
from services.rules.context import build_context
from services.rules.population_notes import population_notes
from tests.fixtures import builders as fb
from tests.services.test_order_safety import (
    AS_OF,
    SERTRALINE_100,
    P,
    at_order,
    chart,
    depressed,
    drafted,
    taking,
)

pytestmark = pytest.mark.real_drug_table

Resource = dict[str, Any]
HOOKS = ["order-select", "order-sign"]
INTERACTION = "order-drug-interaction"

EXXUA_18 = (None, "EXXUA 18.2 MG 24 HR Extended Release Oral Tablet")
EXXUA_36 = (None, "EXXUA 36.3 MG 24 HR Extended Release Oral Tablet")
EXXUA_72 = (None, "EXXUA 72.6 MG 24 HR Extended Release Oral Tablet")
TRAMADOL_50 = ("835603", "tramadol hydrochloride 50 MG Oral Tablet")
AUVELITY = (
    "2611260",
    "bupropion hydrochloride 105 MG / dextromethorphan hydrobromide 45 MG Extended Release Oral "
    "Tablet",
)
BUPROPION_XL_150 = ("993541", "24 HR bupropion hydrochloride 150 MG Extended Release Oral Tablet")
ARIPIPRAZOLE_5 = ("352309", "aripiprazole 5 MG Oral Tablet")
AMITRIPTYLINE_PERPHENAZINE = (
    "856797",
    "amitriptyline hydrochloride 25 MG / perphenazine 2 MG Oral Tablet",
)


def intolerance(
    aid: str, rxcui: str, display: str, text: str, onset: date, reaction: str
) -> Resource:
    """A US Core AllergyIntolerance of type intolerance: the drug as an RxNorm coding with the
    clinician's text, the reaction as typed."""
    return {
        "resourceType": "AllergyIntolerance",
        "id": aid,
        "meta": {
            "profile": [
                "http://hl7.org/fhir/us/core/StructureDefinition/us-core-allergyintolerance"
            ]
        },
        "clinicalStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical",
                    "code": "active",
                    "display": "Active",
                }
            ]
        },
        "verificationStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification",
                    "code": "confirmed",
                    "display": "Confirmed",
                }
            ]
        },
        "type": "intolerance",
        "category": ["medication"],
        "criticality": "low",
        "code": {
            "coding": [{"system": fb.RXNORM, "code": rxcui, "display": display}],
            "text": text,
        },
        "patient": {"reference": f"Patient/{P}"},
        "onsetDateTime": fb.fhir_datetime(onset),
        "recordedDate": fb.fhir_datetime(onset),
        "reaction": [{"manifestation": [{"text": reaction}], "severity": "moderate"}],
    }


def bupropion_not_tolerated() -> Resource:
    return intolerance(
        "ai-bup", "42347", "bupropion", "bupropion", date(2023, 5, 2), "tremor and insomnia"
    )


def auvelity_not_tolerated() -> Resource:
    return intolerance(
        "ai-auv", AUVELITY[0], AUVELITY[1], "Auvelity", date(2024, 11, 4), "dizziness"
    )


def sertraline_failed() -> Resource:
    return taking(
        SERTRALINE_100, date(2024, 9, 2), tablets=1.5, stopped=date(2025, 1, 6), rid="mr-s"
    )


def qtc(value: float) -> Resource:
    return fb.lab(
        "8636-3", value, "ms", date(2025, 5, 20), patient=P, display="Q-T interval corrected"
    )


# --- 2. gepirone: tramadol, the older-adult maximum ------------------------------------------------


@pytest.mark.parametrize("hook", HOOKS)
def test_gepirone_ordered_while_tramadol_runs_warns_of_serotonin_syndrome(hook: str) -> None:
    record = chart(
        *depressed(),
        taking(TRAMADOL_50, date(2025, 3, 3), per_day=4, rid="mr-tram"),
        drafts=(drafted(EXXUA_18),),
    )
    card = at_order(record, hook)[INTERACTION]
    assert card.indicator is Indicator.WARNING
    assert card.summary.startswith("Gepirone ordered with tramadol running: serotonin syndrome")
    assert "tramadol 200 mg/day, running since 2025-03-03" in card.detail
    assert "Source: tramadol labels 5 and 7." in card.detail  # the row's cite (H14)


def test_exxua_72_6_at_71_is_above_the_older_adult_maximum_and_36_3_is_not() -> None:
    born = date(1954, 2, 1)
    card = at_order(chart(*depressed(), drafts=(drafted(EXXUA_72),), birth=born))[
        order_hooks.AGE_LIMIT
    ]
    assert card.summary == (
        "Gepirone 72.6 mg/day at age 71: above the labelled 36.3 mg/day maximum from age 65"
    )
    assert "Child-Pugh B" in card.detail and "not checked here" in card.detail
    within = chart(*depressed(), drafts=(drafted(EXXUA_36),), birth=born)
    assert order_hooks.AGE_LIMIT not in at_order(within)
    younger = chart(*depressed(), drafts=(drafted(EXXUA_72),))
    assert order_hooks.AGE_LIMIT not in at_order(younger)


# --- 6. gepirone and the QTc -----------------------------------------------------------------------


@pytest.mark.parametrize("hook", HOOKS)
def test_a_gepirone_draft_with_qtc_470_gets_the_qtc_card(hook: str) -> None:
    card = at_order(chart(*depressed(), qtc(470), drafts=(drafted(EXXUA_18),)), hook)["order-qtc"]
    assert card.indicator is Indicator.WARNING
    assert card.summary == (
        "Gepirone 18.2 mg/day with QTc 470 ms on 2025-05-20: above 450 ms, where the label says not to start "
        "or raise it"
    )
    assert (
        "Gepirone 18.2 mg/day prolongs the QT interval (Exxua label 5.2); its label contraindicates it with a "
        "QTc above 450 ms at baseline and says not to raise its dose with a QTcF above 450 ms "
        "(Exxua label 4)."
    ) in card.detail
    # Never citalopram's line, nor a dose dependence its sources do not state.
    assert "citalopram" not in card.detail and "dose-dependently" not in card.detail


def test_control_gepirone_with_qtc_440_or_sertraline_with_470_gets_no_qtc_card() -> None:
    assert "order-qtc" not in at_order(chart(*depressed(), qtc(440), drafts=(drafted(EXXUA_18),)))
    assert "order-qtc" not in at_order(
        chart(*depressed(), qtc(470), drafts=(drafted(SERTRALINE_100),))
    )


# --- 3. an intolerance of one component applies to the combination, and back ----------------------


@pytest.mark.parametrize("hook", HOOKS)
def test_auvelity_ordered_after_bupropion_was_not_tolerated_is_flagged(hook: str) -> None:
    record = chart(
        *depressed(),
        sertraline_failed(),
        bupropion_not_tolerated(),
        drafts=(drafted(AUVELITY, per_day=2),),
    )
    card = at_order(record, hook)[order_hooks.NOT_TOLERATED]
    assert card.indicator is Indicator.WARNING
    assert card.summary == (
        "Dextromethorphan-bupropion contains bupropion, not tolerated before (2023-05-02): check "
        "before starting it"
    )
    assert (
        "**Not tolerated before:** bupropion (documented intolerance: tremor and insomnia, "
        "2023-05-02). Dextromethorphan-bupropion contains bupropion, "
        "so the same reaction may recur."
    ) in card.detail


def test_bupropion_ordered_after_auvelity_was_not_tolerated_says_either_part_may_be_the_cause() -> (
    None
):
    record = chart(
        *depressed(),
        taking(AUVELITY, date(2024, 9, 2), per_day=2, stopped=date(2024, 11, 4), rid="mr-auv"),
        auvelity_not_tolerated(),
        drafts=(drafted(BUPROPION_XL_150),),
    )
    card = at_order(record)[order_hooks.NOT_TOLERATED]
    assert card.summary.startswith(
        "Bupropion is in dextromethorphan-bupropion, not tolerated before"
    )
    assert "AllergyIntolerance/ai-auv" not in card.detail  # named by its date
    assert "the reaction may have been to bupropion or to another component" in card.detail


def test_control_a_tolerated_course_since_or_an_unrelated_draft_gets_no_card() -> None:
    # Auvelity taken without a reaction after the 2023 bupropion intolerance: tolerated since.
    since = chart(
        *depressed(),
        bupropion_not_tolerated(),
        taking(AUVELITY, date(2024, 1, 8), per_day=2, stopped=date(2024, 6, 3), rid="mr-auv"),
        drafts=(drafted(AUVELITY, per_day=2),),
    )
    assert order_hooks.NOT_TOLERATED not in at_order(since)
    other = chart(*depressed(), bupropion_not_tolerated(), drafts=(drafted(SERTRALINE_100),))
    assert order_hooks.NOT_TOLERATED not in at_order(other)


# --- 4. amitriptyline/perphenazine: the perphenazine is an antipsychotic ---------------------------


def test_aripiprazole_ordered_while_amitriptyline_perphenazine_runs_is_a_second_antipsychotic() -> (
    None
):
    record = chart(
        *depressed(),
        taking(AMITRIPTYLINE_PERPHENAZINE, date(2025, 1, 6), per_day=3, rid="mr-triavil"),
        drafts=(drafted(ARIPIPRAZOLE_5),),
    )
    card = at_order(record)[order_hooks.STACKING]
    assert card.summary == (
        "Aripiprazole ordered while perphenazine (an antipsychotic) is running: a second "
        "antipsychotic"
    )
    assert "perphenazine 6 mg/day since 2025-01-06" in card.detail


# --- 1. a postpartum onset coded only as O99.345 --------------------------------------------------


def test_a_postpartum_onset_coded_as_o99_345_reaches_the_population_rules() -> None:
    puerperium = fb.condition(
        fb.ICD10CM,
        "O99.345",
        "Other mental disorders complicating the puerperium",
        date(2025, 4, 14),
        patient=P,
        id="cond-o99345",
    )
    record = chart(*depressed(), puerperium, as_of=AS_OF)
    found = populations.population(record, Policy()).postpartum
    assert found is not None and (found.code, found.onset) == ("O99.345", date(2025, 4, 14))
    notes = population_notes(build_context(record, Policy()))
    assert (
        "**Postpartum onset on record:** Other mental disorders complicating the puerperium "
        "(ICD-10-CM O99.345 since 2025-04-14)"
    ) in notes
