"""The optimise and adherence cards' trials and scores on a screen: marked, built only when shown
(issue 14).

Both cards want the timeline (services/data/topics.csv), so on every screen they are on their
trials table and scores go behind the timeline pointer (services/screen.py): built, they were
thrown away. Composed by the screen (RuleContext.composed) the card marks their places instead;
the screen builds a section only when it shows it. These tests pin that the screen reads the
same either way, and that a card asked for alone is still complete."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from services import card_evidence, screen
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Recommendation
from services.rules import adherence_review, optimize_switch_augment
from tests.services import factories as f
from tests.services.helpers import ctx
from tests.services.test_adherence_review import POOR

MARK = "\x00"  # card_evidence.deferred_mark's sections hold it; no card text does


def _cards(wants_timeline: bool) -> tuple[Recommendation, Recommendation, Any]:
    """The optimise card of a two-failure chart, built alone and as a screen's rules build it."""
    context = ctx(f.trd_record())
    built = optimize_switch_augment.rule(context)
    marked = optimize_switch_augment.rule(dataclasses.replace(context, composed=True))
    assert built is not None and marked is not None
    change = {"wants_timeline": wants_timeline}
    return screen.with_fields(built, **change), screen.with_fields(marked, **change), context


def test_a_card_asked_alone_holds_its_sections_built() -> None:
    built, marked, _ = _cards(True)
    assert MARK not in built.detail
    assert "**Scores (latest first):** PHQ-9 17" in built.detail
    # Composed, the same card marks the two places and builds neither.
    assert built.detail != marked.detail
    assert marked.detail.count(MARK) == 4  # two marks, each between two NULs
    assert card_evidence.deferred_mark("trials") in marked.detail
    assert [e.key for e in marked.evidence] == [e.key for e in built.evidence]


@pytest.mark.parametrize("wants_timeline", [True, False])
def test_the_screen_reads_the_same_marked_or_built(wants_timeline: bool) -> None:
    """Behind the timeline (the card as it is) each mark becomes the pointer line; with no
    timeline on the screen the sections are built into their places: either way the composed
    card is the one the built card composes to, with no mark left."""
    built, marked, context = _cards(wants_timeline)
    (from_built,) = screen.compose([built], context.facts)
    (from_marked,) = screen.compose([marked], context.facts)
    assert from_marked == from_built
    assert MARK not in from_marked.detail
    if wants_timeline:
        assert screen.TIMELINE in from_marked.detail
        assert "**Scores (latest first):**" not in from_marked.detail
    else:
        assert "**Scores (latest first):** PHQ-9 17" in from_marked.detail
        assert [e.key for e in from_marked.evidence] == ["trials", "scores", "staging"]
        assert all(e.build is None and e.text in from_marked.detail for e in from_marked.evidence)


def test_a_screen_with_the_optimise_card_builds_no_trials_table(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[object] = []
    table = card_evidence.trial_table

    def counted(*args: Any) -> str:
        calls.append(args)
        return table(*args)

    monkeypatch.setattr(card_evidence, "trial_table", counted)
    shown = patient_view(f.trd_record(), Policy())
    optimise = next(r for r in shown if r.topic == "optimize-switch-augment")
    assert calls == []
    # The TMS card on the screen keeps them behind its links: its pointer, in their place.
    assert "**Trials and scores:** TMS referral summary and timeline." in optimise.detail
    assert all(MARK not in r.detail for r in shown)


@pytest.mark.parametrize("wants_timeline", [True, False])
def test_the_adherence_card_reads_the_same_marked_or_built(wants_timeline: bool) -> None:
    context = ctx(f.trd_record(trials=(POOR,)))
    built = adherence_review.rule(context)
    marked = adherence_review.rule(dataclasses.replace(context, composed=True))
    assert built is not None and marked is not None
    assert MARK not in built.detail and MARK in marked.detail
    change = {"wants_timeline": wants_timeline}
    (from_built,) = screen.compose([screen.with_fields(built, **change)], context.facts)
    (from_marked,) = screen.compose([screen.with_fields(marked, **change)], context.facts)
    assert from_marked == from_built
    assert MARK not in from_marked.detail
    assert ("**Scores (latest first):**" in from_marked.detail) is not wants_timeline
