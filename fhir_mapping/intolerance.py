"""Documented intolerance of an antidepressant or adjunct (issue 10): a course stopped for side
effects is not a fair test of efficacy and not poor adherence either; payers count it as
"intolerance" (services/policy.py, `tms_count_intolerant_trials`).

Three sources, all named on the trial they mark (episodes.py attaches them):

1. A stop reason on the medication resource itself: MedicationRequest.statusReason (HL7
   medicationrequest-status-reason `sintol` / `salg`), MedicationStatement.statusReason (SNOMED CT
   "Medication stopped - side effect", "Treatment not tolerated", ...), or words such as
   "adverse effect", "side effects", "not tolerated" in its text or displays
   (data/intolerance_reasons.csv, with sources).
2. An AllergyIntolerance whose substance (`code`, or a `reaction.substance`) is a recognised drug,
   allergy or intolerance alike (either way the drug could not be continued). Left out: a
   `refuted` or `entered-in-error` verification, and an `inactive` or `resolved` clinical status
   (re-exposure was tolerated, so it no longer says the drug cannot be used).
3. An AdverseEvent (actuality `actual`) whose suspectEntity names the drug: by display, a
   CodeableConcept (R5 style), or a reference to a Medication, MedicationRequest,
   MedicationStatement or MedicationAdministration among the same resources. A suspect assessed
   "unlikely" to have caused the event is not counted.

A resource whose drug is not on this pathway (penicillin) is not relevant and is skipped quietly.

Mania or hypomania recorded as such a reaction (review 10 finding 4) is more than an intolerance:
a manic or hypomanic switch on an antidepressant is the strongest marker of bipolarity (CANMAT 2023
para 184: re-evaluate for missed bipolar disorder; DSM-5 counts a full manic episode that outlasts
the antidepressant's effect as bipolar I). `reaction_findings` reads it as a BIPOLAR finding naming
the drug and where it was recorded ("Mania on citalopram, recorded as a reaction"), which
build_record adds to the clinical context (`with_reaction_findings`): the rules then treat it as a
bipolar diagnosis (diagnosis review "confirm the diagnosis", no unipolar escalation, no TMS). The
manifestation counts by a code of data/mania_reactions.csv or a bipolar code of
data/condition_codes.csv, or by words ("mania", "manic", "hypomanic"; not negated). Unlike the
intolerance, it still counts when the allergy is `inactive` or `resolved` (a drug tolerated again
later does not undo the manic episode; bipolar disorder counts when resolved too) and whatever the
causality assessment of an AdverseEvent says (mania during an antidepressant not caused by it
points to bipolar disorder all the more); `refuted` and `entered-in-error` withdraw it. An allergy
recorded against an antidepressant class ("SSRIs") counts for mania too.

One judgement (`_says_mania`: the codes, else the words not negated) decides both the bipolar
finding and `Intolerance.manic_reaction`, which makes the course the reaction ended a manic switch,
never a failed trial (trial_record): a reaction coded SNOMED 231494001 with no words, or with
words that say something else, is a switch as much as one typed "mania". A stop reason
(statusReason) that says mania is an intolerance for that reason alone, a manic one, and a
bipolar finding too (`stop_reason_findings`).
"""

from __future__ import annotations

import csv
import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping.clinical_codes import condition_matches
from fhir_mapping.code_systems import canonical_system
from fhir_mapping.fhir_fields import array, codings, parse_date, ref_id, status_code
from fhir_mapping.record import (
    ClinicalContext,
    DataDomain,
    DataGap,
    Finding,
    FindingKind,
    Intolerance,
    SourceRef,
)
from fhir_mapping.terminology import recognise
from fhir_mapping.tms_safety import negated, normalise_text

INTOLERANCE_TYPES = frozenset({"AllergyIntolerance", "AdverseEvent"})
_MEDICATION_RECORDS = frozenset(
    {"MedicationRequest", "MedicationStatement", "MedicationAdministration", "MedicationDispense"}
)
# AllergyIntolerance statuses that withdraw the record (FHIR R4 allergyintolerance-verification /
# allergyintolerance-clinical): refuted or in error, or the reaction is gone on re-exposure.
_VOID_VERIFICATION = frozenset({"refuted", "entered-in-error"})
_VOID_CLINICAL = frozenset({"inactive", "resolved"})
# Statuses of a course still running or not begun: a stop reason cannot apply to them.
_RUNNING = frozenset({"active", "intended", "draft"})


