"""The referral summary is built only for a referral that stays on the card (issue 14): a TMS
card whose step hold takes the referral off (item 9 not asked) is the same card, field by field,
as when the packet was attached and then held, and still links the summary."""

from __future__ import annotations

from datetime import date

import pytest

from bench.inprocess import hook_input
from services.evaluation import evaluate
from services.packet import attach_packet
from services.policy import Policy
from services.recommendation import Recommendation
from services.rules import tms_packet_later, tms_referral
from tests.fixtures import sizes


def _tms_card() -> Recommendation:
    result = evaluate(hook_input(sizes.typical(), date(2025, 6, 2)), Policy())
    return next(r for r in result.recommendations if r.topic == tms_referral.TOPIC)


def test_a_held_referral_builds_no_packet_and_the_card_is_unchanged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built: list[object] = []

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        built.append(args[0])
        return attach_packet(*args, **kwargs)

    monkeypatch.setattr(tms_referral, "attach_packet", counted)
    # run_rules' card, the packet left for after the holds (tms_packet_later: none built either)
    monkeypatch.setattr(tms_packet_later, "attach_packet", counted)
    lazy = _tms_card()
    assert built == []  # the referral was held by the item-9 step: no packet built
    assert lazy.wants_packet  # the card still links the summary
    assert all(s.label != "Refer for TMS evaluation" for s in lazy.suggestions)
    # As before: the packet attached, then the step hold takes the referral off.
    monkeypatch.setattr(tms_referral, "_held_off", lambda step, referral: False)
    monkeypatch.setattr(tms_packet_later, "_later", counted)  # built at once
    eager = _tms_card()
    assert len(built) == 1
    assert eager == lazy
