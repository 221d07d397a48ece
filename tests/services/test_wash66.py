"""Session 39 fix wash66 (meds54 leftover): the MAOI combination cards say what a stop rests on.

meds54 made the order hooks' washout summary say what the old drug's end rests on
(services/washout_state.stop_said): "after the last fill of fluoxetine ran out", "after the end
counted for the last order of fluoxetine", a recorded stop still "stopped". The chart-open MAOI
combination card (services/rules/maoi_combination.py) and the card of a draft re-ordering one
drug of a pair the chart already holds (services/order_checks/maoi_running.py) still said
"fluoxetine stopped 2026-10-31" / "fluoxetine stopped 31 days ago" where 2026-10-31 is only the end
of the last fill's 30 days, or of the 30 days an order states: no stop is recorded. They now use
the same rule, with its day ("the last fill of fluoxetine ran out 2026-10-31", "the end counted
for the last order of fluoxetine was 2026-10-31").

Charts: wash65's three fluoxetine ends (a fill's supply to 2026-10-31, an order's 30 days counted
to it, a statement recorded stopped that day) with phenelzine ordered and filled on 2026-11-20
(running), seen at chart open and with a phenelzine renewal drafted. Each is critical, as before:
fluoxetine needs 35 days before an MAOI, 31 have passed.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "wash66_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

COMBINATION = "maoi-combination"
ORDER = "order-maoi-interaction"

# Failing before the fix: each summary said "fluoxetine stopped".
FIXED = {
    # "supply ran out" leaves room for the action ("the last fill of fluoxetine ran out" had
    # pushed it out of the 140 characters).
    "f_fill_fluoxetine_ran_out_oct31_phenelzine_running_patient_view": (
        "Fluoxetine supply ran out 2026-10-31, 4 days of washout left; phenelzine (MAOI) 45 "
        "mg/day running: confirm what is taken, watch for signs"
    ),
    "f_order_fluoxetine_counted_to_oct31_phenelzine_running_patient_view": (
        "The end counted for the last order of fluoxetine was 2026-10-31, 4 days of washout "
        "left; phenelzine (MAOI) 45 mg/day running"
    ),
    "f_fill_fluoxetine_ran_out_oct31_phenelzine_renewed_select": (
        "Phenelzine (MAOI) running, fluoxetine supply ran out 31 days ago already; this order "
        "only renews phenelzine: confirm what is taken"
    ),
    # Its stop said does not fit beside the renewal: the card's shortest form, as before for a
    # long state; the detail names the order's counted days (wash65).
    "f_order_fluoxetine_counted_to_oct31_phenelzine_renewed_select": (
        "Phenelzine (MAOI) and fluoxetine already taken together; this order only renews "
        "phenelzine: confirm what is taken"
    ),
}
# A statement recorded stopped on 2026-10-31: "stopped", as before.
CONTROLS = {
    "c_statement_fluoxetine_stopped_oct31_phenelzine_running_patient_view": (
        "Fluoxetine stopped 2026-10-31, 4 days of washout left; phenelzine (MAOI) 45 mg/day "
        "running: confirm what is taken, watch for signs"
    ),
    "c_statement_fluoxetine_stopped_oct31_phenelzine_renewed_select": (
        "Phenelzine (MAOI) running, fluoxetine stopped 31 days ago already; this order only "
        "renews phenelzine: confirm what is taken"
    ),
}


def _card(name: str) -> dict[str, str]:
    cards = _cards(name)
    card: dict[str, str] = cards[COMBINATION if name.endswith("patient_view") else ORDER]
    return card


def test_the_folder_holds_these_charts() -> None:
    chart_files.check_folder(_FOLDER, FIXED, CONTROLS)


@pytest.mark.parametrize("name", sorted(FIXED | CONTROLS))
def test_the_summary_says_what_the_stop_rests_on(name: str) -> None:
    card = _card(name)
    assert card["indicator"] == "critical"
    assert card["summary"] == (FIXED | CONTROLS)[name]
    if name in FIXED:
        assert "stopped" not in card["summary"]


@pytest.mark.parametrize(
    ("name", "said"),
    [
        (
            "f_fill_fluoxetine_ran_out_oct31_phenelzine_running_patient_view",
            "fluoxetine (serotonergic) supply ran out 2026-10-31, within its washout",
        ),
        (
            "f_order_fluoxetine_counted_to_oct31_phenelzine_running_patient_view",
            "the end counted for the last order of fluoxetine (serotonergic) was 2026-10-31, "
            "within its washout",
        ),
        (
            "c_statement_fluoxetine_stopped_oct31_phenelzine_running_patient_view",
            "fluoxetine (serotonergic) stopped 2026-10-31, within its washout",
        ),
        (
            "f_order_fluoxetine_counted_to_oct31_phenelzine_renewed_select",
            "fluoxetine 20 mg/day, last ordered on 2026-10-01 for 30 days, counted to 2026-10-31 "
            "(31 days ago; last dose not recorded)",
        ),
    ],
)
def test_the_detail_says_it_too(name: str, said: str) -> None:
    assert said in _card(name)["detail"]
