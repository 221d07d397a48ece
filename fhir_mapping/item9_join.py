"""A standalone PHQ-9 item 9 joins the total it belongs to (scores.py, "PHQ-9 item 9").

The order: first a total linked to it (hasMember / derivedFrom either way, or members of the same
panel), else one of the same encounter, else one of the same day, the nearest in days first;
(or, when one of them is dated by a date alone, one whose date is written on the same day:
item9_index.written_day); otherwise it stays a PHQ-9 Score of its own, so the suicide-safety
rule still sees it. The totals are looked up by these keys, not scanned (item9_index.py). When two
item-9 answers meet on one total, the higher is kept (safer). Apart from scores.py's walk: only a
chart with a standalone item 9 needs it, and only then are the links read (issue 14).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fhir_mapping.fhir_fields import one_or_many, ref_id
from fhir_mapping.item9_floor import PHQ9
from fhir_mapping.item9_index import TotalIndex
from fhir_mapping.score_totals import _NO_IDS, _merge_item9, _Total

Resource = Mapping[str, Any]


def _links(resource: Resource) -> set[str]:
    found: set[str] = set()
    for key in ("hasMember", "derivedFrom"):
        for ref in one_or_many(resource.get(key)):
            rid = ref_id(ref)
            if rid:
                found.add(rid)
    return found


def _link(total: _Total, parent_of: Mapping[str, set[str]]) -> None:
    """Read what links other Observations to a total (for `_owner`)."""
    total.links = _links(total.resource)
    total.parents = parent_of.get(total.obs_id, _NO_IDS) if total.obs_id else _NO_IDS
    total.encounter = ref_id(total.resource.get("encounter"))


def _join_items(
    items: list[_Total], totals: list[_Total], parent_of: Mapping[str, set[str]]
) -> None:
    """Each standalone item 9 joins the PHQ-9 total it belongs to (`TotalIndex.owner`), or stays
    a score of its own in `totals`, where a later item 9 may find it."""
    candidates = [t for t in totals if t.instrument == PHQ9]
    for total in (*candidates, *items):
        _link(total, parent_of)
    # The totals by what joins them: each item looks only at those sharing a key with it, not at
    # every total (review s25 RP H1: 2,500 PHQ-9s with item 9s took a minute).
    index = TotalIndex()
    for total in candidates:
        index.add(total)
    for item in items:
        match = index.owner(item)
        if match is None:
            totals.append(item)
            if item.instrument == PHQ9:
                index.add(item)
        else:
            match.item9 = _merge_item9(match.item9, item.item9)
            match.unread = match.unread or item.unread  # the answer's own resource
