"""Session 28 fix words28 (FW2): three wording leftovers, on the charts the reviews made
(s28_words3_charts/, copied from the review scratch, every prefetch key; as-of 2026-12-01).

1. Recheck K6 s28 finding 4: escitalopram 30 mg/day drafted at 16 beside running paroxetine and
   venlafaxine read "Paroxetine running at age 16: ...; escitalopram order: see the detail;
   boxed warning": the card's own point (above the 20 mg/day under-18 label dose) was left to
   the detail and venlafaxine was not named (services/order_boxed._led_by_running).
2. Review RI finding 6: an EPDS of 22 on 2026-11-25, newer than the PHQ-9 of 2026-11-15 (within
   the measurement interval), was on no card: the optimise card's basis names it now
   (optimize/stale_score.newer_screen_line).
3. An item 9 read by its words on a PHQ-A form (LOINC 89204-2, not a PHQ-9 by name) raised "the
   PHQ-9 of 2026-11-25 has no total: score it before deciding": a safety reading of item 9 is no
   PHQ-9 to score (Score.item9_only, services/phq9_no_total.py); a positive one stays critical.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services.card_format import SUMMARY_MAX
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
_chart = chart_files.loader(Path(__file__).parent / "s28_words3_charts")
_at = Evaluator(AS_OF)


def _checked(name: str) -> dict[str, Any]:
    doc = _chart(name)
    chart_files.check_chart(doc)
    return doc


def test_the_under_18_dose_card_keeps_its_point_and_names_every_running_drug() -> None:
    cards = _at.cards(_checked("p13_age16_paroxetine_venlafaxine_running_draft_escitalopram30"))
    card = next(c for c in cards if c["summary"].startswith("Escitalopram 30 mg/day"))
    assert card["summary"] == (
        "Escitalopram 30 mg/day at age 16: above the 20 mg/day label dose; paroxetine, "
        "venlafaxine running: not for use under 18; boxed warning"
    )
    assert len(card["summary"]) <= SUMMARY_MAX
    assert card["indicator"] == "warning"
    assert not any("see the detail" in c["summary"] for c in cards)
    # The detail still says both running drugs and the label's dose in full.
    assert "Lexapro label 2.1 gives 10-20 mg/day" in card["detail"]
    assert "paroxetine (dose not read" in card["detail"]
    # Its dose is to confirm (fix order47: said so, with its highest reading).
    assert "venlafaxine (dose to confirm, up to 150 mg/day, since" in card["detail"]


def test_a_newer_epds_is_named_on_the_optimise_card_when_the_phq9_is_recent() -> None:
    cards = _at.by_topic(_checked("A11_epds_total_22_pregnant_view"))
    line = (
        "**Since the PHQ-9 of 2026-11-15:** EPDS 22 on 2026-11-25: not a PHQ-9, item 9 not "
        "asked; this card judges PHQ-9 totals, so it is named here, not counted."
    )
    assert line in cards["optimize-switch-augment"]["detail"]
    assert sum(c["detail"].count("EPDS 22 on 2026-11-25") for c in cards.values()) == 1


def test_an_item9_only_reading_on_a_phqa_form_asks_no_score() -> None:
    cards, record = _at.by_topic_and_record(_checked("e09_qr_phqa_item9_not_at_all"))
    assert not any("has no total" in c["summary"] for c in cards.values())
    assert "suicide-risk" not in cards
    item9 = [s for s in record.scores if s.date == date(2026, 11, 25) and s.item9 is not None]
    assert [(s.value, s.item9, s.item9_only) for s in item9] == [(None, 0, True)]


def test_a_positive_item9_on_a_phqa_form_keeps_the_critical_card() -> None:
    cards = _at.by_topic(_checked("e09p_qr_phqa_item9_nearly_every_day"))
    assert cards["suicide-risk"]["indicator"] == "critical"
    # Named by its form since session 29 fix forms30 item 2 (canonical q/89204-2: phqa_forms.csv).
    assert cards["suicide-risk"]["summary"].startswith("PHQ-A item 9 = 3 (nearly every day)")
    assert not any("has no total" in c["summary"] for c in cards.values())
