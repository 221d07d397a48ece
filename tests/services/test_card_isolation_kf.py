"""s26-kf: one card that cannot be built never costs the others (offline; the HTTP answer:
tests/cds_hooks/test_card_isolation_http.py).

Before, a Recommendation the CDS Hooks card model rejected (a blank summary, an unknown
indicator, a suggestion action without its payload, a detail that is not text, a source url that
is not text, ...) failed the whole evaluation: `evaluate_document` raised and the running-drug
caution card (critical: nortriptyline with a complete heart block) was lost with it. Now the
conversion builds each card on its own (cds_hooks/card_stand_in.built); in place of the broken
one a generic, non-silent card ("A card could not be built (topic X): ..."; warning, or critical
when the lost card was), and one `card.not_built` line with the topic and the rejected field
names only.

The chart: tests/services/card_isolation_charts/nortriptyline_heart_block_caution_and_optimise
(a copy of rk1_edges_charts/heart_block_resolved_then_active_again: two cards, critical caution
then the optimise card). The evaluation is the real one, one card changed after the rules.
"""

from __future__ import annotations

import json
import logging
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest

from cds_hooks import offline
from cds_hooks.offline import evaluate_document
from services import screen
from services.evaluation import Evaluation
from services.policy import Policy
from services.recommendation import Action, Indicator, Source, Suggestion
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
CHART = "nortriptyline_heart_block_caution_and_optimise"
OPTIMISE = "optimize-switch-augment"
CAUTION = "running-drug-caution"
Doc = dict[str, Any]

_chart = chart_files.loader(Path(__file__).parent / "card_isolation_charts")

# (topic broken, the change, the rejected fields logged, the stand-in's indicator)
BROKEN: dict[str, tuple[str, dict[str, Any], list[str], str]] = {
    "blank-summary": (OPTIMISE, {"summary": ""}, ["Card.summary"], "warning"),
    "unknown-indicator": (
        OPTIMISE,
        {"indicator": SimpleNamespace(value="urgent")},
        ["Card.indicator"],
        "warning",
    ),
    "action-without-payload": (
        OPTIMISE,
        {"suggestions": (Suggestion("Stop it", (Action("delete", "Stop the order"),)),)},
        ["Action"],
        "warning",
    ),
    "detail-not-text": (OPTIMISE, {"detail": 42}, ["Card.detail"], "warning"),
    "source-url-not-text": (
        OPTIMISE,
        {"source": Source(label="NICE", url=cast(Any, 7), topic_code=OPTIMISE)},
        ["Source.url"],
        "warning",
    ),
    # The critical card itself: its stand-in stays critical.
    "critical-blank-summary": (CAUTION, {"summary": ""}, ["Card.summary"], "critical"),
    # A plain string where the enum belongs fails before the model (AttributeError).
    "critical-plain-string-indicator": (
        CAUTION,
        {"indicator": "critical"},
        ["AttributeError"],
        "critical",
    ),
}


def _evaluate(monkeypatch: pytest.MonkeyPatch | None = None, case: str | None = None) -> Doc:
    if monkeypatch is not None and case is not None:
        topic, change, _fields, _indicator = BROKEN[case]
        real = offline.evaluate

        def broken(call: Any, policy: Policy) -> Evaluation:
            evaluation = real(call, policy)
            recs = tuple(
                screen.with_fields(r, **change) if r.topic == topic else r
                for r in evaluation.recommendations
            )
            assert any(a is not b for a, b in zip(recs, evaluation.recommendations, strict=True))
            return Evaluation(evaluation.record, recs, evaluation.hook, evaluation.selections)

        monkeypatch.setattr(offline, "evaluate", broken)
    doc = _chart(CHART)
    result = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy())
    out: Doc = result.response.to_json()
    return out


def _without_uuids(card: Doc) -> Doc:
    return {k: v for k, v in card.items() if k != "uuid"}


def test_the_chart_is_valid_r4b_with_every_prefetch_key() -> None:
    doc = _chart(CHART)
    chart_files.check_chart(doc)


def test_the_chart_has_two_cards_the_first_critical() -> None:
    cards = _evaluate()["cards"]
    assert [(c["source"]["topic"]["code"], c["indicator"]) for c in cards] == [
        (CAUTION, "critical"),
        (OPTIMISE, "warning"),
    ]


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_card_not_built_costs_no_other_card(
    case: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    topic, _change, fields, indicator = BROKEN[case]
    whole = _evaluate()["cards"]
    with caplog.at_level(logging.WARNING):
        cards = _evaluate(monkeypatch, case)["cards"]
    assert [c["source"]["topic"]["code"] for c in cards] == [CAUTION, OPTIMISE]
    # The other card exactly as without the broken one.
    (kept,) = [c for c in cards if c["source"]["topic"]["code"] != topic]
    (same,) = [c for c in whole if c["source"]["topic"]["code"] != topic]
    assert _without_uuids(kept) == _without_uuids(same)
    # In the broken one's place: the stand-in, not silent, critical kept critical.
    (stand_in,) = [c for c in cards if c["source"]["topic"]["code"] == topic]
    assert stand_in["summary"] == (
        f"A card could not be built (topic {topic}): open the chart's timeline / contact support"
    )
    assert stand_in["indicator"] == indicator
    assert stand_in["source"] == {
        "label": "Treatment-resistant depression pathway service",
        "topic": {"code": topic, "system": "urn:trd-cds:card-topic", "display": "Card not built"},
    }
    assert "card.not_built" in stand_in["detail"]
    assert "suggestions" not in stand_in and "overrideReasons" not in stand_in
    # One log line: the topic and the rejected field names, no values.
    logged = [r for r in caplog.records if r.getMessage() == "card.not_built"]
    assert [(r.levelno, r.__dict__["fields"]) for r in logged] == [
        (logging.ERROR, {"topic": topic, "rejected": fields})
    ]
    text = json.dumps(logged[0].__dict__["fields"]).lower()
    assert "nortriptyline" not in text and "heart" not in text


def test_an_unknown_topic_is_named_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    """A topic that is not a code (free text could be patient text) is not echoed."""
    real = offline.evaluate

    def broken(call: Any, policy: Policy) -> Evaluation:
        evaluation = real(call, policy)
        recs = tuple(
            screen.with_fields(r, topic="Nortriptyline for J. Doe", summary="")
            if r.indicator is Indicator.WARNING
            else r
            for r in evaluation.recommendations
        )
        return Evaluation(evaluation.record, recs, evaluation.hook, evaluation.selections)

    monkeypatch.setattr(offline, "evaluate", broken)
    doc = _chart(CHART)
    cards = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy()).response
    summaries = [c["summary"] for c in cards.to_json()["cards"]]
    assert summaries[1] == (
        "A card could not be built (topic unknown): open the chart's timeline / contact support"
    )
