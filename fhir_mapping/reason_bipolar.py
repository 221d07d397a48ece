"""Bipolar disorder, mania or hypomania a visit or a medication order records only as its reason,
not on the problem list (fix bip67, review K61a finding 1).

A visit whose reason was F31.81 "Bipolar II disorder" or "hypomanic symptoms on venlafaxine", or
a lamotrigine order for F31.81 and a quetiapine order for "bipolar depression", gave no diagnosis
review card, an augment/switch proposal and a one-click TMS referral whose packet said "Bipolar
disorder: none on record": bipolar findings were read only from Conditions, manic reactions and
stop reasons (conditions.py, mania_findings.py). An antidepressant without a mood stabiliser in
bipolar disorder risks a switch to mania, and the unipolar TRD pathway (and TMS under it) does
not apply until psychiatry has assessed it (../shared/clinical/REFERENCE.md 4.3): a clinician who
wrote bipolar disorder as a visit's or an order's reason stated it as surely as a problem-list
entry does, so it is held the same way, the safer reading, the card naming where it was read.

One reading for every reason, as visit_seizure.py reads a seizure (fix dx61):

- a reason coded under a bipolar row of condition_codes.csv (the rows a Condition of that code is
  read by, so a code means the same wherever it is written);
- otherwise its words, as a text-only Condition's are (diagnosis_terms.csv `bipolar` rows with
  their negations: "no hx of mania" is not read); "r/o bipolar" is read, marked a differential
  as the same words on a text-only Condition are (differential_text.py);
- a `reasonReference` to a Condition the chart did not send (or one the resource contains), by its
  code or display (absent_reasons.py). A Condition the chart sends is read as a Condition already.

Visits: every class, not planned, booked, cancelled or entered in error, dated by their start.
Orders and statements (MedicationRequest, MedicationStatement): any status but entered-in-error
(a stopped lamotrigine order for bipolar disorder still states the diagnosis: it is lifelong,
condition_codes.csv counts_when_resolved), dated when written. Either one dated after as-of is
not yet on record. One finding per resource: its first reason naming bipolar disorder.

A reason whose mania words stand only in clauses naming a medical or substance cause
("steroid-induced manic sx": data/bipolar_reason_causes.csv `cause` rows) and no bipolar disorder
itself (`keeps` rows) is not read (session 41 review K66a finding 6, fix tms62): a substance- or
medication-induced episode is not bipolar I/II (DSM-5-TR), as psychotic_not_current.csv reads a
hallucination with a named cause. Antidepressants are not a listed cause: "hypomanic symptoms on
venlafaxine" stays read, the safer reading (an episode that persists counts toward bipolar I).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping.absent_reasons import diagnosis_reasons, referenced_reasons
from fhir_mapping.clinical_codes import condition_matches
from fhir_mapping.differential_text import DIFFERENTIAL, bipolar_to_rule_out
from fhir_mapping.fhir_fields import (
    JSON_OBJECT,
    codings,
    concept_text,
    one_or_many,
    parse_date,
    source_ref,
)
from fhir_mapping.mania_findings import with_reaction_findings
from fhir_mapping.record import ClinicalContext, Finding, FindingKind
from fhir_mapping.safety_term_words import phrase
from fhir_mapping.text_bounds import CLAUSE
from fhir_mapping.text_lines import risk_kinds
from fhir_mapping.text_negation import normalise_text
from fhir_mapping.tms_safety import concept_label
from fhir_mapping.visit_seizure import NO_VISIT, REASON

Resource = Mapping[str, Any]

_BIPOLAR = FindingKind.BIPOLAR
_ORDERS = frozenset({"MedicationRequest", "MedicationStatement"})
VISIT_REASON = REASON  # `Finding.recorded`, as visit_seizure's
ORDER_REASON = "order reason"


def bipolar_reading(concept: object) -> tuple[str, str, str, str | None] | None:
    """(system, code, label, verification) of a reason naming bipolar disorder, mania or
    hypomania: its first coding under a bipolar row, else its words (system "text";
    verification "differential" after "r/o"), else None."""
    coded = codings(concept)
    for system, code, display in coded:
        for row in condition_matches(system, code):
            if row.kind is _BIPOLAR:
                return system, code, display or row.display, None
    text = concept_text(concept, coded)
    if text:
        # "Manic Panic" (a hair-dye brand) names no mania (fix psy64 finding 3).
        text = _causes()["lookalike"].sub(" ", normalise_text(text))
    if text and _BIPOLAR in risk_kinds(text) and not _named_cause(text):
        ruled = DIFFERENTIAL if bipolar_to_rule_out(text) else None
        return "text", "", concept_label(concept, coded), ruled
    return None


@cache
def _causes() -> dict[str, re.Pattern[str]]:
    text = resources.files("fhir_mapping").joinpath("data/bipolar_reason_causes.csv")
    rows = list(csv.DictReader(text.read_text("utf-8").splitlines()))
    return {
        kind: re.compile(
            "|".join(
                f"(?:{phrase(normalise_text(r['term'])).pattern})"
                for r in rows
                if r["kind"] == kind
            )
        )
        for kind in ("cause", "keeps", "lookalike")
    }


def _named_cause(text: str) -> bool:
    """Whether every clause of `text` naming bipolar disorder or mania names a medical or
    substance cause and not bipolar disorder itself (module docstring; fix tms62)."""
    said = normalise_text(text)
    causes = _causes()
    if causes["cause"].search(said) is None:
        return False  # nearly every reason
    clauses = [c for c in CLAUSE.split(said) if _BIPOLAR in risk_kinds(c)]
    return bool(clauses) and all(
        causes["cause"].search(c) is not None and causes["keeps"].search(c) is None for c in clauses
    )


def wants_visit(resource: Resource) -> bool:
    """An Encounter whose reasonCode names bipolar disorder (the routing filter keeps it,
    whatever its class): cheap, most Encounters state no reason."""
    reasons = resource.get("reasonCode")
    if not isinstance(reasons, list):
        return False
    return any(bipolar_reading(c) is not None for c in reasons)


def _reasons(resource: Resource, chart: Sequence[Resource] | None) -> Iterator[object]:
    """The reasons in order, each kind read only when no earlier one named bipolar disorder:
    the references are looked up in the chart only then (issue 14)."""
    yield from one_or_many(resource.get("reasonCode"))
    yield from referenced_reasons(resource, chart)
    yield from diagnosis_reasons(resource, chart)


def _drug(resource: Resource) -> str:
    """The drug an order names as written ("lamotrigine 100 MG Oral Tablet"), else "a drug"."""
    label = concept_label(resource.get("medicationCodeableConcept"))
    if label:
        return label
    reference = resource.get("medicationReference")
    display = reference.get("display") if isinstance(reference, JSON_OBJECT) else None
    return display.strip() if isinstance(display, str) and display.strip() else "a drug"


def _where(resource: Resource) -> tuple[date | None, str] | None:
    """(date, `Finding.recorded`) of a visit or an order whose reasons are read, else None (no
    visit took place, an order entered in error, another type). The words naming where are
    written (`_words`) only once a reason names bipolar disorder (issue 14)."""
    kind = resource.get("resourceType")
    status = resource.get("status")
    if kind == "Encounter":
        if not isinstance(status, str) or status in NO_VISIT:
            return None
        period = resource.get("period")
        start = parse_date(period.get("start")) if isinstance(period, JSON_OBJECT) else None
        return start, VISIT_REASON
    if kind not in _ORDERS or status == "entered-in-error":
        return None
    written = resource.get("authoredOn") or resource.get("dateAsserted")
    if written is None:
        period = resource.get("effectivePeriod")
        written = period.get("start") if isinstance(period, JSON_OBJECT) else None
        written = written or resource.get("effectiveDateTime")
    return parse_date(written), ORDER_REASON


def _words(resource: Resource, day: date | None, recorded: str) -> str:
    """The words naming where a reason was read: "reason for the visit on 2025-05-20", "reason
    for the order of lamotrigine 100 MG Oral Tablet of 2025-05-20"."""
    if recorded == VISIT_REASON:
        when = f"the visit on {day.isoformat()}" if day is not None else "a visit"
        return f"reason for {when}"
    dated = f" of {day.isoformat()}" if day is not None else ""
    what = (
        "order" if resource.get("resourceType") == "MedicationRequest" else "medication statement"
    )
    return f"reason for the {what} of {_drug(resource)}{dated}"