@dataclass(frozen=True, slots=True)
class _Reasons:
    codes: Mapping[tuple[str, str], str]  # (canonical system, lower-case code) -> term
    terms: re.Pattern[str]
    not_causal: frozenset[tuple[str, str]]


@cache
def _reasons() -> _Reasons:
    text = (
        resources.files("fhir_mapping").joinpath("data/intolerance_reasons.csv").read_text("utf-8")
    )
    codes: dict[tuple[str, str], str] = {}
    terms: list[str] = []
    not_causal: set[tuple[str, str]] = set()
    for row in csv.DictReader(text.splitlines()):
        key = (canonical_system(row["system"]), row["code"].lower())
        if row["kind"] == "code":
            codes[key] = row["term"]
        elif row["kind"] == "term":
            terms.append(row["term"].lower())
        elif row["kind"] == "not-causal":
            not_causal.add(key)
    return _Reasons(codes, _words(terms), frozenset(not_causal))


@cache
def _low_sodium_words() -> re.Pattern[str]:
    """The words of the rows whose `reaction` is low-sodium, codes' terms included."""
    text = (
        resources.files("fhir_mapping").joinpath("data/intolerance_reasons.csv").read_text("utf-8")
    )
    return _words(
        row["term"].lower()
        for row in csv.DictReader(text.splitlines())
        if row.get("reaction") == "low-sodium"
    )


def says_low_sodium(intolerance: Intolerance) -> bool:
    """Whether a documented intolerance names a low sodium (hyponatraemia, SIADH) as its reaction:
    its reason as documented, or the table's term for a bare code (`intolerance_reason`). A
    drug-associated hyponatraemia does not expire: SSRIs and SNRIs can bring it back (the
    switch list says so: services/sodium_history.py)."""
    return _said(_low_sodium_words(), intolerance.reason)


def _said(words: re.Pattern[str], text: str) -> bool:
    """Whether any of `words` stands in `text` not negated ("Nausea. Sodium rechecked: no
    hyponatremia." names no low sodium: the recheck of review 12)."""
    normal = normalise_text(text)
    return any(not negated(normal, m.start(), m.end()) for m in words.finditer(normal))


def _concepts(value: object) -> list[Mapping[str, Any]]:
    """A CodeableConcept or a list of them (MedicationRequest.statusReason is one, Statement's a
    list; senders mix them up)."""
    if isinstance(value, Mapping):
        return [value]
    return [c for c in array(value) if isinstance(c, Mapping)]


def _label(concept: Mapping[str, Any]) -> str | None:
    if isinstance(concept.get("concept"), Mapping):  # R5 CodeableReference (US Core 7+ examples)
        concept = concept["concept"]
    text = concept.get("text")
    if isinstance(text, str) and text.strip():
        return text.strip()
    return next((d for _, _, d in codings(concept) if d.strip()), None)


def intolerance_reason(concept: object) -> str | None:
    """The documented reason when a stop reason says the drug was not tolerated, else None."""
    table = _reasons()
    for item in _concepts(concept):
        for system, code, display in codings(item):
            term = table.codes.get((system, code.lower()))
            if term is not None:
                return _label(item) or display or term
        words = " ".join(
            [d for _, _, d in codings(item) if d]
            + ([item["text"]] if isinstance(item.get("text"), str) else [])
        ).lower()
        if words and _said(table.terms, words):
            return _label(item)
    return None


def status_reason_intolerance(
    resource: Mapping[str, Any], ingredient: str, when: date | None
) -> Intolerance | None:
    """Intolerance stated as the stop reason of a medication resource (statusReason, or a
    dispense's statusReasonCodeableConcept), dated `when` (the course's stated end, where known).
    None for a resource with neither field (medications.py skips the call for those)."""
    status = resource.get("status")
    if isinstance(status, str) and status in _RUNNING:
        return None  # still being taken: whatever the reason says, the course was not stopped
    value = resource.get("statusReason")
    if value is None:
        value = resource.get("statusReasonCodeableConcept")
        if value is None:
            return None  # no stop reason: what nearly every medication resource says
    reason = intolerance_reason(value)
    # A stop reason that says mania or hypomania (coded, or in words not negated) is a reaction
    # to the drug even with no intolerance code or word beside it: a manic switch.
    mania = next((said for c in _concepts(value) if (said := _says_mania(c)) is not None), None)
    if reason is None:
        if mania is None:
            return None
        reason = mania[2]
    rid = resource.get("id")
    source = SourceRef(str(resource.get("resourceType")), rid if isinstance(rid, str) else "")
    return Intolerance(ingredient, reason, when, source, manic_reaction=mania is not None)


