"""Documented intolerance of an antidepressant or adjunct (issue 10): a course stopped for side
effects is not a fair test of efficacy and not poor adherence either; payers count it as
"intolerance" (services/policy/tms.py, `tms_count_intolerant_trials`).

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
whether a reaction or stop reason says it is manic_reaction.py's one judgement
(`says_mania`), which marks the intolerance `manic_reaction` here (the course it ended is a manic
switch, never a failed trial: trial_record), and the bipolar-spectrum finding it makes is
mania_findings.py's. A manic reaction is read when the allergy is resolved too, and whatever the
drug (`wants_intolerance`), for that finding.

How a stop reason or a reaction is read and worded (source 1, and the reason a record states) is
intolerance_reasons.py; the AdverseEvent reading (source 3: suspect entities and the medication
records they reference) is intolerance_events.py. Their names stay importable from here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from fhir_mapping import allergy_classes
from fhir_mapping.fhir_fields import array, codings, parse_date, status_code
from fhir_mapping.gaps import UNPLACED_ALLERGEN as _UNPLACED_ALLERGEN
from fhir_mapping.gaps import resource_gap
from fhir_mapping.intolerance_events import (
    _MEDICATION_RECORDS,
    _event_date,
    _event_ingredients,
    _event_reason,
    _index,
)
from fhir_mapping.intolerance_reasons import (
    intolerance_reason,
    manifestation_label,
    says_low_sodium,
    status_reason_intolerance,
)
from fhir_mapping.manic_reaction import allergy_mania, says_mania
from fhir_mapping.record import (
    DataDomain,
    DataGap,
    Intolerance,
    SourceRef,
)
from fhir_mapping.terminology import recognise
from fhir_mapping.text_bounds import CLAUSE, first_piece
from fhir_mapping.tms_safety import normalise_text

# The names other modules import from here (intolerance_reasons.py's and intolerance_events.py's
# among them: mania_findings.py reads AdverseEvents as read_intolerances does).
__all__ = [
    "INTOLERANCE_TYPES",
    "UNPLACED_ALLERGEN",
    "_MEDICATION_RECORDS",
    "_event_date",
    "_event_ingredients",
    "_index",
    "intolerance_reason",
    "read_intolerances",
    "record_kind",
    "says_low_sodium",
    "status_reason_intolerance",
    "unplaced_allergies",
    "voided",
    "wants_intolerance",
]

INTOLERANCE_TYPES = frozenset({"AllergyIntolerance", "AdverseEvent"})
# AllergyIntolerance statuses that withdraw the record (FHIR R4 allergyintolerance-verification /
# allergyintolerance-clinical): refuted or in error, or the reaction is gone on re-exposure.
_VOID_VERIFICATION = frozenset({"refuted", "entered-in-error"})
_VOID_CLINICAL = frozenset({"inactive", "resolved"})


# --------------------------------------------------------------------------------------------
# AllergyIntolerance and AdverseEvent


def _withdrawn(resource: Mapping[str, Any]) -> bool:
    """Refuted or entered in error: the record says nothing, not even that a reaction happened."""
    return status_code(resource.get("verificationStatus")) in _VOID_VERIFICATION


def _allergy_void(resource: Mapping[str, Any]) -> bool:
    verification = status_code(resource.get("verificationStatus"))
    clinical = status_code(resource.get("clinicalStatus"))
    return verification in _VOID_VERIFICATION or clinical in _VOID_CLINICAL


def voided(resource: Mapping[str, Any]) -> bool:
    """An AllergyIntolerance no status lets the cards read (refuted, in error, inactive,
    resolved): masked_codes.py drops a masked one so, as a readable one is (fix mask48)."""
    return _allergy_void(resource)


def _allergen_concepts(resource: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    concepts = [resource.get("code")]
    concepts += [
        r.get("substance") for r in array(resource.get("reaction")) if isinstance(r, Mapping)
    ]
    return [c for c in concepts if isinstance(c, Mapping)]


def _allergy_ingredients(resource: Mapping[str, Any]) -> list[str]:
    return [i for i, _ in _allergy_allergens(resource)]


def _allergy_allergens(resource: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(ingredient, class allergen as written or "") for each drug the allergy names: a drug by
    code, name or brand, or every drug of a class named in words ("SSRIs", "tricyclic
    antidepressants": allergy_classes.py, review 16 U1). A concept that names a drug is read as
    that drug only ("sertraline (SSRI)" is not the whole class)."""
    found: dict[str, str] = {}
    for concept in _allergen_concepts(resource):
        drugs = [c.ingredient for c in recognise(concept)]
        if drugs:
            for ingredient in drugs:
                found.setdefault(ingredient, "")
            continue
        members = allergy_classes.class_ingredients(concept)
        label = allergy_classes.allergen_label(concept) if members else ""
        for ingredient in members:
            found.setdefault(ingredient, label)
    return list(found.items())


# The gap reason of a drug allergy whose allergen is text the service cannot place (review 16
# U1: never dropped silently; defined in gaps.py, whose line names it). No patient data in it:
# the text goes to DataGap.stated.
UNPLACED_ALLERGEN = _UNPLACED_ALLERGEN
# "No known drug allergies", "NKDA", "None": an entry that records no allergy.
_NO_ALLERGY = re.compile(r"^\s*(?:no|none|nka|nkda|nkma|denies)\b")


