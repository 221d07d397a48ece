"""Review s22 RR2 finding 8: under 18, a draft that is the age list's own next step is said so,
as information (services/order_checks/repeat_minor.py `MinorAdvice.step`, repeat.py).

Before: at 16, sertraline having failed an adequate trial, escitalopram drafted gave "[warning]
Escitalopram is in the class of sertraline (SSRI), which failed an adequate trial: SSRI only under
18 (NICE NG134)" while its own detail listed escitalopram next, and fluoxetine (the first choice)
a warning alike; the detail said "Under 18 another class is not advised", words NICE NG134 does
not use (it names fluoxetine first, then sertraline or citalopram if fluoxetine is unsuccessful or
not tolerated, and agents not to be used: Medscape NG134 summary 2019-03-05). Now: "[info]
Escitalopram: sertraline (SSRI) failed an adequate trial; next on the under-18 list (FDA 2009)",
the detail "Under 18 the agents the guidelines name for depression, in order: ...". Mirtazapine
(named by no list) had only its boxed-warning information; since review s27 RC finding 5 it is a
warning that neither the FDA labels nor NICE NG134 name it under 18, the boxed warning on it
(tests/services/test_s27_pediatric_dose.py).

Charts: tests/services/minor_list_step_charts/ (the s22 RR2 recheck's t8 charts, order-select,
every prefetch key).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)

_chart = chart_files.loader(Path(__file__).parent / "minor_list_step_charts")
_cards = Evaluator(AS_OF).cards


def test_escitalopram_after_sertraline_failed_is_the_lists_next_step() -> None:
    cards = _cards(_chart("age16_sertraline_failed_escitalopram_select"))
    assert [(c["indicator"], c["summary"]) for c in cards] == [
        (
            "info",
            "Escitalopram: sertraline (SSRI) failed an adequate trial; next on the under-18 "
            "list (FDA 2009); boxed warning (under 25)",
        )
    ]
    detail = cards[0]["detail"]
    assert "Under 18 the agents the guidelines name for depression, in order: " in detail
    assert "escitalopram (next; FDA 2009)" in detail
    assert "another class is not advised" not in detail
    assert "SSRI only" not in cards[0]["summary"]


def test_mirtazapine_is_not_labelled_under_18_with_the_boxed_warning() -> None:
    cards = _cards(_chart("age16_sertraline_failed_mirtazapine_select"))
    assert [(c["indicator"], c["summary"]) for c in cards] == [
        (
            "warning",
            "Mirtazapine: not labelled for depression under 18 (age 16; FDA labels, NICE NG134); "
            "FDA-approved at 16: fluoxetine (8+), escitalopram (12+)",
        )
    ]
    assert "**Boxed warning (age 16):**" in cards[0]["detail"]
    # Not the list's next step: no "next on the under-18 list" line.
    assert "next on the under-18 list" not in cards[0]["detail"]
