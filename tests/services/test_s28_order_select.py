"""Review s28 RG (order-select against order-sign), findings 1, 2, 4 and 5 pinned, and 3 (the
order-sign service's description).

- Finding 1 (WRONG): phenelzine drafted earlier and not selected, a renewal of the running
  venlafaxine 225 mg selected: no card at order-select (a renewal starts nothing, and meets the
  MAOI only in the MAOI draft's own check, which only order-sign ran). Now the MAOI check runs
  both ways at select: the MAOI draft's card, about the selected draft, as order-sign shows it.
- Finding 2: a card naming several drafts keys every draft it names, in the order's own order,
  and states the same at select (either draft selected) and at sign, so an answer given at
  select holds at sign (the key is the whole answered key: order_statement.py).
- Finding 4: order-select with `selections: []` checks every draft and says so (no 400).
- Finding 5: two SSRIs drafted over running venlafaxine: the repeat card's summary names
  venlafaxine, its detail asks about the three reuptake inhibitors; lithium + ibuprofen at sign
  keeps "lithium level in 5-7 days" in the summary.

Charts: tests/services/s28_order_select_charts/ (the RG reviewer's probes on the trd_meets_tms
example: Epic-shaped order-sign requests with every prefetch key, dated 2025, judged as of
2025-06-02); the order-select calls are the same requests with the hook and selections set.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services import catalog
from services.card_format import SUMMARY_MAX
from tests.services import chart_files
from tests.services.helpers import Evaluator, one_of_topic

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
MAOI = "order-maoi-interaction"
REPEATS = "order-repeats-failed-trial"
SAME_CLASS = "order-same-class-running"
INTERACTION = "order-drug-interaction"

_FOLDER = Path(__file__).parent / "s28_order_select_charts"
_chart = chart_files.loader(_FOLDER)
_at = Evaluator(date(2025, 6, 2))


def _select(name: str, *ids: str) -> Doc:
    doc = _chart(name)
    doc["hook"] = "order-select"
    doc["context"]["selections"] = [f"MedicationRequest/{i}" for i in ids]
    return doc


def _keys(doc: Doc) -> dict[str, str | None]:
    """Each card's dedupe key (with its statement fingerprint) by topic."""
    result = _at.result(doc)
    return {r.topic: r.dedupe_key for r in result.evaluation.recommendations}


@pytest.mark.parametrize("path", sorted(_FOLDER.glob("*.json")), ids=lambda p: p.stem)
def test_charts_are_complete_requests(path: Path) -> None:
    chart_files.check_chart(_chart(path.stem))


# --- finding 1: an MAOI drafted earlier meets a selected renewal -----------------------------------


def test_a_selected_renewal_beside_a_drafted_maoi_gets_the_critical_card() -> None:
    sign = _chart("phenelzine_drafted_venla_renewed")
    select = _select("phenelzine_drafted_venla_renewed", "eV1")
    summary = (
        "Phenelzine (MAOI) ordered while venlafaxine is running (renewed on this order): stop "
        "venlafaxine at least 14 days first"
    )
    for doc in (select, sign):
        card = one_of_topic(_at.cards(doc), MAOI)
        assert card["indicator"] == "critical"
        assert card["summary"] == summary
        # The diet line the phenelzine draft brings is on it at select too (the same card).
        assert "**MAOI diet:**" in card["detail"]
    # The same card at select and sign: an answer given at select holds at sign.
    assert _keys(select)[MAOI] == _keys(sign)[MAOI]
    assert str(_keys(select)[MAOI]).startswith("eP1:phenelzine:order-maoi-interaction:45#")


