"""A course whose supply ran out a month or more ago, its order still open (Trial.supply_ran_out),
has ONE state on every card: "may be running (no supply since DATE)", as its trials table's dates
cell says it (services/taken_to_confirm.trial_claim; review s23 RPC). Before, the MAOI, order
MAOI, interaction and formulation cards said "running since 2025-01-06" beside a table reading
"2025-01-06 – may be running: no supply since 2025-06-05". Wording only: the indicators stand
(the safety checks keep the course as taken, the safer reading)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from tests.services import chart_files
from tests.services.helpers import Evaluator

_HERE = Path(__file__).parent
_cards = Evaluator(date(2026, 12, 1)).cards


def _load(folder: str, name: str) -> dict[str, Any]:
    return chart_files.loader(_HERE / folder)(name)


def _card(cards: list[dict[str, Any]], start: str) -> dict[str, Any]:
    return next(c for c in cards if c["summary"].startswith(start))


def test_maoi_card_says_the_ran_out_course_as_its_table_does() -> None:
    cards = _cards(_load("claims19_charts", "x02_deceased_maoi_pair_patient_view"))
    card = _card(cards, "Phenelzine (MAOI)")
    detail = card["detail"]
    assert "2025-01-06 – may be running: no supply since 2025-06-05" in detail  # the table
    assert (
        "escitalopram (serotonergic) since 2025-01-06, may be running (no supply since 2025-06-05)"
        in detail
    )
    assert "escitalopram (serotonergic) running" not in detail
    # The summary names each drug's state: phenelzine listed, escitalopram possibly running.
    assert card["summary"].startswith("Phenelzine (MAOI) listed, escitalopram possibly running")
    assert card["indicator"] == "critical"


def test_order_maoi_card_says_may_be_running() -> None:
    cards = _cards(_load("review18a_charts", "m07b_sbd_only_escitalopram_draft_phenelzine"))
    card = _card(cards, "Phenelzine (MAOI) ordered while escitalopram")
    assert card["summary"].startswith("Phenelzine (MAOI) ordered while escitalopram may be running")
    assert (
        "escitalopram may be running (since 2025-01-06; no supply since 2025-06-05)"
        in (card["detail"])
    )
    assert "escitalopram is running" not in card["detail"]
    assert card["indicator"] == "critical"


def test_interaction_card_says_may_be_running() -> None:
    cards = _cards(_load("review17_charts", "rc17_f05_clomipramine_draft_over_fluoxetine"))
    card = _card(cards, "Clomipramine ordered with fluoxetine")
    assert card["summary"].startswith("Clomipramine ordered with fluoxetine possibly running")
    assert (
        "fluoxetine 20 mg/day, may be running (no supply since 2025-06-05), since 2025-01-06"
        in card["detail"]
    )
    assert card["indicator"] == "warning"


def test_formulation_card_says_may_be_running() -> None:
    cards = _cards(_load("review15_charts", "f9_bupropion_sr_450_running"))
    card = _card(cards, "Bupropion SR 450 mg/day")
    assert "(since 2024-12-02; may be running: no supply since 2025-06-30)" in card["detail"]
    assert "(running since" not in card["detail"]
    assert "2024-12-02 – may be running: no supply since 2025-06-30" in card["detail"]
