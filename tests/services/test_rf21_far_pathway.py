"""Review s21 RF (the far end of the pathway), findings 3, 2 and 8.

- Finding 3: lithium 600 mg/day (the bottom of its Table 7.2 mg range) with a level of 0.3 mmol/L
  (target 0.5-0.8) read "augment (aripiprazole or brexpiprazole)" with aripiprazole one click: a
  second adjunct before the first reached its level. Now "raise lithium toward 0.5-0.8 mmol/L
  first (level 0.3 on 2026-11-20)", no adjunct one click (CANMAT 2023 Figure 7.1, para 187:
  optimise first; services/rules/optimize/adjunct_level.py). A level older than
  policy.adjunct_level_current_days is named with its date, never read as today's.
- Finding 2: six IV ketamine doses on the MAR (no ECT those days) were dropped in silence and
  "IV ketamine (off-label)" was listed as untried. Still no trial; now named, and off the list.
- Finding 8: TMS stopped after 7 sessions read as a course whose response is missing; now
  "Stopped after 7 sessions, short of a full course (30 sessions, ...): find out why", still no
  referral.

Charts: tests/services/rf21_far_pathway_charts/ (review s21 RF charts l02, k03, t03: Epic / US
Core shaped requests, every prefetch key).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic
from tests.services.helpers import drug_orders as _drug_orders

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"

_chart = chart_files.loader(Path(__file__).parent / "rf21_far_pathway_charts")
_at = Evaluator(AS_OF)
_cards = _at.cards


def _lithium_level(doc: Doc) -> Doc:
    for resource in chart_files.prefetch_resources(doc):
        codes = [c.get("code") for c in resource.get("code", {}).get("coding", [])]
        if resource["resourceType"] == "Observation" and "14334-7" in codes:
            return resource
    raise AssertionError("no lithium level")


def _with_level(value: float, day: str) -> Doc:
    doc = _chart("lithium_600_level_0_3_below_target")
    level = _lithium_level(doc)
    level["valueQuantity"]["value"] = value
    level["effectiveDateTime"] = level["issued"] = f"{day}T08:00:00-05:00"
    return doc


# --- finding 3: a running adjunct below its level target is raised first ------------------------


def test_lithium_below_its_level_target_is_raised_first_with_no_adjunct_one_click() -> None:
    card = by_topic(_cards(_chart("lithium_600_level_0_3_below_target")))[OPTIMISE]
    assert card["summary"] == (
        "Lithium 600 mg/day since 2026-09-10, PHQ-9 23: raise lithium toward 0.5-0.8 mmol/L "
        "first (level 0.3 on 2026-11-20)"
    )
    assert _drug_orders(card) == []  # no aripiprazole / brexpiprazole one click
    detail = card["detail"]
    assert "Below the target it has not had a fair dose yet: raise it toward 0.5-0.8 mmol/L" in (
        detail
    )
    assert "CANMAT 2023 para 187" in detail
    # The other adjuncts are still named, as text.
    assert "aripiprazole 2-10 mg/day" in detail
    assert "Another adjunct is named, not offered as an order, while it runs." in detail


def test_lithium_in_its_target_leaves_the_adjuncts_one_click() -> None:
    card = by_topic(_cards(_with_level(0.6, "2026-11-20")))[OPTIMISE]
    assert card["summary"].startswith("2 adequate trials failed (sertraline, venlafaxine): augment")
    assert any("aripiprazole" in label for label in _drug_orders(card))


def test_a_level_past_the_window_is_named_with_its_date_not_read_as_todays() -> None:
    # 0.3 mmol/L on 2026-09-25 (on this course): 67 days before as-of, past a 60-day window.
    doc = _with_level(0.3, "2026-09-25")
    card = by_topic(_at.cards(doc, policy=Policy(adjunct_level_current_days=60)))[OPTIMISE]
    assert card["summary"] == (
        "Lithium 600 mg/day since 2026-09-10: check a lithium level first "
        "(last 0.3 on 2026-09-25)"  # no PHQ-9 in a level-first summary (review s24 RN f. 9)
    )
    assert _drug_orders(card) == []
    assert (
        "is not today's: check the level and creatinine/eGFR before any dose change"
        in (card["detail"])
    )
    # Within the default 90 days the same level is today's.
    card = by_topic(_cards(doc))[OPTIMISE]
    assert card["summary"].endswith(
        "raise lithium toward 0.5-0.8 mmol/L first (level 0.3 on 2026-09-25)"
    )


def test_a_level_before_this_course_says_nothing_of_its_dose() -> None:
    # 0.3 mmol/L on 2026-08-20, before lithium started (2026-09-10): no level on this course.
    card = by_topic(_cards(_with_level(0.3, "2026-08-20")))[OPTIMISE]
    assert "raise lithium toward" not in card["summary"]


# --- finding 2: IV ketamine doses on the MAR are named, and not offered as untried --------------


def test_iv_ketamine_doses_are_named_and_off_the_untried_list() -> None:
    card = by_topic(_cards(_chart("iv_ketamine_six_days_no_ect")))[OPTIMISE]
    detail = card["detail"]
    assert (
        "**IV ketamine on the MAR in this episode:** given on 6 days, 2026-08-03 to 2026-08-23, "
        "no ECT those days: not counted as a trial"
    ) in detail
    assert "if it was a depression series, record its response" in detail
    assert "IV ketamine (off-label)" not in detail
    # Still no trial: the failed-trial count and the staging are unchanged.
    assert card["summary"].startswith("2 adequate trials failed (sertraline, venlafaxine)")


def _administrations(doc: Doc) -> list[Doc]:
    return [e["resource"] for e in doc["prefetch"]["medicationAdministrations"]["entry"]]


def test_one_ketamine_dose_or_an_anaesthetic_use_stays_unnamed() -> None:
    doc = _chart("iv_ketamine_six_days_no_ect")
    entries = doc["prefetch"]["medicationAdministrations"]["entry"]
    ketamine = [e for e in entries if "ketamine" in str(e["resource"]).lower()]
    keep = ketamine[:1]
    doc["prefetch"]["medicationAdministrations"]["entry"] = [
        e for e in entries if e not in ketamine or e in keep
    ]
    detail = by_topic(_cards(doc))[OPTIMISE]["detail"]
    assert "IV ketamine on the MAR" not in detail
    assert "IV ketamine (off-label)" in detail

    doc = _chart("iv_ketamine_six_days_no_ect")
    for resource in _administrations(doc):
        if "ketamine" in str(resource).lower():
            resource["reasonCode"] = [{"text": "Procedural sedation"}]
    detail = by_topic(_cards(doc))[OPTIMISE]["detail"]
    assert "IV ketamine on the MAR" not in detail


# --- finding 8: a TMS course stopped after 7 sessions ------------------------------------------


# The chart's 8th session is charted `stopped`: begun, so given (review s29 RK finding 2,
# fhir_mapping/procedures_devices._GIVEN_SO_FAR): the course reads 8 sessions.
# Review s24 RA finding 3: 7 sessions are below policy.tms_min_course_sessions (20), no adequate
# course, so they bar no referral: the TMS card shows, asks why the course stopped, and does not
# mark the referral recommended (test_device_course24.py). A course of 20 or more sessions short
# of a full one keeps this finding's reading (`_ADEQUATE_AT_7`).
_ADEQUATE_AT_7 = {"tms_min_course_sessions": 7}


def test_tms_stopped_after_7_sessions_asks_why_and_refers_no_one() -> None:
    policy = dataclasses.replace(Policy(), **_ADEQUATE_AT_7)
    cards = by_topic(_at.cards(_chart("tms_stopped_after_7_sessions"), policy=policy))
    assert TMS not in cards  # no new referral: unchanged
    detail = cards[OPTIMISE]["detail"]
    assert (
        "Stopped after 8 sessions, short of a full course (30 sessions, Aetna CPB 0469, "
        "Medicare LCD L34998); reason not on record: find out why"
    ) in detail
    assert "no new referral until then" in detail
    assert "Response not on record (document it)" not in detail


def test_tms_stopped_below_an_adequate_course_offers_the_referral_not_recommended() -> None:
    cards = by_topic(_cards(_chart("tms_stopped_after_7_sessions")))
    card = cards[TMS]
    assert card["summary"].endswith("(earlier course 2026-05 stopped after 8 sessions)")
    assert "why it stopped is not on record (intolerance? a seizure? logistics?)" in card["detail"]
    (refer,) = [s for s in card["suggestions"] if s["label"] == "Refer for TMS evaluation"]
    assert not refer.get("isRecommended")
    assert "no new referral" not in cards[OPTIMISE]["detail"]


def test_the_full_course_is_the_active_rule_sets_own_number() -> None:
    policy = Policy(payer_criteria="ambetter-cp-bh-200", **_ADEQUATE_AT_7)
    detail = by_topic(_at.cards(_chart("tms_stopped_after_7_sessions"), policy=policy))[OPTIMISE][
        "detail"
    ]
    assert "short of a full course (36 sessions, Ambetter CP.BH.200)" in detail


# --- finding 9: an earlier TMS course makes the referral a retreatment, said in the summary -----


def test_the_tms_summary_says_retreatment_after_an_earlier_course() -> None:
    card = by_topic(_cards(_chart("tms_earlier_course_responded_relapsed")))[TMS]
    # Responded, then relapsed: the retreatment leads the summary (review s24 RJ finding 6,
    # services/tms_retreatment.py); the trials are on the criteria's lines.
    assert card["summary"] == (
        "TMS responded 2026-01..02 (73 % better), relapsed: PHQ-9 23: consider TMS retreatment"
    )


def test_a_first_referral_says_no_retreatment() -> None:
    card = by_topic(_cards(_chart("iv_ketamine_six_days_no_ect")))[TMS]
    assert card["summary"].endswith("consider TMS referral")
