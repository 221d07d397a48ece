"""s26 RK1 finding 3: valproate drafted (order-select, order-sign) for a girl of 16 or a woman of
44 with no pregnancy on record got no card at all; the pregnancy row spoke only once a pregnancy
was recorded. The FDA boxed warning (fetal risk) and the MHRA Pregnancy Prevention Programme are
about every girl and woman who could become pregnant: the order now says so (a warning), and
carbamazepine (teratogenic; an enzyme inducer that can make hormonal contraception fail) gets an
information line (services/data/childbearing_potential.csv, order_checks/childbearing.py).

A man gets nothing; a pregnancy on record keeps the pregnancy row alone (one line, not two);
past policy.pregnancy_possible_max_age nothing is said.

Charts: tests/services/childbearing_charts/ (the RK1 review's P2-P4b charts, US Core / Epic
shaped, every prefetch key; the pregnant and carbamazepine variants built from P4).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
CAUTION = "order-drug-caution"
CONTRAINDICATED = "order-drug-contraindicated"
GIRL = "valproate_girl16_no_pregnancy_select"
WOMAN = "valproate_woman44_no_pregnancy_select"
WOMAN_SIGN = "valproate_woman44_no_pregnancy_sign"
MAN = "valproate_man_select"
PREGNANT = "valproate_woman44_pregnant_select"
CARBAMAZEPINE = "carbamazepine_woman44_no_pregnancy_select"
CHARTS = [GIRL, WOMAN, WOMAN_SIGN, MAN, PREGNANT, CARBAMAZEPINE]

_chart = chart_files.loader(Path(__file__).parent / "childbearing_charts")
_at = Evaluator(date(2026, 12, 1))


def _cards(doc: Doc, policy: Policy | None = None) -> list[Doc]:
    return _at.cards(doc, policy=policy)


@pytest.mark.parametrize("name", CHARTS)
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)


@pytest.mark.parametrize(("name", "age"), [(GIRL, 16), (WOMAN, 44), (WOMAN_SIGN, 44)])
def test_valproate_for_a_girl_or_woman_with_no_pregnancy_is_a_warning(name: str, age: int) -> None:
    cards = _cards(_chart(name))
    assert len(cards) == 1
    card = cards[0]
    assert card["indicator"] == "warning"
    assert card["summary"].startswith(
        f"Valproate in a female patient aged {age}: fetal risk; pregnancy prevention programme "
        "/ contraception"
    )
    assert "FDA boxed warning" in card["summary"] and "MHRA" in card["summary"]
    detail = card["detail"]
    assert "no pregnancy on record: she could become pregnant" in detail
    assert "neural tube defects" in detail and "contraception" in detail
    assert "Confirm she is not pregnant" in detail


def test_a_man_gets_no_card() -> None:
    assert _cards(_chart(MAN)) == []


def test_a_pregnancy_on_record_keeps_the_pregnancy_row_alone() -> None:
    cards = _cards(_chart(PREGNANT))
    assert len(cards) == 1
    detail = cards[0]["detail"]
    assert "Pregnant state, incidental" in detail
    assert "she could become pregnant" not in detail
    assert "pregnancy prevention programme" not in cards[0]["summary"]


def test_carbamazepine_gets_an_information_line() -> None:
    cards = _cards(_chart(CARBAMAZEPINE))
    assert len(cards) == 1
    card = cards[0]
    assert card["indicator"] == "info"
    assert card["summary"].startswith("Carbamazepine in a female patient aged 44: teratogenic")
    assert "hormonal contraception fail" in card["detail"]


def _born(doc: Doc, birth: str) -> Doc:
    doc["prefetch"]["patient"]["birthDate"] = birth
    return doc


def test_past_the_pregnancy_age_nothing_is_said() -> None:
    assert _cards(_born(_chart(WOMAN), "1970-01-01")) == []  # 56
    # The clinic's age: at 56 with the policy raised to 60 the line is back.
    cards = _cards(_born(_chart(WOMAN), "1970-01-01"), Policy(pregnancy_possible_max_age=60))
    assert [c["summary"][:36] for c in cards] == ["Valproate in a female patient aged 5"]


def test_a_child_below_the_tables_age_gets_no_line() -> None:
    assert _cards(_born(_chart(GIRL), "2017-06-01")) == []  # 9


def test_a_sex_not_recorded_is_not_read_as_male() -> None:
    doc = _chart(WOMAN)
    del doc["prefetch"]["patient"]["gender"]
    cards = _cards(doc)
    assert [c["summary"][:46] for c in cards] == ["Valproate in a patient (sex not recorded) aged"]
