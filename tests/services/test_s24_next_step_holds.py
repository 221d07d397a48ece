"""Review s24 RN findings 1, 3 and 11: the TMS card and the optimise card tell one story.

- Finding 1: the TMS referral was offered ("PHQ-9 18: consider TMS referral", recommended)
  beside an optimise card holding the next step (a stale PHQ-9, a form whose items disagree with
  its total, item 9 unread or not recorded, a dose or lithium to raise first, untreated sleep
  apnea). The TMS card now reads the optimise card's own predicates (rules/tms_referral_held.py):
  its summary says what comes first ("repeat the PHQ-9 first, then consider TMS referral") and
  the referral is not marked recommended.
- Finding 3: a course the adherence card asks to reconcile ("listed as active, not confirmed
  since ...: reconcile ... before counting it as a trial") is counted "to confirm"
  (trial_count.unconfirmed_text), on the cards' counts and the payer criterion.
- Finding 11: bupropion SR 450 mg/day above the SR maximum: the optimise card's adjuncts to it
  are held (rules/label_dose_hold.py) and the dose card sorts above the strategy card.

Charts: the review's own (tests/services/*_charts/, tests/fixtures/patients/), as of the
golden date.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator, topics

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
HERE = Path(__file__).parent
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"
FORMULATION = "running-dose-above-formulation-max"
_at = Evaluator(date(2026, 12, 1))


def _chart(folder: str, name: str) -> Doc:
    base = HERE.parent / "fixtures" / "patients" if folder == "fixtures" else HERE / folder
    return chart_files.loader(base)(name)


def _referral(card: Doc) -> Doc:
    return next(s for s in card["suggestions"] if s["label"] == "Refer for TMS evaluation")


@pytest.mark.parametrize(
    ("folder", "name", "first"),
    [
        (
            "duration_to_confirm_charts",
            "venlafaxine_90_day_order_stopped_no_end_fills_cover_10_weeks",
            "repeat the PHQ-9 first, then consider TMS referral",
        ),
        (
            "packet_claims23_charts",
            "phq9_total22_items_sum12",
            "check the PHQ-9 form first, then consider TMS referral",
        ),
        (
            "oracle23_charts",
            "item9_oracle_answer_unread_47d",
            "check item 9 first, then consider TMS referral",
        ),
        (
            "oracle23_charts",
            "item9_site_code_only",
            "check item 9 first, then consider TMS referral",
        ),
        (
            "trial_reasons_charts",
            "mirtazapine_failed_adjunct",
            "raise bupropion first, then consider TMS referral",
        ),
        (
            "rf21_far_pathway_charts",
            "lithium_600_level_0_3_below_target",
            "raise lithium to its target level first, then consider TMS referral",
        ),
        (
            "problem_text_apnea_charts",
            "osa_untreated",
            "review untreated sleep apnea first, then consider TMS referral",
        ),
    ],
)
def test_tms_summary_says_the_optimise_hold(folder: str, name: str, first: str) -> None:
    cards = _at.by_topic(_chart(folder, name))
    tms = cards[TMS]
    assert first in tms["summary"], tms["summary"]
    # Not one click while the card puts the step first (review s26 RN finding 6), named instead.
    assert "suggestions" not in tms, "referral one click while a hold stands"
    step = first.removesuffix(" first, then consider TMS referral")
    assert tms["detail"].startswith(
        f'**Not one click yet:** Refer for TMS evaluation; this card puts "{step}" first'
    )
    assert "**Referral not marked recommended" in tms["detail"]


def test_tms_without_a_hold_is_still_recommended() -> None:
    """Sleep apnea treated (CPAP in use): nothing held, so the referral is the recommended step
    and the summary proposes it alone."""
    tms = _at.by_topic(_chart("apnea_clause_charts", "cpap_device_declined_oa"))[TMS]
    assert ": consider TMS referral" in tms["summary"], tms["summary"]
    assert " first, then " not in tms["summary"]
    assert _referral(tms).get("isRecommended") is True
    assert "**Referral not marked recommended" not in tms["detail"]


def test_statement_to_reconcile_is_counted_to_confirm() -> None:
    cards = _at.by_topic(_chart("fixtures", "statement_only_history.request"))
    tms = cards[TMS]
    assert "duloxetine to confirm" in tms["summary"], tms["summary"]
    # Fix meds46 (K51a finding 6): both courses rest on the patient's report only: listed, not
    # counted for the payer until a fill or prescription documents them (the adherence card
    # still asks to reconcile duloxetine's listing).
    assert "**Not on record** · Medication trials: 0 counted" in tms["detail"]
    assert "not counted (patient-reported only): fluoxetine, duloxetine" in tms["detail"]
    # The patient's statement (dateAsserted 2025-05-05) counts one usual fill past that day, then
    # to confirm (fhir_mapping/reported_window.py, the lead's ruling, session 39): the adherence
    # card words it as a report of that day, still asking to confirm before counting more time.
    assert (
        "duloxetine reported taking on 2025-05-05; since then not on record: confirm it is still "
        "taken before counting more time"
    ) in (cards["adherence-review"]["summary"])


def test_adjunct_to_a_dose_above_its_label_is_held_and_sorted_below_it() -> None:
    doc = _chart("wording20_charts", "w04_bupropion_sr_300_to_450")
    cards = _at.cards(doc)
    order = topics(cards)
    assert order.index(FORMULATION) < order.index(OPTIMISE)
    optimise = next(c for c in cards if c["source"]["topic"]["code"] == OPTIMISE)
    assert optimise["summary"] == (
        "1 adequate trial with partial response only (bupropion): review the dose above its label "
        "maximum first, then add an adjunct to bupropion"
    )
    assert not any(
        s["label"].startswith("Propose adjunctive") for s in optimise.get("suggestions", [])
    )
    assert "Not one click while a dose is above its label maximum" in optimise["detail"]
