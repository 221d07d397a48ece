"""An unanswered PHQ-9 item 9 holds the optimise card's drug one-clicks; the
item-9 card can be dismissed with a reason; the suicide-risk card's line holds on any screen.

1. The latest PHQ-9 with no item 9 (and no total) brings the measurement card under its own topic
   (phq9-item9-unanswered: "ask it today"). Suicide risk is then unknown, so the optimise card's
   drug proposals (a tricyclic or an MAOI among them: lethal in overdose) are text, not one click,
   as while an acute suicide-risk signal is open, under a line saying why. The same chart with
   item 9 answered 0 keeps them one click (the hold is not always on).
2. The item-9 card carries its own CDS Hooks overrideReasons (data/override_reasons.csv).
3. The suicide-risk card on a screen with no other card (the item9_positive chart, audit) no
   longer speaks of "suggestions on other cards".

The chart is trd_meets_tms (tests/fixtures/scenarios.py: sertraline 200 mg and venlafaxine XR
225 mg failed, Synthea-shaped) with a PHQ-9 panel on 2025-05-28 as a US Core survey Observation
(LOINC 44249-1, items 1-8 as components, no item 9, no total), as Epic sends a form left
half-filled; valid R4 (fhir.resources R4B).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fhir.resources.R4B.observation import Observation

from services.evaluation import Evaluation, HookInput, evaluate
from services.policy import Policy
from services.recommendation import Recommendation
from services.rules import one_click_hold
from tests.fixtures import builders as fb
from tests.fixtures.scenarios import Scenario, item9_positive, trd_meets_tms

pytestmark = pytest.mark.real_drug_table

OPTIMISE = "optimize-switch-augment"
ITEM9 = "phq9-item9-unanswered"
PANEL_DAY = date(2025, 5, 28)
LOINC = "http://loinc.org"
# PHQ-9 items 1-8 (LOINC); item 9 is 44260-8.
ITEMS_1_TO_8 = (
    "44250-9",
    "44255-8",
    "44259-0",
    "44254-1",
    "44251-7",
    "44258-2",
    "44252-5",
    "44253-3",
)


def _incomplete_panel(patient: str) -> dict[str, Any]:
    """Items 1-8 answered, no item 9 and no total."""
    return {
        "resourceType": "Observation",
        "id": "phq9-partial-2025-05-28",
        "meta": {
            "profile": [
                "http://hl7.org/fhir/us/core/StructureDefinition/us-core-observation-survey"
            ]
        },
        "status": "final",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "survey",
                        "display": "Survey",
                    }
                ]
            }
        ],
        "code": {
            "coding": [
                {
                    "system": LOINC,
                    "code": "44249-1",
                    "display": "PHQ-9 quick depression assessment panel",
                }
            ],
            "text": "PHQ-9 quick depression assessment panel",
        },
        "subject": {"reference": f"Patient/{patient}"},
        "effectiveDateTime": f"{PANEL_DAY.isoformat()}T09:30:00-05:00",
        "issued": f"{PANEL_DAY.isoformat()}T10:05:00-05:00",
        "component": [
            {"code": {"coding": [{"system": LOINC, "code": code}]}, "valueInteger": 2}
            for code in ITEMS_1_TO_8
        ],
    }


def _evaluate(s: Scenario, *extra: dict[str, Any]) -> Evaluation:
    return evaluate(
        HookInput(
            service_id="trd-patient-view",
            hook="patient-view",
            hook_instance="2f6d9f3c-6f0e-4c55-9a8e-3a8f0e6a9d11",
            patient_id=s.patient_id,
            resources=[*s.resources, *extra],
            as_of=s.as_of,
        ),
        Policy(),
    )


def _card(result: Evaluation, topic: str) -> Recommendation:
    (rec,) = [r for r in result.recommendations if r.topic == topic]
    return rec


def _drug_one_clicks(rec: Recommendation) -> list[str]:
    return [s.label for s in rec.suggestions if one_click_hold.orders_a_drug(s)]


def test_the_panel_is_valid_r4() -> None:
    Observation.model_validate(_incomplete_panel("p"))


def test_an_unanswered_item_9_holds_the_drug_one_clicks_and_says_why() -> None:
    s = trd_meets_tms()
    result = _evaluate(s, _incomplete_panel(s.patient_id))
    assert _card(result, ITEM9).summary.startswith("PHQ-9 on 2025-05-28: item 9 unanswered")
    optimise = _card(result, OPTIMISE)
    assert _drug_one_clicks(optimise) == []
    first = optimise.detail.split("\n\n")[0]
    assert first.startswith(
        "**One-click orders held:** item 9 of the latest PHQ-9 (2025-05-28) unanswered - ask it "
        "first; not one click until then: "
    )
    # The proposals the chart makes without the panel are still named, as text.
    proposed = _drug_one_clicks(_card(_evaluate(s), OPTIMISE))
    assert proposed
    assert first.endswith(f"not one click until then: {'; '.join(proposed)}.")
    # The TMS card puts the same step first ("ask item 9 first, then consider TMS referral"):
    # its referral is not one click either, and is named (review s26 RN finding 6).
    tms = _card(result, "tms-referral")
    assert "ask item 9 first, then consider TMS referral" in tms.summary
    assert tms.suggestions == ()
    assert tms.detail.startswith(
        '**Not one click yet:** Refer for TMS evaluation; this card puts "ask item 9" first'
    )
    # Without the panel nothing comes first: the referral is one click.
    assert _card(_evaluate(s), "tms-referral").suggestions


def test_item_9_answered_0_keeps_the_drug_one_clicks() -> None:
    """The same chart with the PHQ-9 of that day complete (item 9 = 0): nothing is held."""
    s = trd_meets_tms()
    result = _evaluate(s, *fb.phq9(PANEL_DAY, 17, 0, patient=s.patient_id))
    assert not any(r.topic == ITEM9 for r in result.recommendations)
    optimise = _card(result, OPTIMISE)
    assert _drug_one_clicks(optimise)
    assert "One-click orders held" not in optimise.detail


def test_the_item9_card_offers_its_own_override_reasons() -> None:
    s = trd_meets_tms()
    card = _card(_evaluate(s, _incomplete_panel(s.patient_id)), ITEM9)
    reasons = {(o.system, o.code): o.display for o in card.override_reasons}
    local = "urn:trd-cds:override-reason"
    assert reasons[(local, "item9-asked-not-recorded")] == "Asked today, answer not yet recorded"
    assert reasons[(local, "assessed-other-instrument")] == (
        "Assessed by another instrument (C-SSRS)"
    )


def test_a_lone_suicide_risk_card_does_not_speak_of_other_cards() -> None:
    result = _evaluate(item9_positive())
    assert [r.topic for r in result.recommendations] == ["suicide-risk"]
    detail = result.recommendations[0].detail
    assert "on other cards" not in detail
    assert "Change medication or start TMS only after this assessment." in detail
