"""Review s25 RK3 finding 10: the suicide-risk card at 12-17 led its acute-risk line with the adult
"**If the assessment finds acute risk:** ECT (CANMAT 2023 para 215); it does not replace
hospitalisation when needed", and only the age line below it limited ECT (NICE NG134 keeps it for
very severe depression with life-threatening or intractable symptoms, decided by specialists).
At 12-17 the card now leads with the child row of data/acute_risk.csv ("the plan is child and
adolescent psychiatry's, the same day"), as at 11, and the age line gives NICE NG134's ECT row as
the qualifier (services/rules/suicide_risk_young.row_key). 18 is adult: unchanged.

Charts: tests/services/young_acute_risk_charts/ (the review's probes: PHQ-9 item 9 = 2 on
2026-11-28, two failed trials; US Core shaped, every prefetch key). The age is read as of
2026-12-01: born 2008-12-02 is 17 (the day before the 18th birthday), 2008-12-01 is 18.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic

pytestmark = pytest.mark.real_drug_table

SUICIDE = "suicide-risk"
DIR = Path(__file__).parent / "young_acute_risk_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
CHILD = (
    "**If the assessment finds acute risk:** the plan is child and adolescent psychiatry's, the "
    "same day; hospitalisation when needed."
)
NG134_ECT = (
    "NICE NG134 keeps ECT under 18 for very severe depression with life-threatening symptoms"
)

_chart = chart_files.loader(DIR)
_at = Evaluator(date(2026, 12, 1))


def _detail(name: str) -> str:
    detail: str = by_topic(_at.cards(_chart(name)))[SUICIDE]["detail"]
    return detail


@pytest.mark.parametrize("name", CHARTS)
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)


@pytest.mark.parametrize(
    ("name", "age"),
    [("item9_2_age12", 12), ("item9_2_age16", 16), ("item9_2_age17_day_before_18", 17)],
)
def test_at_12_to_17_the_child_row_leads_and_ng134_qualifies_ect(name: str, age: int) -> None:
    detail = _detail(name)
    assert CHILD in detail
    assert "ECT (CANMAT 2023 para 215)" not in detail
    # The qualifier follows the lead line, never before it.
    age_line = f"**At age {age}:** {NG134_ECT}"
    assert age_line in detail
    assert detail.index(CHILD) < detail.index(age_line)
    assert "not a one-click referral" in detail
    assert "esketamine nasal spray with an oral antidepressant" not in detail


def test_at_11_the_child_row_and_no_ect() -> None:
    detail = _detail("item9_2_age11")
    assert CHILD in detail
    assert "**At age 11:** ECT is not recommended for depression in children under 12" in detail
    assert NG134_ECT not in detail


def test_at_18_the_adult_line_names_ect_and_esketamine() -> None:
    detail = _detail("item9_2_age18_birthday")
    assert "child and adolescent psychiatry" not in detail
    assert "consider ECT (CANMAT 2023 para 215" in detail
    assert "esketamine nasal spray with an oral antidepressant" in detail
    assert "**At age" not in detail
