"""The one way a process-wide memo of this package (and services/) stays bounded.

Several readers remember what they read by the content's JSON (a drug concept, a dosage line, an
Observation's code; issue 14): the same few thousand codings and sigs come back chart after chart.
A chart full of free text could make such a memo grow without end, so each is emptied when full
and refills with what is in use now (a plain dict, cleared whole: cheaper than an LRU's
bookkeeping on every hit, and the hits are nearly all of the calls).

Only the miss goes through here: the hit stays the caller's own dict look-up, so the helper
costs one call per new key. Threads may race on a memo: each entry is a complete answer written
in one step, so a thread only misses, never reads half of one.
"""

from __future__ import annotations

from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


def remember(memo: dict[K, V], key: K, value: V, limit: int) -> V:
    """`memo[key] = value`, the memo emptied first when it already holds `limit` entries;
    returns `value`."""
    if len(memo) >= limit:
        memo.clear()
    memo[key] = value
    return value
