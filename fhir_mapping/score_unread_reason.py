"""Why a rating-scale result has no readable value, as its data-gap line says it (scores.py,
split out in session 38 to keep that module at 400 lines).

A value that is missing, not a number or out of range; a quantity in a unit that is not the
scale's (review s27 RF 8); and for a PHQ-9 item 9 answer sent with a data-absent-reason instead
of a value (US Core: `dataAbsentReason` asked-declined, not-asked ...), that reason, in the words
of data/data_absent_reasons.csv and with its code, so the suicide-risk card can word what the
record shows (services/item9_absent.py; review K59b finding 7: a declined item 9 was "the
service could not read it ... look at it in the chart", where nothing more is in the chart).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from fhir_mapping.data_absent import absent_reason, reason_words
from fhir_mapping.score_units import refused_unit

# The code at the end of a gap's reason ("... (dataAbsentReason asked-declined)"): the one
# place it is written (`unread_reason`) and read (`absent_code`).
_CODE = re.compile(r"\(dataAbsentReason ([a-z-]+)\)$")


def unread_reason(resource: Mapping[str, Any], article: str, name: str, what: str) -> str:
    """ "a PHQ-9 item 9 answer that is missing, not a number or out of range"; "not a PHQ-9
    score (unit mg)"; "a PHQ-9 item 9 answer sent as declined (dataAbsentReason
    asked-declined)"."""
    quantity = resource.get("valueQuantity")
    if isinstance(quantity, dict) and (unit := refused_unit(quantity)) is not None:
        return f"not {article} {name} {what} (unit {unit})"
    code = absent_reason(resource.get("dataAbsentReason"))
    if code and what == "item 9 answer":
        return f"{article} {name} {what} sent as {reason_words(code)} (dataAbsentReason {code})"
    return f"{article} {name} {what} that is missing, not a number or out of range"


def absent_code(reason: str) -> str:
    """The data-absent-reason code `unread_reason` wrote into a gap's reason, else ""."""
    found = _CODE.search(reason)
    return found.group(1) if found else ""
