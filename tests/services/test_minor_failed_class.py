"""Review s22 RR finding 10: under 18 the repeat card does not advise another class
(services/order_checks/repeat_minor.py).

Before: at 16, fluoxetine drafted after sertraline failed an adequate trial: "Fluoxetine is in the
class of sertraline (SSRI), which failed an adequate trial: consider another class" and "After a
failure, CANMAT 2023 prefers a distinct mechanism": another class under 18 is venlafaxine, a
tricyclic (not to be used, NICE NG134) or an agent no guideline names for that age. Now the card
says what the age list advises (NICE NG134: SSRIs, fluoxetine first, then sertraline or
citalopram), each agent with its citation, and the agents never used under 18. A sertraline
drafted again after it failed says the same ("another SSRI of the under-18 list"). At 18 the
adult advice stands.

Charts: tests/services/minor_failed_class_charts/ (the s22 RR recheck's i charts, order-select,
every prefetch key; the sertraline draft made from the first).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
CLASS_HEAD = "Fluoxetine: sertraline (SSRI) failed an adequate trial; "
AGE_LIST = (
    "Under 18 the agents the guidelines name for depression, in order: "
    "fluoxetine (first choice; NICE NG134; FDA), sertraline (next; NICE NG134; failed), "
    "citalopram (next; NICE NG134), escitalopram (next; FDA 2009). Not to be used for depression "
    "under 18: venlafaxine, paroxetine, tricyclic antidepressants (NICE NG134)."
)

_chart = chart_files.loader(Path(__file__).parent / "minor_failed_class_charts")
_cards = Evaluator(AS_OF).cards


def test_under_18_a_running_drug_not_for_use_leads_the_failed_class_card() -> None:
    """Venlafaxine running at 17 beside the fluoxetine draft: the summary says it is not for
    use at the age, not only "venlafaxine still running" (session 29 orders30 item 1), the
    card's own point after it; the age list in the detail, the warning kept (the card asks
    switch or combination)."""
    cards = _cards(_chart("age17y11m_sertraline_failed_venlafaxine_running_fluoxetine_select"))
    card = _repeat_card(cards, "Venlafaxine running at age 17")
    assert card["summary"] == (
        "Venlafaxine running at age 17: not to be used for depression under 18 (NICE NG134); "
        "fluoxetine: sertraline (SSRI) failed an adequate trial"
    )
    assert AGE_LIST in card["detail"]
    assert card["indicator"] == "warning"


def _repeat_card(cards: list[Doc], head: str) -> Doc:
    return next(c for c in cards if c["summary"].startswith(head))


@pytest.mark.parametrize(
    ("chart", "tail"),
    [
        ("age16_sertraline_failed_fluoxetine_select", "; boxed warning (under 25)"),
    ],
)
def test_under_18_a_failed_class_says_the_age_list(chart: str, tail: str) -> None:
    # Fluoxetine is the age list's first choice: the card says so (review s22 RR2 finding 8:
    # it read "SSRI only under 18 (NICE NG134)", which NICE NG134 does not say).
    card = _repeat_card(_cards(_chart(chart)), CLASS_HEAD)
    assert card["summary"] == f"{CLASS_HEAD}first choice under 18 (NICE NG134; FDA){tail}"
    assert AGE_LIST in card["detail"]
    assert "another class" not in card["summary"]
    # Information on the guideline's own choice.
    assert card["indicator"] == "info"
    assert "CANMAT 2023 prefers a distinct mechanism" not in card["detail"]


def test_under_18_the_failed_drug_again_says_the_age_list() -> None:
    card = _repeat_card(
        _cards(_chart("age16_sertraline_failed_sertraline_again_select")),
        "Sertraline already failed",
    )
    assert card["summary"] == (
        "Sertraline already failed an adequate trial (200 mg/day, ended 2026-07-31): "
        "another SSRI of the under-18 list (NICE NG134); boxed warning"
    )
    assert "different mechanism" not in card["summary"]
    assert AGE_LIST in card["detail"]


def test_at_18_the_adult_advice_stands() -> None:
    head = "Fluoxetine is in the class of sertraline (SSRI), which failed an adequate trial: "
    card = _repeat_card(_cards(_chart("age18_today_sertraline_failed_fluoxetine_select")), head)
    assert card["summary"].startswith(f"{head}consider another class")
    assert "CANMAT 2023 prefers a distinct mechanism (Figure 7.1)" in card["detail"]
    assert "Under 18" not in card["detail"]