def test_the_maoi_selected_itself_still_gets_it_and_a_new_start_is_said_once() -> None:
    card = one_of_topic(_at.cards(_select("phenelzine_drafted_venla_renewed", "eP1")), MAOI)
    assert card["summary"].startswith("Phenelzine (MAOI) ordered while venlafaxine is running")
    # Both selected: one card, one line for the pair.
    both = one_of_topic(_at.cards(_select("phenelzine_drafted_venla_renewed", "eP1", "eV1")), MAOI)
    assert both["detail"].count("**Venlafaxine → phenelzine (MAOI)**") == 1


# --- finding 2: one key per card from every draft it names ----------------------------------------


def test_cards_naming_both_ssris_keep_one_key_and_one_statement_at_select_and_sign() -> None:
    sign = _keys(_chart("two_ssris_over_venlafaxine"))
    for selected in ("eE1", "eF1"):
        select = _keys(_select("two_ssris_over_venlafaxine", selected))
        for topic in (SAME_CLASS, REPEATS):
            assert select[topic] == sign[topic], (selected, topic)
    assert str(sign[SAME_CLASS]).split("#")[0] == (
        "eF1:fluoxetine:order-same-class-running:20,eE1:escitalopram:order-same-class-running:10"
    )
    assert str(sign[REPEATS]).split("#")[0] == (
        "eF1:fluoxetine:order-repeats-failed-trial:20,eE1:escitalopram:order-repeats-failed-trial:10"
    )


def test_the_interaction_card_keys_the_drafts_it_names_selected_or_not() -> None:
    key = _keys(_select("lithium_ibuprofen", "eL1"))[INTERACTION]
    assert str(key).split("#")[0] == (
        "eL1:lithium:order-drug-interaction:600,eI1:ibuprofen:order-drug-interaction:600"
    )


# --- finding 5: the running drug and the lithium level stay in the summary ------------------------


def test_two_ssris_over_venlafaxine_name_it_on_the_repeat_card() -> None:
    for doc in (_chart("two_ssris_over_venlafaxine"), _select("two_ssris_over_venlafaxine", "eE1")):
        card = one_of_topic(_at.cards(doc), REPEATS)
        assert card["summary"] == (
            "Fluoxetine and escitalopram: their class (SSRI) failed an adequate trial; "
            "venlafaxine still running"
        )
        detail = card["detail"]
        # Said once for the pair, not once a draft.
        assert detail.count("fluoxetine and escitalopram belong to SSRI") == 1
        assert (
            "Are fluoxetine and escitalopram a switch (plan the taper or cross-taper and "
            "venlafaxine's stop date) or a combination (all continue: three serotonin reuptake "
            "inhibitors: serotonin-syndrome risk; CANMAT 3rd line)?"
        ) in detail


def test_lithium_with_ibuprofen_at_sign_keeps_the_level_in_the_summary() -> None:
    card = one_of_topic(_at.cards(_chart("lithium_ibuprofen")), INTERACTION)
    summary = card["summary"]
    assert "lithium level in 5-7 days" in summary
    assert summary.startswith("Lithium and ibuprofen on one order: raises lithium levels")
    assert "; also lithium + lisinopril (+1 more)" in summary
    assert len(summary) <= SUMMARY_MAX
    # Every pair is still in the detail.
    assert "venlafaxine" in card["detail"] and "lisinopril" in card["detail"]


# --- finding 4: selections: [] ---------------------------------------------------------------------


def test_empty_selections_check_every_draft_and_say_so() -> None:
    doc = _select("phenelzine_drafted_venla_renewed")
    assert doc["context"]["selections"] == []
    cards = _at.cards(doc)
    card = one_of_topic(cards, MAOI)
    assert card["indicator"] == "critical"
    text = " ".join(c["detail"] for c in cards)
    assert "context.selections is empty" in text
    assert "all 2 draft orders were checked instead" in text


# --- finding 3: the order-sign service says what it does ------------------------------------------


def test_order_sign_description_says_answered_cards_only_are_left_out() -> None:
    service = catalog.by_id("trd-order-sign")
    assert service is not None
    assert "without repeating" not in service.description
    assert "unless it was accepted or overridden" in service.description
