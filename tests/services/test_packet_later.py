"""The TMS referral summary (packet) built after every hold of the screen (issue 14,
services/rules/tms_packet_later.py): beside a critical safety card (a toxic lithium level, a low
sodium, a tricyclic level) the critical-card hold takes the referral off, and no packet is built
for it; where the referral stays, its packet is the one built at once. Either way the response is
the same, field for field and byte for byte, as when the packet was built with the card."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest

from cds_hooks.config.settings import load_settings
from cds_hooks.offline import evaluate_document
from services.packet import attach_packet
from services.rules import tms_packet_later

_SERVICES = Path(__file__).parent
_AS_OF = date(2026, 12, 1)
_UUID = re.compile(rb'"uuid":"[^"]*"')  # new on every response
# Charts whose TMS referral a critical card holds ("Not one click yet: ...; the critical card
# ... comes first"): their packet was built and thrown away.
HELD = (
    "status31_charts/lithium_1_6_final",
    "sodium31_charts/p07_venlafaxine_127_LL",
    "labs38_charts/t02_nortriptyline_120_AA",
    "allergy38_charts/b2_qt_pv",
)
# Charts whose referral stays one click, the packet attached: built once, as before.
KEPT = (
    "allergy30_charts/r7_control_course_8wk_after_allergy",
    "allergy33_charts/a16_rash_2023_sertraline_since_2023_pv",
)


def _response(name: str) -> tuple[Any, bytes]:
    doc = json.loads((_SERVICES / f"{name}.json").read_text("utf-8"))
    policy = load_settings(None).clinical_policy()
    result = evaluate_document(doc, hook="patient-view", as_of=_AS_OF, policy=policy)
    body = orjson.dumps(result.response.to_json(), default=str)
    return result.evaluation.recommendations, _UUID.sub(b'"uuid":"-"', body)


def _counted(monkeypatch: pytest.MonkeyPatch, *, at_once: bool) -> tuple[list[object], Any]:
    built: list[object] = []

    def counted(*args: Any, **kwargs: Any) -> Any:
        built.append(args[0])
        return attach_packet(*args, **kwargs)

    monkeypatch.setattr(tms_packet_later, "attach_packet", counted)
    if at_once:  # the card made as tms_referral.rule alone makes it: the packet attached
        monkeypatch.setattr(tms_packet_later, "_later", counted)
    return built, counted


@pytest.mark.parametrize("name", HELD + KEPT)
def test_the_screen_is_the_one_the_packet_built_at_once_gave(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    built, _ = _counted(monkeypatch, at_once=False)
    later_recs, later_bytes = _response(name)
    later_built = len(built)
    again, _ = _counted(monkeypatch, at_once=True)
    once_recs, once_bytes = _response(name)
    assert later_recs == once_recs
    assert later_bytes == once_bytes
    assert len(again) == 1  # built with the card, at once
    if name in HELD:
        assert later_built == 0  # the referral held: no packet built for it
        assert b"Not one click yet" in later_bytes
    else:
        assert later_built == 1
        assert b'"supportingInfo"' in later_bytes
