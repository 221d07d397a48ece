"""A card whose trial was judged on another scale than the PHQ-9 names it.

Recheck 13-2 (m05, m08, m12, m13): a course with no PHQ-9 on treatment is judged on the MADRS,
HAM-D17, QIDS-SR16 or BDI-II (data/scale_outcomes.csv), but when the trials table goes
behind the treatment timeline link every card read "**Trials and scores:** on the treatment
timeline (doses, dates, adherence, PHQ-9)" and none named the scale or its scores. Now the line
replacing the table says "scores", not "PHQ-9", and adds "<drug> judged on <scale> <before> →
<after>", once per card; the measurement-based-care card, whose outcome line names the pair
already, only gets the wording. A PHQ-9-only screen is unchanged (golden 38 same, 0 differ).

Charts: the recheck's probes (patient-view requests with Epic / US Core-shaped prefetch, valid
R4) in tests/services/recheck2_charts/; m08 is edited in place to a BDI-II failure.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services.recommendation import Evidence, Indicator, Recommendation, Source
from services.screen import TIMELINE, TIMELINE_SCALES, share_evidence
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent / "recheck2_charts"
OPTIMISE = "optimize-switch-augment"
MBC = "measurement-based-care"
ITEM9 = "phq9-item9-unanswered"
Doc = dict[str, Any]


def _chart(prefix: str) -> Doc:
    (path,) = CHARTS.glob(f"{prefix}_*.json")
    doc: Doc = json.loads(path.read_text("utf-8"))
    return doc


_at = Evaluator(AS_OF, hook="patient-view")
_cards = _at.by_topic


def _trial_cards(cards: dict[str, Doc]) -> dict[str, Doc]:
    """The cards whose trials table went behind the timeline link."""
    return {
        t: c for t, c in cards.items() if "**Trials and scores:** on the treatment" in c["detail"]
    }


@pytest.mark.parametrize(
    ("prefix", "pairs", "topics"),
    [
        ("m05", ["escitalopram judged on QIDS-SR16 18 → 12"], {OPTIMISE, "psychotherapy"}),
        (
            "m12",
            ["sertraline judged on MADRS 34 → 32", "venlafaxine judged on MADRS 32 → 31"],
            {OPTIMISE},
        ),
        # m13 (two trials failed on the MADRS alone) has a TMS card,
        # whose pointer the optimise card gives: tests/services/test_a4_scales.py.
    ],
)
def test_every_card_counting_an_other_scale_trial_names_its_pair_once(
    prefix: str, pairs: list[str], topics: set[str]
) -> None:
    cards = _trial_cards(_cards(_chart(prefix)))
    assert topics <= set(cards)  # the control: the cards the recheck read
    for card in cards.values():
        detail = card["detail"]
        line = "; ".join([TIMELINE_SCALES.removesuffix("."), *pairs]) + "."
        assert line in detail
        for pair in pairs:
            assert detail.count(pair.split(" judged on ")[1]) == 1
        assert TIMELINE not in detail  # "(doses, dates, adherence, PHQ-9)": no PHQ-9 judged it


def test_m08_a_bdi2_failure_names_the_bdi2_pair() -> None:
    doc = _chart("m08")
    # 20 -> 16: neither a 50 % drop nor the BDI-II minimal band (<= 13): a failed trial.
    for entry in doc["prefetch"]["observations"]["entry"]:
        quantity = entry["resource"].get("valueQuantity")
        if quantity is not None and quantity["value"] == 13:
            quantity["value"] = 16
    card = _cards(doc)[OPTIMISE]
    assert card["summary"].startswith("1 adequate trial failed (escitalopram)")
    assert (
        f"{TIMELINE_SCALES.removesuffix('.')}; escitalopram judged on BDI-II 20 → 16."
        in (card["detail"])
    )


def test_m11_the_measurement_card_names_the_madrs_pair_in_its_outcome_line_only() -> None:
    cards = _cards(_chart("m11"))
    # m11's latest PHQ-9 has no item 9, so the measurement card comes under its unsnoozable
    # item-9 topic; the outcome line is the same card's.
    assert MBC not in cards
    mbc = cards[ITEM9]["detail"]
    assert "rests on MADRS 32 (2025-01-06) → 29 (2025-05-26)" in mbc
    assert TIMELINE_SCALES in mbc and "judged on" not in mbc and TIMELINE not in mbc
    assert "escitalopram judged on MADRS 32 → 29." in cards[OPTIMISE]["detail"]


# --- the screen pass on its own ------------------------------------------------------------------

TABLE = "| trial | outcome |\n|---|---|\n| escitalopram | QIDS-SR16 18 → 12 |"


def _rec(topic: str, evidence: Evidence, *, timeline: bool = False) -> Recommendation:
    return Recommendation(
        topic=topic,
        indicator=Indicator.INFO,
        summary=topic,
        detail=f"Why.\n\n{evidence.text}\n\nEnd.",
        source=Source(label="CANMAT 2023"),
        wants_timeline=timeline,
        evidence=(evidence,),
    )


def test_a_pointer_to_the_card_keeping_the_table_adds_the_basis() -> None:
    trials = Evidence(
        key="trials",
        text=TABLE,
        covers=frozenset({"trial:escitalopram:2025-01-06"}),
        basis="escitalopram judged on QIDS-SR16 18 → 12",
        scales=("QIDS-SR16",),
    )
    kept, pointing = share_evidence([_rec(OPTIMISE, trials), _rec("psychotherapy", trials)])
    assert TABLE in kept.detail and "judged on" not in kept.detail  # the table names it
    assert (
        "**Trials:** Optimise, switch or augment card; escitalopram judged on QIDS-SR16 18 → 12."
        in pointing.detail
    )


def test_a_phq9_only_section_keeps_the_timeline_line_as_it_was() -> None:
    trials = Evidence(key="trials", text=TABLE, covers=frozenset({"t"}))
    (card,) = share_evidence([_rec(OPTIMISE, trials, timeline=True)])
    assert card.detail == f"Why.\n\n{TIMELINE}\n\nEnd."