def _finding(resource: Resource, chart: Sequence[Resource] | None) -> Finding | None:
    where = _where(resource)
    if where is None:
        return None
    day, recorded = where
    for concept in _reasons(resource, chart):
        read = bipolar_reading(concept)
        if read is None:
            continue
        system, code, label, verification = read
        return Finding(
            kind=_BIPOLAR,
            code=code,
            system=system,
            # The card names it as recorded and where: "Bipolar II disorder (reason for the
            # visit on 2025-05-20)".
            display=f"{label} ({_words(resource, day, recorded)})",
            onset=day,
            source=source_ref(resource),
            verification=verification,
            recorded=recorded,
            # The day it was written, not an onset: the cards say "recorded 2025-05-20".
            onset_recorded=True,
        )
    return None


def of_reasons(
    resources: Iterable[Resource], as_of: date, chart: Sequence[Resource] | None = None
) -> tuple[Finding, ...]:
    """BIPOLAR findings of the visits and medication orders or statements among `resources`
    whose reason names bipolar disorder (module docstring). `chart`: every Condition of the
    chart, what a reference is looked for in; None when not known (no reference is then read)."""
    found: list[Finding] = []
    for resource in resources:
        if not isinstance(resource, JSON_OBJECT) or not (
            resource.get("reasonCode") or resource.get("reasonReference") or "diagnosis" in resource
        ):
            continue  # nearly every visit and order: no reason stated
        finding = _finding(resource, chart)
        if finding is not None and (finding.onset is None or finding.onset <= as_of):
            found.append(finding)
    return tuple(found)


def with_reason_findings(
    context: ClinicalContext,
    resources: Iterable[Resource],
    *,
    as_of: date,
    chart: Sequence[Resource] | None = None,
) -> ClinicalContext:
    """`context` with the findings `of_reasons` reads, in the context's order."""
    return with_reaction_findings(context, of_reasons(resources, as_of, chart))
