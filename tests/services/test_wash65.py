"""Session 38 wash65: review K58a finding 5, the washout card's "as recorded" for an end worked out.

- Finding 5: with a phenelzine draft, the MAOI card was right (35-day fluoxetine washout, not
  before 2026-12-05) but said "fluoxetine was last taken on 2026-10-31 as recorded", where
  2026-10-31 is only the end of the last fill's 30 days (2026-10-01 + 30): no dose was recorded
  that day. The card now names the record the end was worked out from (Trial.end_from,
  fhir_mapping/course_end_basis.py; services/washout_state.py): "was last filled on 2026-10-01 for
  30 days, a supply that ran to 2026-10-31 (31 days ago; last dose not recorded)". An order with
  no fill: "was last ordered on 2026-10-01 for 30 days, counted to 2026-10-31".
Controls: a statement stopped with its effectivePeriod.end, and an order whose boundsPeriod.end is
that day, keep "was last taken on 2026-10-31 as recorded". The washout itself is unchanged.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "wash65_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

MAOI = "order-maoi-interaction"

# Failing before the fix: "last taken on 2026-10-31 as recorded" of an end worked out.
FIXED = {
    "c_fill_fluoxetine_ran_to_oct31_draft_phenelzine": (
        "fluoxetine was last filled on 2026-10-01 for 30 days, a supply that ran to 2026-10-31 "
        "(31 days ago; last dose not recorded)"
    ),
    "c_order_fluoxetine_supply_to_oct31_draft_phenelzine": (
        "fluoxetine was last ordered on 2026-10-01 for 30 days, counted to 2026-10-31 "
        "(31 days ago; last dose not recorded)"
    ),
}
# A recorded stop date: the card says so, as before.
CONTROLS = {
    "f_statement_fluoxetine_stopped_oct31_draft_phenelzine": (
        "fluoxetine was last taken on 2026-10-31 as recorded (31 days ago)"
    ),
    "f_order_fluoxetine_ends_oct31_draft_phenelzine": (
        "fluoxetine was last taken on 2026-10-31 as recorded (31 days ago)"
    ),
}


def test_the_folder_holds_these_charts() -> None:
    chart_files.check_folder(_FOLDER, FIXED, CONTROLS)


@pytest.mark.parametrize("name", sorted(FIXED | CONTROLS))
def test_the_card_says_where_the_end_comes_from(name: str) -> None:
    card = _cards(name)[MAOI]
    assert card["indicator"] == "critical"
    # The washout stands either way: 35 days of fluoxetine from 2026-10-31.
    assert "not before 2026-12-05 (35-day washout)" in card["summary"]
    said = (FIXED | CONTROLS)[name]
    assert said in card["detail"], card["detail"]
    if name in FIXED:
        assert "as recorded" not in card["detail"]
