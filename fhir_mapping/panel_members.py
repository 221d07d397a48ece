"""A PHQ-9 panel (44249-1) whose member Observations did not come with the chart.

Review s27 RF finding 7: a panel of 2025-06-10 listing nine members by `hasMember`, none of them
in the prefetch (a query by code that fetched the panel and not its items), was read as nothing
(scores.py: "a panel whose members are separate Observations"), and the cards judged on the
PHQ-9 of 2025-05-12 as the latest without saying a newer one exists whose total and item 9 were
not seen. scores.py names such a panel as an incomplete PHQ-9 (its answers not received), which
the measurement card and the TMS severity line name when it is newer than the score they judge
on (services/rules/measurement_due.incomplete_phq9, services/tms_severity.newer_incomplete).

Only a panel with no value or item-9 answer of its own and no `derivedFrom`: one derived from a
QuestionnaireResponse is read through that response (questionnaire_duplicates.py), which has
its own gaps when it is missing.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from fhir_mapping.fhir_fields import one_or_many, ref_id

Resource = Mapping[str, Any]

# The reason's words after scores.INCOMPLETE_PHQ9 for such a panel (before ": item 9 unknown").
NOT_RECEIVED = "answers not received"


def members_absent(panel: Resource, present: Collection[str]) -> bool:
    """Whether `panel` lists members by `hasMember`, none of them among `present` (the ids of
    the rating-scale Observations the chart holds, of any status), and derives from nothing."""
    if one_or_many(panel.get("derivedFrom")):
        return False
    members = {m for ref in one_or_many(panel.get("hasMember")) if (m := ref_id(ref))}
    return bool(members) and not (members & set(present))
