"""Blood pressure Observations -> BloodPressure readings (review 13 W6).

What EHRs send (US Core Blood Pressure profile, STU4 to STU7 example "blood-pressure"): one
Observation, category vital-signs, code LOINC 85354-9 "Blood pressure panel with all children
optional", with two components, 8480-6 systolic and 8462-4 diastolic, each a valueQuantity in
mm[Hg] (UCUM). Epic and Oracle Health send the panel with components (their US Core conformance);
older feeds and some C-CDA conversions send systolic and diastolic as two Observations of their
own, which are paired here when they share their effective time (or, with no time, their day).

Read tolerantly, as the labs are (fhir_mapping/labs.py): status final, amended or corrected only
(a preliminary or entered-in-error reading is not a reading); dated on or before as-of; a value
that is not a number counts as absent; a unit other than mm Hg leaves that half absent (no
conversion: kPa is rare in US feeds, and a wrong conversion would be worse than a gap). A panel
with neither half readable is reported as a left-out vital sign (DataDomain.VITALS), never
dropped in silence.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import date
from operator import attrgetter
from typing import Any

from fhir_mapping.code_systems import LOINC, canonical_system
from fhir_mapping.fhir_fields import JSON_OBJECT, array, effective_date, number, source_ref
from fhir_mapping.record import BloodPressure, DataDomain, DataGap, GapCause
from fhir_mapping.result_statuses import OBSERVATION, Reads, statuses

Resource = Mapping[str, Any]

PANEL = "85354-9"  # Blood pressure panel with all children optional (US Core BP profile)
SYSTOLIC = "8480-6"
DIASTOLIC = "8462-4"
# The codes the `vitals` prefetch key asks for (services/catalog.py), in its order.
CODES = (PANEL, SYSTOLIC, DIASTOLIC)
_CODES = frozenset(CODES)
# Results only: the `all` rows of data/result_statuses.csv (final / amended / corrected).
_COUNTED = statuses(OBSERVATION, Reads.ALL)
# UCUM "mm[Hg]" as US Core binds it; "mmHg" and "mm Hg" as unit text some feeds write.
_MM_HG = frozenset({"mm[hg]", "mmhg", "mm hg"})


def codes() -> frozenset[str]:
    """The LOINC codes of a blood pressure Observation, as `fhir_fields.codings` yields codes:
    build.py routes an Observation with one of them here from its one walk of the codings."""
    return _CODES


def _loinc_codes(concept: object) -> Collection[str]:
    """The stripped LOINC codes of a CodeableConcept (only `in` is asked of the answer)."""
    if not isinstance(concept, JSON_OBJECT):
        return ()
    items = concept.get("coding")
    # One LOINC coding as written (a panel or a component, nearly every one): its code alone,
    # no set built and no canonical look-up (issue 14: three concepts per panel, a panel per
    # visit of a decade). The same answer as the loop below, which reads every other shape.
    if type(items) is list and len(items) == 1:
        coding = items[0]
        if type(coding) is dict and coding.get("system") == LOINC:
            code = coding.get("code")
            if type(code) is str:
                return (code.strip(),)
    found: set[str] = set()
    for coding in array(items):
        if not isinstance(coding, JSON_OBJECT):
            continue
        code = coding.get("code")
        system = coding.get("system")
        # LOINC as written needs no canonical look-up.
        if (
            isinstance(code, str)
            and isinstance(system, str)
            and (system == LOINC or canonical_system(system) == LOINC)
        ):
            found.add(code.strip())
    return found


def _mm_hg(quantity: object) -> float | None:
    """The value of a valueQuantity in mm Hg, else None (no unit at all is read as mm Hg: the
    unit of every blood pressure reading in the feeds this service reads)."""
    if not isinstance(quantity, JSON_OBJECT):
        return None
    raw = quantity.get("value")
    # A JSON int or float as parsed (the common case) without number()'s call; a bool or any
    # other type goes through number(), which reads it as absent.
    value = float(raw) if type(raw) is int or type(raw) is float else number(raw)
    if value is None or value <= 0:
        return None
    if quantity.get("comparator") is not None:
        return None  # "> 200" is a bound, not a reading
    if quantity.get("code") == "mm[Hg]":  # UCUM as US Core binds it (nearly every reading)
        return value
    # Either unit in mm Hg reads as mm Hg; units stated and none of them mm Hg leave the half
    # absent. One loop, no list or generator built (issue 14: two halves per reading).
    stated = False
    for unit in (quantity.get("code"), quantity.get("unit")):
        if isinstance(unit, str):
            if unit.strip().lower() in _MM_HG:
                return value
            stated = True
    return None if stated else value


def _taken(resource: Resource) -> str:
    when = resource.get("effectiveDateTime")
    if isinstance(when, str):
        return when
    period = resource.get("effectivePeriod")
    if isinstance(period, JSON_OBJECT) and isinstance(period.get("start"), str):
        return str(period["start"])
    return ""


_BY_TIME = attrgetter("date", "taken")


def read_blood_pressures(
    observations: Iterable[Resource], *, as_of: date
) -> tuple[tuple[BloodPressure, ...], tuple[DataGap, ...]]:
    """Every reading of `observations` (those build_record routed here), oldest first, and a gap
    for each panel or half that names blood pressure and could not be read."""
    readings: list[BloodPressure] = []
    halves: dict[tuple[date, str], dict[str, tuple[float, Resource]]] = {}
    unread: list[Resource] = []
    for resource in observations:
        status = resource.get("status")
        if not isinstance(status, str) or status not in _COUNTED:
            continue
        day = effective_date(resource)
        if day is None:
            unread.append(resource)
            continue
        if day > as_of:
            continue
        codes_of = _loinc_codes(resource.get("code"))
        if PANEL in codes_of or resource.get("component") is not None:
            systolic = diastolic = None
            for component in array(resource.get("component")):
                if not isinstance(component, JSON_OBJECT):
                    continue
                parts = _loinc_codes(component.get("code"))
                value = _mm_hg(component.get("valueQuantity"))
                if SYSTOLIC in parts:
                    systolic = value
                elif DIASTOLIC in parts:
                    diastolic = value
            if systolic is None and diastolic is None:
                unread.append(resource)
                continue
            readings.append(
                BloodPressure(day, systolic, diastolic, source_ref(resource), _taken(resource))
            )
            continue
        value = _mm_hg(resource.get("valueQuantity"))
        half = SYSTOLIC if SYSTOLIC in codes_of else DIASTOLIC if DIASTOLIC in codes_of else None
        if half is None:
            continue
        if value is None:
            unread.append(resource)
            continue
        halves.setdefault((day, _taken(resource)), {})[half] = (value, resource)
    for (day, taken), pair in halves.items():
        systolic_half = pair.get(SYSTOLIC)
        diastolic_half = pair.get(DIASTOLIC)
        first = (systolic_half or diastolic_half or (0.0, {}))[1]
        readings.append(
            BloodPressure(
                day,
                systolic_half[0] if systolic_half else None,
                diastolic_half[0] if diastolic_half else None,
                source_ref(first),
                taken,
            )
        )
    readings.sort(key=_BY_TIME)
    gaps = tuple(
        DataGap(
            domain=DataDomain.VITALS,
            cause=GapCause.LEFT_OUT,
            reason="blood pressure reading with no usable date or value",
            source=source_ref(r),
        )
        for r in unread
    )
    return tuple(readings), gaps
