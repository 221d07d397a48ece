"""Per-evaluation answers (services/rules/per_context.py, issue 14): what several cards of one
evaluation ask is computed once per context, gives the same answer as computed afresh, and is
never carried to another context (another evaluation, another patient)."""

from __future__ import annotations

from typing import Any

import pytest

from bench.inprocess import hook_input
from services import interaction_takings
from services.evaluation import evaluate
from services.policy import Policy
from services.rules import running_caution_pairs
from services.rules.context import RuleContext, build_context
from services.rules.optimize import room
from services.rules.per_context import once_per_context, per_context
from tests.fixtures import sizes
from tests.fixtures.scenarios import AS_OF


@pytest.fixture(scope="module")
def contexts() -> tuple[RuleContext, RuleContext]:
    """Two contexts of the typical chart's record: two evaluations of one chart."""
    policy = Policy()
    record = evaluate(hook_input(sizes.typical(), AS_OF), policy).record
    return build_context(record, policy), build_context(record, policy)


def test_per_context_computes_once_per_context_and_argument(
    contexts: tuple[RuleContext, RuleContext],
) -> None:
    first, second = contexts
    calls: list[tuple[int, int]] = []

    @per_context
    def asked(ctx: RuleContext, arg: Any) -> tuple[int, int]:
        calls.append((id(ctx), id(arg)))
        return (id(ctx), id(arg))

    one, other = first.record.trials[0], first.record.trials[1]
    assert asked(first, one) is asked(first, one)
    assert len(calls) == 1
    asked(first, other)  # another trial: computed
    asked(second, one)  # another context: computed again, never read from the first's
    assert calls == [(id(first), id(one)), (id(first), id(other)), (id(second), id(one))]


def test_once_per_context(contexts: tuple[RuleContext, RuleContext]) -> None:
    first, second = contexts
    calls: list[int] = []

    @once_per_context
    def asked(ctx: RuleContext) -> int:
        calls.append(id(ctx))
        return len(calls)

    assert (asked(first), asked(first), asked(second), asked(second)) == (1, 1, 2, 2)


def test_kept_answers_are_the_fresh_ones(contexts: tuple[RuleContext, RuleContext]) -> None:
    ctx = contexts[0]
    assert ctx.record.trials, "the typical chart has trials to ask about"
    for trial in ctx.record.trials:
        assert room.room(ctx, trial) == room.room.__wrapped__(ctx, trial)  # type: ignore[attr-defined]
    assert any(room.room(ctx, t) is not None for t in ctx.record.trials)
    running = running_caution_pairs.running(ctx)
    assert running and running is running_caution_pairs.running(ctx)
    assert running == running_caution_pairs.running.__wrapped__(ctx)  # type: ignore[attr-defined]
    assert ctx.running_takings == tuple(interaction_takings.running(ctx.record))
