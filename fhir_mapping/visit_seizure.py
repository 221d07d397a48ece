"""A seizure a visit records only as its reason, not on the problem list (fix dx61, after dx60).

An ED visit whose reason is "Seizure", "new onset seizure", "Breakthrough seizure" or R56.9 /
SNOMED CT 91175000 gave a one-click TMS referral whose card said no epilepsy or seizure disorder
was recognised, and bupropion stayed a switch option: visit reasons were read for suicide risk
(visit_risk.py) and pregnancy (visit_pregnancy.py), never for a seizure. A seizure ever is the
question the TMS safety screen asks first: LCD L34998/L37086 make a seizure disorder or a history
of seizures a TMS contraindication, the NeuroStar label warns of seizures, and the bupropion
labels contraindicate a seizure disorder (../shared/clinical/REFERENCE.md 3.2/3.4, CPS 2023
Table 6). The safer reading is the one dx60 took for the same words on the problem list, and
condition_codes.csv for R56.9: held as a seizure disorder (TMS and bupropion), the card naming
what the visit recorded.

Read here, each as an EPILEPSY finding dated the visit's start and citing the Encounter
(`Finding.recorded` "visit reason"):

- a reason coded under an epilepsy row of condition_codes.csv (R56.9, 91175000, G40.x: the rows a
  Condition of that code is read by, so a code means the same wherever it is written);
- otherwise the reason's words, as a text-only Condition's are (diagnosis_terms.csv `epilepsy`
  rows `seizure*`, `convulsion*`, `sz`, with their negation and look-alike rows): "no seizure
  activity" and "seizure precautions" are not a seizure; "r/o seizure" is read as the finding, as
  diagnosis_text.py reads "rule out" everywhere (a seizure suspected enough to be worked up at an
  ED visit is what the TMS service must screen; holding costs a click, a missed seizure a seizure);
- a `reasonReference` or an `Encounter.diagnosis` to a Condition the chart did not send (or one
  the Encounter contains), read by its code or display (absent_reasons.py, as visit_risk.py does).
  A Condition the chart sends is read as a Condition already (conditions.py, condition_text.py).

A reason that names no seizure but what the TMS service must still ask about ("Seizure
precautions", "PNES", "Convulsive syncope", "Seizure prophylaxis") is a TMS_CAUTION, named on the
TMS card's safety-screen line as the same words on the problem list are (tms_safety_terms.csv
rows marked `visit-reason`); bupropion stays listed, as no seizure disorder is stated.

Every visit class is read (an ED visit, a stay, a neurology clinic visit): a seizure is the
patient's whatever the setting. A visit planned, cancelled or entered in error records nothing;
one starting after as-of is not yet on record; an undated one is read undated.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from fhir_mapping.absent_reasons import diagnosis_reasons, referenced_reasons
from fhir_mapping.clinical_codes import condition_matches
from fhir_mapping.clinical_records import ClinicalContext
from fhir_mapping.fhir_fields import (
    JSON_OBJECT,
    codings,
    concept_text,
    one_or_many,
    parse_date,
    source_ref,
)
from fhir_mapping.record import Finding, FindingKind
from fhir_mapping.text_lines import risk_kinds
from fhir_mapping.tms_safety import concept_label, text_rows
from fhir_mapping.tms_safety import findings as safety_findings

Resource = Mapping[str, Any]

_EPILEPSY = FindingKind.EPILEPSY
# Encounter statuses that record no visit that took place (FHIR R4 EncounterStatus; `booked` as
# some feeds copy the Appointment status).
NO_VISIT = frozenset({"planned", "booked", "cancelled", "entered-in-error"})
REASON = "visit reason"  # `Finding.recorded`, as visit_risk.REASON
# tms_safety_terms.csv rows read in a visit's reason: the seizure cautions only (PNES, seizure
# precautions, convulsive syncope). The other cautions (a fall's "head injury") stay the problem
# list's, as before: a visit reason is read here for the seizure question alone.
_APPLIES_TO = "visit-reason"


def _seizure_reading(concept: object) -> tuple[str, str, str, str | None] | None:
    """(system, code, display, named_as) of a reason naming a seizure: its first coding under an
    epilepsy row, else its words (system "text"), else None."""
    coded = codings(concept)
    for system, code, display in coded:
        for row in condition_matches(system, code):
            if row.kind is _EPILEPSY:
                return system, code, display or row.display, row.named_as
    text = concept_text(concept, coded)
    if text and _EPILEPSY in risk_kinds(text):
        return "text", "", concept_label(concept, coded), None
    return None


def _reasons(resource: Resource, chart: Sequence[Resource] | None) -> list[object]:
    return [
        *one_or_many(resource.get("reasonCode")),
        *referenced_reasons(resource, chart),
        *diagnosis_reasons(resource, chart),
    ]


def _caution(concept: object) -> bool:
    return bool(text_rows(concept_text(concept), _APPLIES_TO))


def wants_visit(resource: Resource) -> bool:
    """An Encounter whose reasonCode names a seizure or a seizure caution (the routing filter
    keeps it, whatever its class): cheap, most Encounters state no reason."""
    reasons = resource.get("reasonCode")
    if not isinstance(reasons, list):
        return False
    return any(_seizure_reading(c) is not None or _caution(c) for c in reasons)


def _visit_findings(visit: Resource, chart: Sequence[Resource] | None) -> Iterator[Finding]:
    status = visit.get("status")
    if not isinstance(status, str) or status in NO_VISIT:
        return
    period = visit.get("period")
    start = parse_date(period.get("start")) if isinstance(period, JSON_OBJECT) else None
    when = f"visit on {start.isoformat()}" if start is not None else "visit"
    cautions: list[Finding] = []
    for concept in _reasons(visit, chart):
        read = _seizure_reading(concept)
        if read is None:
            # No seizure, but one the TMS service must ask about ("Seizure precautions",
            # "PNES", "Convulsive syncope"): named on the TMS card's safety-screen line, as the
            # same words on the problem list are (tms_safety_terms.csv cautions, fix dx60).
            label = f"{concept_label(concept)} ({REASON})"
            text = concept_text(concept)
            cautions.extend(
                replace(f, recorded=REASON, visit=when)
                for f in safety_findings(
                    concept,
                    applies_to=_APPLIES_TO,
                    text=text,
                    label=label,
                    active=True,
                    onset=start,
                    source=source_ref(visit),
                )
            )
            continue
        system, code, display, named_as = read
        yield Finding(
            kind=_EPILEPSY,
            code=code,
            system=system,
            # The card names it as the visit recorded it: "Seizure (visit reason)".
            display=f"{display} ({REASON})",
            onset=start,
            source=source_ref(visit),
            recorded=REASON,
            visit=when,
            named_as=named_as,
        )
        return  # one visit, one finding: its first reason naming a seizure
    yield from cautions[:1]  # one visit, one line


def _key(f: Finding) -> tuple[str, date, str, str, str]:
    # context._finding_key's order, so the findings stay as clinical_context sorts them.
    return (f.kind.value, f.onset or date.min, f.system, f.code, str(f.source or ""))


def with_visit_seizures(
    context: ClinicalContext,
    encounters: Sequence[Resource],
    *,
    as_of: date,
    chart: Sequence[Resource] | None = None,
) -> ClinicalContext:
    """`context` with an EPILEPSY finding for each visit whose reason names a seizure (module
    docstring). `chart`: every Condition of the chart (stay_evidence.py), what a reference is
    looked for in; None when not known (no reference is then read)."""
    added: list[Finding] = []
    for visit in encounters:
        if not isinstance(visit, JSON_OBJECT):
            continue
        for finding in _visit_findings(visit, chart):
            if finding.onset is None or finding.onset <= as_of:
                added.append(finding)
    if not added:
        return context  # nearly every chart
    findings = sorted({*context.findings, *added}, key=_key)
    return replace(context, findings=tuple(findings))