# --------------------------------------------------------------------------------------------
# AllergyIntolerance and AdverseEvent


def _withdrawn(resource: Mapping[str, Any]) -> bool:
    """Refuted or entered in error: the record says nothing, not even that a reaction happened."""
    return status_code(resource.get("verificationStatus")) in _VOID_VERIFICATION


def _allergy_void(resource: Mapping[str, Any]) -> bool:
    verification = status_code(resource.get("verificationStatus"))
    clinical = status_code(resource.get("clinicalStatus"))
    return verification in _VOID_VERIFICATION or clinical in _VOID_CLINICAL


def _allergy_ingredients(resource: Mapping[str, Any]) -> list[str]:
    concepts = [resource.get("code")]
    concepts += [
        r.get("substance") for r in array(resource.get("reaction")) if isinstance(r, Mapping)
    ]
    found: list[str] = []
    for concept in concepts:
        if isinstance(concept, Mapping):
            found += [c.ingredient for c in recognise(concept) if c.ingredient not in found]
    return found


def wants_intolerance(resource: Mapping[str, Any]) -> bool:
    """Cheap filter before mapping: an AllergyIntolerance naming a drug of this pathway, or an
    actual AdverseEvent with a suspect entity (resolved later, it may reference an order)."""
    kind = resource.get("resourceType")
    if kind == "AllergyIntolerance":
        if _withdrawn(resource):
            return False
        if not _allergy_void(resource) and _allergy_ingredients(resource):
            return True
        # A manic reaction is read when resolved too, and whatever the drug: a bipolar finding
        # on a pathway drug or class ("SSRIs"), else a DataGap (reaction_findings).
        return _allergy_mania(resource) is not None
    if kind == "AdverseEvent":
        return resource.get("actuality") != "potential" and (
            bool(array(resource.get("suspectEntity")))
            or _says_mania(resource.get("event")) is not None
        )
    return False


def _allergy_date(resource: Mapping[str, Any]) -> date | None:
    onset = parse_date(resource.get("onsetDateTime"))
    period = resource.get("onsetPeriod")
    if onset is None and isinstance(period, Mapping):
        onset = parse_date(period.get("start"))
    for reaction in array(resource.get("reaction")):
        if onset is None and isinstance(reaction, Mapping):
            onset = parse_date(reaction.get("onset"))
    return (
        onset
        or parse_date(resource.get("lastOccurrence"))
        or parse_date(resource.get("recordedDate"))
    )


def _allergy_reason(resource: Mapping[str, Any]) -> str:
    kind = resource.get("type") if resource.get("type") in ("allergy", "intolerance") else None
    manifestations = [
        label
        for reaction in array(resource.get("reaction"))
        if isinstance(reaction, Mapping)
        for concept in array(reaction.get("manifestation"))
        if isinstance(concept, Mapping) and (label := _manifestation_label(concept)) is not None
    ]
    head = f"documented {kind}" if kind else "documented allergy/intolerance"
    return f"{head}: {', '.join(manifestations)}" if manifestations else head


def _manifestation_label(concept: Mapping[str, Any]) -> str | None:
    """The manifestation as written, else, for a bare code that says mania or hypomania (SNOMED
    231494001 with no display: C-CDA conversions send codes so), what that code means."""
    label = _label(concept)
    if label is not None:
        return label
    said = _says_mania(concept)
    return said[2] if said is not None else None


def _index(resources: Iterable[Mapping[str, Any]]) -> dict[tuple[str, str], Mapping[str, Any]]:
    index: dict[tuple[str, str], Mapping[str, Any]] = {}
    for resource in resources:
        kind, rid = resource.get("resourceType"), resource.get("id")
        if isinstance(kind, str) and isinstance(rid, str) and rid:
            index.setdefault((kind, rid), resource)
    return index


