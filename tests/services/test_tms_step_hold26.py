"""Review s26 RN finding 6, first half: a TMS card that puts another step first ("ask item 9
first, then consider TMS referral", "repeat the PHQ-9 first, ...", "raise bupropion first, ...")
kept the one-click "Refer for TMS evaluation" on all ~80 such cards while the optimise card
beside it held its adjuncts for the same step. The step hold (services/hold_survival.py,
data/hold_survival.csv row step,referral) now takes the referral off until the step is done and
names it at the top of the detail ("**Not one click yet:** Refer for TMS evaluation; ..."), one
chart per kind of step; a card with no step first keeps its recommended one-click referral, and
a held card still links the referral summary its criteria and the other cards cite.

Charts: tests/services/tms_step_hold_charts/ (copies of earlier review charts, renamed: Epic /
US Core shaped requests, every prefetch key of the patient-view service), as of 2026-12-01.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from cds_hooks.cards import attaches_document
from cds_hooks.offline import evaluate_document
from services import catalog, hold_survival
from services.policy import Policy
from services.recommendation import Action, Recommendation, Suggestion
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
TMS = "tms-referral"
REFER = "Refer for TMS evaluation"
Doc = dict[str, Any]
CHARTS = Path(__file__).parent / "tms_step_hold_charts"
_chart = chart_files.loader(CHARTS)

# (chart, the step the TMS card puts first): one chart per kind of step.
STEPS = [
    # Item 9 unknown: never asked (a total filed alone), or an answer that could not be read.
    ("ask_item9_total_only_h0004", "ask item 9"),
    ("check_item9_code_and_text_disagree", "check item 9"),
    # The severity the referral quotes: a PHQ-8 since the last PHQ-9, a form that disagrees,
    # an ECT course whose outcome is not recorded.
    ("repeat_phq9_latest_is_phq8", "repeat the PHQ-9"),
    ("check_phq9_form_total22_items_sum12", "check the PHQ-9 form"),
    ("record_ect_outcome_ended_13d", "record the ECT course's outcome (a PHQ-9)"),
    # Dose optimisation first (CANMAT 2023 paras 185-187), and what holds the raise.
    ("raise_bupropion_first", "raise bupropion"),
    ("repeat_lithium_level_drawn_3_days_after_raise", "repeat the lithium level"),
    ("check_sodium_128_raise_held", "check the sodium"),
    ("review_qtc_485_citalopram_at_78", "review the QTc"),
    # The diagnosis review first (CANMAT 2023 para 184).
    ("review_untreated_sleep_apnea", "review untreated sleep apnea"),
    # A partial response: an adjunct first (CANMAT 2023 para 190).
    ("adjunct_to_mirtazapine_partial_response", "an adjunct to mirtazapine"),
]


def _evaluate(name: str) -> tuple[list[Doc], list[Recommendation]]:
    doc = _chart(name)
    result = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy())
    cards: list[Doc] = result.response.to_json()["cards"]
    return cards, list(result.evaluation.recommendations)


def _tms(cards: list[Doc]) -> Doc:
    (card,) = [c for c in cards if c["source"]["topic"]["code"] == TMS]
    return card


@pytest.mark.parametrize(("name", "step"), STEPS)
def test_a_step_first_takes_the_one_click_referral_off_and_names_it(name: str, step: str) -> None:
    cards, recs = _evaluate(name)
    tms = _tms(cards)
    assert " first, then consider TMS referral" in tms["summary"], tms["summary"]
    # Before: [Refer for TMS evaluation, Refer for TMS evaluation (order only, ...)].
    assert not tms.get("suggestions"), [s["label"] for s in tms["suggestions"]]
    first, rest = tms["detail"].split("\n\n", 1)
    assert first == (
        f'**Not one click yet:** {REFER}; this card puts "{step}" first, and the one-click '
        "comes back once that is on record."
    )
    # The card still says why the referral waits, and what it would cite.
    assert "**Referral not marked recommended" in rest or "**Partial response" in rest
    assert "**Payer criteria" in rest or "**Criteria met" in rest
    # The referral summary the criteria cite stays one click away (its link).
    (rec,) = [r for r in recs if r.topic == TMS]
    assert attaches_document(rec)


def test_with_no_step_first_the_referral_stays_one_click_and_recommended() -> None:
    cards, recs = _evaluate("no_step_referral_one_click")
    tms = _tms(cards)
    assert ": consider TMS referral" in tms["summary"], tms["summary"]
    assert " first, then " not in tms["summary"]
    labels = [s["label"] for s in tms["suggestions"]]
    assert labels == [REFER, f"{REFER} (order only, summary not attached)"]
    assert tms["suggestions"][0].get("isRecommended") is True
    assert "Not one click yet" not in tms["detail"]
    (rec,) = [r for r in recs if r.topic == TMS]
    assert attaches_document(rec)


def test_the_step_hold_is_a_row_per_kind_of_proposal() -> None:
    """The referral waits for the step; the lab, the PHQ-9 and the assessment that do the step
    never wait; a safety card's proposal survives every hold."""

    def proposal(resource: Doc) -> Suggestion:
        return Suggestion("p", (Action("create", "p", resource),))

    snomed = {"system": "http://snomed.info/sct", "code": "183524004"}
    referral = proposal({"resourceType": "ServiceRequest", "code": {"coding": [snomed]}})
    tsh = {"system": "http://loinc.org", "code": "3016-3"}
    lab = proposal({"resourceType": "ServiceRequest", "code": {"coding": [tsh]}})
    urgent = proposal({"resourceType": "ServiceRequest", "priority": "urgent"})
    drug = proposal({"resourceType": "MedicationRequest"})
    step = hold_survival.STEP
    assert not hold_survival.survives(step, TMS, referral)
    assert not hold_survival.survives(step, "optimize-switch-augment", drug)
    assert hold_survival.survives(step, "diagnosis-review", lab)
    assert hold_survival.survives(step, TMS, urgent)
    assert hold_survival.survives(step, "dose-above-age-limit", drug)


@pytest.mark.parametrize("path", sorted(CHARTS.glob("*.json")), ids=lambda p: p.stem)
def test_the_charts_are_valid_r4b_with_every_prefetch_key(path: Path) -> None:
    doc = _chart(path.stem)
    (service,) = [s for s in catalog.services() if s.hook == doc["hook"]]
    assert doc["prefetch"].keys() == dict(service.prefetch).keys()
    for resource in chart_files.prefetch_resources(doc):
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