def _unplaced_allergen(resource: Mapping[str, Any]) -> str | None:
    """The allergen as written when a medication allergy names it only in text the service
    cannot place (not a drug it knows, not a class: "antipsychotic injection - unknown which",
    "Pristiq-like"), so the cards that propose or check a drug can name it; None otherwise. A
    coded allergen it does not know is a drug off this pathway (penicillin) and stays quiet, and
    so does one whose text names such an allergen (data/allergy_classes.csv `off-pathway` rows); a
    food or environment allergy is not a drug."""
    categories = array(resource.get("category"))
    if categories and "medication" not in categories:
        return None
    code = resource.get("code")
    if not isinstance(code, Mapping) or any(c for _, c, _ in codings(code)):
        return None
    text = code.get("text")
    if not isinstance(text, str) or not text.strip() or _NO_ALLERGY.match(normalise_text(text)):
        return None
    if _allergy_allergens(resource) or allergy_mania(resource) is not None:
        return None
    if allergy_classes.off_pathway(text):
        return None  # penicillin, sulfa, latex: placed, and no drug this service proposes
    return text.strip()


def unplaced_allergies(
    resources: Iterable[Mapping[str, Any]], *, as_of: date
) -> tuple[DataGap, ...]:
    """A gap for each active drug allergy whose allergen text could not be placed (never silent:
    the cards of the intolerance domain name it with its text)."""
    gaps: list[DataGap] = []
    for resource in resources:
        if resource.get("resourceType") != "AllergyIntolerance" or _allergy_void(resource):
            continue
        when = _allergy_date(resource)
        if when is not None and when > as_of:
            continue
        text = _unplaced_allergen(resource)
        if text is not None:
            gaps += resource_gap(
                resource, UNPLACED_ALLERGEN, DataDomain.INTOLERANCES, stated=f"allergen '{text}'"
            )
    return tuple(gaps)


def wants_intolerance(resource: Mapping[str, Any]) -> bool:
    """Cheap filter before mapping: an AllergyIntolerance naming a drug of this pathway, or an
    actual AdverseEvent with a suspect entity (resolved later, it may reference an order)."""
    kind = resource.get("resourceType")
    if kind == "AllergyIntolerance":
        if _withdrawn(resource):
            return False
        if not _allergy_void(resource) and (
            _allergy_ingredients(resource) or _unplaced_allergen(resource)
        ):
            return True
        # A manic reaction is read when resolved too, and whatever the drug: a bipolar finding
        # on a pathway drug or class ("SSRIs"), else a DataGap (reaction_findings).
        return allergy_mania(resource) is not None
    if kind == "AdverseEvent":
        return resource.get("actuality") != "potential" and (
            bool(array(resource.get("suspectEntity")))
            or says_mania(resource.get("event")) is not None
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


# How an AllergyIntolerance's reason begins (`_allergy_reason`): its `type` as the entry states it.
_DOCUMENTED_INTOLERANCE = "documented intolerance"


def record_kind(intolerance: Intolerance) -> str:
    """ "intolerance" when the AllergyIntolerance says `type` intolerance, else "allergy": a card
    summary names the entry as recorded (review 16 recheck a02: an SSRI intolerance, nausea, was
    summarised as "a documented allergy"). An entry with no type stays "allergy" (the safer
    word for a drug about to be ordered)."""
    return "intolerance" if intolerance.reason.startswith(_DOCUMENTED_INTOLERANCE) else "allergy"


def _allergy_reason(resource: Mapping[str, Any]) -> str:
    kind = resource.get("type") if resource.get("type") in ("allergy", "intolerance") else None
    manifestations = [
        label
        for reaction in array(resource.get("reaction"))
        if isinstance(reaction, Mapping)
        for concept in array(reaction.get("manifestation"))
        if isinstance(concept, Mapping) and (label := manifestation_label(concept)) is not None
    ]
    # A severe reaction read in a description or a note is named beside the manifestations,
    # with where it was read ("Nausea (note: anaphylaxis)"): the card then says why it is
    # critical (s31 allergy38 item 2; allergy37 said the description's first clause, and a
    # counselling sentence pushed the reaction and the date out of the summary). With no
    # manifestation, the description's first clause is the reaction.
    cause = allergy_classes.severe_in_text(resource)
    said = " ".join(manifestations).lower()
    if manifestations and cause and cause.rpartition(": ")[2].lower() not in said:
        manifestations[-1] += f" ({cause})"
    elif not manifestations:
        manifestations = [
            first
            for reaction in array(resource.get("reaction"))
            if isinstance(reaction, Mapping)
            and isinstance(text := reaction.get("description"), str)
            and (first := first_piece(text, CLAUSE).strip())
        ]
    head = f"documented {kind}" if kind else "documented allergy/intolerance"
    return f"{head}: {', '.join(manifestations)}" if manifestations else head


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
            if when is not None and when > as_of:
                continue
            reason = _allergy_reason(resource)
            # The one judgement reaction_findings reads for the bipolar finding: codes and words.
            manic = allergy_mania(resource) is not None
            severe = allergy_classes.severe_reaction(resource)
            found += [
                Intolerance(
                    i,
                    reason,
                    when,
                    source,
                    manic,
                    allergen_class=label,
                    severe=severe,
                )
                for i, label in _allergy_allergens(resource)
            ]
            continue
        if kind == "AdverseEvent":
            if resource.get("actuality") == "potential":
                continue
            when = _event_date(resource)
            ingredients = _event_ingredients(resource, index)
            reason = _event_reason(resource)
            manic = says_mania(resource.get("event")) is not None
        else:
            continue
        if when is not None and when > as_of:
            continue
        found += [Intolerance(i, reason, when, source, manic) for i in ingredients]
    return tuple(found)
