"""A score being assembled from Observations (`_Total`), the order of scores, and one score
per administration.

`_Total` holds what scores.py's walk reads of one Observation until every standalone item 9 has
found its total (item9_join.py); `_dedupe` then counts the same total reported twice (panel
component and standalone Observation) once, keeping the higher item-9 answer (`_merge_item9`), and
orders the scores by `score_order`, which `_Total.order` mirrors (kept side by side so the two
stay one order). Apart from the walk: how a score is held and merged does not depend on how its
Observation was coded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date, datetime
from operator import attrgetter
from typing import Any

from fhir_mapping.fhir_fields import parse_instant
from fhir_mapping.item9_floor import _NO_FLOOR_UP_TO, PHQ9, checked_item9, item9_floor
from fhir_mapping.item9_unread import kept_unread
from fhir_mapping.record import Score, SourceRef, TotalConflict

Resource = Mapping[str, Any]

_NO_IDS: frozenset[str] = frozenset()
# The lengths of a FHIR date that names no day: "2026" (a year) and "2026-11" (a month).
_PARTIAL_LENGTHS = (4, 7)


@dataclass(slots=True)
class _Total:
    """A score being assembled. What links other Observations to it (`links`, `parents`,
    `encounter`) is read only when a standalone item 9 looks for its total (`_link`): most charts
    have none, and reading every score's references cost more than the rest of it (issue 14)."""

    instrument: str
    value: int | None
    day: date
    item9: int | None
    obs_id: str | None
    resource: Resource  # the Observation, read again only by `_link`
    links: AbstractSet[str] = _NO_IDS  # ids of hasMember / derivedFrom targets
    parents: AbstractSet[str] = _NO_IDS  # ids of panels listing this Observation as a member
    encounter: str | None = None
    unread: SourceRef | None = None  # an item-9 answer of it that could not be read
    computed: bool = False  # the total is the sum of its items (an AUDIT-C panel: score_alcohol)
    # The filed total and its items' sum disagree: `value` is the higher (phq9_item_sum).
    conflict: TotalConflict | None = None

    def score(self) -> Score:
        """The Score, with the item 9 its total proves where none was recorded: `infer_item9`'s
        reading, made before the Score is built instead of replacing it after; and a recorded
        item 9 below it checked (`checked_item9`)."""
        item9, inferred = self.item9, False
        value = self.value
        if (
            item9 is None
            and value is not None
            and value > _NO_FLOOR_UP_TO  # item9_floor proves nothing up to it: not asked
            and self.instrument == PHQ9
        ):
            floor = item9_floor(value)
            if floor is not None:
                item9, inferred = floor, True
        source = SourceRef("Observation", self.obs_id) if self.obs_id else None
        # An unreadable answer stays beside a readable 0 (review s23 RR finding 2: a 0 and an
        # unreadable "yes, daily" of one day gave no card): item9_unread.kept_unread.
        unread = kept_unread(self.item9, self.unread)
        # The date as written when it names no day ("2026-11": review s23 RT finding 3).
        written = self.resource.get("effectiveDateTime")
        if not isinstance(written, str) or len(written) not in _PARTIAL_LENGTHS:
            written = None
        # Every field positional, in Score's order: keywords cost the call a third more, and a
        # Score is built for every score of the chart (issue 14).
        score = Score(
            self.instrument,
            self.value,
            self.day,
            item9,
            source,
            inferred,  # item9_inferred
            self.computed,  # total_computed
            unread,  # item9_unread
            None,  # status
            # The instant, for one administration written in two zones (fix 20 item 3).
            parse_instant(self.resource.get("effectiveDateTime")),
            self.conflict,  # total_conflict
            written,
        )
        if self.item9 is not None and value is not None and value > _NO_FLOOR_UP_TO:
            # A recorded item 9 below what the total proves (review s27 RF finding 3): asked
            # only of a total of 25-27 (`value` is never below the filed total).
            return checked_item9(score)
        return score

    @property
    def ref(self) -> str:
        """The last sort key: "Observation/<id>" (str of its SourceRef), or "" without one. Built
        when asked (ties, merges, item-9 joins), not for every score (issue 14)."""
        return f"Observation/{self.obs_id}" if self.obs_id else ""

    def order(self) -> tuple[date, str, int, int, str]:
        """score_order of the recorded score (item 9 as recorded, before any inference)."""
        return (
            self.day,
            self.instrument,
            -1 if self.value is None else self.value,
            -1 if self.item9 is None else self.item9,
            self.ref,
        )


def _merge_item9(current: int | None, new: int | None) -> int | None:
    if current is None:
        return new
    if new is None:
        return current
    return max(current, new)


