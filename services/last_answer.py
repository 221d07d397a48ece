"""A pure function of the record answering again from its last call (issue 14).

The cards of one evaluation ask several pure functions of the record the same question: the
payer criteria and the psychotherapy card each read the psychotherapy sessions, the staging and
the payer criteria the earlier episode codes, three cards the TMS courses. `kept` keeps a
function's last answer with the arguments it was given and answers again when it is called with
the very same objects (`is`, never ==).

Safe only for a function whose answer depends on its arguments alone (and on tables read once
per process) and whose arguments and answer are immutable (a frozen record, a frozen policy, an
int, an enum member; a tuple or a frozen dataclass back): the entry holds its arguments, so their
identities cannot pass to other objects while it lives, and nobody can change what it holds. One
entry per function, replaced whole (a tuple): threads evaluating other charts at once only miss.
A call with keyword arguments is not kept.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def kept(function: Callable[P, R]) -> Callable[P, R]:
    """`function`, answering a call with the same argument objects as its last from that call."""
    last: tuple[tuple[object, ...], R] | None = None

    @functools.wraps(function)
    def answer(*args: P.args, **kwargs: P.kwargs) -> R:
        nonlocal last
        if kwargs:
            return function(*args, **kwargs)
        entry = last  # read once: another thread may replace it, never mutate it
        if entry is not None:
            before = entry[0]
            if len(before) == len(args):
                # A plain loop: on Python 3.11 all() over a generator cost twice as much.
                for a, b in zip(before, args, strict=True):
                    if a is not b:
                        break
                else:
                    return entry[1]
        found = function(*args, **kwargs)  # kwargs: empty here
        last = (args, found)
        return found

    return answer
