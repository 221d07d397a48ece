"""A PHQ-9 total (44261-6) or panel (44249-1) with a value whose `hasMember` lists an answer
Observation the chart did not send, and no item 9 answer joined to it (review K59b finding 3).

The record shows that an answer exists (the total names it) and it was not read: it may be item
9, and positive. Read as "item 9 not recorded" (ask it first, no gap, no suicide-risk card), a
positive answer the EHR holds was treated as never asked. So, as an answer on record that could
not be read (`Score.item9_unread`, the warning suicide-risk card "check it in the chart"), the
first member not sent is named, with a data-gap line of its own (`MEMBER_NOT_SENT`): the safer
reading. A panel listing no member at all, or none missing, or one derived from a
QuestionnaireResponse (read through that response: questionnaire_duplicates.py), is unchanged;
a panel with no value whose members are all missing is panel_members.py's.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence

from fhir_mapping.fhir_fields import one_or_many, ref_id
from fhir_mapping.item9_floor import PHQ9
from fhir_mapping.record import DataDomain, DataGap, SourceRef
from fhir_mapping.score_totals import _Total

# The data-gap line's reason (also how services/item9_absent.py knows the answer was not sent).
MEMBER_NOT_SENT = "a PHQ-9 answer its total lists (hasMember) that was not sent: item 9 unknown"


def mark(totals: Sequence[_Total], present: Collection[str]) -> list[DataGap]:
    """Flags each PHQ-9 total of `totals` whose item 9 is unknown and whose `hasMember` lists an
    id not among `present` (the chart's rating-scale Observation ids): its first missing member
    becomes the unread item 9 answer. Returns their gaps."""
    gaps: list[DataGap] = []
    for total in totals:
        if total.instrument != PHQ9 or total.value is None:
            continue
        if total.item9 is not None or total.unread is not None:
            continue
        if one_or_many(total.resource.get("derivedFrom")):
            continue
        members = [m for ref in one_or_many(total.resource.get("hasMember")) if (m := ref_id(ref))]
        missing = [m for m in members if m not in present]
        if not missing:
            continue
        source = SourceRef("Observation", missing[0])
        total.unread = source
        gap = DataGap(DataDomain.SCORES, MEMBER_NOT_SENT, source=source)
        gaps.append(dataclasses.replace(gap, date=total.day))
    return gaps
