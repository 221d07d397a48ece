"""MedicationRequest / MedicationStatement / MedicationDispense -> MedicationEvent.

One resource gives one event per recognised component (a fluoxetine/olanzapine capsule gives a
fluoxetine event and an olanzapine event). The medication is read from
`medicationCodeableConcept`, or from `medicationReference` resolved to a contained Medication
("#id") or a Medication among the same resources ("Medication/<id>", or "urn:uuid:<id>" as Synthea
writes it, with the uuid as the Medication's id).

Read tolerantly (issue 10): fields are read from the plain dict defensively, a malformed field
counts as absent, and a resource is left out only when its drug or its date cannot be read; then
it is reported as a DataGap, never dropped in silence. No whole-resource model validation: real
EHRs send resources that are non-conformant outside the fields read here (Epic's `category` as
one object), and the drug history is worth more than the conformance.

Statuses (issue 3): `entered-in-error` and `cancelled` are dropped everywhere; `draft`
MedicationRequests are dropped here (drafts come only from the hook's draftOrders, see
`draft_orders`). Also dropped because they say the drug was *not* taken or given:
MedicationStatement `not-taken`, MedicationDispense `declined`, MedicationRequest with
`doNotPerform: true`, `proposal` / `option` intents (a suggestion, not a prescription), and a
referenced Medication that is itself `entered-in-error`. Intent `plan` is kept: some EHRs export
documented home medications that way, and they are exposure history. Other statuses are kept on
the event for the episode builder.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from math import isfinite
from operator import attrgetter
from types import MappingProxyType
from typing import Any

import orjson

from fhir_mapping.adherence import reported_adherence
from fhir_mapping.dose import (
    as_needed,
    daily_amounts,
    daily_dose_bounds,
    daily_units,
    duration_days,
    quantity_units,
)
from fhir_mapping.dose_basis import (
    basis_of,
    equivalence_ingredients,
    equivalence_of,
    mark_draft,
    per_administration_mg,
)
from fhir_mapping.dose_basis import rules as basis_rules
from fhir_mapping.drug_table import drug_info
from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.fhir_fields import FIRST_YEAR, JSON_OBJECT, LAST_YEAR, array
from fhir_mapping.gaps import resource_gap
from fhir_mapping.intolerance import status_reason_intolerance
from fhir_mapping.record import DataGap, DoseBasis, DraftOrder, SourceRef
from fhir_mapping.terminology import Component, concept_reading, names_a_drug, recognise

# No fill or order covers ten years: a longer supply is a data error (read as unknown).
MAX_SUPPLY_DAYS = 3660.0


@dataclass(frozen=True, slots=True)
class _TypeReading:
    """How one medication resource type is read, looked up once per resource: its event kind,
    the statuses that drop it, and the field holding its dosage lines."""

    name: str
    kind: EventKind
    dropped_statuses: frozenset[str]
    dosage_field: str


_TYPES = {
    reading.name: reading
    for reading in (
        _TypeReading(
            "MedicationRequest",
            EventKind.ORDER,
            frozenset({"entered-in-error", "cancelled", "draft"}),
            "dosageInstruction",
        ),
        _TypeReading(
            "MedicationStatement",
            EventKind.STATEMENT,
            frozenset({"entered-in-error", "cancelled", "not-taken"}),
            "dosage",
        ),
        _TypeReading(
            "MedicationDispense",
            EventKind.DISPENSE,
            frozenset({"entered-in-error", "cancelled", "declined"}),
            "dosageInstruction",
        ),
    )
}
_DROPPED_INTENTS = frozenset({"proposal", "option"})
# Enum members compared for every resource, as module constants: on Python 3.11 reading a member
# off its Enum class costs about ten times reading a global (issue 14).
_ORDER = EventKind.ORDER
_STATEMENT = EventKind.STATEMENT
_DISPENSE = EventKind.DISPENSE
# Statuses that say the drug is taken now, for a resource whose dates cannot be read (a C-CDA
# or patient-reported statement often carries none): the safety checks still see the drug.
# A dispense says nothing about now without its date.
# `on-hold` counts as taken now for these checks only (not as time on the drug: episodes.py): a
# drug held days ago, an MAOI above all, still matters to an interaction or washout check, and
# the safer reading is to keep it in view (review 6 finding 3).
_TAKEN_NOW: dict[EventKind, frozenset[str]] = {
    EventKind.STATEMENT: frozenset({"active", "intended", "on-hold"}),
    EventKind.ORDER: frozenset({"active", "on-hold"}),
}
_DAILY = DoseBasis.DAILY
_NO_MEDICATIONS: Mapping[str, Mapping[str, Any]] = MappingProxyType({})


# --------------------------------------------------------------------------------------------
# Small readers
#
# `isinstance(x, JSON_OBJECT)` on the fields every medication resource passes through: JSON
# gives dicts, answered at C speed, where the Mapping ABC check alone costs more than the read
# (issue 14); other Mappings still read the same way.


def parse_date(value: object) -> date | None:
    """The calendar date of a FHIR date/dateTime ("2024-03-05T10:00:00+01:00" -> 2024-03-05);
    a partial date takes its first day ("2024-03" -> 2024-03-01)."""
    if not isinstance(value, str) or len(value) < 4:
        return None
    # The common "YYYY-MM-DD..." at C speed, as fhir_fields.parse_date reads it (issue 14). The
    # dashes are looked for in the first ten characters, taken once: a shorter head would fail
    # fromisoformat and be read below all the same.
    head = value[:10]
    if len(head) == 10 and head[4] == "-" and head[7] == "-" and head.isascii():
        try:
            found = date.fromisoformat(head)
        except ValueError:
            pass  # read below, as fhir_fields.parse_date does
        else:
            return found if FIRST_YEAR <= found.year <= LAST_YEAR else None
    parts = head.split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 and parts[1] else 1
        day = int(parts[2][:2]) if len(parts) > 2 and parts[2] else 1
        if not FIRST_YEAR <= year <= LAST_YEAR:  # placeholders such as 0001-01-01: no date
            return None
        return date(year, month, day)
    except (ValueError, IndexError):
        return None


def _period(value: object) -> tuple[date | None, date | None]:
    if not isinstance(value, JSON_OBJECT):
        return None, None
    return parse_date(value.get("start")), parse_date(value.get("end"))


def _dosages(resource: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    reading = _TYPES.get(str(resource.get("resourceType")))
    return _lines(resource.get(reading.dosage_field)) if reading is not None else []


def _lines(value: object) -> list[Mapping[str, Any]]:
    """The dosage lines of a dosage field (a malformed line counts as absent)."""
    return [d for d in value if isinstance(d, JSON_OBJECT)] if isinstance(value, list) else []


def _bounds(
    dosages: Sequence[Mapping[str, Any]], start: date | None
) -> tuple[date | None, date | None]:
    """(earliest boundsPeriod.start, latest boundsPeriod.end or start + boundsDuration)."""
    starts: list[date] = []
    ends: list[date] = []
    for line in dosages:
        timing = line.get("timing")
        repeat = timing.get("repeat") if isinstance(timing, JSON_OBJECT) else None
        if not isinstance(repeat, JSON_OBJECT):
            continue
        begin, end = _period(repeat.get("boundsPeriod"))
        if begin is not None:
            starts.append(begin)
        if end is not None:
            ends.append(end)
        days = duration_days(repeat.get("boundsDuration"))
        anchor = begin or start
        if days is not None and anchor is not None:
            ends.append(anchor + timedelta(days=days))
    return (min(starts) if starts else None), (max(ends) if ends else None)


def _index(resources: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """Medication resources by logical id."""
    index: dict[str, Mapping[str, Any]] = {}
    for resource in resources:
        if isinstance(resource, JSON_OBJECT) and resource.get("resourceType") == "Medication":
            rid = resource.get("id")
            if isinstance(rid, str) and rid:
                index.setdefault(rid, resource)
    return index


def _referenced_medication(
    resource: Mapping[str, Any], medications: Mapping[str, Mapping[str, Any]]
) -> tuple[Mapping[str, Any] | None, bool]:
    """(the Medication a medicationReference points to, whether it was found among the resources
    rather than contained)."""
    reference = resource.get("medicationReference")
    if not isinstance(reference, JSON_OBJECT):
        return None, False
    target = reference.get("reference")
    if not isinstance(target, str) or not target:
        return None, False
    if target.startswith("#"):
        for contained in array(resource.get("contained")):
            if (
                isinstance(contained, Mapping)
                and contained.get("resourceType") == "Medication"
                and contained.get("id") == target[1:]
            ):
                return contained, False
        return None, False
    if target.startswith("urn:uuid:"):
        found = medications.get(target[len("urn:uuid:") :])
        return found, found is not None
    parts = target.split("/")
    if "_history" in parts:
        parts = parts[: parts.index("_history")]
    if len(parts) >= 2 and parts[-2] == "Medication":
        found = medications.get(parts[-1])
        return found, found is not None
    return None, False


def _drug(
    resource: Mapping[str, Any], medications: Mapping[str, Mapping[str, Any]]
) -> tuple[tuple[Component, ...], str | None, Mapping[str, Any] | None]:
    """(recognised components, why the drug could not be identified at all or None, the
    Medication its medicationReference points to or None), the reference resolved once.

    An empty tuple with no reason is a drug that was identified and is not on this pathway
    (lisinopril): most of a chart, skipped in silence. A reason means the drug itself could not be
    read (a Medication reference that resolves to nothing and carries no display, no code and no
    text): it might have been an antidepressant, so the caller reports it (issue 10).
    """
    reference = resource.get("medicationReference")
    # Nearly every resource codes its drug inline: no reference to resolve.
    medication = None if reference is None else _referenced_medication(resource, medications)[0]
    concept = resource.get("medicationCodeableConcept")
    if concept is not None and isinstance(concept, JSON_OBJECT):
        # recognise(concept) and names_a_drug(concept), remembered together (issue 14).
        found, named = concept_reading(concept)
        if found or named:
            return found, None, medication
        return (), "drug not identifiable: no name and no standard drug code", medication
    display = reference.get("display") if isinstance(reference, JSON_OBJECT) else None
    if medication is not None:
        if medication.get("status") == "entered-in-error":
            return (), None, medication
        found = recognise(None, medication)
        if found or names_a_drug(medication.get("code")):
            return found, None, medication
        if isinstance(display, str) and display.strip():
            return recognise({"text": display}), None, medication
        return (), "the referenced Medication has no drug code or name", medication
    if isinstance(display, str) and display.strip():
        return recognise({"text": display}), None, None
    if isinstance(reference, JSON_OBJECT) and isinstance(reference.get("reference"), str):
        return (), "medication reference not found", None
    return (), "no medication", None


def _notes(components: tuple[Component, ...]) -> tuple[str, ...]:
    if len(components) < 2:
        return ()
    return ("component of " + "/".join(c.ingredient for c in components),)


# --------------------------------------------------------------------------------------------
# Supply


def _order_supply(
    resource: Mapping[str, Any], dosages: Sequence[Mapping[str, Any]], component: Component
) -> float | None:
    """Days ONE fill of an order covers: expectedSupplyDuration, else the ordered quantity divided
    by the daily use. Refills are read apart (`_refills`): refills authorised are not supply
    taken (issue 10; the old "supply x (1 + repeats)" stretched a finished 12-week course with
    unused refills to 6 months and read it as PDC 25-50 %). episodes.py decides what they count."""
    request = resource.get("dispenseRequest")
    if not isinstance(request, JSON_OBJECT):
        return None
    days = duration_days(request.get("expectedSupplyDuration"))
    if days is None:
        days = _quantity_days(request.get("quantity"), dosages, component)
    return days


def _refills(resource: Mapping[str, Any]) -> int:
    """dispenseRequest.numberOfRepeatsAllowed (0 when absent or malformed)."""
    request = resource.get("dispenseRequest")
    repeats = request.get("numberOfRepeatsAllowed") if isinstance(request, JSON_OBJECT) else None
    if isinstance(repeats, int) and not isinstance(repeats, bool) and 0 < repeats <= 100:
        return repeats
    return 0


def _quantity_days(
    quantity: object, dosages: Sequence[Mapping[str, Any]], component: Component
) -> float | None:
    units = quantity_units(quantity, per_ml=component.per_ml)
    per_day = daily_units(dosages, strength_mg=component.strength_mg, per_ml=component.per_ml)
    if units is None or per_day is None:
        return None
    return units / per_day


# --------------------------------------------------------------------------------------------
# Events


def _start_and_end(
    resource: Mapping[str, Any], kind: EventKind, dosages: Sequence[Mapping[str, Any]]
) -> tuple[date | None, date | None]:
    """(start, explicit end) of a resource of event kind `kind` (its type's, as `_TYPES` has it)."""
    if kind is _ORDER:
        authored = parse_date(resource.get("authoredOn"))
        bounds_start, bounds_end = _bounds(dosages, authored)
        request = resource.get("dispenseRequest")
        validity_start = (
            _period(request.get("validityPeriod"))[0] if isinstance(request, JSON_OBJECT) else None
        )
        start = authored or bounds_start or validity_start
        # An end before the start is a data error: the course is read as ending where it began.
        return start, (max(bounds_end, start) if bounds_end and start else bounds_end)
    if kind is _STATEMENT:
        period_start, period_end = _period(resource.get("effectivePeriod"))
        asserted = parse_date(resource.get("dateAsserted"))
        start = (
            period_start or parse_date(resource.get("effectiveDateTime")) or asserted or period_end
        )
        if period_end is None and start is not None and resource.get("status") == "on-hold":
            # Held, not taken (review 6 finding 3): the record supports the course up to the
            # date it was asserted, else its start (duration not recorded); never to as-of.
            period_end = asserted if asserted is not None and asserted > start else start
        return start, (max(period_end, start) if period_end and start else period_end)
    handed = parse_date(resource.get("whenHandedOver")) or parse_date(resource.get("whenPrepared"))
    return handed, None


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
_dose_memo: dict[tuple[bytes, float | None, bool, bool], _DoseBounds] = {}


def _dosage_text(dosages: Sequence[Mapping[str, Any]]) -> bytes | None:
    """The dose memo's key for these lines (their JSON), or None when orjson cannot write them
    (see above): computed once per resource, whatever its number of components."""
    try:
        return orjson.dumps(dosages)
    except TypeError:  # orjson.JSONEncodeError
        return None


def _daily_dose_mg(
    dosages: Sequence[Mapping[str, Any]],
    *,
    strength_mg: float | None,
    per_ml: bool,
    mass_applies: bool,
) -> float | None:
    """The remembered lower end (dose.daily_dose_mg) of `dosages`."""
    return _remembered_dose(_dosage_text(dosages), dosages, strength_mg, per_ml, mass_applies)[0]


_UNREAD = object()  # not in the dose memo


def _remembered_dose(
    text: bytes | None,
    dosages: Sequence[Mapping[str, Any]],
    strength_mg: float | None,
    per_ml: bool,
    mass_applies: bool,
) -> _DoseBounds:
    """daily_dose_bounds of `dosages`, whose `_dosage_text` is `text`. Positional: it runs once
    per medication event, where keyword passing alone cost as much as the memo lookup."""
    if text is None:
        return daily_dose_bounds(
            dosages, strength_mg=strength_mg, per_ml=per_ml, mass_applies=mass_applies
        )
    key = (text, strength_mg, per_ml, mass_applies)
    found = _dose_memo.get(key, _UNREAD)
    if found is not _UNREAD:
        return found  # type: ignore[return-value]
    mg = daily_dose_bounds(
        dosages, strength_mg=strength_mg, per_ml=per_ml, mass_applies=mass_applies
    )
    # A null may be a NaN as JSON writes it: such lines are read every time (see above). find,
    # not `in`: `in` first tries its operand as a byte value and formats the TypeError of that.
    if text.find(b"null") == -1:
        if len(_dose_memo) >= _DOSE_MEMO_MAX:
            _dose_memo.clear()
        _dose_memo[key] = mg
    return mg


def _events_of(
    resource: Mapping[str, Any],
    reading: _TypeReading,
    drug: tuple[tuple[Component, ...], Mapping[str, Any] | None],
    dates: tuple[date, date | None],
    dosages: Sequence[Mapping[str, Any]],
) -> list[MedicationEvent]:
    """The events of one resource of type `reading`: `drug` its (components, referenced
    Medication), `dates` its (start, end), `dosages` its dosage lines (`_lines`).

    Everything that does not depend on the component (source, status, adherence, refills, a
    dispense's days supply, the dose memo's key) is read once per resource, whatever its number
    of components; each event is built complete, with its dose basis (dose_basis.py), rather than
    built and then copied."""
    components, medication = drug
    start, end = dates
    kind = reading.kind
    rid = resource.get("id")
    source = SourceRef(reading.name, rid if isinstance(rid, str) else str(rid or ""))
    raw_status = resource.get("status")
    # A malformed status counts as absent (tolerant reading), not as its repr.
    status = raw_status if isinstance(raw_status, str) and raw_status else "unknown"
    combination = len(components) > 1
    # Documented adherence (US Core extension) on an order or statement; a dispense is itself the
    # adherence evidence. No extension at all (most resources): nothing documented.
    reported = (
        reported_adherence(resource)
        if kind is not _DISPENSE and resource.get("extension") is not None
        else None
    )
    text = _dosage_text(dosages)
    combination_notes = _notes(components) if combination else ()
    # The drugs whose dose is not a daily one (dose_basis.py), keyed by the lower-case name the
    # drug table gives every event: any other drug is a daily one without asking.
    non_daily = basis_rules()
    equivalents = equivalence_ingredients()
    refills = _refills(resource) if kind is _ORDER else 0
    stated_supply = duration_days(resource.get("daysSupply")) if kind is _DISPENSE else None
    # A statement's dateAsserted: with its start, the day the record last confirms it (rule 2c).
    asserted = parse_date(resource.get("dateAsserted")) if kind is _STATEMENT else None
    # Most resources state no stop reason (the fields status_reason_intolerance reads), and
    # then no intolerance.
    stopped = "statusReason" in resource or "statusReasonCodeableConcept" in resource
    events: list[MedicationEvent] = []
    for component in components:
        info = drug_info(component.ingredient)
        if info is None:
            continue
        notes = combination_notes
        # The lower end of a ranged dose is the dose (adequacy); the upper end rides along for
        # the checks of a dose that may be too high (dose.py docstring).
        mg, mg_high = _remembered_dose(
            text, dosages, component.strength_mg, component.per_ml, not combination
        )
        supply: float | None = None
        if kind is _ORDER:
            supply = _order_supply(resource, dosages, component)
        elif kind is _DISPENSE:
            supply = stated_supply
            if supply is None:
                supply = _quantity_days(resource.get("quantity"), dosages, component)
            if mg is None and supply and component.strength_mg is not None:
                # No sig on the dispense: quantity x strength / daysSupply is the dose claims
                # data imply (30 x 50 mg tablets for 30 days = 50 mg/day).
                units = quantity_units(resource.get("quantity"), per_ml=component.per_ml)
                if units is not None:
                    mg = round(units * component.strength_mg / supply, 4)
                    notes = (*notes, "dose from dispensed quantity and days supply")
        # Absurd numbers (1e308 tablets, a supply of 2**64 days) are errors, not history: read
        # them as unknown, which also keeps the date arithmetic on them in range.
        if mg is not None and not isfinite(mg):
            mg = None
        if mg_high is not None and (not isfinite(mg_high) or (mg is not None and mg_high <= mg)):
            mg_high = None  # absurd, or a dose from the quantity at or above the sig's upper end
        # A product whose mg are not the range's mg (Aplenzin, Prozac Weekly): the reference
        # dose, so every check judges it against the range as written (dose_basis.py).
        equivalent = None
        if info.ingredient in equivalents:
            equivalent = equivalence_of(info.ingredient, resource, medication, component.display)
            if equivalent is not None:
                mg, mg_high = equivalent.reference_mg(mg), equivalent.reference_mg(mg_high)
        if supply is not None and not supply <= MAX_SUPPLY_DAYS:
            supply = None
        basis = (
            basis_of(info.ingredient, resource, medication)
            if info.ingredient in non_daily
            else _DAILY
        )
        # Positional, in the order of MedicationEvent's fields (issue 14: passing sixteen
        # keywords cost a fifth of building the event); test_medication_event_fields pins it.
        events.append(
            MedicationEvent(
                kind,
                info.ingredient,
                info.drug_class,
                info.role,
                start,
                end,
                mg,  # mg_per_day
                supply,  # days_supply
                status,
                source,
                notes,
                refills,
                status_reason_intolerance(resource, info.ingredient, end) if stopped else None,
                reported,  # reported_adherence
                basis,  # dose_basis
                None if basis is _DAILY else per_administration_mg(mg, resource),
                mg_high,  # mg_per_day_high
                None if equivalent is None else equivalent.key,  # dose_equivalence
                as_needed(dosages) if dosages and info.low_dose_only_as_needed else None,
                False,  # supply_estimated: set by _estimate_supplies
                asserted,
            )
        )
    return events


def _not_prescribed(request: Mapping[str, Any]) -> bool:
    """A MedicationRequest that says not to give the drug, or only suggests it."""
    intent = request.get("intent")
    return request.get("doNotPerform") is True or (
        isinstance(intent, str) and intent in _DROPPED_INTENTS
    )


# The events' order: EventKind is a StrEnum, so a member orders as its value (`.value` is a slow
# property), and attrgetter builds the key tuple at C speed.
_EVENT_ORDER = attrgetter("start", "ingredient", "kind", "source.id")


def medication_events(
    resources: Sequence[Mapping[str, Any]], *, as_of: date, unique: bool = False
) -> tuple[list[MedicationEvent], list[DataGap]]:
    """(events of the antidepressants and adjuncts among `resources`, what was left out).

    Read tolerantly (issue 10): no whole-resource validation; each field is read defensively and a
    malformed one counts as absent. Left out, and returned as a DataGap naming the resource: a
    drug that cannot be identified at all (an unresolvable Medication reference with no display)
    and a recognised drug with no usable date. Events starting after `as_of` are dropped, so a
    replay sees the chart as it was that day. The same (type, id) is read once; `unique` says
    the caller has made them unique already (build_record: then no resource is looked for twice).
    """
    # Medications by id, indexed on the first resource that references one: most charts code
    # their drugs inline and never need it.
    medications: Mapping[str, Mapping[str, Any]] | None = None
    events: list[MedicationEvent] = []
    gaps: list[DataGap] = []
    seen: set[tuple[str, str]] = set()
    pending: list[_Pending] = []  # dispenses without days of supply: _estimate_supplies
    for resource in resources:
        if not isinstance(resource, JSON_OBJECT):
            continue
        reading = _TYPES.get(resource.get("resourceType"))  # type: ignore[arg-type]
        if reading is None:
            continue
        # Dropped: the resource says the drug was not taken or given (module docstring). Read
        # before any validation: a status or intent that is not a string is no status.
        status = resource.get("status")
        if isinstance(status, str) and status in reading.dropped_statuses:
            continue
        if reading.kind is _ORDER and _not_prescribed(resource):
            continue
        if not unique:
            rid = resource.get("id")
            if isinstance(rid, str) and rid:
                key = (reading.name, rid)
                if key in seen:
                    continue
                seen.add(key)
        if medications is None and resource.get("medicationReference") is not None:
            medications = _index(resources)
        components, unreadable, medication = _drug(resource, medications or _NO_MEDICATIONS)
        if unreadable is not None:
            gaps.extend(resource_gap(resource, unreadable))
            continue
        if not components:
            continue  # not on this pathway
        dosages = _lines(resource.get(reading.dosage_field))
        start, end = _start_and_end(resource, reading.kind, dosages)
        if start is None:
            # Still taken, by its status: the safety checks must see it (DataGap.taken_now).
            now = status in _TAKEN_NOW.get(reading.kind, ())
            gaps.extend(
                resource_gap(
                    resource,
                    "an antidepressant or adjunct with no usable date",
                    taken_now=tuple(c.ingredient for c in components) if now else (),
                )
            )
            continue
        if start > as_of:
            continue
        new = _events_of(resource, reading, (components, medication), (start, end), dosages)
        events.extend(new)
        # A dispense without days of supply (Oracle Health): estimated after the loop from its
        # authorising order, which may come later in the chart. A dispense stating daysSupply
        # (the common case) costs one comparison here (issue 14).
        if reading.kind is _DISPENSE and new and new[0].days_supply is None:
            pending.append((resource, len(events) - len(new), components))
    if pending:
        _estimate_supplies(events, pending, resources, medications)
    events.sort(key=_EVENT_ORDER)
    return events, gaps


# --------------------------------------------------------------------------------------------
# Days of supply estimated from the authorising order (review 6 finding 9)
#
# Oracle Health sends MedicationDispenses with a quantity (30 tablets) and no daysSupply, and
# often no sig of their own; the order they fill carries the sig. The dispense's quantity divided
# by the order's daily units ("1 tablet daily") is the usual estimate. The order's sig is read at
# the UPPER end of a range (dose.daily_units): the fill then lasts the shorter time, the safer
# reading for adherence. Only when the units agree: the same ingredient, a count (tablets,
# capsules) or a volume the dispense's quantity is in, and for a dose written in units the same
# product strength (a "1 tablet daily" order of 100 mg tablets says nothing of how long 50 mg
# tablets last). Anything else stays unestimated ("days' supply not stated").

_ESTIMATED_NOTE = "days supply estimated from quantity and the order's dose"
_Pending = tuple[Mapping[str, Any], int, tuple[Component, ...]]


def _estimate_supplies(
    events: list[MedicationEvent],
    pending: Sequence[_Pending],
    resources: Sequence[Mapping[str, Any]],
    medications: Mapping[str, Mapping[str, Any]] | None,
) -> None:
    """Fill in `days_supply` of the pending dispenses' events (their index in `events`, their
    components) from their authorising orders, looked up in one index of the chart's orders."""
    orders: dict[str, Mapping[str, Any]] | None = None
    for dispense, first, components in pending:
        references = dispense.get("authorizingPrescription")
        if not isinstance(references, list) or not references:
            continue
        if orders is None:
            orders = _orders_by_id(resources)
        order = _authorising_order(references, orders)
        if order is None:
            continue
        if medications is None and order.get("medicationReference") is not None:
            medications = _index(resources)
        ordered = _drug(order, medications or _NO_MEDICATIONS)[0]
        dosages = _lines(order.get("dosageInstruction"))
        quantity = dispense.get("quantity")
        index = first
        for component in components:
            if drug_info(component.ingredient) is None:
                continue  # no event was built for it (_events_of)
            event = events[index]
            index += 1
            if event.days_supply is not None:
                continue
            days = _estimated_days(quantity, component, ordered, dosages)
            if days is not None:
                events[index - 1] = replace(
                    event,
                    days_supply=days,
                    notes=(*event.notes, _ESTIMATED_NOTE),
                    supply_estimated=True,
                )


def _orders_by_id(resources: Sequence[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """The chart's MedicationRequests by id, those that say a drug was prescribed (module
    docstring): built once per chart, only when a dispense needs its order."""
    orders: dict[str, Mapping[str, Any]] = {}
    dropped = _TYPES["MedicationRequest"].dropped_statuses
    for resource in resources:
        if not isinstance(resource, JSON_OBJECT) or resource.get("resourceType") != (
            "MedicationRequest"
        ):
            continue
        status = resource.get("status")
        if (isinstance(status, str) and status in dropped) or _not_prescribed(resource):
            continue
        rid = resource.get("id")
        if isinstance(rid, str) and rid:
            orders.setdefault(rid, resource)
    return orders


def _authorising_order(
    references: Sequence[object], orders: Mapping[str, Mapping[str, Any]]
) -> Mapping[str, Any] | None:
    """The one order the dispense's authorizingPrescription names among `orders` (a relative
    "MedicationRequest/<id>", with or without _history, an absolute URL, or "urn:uuid:<id>");
    None when none is found or the references name different orders."""
    found: dict[int, Mapping[str, Any]] = {}
    for reference in references:
        target = reference.get("reference") if isinstance(reference, JSON_OBJECT) else None
        if not isinstance(target, str) or not target:
            continue
        if target.startswith("urn:uuid:"):
            rid = target[len("urn:uuid:") :]
        else:
            parts = target.split("/")
            if "_history" in parts:
                parts = parts[: parts.index("_history")]
            if len(parts) < 2 or parts[-2] != "MedicationRequest":
                continue
            rid = parts[-1]
        order = orders.get(rid)
        if order is not None:
            found[id(order)] = order
    return next(iter(found.values())) if len(found) == 1 else None


def _estimated_days(
    quantity: object,
    component: Component,
    ordered: Sequence[Component],
    dosages: Sequence[Mapping[str, Any]],
) -> float | None:
    """The dispensed quantity / the order's daily units of the same ingredient (upper end of a
    range), or None when the units do not agree (see above)."""
    same = [c for c in ordered if c.ingredient == component.ingredient]
    if len(same) != 1 or same[0].per_ml != component.per_ml:
        return None
    units = quantity_units(quantity, per_ml=component.per_ml)
    amounts = daily_amounts(dosages)
    if units is None or amounts is None:
        return None
    for amount in amounts:
        if amount.kind == "mass":
            # mg per day / the dispensed product's mg per unit: needs that strength, and a dose in
            # mg of a combination order does not say which ingredient it counts.
            if component.strength_mg is None or len(ordered) > 1:
                return None
        elif component.strength_mg is None or same[0].strength_mg != component.strength_mg:
            return None  # units of a product of another (or an unknown) strength
    per_day = daily_units(dosages, strength_mg=component.strength_mg, per_ml=component.per_ml)
    if per_day is None:
        return None
    days = units / per_day
    return days if isfinite(days) and 0 < days <= MAX_SUPPLY_DAYS else None


def draft_orders(resources: Sequence[Mapping[str, Any]]) -> tuple[DraftOrder, ...]:
    """Antidepressant and adjunct MedicationRequests of the hook's draftOrders (any status).

    `resources` may be the draftOrders Bundle itself or its entries' resources. Drafts are read
    defensively but not model-validated: a draft is often still incomplete (no subject yet), and
    missing a dose check on the order being signed is worse than reading an imperfect draft.
    """
    flat: list[Mapping[str, Any]] = []
    for resource in resources:
        if isinstance(resource, Mapping) and resource.get("resourceType") == "Bundle":
            for entry in array(resource.get("entry")):
                if isinstance(entry, Mapping) and isinstance(entry.get("resource"), Mapping):
                    flat.append(entry["resource"])
        elif isinstance(resource, Mapping):
            flat.append(resource)
    medications = _index(flat)
    orders: list[DraftOrder] = []
    for resource in flat:
        if resource.get("resourceType") != "MedicationRequest":
            continue
        components, _, medication = _drug(resource, medications)
        dosages = _dosages(resource)
        for component in components:
            info = drug_info(component.ingredient)
            if info is None:
                continue
            rid = str(resource.get("id") or "")
            # Esketamine sessions and long-acting injections are per session/interval, not
            # mg/day (dose_basis.py): the draft says so and carries no mg/day range.
            mg, mg_high = daily_dose_bounds(
                dosages,
                strength_mg=component.strength_mg,
                per_ml=component.per_ml,
                mass_applies=len(components) == 1,
            )
            # Aplenzin, Prozac Weekly: judged at the reference dose (dose_basis.py).
            equivalent = equivalence_of(info.ingredient, resource, medication, component.display)
            if equivalent is not None:
                mg, mg_high = equivalent.reference_mg(mg), equivalent.reference_mg(mg_high)
            orders.append(
                mark_draft(
                    DraftOrder(
                        id=rid,
                        ingredient=info.ingredient,
                        drug_class=info.drug_class,
                        role=info.role,
                        mg_per_day=mg,  # the lower end of a range: adequacy
                        mg_per_day_high=mg_high,  # the upper end: "above the maximum"
                        dose_equivalence=None if equivalent is None else equivalent.key,
                        min_adequate_mg=info.min_adequate_mg,
                        max_mg=info.max_mg,
                        source=SourceRef("MedicationRequest", rid),
                    ),
                    resource,
                    medication,
                )
            )
    return tuple(orders)