def _dedupe(totals: list[_Total]) -> tuple[Score, ...]:
    """The scores of `totals`, those of one merge key merged (`_merged`), in score_order of the
    recorded scores (unique: merged scores differ in value or source), with the item 9 a total
    proves (infer_item9).

    A chart seldom has two scores of one instrument on one day, and then no two totals merge
    (the merge key holds both) and the order is by (day, instrument) alone: both are found at C
    speed. Only then are the totals merged and ordered by the whole key, which costs a Python
    walk and call per total (issue 14)."""
    _local_days(totals)
    ordered = sorted(totals, key=_DAY_INSTRUMENT)
    if len(set(map(_DAY_INSTRUMENT, ordered))) != len(ordered):
        ordered = sorted(_merged(totals), key=_Total.order)
    return tuple([total.score() for total in ordered])


def _local_days(totals: list[_Total]) -> None:
    """One total sent twice, at one instant written in two offsets (an Epic result at
    2026-11-20T21:30:00-05:00 and its HIE copy at 2026-11-21T02:30:00Z), falls on two written
    days when no site zone is set, and was counted twice, the later on the UTC copy's day. The
    copy written in a local offset (not "Z" or +00:00) is kept, dated the day the clinic wrote,
    with the other copies' item-9 answers merged into it (the higher kept, `_merge_item9`), and
    the others are removed from `totals` (review s23 RT finding 10;
    questionnaire_duplicates._local_day does the same for a response and its Observation). Only
    totals with the same instrument, instant and value, on different written days; copies in UTC
    alone are left to `_merged`."""
    if len(totals) < 2:
        return
    by_instant: dict[tuple[str, datetime, int | None], list[_Total]] = {}
    for total in totals:
        effective = total.resource.get("effectiveDateTime")
        if total.value is None or not isinstance(effective, str) or len(effective) <= 10:
            continue  # an item 9 alone, or a date with no time: no instant to compare
        instant = parse_instant(effective)
        if instant is not None:
            by_instant.setdefault((total.instrument, instant, total.value), []).append(total)
    removed: set[int] = set()  # by identity: `totals.remove` compared every field of each total
    for copies in by_instant.values():
        if len(copies) < 2 or len({t.day for t in copies}) < 2:
            continue
        local = [t for t in copies if _offset(t)]
        if not local:
            continue
        kept = local[0]
        for total in copies:
            if total is kept:
                continue
            kept.item9 = _merge_item9(kept.item9, total.item9)
            kept.unread = kept.unread or total.unread
            kept.conflict = kept.conflict or total.conflict
            removed.add(id(total))
    if removed:
        # One pass, not a list.remove per copy: that scanned (and compared field by field) the
        # whole list for each, quadratic in a history sent twice (review s25 RP H1). And by
        # identity: remove() took the first *equal* total, which could be `kept` itself when a
        # copy of it was sent twice, dropping the item-9 answers merged into it.
        totals[:] = [t for t in totals if id(t) not in removed]


def _offset(total: _Total) -> bool:
    """The total's dateTime is written in an offset other than UTC."""
    instant = parse_instant(total.resource.get("effectiveDateTime"))
    return instant is not None and bool(instant.utcoffset())


# (day, instrument), the first two items of `_Total.order` and of `_merged`'s key, at C speed.
_DAY_INSTRUMENT = attrgetter("day", "instrument")


def _merged(totals: list[_Total]) -> Iterable[_Total]:
    """One total per merge key, in order of first appearance."""
    merged: dict[tuple[str, date, int | None, str], _Total] = {}
    for total in totals:
        # A valued total merges with the same value on the same day; an orphan item 9 only with
        # itself (its source), so two separate orphan answers both stay visible.
        key = (
            total.instrument,
            total.day,
            total.value,
            "" if total.value is not None else total.ref,
        )
        found = merged.setdefault(key, total)
        if found is not total:
            # The first in (day, instrument, source) order stands for the merged ones (the
            # earlier of equal sources); it is not read again, so it may change in place.
            item9 = _merge_item9(found.item9, total.item9)
            unread = found.unread or total.unread
            # The same total recorded by one and computed from items by the other: recorded.
            computed = found.computed and total.computed
            # A recorded total's Observation stands for the merged ones before a total summed
            # from items (review 17 M4), then the earlier source.
            if (total.computed, total.ref) < (found.computed, found.ref):
                merged[key] = found = total
            found.item9 = item9
            found.unread = unread
            found.computed = computed
            found.conflict = found.conflict or total.conflict
    return merged.values()


def score_order(score: Score) -> tuple[date, str, int, int, str]:
    """A total order of scores: by date, then instrument, value, item 9, source."""
    return (
        score.date,
        score.instrument,
        -1 if score.value is None else score.value,
        -1 if score.item9 is None else score.item9,
        str(score.source or ""),
    )


def with_scores(scores: tuple[Score, ...], extra: Sequence[Score]) -> tuple[Score, ...]:
    """`scores` (in score_order) with `extra` merged in, still in score_order; the same tuple
    when there is nothing to add (the common case costs no sort)."""
    return tuple(sorted([*scores, *extra], key=score_order)) if extra else scores
