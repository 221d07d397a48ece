"""Never silent: a bipolar diagnosis hidden among withheld conditions, an ED visit for suicidal
ideation 91-365 days ago when neither the optimise nor the suicide-risk card speaks, and F32.A
beside dysthymia (review 16 second recheck: g01, g02, W4 and its leftover, d04).

Charts (tests/services/leftover17_charts/, Epic / US Core shaped CDS Hooks requests, every
prefetch key sent):
- conditions_withheld_patient_view (g01): two failed trials, the conditions and labs searches
  each carry a `suppressed` OperationOutcome; the optimise card offers aripiprazole and
  brexpiprazole one-clicks and the switch list.
- conditions_withheld_draft_venlafaxine (g02): the same withheld conditions, order-select with
  venlafaxine XR 225 mg drafted over running sertraline (the same-class order card speaks too).
- conditions_withheld_draft_bupropion: g02 with bupropion XL 150 mg drafted (an NDRI beside the
  SSRI, a CANMAT combination): no card but the data-quality card.
- conditions_withheld_draft_lisinopril: g02 with lisinopril drafted instead (no antidepressant).
- ed_si_100d (c04): an ED visit for suicidal ideation (R45.851) on 2025-02-22, 100 days before
  the as-of date; two failed trials (the optimise card names the visit).
- ed_si_100d_draft_sertraline: c04 at order-select, sertraline 100 mg drafted (a failed trial
  repeated: the order card speaks, no optimise card).
- ed_si_100d_draft_lisinopril: c04 at order-select, lisinopril drafted (no card at all).
- ed_si_100d_bipolar_f3132: c04 with F31.32 on the problem list (the diagnosis review speaks,
  the unipolar pathway is held).
- dysthymia_2010_f32a_now (d04): F34.1 since 2010 and F32.A since 2024-10-21, two failed trials.
- f32a_alone_phq9_24 (d02): F32.A alone, two failed trials (the pathway stays, "to confirm").
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from services.evaluation import Evaluation, screen_without
from services.policy import Policy
from services.recommendation import Indicator, Recommendation
from tests.services import chart_files
from tests.services.item9_answers import answered

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent / "leftover17_charts"
Doc = dict[str, Any]

BIPOLAR_LINE = (
    "A bipolar diagnosis cannot be ruled out among the withheld conditions: check before an "
    "antidepressant (CANMAT 2023 para 184: rule out a missed bipolar disorder)"
)
HISTORY = "**Suicide risk history:** ED visit for suicidal ideation on 2025-02-22 (100 days ago"
OPTIMISE = "optimize-switch-augment"
QUALITY = "data-quality"

_chart = chart_files.loader(CHARTS)


def _evaluation(doc: Doc) -> Evaluation:
    return evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy()).evaluation


def _recs(doc: Doc) -> tuple[Recommendation, ...]:
    return _evaluation(doc).recommendations


def _said(recs: tuple[Recommendation, ...], text: str) -> list[str]:
    """The topics of the cards whose detail says `text`."""
    return [r.topic for r in recs if text in r.detail]


# --- 1. a bipolar diagnosis among the withheld conditions -------------------------------------


def test_withheld_conditions_beside_live_adjunct_one_clicks_say_bipolar_once() -> None:
    recs = _recs(answered(_chart("conditions_withheld_patient_view")))
    optimise = next(r for r in recs if r.topic == OPTIMISE)
    assert optimise.suggestions  # the antipsychotic one-clicks are live
    # Once on the screen, on the card whose "Data not read" block lists the withheld conditions.
    assert _said(recs, BIPOLAR_LINE) == [OPTIMISE]
    block = optimise.detail.partition("**Data not read**")[2]
    assert "Conditions may be incomplete: the EHR withheld some diagnoses" in block
    assert BIPOLAR_LINE in block
    # No card of its own: the optimise card carries it.
    assert QUALITY not in {r.topic for r in recs}


def test_withheld_conditions_at_an_antidepressant_draft_warn_on_one_card() -> None:
    # The draft is exactly when a hidden bipolar diagnosis matters, so with no other card the
    # data-quality card (a warning) carries the line: one card, not two.
    (card,) = _recs(_chart("conditions_withheld_draft_bupropion"))
    assert card.topic == QUALITY
    assert card.indicator is Indicator.WARNING
    assert card.summary == (
        "Conditions may be incomplete: a bipolar diagnosis cannot be ruled out before an "
        "antidepressant"
    )
    assert BIPOLAR_LINE in card.detail
    assert card.detail.count("A bipolar diagnosis") == 1


def test_withheld_conditions_beside_an_order_card_that_reads_no_conditions_say_it_once() -> None:
    # The same-class card rests on the medications alone (topic_data.csv), so the withheld
    # conditions are carried by the chart's data-quality card, as before: the line rides there.
    recs = _recs(_chart("conditions_withheld_draft_venlafaxine"))
    assert {r.topic for r in recs} == {QUALITY, "order-same-class-running"}
    assert _said(recs, BIPOLAR_LINE) == [QUALITY]


def test_withheld_conditions_at_a_draft_that_is_no_antidepressant_name_no_bipolar_risk() -> None:
    # No card at all (audit 17 M3): no diagnosis changes a card at a lisinopril order, so the
    # withheld conditions are said on the patient-view cards that rest on them.
    assert _recs(_chart("conditions_withheld_draft_lisinopril")) == ()


def test_conditions_read_in_full_name_no_bipolar_risk() -> None:
    doc = _chart("conditions_withheld_draft_venlafaxine")
    for key in ("conditions", "labs"):
        bundle = doc["prefetch"][key]
        bundle["entry"] = [
            e for e in bundle["entry"] if e["resource"]["resourceType"] != "OperationOutcome"
        ]
    assert not _said(_recs(doc), "bipolar")
    doc = _chart("conditions_withheld_patient_view")
    for key in ("conditions", "labs"):
        bundle = doc["prefetch"][key]
        bundle["entry"] = [
            e for e in bundle["entry"] if e["resource"]["resourceType"] != "OperationOutcome"
        ]
    assert not _said(_recs(doc), "cannot be ruled out among")


def test_a_cut_short_conditions_search_says_not_read_rather_than_withheld() -> None:
    doc = _chart("conditions_withheld_draft_bupropion")
    for entry in doc["prefetch"]["conditions"]["entry"]:
        resource = entry["resource"]
        if resource["resourceType"] == "OperationOutcome":
            resource["issue"] = [
                {"severity": "warning", "code": "incomplete", "diagnostics": "Result truncated"}
            ]
    (card,) = _recs(doc)
    assert "A bipolar diagnosis cannot be ruled out among the conditions not read" in card.detail


# --- 2. an ED visit for suicidal ideation 100 days ago -----------------------------------------


def test_ed_visit_history_stays_on_the_optimise_card_alone() -> None:
    recs = _recs(_chart("ed_si_100d"))
    assert _said(recs, HISTORY) == [OPTIMISE]


def test_ed_visit_history_goes_on_the_order_card_when_no_optimise_card_speaks() -> None:
    recs = _recs(_chart("ed_si_100d_draft_sertraline"))
    assert recs[0].topic == "order-repeats-failed-trial"
    assert _said(recs, HISTORY) == ["order-repeats-failed-trial"]  # once: not the TMS card too


def test_ed_visit_history_goes_on_the_diagnosis_review_when_the_pathway_is_held() -> None:
    recs = _recs(_chart("ed_si_100d_bipolar_f3132"))
    assert OPTIMISE not in {r.topic for r in recs}
    assert _said(recs, HISTORY) == ["diagnosis-review"]


def test_ed_visit_history_goes_on_the_tms_card_when_the_optimise_card_is_snoozed() -> None:
    evaluation = _evaluation(_chart("ed_si_100d"))
    shown = screen_without(evaluation, Policy(), frozenset({OPTIMISE}))
    assert [r.topic for r in shown] == ["tms-referral"]
    assert _said(shown, HISTORY) == ["tms-referral"]


def test_ed_visit_history_raises_no_card_of_its_own() -> None:
    assert _recs(_chart("ed_si_100d_draft_lisinopril")) == ()


def test_ed_visit_history_sits_above_the_data_not_read_block() -> None:
    doc = _chart("ed_si_100d_draft_sertraline")
    bundle = doc["prefetch"]["procedures"]
    bundle["entry"].append(
        {
            "resource": {
                "resourceType": "OperationOutcome",
                "issue": [{"severity": "information", "code": "suppressed"}],
            },
            "search": {"mode": "outcome"},
        }
    )
    card = _recs(doc)[0]
    assert card.topic == "order-repeats-failed-trial"
    assert HISTORY in card.detail and "**Data not read**" in card.detail
    assert card.detail.index(HISTORY) < card.detail.index("**Data not read**")


def test_no_ed_visit_history_beyond_the_year() -> None:
    doc = _chart("ed_si_100d_draft_sertraline")
    policy = dataclasses.replace(Policy(), suicide_ed_visit_history_days=99)
    recs = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=policy)
    assert not _said(recs.evaluation.recommendations, "**Suicide risk history:**")


# --- 3. F32.A beside dysthymia ----------------------------------------------------------------


def test_dysthymia_with_f32a_names_the_f32a_to_confirm_and_still_holds_the_adjuncts() -> None:
    optimise = next(
        r for r in _recs(answered(_chart("dysthymia_2010_f32a_now"))) if r.topic == OPTIMISE
    )
    line = optimise.detail.split("\n\n")[0]
    assert line.startswith("**Diagnosis on record is not major depression:** Dysthymic disorder")
    # Audit 17 M10: the display is not said again as the reason.
    assert (
        "Also on record: Depression, unspecified (ICD-10-CM F32.A, since 2024-10-21): "
        "a major depressive episode may be what it records (to confirm)" in line
    )
    assert not optimise.suggestions  # holding the adjuncts stays the safe direction


def test_f32a_alone_keeps_the_pathway_and_no_not_mdd_line() -> None:
    optimise = next(r for r in _recs(_chart("f32a_alone_phq9_24")) if r.topic == OPTIMISE)
    assert optimise.suggestions
    assert "not major depression" not in optimise.detail
