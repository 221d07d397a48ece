"""mg/day of a resource's dosage lines remembered by the lines' content (issue 14): the memo
medications.py reads each event's dose through, and its key; and whether the lines are taken as
needed, with their ceiling, remembered the same way."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import orjson

from fhir_mapping.bounded_memo import remember
from fhir_mapping.dose import as_needed, as_needed_max_mg, daily_dose_bounds

# mg/day by the sig's content (issue 14): a patient's fills and refills repeat the same dosage
# lines, and so do other patients' ("1 tablet daily"); reading one walks its timing, dose and
# unit tables. The key is the lines' JSON with the component's strength; lines JSON cannot write
# exactly (a number beyond 64 bits, nesting past orjson's limit, or a NaN, which orjson would
# write as null) are read every time. The keys are written in the order sent, not sorted: the
# same sender writes the same lines the same way, and lines sent in another key order are only
# a second entry, read the same. Only JSON without a null is remembered, so a null never stands
# for a NaN; the lines that hit the memo have the very JSON of a remembered entry, so they hold
# no null either, and only a miss looks for one (issue 14: the search cost as much as a lookup).
_DOSE_MEMO_MAX = 4096
# The memo holds (lower, upper) mg/day (dose.daily_dose_bounds): a ranged dose has both ends.
_DoseBounds = tuple[float | None, float | None]
remembered_doses: dict[tuple[bytes, float | None, bool, bool], _DoseBounds] = {}


def dosage_text(dosages: Sequence[Mapping[str, Any]]) -> bytes | None:
    """The dose memo's key for these lines (their JSON), or None when orjson cannot write them
    (see above): computed once per resource, whatever its number of components."""
    try:
        return orjson.dumps(dosages)
    except TypeError:  # orjson.JSONEncodeError
        return None


def remembered_daily_dose_mg(
    dosages: Sequence[Mapping[str, Any]],
    *,
    strength_mg: float | None,
    per_ml: bool,
    mass_applies: bool,
) -> float | None:
    """The remembered lower end (dose.daily_dose_mg) of `dosages`."""
    return remembered_dose(dosage_text(dosages), dosages, strength_mg, per_ml, mass_applies)[0]


_UNREAD = object()  # not in the dose memo


def remembered_dose(
    text: bytes | None,
    dosages: Sequence[Mapping[str, Any]],
    strength_mg: float | None,
    per_ml: bool,
    mass_applies: bool,
) -> _DoseBounds:
    """daily_dose_bounds of `dosages`, whose `dosage_text` is `text`. Positional: it runs once
    per medication event, where keyword passing alone cost as much as the memo lookup."""
    if text is None:
        return daily_dose_bounds(
            dosages, strength_mg=strength_mg, per_ml=per_ml, mass_applies=mass_applies
        )
    key = (text, strength_mg, per_ml, mass_applies)
    found = remembered_doses.get(key, _UNREAD)
    if found is not _UNREAD:
        return found  # type: ignore[return-value]
    mg = daily_dose_bounds(
        dosages, strength_mg=strength_mg, per_ml=per_ml, mass_applies=mass_applies
    )
    # A null may be a NaN as JSON writes it: such lines are read every time (see above). find,
    # not `in`: `in` first tries its operand as a byte value and formats the TypeError of that.
    if text.find(b"null") == -1:
        remember(remembered_doses, key, mg, _DOSE_MEMO_MAX)
    return mg


# (as needed, the most it allows a day in mg) by the same key as the dose memo: read for every
# event of every drug (an as-needed dose is never a daily one, services/trial_table.py).
_AsNeeded = tuple[bool, float | None]
remembered_as_needed: dict[tuple[bytes, float | None, bool, bool], _AsNeeded] = {}


def as_needed_reading(
    text: bytes | None,
    dosages: Sequence[Mapping[str, Any]],
    strength_mg: float | None,
    per_ml: bool,
    mass_applies: bool,
) -> _AsNeeded:
    """(dose.as_needed, dose.as_needed_max_mg) of `dosages`, whose `dosage_text` is `text`,
    remembered as `remembered_dose` remembers the dose."""
    key = None if text is None else (text, strength_mg, per_ml, mass_applies)
    if key is not None:
        found = remembered_as_needed.get(key)
        if found is not None:
            return found
    prn = as_needed(dosages)
    reading = (
        prn,
        as_needed_max_mg(dosages, strength_mg=strength_mg, per_ml=per_ml, mass_applies=mass_applies)
        if prn
        else None,
    )
    if key is not None and key[0].find(b"null") == -1:
        remember(remembered_as_needed, key, reading, _DOSE_MEMO_MAX)
    return reading
