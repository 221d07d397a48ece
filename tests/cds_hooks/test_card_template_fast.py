"""`card_template` builds card JSON directly and validates each card shape through the wire model
once (issue 14): for every recommendation the fixtures produce its body is the model path's
body (same dict, same key order, same value types), a card of a shape seen before is built
without the model, other free text in a known shape is still checked, and anything unusual
(a summary over the limit, blank text, an unknown indicator, a shape never seen, a resource the
JSON dump would convert) goes through the model and raises or renders exactly as before."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator
from datetime import date
from types import SimpleNamespace
from typing import Any, cast

import pytest
from pydantic import ValidationError

from cds_hooks import cards as cards_module
from cds_hooks.card_stand_in import STAND_IN_DISPLAY
from cds_hooks.cards import attaches_document, card_template, to_card
from cds_hooks.models.card import Card, prune
from cds_hooks.offline import evaluate_document
from services.policy import Policy
from services.recommendation import Action, OverrideReason, Recommendation, Suggestion
from tests.fixtures import scenarios as S
from tests.fixtures import sizes
from tests.fixtures import vendor_charts as V
from tests.fixtures.test_vendor_charts import EPIC_POLICY

ORDER_HOOKS = ("order-select", "order-sign")


def model_body(rec: Recommendation) -> dict[str, Any]:
    """The body as `card_template` built it before issue 14: through the wire model."""
    body: dict[str, Any] = prune(to_card(rec).model_dump(mode="json", exclude_none=True))
    body.pop("uuid", None)
    body.pop("links", None)
    for suggestion in body.get("suggestions") or ():
        suggestion.pop("uuid", None)
    return body


def _screens() -> Iterator[tuple[str, Recommendation]]:
    for s in S.all_scenarios():
        for hook in ("patient-view", *(ORDER_HOOKS if s.draft_orders else ())):
            request = S.cds_request(s, hook)
            result = evaluate_document(request, hook=hook, as_of=s.as_of, policy=Policy())
            for rec in result.evaluation.recommendations:
                yield f"{s.name}/{hook}/{rec.topic}", rec
    vendors: list[tuple[str, Callable[[], V.VendorChart], Policy]] = [
        ("epic_chart", V.epic_chart, EPIC_POLICY),
        ("oracle_chart", V.oracle_chart, Policy()),
        ("ccda_chart", V.ccda_chart, Policy()),
        ("us_core_chart", V.us_core_chart, Policy()),
    ]
    for name, make, policy in vendors:
        chart = make()
        for hook in ("patient-view", *(ORDER_HOOKS if chart.draft_orders else ())):
            request = V.hook_request(chart, hook)
            result = evaluate_document(request, hook=hook, as_of=chart.as_of, policy=policy)
            for rec in result.evaluation.recommendations:
                yield f"{name}/{hook}/{rec.topic}", rec
    for size, build in (("small", sizes.small), ("typical", sizes.typical)):
        result = evaluate_document(build(), hook="patient-view", as_of=date.today(), policy=Policy())  # fmt: skip
        for rec in result.evaluation.recommendations:
            yield f"size-{size}/{rec.topic}", rec


RECS = list(_screens())


@pytest.fixture(autouse=True)
def fresh_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with no shape validated."""
    monkeypatch.setattr(cards_module, "_checked", set())


