"""Audit 17b W3: a TSH of 12 with a normal free T4 (patient 50, PHQ-9 18, two failed trials) read
"repeat TSH and free T4 with TPO antibodies in 2-3 months (ETA 2013)", the advice for a TSH under
10, while the one-click adjuncts were held: a 2-3 month wait. ETA 2013 (Pearce et al., PMID
24783053) recommends levothyroxine for a TSH above 10 under age 65-70; over 70 it is considered
with clear symptoms or a high vascular risk (data/thyroid_patterns.csv, over_line_* columns).

The line now asks to confirm now and treat or refer, alongside the depression step. The hold on
the adjuncts stays (CANMAT 2023 para 184: a treatable medical contributor is addressed on poor
response; services/rules/diagnosis_medical_thyroid.py says why).

Chart: tests/services/review17_charts/au17b_lb08_tsh_12.json, the audit's probe (every prefetch
key sent).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator
from tests.services.helpers import drug_orders as _drug_orders
from tests.services.item9_answers import answered

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent / "review17_charts"
Doc = dict[str, Any]
DIAGNOSIS = "diagnosis-review"
OPTIMISE = "optimize-switch-augment"
CHART = "au17b_lb08_tsh_12"

_chart = chart_files.loader(CHARTS)

UNDER_10 = "repeat TSH and free T4 with TPO antibodies in 2-3 months (ETA 2013)"
TREAT = (
    "confirm with a repeat TSH and free T4 (with TPO antibodies) now, not in 2-3 months; ETA 2013 "
    "recommends levothyroxine for a TSH above 10 under age 65-70: treat or refer, alongside the "
    "depression step."
)
OLDER = (
    "over age 70 ETA 2013 considers levothyroxine for a TSH above 10 with clear symptoms of "
    "hypothyroidism or a high vascular risk: treat or refer if so, alongside the depression step."
)


_at = Evaluator(AS_OF)
_cards = _at.by_topic


def _tsh(doc: Doc) -> Doc:
    for entry in doc["prefetch"]["labs"]["entry"]:
        resource: Doc = entry["resource"]
        if resource["code"]["coding"][0]["code"] == "3016-3":
            return resource
    raise AssertionError("no TSH in the chart")


def test_the_chart_sends_every_prefetch_key() -> None:
    assert set(_chart(CHART)["prefetch"]) >= {"labs", "labsSI", "encounters", "patient"}


def test_tsh_12_with_a_normal_free_t4_asks_to_treat_now_not_to_wait() -> None:
    cards = _cards(_chart(CHART))
    detail = cards[DIAGNOSIS]["detail"]
    assert (
        "**Abnormal TSH:** 12 mIU/L, high, 2025-05-13; free T4 1 ng/dL, normal, 2025-05-13: a "
        "subclinical hypothyroidism pattern (TSH raised, free T4 normal): " + TREAT
    ) in detail
    assert UNDER_10 not in detail


def test_tsh_12_keeps_the_hold_on_the_one_click_adjuncts() -> None:
    # A hypothyroidism the guideline treats is a medical contributor (CANMAT 2023 para 184).
    cards = _cards(answered(_chart(CHART)))
    assert cards[DIAGNOSIS]["summary"] == "Confirm the diagnosis before escalating: TSH high 12"
    assert cards[OPTIMISE]["summary"] == (
        "2 adequate trials failed (sertraline, venlafaxine): review TSH high 12 first, then augment "
        "or switch class"
    )
    assert _drug_orders(cards[OPTIMISE]) == []


def test_over_70_the_conditional_wording() -> None:
    doc = _chart(CHART)
    doc["prefetch"]["patient"]["birthDate"] = "1950-05-05"  # 75 on the day
    detail = _cards(doc)[DIAGNOSIS]["detail"]
    assert OLDER in detail
    assert "recommends levothyroxine" not in detail
    assert UNDER_10 not in detail


def test_a_tsh_of_10_is_on_the_line() -> None:
    doc = _chart(CHART)
    _tsh(doc)["valueQuantity"]["value"] = 10.0
    detail = _cards(doc)[DIAGNOSIS]["detail"]
    assert TREAT in detail


def test_under_10_keeps_the_repeat_in_2_3_months_and_holds_nothing() -> None:
    doc = answered(_chart(CHART))
    _tsh(doc)["valueQuantity"]["value"] = 9.5
    cards = _cards(doc)
    assert UNDER_10 in cards[DIAGNOSIS]["detail"]
    assert "levothyroxine" not in cards[DIAGNOSIS]["detail"]
    assert _drug_orders(cards[OPTIMISE])
