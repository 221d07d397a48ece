"""Review s23 RR recheck (findings 4, 5, 6, 7): each card says a course's state in
taken_to_confirm's words, the MAOI order card leads with what the record shows taken, a QT pair of
two drafts is said once, and a week-5 non-response inside the grace days is named.

- 4 (e3): the QT pair card of an ondansetron draft said "citalopram running" for a citalopram
  order filled once in 2024 (listed): now "citalopram listed", with the listing to confirm. A
  citalopram the record shows taken still reads "running" (e7, control).
- 4 (g1): a phenelzine statement dated only by its dateAsserted read "phenelzine is running
  (since 2026-11-25)" on the MAOI order card: the listing's day is no start
  (fhir_mapping/listed_start.py), now "start not recorded; listed 2026-11-25".
- 4 (g4): the MAOI combination card says "Phenelzine (MAOI) listed, sertraline running" (fixed on
  main before this branch, by the one state rule: pinned here).
- 5 (i3, e1): the MAOI order card's summary named an old listed partner first ("stop fluoxetine
  at least 35 days first; also sertraline running") and told to stop a PRN sumatriptan filled
  once in 2024: now the running partner leads, the listed one after, "listed (last supply ended
  DATE): confirm it is not taken". The card stays critical (a listed drug may still be taken).
- 7 (e5): citalopram and escitalopram drafted together with a QTc of 480 ms: the QT card said the
  pair twice (each paragraph naming the other); now once.
- 6 (f2): inside mbc_adequacy_grace_days a week-5 PHQ-9 of 20 -> 19 left no card naming it: the
  measurement card names it (no repeat asked; the item-9 line it carries keeps its warning).

Charts: tests/services/rr_state_words_charts/ (the review's probes, every prefetch key).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic

Doc = dict[str, Any]
_chart = chart_files.loader(Path(__file__).parent / "rr_state_words_charts")
_at = Evaluator(date(2026, 12, 1))
MBC = "measurement-based-care"


def _card(cards: list[Doc], start: str) -> Doc:
    return next(c for c in cards if c["summary"].startswith(start))


# --- finding 4: the state words ---------------------------------------------------------------


def test_qt_pair_card_says_a_listed_citalopram_is_listed() -> None:
    cards = _at.cards(_chart("qt_ondansetron_draft_citalopram_listed_qtc510"))
    card = _card(cards, "Ondansetron ordered with QTc 510 ms")
    assert card["summary"] == (
        "Ondansetron ordered with QTc 510 ms on 2026-11-10 and citalopram listed: above 500 ms, "
        "where the label says to stop citalopram"
    )
    assert "citalopram running" not in card["summary"]
    assert "Citalopram (listed) prolongs the QT interval" in card["detail"]
    assert (
        "Citalopram 20 mg/day, listed (order still active, filled once on 2024-01-11): confirm "
        "it is still taken."
    ) in card["detail"]
    assert card["indicator"] == "critical"  # above 500 ms (review s24 RB finding 10)


def test_qt_pair_card_says_a_citalopram_taken_now_is_running() -> None:
    cards = _at.cards(_chart("qt_ondansetron_draft_citalopram_running_qtc470"))
    card = _card(cards, "Ondansetron ordered with QTc 470 ms")
    assert "and citalopram running: above 450 ms" in card["summary"]
    assert "Citalopram (running) prolongs" in card["detail"]
    assert "confirm it is still taken" not in card["detail"]


def test_maoi_order_card_says_no_start_for_a_date_asserted_statement() -> None:
    cards = _at.cards(_chart("maoi_sertraline_select_phenelzine_date_asserted_only"))
    card = _card(cards, "Sertraline ordered while phenelzine (MAOI) is running")
    assert "phenelzine is running (start not recorded; listed 2026-11-25)" in card["detail"]
    assert "since 2026-11-25" not in card["detail"]
    assert card["indicator"] == "critical"


def test_maoi_combination_summary_says_the_listed_side_listed() -> None:
    cards = _at.cards(_chart("maoi_pair_phenelzine_statement_2024_sertraline_running_pv"))
    card = _card(cards, "Phenelzine (MAOI)")
    assert card["summary"].startswith("Phenelzine (MAOI) listed, sertraline running")
    assert "both running" not in card["summary"]
    assert card["indicator"] == "critical"


# --- finding 5: the MAOI order card leads with what is taken ------------------------------------


def test_maoi_order_card_leads_with_the_running_partner() -> None:
    cards = _at.cards(_chart("maoi_phenelzine_draft_fluoxetine_listed_sertraline_running"))
    card = _card(cards, "Phenelzine (MAOI)")
    assert card["summary"] == (
        "Phenelzine (MAOI) with sertraline running: 14-day washout needed; also fluoxetine "
        "listed: confirm it is not taken"
    )
    detail = card["detail"]
    assert detail.index("**Sertraline → phenelzine (MAOI)**") < detail.index(
        "**Fluoxetine → phenelzine (MAOI)**"
    )
    # The listed partner's own washout is still said, should it be taken.
    assert "at least 35 days" in detail
    assert card["indicator"] == "critical"


def test_maoi_order_card_asks_to_confirm_a_listed_prn_triptan() -> None:
    cards = _at.cards(_chart("maoi_phenelzine_draft_sumatriptan_prn_filled_2024"))
    card = _card(cards, "Phenelzine (MAOI)")
    assert card["summary"] == (
        "Phenelzine (MAOI) ordered while sumatriptan is listed (last supply ended 2024-03-03): "
        "confirm it is not taken (14-day washout if taken)"
    )
    assert "stop sumatriptan at least 14 days first" not in card["summary"]
    assert card["indicator"] == "critical"  # safer: a listed drug may still be taken


def test_maoi_order_card_still_asks_to_stop_a_running_triptan() -> None:
    cards = _at.cards(_chart("maoi_phenelzine_draft_sumatriptan_filled_10d_ago"))
    card = _card(cards, "Phenelzine (MAOI)")
    assert card["summary"] == (
        "Phenelzine (MAOI) ordered while sumatriptan is running: stop sumatriptan at least 14 "
        "days first"
    )
    assert card["indicator"] == "critical"


# --- finding 7: a QT pair of two drafts said once -----------------------------------------------


def test_two_drafted_qt_drugs_are_said_once() -> None:
    cards = _at.cards(_chart("qt_citalopram_escitalopram_drafts_qtc480"))
    qt = [c for c in cards if "QTc" in c["summary"]]
    assert len(qt) == 1
    card = qt[0]
    # At the 480 ms line: the warning band (review s26 RG finding 4), as a QTc above it; the
    # partner on this order is named in the detail below.
    assert card["summary"] == (
        "Citalopram 20 mg/day with QTc 480 ms on 2026-11-10: at the 480 ms line, close to the"
        " 500 ms line where the label says to stop it"
    )
    assert card["indicator"] == "warning"
    assert card["detail"].count("The latest QTc is 480 ms") == 1
    assert card["detail"].count("**Also on this order, each prolonging the QT interval**") == 1
    assert "- citalopram 20 mg/day on this order" not in card["detail"]
    assert "- escitalopram 20 mg/day on this order" in card["detail"]


# --- finding 6: a week-5 non-response inside the grace days -------------------------------------


def test_week5_non_response_is_named_without_asking_a_repeat() -> None:
    cards = by_topic(_at.cards(_chart("mbc_week5_phq9_20_19_adequate_today")))
    card = cards[MBC]
    line = "PHQ-9 20 → 19 on 2026-11-25, 6 days before adequate duration: no response so far"
    assert line in card["detail"]
    assert "repeat" not in card["summary"].lower()
    assert not card.get("suggestions")  # nothing asked: the next PHQ-9 judges the trial
    # It carries the item-9 line, so it leads with it as that card did, a warning.
    assert card["summary"].startswith(
        "PHQ-9 19 on 2026-11-25: item 9 not recorded - check or ask it today"
    )
    assert card["indicator"] == "warning"


def test_week5_non_response_once_the_grace_days_are_past_asks_the_repeat() -> None:
    card = by_topic(_at.cards(_chart("mbc_week5_phq9_20_19_eight_days_old")))[MBC]
    assert card["summary"].endswith("repeat the PHQ-9")
    assert "no response so far" not in card["detail"]


def test_a_phq9_before_the_trial_is_adequate_is_not_named() -> None:
    cards = by_topic(_at.cards(_chart("mbc_week3_phq9_20_19_not_adequate_yet")))
    assert MBC not in cards
