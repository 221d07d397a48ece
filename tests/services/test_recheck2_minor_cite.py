"""Recheck 2 item 12: the older-adult dose line prints the row's short cite, never its source.

Before: escitalopram 20 mg/day at 78 (running, patient-view) and drafted at 70 (order-sign) both
read "10 mg/day is the labelled recommended dose for most elderly patients. Source: Lexapro US
label, Dosage (elderly), as quoted by secondary sources (skyscape drug reference, droracle); the
label gives no age for 'elderly': 65 used (ICH E7 geriatric convention) (UNVERIFIED)." The long
provenance stays in older_adult_doses.csv's `source` column; the card prints `cite`. Charts: US
Core shaped (tests/fixtures/builders.py via test_older_adult_cautions), validated against R4B.
"""

from __future__ import annotations

from datetime import date

import pytest

from services import age_limits
from services.order_hooks import order_hook
from services.patient_view import patient_view
from services.policy import Policy
from tests.services import test_older_adult_cautions as older

pytestmark = pytest.mark.real_drug_table

ESCITALOPRAM_20 = ("351250", "escitalopram 20 MG Oral Tablet")
ESCITALOPRAM_10 = ("349332", "escitalopram 10 MG Oral Tablet")
CITE_LINE = (
    "10 mg/day is the labelled recommended dose for most elderly patients. "
    "Source: Lexapro US label, Dosage (elderly) (UNVERIFIED)."
)


def running_at_78() -> dict[str, str]:
    """Escitalopram 20 mg/day running since 2024-09-30, age 78 (chart B5's shape)."""
    record = older.chart(born=date(1947, 1, 5), second=ESCITALOPRAM_20)
    return {r.topic: f"{r.summary}\n{r.detail}" for r in patient_view(record, Policy())}


def drafted_at_70() -> dict[str, str]:
    """Escitalopram 10 mg twice a day drafted at 70 (chart O_S5c's shape)."""
    drafts = (older.drafted(ESCITALOPRAM_10, per_day=2),)
    record = older.chart(born=date(1955, 1, 5), drafts=drafts)
    return {
        r.topic: f"{r.summary}\n{r.detail}" for r in order_hook(record, Policy(), hook="order-sign")
    }


def _age_card(texts: dict[str, str]) -> str:
    (card,) = [t for topic, t in texts.items() if "age-limit" in topic]
    return card


@pytest.mark.parametrize("chart", [running_at_78, drafted_at_70], ids=["running", "drafted"])
def test_the_escitalopram_older_adult_line_prints_the_cite_not_the_source(chart: object) -> None:
    assert callable(chart)
    card = _age_card(chart())
    assert CITE_LINE in card
    for source_only in ("skyscape", "droracle", "secondary sources", "ICH E7"):
        assert source_only not in card


def test_no_older_adult_card_line_prints_any_rows_source() -> None:
    for limit in age_limits.limits().values():
        line = age_limits.label(limit)
        assert limit.cite and limit.cite in line
        assert limit.source not in line, limit.ingredient
        assert len(limit.cite) <= 60, limit.ingredient  # a cite, not a provenance note