def _drug_of_record(
    record: Mapping[str, Any], index: Mapping[tuple[str, str], Mapping[str, Any]]
) -> list[str]:
    """Ingredients of a medication record (its concept, or its referenced Medication)."""
    concept = record.get("medicationCodeableConcept")
    if isinstance(concept, Mapping):
        return [c.ingredient for c in recognise(concept)]
    reference = record.get("medicationReference")
    target = ref_id(reference)
    medication = index.get(("Medication", target)) if target else None
    pointer = reference.get("reference") if isinstance(reference, Mapping) else None
    if medication is None and isinstance(pointer, str) and pointer.startswith("#"):
        medication = next(
            (
                c
                for c in array(record.get("contained"))
                if isinstance(c, Mapping) and c.get("id") == target
            ),
            None,
        )
    if medication is not None:
        return [c.ingredient for c in recognise(None, medication)]
    display = reference.get("display") if isinstance(reference, Mapping) else None
    return [c.ingredient for c in recognise({"text": display})] if isinstance(display, str) else []


def _suspect_ingredients(
    entity: Mapping[str, Any],
    index: Mapping[tuple[str, str], Mapping[str, Any]],
    *,
    causal_only: bool = True,
) -> list[str]:
    """The drugs a suspect entity names; none when assessed "unlikely" to have caused the event,
    unless `causal_only` is False (a manic episode on the drug counts whatever caused it)."""
    table = _reasons()
    for causality in array(entity.get("causality")) if causal_only else ():
        if isinstance(causality, Mapping):
            assessed = {(s, c.lower()) for s, c, _ in codings(causality.get("assessment"))}
            if assessed & table.not_causal:
                return []
    concept = entity.get("instanceCodeableConcept")
    if isinstance(concept, Mapping):
        return [c.ingredient for c in recognise(concept)]
    instance = entity.get("instance")
    if not isinstance(instance, Mapping):
        return []
    reference = instance.get("reference")
    if isinstance(reference, str):
        parts = [p for p in reference.split("/") if p]
        if "_history" in parts:
            parts = parts[: parts.index("_history")]
        if len(parts) >= 2:
            target = index.get((parts[-2], parts[-1]))
            if target is not None:
                if parts[-2] == "Medication":
                    return [c.ingredient for c in recognise(None, target)]
                if parts[-2] in _MEDICATION_RECORDS:
                    return _drug_of_record(target, index)
    display = instance.get("display")
    if isinstance(display, str) and display.strip():
        return [c.ingredient for c in recognise({"text": display})]
    return []


def _event_date(resource: Mapping[str, Any]) -> date | None:
    return (
        parse_date(resource.get("date"))
        or parse_date(resource.get("detected"))
        or parse_date(resource.get("recordedDate"))
    )


def _event_ingredients(
    resource: Mapping[str, Any],
    index: Mapping[tuple[str, str], Mapping[str, Any]],
    *,
    causal_only: bool = True,
) -> list[str]:
    ingredients: list[str] = []
    for entity in array(resource.get("suspectEntity")):
        if isinstance(entity, Mapping):
            ingredients += [
                i
                for i in _suspect_ingredients(entity, index, causal_only=causal_only)
                if i not in ingredients
            ]
    return ingredients


def _event_reason(resource: Mapping[str, Any]) -> str:
    concept = resource.get("event")
    # A bare code says what it means, as an allergy's manifestation does (_allergy_reason): an
    # event coded SNOMED 231494001 with no display reads "adverse event: hypomania", not a
    # reason with no words.
    label = _manifestation_label(concept) if isinstance(concept, Mapping) else None
    return f"adverse event: {label}" if label else "adverse event"


def read_intolerances(
    resources: Iterable[Mapping[str, Any]],
    medication_resources: Sequence[Mapping[str, Any]] = (),
    *,
    as_of: date,
) -> tuple[Intolerance, ...]:
    """Intolerances documented by AllergyIntolerance / AdverseEvent resources, one per drug named.

    `medication_resources` (Medication, MedicationRequest, ...) resolve an AdverseEvent's suspect
    entity reference. Records dated after `as_of` are ignored (a replay sees the chart as it was).
    """
    index = _index(medication_resources)
    found: list[Intolerance] = []
    for resource in resources:
        kind = resource.get("resourceType")
        rid = resource.get("id")
        source = SourceRef(str(kind), rid if isinstance(rid, str) else "")
        if kind == "AllergyIntolerance":
            if _allergy_void(resource):
                continue
            when = _allergy_date(resource)
            ingredients = _allergy_ingredients(resource)
            reason = _allergy_reason(resource)
            # The one judgement reaction_findings reads for the bipolar finding: codes and words.
            manic = _allergy_mania(resource) is not None
        elif kind == "AdverseEvent":
            if resource.get("actuality") == "potential":
                continue
            when = _event_date(resource)
            ingredients = _event_ingredients(resource, index)
            reason = _event_reason(resource)
            manic = _says_mania(resource.get("event")) is not None
        else:
            continue
        if when is not None and when > as_of:
            continue
        found += [Intolerance(i, reason, when, source, manic) for i in ingredients]
    return tuple(found)


