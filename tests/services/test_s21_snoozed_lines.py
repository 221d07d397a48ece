"""Review s21 RE W1: a safety line carried by a card that may be snoozed does not vanish with
the snooze.

- The optimise and TMS cards of trd_meets_tms (v0, 2025-06-02) overridden, then on 2025-06-16 a
  PHQ-9 given as a total only (17, the band of the 18 on record, no item 9). Before, both cards'
  fingerprints were as at v0, so both stayed hidden, and item9_not_recorded counted a snoozed
  card as carrying the line: no card said item 9. Now the card that carries the line has that
  PHQ-9 in its fingerprint (the optimise card comes back, its adjuncts held), and with the
  carriers hidden the line goes to a card shown, else to the item-9 card of its own.
- The same pattern on the worse-after-raise lead: a PHQ-9 worse after a raise in the same band
  (18 -> 19) left the optimise card's fingerprint as it was while the raise waited, so a snooze
  hid "assess suicide risk, side effects and adherence". Its fingerprint now holds the worse
  score.

Charts: tests/services/snoozed_lines_charts/ (the fixture trd_meets_tms with a refill and the
total-only PHQ-9; raise_edges20's worse_after_raise with the later score removed or made 19).
The snooze itself (stored fingerprints, the issuer's re-composed screen) is pinned over HTTP in
tests/cds_hooks/test_snooze_item9_line.py.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cds_hooks.offline import evaluate_document
from services.evaluation import Evaluation, screen_without
from services.policy import Policy
from services.recommendation import Indicator, Recommendation
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"
ITEM9 = "phq9-item9-not-recorded"
V0, D14 = date(2025, 6, 2), date(2025, 6, 16)

_chart = chart_files.loader(Path(__file__).parent / "snoozed_lines_charts")


def _evaluation(name: str, as_of: date) -> Evaluation:
    return evaluate_document(
        _chart(name), hook="patient-view", as_of=as_of, policy=Policy()
    ).evaluation


def _by_topic(recs: tuple[Recommendation, ...]) -> dict[str, Recommendation]:
    return {r.topic: r for r in recs}


def _keys(evaluation: Evaluation) -> dict[str, str | None]:
    return {r.topic: r.evidence_key for r in evaluation.recommendations}


def test_the_card_carrying_the_item9_line_leaves_the_snooze_given_before_it() -> None:
    before = _keys(_evaluation("v0_trd_meets_tms", V0))
    after = _by_topic(_evaluation("d14_phq9_total_only_same_band", D14).recommendations)
    optimise = after[OPTIMISE]
    assert optimise.summary == (
        "2 adequate trials failed (sertraline, venlafaxine): ask PHQ-9 item 9 (not recorded) first, "
        "then augment or switch class"
    )
    assert "item 9" in optimise.detail.split("\n\n")[0]
    # The new total-only PHQ-9 is in the fingerprint of the card that says it: the snooze given
    # at v0 no longer matches. The TMS card does not carry the line: its snooze holds (no
    # noise); its referral waits for item 9 as the adjuncts do (review s24 RA finding 1).
    assert optimise.evidence_key != before[OPTIMISE]
    assert after[TMS].evidence_key == before[TMS]
    assert "**PHQ-9 item 9 not recorded:**" not in after[TMS].detail
    assert "**Referral not marked recommended until item 9 is known:**" in after[TMS].detail


def test_with_the_optimise_card_snoozed_the_tms_card_carries_the_line() -> None:
    evaluation = _evaluation("d14_phq9_total_only_same_band", D14)
    shown = _by_topic(screen_without(evaluation, Policy(), frozenset({OPTIMISE})))
    assert ITEM9 not in shown
    assert "item 9 not recorded" in shown[TMS].detail
    # Its fingerprint now holds that PHQ-9 as well (a snooze of the TMS card alone, given
    # before, does not hide the line it now carries).
    assert shown[TMS].evidence_key != _keys(evaluation)[TMS]


def test_with_both_carriers_snoozed_the_item9_card_shows_on_its_own() -> None:
    evaluation = _evaluation("d14_phq9_total_only_same_band", D14)
    shown = _by_topic(screen_without(evaluation, Policy(), frozenset({OPTIMISE, TMS})))
    assert list(shown) == [ITEM9]
    card = shown[ITEM9]
    assert card.summary == ("PHQ-9 17 on 2025-06-16: item 9 not recorded - check or ask it today")
    assert card.indicator is Indicator.WARNING
    assert card.snoozable and card.evidence_key is not None


def test_a_worse_score_after_a_raise_leaves_the_snooze_given_while_it_waited() -> None:
    waiting = _by_topic(_evaluation("raise_waiting_2025-03-17", date(2025, 3, 17)).recommendations)
    worse = _by_topic(
        _evaluation("raise_worse_same_band_2025-03-24", date(2025, 3, 24)).recommendations
    )
    assert "reassess from 2025-03-31" in waiting[OPTIMISE].summary
    assert worse[OPTIMISE].summary.startswith(
        "Sertraline raised to 150 mg/day on 2025-03-03, PHQ-9 worse since (18 → 19): assess "
        "suicide risk"
    )
    # 18 and 19 are one PHQ-9 band: only the worse score in the fingerprint ends the snooze.
    assert worse[OPTIMISE].evidence_key != waiting[OPTIMISE].evidence_key
