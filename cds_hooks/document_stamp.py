"""When and by whom a referral summary was made: DocumentReference.date and author.

The packet (services/packet/document.py) is built from the record alone, and cached with the
evaluation; it carried only attachment.creation (the record's as-of day). US Core
DocumentReference marks `date` Must Support (review s27 RB finding 6), and a reviewer asks who
sent it. Both are known only when a card is issued, so they are stamped then, on the copy sent:

- `date`: the instant the card was issued (FHIR `instant`, UTC, to the second);
- `author`: the hook's `context.userId` (CDS Hooks 2.0: "[ResourceType]/[id]") when it names a
  Practitioner or PractitionerRole, the clinician who would send the referral; nothing
  otherwise (a Patient or RelatedPerson viewing the chart is not the summary's author), never an
  invented one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

# The FHIR R4 id rule (1-64 of A-Z a-z 0-9 - .) after a type DocumentReference.author allows and
# a clinician is.
_AUTHOR = re.compile(r"(?:Practitioner|PractitionerRole)/[A-Za-z0-9\-.]{1,64}")


def document_stamp(now: datetime, user_id: str | None) -> dict[str, Any]:
    """The fields to add to a DocumentReference issued at `now` for the user `user_id`."""
    stamp: dict[str, Any] = {
        "date": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    if user_id is not None and _AUTHOR.fullmatch(user_id):
        stamp["author"] = [{"reference": user_id}]
    return stamp


def stamped(suggestion: Mapping[str, Any], stamp: Mapping[str, Any]) -> Mapping[str, Any]:
    """`suggestion` with `stamp` added to each DocumentReference it creates (new dicts: the
    card's body is shared, never mutated); unchanged when it creates none."""
    actions = suggestion.get("actions")
    if not stamp or not actions or not any(_creates_document(a) for a in actions):
        return suggestion
    return {
        **suggestion,
        "actions": [
            {**a, "resource": {**a["resource"], **stamp}} if _creates_document(a) else a
            for a in actions
        ],
    }


def _creates_document(action: Mapping[str, Any]) -> bool:
    resource = action.get("resource")
    return (
        action.get("type") == "create"
        and isinstance(resource, Mapping)
        and resource.get("resourceType") == "DocumentReference"
    )
