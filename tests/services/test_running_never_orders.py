"""Session 22 (review s21 RD finding 11, RD2 finding 11): a 16-year-old's running venlafaxine
(NICE NG134: not to be used for depression under 18) is named at the order hooks too, in the
words patient-view uses (services/rules/running_never.py, placed by services/order_boxed.py).

Before: drafting fluoxetine read only "venlafaxine still running" (the class card), renewing
venlafaxine only "not to be used for depression under 18" about the order, and drafting
mirtazapine only the boxed-warning information card; none said the drug taken now is one not for
use at 16. Now each names it: on the drafted drug's card, or, with no such card, as a warning
card whose summary names it (mirtazapine has its own card since review s27 RC finding 5).

Charts: tests/services/running_never_orders_charts/ (US Core shaped order-select / order-sign
requests, every prefetch key; made from rd21_populations_charts/age16_escitalopram_select.json).
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
RUNNING = (
    "**Running now, not for use under 18:** venlafaxine (225 mg/day, since 2026-07-31): not to be "
    "used for depression under 18 (NICE NG134). Review it with child and adolescent psychiatry."
)
BOXED = "**Boxed warning (age 16):**"

_chart = chart_files.loader(Path(__file__).parent / "running_never_orders_charts")
_cards = Evaluator(AS_OF).cards


@pytest.mark.parametrize(
    ("chart", "summary"),
    [
        (
            "age16_venlafaxine_running_fluoxetine_select",
            # Venlafaxine said not for use, not only "still running" (s29 orders30 item 1).
            "Venlafaxine running at age 16: not to be used for depression under 18 (NICE NG134); "
            "fluoxetine: sertraline (SSRI) failed an adequate trial",
        ),
        ("age16_venlafaxine_renewal_sign", "Venlafaxine: not to be used for depression under 18"),
        # Mirtazapine has a card of its own since review s27 RC finding 5 (not labelled for
        # depression under 18): the line rides on it, as on fluoxetine's, and the running drug
        # leads its summary (review s27 RQ2 finding 7: it was named only in the detail).
        (
            "age16_venlafaxine_running_mirtazapine_select",
            "Venlafaxine running at age 16: not to be used for depression under 18 (NICE NG134); "
            "mirtazapine: not labelled for depression under 18",
        ),
    ],
)
def test_the_running_drug_not_for_use_under_18_is_named_on_the_order_card(
    chart: str, summary: str
) -> None:
    cards = _cards(_chart(chart))
    card = next(c for c in cards if c["summary"].startswith(summary))
    detail = card["detail"]
    assert RUNNING in detail
    # Named once on the screen, before the boxed warning it goes with.
    assert sum(c["detail"].count(RUNNING) for c in cards) == 1
    assert detail.index(RUNNING) < detail.index(BOXED)


def test_the_mirtazapine_draft_is_one_warning_with_the_running_line() -> None:
    # No longer reached by mirtazapine (its own not-labelled card since review s27 RC finding
    # 5): a drug no age row names gets that card under 18. The line rides on it, one card.
    cards = _cards(_chart("age16_venlafaxine_running_mirtazapine_select"))
    assert len(cards) == 1
    card = cards[0]
    assert card["indicator"] == "warning"
    # The running drug leads the summary, the drafted drug's finding after it (RQ2 finding 7).
    assert card["summary"].startswith(
        "Venlafaxine running at age 16: not to be used for depression under 18 (NICE NG134); "
        "mirtazapine: not labelled for depression under 18"
    )
    assert RUNNING in card["detail"]
    assert BOXED in card["detail"]
    assert card["source"]["label"] == "FDA labels, NICE NG134"


def test_patient_view_says_it_in_the_same_words() -> None:
    doc = chart_files.loader(Path(__file__).parent / "rd21_populations_charts")(
        "age16_on_venlafaxine_pv"
    )
    assert any(RUNNING in c["detail"] for c in _cards(doc))