# --------------------------------------------------------------------------------------------
# Mania or hypomania recorded as a reaction: a bipolar-spectrum finding (review 10 finding 4)

_BIPOLAR = FindingKind.BIPOLAR
_MANIA_DRUG_NOT_READ = (
    "mania or hypomania recorded as a reaction whose drug could not be read: not read as a "
    "bipolar-spectrum finding"
)


@dataclass(frozen=True, slots=True)
class _Mania:
    codes: Mapping[tuple[str, str], str]  # (canonical system, lower-case code) -> its term
    terms: re.Pattern[str]  # words of a manifestation that says mania or hypomania
    classes: re.Pattern[str]  # antidepressant class names an allergy may be recorded against


def _words(terms: Iterable[str]) -> re.Pattern[str]:
    """Whole words, longest first, with a plural "s": "mania" is not "trichotillomania"."""
    return re.compile(
        r"(?<![a-z])(?:"
        + "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
        + r")s?(?![a-z])"
    )


@cache
def _mania() -> _Mania:
    text = resources.files("fhir_mapping").joinpath("data/mania_reactions.csv").read_text("utf-8")
    codes: dict[tuple[str, str], str] = {}
    terms: list[str] = []
    classes: list[str] = []
    for row in csv.DictReader(text.splitlines()):
        if row["kind"] == "code":
            codes[(canonical_system(row["system"]), row["code"].strip().lower())] = row["term"]
        elif row["kind"] == "term":
            terms.append(normalise_text(row["term"]))
        elif row["kind"] == "drug-class":
            classes.append(normalise_text(row["term"]))
    return _Mania(codes, _words(terms), _words(classes))


def _concept_words(concept: Mapping[str, Any]) -> str:
    text = concept.get("text")
    return normalise_text(
        " ".join(
            [d for _, _, d in codings(concept) if d] + ([text] if isinstance(text, str) else [])
        )
    )


def _says_mania(concept: object) -> tuple[str, str, str] | None:
    """(system, code, label) of a reaction that says mania or hypomania, else None: the one
    judgement of a manic reaction, for the bipolar finding (reaction_findings) and for the
    intolerance that makes the course it ended a switch (`Intolerance.manic_reaction`). A coding
    of data/mania_reactions.csv or a bipolar code of data/condition_codes.csv (F30.x: manic
    episode) wins, named by its code and labelled by what the code says (its display, else the
    table's term: the text beside a code may say something else, "Agitated, not sleeping"); else
    the words, not negated ("no mania"), as typed ("text", "")."""
    if not isinstance(concept, Mapping):
        return None
    inner = concept.get("concept")
    said: Mapping[str, Any] = inner if isinstance(inner, Mapping) else concept  # R5 reference
    table = _mania()
    for system, code, display in codings(said):
        term = table.codes.get((system, code.lower()))
        if term is None:
            term = next(
                (row.display for row in condition_matches(system, code) if row.kind is _BIPOLAR),
                None,
            )
        if term is not None:
            return system, code, display.strip() or term
    words = _concept_words(said)
    for match in table.terms.finditer(words):
        if not negated(words, match.start(), match.end()):
            return "text", "", _label(said) or match.group(0)
    return None


def _allergy_mania(resource: Mapping[str, Any]) -> tuple[tuple[str, str, str], date | None] | None:
    """The first manifestation that says mania or hypomania, with its reaction's onset."""
    for reaction in array(resource.get("reaction")):
        if not isinstance(reaction, Mapping):
            continue
        for concept in array(reaction.get("manifestation")):
            said = _says_mania(concept)
            if said is not None:
                return said, parse_date(reaction.get("onset"))
    return None


