"""A rule helper answering again, for the same context, what it already answered (issue 14).

Several cards of one evaluation ask the same pure question of the same context: the optimise
card's dose-first section and its fixed-combination line both ask a course's room to raise
(optimize/room.py), four safety cards ask the running drugs with their classes. `per_context`
keeps a function's answers in the context's own `kept` dictionary (RuleContext.kept), keyed by
the function and the identity of its one further argument (a trial, held in the entry so its id
cannot pass to another object while the context lives). Nothing is kept across evaluations: the
answers live exactly as long as the context, and a context is one evaluation's.

Safe only for a function whose answer depends on the context and the argument alone (and on
tables read once per process), and whose answer nobody mutates (a frozen dataclass, a tuple).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar, cast

if TYPE_CHECKING:
    from services.rules.context import RuleContext

A = TypeVar("A")
R = TypeVar("R")


def per_context(function: Callable[[RuleContext, A], R]) -> Callable[[RuleContext, A], R]:
    """`function(ctx, arg)`, computed once per context and argument object."""

    @functools.wraps(function)
    def answer(ctx: RuleContext, arg: A) -> R:
        kept = ctx.kept
        key = (function, id(arg))
        entry = kept.get(key)
        if entry is not None and entry[0] is arg:
            return cast(R, entry[1])
        found = function(ctx, arg)
        kept[key] = (arg, found)
        return found

    return answer


def once_per_context(function: Callable[[RuleContext], R]) -> Callable[[RuleContext], R]:
    """`function(ctx)`, computed once per context."""

    @functools.wraps(function)
    def answer(ctx: RuleContext) -> R:
        kept = ctx.kept
        entry = kept.get(function)
        if entry is not None:
            return cast(R, entry[1])
        found = function(ctx)
        kept[function] = (None, found)
        return found

    return answer
