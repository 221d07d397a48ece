"""A chart's repeated fills read once (issue 14): the events of a MedicationDispense whose product
and sig were already read in this chart, rebuilt with only its own date and source.

A patient's fills of one order repeat the same product, sig, quantity and days of supply, fill
after fill; reading them (the drug's codes, the product table, dose, supply, dose basis, dose
equivalence, formulation) cost three quarters of each added fill's first-sight cost. What a
fill's events hold apart from its date and source (`events_of` for a dispense) is read from the
fields `repeat_key` writes, and from the chart's Medications a reference resolves to: so two fills
of one chart with the same key give the same events but for their start, end, dates as written
and source, which are read per fill. The memo lives for one chart's walk (medications.py), so a
"Medication/<id>" reference always resolves among the same Medications.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from operator import attrgetter
from typing import Any

import orjson

from fhir_mapping.events import MedicationEvent
from fhir_mapping.frozen_init import quick_frozen_init
from fhir_mapping.medication_dates import dates_of
from fhir_mapping.medication_types import DISPENSE
from fhir_mapping.record import SourceRef
from fhir_mapping.terminology import Component

# Read from a dispense only with its identity or dates (the stated reasons carry the resource's
# source; a stop reason is read against the course's end): a fill that has one is read in full.
_READ_WITH_IDENTITY = (
    "reasonCode",
    "reasonReference",
    "statusReason",
    "statusReasonCodeableConcept",
)

# Types orjson would otherwise write like a JSON string (a date as its ISO text, a str subclass
# as its value) while a reader may read them otherwise: such a field raises, and is read in full.
_STRICT = (
    orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_SUBCLASS
)

# What a dispense's events are read from, bar its id and dates (events_of, read_drug); the
# contained resources only where a medicationReference may point into them.
_KEY_FIELDS = (
    "status",
    "medicationCodeableConcept",
    "dosageInstruction",
    "quantity",
    "daysSupply",
)
_WITH_REFERENCE = (*_KEY_FIELDS, "medicationReference", "contained")

_FIELDS = MedicationEvent.__slots__
_START, _END = _FIELDS.index("start"), _FIELDS.index("end")
_SOURCE, _WRITTEN = _FIELDS.index("source"), _FIELDS.index("written_dates")
# An event's fields in slot order, read at C speed (a generator per event cost ~4,000
# instructions for every fill remembered: issue 14).
_FIELD_VALUES = attrgetter(*_FIELDS)


@dataclass(frozen=True, slots=True)
class RepeatFill:
    """What a fill's product and sig read to: its components after the product table
    (medication_supply.estimate_supplies needs them for a fill without days of supply) and its
    events' fields, positionally, those of the first fill read."""

    components: tuple[Component, ...]
    events: tuple[tuple[Any, ...], ...]


quick_frozen_init(RepeatFill)


def repeat_key(resource: Mapping[str, Any]) -> bytes | None:
    """The JSON of every field of a dispense that its events are read from, bar its id and dates:
    status, the drug (medicationCodeableConcept, or medicationReference with the contained
    resources it may point into), the sig (dosageInstruction), quantity and daysSupply. None when
    the dispense cannot be remembered: it has a field read with its identity or dates
    (_READ_WITH_IDENTITY), or orjson cannot write a field exactly (see also `rememberable`)."""
    for name in _READ_WITH_IDENTITY:
        if name in resource:
            return None
    # Only the fields present, so a null in the key is one the resource holds.
    fields = _WITH_REFERENCE if "medicationReference" in resource else _KEY_FIELDS
    try:
        key = orjson.dumps(
            {name: resource[name] for name in fields if name in resource}, option=_STRICT
        )
    except TypeError:  # orjson.JSONEncodeError
        return None
    return key


def rememberable(key: bytes) -> bool:
    """Whether a fill with this `repeat_key` may be remembered: not when its JSON holds a null,
    which is how orjson writes a NaN (a NaN must not read as an absent value). Asked only before
    remembering: a fill whose key finds a remembered one has that one's JSON, with no null (the
    search cost as much as the rest of the key)."""
    return key.find(b"null") == -1


def remember(components: tuple[Component, ...], events: Sequence[MedicationEvent]) -> RepeatFill:
    """The reading of a fill whose `events` were just read, `components` as product_of gave them."""
    return RepeatFill(components, tuple(map(_FIELD_VALUES, events)))


def repeat_events(
    resource: Mapping[str, Any], known: RepeatFill, source: SourceRef, as_of: date
) -> list[MedicationEvent] | None:
    """The events of a dispense whose `repeat_key` is that of `known`, with its own dates and
    `source`; None when its date is missing or after `as_of`, which the full reading reports."""
    # A dispense's dates are read from whenHandedOver / whenPrepared, never from its sig.
    start, end, written = dates_of(resource, DISPENSE, (), as_of)
    if start is None or start > as_of:
        return None
    events = []
    for fields in known.events:
        row = list(fields)
        row[_START], row[_END], row[_SOURCE], row[_WRITTEN] = start, end, source, written
        events.append(MedicationEvent(*row))
    return events