def _allergy_drugs(resource: Mapping[str, Any]) -> list[str]:
    """The pathway drugs an allergy names, else the antidepressant classes it names as written
    ("SSRIs"): a class has no ingredient to mark a trial with, but mania on it is mania on an
    antidepressant."""
    found = _allergy_ingredients(resource)
    if found:
        return found
    classes = _mania().classes
    concepts = [resource.get("code")] + [
        r.get("substance") for r in array(resource.get("reaction")) if isinstance(r, Mapping)
    ]
    for concept in concepts:
        if isinstance(concept, Mapping) and classes.search(_concept_words(concept)):
            label = _label(concept)
            if label is not None and label not in found:
                found.append(label)
    return found


def _mania_finding(
    said: tuple[str, str, str], drugs: Sequence[str], how: str, when: date | None, source: SourceRef
) -> Finding:
    system, code, label = said
    return Finding(
        kind=_BIPOLAR,
        code=code,
        system=system,
        display=f"{label[:1].upper()}{label[1:]} on {' and '.join(drugs)}, {how}",
        onset=when,
        source=source,
    )


def _concept_named(concept: object) -> bool:
    """A concept that names something: a text, a display or a code."""
    if not isinstance(concept, Mapping):
        return False
    if _label(concept) is not None:
        return True
    inner = concept.get("concept")
    return any(code for _, code, _ in codings(inner if isinstance(inner, Mapping) else concept))


def _record_named(
    record: Mapping[str, Any], index: Mapping[tuple[str, str], Mapping[str, Any]]
) -> bool:
    """A medication record (or Medication) whose drug is written: its concept, its referenced
    Medication's code, or the reference's display."""
    if _concept_named(record.get("code")) or _concept_named(
        record.get("medicationCodeableConcept")
    ):
        return True
    reference = record.get("medicationReference")
    if not isinstance(reference, Mapping):
        return False
    target = ref_id(reference)
    medication = index.get(("Medication", target)) if target else None
    if medication is None and target:
        medication = next(
            (
                c
                for c in array(record.get("contained"))
                if isinstance(c, Mapping) and c.get("id") == target
            ),
            None,
        )
    display = reference.get("display")
    return (medication is not None and _concept_named(medication.get("code"))) or (
        isinstance(display, str) and bool(display.strip())
    )


def _names_a_drug(
    resource: Mapping[str, Any], index: Mapping[tuple[str, str], Mapping[str, Any]]
) -> bool:
    """True when a manic reaction's record names its drug (recognised or not): the allergy's
    substance, or an AdverseEvent suspect entity by concept, resolvable reference or display.
    False when no drug can be read at all (no substance, no suspect, a reference to a record not
    among the resources): then the reaction may have been to an antidepressant, a real gap."""
    if resource.get("resourceType") == "AllergyIntolerance":
        concepts = [resource.get("code")] + [
            r.get("substance") for r in array(resource.get("reaction")) if isinstance(r, Mapping)
        ]
        return any(_concept_named(c) for c in concepts)
    for entity in array(resource.get("suspectEntity")):
        if not isinstance(entity, Mapping):
            continue
        if _concept_named(entity.get("instanceCodeableConcept")):
            return True
        instance = entity.get("instance")
        if not isinstance(instance, Mapping):
            continue
        reference = instance.get("reference")
        if isinstance(reference, str):
            parts = [p for p in reference.split("/") if p]
            if "_history" in parts:
                parts = parts[: parts.index("_history")]
            target = index.get((parts[-2], parts[-1])) if len(parts) >= 2 else None
            if target is not None and _record_named(target, index):
                return True
        display = instance.get("display")
        if isinstance(display, str) and display.strip():
            return True
    return False


