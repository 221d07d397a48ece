"""Audit 17 W3, M5, M10: the cards of one screen tell one story.

- W3 (c01: PHQ-9 20 -> 12, 40 %; d07: 17 -> 12, 29 %): the optimise card added an adjunct to the
  partial responder first (CANMAT 2023 para 190) while its own summary and the TMS card said
  "2 adequate trials failed" and the TMS referral stayed recommended. Now every card counts "1
  adequate trial failed (sertraline), 1 partial response (venlafaxine, 40 %)"; the TMS criterion
  names it ("partial response 40 %, counted as inadequate response": < 50 % is no response, so
  L37086's "inadequate response" counts it); the TMS summary says "an adjunct ... first, then
  consider TMS referral", and the referral is offered, not recommended (the safer choice: the
  guideline's next step for a partial response is an adjunct; the referral stays one click).
- M5 (d04/d05): "score it" on the measurement card, "repeat the PHQ-9" on the optimise card and
  a recommended "Ask for a PHQ-9": now both cards ask to score the form of 2025-05-26, and the
  one-click is the fallback, "Repeat the PHQ-9 if that form cannot be scored", not recommended.
- M10 (dysthymia since 2010, F32.A now): "augment (adjuncts held: diagnosis not MDD)" proposed
  and withdrew the step in one line; now the summary names the diagnoses and what is held, once.

Charts: review 17's requests (tests/services/review17_charts, leftover17_charts).
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

from cds_hooks.offline import OfflineResult
from services.payer_criteria.trials import trial_line
from tests.services import chart_files
from tests.services.helpers import Evaluator

AS_OF = date(2025, 6, 2)
HERE = Path(__file__).parent
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"
MBC = "measurement-based-care"
Doc = dict[str, Any]

_review17 = chart_files.loader(HERE / "review17_charts")
_leftover17 = chart_files.loader(HERE / "leftover17_charts")
_at = Evaluator(AS_OF)
_run = _at.result


def _cards(result: OfflineResult) -> dict[str, Doc]:
    cards = result.response.to_json()["cards"]
    return {c["source"]["topic"]["code"]: c for c in cards}


def _referral(card: Doc) -> Doc:
    return next(s for s in card["suggestions"] if s["label"] == "Refer for TMS evaluation")


def _after_an_adjunct(card: Doc) -> bool:
    """The referral is named, not one click, while the card puts the adjunct first (review s26
    RN finding 6: a step hold, services/hold_survival.py)."""
    return "suggestions" not in card and card["detail"].startswith(
        "**Not one click yet:** Refer for TMS evaluation; this card puts "
        '"an adjunct to venlafaxine" first'
    )


# --- W3: a partial response, said alike on every card ------------------------------------------


def test_partial_response_is_counted_alike_on_the_optimise_and_tms_cards() -> None:
    cards = _cards(_run(_review17("c01_partial_response_40pct")))
    optimise, tms = cards[OPTIMISE], cards[TMS]
    # Before: both began "2 adequate trials failed (sertraline, venlafaxine)".
    assert optimise["summary"] == (
        "1 adequate trial failed (sertraline), 1 partial response (venlafaxine, 40 %): add an "
        "adjunct to venlafaxine first (CANMAT para 190)"
    )
    assert tms["summary"].startswith("1 adequate trial failed, 1 partial response; PHQ-9 12: ")
    for card in (optimise, tms):
        assert "2 adequate trials failed" not in card["summary"]


def test_tms_card_names_the_partial_response_and_offers_the_referral_after_an_adjunct() -> None:
    tms = _cards(_run(_review17("c01_partial_response_40pct")))[TMS]
    # Before: "venlafaxine (SNRI, failed)" and a recommended referral beside an optimise card
    # that adds an adjunct to venlafaxine first.
    assert (
        "venlafaxine (SNRI, partial response (40 %), which this rule set counts as an inadequate "
        "response)" in tms["detail"]
    )
    assert "an adjunct first, then consider TMS referral" in tms["summary"]
    assert "**Partial response on a running course:** venlafaxine, PHQ-9 20 -> 12" in tms["detail"]
    assert "para 190" in tms["detail"]
    assert _after_an_adjunct(tms)


def test_referral_summary_trial_line_names_the_partial_response() -> None:
    result = _run(_review17("c01_partial_response_40pct"))
    venlafaxine = next(t for t in result.evaluation.record.trials if t.ingredient == "venlafaxine")
    line = trial_line(venlafaxine)
    assert "partial response after" in line
    assert "PHQ-9 20 -> 12 (40 %), which this rule set counts as an inadequate response" in line
    assert "failed after" not in line


def test_a_29_percent_drop_reads_the_same_on_both_cards() -> None:
    cards = _cards(_run(_review17("d07_qr_lhc_loinc_items")))
    words = "1 partial response (venlafaxine, 29 %)"
    assert words in cards[OPTIMISE]["summary"]
    assert "partial response" in cards[TMS]["summary"]
    assert "venlafaxine (SNRI, partial response (29 %)" in cards[TMS]["detail"]
    assert _after_an_adjunct(cards[TMS])


def test_no_response_keeps_the_failed_words_and_the_recommended_referral() -> None:
    # c01 with 20 -> 16 (20 %): no response, not partial; nothing of the above applies.
    doc = copy.deepcopy(_review17("c01_partial_response_40pct"))
    for entry in doc["prefetch"]["observations"]["entry"]:
        resource = entry["resource"]
        if resource["effectiveDateTime"].startswith("2025-05-19") and "valueQuantity" in resource:
            resource["valueQuantity"]["value"] = 16
    cards = _cards(_run(doc))
    assert cards[OPTIMISE]["summary"].startswith(
        "2 adequate trials failed (sertraline, venlafaxine)"
    )
    assert "venlafaxine (SNRI, failed)" in cards[TMS]["detail"]
    assert "Partial response" not in cards[TMS]["detail"]
    assert _referral(cards[TMS])["isRecommended"] is True


# --- M5: a PHQ-9 without a total: one ask ------------------------------------------------------


def test_a_form_without_a_total_is_asked_to_be_scored_on_both_cards() -> None:
    for name in ("d04_panel_hasmember_items_only", "d05_total_interpretation_no_value"):
        cards = _cards(_run(_review17(name)))
        optimise, mbc = cards[OPTIMISE], cards[MBC]
        # Before: "venlafaxine not measured yet: repeat the PHQ-9 before augmenting or switching".
        assert "venlafaxine's PHQ-9 of 2025-05-26 has no total: score it" in optimise["summary"]
        assert "repeat the PHQ-9" not in optimise["summary"]
        line = next(
            p for p in optimise["detail"].split("\n\n") if p.startswith("**Current trial not")
        )
        assert "has a PHQ-9 without a total on 2025-05-26: score it" in line
        assert mbc["summary"].endswith(
            "the PHQ-9 of 2025-05-26 has no total: score it before deciding"
        )
        # Before: "Ask for a PHQ-9", recommended: a new form beside "score it".
        (suggestion,) = mbc["suggestions"]
        assert suggestion["label"] == "Repeat the PHQ-9 if that form cannot be scored"
        assert not suggestion.get("isRecommended")


# --- M10: dysthymia with F32.A: what is held and why, once -------------------------------------


def test_not_mdd_summary_says_what_is_held_once() -> None:
    optimise = _cards(_run(_leftover17("dysthymia_2010_f32a_now")))[OPTIMISE]
    summary = optimise["summary"]
    # Before: "2 adequate trials failed (sertraline, venlafaxine): augment (adjuncts held:
    # diagnosis not MDD) or switch class".
    assert "augment (" not in summary
    assert "Dysthymic disorder (F34.1) since 2010" in summary
    assert "Depression, unspecified (F32.A) since 2024" in summary
    assert "major depressive episode" in summary
    assert "depression, unspecified: to confirm MDD" not in optimise["detail"]
