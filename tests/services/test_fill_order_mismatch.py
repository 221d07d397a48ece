"""Session 21 X1 item 1 (review RR2 finding 10): a fill whose own product names another drug
than the one order it fills is a record to confirm naming both, never silently one drug.

Chart fill_order_mismatch_charts/fill_bupropion_order_mirtazapine.json (US Core shaped, every
prefetch key): escitalopram failed, then a mirtazapine 30 mg order whose last three fills'
medicationReference display says "buPROPion XL 300 MG 24 hr tablet". Before: "Adjuncts already
used in this episode: bupropion", mirtazapine "likely stopped", the mismatch never named.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from services.policy import Policy
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
_chart = chart_files.loader(Path(__file__).parent / "fill_order_mismatch_charts")


def _text(doc: Doc) -> str:
    result = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy())
    cards = result.response.model_dump()["cards"]
    return "\n".join(f"{c['summary']}\n{c.get('detail') or ''}" for c in cards)


def test_a_fill_of_another_drug_than_its_order_is_named_with_both() -> None:
    text = _text(_chart("fill_bupropion_order_mirtazapine"))
    assert "drug to confirm: the fill and its order give different drugs" in text
    assert (
        "fill: buPROPion XL 300 MG 24 hr tablet; its order: Mirtazapine 30 mg tablet; "
        "possible dispensing error or substitution"
    ) in text
    # The latest fill's supply runs to as-of: both drugs are checked as taken now.
    assert "bupropion, mirtazapine, taken now" in text
    # Neither wins: no bupropion course, no "likely stopped" mirtazapine.
    assert "Adjuncts already used in this episode: bupropion" not in text
    assert "likely stopped" not in text


def test_a_fill_of_the_ordered_drug_is_read_as_before() -> None:
    doc = _chart("fill_bupropion_order_mirtazapine")
    for entry in doc["prefetch"]["medicationDispenses"]["entry"]:
        reference = entry["resource"].get("medicationReference", {})
        if "display" in reference:
            reference["display"] = "Mirtazapine 30 mg tablet"
    text = _text(doc)
    assert "the fill and its order give different drugs" not in text
    assert "Adjuncts already used in this episode: bupropion" not in text