def _model_forbidden(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Card:
        raise AssertionError("the card went through the wire model")

    monkeypatch.setattr(cards_module, "to_card", refuse)


def _model_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []

    def spy(rec: Recommendation, **kwargs: Any) -> Card:
        calls.append(rec.topic)
        return to_card(rec, **kwargs)

    monkeypatch.setattr(cards_module, "to_card", spy)
    return calls


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return a == b and json.dumps(a) == json.dumps(b)


def _tms() -> Recommendation:
    (rec,) = [r for name, r in RECS if name == "trd_meets_tms/patient-view/tms-referral"]
    return rec


def test_the_fixtures_cover_every_kind_of_card() -> None:
    topics = {rec.topic for _, rec in RECS}
    assert {"tms-referral", "optimize-switch-augment", "suicide-risk"} <= topics
    assert any(hook in name for name, _ in RECS for hook in ORDER_HOOKS)
    assert any(attaches_document(rec) for _, rec in RECS)
    assert any(not rec.suggestions for _, rec in RECS)


def test_every_fixture_card_is_the_model_paths_card(monkeypatch: pytest.MonkeyPatch) -> None:
    """First sight (through the model, which then trusts the shape) and again (built directly,
    the model never called): the same JSON as the model path, key order included."""
    expected = [(name, rec, model_body(rec)) for name, rec in RECS]
    first = [(name, card_template(rec)) for name, rec, _ in expected]
    _model_forbidden(monkeypatch)
    for (name, rec, body), (_, cold) in zip(expected, first, strict=True):
        warm = card_template(rec)
        for template in (cold, warm):
            assert _same(template.body, body), name
            assert template.wants_timeline is rec.wants_timeline, name
            assert template.wants_packet is attaches_document(rec), name


def test_a_known_shape_with_other_free_text_is_built_and_checked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tms = _tms()
    card_template(tms)
    suggestion, order_only = tms.suggestions  # the referral with its summary, and alone
    resources = [a.resource for a in suggestion.actions]
    other_patient = [{**r, "subject": {"reference": "Patient/other"}} for r in resources if r]
    other = dataclasses.replace(
        tms,
        summary="Ünïcode summary, **markdown** and 139 characters: " + "x" * 89,
        detail="Another detail\n\n| a | b |",
        source=dataclasses.replace(tms.source, label="Another payer: its rule set"),
        suggestions=(
            Suggestion(
                label="Another label",
                actions=tuple(
                    Action(type=a.type, description=f"described {i}", resource=r)
                    for i, (a, r) in enumerate(zip(suggestion.actions, other_patient, strict=True))
                ),
                is_recommended=True,
            ),
            dataclasses.replace(order_only, label="Another label, alone"),
        ),
    )
    assert len(other.summary) == 139
    expected = model_body(other)
    _model_forbidden(monkeypatch)
    template = card_template(other)
    assert _same(template.body, expected)
    assert template.body["suggestions"][0]["actions"][0]["resource"]["subject"] == {
        "reference": "Patient/other"
    }
    # The body holds its own copy of each resource, as the model's dump did.
    assert template.body["suggestions"][0]["actions"][0]["resource"] is not other_patient[0]


def test_a_summary_over_the_limit_is_shortened_as_the_model_path_does_on_a_known_shape() -> None:
    """Review s26 RK1 finding 1: an over-long summary raised here and the whole answer failed
    (every card lost, a 500 over HTTP). Now both paths shorten it by one rule
    (cds_hooks/cards.wire_summary) and the body is the model's."""
    tms = _tms()
    card_template(tms)  # the shape is known
    long = dataclasses.replace(tms, summary="y " * 70 + "z")
    expected = model_body(long)
    template = card_template(long)
    assert _same(template.body, expected)
    assert len(template.body["summary"]) <= 139
    assert template.body["summary"].endswith("…")


@pytest.mark.parametrize(
    "change",
    [
        {"summary": ""},
        {"indicator": SimpleNamespace(value="urgent")},  # an unknown indicator
        {"suggestions": (Suggestion(label=""),)},
        {"suggestions": (Suggestion(label="Stop", actions=(Action("delete", "Stop"),)),)},
        {"override_reasons": (OverrideReason(code="no-display", display=""),)},
    ],
    ids=["empty-summary", "unknown-indicator", "empty-label", "delete-without-id", "no-display"],
)
def test_an_invalid_card_raises_as_before(change: dict[str, Any]) -> None:
    """The build itself (`_template`) rejects it as the model does; `card_template` answers with
    the stand-in (cds_hooks/card_stand_in.py: one card not built never costs the others), and the
    invalid shape is never trusted."""
    tms = _tms()
    card_template(tms)
    trusted = set(cards_module._checked)
    bad = dataclasses.replace(tms, **change)
    with pytest.raises(ValidationError) as before:
        model_body(bad)
    with pytest.raises(ValidationError) as now:
        cards_module._template(bad)
    assert [e["type"] for e in now.value.errors()] == [e["type"] for e in before.value.errors()]
    for _ in range(2):  # and again: an invalid shape is never trusted
        template = card_template(bad)
        assert template.stand_in
        assert template.body["summary"].startswith("A card could not be built (topic tms-referral)")
        # Only the stand-in's own (valid) shape is added: (indicator, detail?, url, code,
        # system, display, ...).
        assert {shape[5] for shape in cards_module._checked - trusted} <= {STAND_IN_DISPLAY}


def test_a_plain_string_indicator_fails_as_before() -> None:
    bad = dataclasses.replace(_tms(), indicator=cast(Any, "info"))
    with pytest.raises(AttributeError):
        model_body(bad)
    with pytest.raises(AttributeError):
        cards_module._template(bad)
    assert card_template(bad).stand_in


@pytest.mark.parametrize(
    "change",
    [
        {"summary": "   "},  # blank text: valid for the model, taken through it
        {"detail": ""},
        {"suggestions": (Suggestion(label=" ", actions=(Action("delete", "Stop", None, "X/1"),)),)},
        {"suggestions": (Suggestion(label="L", actions=(Action("create", "L", {"a": (1, 2)}),)),)},
        {"suggestions": (Suggestion(label="L", actions=(Action("create", "L", {"a": 1e999}),)),)},
        {
            "source": SimpleNamespace(
                label="L", url=None, topic_code=None, topic_display=None, topic_system="urn:x"
            )
        },  # fmt: skip
    ],
    ids=["blank-summary", "no-detail", "blank-label", "tuple", "infinity", "bare-source"],
)
def test_unusual_cards_go_through_the_model(
    change: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    rec = dataclasses.replace(_tms(), **change)
    expected = model_body(rec)
    calls = _model_calls(monkeypatch)
    assert _same(card_template(rec).body, expected)
    assert calls, "an unusual card must be validated through the model"


def test_a_shape_not_seen_goes_through_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    tms = _tms()
    card_template(tms)
    calls = _model_calls(monkeypatch)
    card_template(dataclasses.replace(tms, summary="Another summary"))
    assert calls == []
    for change in (
        {"source": dataclasses.replace(tms.source, topic_display="Another display")},
        {"override_reasons": tms.override_reasons[:1]},
        {"suggestions": (dataclasses.replace(tms.suggestions[0], is_recommended=False),)},
        {"detail": ""},
    ):
        rec = dataclasses.replace(tms, **change)
        before = len(calls)
        assert _same(card_template(rec).body, model_body(rec))
        assert len(calls) == before + 1, change


def test_the_shape_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cards_module, "_CHECKED_MAX", 2)
    tms = _tms()
    for n in range(5):
        source = dataclasses.replace(tms.source, topic_display=f"display {n}")
        card_template(dataclasses.replace(tms, source=source))
        assert 1 <= len(cards_module._checked) <= 2
