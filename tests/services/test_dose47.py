"""Session 32 fix dose47 (recheck K33 findings 1, 9): regressions of fix dose46 in a "Plan:"
answer's count after "take". Vendor-shaped patient-view requests with all 19 prefetch keys in
dose47_charts/ (the reviewer's charts of recheck K33, built from
neg37_charts/e_Hx_SI_Plan_none.json, two failed trials and the TMS card offered), as of
2026-12-01, an Epic ED visit's reason holding the words.
Before the fix (769b8403): a count's object had to be a drug of the drug tables, a
`plan_take_drug` row or a pill word, so "Plan: take 30 ativan", "wants to take 30 ativan",
"Plan: take 60 restoril", "take 30 temazepam", "take 30 norco", "take 50 zyrtec", "take 40
melatonin" gave no card (TMS offered); and a named drug's count above `plan_take_most` (4)
before a dosing word was a risk ("Plan: take 6 tylenol daily for pain", "take 6 advil a day",
"take 5 benadryl at bedtime" critical, TMS withheld). Recheck K34 then found any named drug up to
12 before a dosing word read as a dose ("take 10 klonopin at bedtime"): only an everyday
analgesic is, up to 8 (the lead's follow-up); benadryl is no longer one.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping import stated_dosing
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

RISK = "suicide-risk"
TMS = "tms-referral"
_cards = chart_files.topic_reader(Path(__file__).parent / "dose47_charts", date(2026, 12, 1))


def _critical(name: str) -> dict[str, Any]:
    cards = _cards(name)
    card = cards.get(RISK)
    assert card is not None and card["indicator"] == "critical", (name, card)
    assert TMS not in cards, name
    return card


def _quiet(name: str) -> None:
    cards = _cards(name)
    assert RISK not in cards, (name, cards[RISK]["summary"])
    assert TMS in cards, name  # the chart's own TMS card, nothing holding it


@pytest.mark.parametrize(
    "name",
    [
        "e_Plan_take_30_ativan",
        "e_wants_to_take_30_ativan",
        "e_wants_to_take_20_ativan",
        "e_Plan_take_60_restoril",
        "e_Plan_take_30_temazepam",
        "e_Plan_take_30_norco",
        "e_Plan_take_50_zyrtec",
        "e_Plan_take_40_melatonin",
    ],
)
def test_count_above_a_named_dose_is_a_plan(name: str) -> None:
    """Finding 1: a count above `plan_take_most_named` of any word but a measure or a time, and
    a sedative of sedative_names.csv ("ativan") as a drug at any count above a dose."""
    card = _critical(name)
    assert card["summary"].lower().startswith(name[2:].split("_")[0].lower()), card["summary"]


@pytest.mark.parametrize(
    "name",
    [
        "e_Plan_take_6_tylenol_daily_for_pain",
        "e_Plan_take_6_advil_a_day",
        "e_Plan_take_4_advil_q6h_prn_pain",
    ],
)
def test_named_drug_before_a_dosing_word_is_a_dose(name: str) -> None:
    """Finding 9: an everyday analgesic's count within `plan_take_most_everyday` (8) before a
    dosing word (`plan_dose_everyday` rows; the lead's follow-up after recheck K34)."""
    _quiet(name)


@pytest.mark.parametrize(
    "name",
    [
        "e_Plan_take_5_benadryl_at_bedtime",
        "p_Plan_take_10_klonopin_at_bedtime",
        "p_wants_to_take_10_xanax_at_bedtime",
        "p_Plan_take_10_amitriptyline_at_bedtime",
        "p_Plan_take_11_lithium_daily",
        "p_Plan_take_12_tylenol_daily",
    ],
)
def test_other_drugs_before_a_dosing_word_stay_a_risk(name: str) -> None:
    """Recheck K34 finding 1 (a regression of this fix): "take 10 klonopin at bedtime", "12 xanax
    daily", "11 lithium daily" read as doses (no card, TMS offered) while any named drug up to
    `plan_take_most_named` (12) before a dosing word was one; only an everyday analgesic is, up
    to `plan_take_most_everyday` (8: "12 tylenol daily" is 6 g). Benadryl 5 at bedtime (125 mg,
    above the OTC label's 50 mg) is a risk too, the safer reading."""
    _critical(name)


@pytest.mark.parametrize(
    "name",
    [
        "e_Plan_take_14_days_of_keflex",
        "e_Plan_take_20_minutes_for_self_care",
        "e_Plan_take_30_min_walk_daily",
        "e_Plan_take_60_day_supply",
        "e_Plan_take_90_day_supply_of_sertraline",
    ],
)
def test_a_time_counts_no_tablets(name: str) -> None:
    """Controls: a time after the count is no object, whatever its size."""
    _quiet(name)


@pytest.mark.parametrize(
    ("answer", "many"),
    [
        ("take 30 ativan", True),
        ("take 40 melatonin", True),
        ("take 30 tabs at bedtime", True),
        ("take 60 tylenol tonight", True),
        ("take 20 benadryl then sleep", True),
        ("take 6 tabs daily", True),
        ("take 6 tylenol daily for pain", False),
        ("take 5 benadryl at bedtime", True),
        ("take 10 klonopin at bedtime", True),
        ("take 8 tylenol daily", False),
        ("take 9 tylenol daily", True),
        ("take 12 credits", False),
        ("take 14 days of keflex", False),
    ],
)
def test_takes_many(answer: str, many: bool) -> None:
    """The rule by itself: "tonight" and "then sleep" are no dosing words; a pill word is no
    named drug, so "take 6 tabs daily" keeps `plan_take_most` (4)."""
    assert stated_dosing.takes_many(answer) is many
