"""Audit 19 finding 4: a suppressed TSH on thyroid replacement got no action.

Levothyroxine running since 2015 with a TSH of 0.01 mIU/L last month read "Abnormal TSH: 0.01
mIU/L, low, 2025-05-03." and nothing more: no free T4 asked for (the ask was for patients off
replacement only), no word of over-replacement. On replacement a low TSH is most often the dose:
iatrogenic thyrotoxicosis can cause or worsen anxiety, insomnia and agitation, and a suppressed
TSH raises the risk of atrial fibrillation and bone loss. The line now says so, asks for a free T4
(and T3) and a review of the replacement dose (data/thyroid_low_tsh_on_replacement.csv: fully
suppressed under 0.1 mIU/L, else below the lab's range). Off replacement a low TSH keeps its line
(hyperthyroidism reviewed before escalating, a free T4 asked for).

Charts: tests/services/thyroid_over_replacement_charts/*.json, review 17 a06 (hypothyroidism
E03.9, levothyroxine since 2015, two failed trials, PHQ-9 18) with the TSH of 2025-05-03 made low
(Epic-style interpretation L beside the lab's range 0.45-4.12); every prefetch key sent.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.record import LabResult
from services.rules import thyroid_over_replacement
from tests.services import chart_files
from tests.services.helpers import Evaluator, labels

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
Doc = dict[str, Any]
DIAGNOSIS = "diagnosis-review"
OPTIMISE = "optimize-switch-augment"
REVIEW_DOSE = "review the replacement dose with its prescriber"
_chart = chart_files.loader(Path(__file__).parent / "thyroid_over_replacement_charts")
_at = Evaluator(AS_OF)
_cards = _at.by_topic


def test_a_suppressed_tsh_on_levothyroxine_asks_for_free_t4_and_a_dose_review() -> None:
    cards = _cards(_chart("levothyroxine_tsh_0_01"))
    card = cards[DIAGNOSIS]
    assert card["summary"] == (
        "Confirm the diagnosis before escalating: TSH low 0.01 on levothyroxine"
    )
    detail = card["detail"]
    assert (
        "**Low TSH on levothyroxine:** 0.01 mIU/L, low, 2025-05-03; levothyroxine running since "
        "2015-03-02. The TSH is fully suppressed (under 0.1 mIU/L), likely over-replacement: "
        "iatrogenic thyrotoxicosis can cause or worsen anxiety, insomnia and agitation, and a TSH "
        "this low raises the risk of atrial fibrillation and bone loss. Add free T4 (and T3), and "
        f"{REVIEW_DOSE}, unless the suppression is intended (after thyroid cancer)"
    ) in detail
    assert "Order free T4" in labels(card)
    # The adjuncts wait on it as on any abnormal TSH (CANMAT 2023 para 184), and say why.
    assert (
        ": review TSH low 0.01 on levothyroxine first, then augment or switch class"
        in cards[OPTIMISE]["summary"]
    )


def test_a_low_tsh_on_desiccated_thyroid_with_a_free_t4_asks_for_the_t3_only() -> None:
    card = _cards(_chart("armour_thyroid_tsh_0_2_free_t4_normal"))[DIAGNOSIS]
    detail = card["detail"]
    assert "**Low TSH on desiccated thyroid:** 0.2 mIU/L, low, 2025-05-03; free T4 1.4 ng/dL" in (
        detail
    )
    assert "a subclinical hyperthyroidism pattern (TSH low, free T4 normal)" in detail
    assert "The TSH is below its reference range, possibly over-replacement" in detail
    assert f"Add T3 if not drawn, and {REVIEW_DOSE}" in detail
    assert "in pregnancy, judge it by the trimester's range" in detail
    assert "fully suppressed" not in detail
    assert "Order free T4" not in labels(card)  # drawn the same day


def test_off_replacement_a_low_tsh_keeps_its_line() -> None:
    # Not on thyroid hormone: a thyroid contributor reviewed before escalating, free T4 asked.
    card = _cards(_chart("no_replacement_tsh_0_01"))[DIAGNOSIS]
    assert card["summary"] == "Confirm the diagnosis before escalating: TSH low 0.01"
    assert (
        "**Abnormal TSH:** 0.01 mIU/L, low, 2025-05-03; no free T4 drawn with it: add one."
        in (card["detail"])
    )
    assert "over-replacement" not in card["detail"]
    assert "Order free T4" in labels(card)


def test_a_low_tsh_older_than_the_look_back_asks_for_a_repeat_first() -> None:
    # A year on, the low TSH may long be corrected: the repeat line, not a dose review.
    card = _cards(_chart("levothyroxine_tsh_0_01"), as_of=date(2026, 6, 2))[DIAGNOSIS]
    assert "**Abnormal TSH, not rechecked:** 0.01 mIU/L, low, 2025-05-03" in card["detail"]
    assert REVIEW_DOSE not in card["detail"]


def _tsh(value: float, flag: str | None = "low", comparator: str | None = None) -> LabResult:
    return LabResult("tsh", value, "mIU/L", AS_OF, flag, comparator=comparator)


@pytest.mark.parametrize(
    ("lab", "band"),
    [
        (_tsh(0.01), "suppressed"),
        (_tsh(0.099), "suppressed"),
        (_tsh(0.1), "low"),  # the line itself is not under it
        (_tsh(0.3), "low"),
        (_tsh(0.1, comparator="<"), "suppressed"),  # "< 0.1": under the line
        (_tsh(0.05, comparator=">"), "low"),  # a lower bound says only that it is low
        (_tsh(0.3, flag="normal"), None),
        (_tsh(5.0, flag="high"), None),
    ],
)
def test_the_band_of_a_low_tsh(lab: LabResult, band: str | None) -> None:
    found = thyroid_over_replacement.band_of(lab)
    assert (found.band if found is not None else None) == band


def test_the_bands_are_data_lowest_line_first() -> None:
    rows = thyroid_over_replacement.bands()
    assert [(b.band, b.tsh_below) for b in rows] == [("suppressed", 0.1), ("low", None)]
