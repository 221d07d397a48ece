"""Review s20 RA (the same charts over many days), findings 3 and 5: holds that depend on time.

- Finding 5: right after a dose raise of a failed trial the optimise card said "raise 150 -> 200"
  (sertraline raised 100 -> 150 three weeks earlier) or "switch ... or augment" (fluoxetine
  raised 20 -> 40, no PHQ-9 since). A raise is judged after policy.mapping.on_treatment_from_week
  on it (services/dose_raises.py, the relapse card's window too): before that day the card says
  "reassess from DATE" and proposes nothing; after it, with no PHQ-9 since, it asks for one. A
  PHQ-9 worse than at the raise lifts the hold.
- Finding 3: a failure judged on a PHQ-9 14 months old read "switch ... or augment (aripiprazole
  or brexpiprazole)" with the adjuncts one click; now the card leads with the score's date and
  age and holds its drug one-clicks. The "item 9 not recorded" hold of a totals-only chart
  expired 30 days after the last total; it now lasts until item 9 is recorded.

Charts: tests/services/timing_holds_charts/ (the review's dated snapshots, US Core shaped, every
prefetch key; valid against fhir.resources.R4B).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from fhir_mapping.policy import MappingPolicy
from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import drug_orders as _drug_orders

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
OPTIMISE = "optimize-switch-augment"

_chart = chart_files.loader(Path(__file__).parent / "timing_holds_charts")


def _optimise(doc: Doc, as_of: date, policy: Policy | None = None) -> Doc:
    result = evaluate_document(doc, hook="patient-view", as_of=as_of, policy=policy or Policy())
    cards = result.response.to_json()["cards"]
    (card,) = [c for c in cards if c["source"]["topic"]["code"] == OPTIMISE]
    return card


# --- finding 5: reassess a raised dose before anything else ------------------------------------


def test_three_weeks_after_a_raise_the_card_says_when_to_reassess() -> None:
    card = _optimise(_chart("sertraline_raised_3_weeks_ago"), date(2025, 3, 24))
    assert card["summary"] == (
        "Sertraline raised to 150 mg/day on 2025-03-03 (1 adequate trial failed): reassess from "
        "2025-03-31, no switch or adjunct before"
    )
    assert card["indicator"] == "info"
    assert "suggestions" not in card or not card["suggestions"]
    assert "sertraline raised from 100 mg/day to 150 mg/day on 2025-03-03" in card["detail"]
    assert "200 mg/day" not in card["summary"]


def test_past_the_reassessment_day_with_no_phq9_the_card_asks_for_one() -> None:
    card = _optimise(_chart("sertraline_raised_5_weeks_no_phq9"), date(2025, 4, 7))
    assert card["summary"].startswith(
        "Sertraline raised to 150 mg/day on 2025-03-03, no PHQ-9 since 2025-03-31: repeat it "
        "before switching or augmenting"
    )
    assert card["indicator"] == "warning"
    assert _drug_orders(card) == []


def test_an_adolescent_raised_five_weeks_ago_is_not_switched_unmeasured() -> None:
    card = _optimise(_chart("fluoxetine_raised_5_weeks_no_phq9"), date(2025, 8, 19))
    assert card["summary"].startswith(
        "Fluoxetine raised to 40 mg/day on 2025-07-14, no PHQ-9 since 2025-08-11: repeat it"
    )
    assert "switch to sertraline" not in card["summary"]


def test_a_phq9_worse_than_at_the_raise_lifts_the_hold() -> None:
    doc = _chart("sertraline_raised_3_weeks_ago")
    for entry in doc["prefetch"]["observations"]["entry"]:
        res = entry["resource"]
        codes = {c["code"] for c in res["code"]["coding"]}
        if res["effectiveDateTime"].startswith("2025-03-24") and "44261-6" in codes:
            res["valueQuantity"]["value"] = 22  # 18 at the raise on 2025-03-03
            break
    else:
        raise AssertionError("no PHQ-9 total on 2025-03-24")
    card = _optimise(doc, date(2025, 3, 24))
    assert "reassess from" not in card["summary"]
    assert card["indicator"] == "warning"


def test_the_window_is_the_mapping_policys_on_treatment_weeks() -> None:
    # The clinic's one value for "response to a dose is judged after N weeks": at 2 weeks the
    # raise of 2025-03-03 is judgeable from 2025-03-17, and the 2025-03-24 PHQ-9 judges it.
    policy = Policy(mapping=MappingPolicy(on_treatment_from_week=2.0))
    card = _optimise(_chart("sertraline_raised_3_weeks_ago"), date(2025, 3, 24), policy)
    assert "reassess from" not in card["summary"]


# --- finding 3: a stale score, and the item-9 hold that expired --------------------------------


def test_a_failure_judged_on_a_14_month_old_phq9_leads_with_its_age() -> None:
    card = _optimise(_chart("stale_totals_only_14_months"), date(2025, 12, 1))
    assert card["summary"] == (
        "1 adequate trial failed (escitalopram); last PHQ-9 14 on 2024-09-23 (14 months ago): "
        "repeat before switching or augmenting"
    )
    assert _drug_orders(card) == []
    assert "Not one click until then: Propose adjunctive aripiprazole" in card["detail"]


def test_the_item9_hold_outlasts_the_30_day_window() -> None:
    # The last total (14, totals only) is 70 days old: the adjuncts stay held until item 9 is
    # asked, as they were at 30 days.
    card = _optimise(_chart("totals_only_item9_70_days"), date(2024, 12, 2))
    assert card["summary"] == (
        "1 adequate trial failed (escitalopram): ask PHQ-9 item 9 (not recorded) first, then switch to "
        "a non-SSRI mechanism or augment"
    )
    assert "**PHQ-9 item 9 not recorded:**" in card["detail"]
    assert _drug_orders(card) == []


def test_psychotic_features_keep_their_summary_on_an_old_phq9() -> None:
    # The psychotic-depression card rests on the psychotic features (antidepressant plus
    # antipsychotic, or ECT), not on a PHQ-9 outcome: an 18-month-old score does not take its
    # summary (golden check of this fix, fixture psychotic_features at 2026-12-01).
    path = Path(__file__).parents[1] / "fixtures" / "patients" / "psychotic_features.request.json"
    doc = chart_files.loader(path.parent)(path.name.removesuffix(".json"))
    card = _optimise(doc, date(2026, 12, 1))
    assert card["summary"].startswith("Psychotic features")
    assert "last PHQ-9" not in card["summary"]