def reaction_findings(
    resources: Iterable[Mapping[str, Any]],
    medication_resources: Sequence[Mapping[str, Any]] = (),
    *,
    as_of: date,
) -> tuple[tuple[Finding, ...], tuple[DataGap, ...]]:
    """BIPOLAR findings for mania or hypomania recorded as a reaction to a pathway drug (or an
    antidepressant class) by an AllergyIntolerance or an actual AdverseEvent, one per resource,
    dated by the reaction (else as the intolerance is), named with the drug and where it was
    recorded. Records dated after `as_of` are ignored, as `read_intolerances` ignores them.

    A manic reaction whose drug is not recognised (a drug off this pathway, a product the drug
    table does not know, no suspect entity) is not read as bipolar disorder (steroid-induced mania
    is not a bipolar marker). When the record names that drug (prednisone) it was read and is
    simply not a finding; only when no drug can be read at all (no substance, no suspect entity, a
    reference to a record not among the resources) is it a DataGap of the condition domain, so the
    cards that rest on the diagnosis say it was not read (it may have been an antidepressant)."""
    index: dict[tuple[str, str], Mapping[str, Any]] | None = None
    found: list[Finding] = []
    gaps: list[DataGap] = []
    for resource in resources:
        kind = resource.get("resourceType")
        if kind == "AllergyIntolerance":
            if _withdrawn(resource):
                continue
            mania = _allergy_mania(resource)
            if mania is None:
                continue
            said, onset = mania
            drugs = _allergy_drugs(resource)
            when = onset or _allergy_date(resource)
            how = "recorded as a reaction"
        elif kind == "AdverseEvent":
            if resource.get("actuality") == "potential":
                continue
            said_event = _says_mania(resource.get("event"))
            if said_event is None:
                continue
            said = said_event
            if index is None:
                index = _index(medication_resources)
            drugs = _event_ingredients(resource, index, causal_only=False)
            when = _event_date(resource)
            how = "recorded as an adverse event"
        else:
            continue
        if when is not None and when > as_of:
            continue
        rid = resource.get("id")
        source = SourceRef(str(kind), rid if isinstance(rid, str) else "")
        if drugs:
            found.append(_mania_finding(said, drugs, how, when, source))
        elif not _names_a_drug(resource, index or {}):  # the reason goes to the logs
            gaps.append(DataGap(DataDomain.CONDITIONS, _MANIA_DRUG_NOT_READ, source))
        # else a drug is named and it is not an antidepressant or adjunct (prednisone): read, and
        # deliberately not a bipolar finding (substance-induced mania), so not a gap either: "could
        # not be read" on every card would be false (review 10 recheck R9).
    return tuple(found), tuple(gaps)


def stop_reason_findings(
    stop_reasons: Iterable[Intolerance | None], medication_resources: Iterable[Mapping[str, Any]]
) -> tuple[Finding, ...]:
    """BIPOLAR findings for medication records whose stop reason (statusReason) says mania or
    hypomania, by a code or by words not negated: the judgement `reaction_findings` makes of an
    allergy's reaction, for the same switch recorded on the order or statement that ended a course
    (`status_reason_intolerance` marks it `manic_reaction`).

    `stop_reasons` are the intolerances of every medication event (`MedicationEvent.intolerance`),
    not the one a trial kept: a trial keeps its latest stop reason, so an earlier "hypomania" on
    the same course was lost (review 11 wave 4). One finding per record, naming every drug it
    ended and dated as its intolerance is (the course's stated end). The record itself is looked
    up only for those (nearly every chart has none) to name the finding by what its stop reason
    said: its code and display, or its words."""
    drugs: dict[SourceRef, list[str]] = {}
    dated: dict[SourceRef, date | None] = {}
    for stopped in stop_reasons:
        if (
            stopped is None
            or not stopped.manic_reaction
            or stopped.source.resource_type not in _MEDICATION_RECORDS
        ):
            continue
        named = drugs.setdefault(stopped.source, [])
        if stopped.ingredient not in named:
            named.append(stopped.ingredient)
        dated.setdefault(stopped.source, stopped.date)
    if not drugs:
        return ()  # nearly every record: no course stopped for mania
    found: dict[SourceRef, Finding] = {}
    for resource in medication_resources:
        rid = resource.get("id")
        source = SourceRef(str(resource.get("resourceType")), rid if isinstance(rid, str) else "")
        if source not in drugs or source in found:
            continue
        value = resource.get("statusReason")
        if value is None:
            value = resource.get("statusReasonCodeableConcept")
        said = next((m for c in _concepts(value) if (m := _says_mania(c)) is not None), None)
        if said is not None:
            how = "recorded as the reason it was stopped"
            found[source] = _mania_finding(said, drugs[source], how, dated[source], source)
    return tuple(found.values())


def _finding_order(f: Finding) -> tuple[str, date, str, str, str]:
    # The order context.clinical_context gives its findings in (kind, onset, code, source).
    return (f.kind.value, f.onset or date.min, f.system, f.code, str(f.source or ""))


def with_reaction_findings(context: ClinicalContext, found: Sequence[Finding]) -> ClinicalContext:
    """`context` with the findings `reaction_findings` read added, in the context's order."""
    if not found:
        return context
    merged = set(context.findings).union(found)
    return dataclasses.replace(context, findings=tuple(sorted(merged, key=_finding_order)))
